// tpw/io/benchmarks.hpp: real benchmark result files read into throughput frontiers. Target
// tpw::io (nlohmann-json).
//
// Two shapes are read, told apart by their keys:
//  - InferenceX's per-point result (one JSON object per benchmark point: hw, model, framework,
//    precision, spec_decoding, disagg, isl, osl, tp, ep, conc, tput_per_gpu, input_tput_per_gpu,
//    output_tput_per_gpu, median_intvty, median_ttft, p90_ttft, median_tpot; times in seconds);
//  - vLLM's serving-benchmark result (benchmark_serving.py --save-result: max_concurrency,
//    completed, total_input_tokens, total_output_tokens, total_token_throughput,
//    output_throughput, median_ttft_ms, p90_ttft_ms, median_tpot_ms; times in ms). It does not say
//    which hardware served or on how many accelerators: the caller gives both (vllm_context).
//
// Every point becomes tok/s per accelerator (input and output apart) against the median
// interactivity a user saw, with its time to first token; a folder of points becomes one
// frontier per (hardware, model, input and output length, precision, serving configuration).
// A file that is not valid, misses a field or holds a value outside its rule is refused with its
// path and the field; a JSON object of neither shape says what was expected.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/curves/frontier.hpp"
#include "tpw/error.hpp"
#include "tpw/io/file.hpp"
#include "tpw/io/json_text.hpp"

namespace tpw::io {

enum class benchmark_format { inferencex, vllm };

inline const char* to_string(benchmark_format f) noexcept {
  return f == benchmark_format::inferencex ? "inferencex" : "vllm";
}

// What a vLLM result file does not say: the hardware and the accelerators that served it.
struct vllm_context {
  std::string hardware;   // e.g. "h200"
  long accelerators = 0;  // accelerators serving the run (tensor-parallel size * replicas)
  std::string precision = "unknown";
};

struct benchmark_point {
  std::string file;
  benchmark_format format = benchmark_format::inferencex;
  // The frontier a point belongs to.
  std::string hardware;
  std::string model;
  std::string precision;
  std::string serving;         // framework and configuration: "vllm tp8 ep1 spec=mtp aggregated"
  double input_tokens = 0.0;   // per request (InferenceX: isl; vLLM: the run's average)
  double output_tokens = 0.0;  // per request (osl, or the average)
  double concurrency = 0.0;
  // Per accelerator.
  double throughput = 0.0;         // tok/s, input and output
  double input_throughput = 0.0;   // tok/s
  double output_throughput = 0.0;  // tok/s
  double interactivity = 0.0;      // median output tok/s one user saw
  double median_ttft_ms = 0.0;
  std::optional<double> p90_ttft_ms;
  double median_tpot_ms = 0.0;
  std::string date;  // vLLM's run date, when the file has one

  // The frontier's key: "mi355x | moonshotai/Kimi-K2.5 | 8192/1024 | int4 | vllm tp8 ...".
  [[nodiscard]] std::string key() const {
    return hardware + " | " + model + " | " + tpw::detail::number_text(input_tokens) + "/" +
           tpw::detail::number_text(output_tokens) + " | " + precision + " | " + serving;
  }
};

// The points of one key, by increasing interactivity, and their frontier; without one (fewer
// than two Pareto-optimal points, or two at one interactivity) `why` says why.
struct benchmark_frontier {
  std::string key;
  std::vector<benchmark_point> points;
  std::optional<throughput_frontier> frontier;
  std::string why;
};

namespace detail {

inline const nlohmann::json& field_of(const nlohmann::json& j, std::string_view file,
                                      const char* key) {
  if (!j.contains(key)) {
    throw invalid_input::shown_as(std::string(file) + " " + key, "(missing)",
                                  "a benchmark result file of this shape has it");
  }
  return j[key];
}

// A value of a benchmark file as a message shows it: a number as it is, anything else only by
// its kind, so that an error never quotes a file's text.
inline std::string shown_kind(const nlohmann::json& v) {
  if (v.is_number()) return shown(v);
  return std::string("(") + (v.is_string() ? "a string" : v.type_name()) + ")";
}

// A number > 0 (>= 0 when zero_ok), finite.
inline double positive_field(const nlohmann::json& j, std::string_view file, const char* key,
                             bool zero_ok = false) {
  const nlohmann::json& v = field_of(j, file, key);
  const bool ok = v.is_number() && std::isfinite(v.get<double>()) &&
                  (zero_ok ? v.get<double>() >= 0.0 : v.get<double>() > 0.0);
  if (!ok) {
    throw invalid_input::shown_as(
        std::string(file) + " " + key, shown_kind(v),
        zero_ok ? "must be a finite number >= 0" : "must be a finite number > 0");
  }
  return v.get<double>();
}

inline std::string text_field(const nlohmann::json& j, std::string_view file, const char* key) {
  const nlohmann::json& v = field_of(j, file, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  throw invalid_input::shown_as(std::string(file) + " " + key, shown_kind(v), "must be a string");
}

inline benchmark_point inferencex_point(const nlohmann::json& j, std::string_view file) {
  benchmark_point p;
  p.file = file;
  p.format = benchmark_format::inferencex;
  p.hardware = text_field(j, file, "hw");
  p.model = text_field(j, file, "model");
  p.precision = text_field(j, file, "precision");
  const bool disagg = field_of(j, file, "disagg").is_boolean()
                          ? j["disagg"].get<bool>()
                          : text_field(j, file, "disagg") == "true";
  p.serving = text_field(j, file, "framework") + " tp" + text_field(j, file, "tp") + " ep" +
              text_field(j, file, "ep") + " spec=" + text_field(j, file, "spec_decoding") +
              (disagg ? " disaggregated" : " aggregated");
  p.input_tokens = positive_field(j, file, "isl");
  p.output_tokens = positive_field(j, file, "osl");
  p.concurrency = positive_field(j, file, "conc");
  p.throughput = positive_field(j, file, "tput_per_gpu");
  p.input_throughput = positive_field(j, file, "input_tput_per_gpu", true);
  p.output_throughput = positive_field(j, file, "output_tput_per_gpu");
  p.interactivity = positive_field(j, file, "median_intvty");
  p.median_ttft_ms = positive_field(j, file, "median_ttft") * 1e3;
  if (j.contains("p90_ttft")) p.p90_ttft_ms = positive_field(j, file, "p90_ttft") * 1e3;
  p.median_tpot_ms = positive_field(j, file, "median_tpot") * 1e3;
  // The total is input + output as InferenceX computes it; a file that disagrees is not one.
  const double sum = p.input_throughput + p.output_throughput;
  if (!(std::abs(sum - p.throughput) <= 1e-6 * p.throughput)) {
    throw invalid_input::shown_as(std::string(file) + " tput_per_gpu",
                                  shown_kind(j["tput_per_gpu"]),
                                  "must equal input_tput_per_gpu + output_tput_per_gpu (" +
                                      tpw::detail::number_text(sum) + ")");
  }
  return p;
}

// "/models/models--openai--gpt-oss-120b/snapshots/..." is "openai/gpt-oss-120b".
inline std::string vllm_model_name(const std::string& id) {
  const auto at = id.find("models--");
  if (at == std::string::npos) return id;
  std::string name = id.substr(at + 8, id.find('/', at) - at - 8);
  if (const auto dashes = name.find("--"); dashes != std::string::npos) {
    name.replace(dashes, 2, "/");
  }
  return name;
}

inline benchmark_point vllm_point(const nlohmann::json& j, std::string_view file,
                                  const vllm_context& context) {
  if (context.hardware.empty()) {
    throw invalid_input::shown_as(std::string(file), "(a vLLM serving-benchmark result)",
                                  "does not say which hardware served it: give the hardware");
  }
  if (context.accelerators < 1) {
    throw invalid_input(std::string(file), static_cast<double>(context.accelerators),
                        "accelerators: a vLLM serving-benchmark result does not say how many "
                        "served it; give the count (>= 1)");
  }
  benchmark_point p;
  p.file = file;
  p.format = benchmark_format::vllm;
  p.hardware = context.hardware;
  p.model = vllm_model_name(text_field(j, file, "model_id"));
  p.precision = context.precision;
  p.serving = "vllm-serving-benchmark on " + std::to_string(context.accelerators);
  const double completed = positive_field(j, file, "completed");
  p.input_tokens = positive_field(j, file, "total_input_tokens", true) / completed;
  p.output_tokens = positive_field(j, file, "total_output_tokens") / completed;
  p.concurrency = positive_field(j, file, "max_concurrency");
  const auto n = static_cast<double>(context.accelerators);
  p.throughput = positive_field(j, file, "total_token_throughput") / n;
  p.output_throughput = positive_field(j, file, "output_throughput") / n;
  p.input_throughput = p.throughput - p.output_throughput;
  if (p.input_throughput < 0.0) {
    throw invalid_input::shown_as(std::string(file) + " output_throughput",
                                  shown_kind(j["output_throughput"]),
                                  "must not exceed total_token_throughput");
  }
  p.median_tpot_ms = positive_field(j, file, "median_tpot_ms");
  p.interactivity = 1000.0 / p.median_tpot_ms;
  p.median_ttft_ms = positive_field(j, file, "median_ttft_ms");
  if (j.contains("p90_ttft_ms")) p.p90_ttft_ms = positive_field(j, file, "p90_ttft_ms");
  if (j.contains("date") && j["date"].is_string()) p.date = j["date"].get<std::string>();
  return p;
}

}  // namespace detail

// One benchmark point from parsed JSON; `file` names it in messages.
inline benchmark_point read_benchmark(const nlohmann::json& j, std::string_view file,
                                      const vllm_context& context = {}) {
  if (!j.is_object()) {
    throw invalid_input::shown_as(std::string(file), detail::shown_kind(j),
                                  "a benchmark result file is a JSON object");
  }
  if (j.contains("tput_per_gpu")) return detail::inferencex_point(j, file);
  if (j.contains("total_token_throughput")) return detail::vllm_point(j, file, context);
  throw invalid_input::shown_as(
      std::string(file), "(a JSON object of another shape)",
      "expected InferenceX's per-point result (hw, model, isl, osl, tput_per_gpu, "
      "input_tput_per_gpu, output_tput_per_gpu, median_intvty, median_ttft, ...) or vLLM's "
      "serving-benchmark result (max_concurrency, total_token_throughput, output_throughput, "
      "median_tpot_ms, median_ttft_ms, ...)");
}

// One benchmark file, read as tpw reads any file a user names (tpw/io/file.hpp); `shown` names it
// in messages (default: its path). A syntax error gives the line and column, not the file's text.
inline benchmark_point load_benchmark(const std::filesystem::path& file,
                                      const vllm_context& context = {},
                                      std::string_view shown = {}) {
  const std::string name = shown.empty() ? file.string() : std::string(shown);
  const std::string text = read_text_file(file, name);
  return read_benchmark(detail::parse_text(text, name, false), name, context);
}

// A folder of benchmark files is bounded as one file is: at most this many .json files, holding
// at most max_input_bytes together.
inline constexpr std::size_t max_benchmark_files = 10000;

// The frontiers of points, one per key, by increasing interactivity.
inline std::vector<benchmark_frontier> benchmark_frontiers(std::vector<benchmark_point> points) {
  std::map<std::string, std::vector<benchmark_point>> groups;
  for (auto& p : points) groups[p.key()].push_back(std::move(p));
  std::vector<benchmark_frontier> out;
  for (auto& [key, group] : groups) {
    std::sort(group.begin(), group.end(),
              [](const auto& a, const auto& b) { return a.interactivity < b.interactivity; });
    std::vector<frontier_point> xs;
    for (const auto& p : group) {
      xs.push_back({token_rate::from_value(p.interactivity), token_rate::from_value(p.throughput),
                    std::nullopt, p.median_ttft_ms * units::ms});
    }
    benchmark_frontier f{key, std::move(group), std::nullopt, {}};
    try {
      f.frontier.emplace(std::move(xs), key);
    } catch (const invalid_input& e) {
      // The points are kept; a scenario cannot use them as a frontier.
      f.why = std::string(e.what()) + " (from " + f.points.front().file +
              (f.points.size() > 1 ? " and " + std::to_string(f.points.size() - 1) + " more" : "") +
              ")";
    }
    out.push_back(std::move(f));
  }
  return out;
}

// Every *.json file in a folder (not its subfolders), read and grouped into frontiers; `shown`
// names the folder in messages (default: its path). A file that cannot be read or is not a
// benchmark result is refused with its name; so is a folder of more than max_benchmark_files
// files or max_input_bytes in all. With `reach` named_file_reach::scenario_folder (a folder a
// scenario names), a file that is a symbolic link leading out of the folder is refused too.
inline std::vector<benchmark_frontier> load_benchmark_folder(
    const std::filesystem::path& folder, const vllm_context& context = {},
    std::string_view shown = {}, named_file_reach reach = named_file_reach::anywhere) {
  namespace fs = std::filesystem;
  const std::string name = shown.empty() ? folder.string() : std::string(shown);
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    throw invalid_input::shown_as("frontier.benchmarks", name, "must be a folder");
  }
  std::vector<fs::path> files;
  fs::directory_iterator entries(folder, error);
  for (; !error && entries != fs::directory_iterator(); entries.increment(error)) {
    if (entries->path().extension() != ".json") continue;
    if (files.size() == max_benchmark_files) {
      throw invalid_input(name, static_cast<double>(files.size() + 1),
                          ".json files or more: a folder of benchmark files holds at most " +
                              std::to_string(max_benchmark_files));
    }
    files.push_back(entries->path());
  }
  if (error) {
    throw invalid_input::shown_as("frontier.benchmarks", name,
                                  "cannot be listed (" + error.message() + ")");
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    throw invalid_input::shown_as("frontier.benchmarks", name, "holds no .json files");
  }
  std::uintmax_t total = 0;
  for (const auto& file : files) {
    const auto size = fs::is_regular_file(file, error) ? fs::file_size(file, error) : 0;
    total += error ? 0 : size;
  }
  if (total > max_input_bytes) {
    throw invalid_input(name, static_cast<double>(total),
                        "bytes in its .json files together, above the " +
                            detail::limit_text(max_input_bytes) +
                            " limit on input files that a folder of benchmark files shares");
  }
  const fs::path inside =
      reach == named_file_reach::scenario_folder ? fs::canonical(folder, error) : fs::path();
  if (reach == named_file_reach::scenario_folder && inside.empty()) {
    throw invalid_input::shown_as("frontier.benchmarks", name,
                                  "cannot be opened (" + error.message() + ")");
  }
  std::vector<benchmark_point> points;
  std::uintmax_t left = max_input_bytes;  // what the files may still hold together
  for (const auto& file : files) {
    const std::string file_name = (fs::path(name) / file.filename()).string();
    if (!inside.empty() && !detail::lies_within(fs::weakly_canonical(file, error), inside)) {
      throw invalid_input("frontier.benchmarks", file_name,
                          std::string("leads out of the scenario's folder through a symbolic link")
                              .append(detail::outside_folder_rule));
    }
    const std::string text = read_text_file(file, "frontier.benchmarks", left, file_name);
    left -= text.size();
    points.push_back(
        read_benchmark(detail::parse_text(text, file_name, false), file_name, context));
  }
  return benchmark_frontiers(std::move(points));
}

}  // namespace tpw::io
