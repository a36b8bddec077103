// tpw/mc/plan/radix_passes.hpp: the GPU engine's algorithm, written once for any backend: a CUDA
// device (tpw/cuda/engine.cuh) or the host (host_backend, which the CPU tests run, so the
// algorithm is checked against the CPU engine on machines without a GPU).
//
// Every sample is computed by the plan's figures (tpw::mc::cost_plan, or a composed model's
// composed_plan): the same Philox draws, designs, copula,
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
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/engine/options.hpp"
#include "tpw/mc/plan/cost_plan.hpp"

namespace tpw::mc::radix {

inline constexpr unsigned block_threads = 256;
inline constexpr std::uint64_t samples_per_block = 1u << 14;            // 64 per thread
inline constexpr std::uint64_t slice_samples = std::uint64_t{1} << 28;  // per launch
inline constexpr unsigned digit_bits = 16;
inline constexpr unsigned digit_count = 64 / digit_bits;
inline constexpr std::uint64_t bins = std::uint64_t{1} << digit_bits;
// The most figures a plan gives: the cost model's, and a project's two NPVs (project_plan).
inline constexpr unsigned max_outputs = static_cast<unsigned>(tpw::mc::cost_output_count) + 2;
inline constexpr unsigned max_exceedances = 32;
// The accumulator slots per output and block: the first pass's moments (about the shift), min and
// max, and a later pass's sums beyond the upper and lower tail cells.
enum field : unsigned { field_sum, field_squares, field_min, field_max, field_above, field_below };
inline constexpr unsigned fields = 6;
static_assert(field_below + 1 == fields, "fields counts the accumulator slots");
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

// What one pass over a slice of samples needs: plain data, passed by value to the kernel. A Plan
// is plain data with inputs, max_inputs, outputs(), input_name(k) and figures<C>(design, i, x, y)
// (cost_plan, composed_plan).
template <class Plan>
struct pass_args {
  const Plan* plan = nullptr;
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
  exceedance_side exceedance_sides[max_exceedances] = {};
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
template <currency_type C, class Plan>
TPW_HD inline bool observe_sample(const pass_args<Plan>& a, std::uint64_t i, double (*acc)[fields],
                                  unsigned long long* exceeding,
                                  unsigned long long* slot) noexcept {
  const Plan& plan = *a.plan;
  double x[Plan::max_inputs];
  double y[max_outputs];
  plan.template figures<C>(a.design, i, x, y);
  bool finite = true;
  for (unsigned k = 0; k < plan.outputs(); ++k) finite = finite && tpw::detail::is_finite(y[k]);
  if (finite && a.kept_y) {
    for (unsigned k = 0; k < plan.outputs(); ++k) a.kept_y[i * plan.outputs() + k] = y[k];
    for (unsigned k = 0; k < plan.inputs; ++k) a.kept_x[i * plan.inputs + k] = x[k];
  }
  if (finite && a.depth == 0) {
    for (unsigned e = 0; e < a.exceedances; ++e) {
      exceeding[e] +=
          on_side(a.exceedance_sides[e], y[a.exceedance_output[e]], a.exceedance_threshold[e]) ? 1
                                                                                               : 0;
    }
  }
  for (unsigned k = 0; k < a.outputs; ++k) {
    slot[k] = ~0ull;
    if (!finite) continue;
    const double v = y[a.pick[k]];
    const std::uint64_t key = order_key(v);
    if (a.depth == 0) {
      const double d = v - a.shift[k];
      acc[k][field_sum] += d;
      acc[k][field_squares] += d * d;
      acc[k][field_min] = v < acc[k][field_min] ? v : acc[k][field_min];
      acc[k][field_max] = v > acc[k][field_max] ? v : acc[k][field_max];
    } else {
      const std::uint64_t before = key_prefix(key, a.depth - 1);
      const unsigned digit = key_digit(key, a.depth - 1);
      if (before == a.upper_prefix[k] && digit > a.upper_digit[k]) acc[k][field_above] += v;
      if (before == a.lower_prefix[k] && digit < a.lower_digit[k]) acc[k][field_below] += v;
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
    acc[k][field_sum] = acc[k][field_squares] = acc[k][field_above] = acc[k][field_below] = 0.0;
    acc[k][field_min] = std::numeric_limits<double>::infinity();
    acc[k][field_max] = -std::numeric_limits<double>::infinity();
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

  template <currency_type C, class Plan>
  void pass(const pass_args<Plan>& a, unsigned blocks) const {
    pass_blocks<C>(a, 0, blocks);
  }

  // Blocks [first_block, end_block) of the slice (an MPI rank's share; see tpw/mpi/engine.hpp).
  template <currency_type C, class Plan>
  static void pass_blocks(const pass_args<Plan>& a, unsigned first_block, unsigned end_block) {
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

// The driver of a run on a backend, as named steps sharing the run's state: check the options
// and fix the moments' shift (prepare), upload the plan and allocate the buffers, then one pass per
// digit (the histogram groups of each output's targets, the launches over the samples, each
// target's next digit), and the statistics from the targets' keys (finish).
// A plan's figures' names, in order.
template <class Plan>
std::vector<std::string> output_names(const Plan& plan) {
  std::vector<std::string> names;
  for (std::uint32_t k = 0; k < plan.outputs(); ++k) names.emplace_back(plan.output_name(k));
  return names;
}

template <currency_type C, class Backend, class Plan>
class radix_run {
  template <class T>
  using buffer = typename Backend::template buffer<T>;

 public:
  radix_run(Backend& backend, const Plan& plan, const tpw::mc::run_options& o)
      : backend_(backend), plan_(plan), o_(o), n_(o.samples), names_(output_names(plan)), m_(0) {}

  tpw::mc::run_result run() {
    prepare();
    upload();
    plan_targets();
    for (unsigned depth = 0; depth < digit_count; ++depth) pass(depth);
    finish();
    return std::move(result_);
  }

 private:
  // The run's result layout, and the moments' shift: the mean of the first samples, computed here
  // (as the CPU engine's pilot does), so that sums of squares do not cancel.
  void prepare() {
    namespace md = tpw::mc::detail;
    md::validate(o_, names_);
    host_design_.emplace(o_.design, n_, plan_.inputs, o_.seed);
    m_ = md::tail_count(o_.tail_level, n_);
    for (std::uint32_t k = 0; k < plan_.inputs; ++k) {
      input_names_.push_back(plan_.input_name(k));
    }
    std::tie(result_, pick_) = md::prepare_result(o_, input_names_, names_);
    if (o_.exceedances.size() > max_exceedances) {
      throw invalid_input("uncertainty.exceedances", static_cast<double>(o_.exceedances.size()),
                          "the GPU engine takes at most 32 thresholds per run");
    }
    outputs_ = static_cast<unsigned>(pick_.size());
    args_.outputs = outputs_;
    const std::uint64_t pilot = std::min<std::uint64_t>(n_, 1024);
    std::vector<double> sums(outputs_, 0.0);
    for (std::uint64_t i = 0; i < pilot; ++i) {
      double x[Plan::max_inputs];
      double y[max_outputs];
      plan_.template figures<C>(host_design_->view(), i, x, y);
      for (unsigned k = 0; k < plan_.outputs(); ++k) {
        if (!tpw::detail::is_finite(y[k])) refuse_at(i);
      }
      for (unsigned k = 0; k < outputs_; ++k) sums[k] += y[pick_[k]];
    }
    for (unsigned k = 0; k < outputs_; ++k) {
      args_.pick[k] = static_cast<unsigned>(pick_[k]);
      args_.shift[k] = sums[k] / static_cast<double>(pilot);
    }
    args_.exceedances = static_cast<unsigned>(o_.exceedances.size());
    for (unsigned e = 0; e < args_.exceedances; ++e) {
      args_.exceedance_output[e] = static_cast<unsigned>(
          std::find(names_.begin(), names_.end(), o_.exceedances[e].output) - names_.begin());
      args_.exceedance_threshold[e] = o_.exceedances[e].threshold;
      args_.exceedance_sides[e] = o_.exceedances[e].side;
    }
  }

  // The error for sample i, which has a non-finite output: recomputed on the host, naming it.
  void refuse_at(std::uint64_t i) const {
    double x[Plan::max_inputs];
    double y[max_outputs];
    plan_.template figures<C>(host_design_->view(), i, x, y);
    for (unsigned k = 0; k < plan_.outputs(); ++k) {
      if (!tpw::detail::is_finite(y[k])) {
        tpw::mc::detail::refuse_non_finite(names_[k], y[k], i, input_names_,
                                           std::span<const double>(x, plan_.inputs));
      }
    }
  }

  // Device copies of the plan and the design's tables, and the buffers every pass shares.
  void upload() {
    d_plan_ = std::make_unique<buffer<Plan>>(std::vector<Plan>{plan_});
    d_directions_ = std::make_unique<buffer<std::uint32_t>>(host_design_->directions());
    d_shifts_ = std::make_unique<buffer<std::uint32_t>>(host_design_->shifts());
    args_.plan = d_plan_->get();
    args_.design = host_design_->view();
    args_.design.directions = d_directions_->get();
    args_.design.shifts = d_shifts_->get();
    d_exceeding_ = std::make_unique<buffer<unsigned long long>>(max_exceedances);
    d_exceeding_->zero();
    args_.exceeding = d_exceeding_->get();
    d_first_bad_ = std::make_unique<buffer<unsigned long long>>(1);
    d_first_bad_->upload({no_sample});
    args_.first_bad = d_first_bad_->get();
    const std::uint64_t max_blocks =
        (std::min(n_, slice_samples) + samples_per_block - 1) / samples_per_block;
    d_block_sums_ = std::make_unique<buffer<double>>(max_blocks * outputs_ * fields);
    args_.block_sums = d_block_sums_->get();
    if (o_.keep_samples) {
      d_kept_x_ = std::make_unique<buffer<double>>(n_ * plan_.inputs);
      d_kept_y_ = std::make_unique<buffer<double>>(n_ * plan_.outputs());
      args_.kept_x = d_kept_x_->get();
      args_.kept_y = d_kept_y_->get();
    }
  }

  // The wanted ranks of each output (several probabilities may share one), as digit targets.
  void plan_targets() {
    std::vector<std::uint64_t> distinct = tpw::mc::detail::wanted_ranks(o_, n_);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    std::vector<rank_target> per_output;
    for (const std::uint64_t r : distinct) per_output.push_back(rank_target{r, 0, 0, 0, {}});
    targets_.assign(outputs_, per_output);
    totals_.assign(outputs_, tpw::mc::detail::moments{});
    above_.assign(outputs_, 0.0);
    below_.assign(outputs_, 0.0);
  }

  [[nodiscard]] const rank_target& target_of(unsigned k, std::uint64_t rank) const {
    return *std::find_if(targets_[k].begin(), targets_[k].end(),
                         [&](const rank_target& t) { return t.rank == rank; });
  }

  // This pass's histogram groups: the distinct known prefixes of each output's targets.
  void plan_groups() {
    group_first_.assign(1, 0);
    group_prefix_.clear();
    for (unsigned k = 0; k < outputs_; ++k) {
      std::vector<std::uint64_t> prefixes;
      for (const auto& t : targets_[k]) prefixes.push_back(t.prefix);
      std::sort(prefixes.begin(), prefixes.end());
      prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
      group_prefix_.insert(group_prefix_.end(), prefixes.begin(), prefixes.end());
      group_first_.push_back(static_cast<unsigned>(group_prefix_.size()));
    }
  }

  // The pass for one digit: the launches over every sample, then each target's digit.
  void pass(unsigned depth) {
    plan_groups();
    buffer<unsigned> d_group_first(group_first_);
    buffer<std::uint64_t> d_group_prefix(group_prefix_);
    buffer<unsigned long long> d_histogram(group_prefix_.size() * bins);
    d_histogram.zero();
    args_.depth = depth;
    args_.group_first = d_group_first.get();
    args_.group_prefix = d_group_prefix.get();
    args_.histogram = d_histogram.get();
    if (depth > 0) {
      for (unsigned k = 0; k < outputs_; ++k) {
        const rank_target& up = target_of(k, n_ - m_);
        const rank_target& down = target_of(k, m_ - 1);
        args_.upper_prefix[k] = up.prefix >> digit_bits;  // its first depth - 1 digits
        args_.upper_digit[k] = up.digits[depth - 1];
        args_.lower_prefix[k] = down.prefix >> digit_bits;
        args_.lower_digit[k] = down.digits[depth - 1];
      }
    }
    // Only pass 1 counts exceedances and keeps samples.
    const unsigned exceedances = args_.exceedances;
    if (depth > 0) {
      args_.exceedances = 0;
      args_.kept_x = args_.kept_y = nullptr;
    }
    for (std::uint64_t first = 0; first < n_; first += slice_samples) launch_slice(depth, first);
    args_.exceedances = exceedances;
    if (depth == 0) {
      const std::vector<unsigned long long> counts = d_exceeding_->download(max_exceedances);
      for (unsigned e = 0; e < exceedances; ++e) {
        result_.exceedances[e].probability =
            static_cast<double>(counts[e]) / static_cast<double>(n_);
      }
    }
    place_digits(depth, d_histogram.download(group_prefix_.size() * bins));
  }

  // One launch over the samples [first, first + slice_samples), and its blocks' sums merged.
  void launch_slice(unsigned depth, std::uint64_t first) {
    if (o_.stop.stop_requested()) throw tpw::mc::cancelled();
    args_.first = first;
    args_.end = std::min(n_, first + slice_samples);
    const auto blocks =
        static_cast<unsigned>((args_.end - first + samples_per_block - 1) / samples_per_block);
    backend_.template pass<C>(args_, blocks);
    const std::uint64_t bad = d_first_bad_->download(1)[0];
    if (bad != no_sample) refuse_at(bad);
    const std::vector<double> sums = d_block_sums_->download(blocks * outputs_ * fields);
    for (unsigned b = 0; b < blocks; ++b) {
      for (unsigned k = 0; k < outputs_; ++k) {
        const double* s = &sums[(static_cast<std::size_t>(b) * outputs_ + k) * fields];
        if (depth == 0) {
          tpw::mc::detail::moments part;
          part.n =
              std::min<std::uint64_t>(samples_per_block, args_.end - first - b * samples_per_block);
          part.sum = s[field_sum];
          part.squares = s[field_squares];
          part.min = s[field_min];
          part.max = s[field_max];
          totals_[k].merge(part);
        } else {
          above_[k] += s[field_above];
          below_[k] += s[field_below];
        }
      }
    }
    if (o_.on_progress) o_.on_progress({depth + 1, args_.end, n_});
  }

  // Each target's digit: where its rank falls in its group's counts.
  void place_digits(unsigned depth, const std::vector<unsigned long long>& histogram) {
    for (unsigned k = 0; k < outputs_; ++k) {
      for (auto& t : targets_[k]) {
        const auto g = static_cast<std::size_t>(
            std::lower_bound(group_prefix_.begin() + group_first_[k],
                             group_prefix_.begin() + group_first_[k + 1], t.prefix) -
            group_prefix_.begin());
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
        if (depth + 1 == digit_count) add_last_digit_tails(k, t, prefix, digit, counts);
      }
    }
  }

  // The tails' last digit: keys beyond the target's within its final group, exactly.
  void add_last_digit_tails(unsigned k, const rank_target& t, std::uint64_t prefix, unsigned digit,
                            const unsigned long long* counts) {
    if (t.rank == n_ - m_) {
      for (std::uint64_t d = digit + 1; d < bins; ++d) {
        if (counts[d] > 0) {
          above_[k] += static_cast<double>(counts[d]) * key_value((prefix << digit_bits) | d);
        }
      }
    }
    if (t.rank == m_ - 1) {
      for (std::uint64_t d = 0; d < digit; ++d) {
        if (counts[d] > 0) {
          below_[k] += static_cast<double>(counts[d]) * key_value((prefix << digit_bits) | d);
        }
      }
    }
  }

  // The statistics from the moments and the targets' keys.
  void finish() {
    namespace md = tpw::mc::detail;
    for (unsigned k = 0; k < outputs_; ++k) {
      tpw::mc::output_statistics& out = result_.outputs[k];
      totals_[k].n = n_;
      md::finish_moments(out, totals_[k], args_.shift[k]);
      out.quantiles.resize(out.probabilities.size());
      for (std::size_t p = 0; p < out.probabilities.size(); ++p) {
        const md::quantile_ranks r = md::ranks_of(out.probabilities[p], n_);
        out.quantiles[p] = md::interpolate(r, key_value(target_of(k, r.low).prefix),
                                           key_value(target_of(k, r.high).prefix));
      }
      // Upper tail: ranks [n - m, n) = the keys above q (counted, summed) and copies of q.
      const rank_target& up = target_of(k, n_ - m_);
      const double q_up = key_value(up.prefix);
      const std::uint64_t n_above = n_ - up.below - up.equal;
      out.expected_shortfall_upper =
          (above_[k] + static_cast<double>(m_ - n_above) * q_up) / static_cast<double>(m_);
      const rank_target& down = target_of(k, m_ - 1);
      const double q_down = key_value(down.prefix);
      out.expected_shortfall_lower =
          (below_[k] + static_cast<double>(m_ - down.below) * q_down) / static_cast<double>(m_);
    }
    result_.passes = digit_count;
    if (o_.keep_samples) {
      result_.input_samples = d_kept_x_->download(n_ * plan_.inputs);
      result_.output_samples = d_kept_y_->download(n_ * plan_.outputs());
    }
  }

  Backend& backend_;
  const Plan& plan_;
  const tpw::mc::run_options& o_;
  std::uint64_t n_;
  std::vector<std::string> names_;
  std::vector<std::string> input_names_;
  std::optional<tpw::mc::sample_design> host_design_;  // made once the options are checked
  std::uint64_t m_;                                    // samples in each expected-shortfall tail
  tpw::mc::run_result result_;
  std::vector<std::size_t> pick_;  // summarized output k is the model's pick_[k]
  unsigned outputs_ = 0;
  pass_args<Plan> args_;
  std::unique_ptr<buffer<Plan>> d_plan_;
  std::unique_ptr<buffer<std::uint32_t>> d_directions_, d_shifts_;
  std::unique_ptr<buffer<unsigned long long>> d_exceeding_, d_first_bad_;
  std::unique_ptr<buffer<double>> d_block_sums_, d_kept_x_, d_kept_y_;
  std::vector<std::vector<rank_target>> targets_;
  std::vector<unsigned> group_first_;
  std::vector<std::uint64_t> group_prefix_;
  std::vector<tpw::mc::detail::moments> totals_;
  std::vector<double> above_, below_;  // per output: sums beyond the tail cells
};

// The driver: the cost model plan over options.samples samples in four passes on a backend, giving
// the statistics of tpw::mc::run(cost_model, options) on the CPU (run_options::threads,
// in_memory_limit and quantile_budget do not apply). Throws invalid_input for bad options or a
// non-finite output (naming the sample, as the CPU engine does), tpw::mc::cancelled when stopped
// (checked between launches of 2^28 samples).
template <currency_type C, class Backend, class Plan>
tpw::mc::run_result run_passes(Backend& backend, const Plan& plan, const tpw::mc::run_options& o) {
  return radix_run<C, Backend, Plan>(backend, plan, o).run();
}

}  // namespace tpw::mc::radix
