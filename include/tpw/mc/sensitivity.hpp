// tpw/mc/sensitivity.hpp: which input drives the answer.
//   - Tornado: each input alone from its P10 to its P90, the others at their medians.
//   - SRC / SRRC: standardized regression coefficients of the outputs on the inputs (and on their
//     ranks), by least squares with Eigen; R^2 says how much of the variance a linear model holds.
//   - Sobol' indices: first order by Saltelli et al. (2010), total order by Jansen (1999), with
//     percentile bootstrap confidence intervals. Matrices A and B are the two halves of one
//     2d-dimensional design point. They assume independent inputs: a correlated input space is
//     refused.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "tpw/error.hpp"
#include "tpw/mc/design.hpp"
#include "tpw/mc/engine.hpp"
#include "tpw/mc/inputs.hpp"
#include "tpw/mc/parallel.hpp"
#include "tpw/mc/philox.hpp"
#include "tpw/mc/sobol.hpp"

namespace tpw::mc {

namespace detail {

// Evaluates a model at x into y, whichever form it takes.
template <class F>
void call_model(const F& model, std::span<const double> x, std::span<double> y) {
  invoke_model(model, x, y);
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (!tpw::detail::is_finite(y[k])) refuse_non_finite_output(k, y[k]);
  }
}

}  // namespace detail

// --- Tornado -------------------------------------------------------------------------------------

struct tornado_bar {
  std::string input;
  double low = 0.0;   // the output with this input at its P10
  double high = 0.0;  // ... at its P90
  [[nodiscard]] double swing() const noexcept { return std::abs(high - low); }
};
struct tornado {
  std::string output;
  double base = 0.0;              // every input at its median
  std::vector<tornado_bar> bars;  // widest swing first
};

// One tornado per output. Inputs move one at a time (a correlation, if any, is not applied).
template <class F>
requires scalar_model<F> || vector_model<F> std::vector<tornado> tornado_analysis(
    const input_space& inputs, const F& model, std::vector<std::string> output_names = {"output"},
    double low_probability = 0.10, double high_probability = 0.90) {
  if (!(low_probability > 0.0 && low_probability < high_probability && high_probability < 1.0)) {
    throw invalid_input("tornado.low_probability", low_probability,
                        "must satisfy 0 < low < high < 1");
  }
  const std::size_t d = inputs.size();
  const std::size_t outputs = output_names.size();
  std::vector<double> x = inputs.medians();
  std::vector<double> y(outputs), y_low(outputs), y_high(outputs);
  detail::call_model(model, x, y);
  std::vector<tornado> result(outputs);
  for (std::size_t k = 0; k < outputs; ++k) result[k] = {output_names[k], y[k], {}};
  for (std::size_t j = 0; j < d; ++j) {
    const double median = x[j];
    x[j] = inputs[j].dist.quantile(low_probability);
    detail::call_model(model, x, y_low);
    x[j] = inputs[j].dist.quantile(high_probability);
    detail::call_model(model, x, y_high);
    x[j] = median;
    for (std::size_t k = 0; k < outputs; ++k) {
      result[k].bars.push_back({inputs[j].name, y_low[k], y_high[k]});
    }
  }
  for (auto& t : result) {
    std::stable_sort(t.bars.begin(), t.bars.end(), [](const tornado_bar& a, const tornado_bar& b) {
      return a.swing() > b.swing();
    });
  }
  return result;
}

// --- Standardized regression coefficients -------------------------------------------------------

struct regression_sensitivity {
  std::string output;
  std::vector<std::string> inputs;
  std::vector<double> src;   // standardized regression coefficients, one per input
  double r_squared = 0.0;    // of the linear fit: near 1, the SRCs explain the output
  std::vector<double> srrc;  // the same on ranks (monotone, not only linear, effects)
  double rank_r_squared = 0.0;
};

namespace detail {

// Ranks 1..n, ties sharing their average rank.
inline Eigen::VectorXd ranks_of_values(const Eigen::VectorXd& v) {
  const auto n = v.size();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return v(a) < v(b); });
  Eigen::VectorXd r(n);
  for (Eigen::Index start = 0; start < n;) {
    Eigen::Index end = start + 1;
    while (end < n &&
           v(order[static_cast<std::size_t>(end)]) == v(order[static_cast<std::size_t>(start)]))
      ++end;
    const double average = 0.5 * static_cast<double>(start + end - 1) + 1.0;
    for (Eigen::Index k = start; k < end; ++k) r(order[static_cast<std::size_t>(k)]) = average;
    start = end;
  }
  return r;
}

// Standardized coefficients of y on the columns of x, and R^2. A constant column gets 0.
inline std::pair<std::vector<double>, double> standardized_fit(const Eigen::MatrixXd& x,
                                                               const Eigen::VectorXd& y) {
  const auto n = static_cast<double>(x.rows());
  const auto sd = [n](const Eigen::VectorXd& c) {
    return std::sqrt((c.array() - c.mean()).square().sum() / (n - 1.0));
  };
  const double y_sd = sd(y);
  std::vector<double> coefficients(static_cast<std::size_t>(x.cols()), 0.0);
  if (y_sd == 0.0) return {coefficients, 0.0};
  std::vector<Eigen::Index> used;
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    if (sd(x.col(c)) > 0.0) used.push_back(c);
  }
  Eigen::MatrixXd z(x.rows(), static_cast<Eigen::Index>(used.size()));
  for (std::size_t k = 0; k < used.size(); ++k) {
    const Eigen::VectorXd c = x.col(used[k]);
    z.col(static_cast<Eigen::Index>(k)) = (c.array() - c.mean()) / sd(c);
  }
  const Eigen::VectorXd zy = (y.array() - y.mean()) / y_sd;
  // Normal equations on standardized columns: a d x d system, solved by Cholesky (LDLT).
  const Eigen::VectorXd beta = (z.transpose() * z).ldlt().solve(z.transpose() * zy);
  const Eigen::VectorXd residual = zy - z * beta;
  for (std::size_t k = 0; k < used.size(); ++k) {
    coefficients[static_cast<std::size_t>(used[k])] = beta(static_cast<Eigen::Index>(k));
  }
  return {coefficients, 1.0 - residual.squaredNorm() / zy.squaredNorm()};
}

}  // namespace detail

// SRC and SRRC from options.samples samples of the design (the samples are kept in memory).
template <class F>
requires scalar_model<F> || vector_model<F> std::vector<regression_sensitivity> regression_analysis(
    const input_space& inputs, const F& model, run_options options,
    std::vector<std::string> output_names = {"output"}) {
  if (options.samples < inputs.size() + 2) {
    throw invalid_input("uncertainty.samples", static_cast<double>(options.samples),
                        "a regression needs more samples than inputs + 1");
  }
  options.keep_samples = true;
  const run_result run_data = run(inputs, model, options, output_names);
  const auto n = static_cast<Eigen::Index>(options.samples);
  const auto d = static_cast<Eigen::Index>(inputs.size());
  const auto outputs = static_cast<Eigen::Index>(output_names.size());
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(
      run_data.input_samples.data(), n, d);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> y(
      run_data.output_samples.data(), n, outputs);
  const Eigen::MatrixXd x_values = x;
  Eigen::MatrixXd x_ranks(n, d);
  for (Eigen::Index c = 0; c < d; ++c) x_ranks.col(c) = detail::ranks_of_values(x_values.col(c));
  std::vector<regression_sensitivity> result;
  for (Eigen::Index k = 0; k < outputs; ++k) {
    const Eigen::VectorXd yk = y.col(k);
    const auto [src, r2] = detail::standardized_fit(x_values, yk);
    const auto [srrc, rank_r2] = detail::standardized_fit(x_ranks, detail::ranks_of_values(yk));
    result.push_back(
        {output_names[static_cast<std::size_t>(k)], run_data.input_names, src, r2, srrc, rank_r2});
  }
  return result;
}

// --- Sobol' indices (the estimators' shared parts are in sobol.hpp) ------------------------------

namespace detail {

// The estimators of output k on the rows picked by `pick` (identity, or a bootstrap resample);
// returns the variance of f over A and B together, which both indices divide by.
template <class Pick>
double sobol_estimates(const sobol_table& t, std::uint32_t k, Pick pick, double* first,
                       double* total) {
  double sum = 0.0;
  for (std::uint64_t row = 0; row < t.n; ++row) sum += sobol_row_sum(t, k, pick(row));
  const double mean = sum / (2.0 * static_cast<double>(t.n));
  std::vector<double> sums(1 + 2 * static_cast<std::size_t>(t.d), 0.0);
  for (std::uint64_t row = 0; row < t.n; ++row) add_sobol_row(t, k, pick(row), mean, sums.data());
  return sobol_finish(t.d, t.n, sums.data(), first, total);
}

}  // namespace detail

template <class F>
requires scalar_model<F> || vector_model<F> std::vector<sobol_indices> sobol_analysis(
    const input_space& inputs, const F& model, const sobol_options& options,
    std::vector<std::string> output_names = {"output"}) {
  detail::validate_sobol(options, inputs.correlated());
  const std::size_t d = inputs.size();
  const std::size_t outputs = output_names.size();
  const std::uint64_t n = options.base_samples;
  const sample_design design(options.design, n, static_cast<std::uint32_t>(2 * d), options.seed);
  // The model's values, laid out as sobol_table says.
  std::vector<double> f((d + 2) * outputs * n);
  const detail::sobol_table table{f.data(), n, static_cast<std::uint32_t>(outputs),
                                  static_cast<std::uint32_t>(d)};
  const unsigned threads = detail::thread_count(options.threads);
  std::vector<std::vector<double>> scratch(threads, std::vector<double>(5 * d + outputs));
  detail::run_in_rounds(
      (n + detail::chunk_size - 1) / detail::chunk_size, threads, detail::chunks_per_round,
      options.stop,
      [&](std::uint64_t chunk, unsigned worker) {
        double* u = scratch[worker].data();  // 2d uniforms
        double* a = u + 2 * d;               // A's row, then B's, then AB_j's
        double* b = a + d;
        double* ab = b + d;
        double* y = ab + d;
        const auto store = [&](std::size_t m, std::uint64_t i) {
          for (std::size_t k = 0; k < outputs; ++k) {
            f[table.index(static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(k), i)] = y[k];
          }
        };
        for (std::uint64_t i = chunk * detail::chunk_size;
             i < std::min(n, (chunk + 1) * detail::chunk_size); ++i) {
          design.uniforms(i, std::span<double>(u, 2 * d));
          for (std::size_t j = 0; j < d; ++j) {
            a[j] = inputs[j].dist.quantile(u[j]);
            b[j] = inputs[j].dist.quantile(u[d + j]);
          }
          detail::call_model(model, std::span<const double>(a, d), std::span<double>(y, outputs));
          store(0, i);
          detail::call_model(model, std::span<const double>(b, d), std::span<double>(y, outputs));
          store(1, i);
          for (std::size_t j = 0; j < d; ++j) {
            std::copy(a, a + d, ab);
            ab[j] = b[j];
            detail::call_model(model, std::span<const double>(ab, d),
                               std::span<double>(y, outputs));
            store(2 + j, i);
          }
        }
      },
      [](std::uint64_t, std::uint64_t) {});

  std::vector<std::string> input_names;
  for (std::size_t j = 0; j < d; ++j) input_names.push_back(inputs[j].name);
  std::vector<sobol_indices> result;
  for (std::size_t k = 0; k < outputs; ++k) {
    const auto output = static_cast<std::uint32_t>(k);
    std::vector<double> first(d), total(d);
    const double variance = detail::sobol_estimates(
        table, output, [](std::uint64_t i) { return i; }, first.data(), total.data());

    // Percentile bootstrap: resample the rows with replacement, from the seed's bootstrap
    // stream; each resample is one chunk, so any thread count gives the same intervals.
    const unsigned resamples = options.bootstrap;
    std::vector<double> boot_first(static_cast<std::size_t>(resamples) * d);
    std::vector<double> boot_total(static_cast<std::size_t>(resamples) * d);
    detail::run_in_rounds(
        resamples, threads, detail::chunks_per_round, options.stop,
        [&](std::uint64_t r, unsigned) {
          // The resample's rows, drawn once: the estimators read them twice.
          std::vector<std::uint64_t> rows(n);
          for (std::uint64_t row = 0; row < n; ++row) {
            rows[row] = detail::bootstrap_row(options.seed, n, static_cast<std::uint32_t>(r), row);
          }
          detail::sobol_estimates(
              table, output, [&rows](std::uint64_t row) { return rows[row]; }, &boot_first[r * d],
              &boot_total[r * d]);
        },
        [](std::uint64_t, std::uint64_t) {});
    result.push_back(detail::sobol_result(output_names[k], input_names, variance, first, total,
                                          boot_first, boot_total, resamples, options.confidence));
  }
  return result;
}

}  // namespace tpw::mc
