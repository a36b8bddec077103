// Must not compile: passing an energy where a power is due.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

int main() {
#ifdef TPW_MUST_NOT_COMPILE
  const tpw::deployment::spec spec{.accelerators_per_system = 8,
                                   .it_power = 10.2_kWh,
                                   .pue = tpw::pue{1.2},
                                   .utilization = tpw::fraction{0.7}};
  (void)spec;
#else
  const tpw::deployment::spec spec{.accelerators_per_system = 8,
                                   .it_power = 10.2_kW,
                                   .pue = tpw::pue{1.2},
                                   .utilization = tpw::fraction{0.7}};
  (void)spec;
#endif
}
