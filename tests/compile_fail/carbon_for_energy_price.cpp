// Must not compile: a grid carbon intensity (gCO2e/kWh) where an energy price (USD/kWh) is due;
// both are "per kWh" figures that a spreadsheet would happily swap.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  const tpw::energy_cost<tpw::USD> energy({.price = 400.0_g / units::kWh});
#else
  const tpw::energy_cost<tpw::USD> energy({.price = 0.08_USD / units::kWh});
#endif
  (void)energy;
}
