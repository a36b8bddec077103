// libFuzzer target for the files a scenario names (clang only; CTest runs it for 20 seconds in the
// clang build, from the seeds in corpus_files/, with UBSan findings fatal): the same bytes are read
// as a frontier CSV, a power-cap CSV and a benchmark result file (InferenceX's or vLLM's shape).
// Each must either give a curve or a point, or be refused with tpw::invalid_input whose message
// is bounded and shows no control character (a NUL cannot cut it, an escape cannot reach a
// terminal). Anything else (another exception, a crash, a sanitizer report, a hang) is a finding.
//
//   ./build/clang/tests/tpw_fuzz_files -max_total_time=600 /tmp/corpus tests/fuzz/corpus_files
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <tpw/curves/frontier.hpp>
#include <tpw/curves/power_cap.hpp>
#include <tpw/io/benchmarks.hpp>

namespace {

// A refusal's message: at most a few KB, and nothing below U+0020 nor DEL in it.
void check_message(const tpw::invalid_input& e) {
  const std::string_view message = e.what();
  if (message.size() > 8192) std::abort();
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) std::abort();
  }
}

template <class Read>
void read_or_refuse(Read read) {
  try {
    read();
  } catch (const tpw::invalid_input& e) {
    check_message(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  read_or_refuse([&] {
    const auto f = tpw::throughput_frontier::from_csv(text, "f.csv");
    if (!(f.throughput_at(f.max_interactivity()).value() > 0.0)) std::abort();
    if (f.has_ttft()) {
      (void)f.min_interactivity_for_ttft(1000.0 * tpw::units::ms, f.points().front().interactivity,
                                         "frontier.max_ttft_ms");
    }
  });
  read_or_refuse([&] {
    const auto c = tpw::power_cap_curve::from_csv(text, "c.csv");
    if (!(c.at(c.max_cap()).throughput.value() > 0.0)) std::abort();
  });
  read_or_refuse([&] {
    const auto j = tpw::io::detail::parse_text(text, "b.json", false);
    const auto p = tpw::io::read_benchmark(j, "b.json", {"h200", 8, "fp8"});
    if (!(p.throughput > 0.0)) std::abort();
  });
  return 0;
}
