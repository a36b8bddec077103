// tpw/mc/engine/options.hpp: what a Monte Carlo run is asked for (run_options), and the checks and
// bookkeeping every engine shares, the CPU's and the GPU's: option validation, the ranks each
// quantile needs, the result's layout, and the message for a non-finite model output.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/engine/parallel.hpp"
#include "tpw/mc/engine/statistics.hpp"
#include "tpw/mc/sampling/design.hpp"

namespace tpw::mc {

// The probabilities reported by default: P1, P5, P10, P25, P50, P75, P90, P95, P99. Any others
// may be asked for (percentiles() gives P1 to P99).
inline std::vector<double> standard_probabilities() {
  return {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
}

struct run_options {
  std::uint64_t samples = 100'000;
  std::uint64_t seed = 0;
  design_kind design = design_kind::monte_carlo;
  // 0: the hardware threads no other run in progress holds (mc::thread_lease), at least one.
  unsigned threads = 0;
  std::vector<double> probabilities = standard_probabilities();
  double tail_level = 0.95;  // expected shortfall averages the worst 5%
  // P(output > threshold) for each entry; the probability is filled in the result.
  std::vector<exceedance> exceedances;
  // The outputs to summarize, by name (empty: all). The model still computes every output.
  std::vector<std::string> outputs;
  bool keep_samples = false;                 // keep every input and output sample
  std::uint64_t in_memory_limit = 1u << 16;  // up to here, quantiles by selection in one pass
  std::uint64_t quantile_budget = 1u << 22;  // samples collected per pass, at most (all outputs)
  std::function<void(const progress&)> on_progress;  // called between rounds, on this thread
  std::stop_token stop;                              // a stop request throws mc::cancelled
};

namespace detail {

inline void validate(const run_options& o, const std::vector<std::string>& output_names) {
  if (o.samples == 0) throw invalid_input("uncertainty.samples", 0.0, "must be at least 1");
  for (const double p : o.probabilities) {
    if (!tpw::detail::is_finite(p) || p < 0.0 || p > 1.0) {
      throw invalid_input("uncertainty.probabilities", p, "a probability must be in [0, 1]");
    }
  }
  if (!tpw::detail::is_finite(o.tail_level) || o.tail_level <= 0.0 || o.tail_level >= 1.0) {
    throw invalid_input("uncertainty.tail_level", o.tail_level, "must be in (0, 1)");
  }
  const auto has = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& wanted : o.outputs) {
    if (!has(output_names, wanted)) {
      throw invalid_input("uncertainty.outputs", wanted, "no output of this model has that name");
    }
  }
  for (const auto& e : o.exceedances) {
    if (!has(output_names, e.output)) {
      throw invalid_input("uncertainty.exceedances.output", e.output,
                          "no output of this model has that name");
    }
    if (!o.outputs.empty() && !has(o.outputs, e.output)) {
      throw invalid_input("uncertainty.exceedances.output", e.output,
                          "must be one of the outputs summarized (run_options::outputs)");
    }
    if (!tpw::detail::is_finite(e.threshold)) {
      throw invalid_input("uncertainty.exceedances.threshold", e.threshold,
                          "must be a finite number");
    }
  }
  if (output_names.empty()) throw invalid_input("outputs", 0.0, "a model needs an output");
}

// The ranks each output must know exactly: those of every asked quantile, and the first rank of
// each expected-shortfall tail.
inline std::vector<std::uint64_t> wanted_ranks(const run_options& o, std::uint64_t n) {
  std::vector<std::uint64_t> ranks;
  for (const double p : o.probabilities) {
    const quantile_ranks r = ranks_of(p, n);
    ranks.push_back(r.low);
    ranks.push_back(r.high);
  }
  const std::uint64_t m = tail_count(o.tail_level, n);
  ranks.push_back(n - m);  // the upper tail: ranks [n - m, n)
  ranks.push_back(m - 1);  // the lower tail: ranks [0, m)
  return ranks;
}

// An empty result for a run: its outputs in model order, restricted to run_options::outputs when
// given, and `pick`, each summarized output's index among the model's outputs.
inline std::pair<run_result, std::vector<std::size_t>> prepare_result(
    const run_options& options, const std::vector<std::string>& input_names,
    const std::vector<std::string>& output_names) {
  run_result result;
  result.samples = options.samples;
  result.seed = options.seed;
  result.design = options.design;
  result.input_names = input_names;
  std::vector<std::size_t> pick;
  for (std::size_t k = 0; k < output_names.size(); ++k) {
    if (options.outputs.empty() || std::find(options.outputs.begin(), options.outputs.end(),
                                             output_names[k]) != options.outputs.end()) {
      pick.push_back(k);
    }
  }
  for (const std::size_t k : pick) {
    output_statistics s;
    s.name = output_names[k];
    s.probabilities = options.probabilities;
    s.tail_level = options.tail_level;
    result.outputs.push_back(std::move(s));
  }
  result.exceedances = options.exceedances;
  return {std::move(result), std::move(pick)};
}

// The error for a model output that is not finite at sample i, naming the output, the value and
// every input's value there.
[[noreturn]] inline void refuse_non_finite(const std::string& output, double value, std::uint64_t i,
                                           const std::vector<std::string>& input_names,
                                           std::span<const double> x) {
  std::string rule = "the model gave a non-finite value at sample " + std::to_string(i) + " (";
  for (std::size_t j = 0; j < x.size(); ++j) {
    rule += (j ? ", " : "") + input_names[j] + " = " + tpw::detail::number_text(x[j]);
  }
  throw invalid_input(output, value, rule + ")");
}

}  // namespace detail

}  // namespace tpw::mc
