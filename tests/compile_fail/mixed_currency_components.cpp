// Must not compile: evaluating components priced in two currencies together.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

static tpw::deployment gpu() {
  return tpw::deployment({.accelerators_per_system = 1,
                          .it_power = 1.0_kW,
                          .pue = tpw::pue{1.2},
                          .utilization = tpw::fraction{0.7},
                          .throughput = 100.0_tok_per_s});
}
int main() {
#ifdef TPW_MUST_NOT_COMPILE
  const auto e = tpw::evaluate(gpu(), tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh}),
                               tpw::energy_cost<tpw::EUR>({.price = 0.07_EUR / units::kWh}));
  (void)e;
#else
  const auto e = tpw::evaluate(gpu(), tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh}),
                               tpw::energy_cost<tpw::USD>({.price = 0.07_USD / units::kWh}));
  (void)e;
#endif
}
