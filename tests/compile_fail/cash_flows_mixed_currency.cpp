// Must not compile: the NPV of a series that mixes USD and EUR flows.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <vector>

#include <tpw/finance.hpp>
#include <tpw/units/literals.hpp>

using namespace tpw::literals;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  const std::vector<tpw::money<tpw::USD>> flows{-100.0_USD, 60.0_EUR};
#else
  const std::vector<tpw::money<tpw::USD>> flows{-100.0_USD, 60.0_USD};
#endif
  (void)tpw::net_present_value(tpw::annual_rate{0.1}, flows);
}
