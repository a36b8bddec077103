// tpw/mc/plan/radix_passes.hpp: the GPU engine's algorithm, written once for any backend: a CUDA
// device (tpw/cuda/engine.cuh) or the host (host_backend, which the CPU tests run, so the
// algorithm is checked against the CPU engine on machines without a GPU).
//
// Every sample is computed with tpw::mc::plan_figures: the same Philox draws, designs, copula,
// inverse CDFs and tpw::evaluate as the CPU engine. Nothing per sample leaves the backend unless
// keep_samples asks for it. Statistics come in four passes over the samples (each regenerated
// from its counter):
//   - pass 1: moments about a shift (the mean of the first samples), min, max, exceedance counts;
//   - quantiles by radix selection on each output's order-preserving 64-bit key, 16 bits a pass:
//     pass p counts digit p of the keys that share the wanted ranks' known prefixes, so after
//     four passes each wanted order statistic is known exactly (the CPU's type-7 quantiles);
//   - expected shortfall: each pass also sums the values whose key is already known to lie
//     beyond each tail's rank; the last digit's counts give the rest exactly.
// Floating-point sums are reduced per block in a fixed order and merged in block order, so a run
// is bitwise reproducible; histogram counts are integers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/cost_parameters.hpp"
#include "tpw/mc/engine/options.hpp"

namespace tpw::mc::radix {

inline constexpr unsigned block_threads = 256;
inline constexpr std::uint64_t samples_per_block = 1u << 14;            // 64 per thread
inline constexpr std::uint64_t slice_samples = std::uint64_t{1} << 28;  // per launch
inline constexpr unsigned digit_bits = 16;
inline constexpr unsigned digit_count = 64 / digit_bits;
inline constexpr std::uint64_t bins = std::uint64_t{1} << digit_bits;
inline constexpr unsigned max_outputs = static_cast<unsigned>(tpw::mc::cost_output_count);
inline constexpr unsigned max_exceedances = 32;
inline constexpr unsigned fields = 6;  // per output and block: sum, squares, min, max, above, below
inline constexpr std::uint64_t no_sample = std::numeric_limits<std::uint64_t>::max();

// A key whose unsigned order is the order of the doubles (negatives flipped, positives with the
// sign bit set), and back.
TPW_HD inline std::uint64_t order_key(double y) noexcept {
  std::uint64_t bits;
#if defined(__CUDA_ARCH__)
  bits = static_cast<std::uint64_t>(__double_as_longlong(y));
#else
  std::memcpy(&bits, &y, sizeof bits);
#endif
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}
inline double key_value(std::uint64_t key) noexcept {
  const std::uint64_t bits = (key >> 63) ? key & ~(std::uint64_t{1} << 63) : ~key;
  double y;
  std::memcpy(&y, &bits, sizeof y);
  return y;
}
// The top `count` digits of a key (0 when count is 0).
TPW_HD constexpr std::uint64_t key_prefix(std::uint64_t key, unsigned count) noexcept {
  return count == 0 ? 0 : key >> (64 - digit_bits * count);
}
TPW_HD constexpr unsigned key_digit(std::uint64_t key, unsigned position) noexcept {
  return static_cast<unsigned>((key >> (64 - digit_bits * (position + 1))) & (bins - 1));
}

// What one pass over a slice of samples needs: plain data, passed by value to the kernel.
struct pass_args {
  const tpw::mc::cost_plan* plan = nullptr;
  tpw::mc::design_view design;
  std::uint64_t first = 0;  // the slice: samples [first, end)
  std::uint64_t end = 0;
  unsigned outputs = 0;  // summarized outputs; pick[k] is the model's index
  unsigned pick[max_outputs] = {};
  double shift[max_outputs] = {};
  unsigned depth = 0;  // the digit this pass counts
  // Histogram groups, sorted by prefix within each output: output k's groups are
  // [group_first[k], group_first[k + 1]); group g counts digit `depth` of the keys whose first
  // `depth` digits equal group_prefix[g], into histogram[g * bins + digit].
  const unsigned* group_first = nullptr;
  const std::uint64_t* group_prefix = nullptr;
  unsigned long long* histogram = nullptr;
  // Tails (depth >= 1): output k's values whose first depth - 1 digits equal upper_prefix[k] and
  // whose digit depth - 1 is above upper_digit[k] (lower: equal prefix, digit below).
  std::uint64_t upper_prefix[max_outputs] = {};
  unsigned upper_digit[max_outputs] = {};
  std::uint64_t lower_prefix[max_outputs] = {};
  unsigned lower_digit[max_outputs] = {};
  // Pass 1 only: exceedance counts and, with keep_samples, every sample.
  unsigned exceedances = 0;
  unsigned exceedance_output[max_exceedances] = {};  // the model's index
  double exceedance_threshold[max_exceedances] = {};
  unsigned long long* exceeding = nullptr;
  double* kept_x = nullptr;  // samples x inputs, indexed from sample 0
  double* kept_y = nullptr;  // samples x model outputs
  // Per block: outputs x fields partial sums, in block order.
  double* block_sums = nullptr;
  unsigned long long* first_bad = nullptr;  // the lowest sample with a non-finite output
};

// One sample's share of a pass: evaluates sample i with plan_figures (keeping it when the pass
// keeps samples), adds its moments (pass 1), tail sums (later passes) and exceedances to the
// caller's accumulators, and sets slot[k], the histogram cell output k's key falls in (~0 for
// none). Returns whether every output is finite; the caller records the lowest sample that is
// not. The GPU kernel and the host backend both call it.
template <currency_type C>
TPW_HD inline bool observe_sample(const pass_args& a, std::uint64_t i, double (*acc)[fields],
                                  unsigned long long* exceeding,
                                  unsigned long long* slot) noexcept {
  const tpw::mc::cost_plan& plan = *a.plan;
  double x[tpw::mc::cost_input_count];
  double y[tpw::mc::cost_output_count];
  tpw::mc::plan_figures<C>(plan, a.design, i, x, y);
  bool finite = true;
  for (unsigned k = 0; k < plan.outputs(); ++k) finite = finite && tpw::detail::is_finite(y[k]);
  if (finite && a.kept_y) {
    for (unsigned k = 0; k < plan.outputs(); ++k) a.kept_y[i * plan.outputs() + k] = y[k];
    for (unsigned k = 0; k < plan.inputs; ++k) a.kept_x[i * plan.inputs + k] = x[k];
  }
  if (finite && a.depth == 0) {
    for (unsigned e = 0; e < a.exceedances; ++e) {
      exceeding[e] += y[a.exceedance_output[e]] > a.exceedance_threshold[e] ? 1 : 0;
    }
  }
  for (unsigned k = 0; k < a.outputs; ++k) {
    slot[k] = ~0ull;
    if (!finite) continue;
    const double v = y[a.pick[k]];
    const std::uint64_t key = order_key(v);
    if (a.depth == 0) {
      const double d = v - a.shift[k];
      acc[k][0] += d;
      acc[k][1] += d * d;
      acc[k][2] = v < acc[k][2] ? v : acc[k][2];
      acc[k][3] = v > acc[k][3] ? v : acc[k][3];
    } else {
      const std::uint64_t before = key_prefix(key, a.depth - 1);
      const unsigned digit = key_digit(key, a.depth - 1);
      if (before == a.upper_prefix[k] && digit > a.upper_digit[k]) acc[k][4] += v;
      if (before == a.lower_prefix[k] && digit < a.lower_digit[k]) acc[k][5] += v;
    }
    // The histogram group of this key's prefix, by binary search among output k's groups.
    const std::uint64_t prefix = key_prefix(key, a.depth);
    unsigned lo = a.group_first[k];
    unsigned hi = a.group_first[k + 1];
    while (lo < hi) {
      const unsigned mid = (lo + hi) / 2;
      if (a.group_prefix[mid] < prefix) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo < a.group_first[k + 1] && a.group_prefix[lo] == prefix) {
      slot[k] = static_cast<unsigned long long>(lo) * bins + key_digit(key, a.depth);
    }
  }
  return finite;
}

TPW_HD inline void reset_accumulators(double (*acc)[fields]) noexcept {
  for (unsigned k = 0; k < max_outputs; ++k) {
    acc[k][0] = acc[k][1] = acc[k][4] = acc[k][5] = 0.0;
    acc[k][2] = std::numeric_limits<double>::infinity();
    acc[k][3] = -std::numeric_limits<double>::infinity();
  }
}

// The state of one wanted rank of one output: the digits found so far, and how many keys lie
// below its known prefix.
struct rank_target {
  std::uint64_t rank = 0;
  std::uint64_t prefix = 0;  // the first `depth` digits
  std::uint64_t below = 0;   // keys whose prefix is smaller
  std::uint64_t equal = 0;   // after the last digit: keys equal to it
  unsigned digits[digit_count] = {};
};

// Where a pass's kernel runs: on a GPU (tpw/cuda/engine.cuh) or, for tests and for machines
// without one, here on the host, one block after another (host_backend below). A backend gives
// buffer<T> (get, upload, zero, download) and pass(args, blocks), which runs and waits.
//
// The passes on the host, one block after another: what the GPU computes, for tests on machines
// without a GPU (its per-block sums are added in thread order instead of the GPU's tree, which
// changes only the last bits).
struct host_backend {
  template <class T>
  class buffer {
   public:
    explicit buffer(std::size_t n) : data_(n) {}
    explicit buffer(const std::vector<T>& host) : data_(host) {}
    [[nodiscard]] T* get() noexcept { return data_.data(); }
    void upload(const std::vector<T>& host) { std::copy(host.begin(), host.end(), data_.begin()); }
    void zero() { std::fill(data_.begin(), data_.end(), T{}); }
    [[nodiscard]] std::vector<T> download(std::size_t count) const {
      return {data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(count)};
    }

   private:
    std::vector<T> data_;
  };

  template <currency_type C>
  void pass(const pass_args& a, unsigned blocks) const {
    pass_blocks<C>(a, 0, blocks);
  }

  // Blocks [first_block, end_block) of the slice (an MPI rank's share; see tpw/mpi/engine.hpp).
  template <currency_type C>
  static void pass_blocks(const pass_args& a, unsigned first_block, unsigned end_block) {
    for (unsigned b = first_block; b < end_block; ++b) {
      const std::uint64_t begin = a.first + b * samples_per_block;
      const std::uint64_t end = std::min(a.end, begin + samples_per_block);
      double acc[max_outputs][fields];
      reset_accumulators(acc);
      unsigned long long exceeding[max_exceedances] = {};
      for (std::uint64_t i = begin; i < end; ++i) {
        unsigned long long slot[max_outputs];
        if (!observe_sample<C>(a, i, acc, exceeding, slot)) {
          *a.first_bad = std::min<unsigned long long>(*a.first_bad, i);
        }
        for (unsigned k = 0; k < a.outputs; ++k) {
          if (slot[k] != ~0ull) ++a.histogram[slot[k]];
        }
      }
      for (unsigned e = 0; e < a.exceedances; ++e) a.exceeding[e] += exceeding[e];
      for (unsigned k = 0; k < a.outputs; ++k) {
        for (unsigned f = 0; f < fields; ++f) {
          a.block_sums[(static_cast<std::size_t>(b) * a.outputs + k) * fields + f] = acc[k][f];
        }
      }
    }
  }
};

// The driver: the cost model plan over options.samples samples in four passes on a backend, giving
// the statistics of tpw::mc::run(cost_model, options) on the CPU (run_options::threads,
// in_memory_limit and quantile_budget do not apply). Throws invalid_input for bad options or a
// non-finite output (naming the sample, as the CPU engine does), tpw::mc::cancelled when stopped
// (checked between launches of 2^28 samples).
template <currency_type C, class Backend>
tpw::mc::run_result run_passes(Backend& backend, const tpw::mc::cost_plan& plan,
                               const tpw::mc::run_options& o) {
  namespace md = tpw::mc::detail;
  std::vector<std::string> names(tpw::mc::cost_output_names.begin(),
                                 tpw::mc::cost_output_names.begin() + plan.outputs());
  md::validate(o, names);
  std::vector<std::string> input_names;
  for (std::uint32_t k = 0; k < plan.inputs; ++k) {
    input_names.push_back(tpw::mc::rule_of(plan.slots[k]).path);
  }
  auto [result, pick] = md::prepare_result(o, input_names, names);
  if (o.exceedances.size() > max_exceedances) {
    throw invalid_input("uncertainty.exceedances", static_cast<double>(o.exceedances.size()),
                        "the GPU engine takes at most 32 thresholds per run");
  }
  const std::uint64_t n = o.samples;
  const tpw::mc::sample_design host_design(o.design, n, plan.inputs, o.seed);
  const auto refuse_at = [&](std::uint64_t i) {
    double x[tpw::mc::cost_input_count];
    double y[tpw::mc::cost_output_count];
    tpw::mc::plan_figures<C>(plan, host_design.view(), i, x, y);
    for (unsigned k = 0; k < plan.outputs(); ++k) {
      if (!tpw::detail::is_finite(y[k])) {
        md::refuse_non_finite(names[k], y[k], i, input_names,
                              std::span<const double>(x, plan.inputs));
      }
    }
  };
  const auto outputs = static_cast<unsigned>(pick.size());
  pass_args args;
  args.outputs = outputs;
  // The shift of the moments: the mean of the first samples, computed here (as the CPU engine's
  // pilot does), so that sums of squares do not cancel.
  {
    const std::uint64_t pilot = std::min<std::uint64_t>(n, 1024);
    std::vector<double> sums(outputs, 0.0);
    for (std::uint64_t i = 0; i < pilot; ++i) {
      double x[tpw::mc::cost_input_count];
      double y[tpw::mc::cost_output_count];
      tpw::mc::plan_figures<C>(plan, host_design.view(), i, x, y);
      for (unsigned k = 0; k < plan.outputs(); ++k) {
        if (!tpw::detail::is_finite(y[k])) refuse_at(i);
      }
      for (unsigned k = 0; k < outputs; ++k) sums[k] += y[pick[k]];
    }
    for (unsigned k = 0; k < outputs; ++k) {
      args.pick[k] = static_cast<unsigned>(pick[k]);
      args.shift[k] = sums[k] / static_cast<double>(pilot);
    }
  }
  args.exceedances = static_cast<unsigned>(o.exceedances.size());
  for (unsigned e = 0; e < args.exceedances; ++e) {
    args.exceedance_output[e] = static_cast<unsigned>(
        std::find(names.begin(), names.end(), o.exceedances[e].output) - names.begin());
    args.exceedance_threshold[e] = o.exceedances[e].threshold;
  }

  // Device copies of the plan and the design's tables.
  typename Backend::template buffer<tpw::mc::cost_plan> d_plan(
      std::vector<tpw::mc::cost_plan>{plan});
  typename Backend::template buffer<std::uint32_t> d_directions(host_design.directions());
  typename Backend::template buffer<std::uint32_t> d_shifts(host_design.shifts());
  args.plan = d_plan.get();
  args.design = host_design.view();
  args.design.directions = d_directions.get();
  args.design.shifts = d_shifts.get();
  typename Backend::template buffer<unsigned long long> d_exceeding(max_exceedances);
  d_exceeding.zero();
  args.exceeding = d_exceeding.get();
  typename Backend::template buffer<unsigned long long> d_first_bad(1);
  d_first_bad.upload({no_sample});
  args.first_bad = d_first_bad.get();
  const std::uint64_t max_blocks =
      (std::min(n, slice_samples) + samples_per_block - 1) / samples_per_block;
  typename Backend::template buffer<double> d_block_sums(max_blocks * outputs * fields);
  args.block_sums = d_block_sums.get();
  std::unique_ptr<typename Backend::template buffer<double>> d_kept_x, d_kept_y;
  if (o.keep_samples) {
    d_kept_x = std::make_unique<typename Backend::template buffer<double>>(n * plan.inputs);
    d_kept_y = std::make_unique<typename Backend::template buffer<double>>(n * plan.outputs());
    args.kept_x = d_kept_x->get();
    args.kept_y = d_kept_y->get();
  }

  // The wanted ranks of each output (several probabilities may share one).
  const std::vector<std::uint64_t> ranks = md::wanted_ranks(o, n);
  const std::uint64_t m = md::tail_count(o.tail_level, n);
  std::vector<std::uint64_t> distinct = ranks;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<rank_target> per_output;
  for (const std::uint64_t r : distinct) per_output.push_back(rank_target{r, 0, 0, 0, {}});
  std::vector<std::vector<rank_target>> targets(outputs, per_output);
  const auto target_of = [&](unsigned k, std::uint64_t rank) -> rank_target& {
    return *std::find_if(targets[k].begin(), targets[k].end(),
                         [&](const rank_target& t) { return t.rank == rank; });
  };
  std::vector<md::moments> totals(outputs);
  std::vector<double> above(outputs, 0.0), below(outputs, 0.0);

  for (unsigned depth = 0; depth < digit_count; ++depth) {
    // This pass's histogram groups: the distinct known prefixes of each output's targets.
    std::vector<unsigned> group_first{0};
    std::vector<std::uint64_t> group_prefix;
    for (unsigned k = 0; k < outputs; ++k) {
      std::vector<std::uint64_t> prefixes;
      for (const auto& t : targets[k]) prefixes.push_back(t.prefix);
      std::sort(prefixes.begin(), prefixes.end());
      prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
      group_prefix.insert(group_prefix.end(), prefixes.begin(), prefixes.end());
      group_first.push_back(static_cast<unsigned>(group_prefix.size()));
    }
    typename Backend::template buffer<unsigned> d_group_first(group_first);
    typename Backend::template buffer<std::uint64_t> d_group_prefix(group_prefix);
    typename Backend::template buffer<unsigned long long> d_histogram(group_prefix.size() * bins);
    d_histogram.zero();
    args.depth = depth;
    args.group_first = d_group_first.get();
    args.group_prefix = d_group_prefix.get();
    args.histogram = d_histogram.get();
    if (depth > 0) {
      for (unsigned k = 0; k < outputs; ++k) {
        const rank_target& up = target_of(k, n - m);
        const rank_target& down = target_of(k, m - 1);
        args.upper_prefix[k] = up.prefix >> digit_bits;  // its first depth - 1 digits
        args.upper_digit[k] = up.digits[depth - 1];
        args.lower_prefix[k] = down.prefix >> digit_bits;
        args.lower_digit[k] = down.digits[depth - 1];
      }
    }
    // Only pass 1 counts exceedances and keeps samples.
    const unsigned exceedances = args.exceedances;
    if (depth > 0) {
      args.exceedances = 0;
      args.kept_x = args.kept_y = nullptr;
    }
    for (std::uint64_t first = 0; first < n; first += slice_samples) {
      if (o.stop.stop_requested()) throw tpw::mc::cancelled();
      args.first = first;
      args.end = std::min(n, first + slice_samples);
      const auto blocks =
          static_cast<unsigned>((args.end - first + samples_per_block - 1) / samples_per_block);
      backend.template pass<C>(args, blocks);
      const std::uint64_t bad = d_first_bad.download(1)[0];
      if (bad != no_sample) refuse_at(bad);
      const std::vector<double> sums = d_block_sums.download(blocks * outputs * fields);
      for (unsigned b = 0; b < blocks; ++b) {
        for (unsigned k = 0; k < outputs; ++k) {
          const double* s = &sums[(static_cast<std::size_t>(b) * outputs + k) * fields];
          if (depth == 0) {
            md::moments part;
            part.n = std::min<std::uint64_t>(samples_per_block,
                                             args.end - first - b * samples_per_block);
            part.sum = s[0];
            part.squares = s[1];
            part.min = s[2];
            part.max = s[3];
            totals[k].merge(part);
          } else {
            above[k] += s[4];
            below[k] += s[5];
          }
        }
      }
      if (o.on_progress) o.on_progress({depth + 1, args.end, n});
    }
    args.exceedances = exceedances;
    if (depth == 0) {
      const std::vector<unsigned long long> counts = d_exceeding.download(max_exceedances);
      for (unsigned e = 0; e < exceedances; ++e) {
        result.exceedances[e].probability = static_cast<double>(counts[e]) / static_cast<double>(n);
      }
    }
    // Each target's digit: where its rank falls in its group's counts.
    const std::vector<unsigned long long> histogram =
        d_histogram.download(group_prefix.size() * bins);
    for (unsigned k = 0; k < outputs; ++k) {
      for (auto& t : targets[k]) {
        const auto g = static_cast<std::size_t>(
            std::lower_bound(group_prefix.begin() + group_first[k],
                             group_prefix.begin() + group_first[k + 1], t.prefix) -
            group_prefix.begin());
        const unsigned long long* counts = &histogram[g * bins];
        std::uint64_t cumulative = t.below;
        unsigned digit = 0;
        while (digit + 1 < bins && cumulative + counts[digit] <= t.rank) {
          cumulative += counts[digit];
          ++digit;
        }
        t.below = cumulative;
        t.equal = counts[digit];
        t.digits[depth] = digit;
        const std::uint64_t prefix = t.prefix;
        t.prefix = (t.prefix << digit_bits) | digit;
        if (depth + 1 == digit_count) {
          // The tails' last digit: keys beyond the target's within its final group, exactly.
          if (t.rank == n - m) {
            for (std::uint64_t d = digit + 1; d < bins; ++d) {
              if (counts[d] > 0) {
                above[k] += static_cast<double>(counts[d]) * key_value((prefix << digit_bits) | d);
              }
            }
          }
          if (t.rank == m - 1) {
            for (std::uint64_t d = 0; d < digit; ++d) {
              if (counts[d] > 0) {
                below[k] += static_cast<double>(counts[d]) * key_value((prefix << digit_bits) | d);
              }
            }
          }
        }
      }
    }
  }

  for (unsigned k = 0; k < outputs; ++k) {
    tpw::mc::output_statistics& out = result.outputs[k];
    totals[k].n = n;
    md::finish_moments(out, totals[k], args.shift[k]);
    out.quantiles.resize(out.probabilities.size());
    for (std::size_t p = 0; p < out.probabilities.size(); ++p) {
      const md::quantile_ranks r = md::ranks_of(out.probabilities[p], n);
      out.quantiles[p] = md::interpolate(r, key_value(target_of(k, r.low).prefix),
                                         key_value(target_of(k, r.high).prefix));
    }
    // Upper tail: ranks [n - m, n) = the keys above q (counted, summed) and copies of q.
    const rank_target& up = target_of(k, n - m);
    const double q_up = key_value(up.prefix);
    const std::uint64_t n_above = n - up.below - up.equal;
    out.expected_shortfall_upper =
        (above[k] + static_cast<double>(m - n_above) * q_up) / static_cast<double>(m);
    const rank_target& down = target_of(k, m - 1);
    const double q_down = key_value(down.prefix);
    out.expected_shortfall_lower =
        (below[k] + static_cast<double>(m - down.below) * q_down) / static_cast<double>(m);
  }
  result.passes = digit_count;
  if (o.keep_samples) {
    result.input_samples = d_kept_x->download(n * plan.inputs);
    result.output_samples = d_kept_y->download(n * plan.outputs());
  }
  return result;
}

}  // namespace tpw::mc::radix
