// tpw/mc/sensitivity/sobol_estimators.hpp: the plain parts of Sobol' indices, shared by the CPU
// analysis (sensitivity.hpp, any model) and the GPU engine (radix_engine.hpp, the cost model):
// options, results, the estimators' terms per row, the bootstrap's row draws and the confidence
// intervals. No Eigen: nvcc compiles it.
//
// First order by Saltelli et al. (2010), total order by Jansen (1999), over N rows of the
// matrices A, B and AB_j (A with column j from B):
//   V   = sum over A and B of (f - mean)^2 / (2N - 1)
//   S_j = (1/N) sum f(B) (f(AB_j) - f(A)) / V
//   ST_j = (1/2N) sum (f(A) - f(AB_j))^2 / V
#pragma once

#include <algorithm>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/engine/statistics.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/philox.hpp"

namespace tpw::mc {

struct sobol_index {
  std::string input;
  double first = 0.0;  // S_j: the share of variance input j explains alone
  double first_low = 0.0;
  double first_high = 0.0;
  double total = 0.0;  // ST_j: its share with all its interactions
  double total_low = 0.0;
  double total_high = 0.0;
};
struct sobol_indices {
  std::string output;
  double variance = 0.0;
  std::vector<sobol_index> indices;  // in input order
};

struct sobol_options {
  std::uint64_t base_samples = 1u << 14;  // N: the model runs N (d + 2) times
  std::uint64_t seed = 0;
  design_kind design = design_kind::sobol;
  unsigned threads = 0;      // CPU only; 0: as run_options::threads (mc::thread_lease)
  unsigned bootstrap = 200;  // resamples for the confidence intervals (0: none)
  double confidence = 0.95;
  std::stop_token stop;
};

namespace detail {

// Refuses what neither engine can estimate.
inline void validate_sobol(const sobol_options& options, bool correlated) {
  if (correlated) {
    throw invalid_input("uncertainty.sensitivity", "sobol",
                        "Sobol' indices as computed here assume independent inputs; remove the "
                        "correlation or use SRRC");
  }
  if (options.base_samples < 2) {
    throw invalid_input("uncertainty.samples", static_cast<double>(options.base_samples),
                        "Sobol' indices need at least 2 base samples");
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw invalid_input("sobol.confidence", options.confidence, "must be in (0, 1)");
  }
}

// A sensitivity analysis met a non-finite model value.
[[noreturn]] inline void refuse_non_finite_output(std::size_t k, double value) {
  throw invalid_input("output[" + std::to_string(k) + "]", value,
                      "the model gave a non-finite value in a sensitivity analysis");
}

// The model's values over the matrices: f[(m * outputs + k) * n + i] for matrix m (0 = A,
// 1 = B, 2 + j = AB_j), output k, row i.
struct sobol_table {
  const double* f = nullptr;
  std::uint64_t n = 0;
  std::uint32_t outputs = 0;
  std::uint32_t d = 0;  // inputs
  [[nodiscard]] TPW_HD constexpr std::uint64_t index(std::uint32_t m, std::uint32_t k,
                                                     std::uint64_t i) const noexcept {
    return (static_cast<std::uint64_t>(m) * outputs + k) * n + i;
  }
  [[nodiscard]] TPW_HD constexpr double at(std::uint32_t m, std::uint32_t k,
                                           std::uint64_t i) const noexcept {
    return f[index(m, k, i)];
  }
};

// Row i's share of the mean of output k over A and B.
TPW_HD constexpr double sobol_row_sum(const sobol_table& t, std::uint32_t k,
                                      std::uint64_t i) noexcept {
  return t.at(0, k, i) + t.at(1, k, i);
}

// Row i's terms of output k's sums, given the mean: sums[0] the squares about the mean,
// sums[1 + j] Saltelli's sum for input j, sums[1 + d + j] Jansen's (1 + 2d values).
TPW_HD constexpr void add_sobol_row(const sobol_table& t, std::uint32_t k, std::uint64_t i,
                                    double mean, double* sums) noexcept {
  const double a = t.at(0, k, i);
  const double b = t.at(1, k, i);
  sums[0] += (a - mean) * (a - mean) + (b - mean) * (b - mean);
  for (std::uint32_t j = 0; j < t.d; ++j) {
    const double ab = t.at(2 + j, k, i);
    sums[1 + j] += b * (ab - a);
    sums[1 + t.d + j] += (a - ab) * (a - ab);
  }
}

// The indices from the sums over n rows; returns the variance (both indices are 0 when it is).
TPW_HD constexpr double sobol_finish(std::uint32_t d, std::uint64_t n, const double* sums,
                                     double* first, double* total) noexcept {
  const auto rows = static_cast<double>(n);
  const double variance = sums[0] / (2.0 * rows - 1.0);
  for (std::uint32_t j = 0; j < d; ++j) {
    first[j] = variance > 0.0 ? sums[1 + j] / rows / variance : 0.0;
    total[j] = variance > 0.0 ? sums[1 + d + j] / (2.0 * rows) / variance : 0.0;
  }
  return variance;
}

// Row `row` of bootstrap resample r: a row of [0, n) drawn with replacement, from the seed's
// bootstrap stream.
TPW_HD constexpr std::uint64_t bootstrap_row(std::uint64_t seed, std::uint64_t n, std::uint32_t r,
                                             std::uint64_t row) noexcept {
  const double u = uniform(seed, row, r, stream::bootstrap);
  const auto picked = static_cast<std::uint64_t>(u * static_cast<double>(n));
  return picked < n - 1 ? picked : n - 1;
}

inline double percentile_of(std::vector<double> values, double p) {
  sort_values(values.begin(), values.end());
  const quantile_ranks r = ranks_of(p, values.size());
  return interpolate(r, values[r.low], values[r.high]);
}

// One output's indices with percentile bootstrap intervals: boot_first and boot_total hold
// `resamples` rows of d estimates each.
inline sobol_indices sobol_result(std::string output, const std::vector<std::string>& inputs,
                                  double variance, const std::vector<double>& first,
                                  const std::vector<double>& total,
                                  const std::vector<double>& boot_first,
                                  const std::vector<double>& boot_total, unsigned resamples,
                                  double confidence) {
  sobol_indices result{std::move(output), variance, {}};
  const std::size_t d = inputs.size();
  const double tail = (1.0 - confidence) / 2.0;
  for (std::size_t j = 0; j < d; ++j) {
    sobol_index index{inputs[j], first[j], first[j], first[j], total[j], total[j], total[j]};
    if (resamples > 1) {
      std::vector<double> fs(resamples), ts(resamples);
      for (unsigned r = 0; r < resamples; ++r) {
        fs[r] = boot_first[r * d + j];
        ts[r] = boot_total[r * d + j];
      }
      index.first_low = percentile_of(fs, tail);
      index.first_high = percentile_of(fs, 1.0 - tail);
      index.total_low = percentile_of(ts, tail);
      index.total_high = percentile_of(ts, 1.0 - tail);
    }
    result.indices.push_back(index);
  }
  return result;
}

}  // namespace detail

}  // namespace tpw::mc
