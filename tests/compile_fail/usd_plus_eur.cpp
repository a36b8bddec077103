// Must not compile: adding US dollars to euros.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  auto sum = 1.0_USD + 1.0_EUR;
  (void)sum;
#else
  auto sum = 1.0_USD + 2.0_USD;
  (void)sum;
#endif
}
