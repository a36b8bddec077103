// tpw/mc/sensitivity/sobol_analysis.hpp: Sobol' indices on the CPU: first order by Saltelli et al.
// (2010), total order by Jansen (1999), with percentile bootstrap confidence intervals. Matrices A
// and B are the two halves of one 2d-dimensional design point. They assume independent inputs: a
// correlated input space is refused. The estimators' plain parts, shared with the GPU engine, are
// in sobol_estimators.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/engine/parallel.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/input_space.hpp"
#include "tpw/mc/sensitivity/call_model.hpp"
#include "tpw/mc/sensitivity/sobol_estimators.hpp"

namespace tpw::mc {

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
  const thread_lease lease(options.threads);
  const unsigned threads = lease.count();
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
