// tpw/mc/sampling/beta_table.hpp: the beta inverse CDF (PERT and beta inputs) from a table, at
// the cost of a closed form.
//
// Boost.Math's inverse regularized incomplete beta takes microseconds a call; a PERT input made
// each sample that slow. The table holds Boost's quantile x(u) and its slope dx/du = 1 / pdf(x) at
// knots in u, and interpolates between two knots by the cubic Hermite polynomial through both
// values and slopes. The knots follow the shape of x(u) near 0 and 1, where it behaves as a power
// of u (or of 1 - u): each octave [2^-(o+2), 2^-(o+1)] of u below 1/2, and of 1 - u above it, is
// cut into 256 equal intervals, for 12 octaves either side; the octave and the interval are read
// off the bits of u, so a batch is interpolated in a vectorized loop. The 2 * 2^-13 of the
// uniforms beyond the last octaves (one in 4096) are passed to Boost.
//
// The contract: at the midpoint of every interval (where a cubic Hermite interpolant's error
// peaks) the table is checked against Boost when it is built; it is used only when the largest
// difference there is at most max_error (1e-12 of the range [low, high]); a shape where it is not
// (a shape far below 1 makes x(u) too steep near 0) samples through Boost.Math, one call a value.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/policies/policy.hpp>

namespace tpw::mc::detail {

class beta_table {
 public:
  static constexpr double max_error = 1e-12;  // on the standard [0, 1] scale
  static constexpr unsigned octaves = 12;
  static constexpr unsigned sub_bits = 8;  // 256 intervals an octave
  static constexpr unsigned per_octave = 1u << sub_bits;
  static constexpr unsigned intervals = octaves * per_octave;  // each half

  // The table of Beta(alpha, beta) on [0, 1], or null when it misses max_error somewhere.
  template <class Dist>
  static std::shared_ptr<const beta_table> build(const Dist& dist) {
    auto t = std::shared_ptr<beta_table>(new beta_table());
    const auto quantile = [&](double u) { return boost::math::quantile(dist, u); };
    const auto slope = [&](double x) { return 1.0 / boost::math::pdf(dist, x); };
    // Knot g of the lower half sits at u = 2^-(o+2) (1 + sub / 256), o = octaves - 1 - g / 256;
    // knot `intervals` at u = 1/2. The upper half mirrors it in 1 - u.
    for (unsigned g = 0; g <= intervals; ++g) {
      const double v = knot(g);
      const double lower = quantile(v);
      const double upper = boost::math::quantile(boost::math::complement(dist, v));
      t->lower_[2 * g] = lower;
      t->lower_[2 * g + 1] = slope(lower);
      t->upper_[2 * g] = upper;
      t->upper_[2 * g + 1] = -slope(upper);  // dx/dv, v = 1 - u
    }
    double worst = 0.0;
    for (unsigned g = 0; g < intervals; ++g) {
      const double v = 0.5 * (knot(g) + knot(g + 1));
      const double lower = t->interpolate(t->lower_.data(), v);
      const double upper = t->interpolate(t->upper_.data(), v);
      if (!std::isfinite(lower) || !std::isfinite(upper)) return nullptr;
      worst = std::max(worst, std::abs(lower - quantile(v)));
      worst = std::max(worst,
                       std::abs(upper - boost::math::quantile(boost::math::complement(dist, v))));
    }
    if (!(worst <= max_error)) return nullptr;
    t->checked_error_ = worst;
    return t;
  }

  // The largest difference from Boost.Math found at the midpoints when the table was built.
  [[nodiscard]] double checked_error() const noexcept { return checked_error_; }

  // x(u) for u in (0, 1); `exact` is Boost's quantile, for the uniforms beyond the table.
  template <class Exact>
  [[nodiscard]] double at(double u, const Exact& exact) const {
    if (u < edge || u > 1.0 - edge) return exact(u);
    return u < 0.5 ? interpolate(lower_.data(), u) : interpolate(upper_.data(), 1.0 - u);
  }

  // x(u[s]) for a batch: every value through the table in one vectorized loop, then the few
  // beyond the table's edges through Boost.
  template <class Exact>
  void at(const double* u, double* x, std::size_t n, const Exact& exact) const {
    const double* lower = lower_.data();
    const double* upper = upper_.data();
    for (std::size_t s = 0; s < n; ++s) {
      const bool low_half = u[s] < 0.5;
      const double v = low_half ? u[s] : 1.0 - u[s];
      x[s] = interpolate(low_half ? lower : upper, v);
    }
    for (std::size_t s = 0; s < n; ++s) {
      if (u[s] < edge || u[s] > 1.0 - edge) x[s] = exact(u[s]);
    }
  }

 private:
  beta_table() : lower_(2 * (intervals + 1)), upper_(2 * (intervals + 1)) {}

  static constexpr double edge = 1.0 / 8192.0;  // 2^-13: below it, Boost
  static constexpr std::uint64_t mantissa_mask = (std::uint64_t{1} << 52) - 1;

  // The u of knot g (exact in a double).
  static double knot(unsigned g) noexcept {
    const unsigned o = octaves - 1 - g / per_octave;
    const double sub = static_cast<double>(g % per_octave);
    return std::ldexp(1.0 + sub / per_octave, -static_cast<int>(o) - 2);
  }

  // The Hermite interpolant of a half's knots (x, dx/dv pairs) at v in [2^-13, 1/2]: the octave
  // from v's exponent, the interval from its top mantissa bits, the position from the rest.
  static double interpolate(const double* knots, double v) noexcept {
    constexpr double below_half = 0.49999999999999994;  // the largest double below 1/2
    constexpr double lowest = edge;
    v = std::min(std::max(v, lowest), below_half);
    const auto bits = std::bit_cast<std::uint64_t>(v);
    const auto exponent = static_cast<int>(bits >> 52) - 1023;  // -13 .. -2
    const auto o = static_cast<unsigned>(-exponent - 2);
    const auto mantissa = bits & mantissa_mask;
    const auto sub = static_cast<unsigned>(mantissa >> (52 - sub_bits));
    constexpr std::uint64_t rest_mask = (std::uint64_t{1} << (52 - sub_bits)) - 1;
    const double t = static_cast<double>(static_cast<std::int64_t>(mantissa & rest_mask)) *
                     (1.0 / static_cast<double>(std::uint64_t{1} << (52 - sub_bits)));
    const unsigned g = (octaves - 1 - o) * per_octave + sub;
    // The interval's width in v: 2^exponent / 256.
    const double width = std::bit_cast<double>(
        static_cast<std::uint64_t>(exponent - static_cast<int>(sub_bits) + 1023) << 52);
    const double x0 = knots[2 * g];
    const double s0 = knots[2 * g + 1] * width;
    const double x1 = knots[2 * g + 2];
    const double s1 = knots[2 * g + 3] * width;
    const double t2 = t * t;
    const double t3 = t2 * t;
    return (2.0 * t3 - 3.0 * t2 + 1.0) * x0 + (t3 - 2.0 * t2 + t) * s0 +
           (3.0 * t2 - 2.0 * t3) * x1 + (t3 - t2) * s1;
  }

  std::vector<double> lower_;  // knot g: x, dx/du, for u = knot(g)
  std::vector<double> upper_;  // knot g: x, dx/dv, for u = 1 - knot(g)
  double checked_error_ = 0.0;
};

}  // namespace tpw::mc::detail
