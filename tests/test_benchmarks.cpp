// Benchmark result files (InferenceX per-point JSON, vLLM serving-benchmark JSON) read into
// points and frontiers: real files from the public repository, and broken copies of them.
#include <doctest/doctest.h>

#include "support.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <tpw/io/benchmarks.hpp>
#include <tpw/io/scenario.hpp>

namespace io = tpw::io;
using doctest::Approx;
using nlohmann::json;
using tpw_test::message_of;

namespace {
const std::filesystem::path data = std::filesystem::path(TPW_TEST_DATA) / "benchmarks";
const std::filesystem::path kimi_8k1k_conc32 =
    data / "inferencex" /
    "agg_kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc32_MI355-gbt350-"
    "odcdh5-wbb3.json";
json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}
}  // namespace

TEST_CASE("an InferenceX per-point result: per GPU, input and output apart, times in ms") {
  const io::benchmark_point p = io::load_benchmark(kimi_8k1k_conc32);
  CHECK(p.format == io::benchmark_format::inferencex);
  CHECK(p.key() ==
        "mi355x | moonshotai/Kimi-K2.5 | 8192/1024 | int4 | vllm tp8 ep1 spec=mtp "
        "aggregated");
  // As the file gives them: 157.12 tok/s per GPU in all, 139.55 input and 17.57 output, at a
  // median 4.34 tok/s per user; TTFT 1.8168 s median and 2.8721 s p90, TPOT 0.2303 s.
  CHECK(p.throughput == 157.12165563281164);
  CHECK(p.input_throughput == 139.55108293769638);
  CHECK(p.output_throughput == 17.57057269511527);
  CHECK(p.interactivity == 4.3418380529066685);
  CHECK(p.median_ttft_ms == Approx(1816.827566944994).epsilon(1e-15));
  CHECK(*p.p90_ttft_ms == Approx(2872.078464948573).epsilon(1e-15));
  CHECK(p.median_tpot_ms == Approx(230.31720386957874).epsilon(1e-15));
  CHECK(p.concurrency == 32.0);
  CHECK(p.input_tokens == 8192.0);
}

TEST_CASE("a folder of InferenceX points: one frontier per key, by increasing interactivity") {
  const auto frontiers = io::load_benchmark_folder(data / "inferencex");
  REQUIRE(frontiers.size() == 2);  // 1k/1k (one point) and 8k/1k (two)
  const auto& one =
      frontiers[0].key.find("1024/1024") != std::string::npos ? frontiers[0] : frontiers[1];
  const auto& two = &one == &frontiers[0] ? frontiers[1] : frontiers[0];
  CHECK(one.points.size() == 1);
  CHECK_FALSE(one.frontier.has_value());
  CHECK(one.why.find("a frontier needs at least 2 points") != std::string::npos);
  REQUIRE(two.frontier.has_value());
  // Concurrency 64 (3.31 tok/s per user, 234.47 tok/s per GPU), then 32 (4.34, 157.12).
  CHECK(two.points[0].concurrency == 64.0);
  CHECK(two.frontier->points().front().throughput.value() == 234.47462632067425);
  CHECK(two.frontier->points().back().throughput.value() == 157.12165563281164);
  CHECK(tpw::in(*two.frontier->points().back().ttft, tpw::units::ms) ==
        Approx(1816.827566944994).epsilon(1e-15));
}

TEST_CASE("a folder of vLLM serving results: per accelerator from the count the caller gives") {
  CHECK(message_of([] {
          (void)io::load_benchmark_folder(data / "vllm_gpt_oss_120b");
        }).ends_with("does not say which hardware served it: give the hardware"));
  const auto frontiers =
      io::load_benchmark_folder(data / "vllm_gpt_oss_120b", {"16 GPUs (8 prefill, 8 decode)", 16});
  REQUIRE(frontiers.size() == 1);
  const auto& f = frontiers.front();
  CHECK(f.key ==
        "16 GPUs (8 prefill, 8 decode) | openai/gpt-oss-120b | 1024/1024 | unknown | "
        "vllm-serving-benchmark on 16");
  REQUIRE(f.points.size() == 3);
  REQUIRE(f.frontier.has_value());
  // Concurrency 128 first (slowest per user): 16,736.56 tok/s over 16 GPUs = 1,046.04 per GPU,
  // 8,368.28 of them output; TPOT 14.8927 ms is 67.15 tok/s per user.
  const auto& p = f.points.front();
  CHECK(p.concurrency == 128.0);
  CHECK(p.throughput == Approx(16736.560504280373 / 16.0).epsilon(1e-15));
  CHECK(p.output_throughput == Approx(8368.280252140186 / 16.0).epsilon(1e-15));
  CHECK(p.input_throughput ==
        Approx((16736.560504280373 - 8368.280252140186) / 16.0).epsilon(1e-14));
  CHECK(p.interactivity == Approx(1000.0 / 14.892716348905914).epsilon(1e-15));
  CHECK(p.median_ttft_ms == 168.4953118674457);
  CHECK(p.input_tokens == 1024.0);  // 1,310,720 input tokens over 1,280 requests
  CHECK(p.date == "20260428-095035");
  // Concurrency 4 is the fastest per user: 1000 / 8.3899 = 119.19 tok/s.
  CHECK(f.frontier->max_interactivity().value() == Approx(1000.0 / 8.389879373914562));
}

TEST_CASE("broken benchmark files are refused with their path and field") {
  const json good = read_json(kimi_8k1k_conc32);
  const auto error = [](const json& j) {
    return message_of([&] { (void)io::read_benchmark(j, "x.json"); });
  };
  json j = good;
  j["tput_per_gpu"] = -1;
  CHECK(error(j) == "x.json tput_per_gpu = -1: must be a finite number > 0");
  j = good;
  j.erase("median_intvty");
  CHECK(error(j) ==
        "x.json median_intvty = (missing): a benchmark result file of this shape "
        "has it");
  j = good;
  j["tput_per_gpu"] = 200.0;
  CHECK(
      error(j).starts_with("x.json tput_per_gpu = 200.0: must equal input_tput_per_gpu + "
                           "output_tput_per_gpu (157.1"));
  j = good;
  j.erase("tput_per_gpu");
  CHECK(
      error(j).starts_with("x.json = (a JSON object of another shape): expected InferenceX's "
                           "per-point result"));
  // Not an object: said by its kind, never quoted (a file's text is not repeated back).
  CHECK(error(json::array()) == "x.json = (array): a benchmark result file is a JSON object");
  // A truncated copy on disk: refused with its path.
  const auto dir = std::filesystem::temp_directory_path() / "tpw_test_benchmarks";
  std::filesystem::create_directories(dir);
  const auto truncated = dir / "truncated.json";
  std::ofstream(truncated) << good.dump().substr(0, 100);
  CHECK(message_of([&] {
          (void)io::load_benchmark(truncated);
        }).starts_with(truncated.string() + " = (not valid JSON): parse error at line 1"));
  std::filesystem::remove_all(dir);
  CHECK(message_of([] {
          (void)io::load_benchmark_folder(data / "no_such_folder");
        }).ends_with("no_such_folder: must be a folder"));
}

TEST_CASE("a scenario's frontier from a folder of benchmark files, picked by its key") {
  json j = json::parse(R"({
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 14, "utilization": 0.6},
    "costs": {"energy": {"price_per_kwh": 0.08, "pue": 1.2}},
    "frontier": {"select": {"isl": 8192, "osl": 1024}, "min_interactivity_tok_s_user": 4}
  })");
  // Named relative to the scenario's folder, as a scenario file names it.
  j["frontier"]["benchmarks"] = "inferencex";
  const auto read = [](const json& scenario) { return io::scenario_from_json(scenario, data); };
  const io::scenario s = read(j);
  // Between concurrency 64 (3.31 tok/s per user) and 32 (4.34), on the measured frontier.
  const auto& f = *s.frontier;
  CHECK(f.source ==
        "mi355x | moonshotai/Kimi-K2.5 | 8192/1024 | int4 | vllm tp8 ep1 spec=mtp "
        "aggregated");
  CHECK(f.chosen.throughput.value() > 157.12165563281164);
  CHECK(f.chosen.throughput.value() < 234.47462632067425);
  CHECK(f.chosen.throughput.value() ==
        f.frontier.throughput_at(tpw::token_rate::from_value(4.0)).value());
  // The input share of the files' throughput, averaged over the points, splits it.
  const double share =
      (139.55108293769638 / 157.12165563281164 + 208.4617128733839 / 234.47462632067425) / 2.0;
  CHECK(*f.input_share == Approx(share).epsilon(1e-15));
  CHECK(s.phase_rates->first == Approx(f.chosen.throughput.value() * share).epsilon(1e-15));
  // A workload of another mix is refused; the measured one is accepted.
  j["workload"] = json::parse(R"({"input_tokens": 1024, "output_tokens": 1024})");
  CHECK(message_of([&] { (void)read(j); })
            .starts_with("workload.input_tokens = 1024: the workload has 1 input tokens per "
                         "output token written, but the throughput was measured on 7.9"));
  j["workload"] = json::parse(R"({"input_tokens": 8192, "output_tokens": 1024})");
  CHECK_NOTHROW((void)read(j));
  // Several frontiers match without a selection; the 1k/1k points make none.
  json all = j;
  all["frontier"].erase("select");
  CHECK(message_of([&] { (void)read(all); })
            .find("2 frontiers match; select one (hardware, model, isl, osl, precision, "
                  "serving); the folder holds: mi355x | moonshotai/Kimi-K2.5 | 1024/1024") !=
        std::string::npos);
  json short_input = j;
  short_input.erase("workload");
  short_input["frontier"]["select"]["isl"] = 1024;
  CHECK(message_of([&] { (void)read(short_input); }).find("the matching points make no frontier") !=
        std::string::npos);
  // vLLM files need the hardware and the accelerator count.
  json vllm = short_input;
  vllm["frontier"] = json::parse(R"({"vllm": {"hardware": "gb200", "accelerators": 16},
                                     "max_tpot_ms": 12})");
  vllm["frontier"]["benchmarks"] = "vllm_gpt_oss_120b";
  const io::scenario v = read(vllm);
  CHECK(v.frontier->bound_by == "max_tpot_ms");
  CHECK(v.frontier->chosen.interactivity.value() == Approx(1000.0 / 12.0));
}
