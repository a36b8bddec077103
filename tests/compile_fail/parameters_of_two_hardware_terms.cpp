// Must not compile: a cost base (tpw::parameters_of) with both owned and rented hardware; the base
// has one set of hardware terms. The control passes one.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control).
#include <tpw/model/parameters_of.hpp>
#include <tpw/units.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
  const tpw::deployment::spec gpu{.accelerators_per_system = 8,
                                  .it_power = 10.0_kW,
                                  .pue = tpw::pue{1.2},
                                  .utilization = tpw::fraction{0.7},
                                  .throughput = 1000.0_tok_per_s};
  const tpw::rented_hardware<tpw::USD> rented({.rental_per_accelerator = 2.0_USD / units::hour});
  const tpw::energy_cost<tpw::USD> energy({.price = 0.08_USD / units::kWh});
#ifdef TPW_MUST_NOT_COMPILE
  const tpw::owned_hardware<tpw::USD> owned({.price_per_system = 300000.0_USD, .life = 4.0_yr});
  const auto p = tpw::parameters_of<tpw::USD>(gpu, owned, rented, energy);
#else
  const auto p = tpw::parameters_of<tpw::USD>(gpu, rented, energy);
#endif
  return p.priced ? 1 : 0;
}
