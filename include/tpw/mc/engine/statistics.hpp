// tpw/mc/engine/statistics.hpp: what a Monte Carlo run reports, and the accumulators behind it.
//
// Quantiles follow one definition everywhere (Hyndman and Fan's type 7, numpy's default): with N
// sorted samples x_0 <= ... <= x_{N-1} and h = (N - 1) p, Q(p) = x_floor(h) + (h - floor(h)) *
// (x_floor(h)+1 - x_floor(h)). Expected shortfall at level a is the mean of the m = ceil((1 - a) N)
// largest samples (upper tail, for costs) or smallest (lower tail, for margins and revenue).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/sort/pdqsort/pdqsort.hpp>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/sampling/design.hpp"

namespace tpw::mc {

namespace detail {
// Sorts doubles ascending with Boost.Sort's branchless pattern-defeating quicksort: about three
// times std::sort on random values (the engines sort their pilots, the samples they collect for
// exact quantiles, and kept samples). The same order, so the same quantiles and sums.
template <class Iterator>
void sort_values(Iterator first, Iterator last) {
  boost::sort::pdqsort_branchless(first, last);
}
}  // namespace detail

// Which side of the threshold an exceedance counts: above (output > threshold, the default),
// at_or_above (>=), below (<) or at_or_below (<=). Below and at or below differ where samples tie
// with the threshold (a figure that is exactly 0 in some samples), so neither is 1 - above.
enum class exceedance_side : std::uint8_t { above, at_or_above, below, at_or_below };

// Whether a value counts toward an exceedance on `side` of `threshold`.
TPW_HD constexpr bool on_side(exceedance_side side, double value, double threshold) noexcept {
  switch (side) {
    case exceedance_side::above:
      return value > threshold;
    case exceedance_side::at_or_above:
      return value >= threshold;
    case exceedance_side::below:
      return value < threshold;
    case exceedance_side::at_or_below:
      return value <= threshold;
  }
  return false;
}
// Whether the side counts values above the threshold (above, at_or_above).
TPW_HD constexpr bool counts_high(exceedance_side side) noexcept {
  return side == exceedance_side::above || side == exceedance_side::at_or_above;
}

// P(output > threshold), e.g. the chance that the cost per Mtok exceeds the token price; or, with
// `side`, P(output >= threshold), P(output < threshold) (the chance of a loss: project_npv below
// 0) or P(output <= threshold).
struct exceedance {
  std::string output;
  double threshold = 0.0;
  double probability = 0.0;  // the share of all samples on the side asked of the threshold
  // For a figure a sample may lack (an IRR, a payback): the share of samples without it. They are
  // counted in `probability` as the figure says: a payback never reached is above every threshold;
  // a sample without a single IRR is below every threshold (it clears no hurdle).
  double share_without = 0.0;
  exceedance_side side = exceedance_side::above;
};

struct output_statistics {
  std::string name;
  std::uint64_t count = 0;
  double mean = 0.0;
  double sd = 0.0;              // sample standard deviation (n - 1)
  double standard_error = 0.0;  // sd / sqrt(n): the Monte Carlo error of the mean
  double min = 0.0;
  double max = 0.0;
  std::vector<double> probabilities;  // as asked, e.g. 0.01 ... 0.99
  std::vector<double> quantiles;      // exact type-7 quantiles, one per probability
  double tail_level = 0.95;
  double expected_shortfall_upper = 0.0;  // mean of the largest (1 - level) share
  double expected_shortfall_lower = 0.0;  // mean of the smallest (1 - level) share

  // The quantile at one of the probabilities the run was asked for (P5 is quantile(0.05)).
  [[nodiscard]] double quantile(double p) const {
    for (std::size_t k = 0; k < probabilities.size(); ++k) {
      if (std::abs(probabilities[k] - p) < 1e-12) return quantiles[k];
    }
    throw invalid_input("quantile", p,
                        "this run did not compute that probability; add it to "
                        "run_options::probabilities");
  }
};

struct run_result {
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  design_kind design = design_kind::monte_carlo;
  unsigned passes = 0;  // over the samples: one for the moments, more to pin the quantiles
  std::vector<std::string> input_names;
  std::vector<output_statistics> outputs;
  std::vector<exceedance> exceedances;
  // Filled only when run_options::keep_samples is set: row i holds sample i, row-major.
  std::vector<double> input_samples;   // samples x inputs
  std::vector<double> output_samples;  // samples x outputs

  [[nodiscard]] const output_statistics& output(std::string_view name) const {
    for (const auto& o : outputs) {
      if (o.name == name) return o;
    }
    throw invalid_input("output", name, "no output of this model has that name");
  }
};

// The percentiles P1 to P99.
inline std::vector<double> percentiles() {
  std::vector<double> p(99);
  for (int k = 0; k < 99; ++k) p[static_cast<std::size_t>(k)] = (k + 1) / 100.0;
  return p;
}

namespace detail {

// The ranks (0-based) that a type-7 quantile at p reads: floor(h) and, when h is not whole,
// floor(h) + 1.
struct quantile_ranks {
  std::uint64_t low;
  std::uint64_t high;
  double weight;  // of the high rank
};
inline quantile_ranks ranks_of(double p, std::uint64_t n) noexcept {
  const double h = static_cast<double>(n - 1) * p;
  const auto low = static_cast<std::uint64_t>(std::floor(h));
  const double weight = h - static_cast<double>(low);
  return {low, weight > 0.0 && low + 1 < n ? low + 1 : low, weight};
}
inline double interpolate(const quantile_ranks& r, double at_low, double at_high) noexcept {
  return r.weight > 0.0 ? at_low + r.weight * (at_high - at_low) : at_low;
}

// The size of each tail that expected shortfall averages: ceil((1 - level) n), at least 1.
// The product is read with a relative tolerance, so that (1 - 0.95) * 300000 = 15000.000000000004
// counts as the 15000 it means.
inline std::uint64_t tail_count(double level, std::uint64_t n) noexcept {
  const double exact = (1.0 - level) * static_cast<double>(n);
  const auto m = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
  return std::clamp<std::uint64_t>(m, 1, n);
}

// Moments of one output over one chunk, about a fixed shift c (the pilot mean), so that the sum
// of squares does not cancel: n, sum (x - c), sum (x - c)^2, min, max.
struct moments {
  std::uint64_t n = 0;
  double sum = 0.0;
  double squares = 0.0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  // The values v[0, count), in `lanes` interleaved partial sums (so that the loop vectorizes)
  // added into the totals in a fixed order at the end: the same numbers on any threads, since an
  // engine's batches start at the same samples in every run. Sums are of x - shift.
  static constexpr std::size_t lanes = 8;
  void add_batch(const double* v, std::size_t count, double shift) noexcept {
    double lane_sum[lanes] = {};
    double lane_squares[lanes] = {};
    double low[lanes];
    double high[lanes];
    std::fill(low, low + lanes, min);
    std::fill(high, high + lanes, max);
    const auto take = [&](std::size_t l, double x) {
      const double d = x - shift;
      lane_sum[l] += d;
      lane_squares[l] += d * d;
      low[l] = std::min(low[l], x);
      high[l] = std::max(high[l], x);
    };
    const std::size_t whole = count / lanes * lanes;
    for (std::size_t s = 0; s < whole; s += lanes) {
      for (std::size_t l = 0; l < lanes; ++l) take(l, v[s + l]);
    }
    for (std::size_t s = whole; s < count; ++s) take(0, v[s]);
    double batch_sum = 0.0;
    double batch_squares = 0.0;
    for (std::size_t l = 0; l < lanes; ++l) {
      batch_sum += lane_sum[l];
      batch_squares += lane_squares[l];
      min = std::min(min, low[l]);
      max = std::max(max, high[l]);
    }
    n += count;
    sum += batch_sum;
    squares += batch_squares;
  }
  void merge(const moments& other) noexcept {
    n += other.n;
    sum += other.sum;
    squares += other.squares;
    min = std::min(min, other.min);
    max = std::max(max, other.max);
  }
};

inline void finish_moments(output_statistics& out, const moments& m, double shift) {
  const auto n = static_cast<double>(m.n);
  out.count = m.n;
  out.mean = shift + m.sum / n;
  const double variance =
      m.n > 1 ? std::max(0.0, (m.squares - m.sum * m.sum / n) / (n - 1.0)) : 0.0;
  out.sd = std::sqrt(variance);
  out.standard_error = out.sd / std::sqrt(n);
  out.min = m.min;
  out.max = m.max;
}

// Quantiles and expected shortfall of samples already sorted: exact by selection.
inline void finish_from_sorted(output_statistics& out, const std::vector<double>& sorted) {
  const std::uint64_t n = sorted.size();
  out.quantiles.resize(out.probabilities.size());
  for (std::size_t k = 0; k < out.probabilities.size(); ++k) {
    const quantile_ranks r = ranks_of(out.probabilities[k], n);
    out.quantiles[k] = interpolate(r, sorted[r.low], sorted[r.high]);
  }
  const std::uint64_t m = tail_count(out.tail_level, n);
  double upper = 0.0;
  double lower = 0.0;
  for (std::uint64_t k = 0; k < m; ++k) {
    upper += sorted[n - m + k];
    lower += sorted[k];
  }
  out.expected_shortfall_upper = upper / static_cast<double>(m);
  out.expected_shortfall_lower = lower / static_cast<double>(m);
}

}  // namespace detail

}  // namespace tpw::mc
