// Must not compile: passing a price per token where a price per kWh is due.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  const tpw::energy_cost<tpw::USD> bill({.price = 0.08_USD / units::Mtok});
  (void)bill;
#else
  const tpw::energy_cost<tpw::USD> bill({.price = 0.08_USD / units::kWh});
  (void)bill;
#endif
}
