// tpw/mc/engine/quantile_tree.hpp: exact quantiles of a stream too long to keep, in memory that
// does not grow with the number of samples.
//
// Samples are pure functions of their index, so they can be made again. The first pass counts
// them into a histogram; each later pass looks only inside the cells that hold a wanted rank:
// a cell with few samples is collected and sorted (exact), a crowded one is cut into a finer
// histogram for the next pass. Cells are nested value ranges, and a value's cell is found by the
// same monotone index at every level, so the ranks add up exactly and the answer is the exact
// order statistic, whatever the threads or the chunking.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "tpw/mc/engine/statistics.hpp"

namespace tpw::mc::detail {

// internal: split into children; histogram / collect: what the next pass does inside it;
// resolved: collected and sorted; constant: every sample in it has one value; idle: just made.
enum class cell_mode { internal, histogram, collect, resolved, constant, idle };

struct quantile_cell {
  double low = 0.0;  // the value range the cell's sub-bins divide
  double high = 0.0;
  unsigned bins = 1;
  bool root = false;  // the root has an underflow and an overflow bin around [low, high)
  unsigned depth = 0;
  std::int32_t parent = -1;  // and the parent's sub-bin that this cell is
  unsigned parent_bin = 0;
  std::uint64_t before = 0;  // samples in cells below this one
  std::uint64_t count = 0;
  cell_mode mode = cell_mode::idle;
  std::vector<std::int32_t> children;  // once split: the cell of each sub-bin, or -1
  std::vector<double> values;          // once collected: its samples, sorted
  double constant = 0.0;               // mode constant: every sample in it has this value
};

// The sub-bin of a value: monotone in x, so that ranks stay ordered across cells.
inline unsigned bin_of(const quantile_cell& c, double x) noexcept {
  if (c.root) {
    // Underflow bin 0 below low, overflow bin bins - 1 from high up, the inner bins between.
    // Without branches (the position is clamped before it is converted, so that it converts for
    // every x), so that engines can bin a batch of values in a vectorized loop; the scale is one
    // division a batch, not one a value.
    const double t = (x - c.low) * (static_cast<double>(c.bins - 2) / (c.high - c.low));
    const double inner = std::min(std::max(t, 0.0), static_cast<double>(c.bins - 3));
    const unsigned bin = 1 + static_cast<unsigned>(inner);
    return x < c.low ? 0 : (x >= c.high ? c.bins - 1 : bin);
  }
  if (!(c.high > c.low)) return x < c.low ? 0 : c.bins - 1;
  const double t = (x - c.low) / (c.high - c.low) * static_cast<double>(c.bins);
  if (!(t > 0.0)) return 0;
  return t < static_cast<double>(c.bins - 1) ? static_cast<unsigned>(t) : c.bins - 1;
}

// One output's cells and the ranks it must pin down.
class quantile_tree {
 public:
  static constexpr unsigned root_bins = 4096;  // plus underflow and overflow, by default
  static constexpr unsigned refine_bins = 1024;
  static constexpr unsigned max_depth = 8;

  // The root histogram over [low, high) (from a pilot), for n samples and the wanted ranks, with
  // `bins` inner bins.
  quantile_tree(double low, double high, std::uint64_t n, std::vector<std::uint64_t> ranks,
                unsigned bins = root_bins)
      : ranks_(std::move(ranks)) {
    quantile_cell root;
    root.low = low;
    root.high = high;
    root.bins = bins + 2;
    root.root = true;
    root.count = n;
    root.mode = cell_mode::histogram;
    cells_.push_back(std::move(root));
    leaf_of_rank_.assign(ranks_.size(), 0);
  }

  // Pass 1 can often pin every rank by itself: the pilot's order statistics say, to within a few
  // standard errors, where each wanted rank will fall, so the root bins of those bands are
  // collected during pass 1 beside the histogram (when their expected size fits the budget).
  // Only the root bin of each order statistic is needed, so the pilot is counted into the root's
  // bins once, and the bin of the pilot's k-th smallest value is the first whose cumulative count
  // exceeds k: no sort, no selection.
  void plan_first_pass(std::span<const double> pilot, std::uint64_t budget) {
    const quantile_cell& root = cells_[0];
    const auto n0 = static_cast<double>(pilot.size());
    const double n = static_cast<double>(root.count);
    std::vector<std::uint64_t> cumulative(root.bins, 0);
    for (const double v : pilot) ++cumulative[bin_of(root, v)];
    for (unsigned k = 1; k < root.bins; ++k) cumulative[k] += cumulative[k - 1];
    const auto bin_of_order_statistic = [&](double q) {  // of index q (n0 - 1), q in [0, 1]
      const auto index = static_cast<std::uint64_t>(std::clamp(q, 0.0, 1.0) * (n0 - 1.0));
      return static_cast<unsigned>(std::upper_bound(cumulative.begin(), cumulative.end(), index) -
                                   cumulative.begin());
    };
    std::vector<char> marked(root.bins, 0);
    band_.assign(ranks_.size(), {0u, 0u});
    // The pilot's quantile at p has a standard error of sqrt(p (1 - p) / n0) in probability, and
    // the run's own sqrt(p (1 - p) / n): a band of 4 standard errors either side (and two pilot
    // samples) misses with a chance under 1e-4 per rank, and a miss only costs another pass.
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
      const double p = n > 1.0 ? static_cast<double>(ranks_[r]) / (n - 1.0) : 0.5;
      const double spread = 4.0 * std::sqrt(p * (1.0 - p) * (1.0 / n0 + 1.0 / n)) + 2.0 / n0;
      const unsigned first = p - spread <= 0.0 ? 0u : bin_of_order_statistic(p - spread);
      const unsigned last = p + spread >= 1.0 ? root.bins - 1 : bin_of_order_statistic(p + spread);
      band_[r] = {first, last};
      for (unsigned k = first; k <= last; ++k) marked[k] = 1;
    }
    // The expected number of samples collected: the pilot's share in the marked bins, times n.
    double share = 0.0;
    for (unsigned k = 0; k < root.bins; ++k) {
      if (marked[k]) share += static_cast<double>(cumulative[k] - (k > 0 ? cumulative[k - 1] : 0));
    }
    if (share / n0 * n > static_cast<double>(budget)) {
      band_.clear();
      return;
    }
    first_pass_slot_.assign(root.bins, -1);
    std::int32_t slots = 0;
    for (unsigned k = 0; k < root.bins; ++k) {
      if (marked[k]) first_pass_slot_[k] = slots++;
    }
    first_pass_slots_ = static_cast<std::size_t>(slots);
  }
  // The pass-1 collection slot of a root bin, or -1.
  [[nodiscard]] std::int32_t first_pass_slot(unsigned bin) const noexcept {
    return first_pass_slot_.empty() ? -1 : first_pass_slot_[bin];
  }
  // The slots of all root bins (when pass 1 collects).
  [[nodiscard]] const std::int32_t* first_pass_slot_table() const noexcept {
    return first_pass_slot_.data();
  }
  [[nodiscard]] std::size_t first_pass_slots() const noexcept { return first_pass_slots_; }
  // The band of root bins predicted for wanted rank r (when pass 1 collects).
  [[nodiscard]] bool collects_in_first_pass() const noexcept { return !band_.empty(); }
  [[nodiscard]] std::pair<unsigned, unsigned> band(std::size_t rank_index) const noexcept {
    return band_[rank_index];
  }
  // After pass 1: the values collected in root bin k, in no order (empty unless collected).
  [[nodiscard]] const std::vector<double>& first_pass_values(unsigned bin) const noexcept {
    static const std::vector<double> none;
    const std::int32_t slot = first_pass_slot(bin);
    return slot < 0 ? none : first_pass_values_[static_cast<std::size_t>(slot)];
  }
  // Whether every wanted rank sits in a resolved or constant cell.
  [[nodiscard]] bool resolved() const noexcept {
    return std::all_of(leaf_of_rank_.begin(), leaf_of_rank_.end(), [&](std::int32_t id) {
      const cell_mode m = cell(id).mode;
      return m == cell_mode::resolved || m == cell_mode::constant;
    });
  }
  // After pass 1: whether every sample had one value (its root histogram saw one), so that every
  // wanted rank, and every tail, is that value.
  [[nodiscard]] bool single_valued() const noexcept {
    return std::all_of(leaf_of_rank_.begin(), leaf_of_rank_.end(), [&](std::int32_t id) {
      return cell(id).mode == cell_mode::constant && cell(id).parent == 0;
    });
  }
  // The root bin a wanted rank fell in (after pass 1).
  [[nodiscard]] unsigned root_bin_of_rank(std::size_t rank_index) const noexcept {
    std::int32_t id = leaf_of_rank_[rank_index];
    while (cell(id).parent > 0) id = cell(id).parent;
    return cell(id).parent_bin;
  }

  [[nodiscard]] const quantile_cell& cell(std::int32_t id) const noexcept {
    return cells_[static_cast<std::size_t>(id)];
  }

  // The cells the next pass must look into (histogram or collect), in a fixed order.
  [[nodiscard]] std::vector<std::int32_t> active() const {
    std::vector<std::int32_t> ids;
    for (std::size_t k = 0; k < cells_.size(); ++k) {
      if (cells_[k].mode == cell_mode::histogram || cells_[k].mode == cell_mode::collect) {
        ids.push_back(static_cast<std::int32_t>(k));
      }
    }
    return ids;
  }
  [[nodiscard]] bool needs_histogram() const noexcept {
    return std::any_of(cells_.begin(), cells_.end(),
                       [](const quantile_cell& c) { return c.mode == cell_mode::histogram; });
  }

  // The active cell holding x and its sub-bin, or -1 when x lies in no active cell; from the root,
  // or from cell `id` when x is already known to lie in it.
  [[nodiscard]] std::int32_t route(double x, unsigned& bin, std::int32_t id = 0) const noexcept {
    for (;;) {
      const quantile_cell& c = cells_[static_cast<std::size_t>(id)];
      bin = bin_of(c, x);
      if (c.mode != cell_mode::internal) {
        return c.mode == cell_mode::histogram || c.mode == cell_mode::collect ? id : -1;
      }
      id = c.children[bin];
      if (id < 0) return -1;
    }
  }

  // The way from the root to the cell that holds wanted rank r: (cell, sub-bin) at each level.
  using path = std::vector<std::pair<std::int32_t, unsigned>>;
  [[nodiscard]] path path_to_rank(std::size_t rank_index) const {
    path steps;
    for (std::int32_t id = leaf_of_rank_[rank_index]; cell(id).parent >= 0; id = cell(id).parent) {
      steps.insert(steps.begin(), {cell(id).parent, cell(id).parent_bin});
    }
    return steps;
  }
  // x against the cell at the end of a path: +1 above it, -1 below it, 0 inside; from step
  // `from` on, when x is known to follow the steps before it.
  [[nodiscard]] int compare(double x, const path& steps, std::size_t from = 0) const noexcept {
    for (std::size_t k = from; k < steps.size(); ++k) {
      const auto [id, wanted] = steps[k];
      const unsigned bin = bin_of(cell(id), x);
      if (bin != wanted) return bin > wanted ? 1 : -1;
    }
    return 0;
  }

  // A histogram pass over cell `id` gave these counts and this range of values.
  void absorb_histogram(std::int32_t id, const std::vector<std::uint64_t>& counts, double seen_min,
                        double seen_max, std::uint64_t budget,
                        std::vector<std::vector<double>> first_pass = {}) {
    if (id == 0) first_pass_values_ = std::move(first_pass);
    quantile_cell& parent = cells_[static_cast<std::size_t>(id)];
    parent.mode = cell_mode::internal;
    parent.children.assign(parent.bins, -1);
    const bool all_equal = seen_min == seen_max;
    // Cumulative counts, then a child for each sub-bin that holds a wanted rank.
    std::vector<std::uint64_t> before(parent.bins + 1, parent.before);
    for (unsigned k = 0; k < parent.bins; ++k) before[k + 1] = before[k] + counts[k];
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
      if (leaf_of_rank_[r] != id) continue;
      const auto k = static_cast<unsigned>(
          std::upper_bound(before.begin() + 1, before.end(), ranks_[r]) - (before.begin() + 1));
      quantile_cell& p = cells_[static_cast<std::size_t>(id)];
      if (p.children[k] < 0) {
        quantile_cell child;
        child.before = before[k];
        child.count = counts[k];
        child.depth = p.depth + 1;
        child.bins = refine_bins;
        child.parent = id;
        child.parent_bin = k;
        sub_range(p, k, seen_min, seen_max, child.low, child.high);
        if (all_equal) {
          child.mode = cell_mode::constant;
          child.constant = seen_min;
        } else if (id == 0 && first_pass_slot(k) >= 0) {
          // Collected during pass 1: only the bins that hold a wanted rank are sorted (the
          // others of the bands are only summed).
          child.mode = cell_mode::resolved;
          child.values = first_pass_values_[static_cast<std::size_t>(first_pass_slot(k))];
          sort_values(child.values.begin(), child.values.end());
        }
        p.children[k] = static_cast<std::int32_t>(cells_.size());
        cells_.push_back(std::move(child));
      }
      leaf_of_rank_[r] = cells_[static_cast<std::size_t>(id)].children[k];
    }
    plan(budget);
  }

  void absorb_collected(std::int32_t id, std::vector<double> values) {
    quantile_cell& c = cells_[static_cast<std::size_t>(id)];
    sort_values(values.begin(), values.end());
    c.values = std::move(values);
    c.mode = cell_mode::resolved;
  }

  // The value of rank r (one of the wanted ranks), once its cell is resolved.
  [[nodiscard]] double value_at(std::size_t rank_index) const noexcept {
    const quantile_cell& c = cells_[static_cast<std::size_t>(leaf_of_rank_[rank_index])];
    if (c.mode == cell_mode::constant) return c.constant;
    return c.values[ranks_[rank_index] - c.before];
  }
  // Sum of the values of ranks [from, to) inside the cell of rank `rank_index`.
  [[nodiscard]] double sum_in_cell(std::size_t rank_index, std::uint64_t from,
                                   std::uint64_t to) const noexcept {
    const quantile_cell& c = cells_[static_cast<std::size_t>(leaf_of_rank_[rank_index])];
    if (c.mode == cell_mode::constant) return static_cast<double>(to - from) * c.constant;
    double sum = 0.0;
    for (std::uint64_t k = from; k < to; ++k) sum += c.values[k - c.before];
    return sum;
  }
  [[nodiscard]] const quantile_cell& cell_of_rank(std::size_t rank_index) const noexcept {
    return cells_[static_cast<std::size_t>(leaf_of_rank_[rank_index])];
  }

 private:
  // Decide how the next pass treats each new leaf: collect the small ones while the collected
  // samples stay within the budget, cut the others finer (collect anyway at the depth limit).
  void plan(std::uint64_t budget) {
    std::vector<std::int32_t> fresh;
    for (std::size_t k = 0; k < cells_.size(); ++k) {
      if (cells_[k].mode == cell_mode::idle) fresh.push_back(static_cast<std::int32_t>(k));
    }
    std::sort(fresh.begin(), fresh.end(), [&](std::int32_t a, std::int32_t b) {
      return cell(a).count != cell(b).count ? cell(a).count < cell(b).count : a < b;
    });
    std::uint64_t collected = 0;
    for (const auto& c : cells_) {
      if (c.mode == cell_mode::collect) collected += c.count;
    }
    for (const std::int32_t id : fresh) {
      quantile_cell& c = cells_[static_cast<std::size_t>(id)];
      if (collected + c.count <= budget || c.depth >= max_depth) {
        c.mode = cell_mode::collect;
        collected += c.count;
      } else {
        c.mode = cell_mode::histogram;
      }
    }
  }

  // The value range of sub-bin k, narrowed to the values actually seen.
  static void sub_range(const quantile_cell& p, unsigned k, double seen_min, double seen_max,
                        double& low, double& high) {
    if (p.root) {
      const double width = (p.high - p.low) / static_cast<double>(p.bins - 2);
      if (k == 0) {
        low = seen_min;
        high = p.low;
      } else if (k == p.bins - 1) {
        low = p.high;
        high = seen_max;
      } else {
        low = p.low + static_cast<double>(k - 1) * width;
        high = p.low + static_cast<double>(k) * width;
      }
    } else {
      const double width = (p.high - p.low) / static_cast<double>(p.bins);
      low = p.low + static_cast<double>(k) * width;
      high = p.low + static_cast<double>(k + 1) * width;
    }
    low = std::max(low, seen_min);
    high = std::min(high, seen_max);
    if (!(high >= low)) high = low;
  }

  std::vector<quantile_cell> cells_;
  std::vector<std::pair<unsigned, unsigned>> band_;  // per wanted rank: predicted root bins
  std::vector<std::int32_t> first_pass_slot_;        // per root bin
  std::size_t first_pass_slots_ = 0;
  std::vector<std::vector<double>> first_pass_values_;
  std::vector<std::uint64_t> ranks_;
  std::vector<std::int32_t> leaf_of_rank_;
};

}  // namespace tpw::mc::detail
