// tpw/mc/grown_scale.hpp: a later year's demand level when both the demand's scale and its yearly
// growth are uncertain: z = x (1 + g)^(year - 1), the scale x and the growth g independent
// (docs/capacity.md, "An uncertain demand").
//
// Its distribution function is an average over the growth: P(z <= t) = E_g[F_x(t / (1 + g)^(year
// - 1))], integrated over g's quantiles u in (0, 1) by adaptive Gauss-Kronrod quadrature
// (Boost.Math), to about 1e-10; with either number fixed it is the other's own distribution
// function, exactly. Its quantiles are the roots of P(z <= t) = p (TOMS 748, Boost.Math). Every
// figure of a fixed fleet (unserved share, hours short) grows with z, so it is exact at z's
// quantiles; the chance that the peak hour is short is P(z > S / peak).
//
// level_over_servable adds an uncertain output variability cv, which moves what the fleet serves
// (S(cv), tpw::capacity::servable_by_output_cv): the unserved share and the hours short depend on
// the demand and S through z S0 / S(cv) alone (S0 the plan's), so they are exact at that level's
// quantiles, P(z S0 / S(cv) <= t) = E_cv[P(z <= t S(cv) / S0)], integrated the same way.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <utility>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include "tpw/error.hpp"
#include "tpw/mc/sampling/distributions.hpp"

namespace tpw::mc {

namespace detail {
// The root of an increasing `gap` in (low, high), whose values there are at_low < 0 < at_high, by
// TOMS 748 to `bits` bits.
template <class Gap>
[[nodiscard]] double root_between(const Gap& gap, double low, double high, double at_low,
                                  double at_high, int bits) {
  std::uintmax_t iterations = 200;
  const auto [a, b] = boost::math::tools::toms748_solve(
      gap, low, high, at_low, at_high, boost::math::tools::eps_tolerance<double>(bits), iterations);
  return 0.5 * (a + b);
}
// The t in [low, high] with cdf(t) = p (an increasing distribution function that reaches below
// p at low and above it at high, or the end it does not), by TOMS 748.
template <class Cdf>
[[nodiscard]] double quantile_between(const Cdf& cdf, double p, double low, double high) {
  if (!(p > 0.0 && p < 1.0)) {
    throw invalid_input("probability", p, "must be in (0, 1)");
  }
  const auto gap = [&](double t) { return cdf(t) - p; };
  const double at_low = gap(low);
  const double at_high = gap(high);
  if (!(at_low < 0.0)) return low;
  if (!(at_high > 0.0)) return high;
  return root_between(gap, low, high, at_low, at_high, 40);
}
// The mean over a distribution's quantiles u in (0, 1) of f(its value), to about 1e-10.
template <class F>
[[nodiscard]] double mean_over(const distribution& d, const F& f) {
  const auto at = [&](double u) { return f(d.quantile(detail::inside_unit_interval(u))); };
  return boost::math::quadrature::gauss_kronrod<double, 31>::integrate(at, 0.0, 1.0, 15, 1e-10);
}
}  // namespace detail

class grown_scale {
 public:
  // Year `year` (1 for the first: no growth yet) of a demand at scale `scale` growing `growth` a
  // year. The growth must stay above -1 and the scale above 0 at every value the samplers reach.
  grown_scale(distribution scale, distribution growth, int year)
      : scale_(std::move(scale)), growth_(std::move(growth)), exponent_(year - 1) {
    if (year < 1) throw invalid_input("year", static_cast<double>(year), "must be >= 1");
    if (!(scale_.reachable_low() > 0.0)) {
      throw invalid_input::shown_as("demand.scale", scale_.describe(),
                                    "must stay above 0 at every value its samples reach");
    }
    if (!(growth_.reachable_low() > -1.0)) {
      throw invalid_input::shown_as("demand.growth_per_year", growth_.describe(),
                                    "must stay above -1 at every value its samples reach");
    }
    const double a = factor(growth_.reachable_low());
    const double b = factor(growth_.reachable_high());
    low_ = scale_.reachable_low() * std::min(a, b);
    high_ = scale_.reachable_high() * std::max(a, b);
  }

  // P(z <= t).
  [[nodiscard]] double cdf(double t) const {
    if (!(t > 0.0)) return 0.0;
    if (exponent_ == 0 || growth_.kind() == distribution_kind::fixed) {
      return scale_.cdf(t / factor(growth_.quantile(0.5)));
    }
    if (scale_.kind() == distribution_kind::fixed) {
      // (1 + g)^k <= t / x: g <= (t / x)^(1 / k) - 1.
      return growth_.cdf(std::pow(t / scale_.quantile(0.5), 1.0 / exponent_) - 1.0);
    }
    return std::clamp(
        detail::mean_over(growth_, [&](double g) { return scale_.cdf(t / factor(g)); }), 0.0, 1.0);
  }

  // The t with P(z <= t) = p, p in (0, 1).
  [[nodiscard]] double quantile(double p) const {
    if (!(p > 0.0 && p < 1.0)) {
      throw invalid_input("probability", p, "must be in (0, 1)");
    }
    if (exponent_ == 0 || growth_.kind() == distribution_kind::fixed) {
      return scale_.quantile(p) * factor(growth_.quantile(0.5));
    }
    if (scale_.kind() == distribution_kind::fixed) {
      return scale_.quantile(0.5) * factor(growth_.quantile(p));
    }
    return detail::quantile_between([this](double t) { return cdf(t); }, p, low_, high_);
  }

  // Whether z is one number (the scale fixed, and the growth too after year 1).
  [[nodiscard]] bool fixed() const noexcept {
    return scale_.kind() == distribution_kind::fixed &&
           (exponent_ == 0 || growth_.kind() == distribution_kind::fixed);
  }
  // The least and largest values the samplers reach.
  [[nodiscard]] double low() const noexcept { return low_; }
  [[nodiscard]] double high() const noexcept { return high_; }

 private:
  [[nodiscard]] double factor(double g) const noexcept { return std::pow(1.0 + g, exponent_); }

  distribution scale_;
  distribution growth_;
  int exponent_;
  double low_ = 0.0;
  double high_ = 0.0;
};

// A demand level z (a grown_scale) over what the fleet serves at an uncertain output variability
// cv, in units of the plan's: w = z f(cv), f(cv) = S0 / S(cv) increasing in cv (> 0 where cv's
// samples reach), z and cv independent.
class level_over_servable {
 public:
  level_over_servable(grown_scale level, distribution cv, std::function<double(double)> factor)
      : level_(std::move(level)), cv_(std::move(cv)), factor_(std::move(factor)) {
    const double a = factor_(cv_.reachable_low());
    const double b = factor_(cv_.reachable_high());
    if (!(a > 0.0 && b >= a) || !std::isfinite(b)) {
      throw invalid_input::shown_as("demand.output_cv", cv_.describe(),
                                    "what the fleet serves must be above 0 and fall as the "
                                    "output variability grows, at every value its samples reach");
    }
    low_ = level_.low() * a;
    high_ = level_.high() * b;
  }

  // P(w <= t).
  [[nodiscard]] double cdf(double t) const {
    if (!(t > low_)) return 0.0;  // (exactly: the quadrature's rounding apart)
    if (!(t < high_)) return 1.0;
    if (cv_.kind() == distribution_kind::fixed) return level_.cdf(t / factor_(cv_.quantile(0.5)));
    if (level_.fixed()) {
      // P(f(cv) <= t / z) = P(cv <= the root of f(cv) = t / z), f increasing.
      const double wanted = t / level_.quantile(0.5);
      const double a = cv_.reachable_low();
      const double b = cv_.reachable_high();
      const auto gap = [&](double v) { return factor_(v) - wanted; };
      const double at_a = gap(a);
      const double at_b = gap(b);
      if (!(at_a < 0.0)) return at_a == 0.0 ? cv_.cdf(a) : 0.0;
      if (!(at_b > 0.0)) return 1.0;
      return cv_.cdf(detail::root_between(gap, a, b, at_a, at_b, 50));
    }
    return std::clamp(
        detail::mean_over(cv_, [&](double cv) { return level_.cdf(t / factor_(cv)); }), 0.0, 1.0);
  }
  // The t with P(w <= t) = p, p in (0, 1).
  [[nodiscard]] double quantile(double p) const {
    if (cv_.kind() == distribution_kind::fixed) {
      return level_.quantile(p) * factor_(cv_.quantile(0.5));
    }
    if (level_.fixed()) return level_.quantile(0.5) * factor_(cv_.quantile(p));
    return detail::quantile_between([this](double t) { return cdf(t); }, p, low_, high_);
  }

 private:
  grown_scale level_;
  distribution cv_;
  std::function<double(double)> factor_;
  double low_ = 0.0;
  double high_ = 0.0;
};

}  // namespace tpw::mc
