// tpw/mc/engine/engine.hpp: the Monte Carlo engine: any model over N samples, on every core, with
// results that depend only on (inputs, model, N, seed, design).
//
// The seams are QuantLib's: a sampler (design + input space) feeds a model, whose outputs feed
// streaming accumulators. No virtual call in the loop; the model is a template parameter.
//   - Samples are drawn and evaluated in batches of batch_size, one row per variable, so that
//     Philox, the inverse CDFs and a batch_model (the cost model) run as vectorizable loops.
//   - Moments, exceedance counts, min and max: one pass, per-chunk accumulators merged in chunk
//     order (tpw/mc/engine/parallel.hpp), so 1, 2 or 8 threads give bitwise the same numbers.
//   - Quantiles and expected shortfall: exact. Up to in_memory_limit samples (or with
//     keep_samples) the outputs are kept and selected; beyond that a histogram is refined over
//     further passes (tpw/mc/engine/quantile_tree.hpp), in memory independent of N.
#pragma once

// Marks that the engine is included, for the include-cost tests (tests/test_include_io.cpp).
#define TPW_MC_ENGINE_INCLUDED 1

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/engine/options.hpp"
#include "tpw/mc/engine/parallel.hpp"
#include "tpw/mc/engine/quantile_tree.hpp"
#include "tpw/mc/engine/statistics.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/input_space.hpp"

namespace tpw::mc {

// A model: one output from a parameter vector, or several written into y.
template <class F>
concept scalar_model = requires(const F& f, std::span<const double> x) {
  { f(x) } -> std::convertible_to<double>;
};
template <class F>
concept vector_model = requires(const F& f, std::span<const double> x, std::span<double> y) {
  f(x, y);
};
// Samples are drawn and evaluated in batches of this many, laid out by variable: row v of a batch
// holds variable v of its batch_size samples.
inline constexpr std::size_t batch_size = 256;

// A model that can also evaluate a batch of `count` <= batch_size samples laid out by variable:
// input j of sample s at x[j * batch_size + s], output k at y[k * batch_size + s]. The engine then
// hands it whole batches, in which the compiler can vectorize (the built-in cost model is one). It
// must give the same outputs as the one-sample call, up to the ulps of vector math.
template <class F>
concept batch_model = requires(const F& f, const double* x, double* y, std::size_t count) {
  f.evaluate_batch(x, y, count);
};

namespace detail {

// Evaluates either kind of model at x into y (one value for a scalar model).
template <class F>
void invoke_model(const F& model, std::span<const double> x, std::span<double> y) {
  if constexpr (vector_model<F>) {
    model(x, y);
  } else {
    y[0] = static_cast<double>(model(x));
  }
}

inline constexpr std::uint64_t chunk_size = 4096;

// The root histogram's inner bins: 4096, more for long runs (a power of two at most n / 2^14, up
// to 32768), so that each bin that holds a wanted rank stays small enough to be collected by the
// next pass; the counts of every output on every thread stay within 16 MiB (memory that does not
// grow with n).
constexpr unsigned root_bins(std::uint64_t n, std::size_t outputs, unsigned threads) noexcept {
  unsigned bins = 4096;
  while (bins < 32768 && (std::uint64_t{bins} << 15) <= n &&
         (std::uint64_t{bins} * 2 + 2) * 8 * outputs * threads <= (std::uint64_t{1} << 24)) {
    bins *= 2;
  }
  return bins;
}
// Batches are aligned on multiples of batch_size, so that every evaluation of sample i, in any
// pass and any thread, sits at the same place in the same batch.
static_assert(chunk_size % batch_size == 0);
inline constexpr std::uint64_t chunks_per_round = 256;
// The pilot: an eighth of the run, in whole chunks, between 2^17 and 2^18 samples (or all of a
// smaller run). A larger pilot narrows the bands pass 1 collects (their width goes as one over
// its square root), so that runs up to about 15 million samples with ten outputs finish in one
// pass; its outputs are kept (8 bytes per output and sample) and read back by pass 1.
inline constexpr std::uint64_t pilot_least = 1u << 17;
inline constexpr std::uint64_t pilot_most = 1u << 18;
constexpr std::uint64_t pilot_size(std::uint64_t n) noexcept {
  const std::uint64_t eighth = n / 8 / chunk_size * chunk_size;
  return std::min(n, std::clamp(eighth, pilot_least, pilot_most));
}

// Doubles on 64-byte boundaries (a cache line, an AVX-512 register): each row of a batch starts on
// one, so the vector loops take the same path in every thread.
class aligned_doubles {
 public:
  explicit aligned_doubles(std::size_t n)
      : data_(static_cast<double*>(::operator new(n * sizeof(double), alignment))), size_(n) {
    std::fill(data_, data_ + n, 0.0);
  }
  aligned_doubles(const aligned_doubles& other) : aligned_doubles(other.size_) {
    std::copy(other.data_, other.data_ + size_, data_);
  }
  aligned_doubles& operator=(const aligned_doubles&) = delete;
  ~aligned_doubles() { ::operator delete(data_, alignment); }
  [[nodiscard]] double* data() const noexcept { return data_; }

 private:
  static constexpr std::align_val_t alignment{64};
  double* data_;
  std::size_t size_;
};

// Per-thread scratch for one batch, laid out by variable (row v holds v's batch_size samples):
// uniforms, input values and outputs; and one sample's inputs and outputs for models that take
// one sample at a time.
struct batch_buffers {
  aligned_doubles u, x, y;
  std::vector<double> x_one, y_one;
  batch_buffers(std::size_t inputs, std::size_t outputs)
      : u(inputs * batch_size),
        x(inputs * batch_size),
        y(outputs * batch_size),
        x_one(inputs),
        y_one(outputs) {}
  // Output k of sample s of the batch, input j of sample s.
  [[nodiscard]] double output(std::size_t k, std::size_t s) const noexcept {
    return y.data()[k * batch_size + s];
  }
  [[nodiscard]] double input(std::size_t j, std::size_t s) const noexcept {
    return x.data()[j * batch_size + s];
  }
};

// Draws a batch of samples and evaluates the model on them; checks that every output is finite.
template <class F>
class evaluator {
 public:
  // `checked`: the outputs whose values the run reads (each must be finite); empty: all of them.
  evaluator(const input_space& inputs, const sample_design& design, const F& model,
            const std::vector<std::string>& names, std::vector<std::size_t> checked = {})
      : inputs_(inputs),
        design_(design),
        model_(model),
        names_(names),
        checked_(std::move(checked)) {
    if (checked_.empty()) {
      for (std::size_t k = 0; k < names_.size(); ++k) checked_.push_back(k);
    }
  }

  [[nodiscard]] std::size_t inputs() const noexcept { return inputs_.size(); }
  [[nodiscard]] std::size_t outputs() const noexcept { return names_.size(); }

  // Samples [first, first + count), count <= batch_size, into b.
  void operator()(std::uint64_t first, std::size_t count, batch_buffers& b) const {
    design_.uniform_columns(first, static_cast<std::uint32_t>(count), b.u.data(), batch_size);
    inputs_.transform_columns(b.u.data(), b.x.data(), count, batch_size);
    if constexpr (batch_model<F>) {
      model_.evaluate_batch(b.x.data(), b.y.data(), count);
    } else {
      for (std::size_t s = 0; s < count; ++s) {
        for (std::size_t j = 0; j < b.x_one.size(); ++j) b.x_one[j] = b.input(j, s);
        invoke_model(model_, std::span<const double>(b.x_one), std::span<double>(b.y_one));
        for (std::size_t k = 0; k < b.y_one.size(); ++k)
          b.y.data()[k * batch_size + s] = b.y_one[k];
      }
    }
    // One test over the whole batch (vectorized); the offending sample is found only on failure.
    // Only the outputs the run reads: a model may leave the others unwritten (project_model).
    unsigned non_finite = 0;
    for (const std::size_t k : checked_) {
      const double* row = b.y.data() + k * batch_size;
      for (std::size_t s = 0; s < count; ++s)
        non_finite |= tpw::detail::is_finite(row[s]) ? 0u : 1u;
    }
    if (non_finite != 0) refuse(first, count, b);
  }

 private:
  [[noreturn]] void refuse(std::uint64_t first, std::size_t count, batch_buffers& b) const {
    for (std::size_t s = 0; s < count; ++s) {
      for (const std::size_t k : checked_) {
        if (tpw::detail::is_finite(b.output(k, s))) continue;
        std::vector<std::string> input_names;
        for (std::size_t j = 0; j < inputs(); ++j) {
          input_names.push_back(inputs_[j].name);
          b.x_one[j] = b.input(j, s);
        }
        refuse_non_finite(names_[k], b.output(k, s), first + s, input_names, b.x_one);
      }
    }
    std::terminate();  // unreachable: the caller saw a non-finite output
  }

  const input_space& inputs_;
  const sample_design& design_;
  const F& model_;
  const std::vector<std::string>& names_;
  std::vector<std::size_t> checked_;
};

// The samples of a chunk in batches: calls f(first, count) for each, aligned on batch_size.
template <class G>
void for_each_batch(std::uint64_t first, std::uint64_t last, G&& f) {
  for (std::uint64_t b = first; b < last; b += batch_size) {
    f(b, static_cast<std::size_t>(std::min<std::uint64_t>(batch_size, last - b)));
  }
}

// Per-chunk sums of the final pass: each output's samples above the upper tail's cell and below
// the lower tail's cell.
struct tail_sums {
  double above = 0.0;
  std::uint64_t n_above = 0;
  double below = 0.0;
  std::uint64_t n_below = 0;

  // y against the two tail cells: +1 above the upper one, -1 below the lower one.
  void add(double y, int against_upper, int against_lower) noexcept {
    if (against_upper > 0) {
      above += y;
      ++n_above;
    }
    if (against_lower < 0) {
      below += y;
      ++n_below;
    }
  }
  void merge(const tail_sums& other) noexcept {
    above += other.above;
    n_above += other.n_above;
    below += other.below;
    n_below += other.n_below;
  }
};

// Per-chunk results of the first pass: moments of each output, and exceedance counts.
struct first_pass_chunk {
  std::vector<moments> outputs;
  std::vector<std::uint64_t> exceeding;
  std::vector<tail_sums> tails;  // beyond the predicted tail bands, when pass 1 collects
};

// One worker's view of one output's active cells in a refinement pass.
struct cell_scratch {
  std::vector<std::vector<std::uint64_t>> counts;  // per active cell: sub-bin counts
  std::vector<double> seen_min, seen_max;
  std::vector<std::vector<double>> values;  // per active cell being collected
  std::vector<std::vector<double>> first;   // pass 1: per root bin collected beside the histogram
};

// One run of the engine over a model, as named steps sharing the run's state:
//  1. pilot: the first samples fix each output's shift, range and where each wanted rank falls;
//  2. first pass: moments, exceedances, min and max, and the root histograms (or every sample);
//  3. the finish: from the kept samples (a small run), from the first pass when it pinned every
//     wanted rank, or after refinement passes that narrow each rank's cell until it is collected.
template <class F>
class sample_run {
 public:
  sample_run(const evaluator<F>& eval, const run_options& o, unsigned threads, run_result result,
             const std::vector<std::size_t>& pick)
      : eval_(eval),
        o_(o),
        threads_(threads),
        result_(std::move(result)),
        pick_(pick),
        n_(o.samples),
        outputs_(result_.outputs.size()),
        model_outputs_(eval.outputs()),
        inputs_(eval.inputs()),
        chunks_((n_ + chunk_size - 1) / chunk_size),
        in_memory_(o.keep_samples || n_ <= o.in_memory_limit),
        pilot_(pilot_size(n_)),
        tail_m_(tail_count(o.tail_level, n_)) {}

  run_result run() {
    run_pilot();
    plan_passes();
    first_pass();
    if (in_memory_) {
      finish_in_memory();
      return std::move(result_);
    }
    absorb_cells();
    if (first_pass_pinned_every_rank()) {
      finish_from_first_pass();
      return std::move(result_);
    }
    while (!refinement_pass()) {
    }
    return std::move(result_);
  }

 private:
  void report(std::uint64_t last_chunk) const {
    if (o_.on_progress) o_.on_progress({pass_, std::min(n_, last_chunk * chunk_size), n_});
  }
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> chunk_range(std::uint64_t chunk) const {
    return {chunk * chunk_size, std::min(n_, (chunk + 1) * chunk_size)};
  }
  // A batch never straddles the pilot's end: the pilot is a whole number of chunks, or all of n.
  // The pilot's values are kept by summarized output (pass 1 reads them back), a kept run's by
  // sample in the result.
  void evaluate_and_keep(std::uint64_t first, std::size_t count, batch_buffers& b) {
    eval_(first, count, b);
    if (first < pilot_) {
      for (std::size_t k = 0; k < outputs_; ++k) {
        const double* y = b.y.data() + pick_[k] * batch_size;
        std::copy(y, y + count, pilot_values_[k].get() + first);
      }
    }
    if (in_memory_) {
      for (std::size_t s = 0; s < count; ++s) {
        double* row = result_.output_samples.data() + (first + s) * model_outputs_;
        for (std::size_t k = 0; k < model_outputs_; ++k) row[k] = b.output(k, s);
      }
    }
    if (o_.keep_samples) {
      for (std::size_t s = 0; s < count; ++s) {
        double* row = result_.input_samples.data() + (first + s) * inputs_;
        for (std::size_t j = 0; j < inputs_; ++j) row[j] = b.input(j, s);
      }
    }
  }

  // 1. Pilot: the first samples fix the moments' shift, the root histogram's range and, from
  // their order statistics, where each wanted rank will fall. Its outputs are kept and pass 1 reads
  // them back instead of evaluating them again. Their memory is not cleared first: each worker's
  // writes fault in its own pages, in parallel.
  void run_pilot() {
    if (in_memory_) {
      result_.output_samples.resize(n_ * model_outputs_);
      if (o_.keep_samples) result_.input_samples.resize(n_ * inputs_);
    }
    shift_.assign(outputs_, 0.0);
    low_.resize(outputs_);
    high_.resize(outputs_);
    pilot_values_.clear();
    for (std::size_t k = 0; k < outputs_; ++k) {
      pilot_values_.push_back(std::make_unique_for_overwrite<double[]>(pilot_));
    }
    std::vector<batch_buffers> buffers(threads_, batch_buffers(inputs_, model_outputs_));
    run_in_rounds((pilot_ + chunk_size - 1) / chunk_size, threads_, chunks_per_round, o_.stop,
                  [&](std::uint64_t chunk, unsigned worker) {
                    for_each_batch(chunk * chunk_size, std::min(pilot_, (chunk + 1) * chunk_size),
                                   [&](std::uint64_t first, std::size_t count) {
                                     evaluate_and_keep(first, count, buffers[worker]);
                                   });
                  },
                  [](std::uint64_t, std::uint64_t) {});
    // The pilot's mean, least and largest values; quantile_tree::plan_first_pass places its
    // order statistics in the root histogram's bins without sorting it.
    for (std::size_t k = 0; k < outputs_; ++k) {
      const std::span<const double> v = pilot_of(k);
      double lowest = v.front();
      double largest = v.front();
      for (const double x : v) {
        shift_[k] += x;
        lowest = std::min(lowest, x);
        largest = std::max(largest, x);
      }
      shift_[k] /= static_cast<double>(pilot_);
      const double margin = 0.05 * (largest - lowest);
      low_[k] = lowest - margin;
      high_[k] = largest + margin;
    }
  }

  // The exceedances' outputs, the wanted ranks, and each output's quantile tree planned from the
  // pilot's order statistics.
  void plan_passes() {
    query_output_.assign(o_.exceedances.size(), 0);
    for (std::size_t q = 0; q < o_.exceedances.size(); ++q) {
      for (std::size_t k = 0; k < outputs_; ++k) {
        if (result_.outputs[k].name == o_.exceedances[q].output) query_output_[q] = k;
      }
    }
    ranks_ = wanted_ranks(o_, n_);
    upper_rank_ = ranks_.size() - 2;
    lower_rank_ = ranks_.size() - 1;
    budget_ = std::max<std::uint64_t>(o_.quantile_budget / outputs_, 1024);
    if (!in_memory_) {
      for (std::size_t k = 0; k < outputs_; ++k) {
        trees_.emplace_back(low_[k], high_[k], n_, ranks_, root_bins(n_, outputs_, threads_));
      }
      // One output per chunk: the selections run on every core.
      run_in_rounds(
          outputs_, threads_, chunks_per_round, o_.stop,
          [&](std::uint64_t k, unsigned) { trees_[k].plan_first_pass(pilot_of(k), budget_); },
          [](std::uint64_t, std::uint64_t) {});
    }
  }

  // The pilot's values of summarized output k.
  [[nodiscard]] std::span<const double> pilot_of(std::size_t k) const {
    return {pilot_values_[k].get(), static_cast<std::size_t>(pilot_)};
  }

  // Refinement state for the pass about to run: each output's active cells and their slots.
  void prepare_cells() {
    scratch_.assign(threads_, std::vector<cell_scratch>(outputs_));
    active_.resize(outputs_);
    slot_of_.resize(outputs_);
    for (std::size_t k = 0; k < outputs_; ++k) {
      active_[k] = trees_[k].active();
      slot_of_[k].assign(active_[k].empty() ? 0 : static_cast<std::size_t>(active_[k].back()) + 1,
                         -1);
      for (std::size_t s = 0; s < active_[k].size(); ++s) {
        slot_of_[k][static_cast<std::size_t>(active_[k][s])] = static_cast<std::int32_t>(s);
      }
      for (auto& per_worker : scratch_) {
        cell_scratch& c = per_worker[k];
        c.counts.resize(active_[k].size());
        c.values.resize(active_[k].size());
        c.seen_min.assign(active_[k].size(), infinity);
        c.seen_max.assign(active_[k].size(), -infinity);
        c.first.assign(pass_ == 1 ? trees_[k].first_pass_slots() : 0, {});
        for (std::size_t s = 0; s < active_[k].size(); ++s) {
          const quantile_cell& cell = trees_[k].cell(active_[k][s]);
          if (cell.mode == cell_mode::histogram) c.counts[s].assign(cell.bins, 0);
        }
      }
    }
  }

  // A refinement pass: counts or collects y in its active cell, from cell `from` (which holds y)
  // down.
  void observe(unsigned worker, std::size_t k, double y, std::int32_t from) {
    unsigned bin = 0;
    const std::int32_t id = trees_[k].route(y, bin, from);
    if (id < 0) return;
    const auto s = static_cast<std::size_t>(slot_of_[k][static_cast<std::size_t>(id)]);
    cell_scratch& c = scratch_[worker][k];
    if (trees_[k].cell(id).mode == cell_mode::histogram) {
      ++c.counts[s][bin];
      c.seen_min[s] = std::min(c.seen_min[s], y);
      c.seen_max[s] = std::max(c.seen_max[s], y);
    } else {
      c.values[s].push_back(y);
    }
  }

  // A refinement pass on a batch of one output's values. The root (split by pass 1) bins the whole
  // batch in a vectorized loop; only a value whose root bin has a child (a cell holding a wanted
  // rank: a few percent of the values) is routed further down. In the final pass, each value is
  // also compared with the two tail cells, by its root bin first, and added to the tail sums.
  void refine_batch(unsigned worker, std::size_t k, const double* v, std::size_t count,
                    tail_sums* tails, const quantile_tree::path& upper,
                    const quantile_tree::path& lower) {
    const quantile_tree& tree = trees_[k];
    const quantile_cell& root = tree.cell(0);
    alignas(64) unsigned bins[batch_size];
    for (std::size_t s = 0; s < count; ++s) bins[s] = bin_of(root, v[s]);
    // Each value's child cell (-1: none), and whether any has one: loops that vectorize, so that
    // the routing loop runs only for the few batches that need it.
    const std::int32_t* child = root.children.data();
    alignas(64) std::int32_t via[batch_size];
    std::int32_t most = -1;
    for (std::size_t s = 0; s < count; ++s) {
      via[s] = child[bins[s]];
      most = std::max(most, via[s]);
    }
    if (most >= 0) {
      for (std::size_t s = 0; s < count; ++s) {
        if (via[s] >= 0) observe(worker, k, v[s], via[s]);
      }
    }
    if (tails == nullptr) return;
    // Above the upper tail cell's root bin or below the lower one's: in lanes, as pass 1 sums them.
    // A value in either root bin (a few per thousand) is compared down the tree.
    const unsigned up = upper.front().second;
    const unsigned down = lower.front().second;
    // bins[0, count) is set above; GCC 12 at -O3 cannot see it through the const pointer.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    add_tails(v, bins, count, up, down, *tails);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    unsigned in_either = 0;
    for (std::size_t s = 0; s < count; ++s) {
      in_either += static_cast<unsigned>(bins[s] == up) | static_cast<unsigned>(bins[s] == down);
    }
    if (in_either == 0) return;
    for (std::size_t s = 0; s < count; ++s) {
      if (bins[s] == up && tree.compare(v[s], upper, 1) > 0) tails->add(v[s], 1, 1);
      if (bins[s] == down && tree.compare(v[s], lower, 1) < 0) tails->add(v[s], -1, -1);
    }
  }

  // Pass 1 on a batch of one output's values: its moments, and each value into the root's
  // histogram (pass 1's only active cell, a histogram from the tree's making), its collected bands
  // and, when pass 1 collects, the sums beyond the tail bands. Each step is its own loop over the
  // batch: the root's bins and the sums (moments and tails, in lanes) vectorize, and only the
  // histogram's counts and the rare collected values are handled one at a time.
  // Kept out of first_pass: inlined there (as GCC 12 chose once refine_batch also called
  // add_tails) the same loops ran 20% slower.
  TPW_NOINLINE void observe_first_pass(unsigned worker, std::size_t k, const double* v,
                                       std::size_t count, moments& sums, tail_sums& tails) {
    const quantile_tree& tree = trees_[k];
    const bool collects = tree.collects_in_first_pass();
    const quantile_cell& root = tree.cell(0);
    alignas(64) unsigned bins[batch_size];
    for (std::size_t s = 0; s < count; ++s) bins[s] = bin_of(root, v[s]);
    cell_scratch& c = scratch_[worker][k];
    const auto r = static_cast<std::size_t>(slot_of_[k][0]);
    std::uint64_t* counts = c.counts[r].data();
    for (std::size_t s = 0; s < count; ++s) ++counts[bins[s]];
    sums.add_batch(v, count, shift_[k]);
    c.seen_min[r] = std::min(c.seen_min[r], sums.min);
    c.seen_max[r] = std::max(c.seen_max[r], sums.max);
    if (!collects) return;
    const std::int32_t* slot_of_bin = tree.first_pass_slot_table();
    for (std::size_t s = 0; s < count; ++s) {
      const std::int32_t slot = slot_of_bin[bins[s]];
      if (slot >= 0) c.first[static_cast<std::size_t>(slot)].push_back(v[s]);
    }
    add_tails(v, bins, count, tree.band(upper_rank_).second, tree.band(lower_rank_).first, tails);
  }

  // The sums beyond the tail bands (root bins above `up`, below `down`), in lanes as
  // moments::add_batch does.
  static constexpr std::size_t lanes = moments::lanes;
  static void add_tails(const double* v, const unsigned* bins, std::size_t count, unsigned up,
                        unsigned down, tail_sums& t) noexcept {
    double above[lanes] = {};
    double below[lanes] = {};
    double n_above[lanes] = {};  // counts below 2^53 are exact in a double
    double n_below[lanes] = {};
    // Selects of constants, not of loaded values, so that the loop vectorizes without branches.
    const auto take = [&](std::size_t l, std::size_t s) {
      const double is_above = bins[s] > up ? 1.0 : 0.0;
      const double is_below = bins[s] < down ? 1.0 : 0.0;
      above[l] += is_above * v[s];
      below[l] += is_below * v[s];
      n_above[l] += is_above;
      n_below[l] += is_below;
    };
    const std::size_t whole = count / lanes * lanes;
    for (std::size_t s = 0; s < whole; s += lanes) {
      for (std::size_t l = 0; l < lanes; ++l) take(l, s + l);
    }
    for (std::size_t s = whole; s < count; ++s) take(0, s);
    double batch[4] = {};
    for (std::size_t l = 0; l < lanes; ++l) {
      batch[0] += above[l];
      batch[1] += below[l];
      batch[2] += n_above[l];
      batch[3] += n_below[l];
    }
    t.above += batch[0];
    t.below += batch[1];
    t.n_above += static_cast<std::uint64_t>(batch[2]);
    t.n_below += static_cast<std::uint64_t>(batch[3]);
  }

  // One histogram cell of output k, its counts merged over the workers, into the tree.
  void absorb_histogram(std::size_t k, std::size_t s, std::int32_t id) {
    std::vector<std::uint64_t> counts(trees_[k].cell(id).bins, 0);
    double seen_min = infinity;
    double seen_max = -infinity;
    for (const auto& per_worker : scratch_) {
      const cell_scratch& c = per_worker[k];
      for (std::size_t b = 0; b < counts.size(); ++b) counts[b] += c.counts[s][b];
      seen_min = std::min(seen_min, c.seen_min[s]);
      seen_max = std::max(seen_max, c.seen_max[s]);
    }
    std::vector<std::vector<double>> first(id == 0 ? trees_[k].first_pass_slots() : 0);
    for (std::size_t slot = 0; slot < first.size(); ++slot) {
      for (auto& per_worker : scratch_) {
        auto& v = per_worker[k].first[slot];
        first[slot].insert(first[slot].end(), v.begin(), v.end());
        std::vector<double>().swap(v);
      }
    }
    trees_[k].absorb_histogram(id, counts, seen_min, seen_max, budget_, std::move(first));
  }

  // Every active cell's counts or collected values, merged over the workers, into the trees.
  void absorb_cells() {
    // One output per chunk, so that the sorts of collected samples run on every core.
    run_in_rounds(
        outputs_, threads_, chunks_per_round, o_.stop,
        [&](std::uint64_t k, unsigned) {
          for (std::size_t s = 0; s < active_[k].size(); ++s) {
            const std::int32_t id = active_[k][s];
            if (trees_[k].cell(id).mode == cell_mode::histogram) {
              absorb_histogram(k, s, id);
              continue;
            }
            std::vector<double> values;
            for (auto& per_worker : scratch_) {
              auto& v = per_worker[k].values[s];
              values.insert(values.end(), v.begin(), v.end());
              std::vector<double>().swap(v);
            }
            trees_[k].absorb_collected(id, std::move(values));
          }
        },
        [](std::uint64_t, std::uint64_t) {});
    scratch_.clear();
  }

  // Pass 1 over one chunk's samples, into its slot.
  void first_pass_over(std::uint64_t chunk, unsigned worker, first_pass_chunk& slot,
                       batch_buffers& b) {
    slot.outputs.assign(outputs_, moments{});
    slot.exceeding.assign(o_.exceedances.size(), 0);
    slot.tails.assign(in_memory_ ? 0 : outputs_, tail_sums{});
    const auto [chunk_first, chunk_last] = chunk_range(chunk);
    for_each_batch(chunk_first, chunk_last, [&](std::uint64_t first, std::size_t count) {
      if (first >= pilot_) evaluate_and_keep(first, count, b);
      // Each accumulator takes the batch's samples in order, one output after another: the same
      // sums as sample after sample. The pilot's samples are read back, a fresh batch's taken
      // from the batch.
      const auto values_of = [&](std::size_t k) -> const double* {
        return first < pilot_ ? pilot_values_[k].get() + first : b.y.data() + pick_[k] * batch_size;
      };
      for (std::size_t k = 0; k < outputs_; ++k) {
        const double* v = values_of(k);
        if (!in_memory_) {
          observe_first_pass(worker, k, v, count, slot.outputs[k], slot.tails[k]);
          continue;
        }
        slot.outputs[k].add_batch(v, count, shift_[k]);
      }
      for (std::size_t q = 0; q < query_output_.size(); ++q) {
        const double* v = values_of(query_output_[q]);
        const double threshold = o_.exceedances[q].threshold;
        const exceedance_side side = o_.exceedances[q].side;
        std::uint64_t counted = 0;
        for (std::size_t s = 0; s < count; ++s) counted += on_side(side, v[s], threshold) ? 1 : 0;
        slot.exceeding[q] += counted;
      }
    });
  }

  // 2. Pass 1: moments, exceedances, min and max; the root histograms (or the kept samples).
  void first_pass() {
    std::vector<moments> totals(outputs_);
    std::vector<std::uint64_t> exceeding(o_.exceedances.size(), 0);
    first_tails_.assign(outputs_, tail_sums{});
    if (!in_memory_) prepare_cells();
    std::vector<first_pass_chunk> slots(chunks_per_round);
    std::vector<batch_buffers> buffers(threads_, batch_buffers(inputs_, model_outputs_));
    run_in_rounds(
        chunks_, threads_, chunks_per_round, o_.stop,
        [&](std::uint64_t chunk, unsigned worker) {
          first_pass_over(chunk, worker, slots[chunk % chunks_per_round], buffers[worker]);
        },
        [&](std::uint64_t first, std::uint64_t last) {
          for (std::uint64_t chunk = first; chunk < last; ++chunk) {
            const first_pass_chunk& slot = slots[chunk % chunks_per_round];
            for (std::size_t k = 0; k < outputs_; ++k) totals[k].merge(slot.outputs[k]);
            for (std::size_t q = 0; q < exceeding.size(); ++q) exceeding[q] += slot.exceeding[q];
            for (std::size_t k = 0; k < slot.tails.size(); ++k)
              first_tails_[k].merge(slot.tails[k]);
          }
          report(last);
        });
    pilot_values_.clear();
    result_.passes = 1;
    for (std::size_t k = 0; k < outputs_; ++k) {
      finish_moments(result_.outputs[k], totals[k], shift_[k]);
    }
    for (std::size_t q = 0; q < exceeding.size(); ++q) {
      result_.exceedances[q].probability =
          static_cast<double>(exceeding[q]) / static_cast<double>(n_);
    }
  }

  // 3a. A run small enough to keep: quantiles and tails from each output's sorted samples.
  void finish_in_memory() {
    std::vector<double> sorted(n_);
    for (std::size_t k = 0; k < outputs_; ++k) {
      for (std::uint64_t i = 0; i < n_; ++i)
        sorted[i] = result_.output_samples[i * model_outputs_ + pick_[k]];
      sort_values(sorted.begin(), sorted.end());
      finish_from_sorted(result_.outputs[k], sorted);
    }
    if (!o_.keep_samples) std::vector<double>().swap(result_.output_samples);
  }

  void finish_quantiles(std::size_t k) {
    output_statistics& out = result_.outputs[k];
    out.quantiles.resize(out.probabilities.size());
    for (std::size_t p = 0; p < out.probabilities.size(); ++p) {
      const quantile_ranks r = ranks_of(out.probabilities[p], n_);
      out.quantiles[p] = interpolate(r, trees_[k].value_at(2 * p), trees_[k].value_at(2 * p + 1));
    }
  }

  // Often pass 1 pinned everything: each wanted rank fell in a band it collected, and each tail
  // is the sum beyond its band plus collected values; or the output had one value throughout (an
  // output no uncertain input moves: its pilot's range is one point, so it collects no band).
  [[nodiscard]] bool first_pass_pinned_every_rank() const {
    return std::all_of(trees_.begin(), trees_.end(), [&](const quantile_tree& t) {
      if (t.single_valued()) return true;
      if (!t.collects_in_first_pass() || !t.resolved()) return false;
      const unsigned up = t.root_bin_of_rank(upper_rank_);
      const unsigned down = t.root_bin_of_rank(lower_rank_);
      return up >= t.band(upper_rank_).first && up <= t.band(upper_rank_).second &&
             down >= t.band(lower_rank_).first && down <= t.band(lower_rank_).second;
    });
  }

  // 3b. The finish from pass 1 alone.
  void finish_from_first_pass() {
    const std::uint64_t m = tail_m_;
    for (std::size_t k = 0; k < outputs_; ++k) {
      const quantile_tree& t = trees_[k];
      finish_quantiles(k);
      if (t.single_valued()) {
        const double value = t.cell_of_rank(upper_rank_).constant;
        result_.outputs[k].expected_shortfall_upper = value;
        result_.outputs[k].expected_shortfall_lower = value;
        continue;
      }
      const auto sum_bins = [&](unsigned from, unsigned to) {  // root bins [from, to)
        double sum = 0.0;
        for (unsigned bin = from; bin < to; ++bin) {
          for (const double v : t.first_pass_values(bin)) sum += v;
        }
        return sum;
      };
      const unsigned up = t.root_bin_of_rank(upper_rank_);
      const quantile_cell& up_cell = t.cell_of_rank(upper_rank_);
      result_.outputs[k].expected_shortfall_upper =
          (first_tails_[k].above + sum_bins(up + 1, t.band(upper_rank_).second + 1) +
           t.sum_in_cell(upper_rank_, n_ - m, up_cell.before + up_cell.count)) /
          static_cast<double>(m);
      const unsigned down = t.root_bin_of_rank(lower_rank_);
      const quantile_cell& down_cell = t.cell_of_rank(lower_rank_);
      result_.outputs[k].expected_shortfall_lower =
          (first_tails_[k].below + sum_bins(t.band(lower_rank_).first, down) +
           t.sum_in_cell(lower_rank_, down_cell.before, m)) /
          static_cast<double>(m);
    }
  }

  // 3c. One refinement pass; returns whether it was the last, which also sums each output beyond
  // its two tail cells (for expected shortfall) and finishes the run.
  bool refinement_pass() {
    ++pass_;
    const bool final_pass = std::none_of(
        trees_.begin(), trees_.end(), [](const quantile_tree& t) { return t.needs_histogram(); });
    prepare_cells();
    std::vector<quantile_tree::path> upper_path(outputs_), lower_path(outputs_);
    if (final_pass) {
      for (std::size_t k = 0; k < outputs_; ++k) {
        upper_path[k] = trees_[k].path_to_rank(upper_rank_);
        lower_path[k] = trees_[k].path_to_rank(lower_rank_);
      }
    }
    std::vector<std::vector<tail_sums>> slots(chunks_per_round);
    std::vector<tail_sums> tails(outputs_);
    std::vector<batch_buffers> buffers(threads_, batch_buffers(inputs_, model_outputs_));
    run_in_rounds(
        chunks_, threads_, chunks_per_round, o_.stop,
        [&](std::uint64_t chunk, unsigned worker) {
          std::vector<tail_sums>& slot = slots[chunk % chunks_per_round];
          slot.assign(outputs_, tail_sums{});
          batch_buffers& b = buffers[worker];
          const auto [chunk_first, chunk_last] = chunk_range(chunk);
          for_each_batch(chunk_first, chunk_last, [&](std::uint64_t first, std::size_t count) {
            eval_(first, count, b);
            for (std::size_t k = 0; k < outputs_; ++k) {
              refine_batch(worker, k, b.y.data() + pick_[k] * batch_size, count,
                           final_pass ? &slot[k] : nullptr, upper_path[k], lower_path[k]);
            }
          });
        },
        [&](std::uint64_t first, std::uint64_t last) {
          for (std::uint64_t chunk = first; chunk < last; ++chunk) {
            for (std::size_t k = 0; k < outputs_; ++k) {
              tails[k].merge(slots[chunk % chunks_per_round][k]);
            }
          }
          report(last);
        });
    absorb_cells();
    result_.passes = pass_;
    if (final_pass) finish_from_refinement(tails);
    return final_pass;
  }

  // The finish after the last refinement pass: each tail is everything beyond its cell, and the
  // cell's own samples up to the tail's edge.
  void finish_from_refinement(const std::vector<tail_sums>& tails) {
    const std::uint64_t m = tail_m_;
    for (std::size_t k = 0; k < outputs_; ++k) {
      output_statistics& out = result_.outputs[k];
      const quantile_tree& tree = trees_[k];
      finish_quantiles(k);
      const quantile_cell& up = tree.cell_of_rank(upper_rank_);
      out.expected_shortfall_upper =
          (tails[k].above + tree.sum_in_cell(upper_rank_, n_ - m, up.before + up.count)) /
          static_cast<double>(m);
      const quantile_cell& down = tree.cell_of_rank(lower_rank_);
      out.expected_shortfall_lower =
          (tails[k].below + tree.sum_in_cell(lower_rank_, down.before, m)) / static_cast<double>(m);
    }
  }

  const evaluator<F>& eval_;
  const run_options& o_;
  unsigned threads_;
  run_result result_;
  const std::vector<std::size_t>& pick_;  // summarized output k is the model's pick_[k]
  std::uint64_t n_;
  std::size_t outputs_;        // summarized
  std::size_t model_outputs_;  // the model computes
  std::size_t inputs_;
  std::uint64_t chunks_;
  bool in_memory_;
  std::uint64_t pilot_;
  std::uint64_t tail_m_;  // samples in each expected-shortfall tail
  unsigned pass_ = 1;
  std::vector<double> shift_, low_, high_;               // per output, from the pilot
  std::vector<std::unique_ptr<double[]>> pilot_values_;  // by summarized output
  std::vector<std::size_t> query_output_;  // the summarized output each exceedance reads
  std::vector<std::uint64_t> ranks_;
  std::size_t upper_rank_ = 0, lower_rank_ = 0;  // the tails' ranks among ranks_
  std::uint64_t budget_ = 0;                     // samples collected per output per pass
  std::vector<quantile_tree> trees_;
  std::vector<std::vector<std::int32_t>> active_, slot_of_;
  std::vector<std::vector<cell_scratch>> scratch_;  // [worker][output]
  std::vector<tail_sums> first_tails_;
};

template <class F>
run_result run_samples(const evaluator<F>& eval, const run_options& o, unsigned threads,
                       run_result result, const std::vector<std::size_t>& pick) {
  return sample_run<F>(eval, o, threads, std::move(result), pick).run();
}

}  // namespace detail

// Runs a model over a design's samples of the inputs. `output_names` names the outputs: one for a
// scalar model (double f(std::span<const double>)), as many as it writes for a vector model
// (void f(std::span<const double> x, std::span<double> y)). Throws invalid_input for bad options
// or a non-finite value of an output the run summarizes (of any output with keep_samples),
// mc::cancelled when stopped.
template <class F>
requires scalar_model<F> || vector_model<F> run_result
run(const input_space& inputs, const F& model, const run_options& options,
    std::vector<std::string> output_names = {"output"}) {
  detail::validate(options, output_names);
  if (scalar_model<F> && !vector_model<F> && output_names.size() != 1) {
    throw invalid_input("outputs", static_cast<double>(output_names.size()),
                        "a model returning one number has one output");
  }
  const sample_design design(options.design, options.samples,
                             static_cast<std::uint32_t>(inputs.size()), options.seed);
  std::vector<std::string> input_names;
  for (const auto& input : inputs.inputs()) input_names.push_back(input.name);
  auto [result, pick] = detail::prepare_result(options, input_names, output_names);
  // The outputs summarized, or all where the run keeps every sample's outputs.
  const detail::evaluator<F> eval(inputs, design, model, output_names,
                                  options.keep_samples ? std::vector<std::size_t>{} : pick);
  const thread_lease threads(options.threads);
  return detail::run_samples(eval, options, threads.count(), std::move(result), pick);
}

}  // namespace tpw::mc
