// Must not compile: passing a raw double where a quantity is due.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  const tpw::deployment::spec spec{.accelerators_per_system = 8,
                                   .it_power = 10200.0,
                                   .pue = tpw::pue{1.2},
                                   .utilization = tpw::fraction{0.7}};
  (void)spec;
#else
  const tpw::deployment::spec spec{.accelerators_per_system = 8,
                                   .it_power = 10200.0_W,
                                   .pue = tpw::pue{1.2},
                                   .utilization = tpw::fraction{0.7}};
  (void)spec;
#endif
}
