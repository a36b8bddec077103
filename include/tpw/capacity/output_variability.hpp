// tpw/capacity/output_variability.hpp: what a fixed fleet serves at the latency target as the
// output length's variability moves (docs/capacity.md, "An uncertain output variability").
//
// A request holds a stream for H = TTFT + decode, and only the decode part varies with the output
// length: the holding time's coefficient of variation is (decode / H) cv, cv the output length's.
// Under the Allen-Cunneen correction the wait's tail decays (1 + cs^2) / 2 times slower, so the
// rate S(cv) that n systems serve at the target falls as cv grows. A Monte Carlo sample cannot
// afford the bisection (and the Erlang C formula on every one of the fleet's streams) that finds
// S, so servable_by_output_cv finds it once on an even grid of cv over the reach of the samples and
// interpolates between the points by a cubic B-spline (Boost.Math); the grid doubles until the
// spline agrees with the bisection at every midpoint to a relative 1e-9 (max_relative_error() says
// how closely it did), and refuses where 1,025 points do not.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/interpolators/cardinal_cubic_b_spline.hpp>

#include "tpw/capacity/service.hpp"  // with_output_cv
#include "tpw/capacity/sizing.hpp"
#include "tpw/error.hpp"

namespace tpw::capacity {

class servable_by_output_cv {
 public:
  // What `systems_up` systems of `service` (any cv: it is replaced) serve at `target` under the
  // `approximation`, for cv in [low, high] (within [0, 10]). Under plain Erlang C (M/M/c) the
  // holding time is exponential whatever the output: S does not move.
  servable_by_output_cv(long systems_up, const service_model& service, const latency_target& target,
                        queue_approximation approximation, double low, double high)
      : low_(low), high_(high) {
    for (const double cv : {low, high}) (void)with_output_cv(service, cv);
    if (!(low <= high)) {
      throw invalid_input("demand.output_cv", low,
                          "is the low end of a range whose high end is " +
                              tpw::detail::number_text(high) + ": low must be <= high");
    }
    if (systems_up < 1) {
      throw invalid_input("capacity.systems_up", static_cast<double>(systems_up),
                          "a fleet that serves must have at least 1 system up");
    }
    const auto exact = [&](double cv) {
      return servable_rate(systems_up, with_output_cv(service, cv), target, approximation).value();
    };
    if (low == high || approximation == queue_approximation::erlang_c) {
      constant_ = exact(low);
      return;
    }
    // Each doubled grid is this grid's points and its midpoints, all found already: only the new
    // midpoints take a bisection.
    std::size_t intervals = 32;
    double h = (high - low) / static_cast<double>(intervals);
    std::vector<double> at(intervals + 1);
    for (std::size_t k = 0; k <= intervals; ++k) at[k] = exact(low + h * static_cast<double>(k));
    while (true) {
      // The slopes at the ends by one-sided differences of fourth order (the spline's own
      // estimate is of first order, and its error would then shrink only as h^2).
      const std::size_t e = intervals;
      const double left =
          (-25.0 * at[0] + 48.0 * at[1] - 36.0 * at[2] + 16.0 * at[3] - 3.0 * at[4]) / (12.0 * h);
      const double right = (25.0 * at[e] - 48.0 * at[e - 1] + 36.0 * at[e - 2] - 16.0 * at[e - 3] +
                            3.0 * at[e - 4]) /
                           (12.0 * h);
      spline_ = boost::math::interpolators::cardinal_cubic_b_spline<double>(at.begin(), at.end(),
                                                                            low, h, left, right);
      std::vector<double> mid(intervals);
      error_ = 0.0;
      for (std::size_t k = 0; k < intervals; ++k) {
        const double cv = low + h * (static_cast<double>(k) + 0.5);
        mid[k] = exact(cv);
        error_ = std::max(error_, std::abs((*this)(cv)-mid[k]) / mid[k]);
      }
      if (error_ <= tolerance) return;
      if (2 * intervals > max_intervals) break;
      std::vector<double> next(2 * intervals + 1);
      for (std::size_t k = 0; k < intervals; ++k) {
        next[2 * k] = at[k];
        next[2 * k + 1] = mid[k];
      }
      next[2 * intervals] = at[intervals];
      at = std::move(next);
      intervals *= 2;
      h /= 2.0;
    }
    throw invalid_input(
        "demand.output_cv", high,
        "a cubic spline over " + std::to_string(max_intervals + 1) +
            " points of the output variability's range (from " + tpw::detail::number_text(low) +
            ") misses the servable rate by a relative " + tpw::detail::number_text(error_) +
            " (tolerance 1e-9): narrow the range");
  }

  // S at cv (requests a second), cv in [low(), high()] (clamped there).
  [[nodiscard]] double operator()(double cv) const noexcept {
    if (constant_) return *constant_;
    return spline_(std::clamp(cv, low_, high_));
  }
  [[nodiscard]] double low() const noexcept { return low_; }
  [[nodiscard]] double high() const noexcept { return high_; }
  // The largest relative gap between the spline and the bisection at the grid's midpoints.
  [[nodiscard]] double max_relative_error() const noexcept { return error_; }

  static constexpr double tolerance = 1e-9;
  static constexpr std::size_t max_intervals = 1024;

 private:
  double low_ = 0.0;
  double high_ = 0.0;
  std::optional<double> constant_;
  boost::math::interpolators::cardinal_cubic_b_spline<double> spline_;
  double error_ = 0.0;
};

}  // namespace tpw::capacity
