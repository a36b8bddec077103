// Must not compile: assigning euros to a dollar amount.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  tpw::money<tpw::USD> amount = 3.0_EUR;
  (void)amount;
#else
  tpw::money<tpw::USD> amount = 3.0_USD;
  (void)amount;
#endif
}
