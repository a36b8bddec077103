// tpw/mc/plan/sobol_passes.hpp: Sobol' indices of the cost model on the GPU engine's backends (a
// CUDA device, tpw/cuda/engine.cuh, or the host, for tests and machines without a GPU), giving
// tpw::mc::sobol_analysis's indices for the same plan, base samples, seed and design.
//
// Row i of the matrices A, B and AB_j is design point i's 2d uniforms through the inputs' inverse
// CDFs, as on the CPU. The backend keeps the model's values in its own memory (they are what the
// bootstrap resamples) and never sends them back: only per-block sums and the bootstrap's
// estimates come back to the host. Per output, three launches:
//   - the sum over A and B, per block, merged on the host in block order: the mean;
//   - the estimators' sums about that mean, per block, merged in block order: the indices;
//   - one block per bootstrap resample, drawing its rows from the seed's bootstrap stream.
// The estimators' terms are sobol.hpp's, the ones the CPU analysis adds up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/plan/cost_plan.hpp"
#include "tpw/mc/plan/radix_passes.hpp"
#include "tpw/mc/sensitivity/sobol_estimators.hpp"

namespace tpw::mc::radix {

// The most inputs a plan's Sobol' run takes, and the most sums a block reports for one output:
// the squares, then d Saltelli and d Jansen sums.
inline constexpr unsigned max_sobol_inputs = static_cast<unsigned>(cost_input_count);
inline constexpr unsigned max_sobol_sums = 1 + 2 * max_sobol_inputs;
inline constexpr std::uint64_t sobol_launch_rows = std::uint64_t{1} << 22;

// What a Sobol' launch needs: plain data, passed by value to a kernel (Plan: see pass_args).
template <class Plan>
struct sobol_args {
  const Plan* plan = nullptr;
  design_view design;        // 2d coordinates: A's row is [0, d), B's is [d, 2d)
  double* values = nullptr;  // the table's storage, (d + 2) x outputs x n
  mc::detail::sobol_table table;
  // Evaluation: rows [first, end); the lowest row with a non-finite value.
  std::uint64_t first = 0;
  std::uint64_t end = 0;
  unsigned long long* first_bad = nullptr;
  // Sums: output k's, per block of samples_per_block rows; before the mean is known, one sum per
  // block, then sum_count() sums about `mean`.
  std::uint32_t output = 0;
  bool centred = false;
  double mean = 0.0;
  double* block_sums = nullptr;
  // Bootstrap: resample r's estimates of output k at boot_first[r * d], boot_total[r * d].
  std::uint64_t seed = 0;
  double* boot_first = nullptr;
  double* boot_total = nullptr;

  [[nodiscard]] TPW_HD constexpr unsigned sum_count() const noexcept {
    return centred ? 1 + 2 * table.d : 1;
  }
};

// Row i of A, B and AB_j under the plan: store(m, y) receives matrix m's cost figures
// (plan.outputs() values; m = 0 for A, 1 for B, 2 + j for AB_j).
template <currency_type C, class Plan, class Store>
TPW_HD inline void sobol_row_figures(const Plan& plan, const design_view& design, std::uint64_t i,
                                     Store&& store) noexcept {
  const std::uint32_t d = plan.inputs;
  double u[2 * max_sobol_inputs];
  design_uniforms(design, i, u, 2 * d);
  double a[max_sobol_inputs];
  double b[max_sobol_inputs];
  for (std::uint32_t j = 0; j < d; ++j) {
    a[j] = closed_form_quantile(plan.dists[j], u[j]);
    b[j] = closed_form_quantile(plan.dists[j], u[d + j]);
  }
  double y[max_outputs];
  plan.template figures_at<C>(a, y);
  store(0u, y);
  plan.template figures_at<C>(b, y);
  store(1u, y);
  for (std::uint32_t j = 0; j < d; ++j) {
    const double aj = a[j];
    a[j] = b[j];
    plan.template figures_at<C>(a, y);
    a[j] = aj;
    store(2 + j, y);
  }
}

// Evaluates row i into the table; returns whether every value is finite.
template <currency_type C, class Plan>
TPW_HD inline bool sobol_evaluate_row(const sobol_args<Plan>& a, std::uint64_t i) noexcept {
  bool finite = true;
  const std::uint32_t outputs = a.table.outputs;
  sobol_row_figures<C>(*a.plan, a.design, i, [&](std::uint32_t m, const double* y) {
    for (std::uint32_t k = 0; k < outputs; ++k) {
      finite = finite && tpw::detail::is_finite(y[k]);
      a.values[a.table.index(m, k, i)] = y[k];
    }
  });
  return finite;
}

// The share of block b's sums (output k's, over its samples_per_block rows) of a worker that
// takes rows begin + w, begin + w + stride, ...: `reduce` totals a value over the block's workers
// (the value itself on the host, a fixed-order tree on a GPU) and every worker gets the total;
// the one with `write` stores them.
template <class Plan, class Reduce>
TPW_HD inline void sobol_block_sums(const sobol_args<Plan>& a, std::uint64_t b, std::uint64_t w,
                                    std::uint64_t stride, Reduce&& reduce, bool write) noexcept {
  double sums[max_sobol_sums] = {};
  const std::uint64_t begin = b * samples_per_block;
  const std::uint64_t end =
      begin + samples_per_block < a.table.n ? begin + samples_per_block : a.table.n;
  for (std::uint64_t i = begin + w; i < end; i += stride) {
    if (a.centred) {
      mc::detail::add_sobol_row(a.table, a.output, i, a.mean, sums);
    } else {
      sums[0] += mc::detail::sobol_row_sum(a.table, a.output, i);
    }
  }
  const unsigned count = a.sum_count();
  for (unsigned f = 0; f < count; ++f) {
    const double total = reduce(sums[f]);
    if (write) a.block_sums[b * count + f] = total;
  }
}

// Bootstrap resample r of output k, shared as above: its n rows drawn from the seed's bootstrap
// stream, the mean over them, the sums about it, and the estimates.
template <class Plan, class Reduce>
TPW_HD inline void sobol_resample(const sobol_args<Plan>& a, unsigned r, std::uint64_t w,
                                  std::uint64_t stride, Reduce&& reduce, bool write) noexcept {
  const mc::detail::sobol_table& t = a.table;
  double sum = 0.0;
  for (std::uint64_t row = w; row < t.n; row += stride) {
    sum += mc::detail::sobol_row_sum(t, a.output, mc::detail::bootstrap_row(a.seed, t.n, r, row));
  }
  const double mean = reduce(sum) / (2.0 * static_cast<double>(t.n));
  double sums[max_sobol_sums] = {};
  for (std::uint64_t row = w; row < t.n; row += stride) {
    mc::detail::add_sobol_row(t, a.output, mc::detail::bootstrap_row(a.seed, t.n, r, row), mean,
                              sums);
  }
  for (unsigned f = 0; f < 1 + 2 * t.d; ++f) sums[f] = reduce(sums[f]);
  if (write) {
    mc::detail::sobol_finish(t.d, t.n, sums, a.boot_first + static_cast<std::uint64_t>(r) * t.d,
                             a.boot_total + static_cast<std::uint64_t>(r) * t.d);
  }
}

// The host backend's Sobol' launches (radix_engine.hpp's host_backend): one block, or one
// resample, after another. The CUDA backend's are in tpw/cuda/engine.cuh.
template <currency_type C, class Plan>
void sobol_evaluate(host_backend&, const sobol_args<Plan>& a, unsigned) {
  for (std::uint64_t i = a.first; i < a.end; ++i) {
    if (!sobol_evaluate_row<C>(a, i)) {
      *a.first_bad = std::min<unsigned long long>(*a.first_bad, i);
    }
  }
}
template <class Plan>
void sobol_sums(host_backend&, const sobol_args<Plan>& a, unsigned blocks) {
  for (unsigned b = 0; b < blocks; ++b) {
    sobol_block_sums(
        a, b, 0, 1, [](double v) { return v; }, true);
  }
}
template <class Plan>
void sobol_bootstrap(host_backend&, const sobol_args<Plan>& a, unsigned resamples) {
  for (unsigned r = 0; r < resamples; ++r) {
    sobol_resample(
        a, r, 0, 1, [](double v) { return v; }, true);
  }
}

// The driver: Sobol' indices of every output of the plan over options.base_samples rows on a
// backend, equal to sobol_analysis(model.inputs(), model, options, model.output_names()) up to
// the order of the sums (options.threads does not apply). Throws invalid_input for bad options, a
// correlated plan or a non-finite value (with the CPU's messages), tpw::mc::cancelled when
// stopped (checked between launches).
template <currency_type C, class Backend, class Plan>
std::vector<sobol_indices> run_sobol(Backend& backend, const Plan& plan, const sobol_options& o) {
  mc::detail::validate_sobol(o, plan.correlated);
  if (plan.inputs > max_sobol_inputs) {
    throw invalid_input("uncertainty.inputs", static_cast<double>(plan.inputs),
                        "Sobol' indices on the GPU and MPI engines take at most 20 uncertain "
                        "inputs; run them on the CPU engine");
  }
  const std::uint32_t d = plan.inputs;
  const std::uint32_t outputs = plan.outputs();
  const std::uint64_t n = o.base_samples;
  const sample_design host_design(o.design, n, 2 * d, o.seed);
  const auto stop_point = [&] {
    if (o.stop.stop_requested()) throw cancelled();
  };

  typename Backend::template buffer<Plan> d_plan(std::vector<Plan>{plan});
  typename Backend::template buffer<std::uint32_t> d_directions(host_design.directions());
  typename Backend::template buffer<std::uint32_t> d_shifts(host_design.shifts());
  typename Backend::template buffer<double> d_values(static_cast<std::size_t>(d + 2) * outputs * n);
  typename Backend::template buffer<unsigned long long> d_first_bad(
      std::vector<unsigned long long>{no_sample});
  sobol_args<Plan> args;
  args.plan = d_plan.get();
  args.design = host_design.view();
  args.design.directions = d_directions.get();
  args.design.shifts = d_shifts.get();
  args.values = d_values.get();
  args.table = {d_values.get(), n, outputs, d};
  args.first_bad = d_first_bad.get();
  args.seed = o.seed;

  for (std::uint64_t first = 0; first < n; first += sobol_launch_rows) {
    stop_point();
    args.first = first;
    args.end = std::min(n, first + sobol_launch_rows);
    sobol_evaluate<C>(backend, args, static_cast<unsigned>(args.end - first));
    const std::uint64_t bad = d_first_bad.download(1)[0];
    if (bad != no_sample) {
      // The first non-finite value of that row, found again on the host.
      sobol_row_figures<C>(plan, host_design.view(), bad, [&](std::uint32_t, const double* y) {
        for (std::uint32_t k = 0; k < outputs; ++k) {
          if (!tpw::detail::is_finite(y[k])) mc::detail::refuse_non_finite_output(k, y[k]);
        }
      });
    }
  }

  const auto blocks = static_cast<unsigned>((n + samples_per_block - 1) / samples_per_block);
  typename Backend::template buffer<double> d_block_sums(static_cast<std::size_t>(blocks) *
                                                         max_sobol_sums);
  const unsigned resamples = o.bootstrap;
  typename Backend::template buffer<double> d_boot_first(static_cast<std::size_t>(resamples) * d);
  typename Backend::template buffer<double> d_boot_total(static_cast<std::size_t>(resamples) * d);
  args.block_sums = d_block_sums.get();
  args.boot_first = d_boot_first.get();
  args.boot_total = d_boot_total.get();
  std::vector<std::string> input_names;
  for (std::uint32_t j = 0; j < d; ++j) input_names.push_back(plan.input_name(j));

  std::vector<sobol_indices> result;
  for (std::uint32_t k = 0; k < outputs; ++k) {
    stop_point();
    args.output = k;
    // Each block's sums, merged in block order.
    const auto merged = [&] {
      const unsigned count = args.sum_count();
      sobol_sums(backend, args, blocks);
      const std::vector<double> per_block =
          d_block_sums.download(static_cast<std::size_t>(blocks) * count);
      std::vector<double> total(count, 0.0);
      for (unsigned b = 0; b < blocks; ++b) {
        for (unsigned f = 0; f < count; ++f) total[f] += per_block[b * count + f];
      }
      return total;
    };
    args.centred = false;
    args.mean = merged()[0] / (2.0 * static_cast<double>(n));
    args.centred = true;
    const std::vector<double> sums = merged();
    std::vector<double> first(d), total(d);
    const double variance = mc::detail::sobol_finish(d, n, sums.data(), first.data(), total.data());
    std::vector<double> boot_first, boot_total;
    if (resamples > 0) {
      stop_point();
      sobol_bootstrap(backend, args, resamples);
      boot_first = d_boot_first.download(static_cast<std::size_t>(resamples) * d);
      boot_total = d_boot_total.download(static_cast<std::size_t>(resamples) * d);
    }
    result.push_back(mc::detail::sobol_result(plan.output_name(k), input_names, variance, first,
                                              total, boot_first, boot_total, resamples,
                                              o.confidence));
  }
  return result;
}

}  // namespace tpw::mc::radix
