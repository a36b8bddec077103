// libFuzzer target for the scenario parser and the study (clang only; CTest runs it for 20
// seconds in the clang build, from the seeds in corpus/, with UBSan findings fatal). Any input
// must either parse and give a report, or be refused with tpw::invalid_input; a report's every
// number must be finite and no cost line negative. Anything else (another exception, a crash, a
// sanitizer report, a hang) is a finding.
//
//   ./build/clang/tests/tpw_fuzz_scenario -max_total_time=600 /tmp/corpus tests/fuzz/corpus
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <tpw/io/study.hpp>

namespace {

// Every number of the unchecked report is finite (a checked report would throw invalid_input,
// which the harness must not take for a refusal).
bool all_finite(const nlohmann::json& j) {
  if (j.is_number_float()) return std::isfinite(j.get<double>());
  if (j.is_structured()) {
    for (const auto& item : j) {
      if (!all_finite(item)) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tpw::io::study r;
  try {
    tpw::io::scenario s = tpw::io::parse_scenario(text);
    // Keep each run cheap: a few samples, no sensitivity analyses.
    s.samples = 64;
    s.tornado = s.sobol = false;
    r = tpw::io::run_study(s, {.threads = 1});
  } catch (const tpw::invalid_input&) {
    return 0;  // refused with a message naming the field: the expected outcome for bad input
  }
  const auto& cost = r.point.cost_per_token;
  for (const double line : {cost.total.value(), cost.hardware.value(), cost.facility.value(),
                            cost.energy.value(), cost.opex.value()}) {
    if (!std::isfinite(line) || line < 0.0) std::abort();  // a non-finite or negative cost line
  }
  if (r.site.accelerators < 0 || r.site.stranded_power.value() < 0.0) std::abort();
  const nlohmann::json report = tpw::io::detail::unchecked_json(r);
  if (!all_finite(report)) std::abort();
  (void)report.dump();
  return 0;
}
