// tpw/curves/interpolation.hpp: monotone cubic interpolation of measured points (Steffen 1990).
//
// Steffen's method is what SemiAnalysis' InferenceX uses between measured points of a throughput
// frontier: a cubic Hermite curve whose slopes are limited so that it never overshoots. It is
// monotone wherever the data are, exact at every point, has no new extrema between points, and
// reproduces straight lines. tpw computes Steffen's slopes and hands the Hermite evaluation to
// Boost.Math's cubic_hermite.
#pragma once

#include <boost/math/interpolators/cubic_hermite.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/error.hpp"

namespace tpw {

namespace detail {
// The abscissas of measured points rise strictly: a duplicate or an unsorted point is refused,
// naming the field, with `what` the abscissa ("cap") and `order` how to sort ("cap").
inline void require_above_previous(const std::string& field, double value, double previous,
                                   std::string_view what, std::string_view order) {
  if (value > previous) return;
  throw invalid_input(
      field, value,
      value == previous
          ? std::string("duplicates the previous point's ").append(what)
          : std::string("is below the previous point's: sort the points by ").append(order));
}
}  // namespace detail

class monotone_interpolant {
 public:
  // x strictly increasing, at least two points (the callers validate and name their fields).
  monotone_interpolant(std::vector<double> x, std::vector<double> y)
      : low_(x.front()), high_(x.back()), curve_(make(std::move(x), std::move(y))) {}

  // The value at x in [low(), high()]; callers decide what happens outside.
  [[nodiscard]] double operator()(double x) const { return curve_(std::clamp(x, low_, high_)); }
  [[nodiscard]] double low() const noexcept { return low_; }
  [[nodiscard]] double high() const noexcept { return high_; }

  // Steffen's slopes at each point.
  static std::vector<double> slopes(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t n = x.size();
    std::vector<double> secant(n - 1);
    std::vector<double> h(n - 1);
    for (std::size_t i = 0; i + 1 < n; ++i) {
      h[i] = x[i + 1] - x[i];
      secant[i] = (y[i + 1] - y[i]) / h[i];
    }
    std::vector<double> slope(n);
    if (n == 2) {
      slope[0] = slope[1] = secant[0];
      return slope;
    }
    const auto sign = [](double v) { return static_cast<double>((v > 0.0) - (v < 0.0)); };
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double p = (secant[i - 1] * h[i] + secant[i] * h[i - 1]) / (h[i - 1] + h[i]);
      slope[i] = (sign(secant[i - 1]) + sign(secant[i])) *
                 std::min({std::fabs(secant[i - 1]), std::fabs(secant[i]), 0.5 * std::fabs(p)});
    }
    // Ends: the parabola through the first (last) three points, limited as Steffen prescribes.
    const auto end_slope = [&](double s0, double s1, double h0, double h1) {
      const double p = s0 * (1.0 + h0 / (h0 + h1)) - s1 * h0 / (h0 + h1);
      if (p * s0 <= 0.0) return 0.0;
      if (std::fabs(p) > 2.0 * std::fabs(s0)) return 2.0 * s0;
      return p;
    };
    slope[0] = end_slope(secant[0], secant[1], h[0], h[1]);
    slope[n - 1] = end_slope(secant[n - 2], secant[n - 3], h[n - 2], h[n - 3]);
    return slope;
  }

 private:
  using hermite = boost::math::interpolators::cubic_hermite<std::vector<double>>;
  static hermite make(std::vector<double> x, std::vector<double> y) {
    std::vector<double> dydx = slopes(x, y);
    return hermite(std::move(x), std::move(y), std::move(dydx));
  }

  double low_;
  double high_;
  hermite curve_;
};

}  // namespace tpw
