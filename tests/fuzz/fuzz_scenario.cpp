// libFuzzer target for the scenario parser (clang only; CTest runs it for 20 seconds in the clang
// build, from the seeds in corpus/). Any input must either parse or be refused with
// tpw::invalid_input; a parsed scenario's point figures must be finite and its report must
// serialize. Anything else (another exception, a crash, a sanitizer report, a hang) is a finding.
//
//   ./build/clang/tests/tpw_fuzz_scenario -max_total_time=600 /tmp/corpus tests/fuzz/corpus
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <tpw/io/report.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    tpw::io::scenario s = tpw::io::parse_scenario(text);
    // Keep each run cheap: a few samples, no sensitivity analyses.
    s.samples = 64;
    s.tornado = s.sobol = false;
    const tpw::io::study r = tpw::io::run_study(s, {.threads = 1});
    const double total = r.point.cost_per_token.total.value();
    if (!std::isfinite(total) || total < 0.0 || !std::isfinite(r.point.tokens_per_joule.value())) {
      std::abort();  // a parsed scenario gave a non-finite or negative figure
    }
    (void)tpw::io::to_json(r).dump();
  } catch (const tpw::invalid_input&) {
    // refused with a message naming the field: the expected outcome for bad input
  }
  return 0;
}
