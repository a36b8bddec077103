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
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include "tpw/error.hpp"
#include "tpw/mc/sampling/distributions.hpp"

namespace tpw::mc {

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
    const auto given_growth = [&](double u) {
      const double g = growth_.quantile(detail::inside_unit_interval(u));
      return scale_.cdf(t / factor(g));
    };
    return std::clamp(boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
                          given_growth, 0.0, 1.0, 15, 1e-10),
                      0.0, 1.0);
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
    const auto gap = [&](double t) { return cdf(t) - p; };
    const double at_low = gap(low_);
    const double at_high = gap(high_);
    if (!(at_low < 0.0)) return low_;
    if (!(at_high > 0.0)) return high_;
    std::uintmax_t iterations = 200;
    const auto [a, b] = boost::math::tools::toms748_solve(
        gap, low_, high_, at_low, at_high, boost::math::tools::eps_tolerance<double>(40),
        iterations);
    return 0.5 * (a + b);
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

}  // namespace tpw::mc
