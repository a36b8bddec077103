// Must not compile: a EUR token price in a USD cost base (tpw::parameters_of<USD>). The control
// passes a USD price.
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
  const tpw::energy_cost<tpw::USD> energy({.price = 0.08_USD / units::kWh});
#ifdef TPW_MUST_NOT_COMPILE
  const auto price = 2.0_EUR / (1e6 * units::tok);
#else
  const auto price = 2.0_USD / (1e6 * units::tok);
#endif
  const auto p = tpw::parameters_of<tpw::USD>(gpu, energy, price);
  return p.priced ? 0 : 1;
}
