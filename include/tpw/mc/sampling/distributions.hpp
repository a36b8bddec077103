// tpw/mc/sampling/distributions.hpp: the distributions an uncertain input may follow, each sampled
// by its inverse CDF from a uniform in (0, 1).
//
// Sampling by the inverse CDF is what lets every design work the same way: plain Monte Carlo,
// Latin hypercube, Sobol' points and the Gaussian copula all hand a uniform to quantile(). The
// families with a closed-form inverse (uniform, triangular, the normals, lognormal) go through
// quantiles.hpp, shared with the GPU engine; PERT and beta through Boost.Math's, with a policy
// that neither promotes doubles to long double nor checks arguments in the hot loop (the
// constructors validate up front). CDFs and moments are Boost.Math's or closed forms.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/policies/policy.hpp>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/sampling/beta_table.hpp"
#include "tpw/mc/sampling/inverse_cdf.hpp"
#include "tpw/mc/sampling/philox.hpp"

namespace tpw::mc {

namespace detail {

namespace bm = boost::math;
// Double precision throughout and no error handling inside the sampling loop: arguments are
// validated when a distribution is made, and every uniform is in the open interval (0, 1).
using fast_policy =
    bm::policies::policy<bm::policies::promote_double<false>,
                         bm::policies::domain_error<bm::policies::ignore_error>,
                         bm::policies::overflow_error<bm::policies::ignore_error>,
                         bm::policies::evaluation_error<bm::policies::ignore_error>>;
using beta_dist = bm::beta_distribution<double, fast_policy>;
using triangular_dist = bm::triangular_distribution<double, fast_policy>;
using uniform_dist = bm::uniform_distribution<double, fast_policy>;

inline constexpr double infinity = std::numeric_limits<double>::infinity();

// Boost.Math's inverse CDF of a standard beta (PERT and beta inputs).
struct beta_quantile {
  beta_dist dist;
  double operator()(double u) const { return bm::quantile(dist, u); }
};

// The table of Beta(alpha, beta), shared by every distribution of that shape in the process: a
// table takes about 12 ms to build (some 12,000 calls of Boost's inverse incomplete beta) and
// 98 KB to hold, so a program that makes the same PERT or beta input again (a server building its
// inputs per request) builds it once. Up to `capacity` shapes are kept, the least recently used
// dropped first; a shape whose table misses its error bound is remembered as such (null).
// Thread-safe; a table is built outside the lock, so two threads asking for one new shape at once
// may both build it (the same table).
class beta_table_cache {
 public:
  static constexpr std::size_t capacity = 64;

  static std::shared_ptr<const beta_table> get(double alpha, double beta) {
    cache& c = instance();
    {
      const std::lock_guard<std::mutex> lock(c.mutex);
      for (entry& e : c.entries) {
        if (e.alpha == alpha && e.beta == beta) {
          e.last_use = ++c.clock;
          return e.table;
        }
      }
    }
    auto table = beta_table::build(beta_dist(alpha, beta));
    const std::lock_guard<std::mutex> lock(c.mutex);
    if (c.entries.size() < capacity) {
      c.entries.push_back({alpha, beta, table, ++c.clock});
    } else {
      auto oldest =
          std::min_element(c.entries.begin(), c.entries.end(),
                           [](const entry& a, const entry& b) { return a.last_use < b.last_use; });
      *oldest = {alpha, beta, table, ++c.clock};
    }
    return table;
  }

 private:
  struct entry {
    double alpha;
    double beta;
    std::shared_ptr<const beta_table> table;
    std::uint64_t last_use;
  };
  struct cache {
    std::mutex mutex;
    std::vector<entry> entries;
    std::uint64_t clock = 0;
  };
  static cache& instance() {
    static cache c;
    return c;
  }
};

inline std::string parameter_field(std::string_view field, std::string_view parameter) {
  return std::string(field).append(".").append(parameter);
}

inline void require_finite(std::string_view field, std::string_view parameter, double value) {
  if (!tpw::detail::is_finite(value)) {
    throw invalid_input(parameter_field(field, parameter), value, "must be a finite number");
  }
}

inline void require_above(std::string_view field, std::string_view parameter, double value,
                          double bound, std::string_view rule) {
  require_finite(field, parameter, value);
  if (!(value > bound)) throw invalid_input(parameter_field(field, parameter), value, rule);
}

// low < high, with mode (when there is one) inside [low, high].
inline void require_ordered(std::string_view field, double low, double high) {
  require_finite(field, "low", low);
  require_finite(field, "high", high);
  if (!(low < high)) {
    throw invalid_input(parameter_field(field, "high"), high,
                        "must be above low (" + tpw::detail::number_text(low) + ")");
  }
  if (!tpw::detail::is_finite(high - low)) {
    throw invalid_input(
        parameter_field(field, "high"), high,
        "high - low must be a finite number (low " + tpw::detail::number_text(low) + ")");
  }
}
inline void require_mode_inside(std::string_view field, double low, double mode, double high) {
  require_finite(field, "mode", mode);
  if (mode < low || mode > high) {
    throw invalid_input(parameter_field(field, "mode"), mode,
                        "must lie in [low, high] = [" + tpw::detail::number_text(low) + ", " +
                            tpw::detail::number_text(high) + "]");
  }
}

}  // namespace detail

// One input's distribution: a small value type, validated when made. `field` names the input in
// error messages (its scenario path, e.g. "costs.energy.price_per_kwh"), and each parameter is
// named under it ("costs.energy.price_per_kwh.sd = -1: must be > 0").
class distribution {
 public:
  static distribution fixed(double value, std::string_view field = "distribution") {
    detail::require_finite(field, "value", value);
    return distribution(distribution_kind::fixed, value, value, value, 0.0);
  }

  static distribution uniform(double low, double high, std::string_view field = "distribution") {
    detail::require_ordered(field, low, high);
    return distribution(distribution_kind::uniform, low, high, 0.0, 0.0);
  }

  static distribution triangular(double low, double mode, double high,
                                 std::string_view field = "distribution") {
    detail::require_ordered(field, low, high);
    detail::require_mode_inside(field, low, mode, high);
    return distribution(distribution_kind::triangular, low, high, mode, 0.0);
  }

  // PERT: a beta on [low, high] with mean (low + 4 mode + high) / 6 (Vose's lambda = 4).
  static distribution pert(double low, double mode, double high,
                           std::string_view field = "distribution") {
    detail::require_ordered(field, low, high);
    detail::require_mode_inside(field, low, mode, high);
    const double alpha = 1.0 + 4.0 * (mode - low) / (high - low);
    const double beta = 1.0 + 4.0 * (high - mode) / (high - low);
    distribution d(distribution_kind::pert, low, high, alpha, beta);
    d.table_ = detail::beta_table_cache::get(alpha, beta);
    return d;
  }

  static distribution normal(double mean, double sd, std::string_view field = "distribution") {
    detail::require_finite(field, "mean", mean);
    detail::require_above(field, "sd", sd, 0.0, "a standard deviation must be > 0");
    return distribution(distribution_kind::normal, mean, sd, 0.0, 0.0);
  }

  // A normal(mean, sd) cut to [low, high]; either bound may be infinite, not both.
  static distribution truncated_normal(double mean, double sd, double low, double high,
                                       std::string_view field = "distribution") {
    detail::require_finite(field, "mean", mean);
    detail::require_above(field, "sd", sd, 0.0, "a standard deviation must be > 0");
    if (std::isnan(low) || std::isnan(high) || !(low < high)) {
      throw invalid_input(detail::parameter_field(field, "high"), high,
                          "must be above low (" + tpw::detail::number_text(low) + ")");
    }
    if (std::isinf(low) && std::isinf(high)) {
      throw invalid_input(detail::parameter_field(field, "low"), low,
                          "at least one bound must be finite (else use a normal)");
    }
    distribution d(distribution_kind::truncated_normal, low, high, mean, sd);
    const double za = (low - mean) / sd;
    const double zb = (high - mean) / sd;
    // Work in the tail the interval lies in, so that an interval far out in the upper tail is
    // not lost to 1 - 1e-17 == 1.
    d.q_.upper_tail = za > 0.0;
    d.q_.cut_low =
        d.q_.upper_tail ? detail::standard_normal_survival(za) : detail::standard_normal_cdf(za);
    d.q_.cut_high =
        d.q_.upper_tail ? detail::standard_normal_survival(zb) : detail::standard_normal_cdf(zb);
    if (!(std::abs(d.q_.cut_high - d.q_.cut_low) > 0.0)) {
      throw invalid_input(detail::parameter_field(field, "low"), low,
                          "the interval [low, high] holds no probability of the parent normal "
                          "at double precision");
    }
    return d;
  }

  // Lognormal from the median and sigma, the standard deviation of ln x.
  static distribution lognormal(double median, double sigma,
                                std::string_view field = "distribution") {
    detail::require_above(field, "median", median, 0.0, "a lognormal's median must be > 0");
    detail::require_above(field, "sigma", sigma, 0.0, "sigma (of ln x) must be > 0");
    return distribution(distribution_kind::lognormal, std::log(median), sigma, 0.0, 0.0);
  }

  // Lognormal from a P10 / P90 pair, as experts often state a range: median = sqrt(p10 * p90),
  // sigma = ln(p90 / p10) / (2 z90) with z90 = 1.2815515655446004 the normal's 90th percentile.
  static distribution lognormal_from_p10_p90(double p10, double p90,
                                             std::string_view field = "distribution") {
    detail::require_above(field, "p10", p10, 0.0, "a lognormal's P10 must be > 0");
    detail::require_finite(field, "p90", p90);
    if (!(p90 > p10)) {
      throw invalid_input(detail::parameter_field(field, "p90"), p90,
                          "must be above p10 (" + tpw::detail::number_text(p10) + ")");
    }
    const double z90 = detail::standard_normal_quantile(0.9);
    return lognormal(std::sqrt(p10) * std::sqrt(p90), std::log(p90 / p10) / (2.0 * z90), field);
  }

  // Beta(alpha, beta) scaled to [low, high] (the standard beta when low = 0, high = 1).
  static distribution beta(double alpha, double beta, double low = 0.0, double high = 1.0,
                           std::string_view field = "distribution") {
    // Shapes where Boost.Math's inverse incomplete beta stays finite and inside [0, 1] at every
    // uniform a design can give (checked below at both extremes and in between).
    constexpr double shape_low = 0.01;
    constexpr double shape_high = 1e6;
    for (const auto& [name, shape] :
         {std::pair<const char*, double>{"alpha", alpha}, {"beta", beta}}) {
      detail::require_finite(field, name, shape);
      if (shape < shape_low || shape > shape_high) {
        throw invalid_input(detail::parameter_field(field, name), shape,
                            "a beta shape must be in [0.01, 1000000]");
      }
    }
    detail::require_ordered(field, low, high);
    distribution d(distribution_kind::beta, low, high, alpha, beta);
    for (const double u : {detail::smallest_uniform, 1e-12, 1e-6, 1e-3, 0.1, 0.5, 0.9, 1.0 - 1e-3,
                           1.0 - 1e-6, 1.0 - 1e-12, detail::largest_uniform}) {
      const double x = d.quantile(u);
      if (!tpw::detail::is_finite(x) || x < low || x > high) {
        throw invalid_input(detail::parameter_field(field, "alpha"), alpha,
                            "with beta " + tpw::detail::number_text(beta) +
                                ", the inverse CDF is not finite inside [low, high] at u = " +
                                tpw::detail::number_text(u));
      }
    }
    d.table_ = detail::beta_table_cache::get(alpha, beta);
    return d;
  }

  // A user's own samples (measurements, another model's output), each drawn with weight 1/n: the
  // inverse of the empirical CDF.
  static distribution empirical(std::span<const double> samples,
                                std::string_view field = "distribution") {
    if (samples.empty()) {
      throw invalid_input(detail::parameter_field(field, "samples"), 0.0,
                          "an empirical distribution needs at least one sample");
    }
    auto sorted = std::make_shared<std::vector<double>>(samples.begin(), samples.end());
    for (std::size_t k = 0; k < sorted->size(); ++k) {
      if (!tpw::detail::is_finite((*sorted)[k])) {
        throw invalid_input(detail::parameter_field(field, "samples[" + std::to_string(k) + "]"),
                            (*sorted)[k], "must be a finite number");
      }
    }
    std::sort(sorted->begin(), sorted->end());
    distribution d(distribution_kind::empirical, sorted->front(), sorted->back(), 0.0, 0.0);
    d.samples_ = std::move(sorted);
    return d;
  }

  [[nodiscard]] distribution_kind kind() const noexcept { return q_.kind; }
  // PERT and beta: whether values come from the checked table (else from Boost.Math, each), and
  // the table's largest error against Boost.Math at its check points (on the [0, 1] scale).
  [[nodiscard]] bool tabulated() const noexcept { return table_ != nullptr; }
  [[nodiscard]] double table_error() const noexcept {
    return table_ ? table_->checked_error() : 0.0;
  }

  // The value at cumulative probability u, for u in (0, 1).
  [[nodiscard]] double quantile(double u) const noexcept {
    switch (q_.kind) {
      case distribution_kind::pert:
      case distribution_kind::beta:
        return q_.a + (q_.b - q_.a) *
                          (table_
                               ? table_->at(u, detail::beta_quantile{detail::beta_dist(q_.c, q_.d)})
                               : detail::beta_quantile{detail::beta_dist(q_.c, q_.d)}(u));
      case distribution_kind::empirical: {
        const std::size_t n = samples_->size();
        const auto k = static_cast<std::size_t>(u * static_cast<double>(n));
        return (*samples_)[k < n ? k : n - 1];
      }
      default:
        return closed_form_quantile(q_, u);
    }
  }

  // The values at u[0, n) into x (which must not overlap u): one switch, then a loop, which the
  // compiler vectorizes for the closed-form families.
  void quantiles(const double* u, double* x, std::size_t n) const noexcept {
    if (has_closed_form(q_.kind)) {
      closed_form_quantiles(q_, u, x, n);
      return;
    }
    if (table_) {
      table_->at(u, x, n, detail::beta_quantile{detail::beta_dist(q_.c, q_.d)});
      for (std::size_t s = 0; s < n; ++s) x[s] = q_.a + (q_.b - q_.a) * x[s];
      return;
    }
    for (std::size_t s = 0; s < n; ++s) x[s] = quantile(u[s]);
  }

  // The plain parameters (for the GPU engine; meaningful alone when has_closed_form(kind())).
  [[nodiscard]] const distribution_params& params() const noexcept { return q_; }

  // P(X <= x).
  [[nodiscard]] double cdf(double x) const {
    namespace bm = boost::math;
    switch (q_.kind) {
      case distribution_kind::fixed:
        return x < q_.a ? 0.0 : 1.0;
      case distribution_kind::uniform:
        return bm::cdf(detail::uniform_dist(q_.a, q_.b), std::clamp(x, q_.a, q_.b));
      case distribution_kind::triangular:
        return bm::cdf(detail::triangular_dist(q_.a, q_.c, q_.b), std::clamp(x, q_.a, q_.b));
      case distribution_kind::pert:
      case distribution_kind::beta:
        return bm::cdf(detail::beta_dist(q_.c, q_.d),
                       std::clamp((x - q_.a) / (q_.b - q_.a), 0.0, 1.0));
      case distribution_kind::normal:
        return detail::standard_normal_cdf((x - q_.a) / q_.b);
      case distribution_kind::truncated_normal: {
        if (x <= q_.a) return 0.0;
        if (x >= q_.b) return 1.0;
        const double z = (x - q_.c) / q_.d;
        const double at =
            q_.upper_tail ? detail::standard_normal_survival(z) : detail::standard_normal_cdf(z);
        return (at - q_.cut_low) / (q_.cut_high - q_.cut_low);
      }
      case distribution_kind::lognormal:
        return x <= 0.0 ? 0.0 : detail::standard_normal_cdf((std::log(x) - q_.a) / q_.b);
      case distribution_kind::empirical:
        return static_cast<double>(std::upper_bound(samples_->begin(), samples_->end(), x) -
                                   samples_->begin()) /
               static_cast<double>(samples_->size());
    }
    return 0.0;
  }

  [[nodiscard]] double mean() const {
    namespace bm = boost::math;
    switch (q_.kind) {
      case distribution_kind::fixed:
        return q_.a;
      case distribution_kind::uniform:
        return 0.5 * (q_.a + q_.b);
      case distribution_kind::triangular:
        return (q_.a + q_.b + q_.c) / 3.0;
      case distribution_kind::pert:
      case distribution_kind::beta:
        return q_.a + (q_.b - q_.a) * bm::mean(detail::beta_dist(q_.c, q_.d));
      case distribution_kind::normal:
        return q_.a;
      case distribution_kind::truncated_normal:
        return q_.c + q_.d * truncated_moments().first;
      case distribution_kind::lognormal:
        return std::exp(q_.a + 0.5 * q_.b * q_.b);
      case distribution_kind::empirical:
        return empirical_moments().first;
    }
    return q_.a;
  }

  [[nodiscard]] double variance() const {
    namespace bm = boost::math;
    switch (q_.kind) {
      case distribution_kind::fixed:
        return 0.0;
      case distribution_kind::uniform:
        return (q_.b - q_.a) * (q_.b - q_.a) / 12.0;
      case distribution_kind::triangular:
        return bm::variance(detail::triangular_dist(q_.a, q_.c, q_.b));
      case distribution_kind::pert:
      case distribution_kind::beta:
        return (q_.b - q_.a) * (q_.b - q_.a) * bm::variance(detail::beta_dist(q_.c, q_.d));
      case distribution_kind::normal:
        return q_.b * q_.b;
      case distribution_kind::truncated_normal:
        return q_.d * q_.d * truncated_moments().second;
      case distribution_kind::lognormal:
        return std::expm1(q_.b * q_.b) * std::exp(2.0 * q_.a + q_.b * q_.b);
      case distribution_kind::empirical:
        return empirical_moments().second;
    }
    return 0.0;
  }

  [[nodiscard]] double median() const noexcept { return quantile(0.5); }

  // The smallest and largest values a sample can take (infinite for an unbounded family). Every
  // bounded family keeps its bounds in q_.a and q_.b (a fixed value in both).
  [[nodiscard]] double lowest() const noexcept {
    if (q_.kind == distribution_kind::normal) return -detail::infinity;
    return q_.kind == distribution_kind::lognormal ? 0.0 : q_.a;
  }
  [[nodiscard]] double highest() const noexcept {
    return unbounded_above() ? detail::infinity : q_.b;
  }
  // Whether the lowest value itself can be drawn (a lognormal never gives exactly 0).
  [[nodiscard]] bool reaches_lowest() const noexcept {
    return q_.kind != distribution_kind::lognormal && q_.kind != distribution_kind::normal;
  }

  // The smallest and largest values the samplers can actually draw. Every design hands the
  // inverse CDF a uniform in [2^-53, 1 - 2^-53] (philox.hpp), so an unbounded family reaches
  // about 8.2 standard deviations, not infinity: a normal(10.2, 0.4) never goes below 6.9. A
  // bounded family's bounds are its own. NaN when the family's inverse is not finite there.
  [[nodiscard]] double reachable_low() const noexcept {
    if (!reaches_extreme_quantiles()) return lowest();
    const double x = quantile(detail::smallest_uniform);
    return x < q_.a && q_.kind == distribution_kind::truncated_normal ? q_.a : x;
  }
  [[nodiscard]] double reachable_high() const noexcept {
    if (!reaches_extreme_quantiles()) return highest();
    const double x = quantile(detail::largest_uniform);
    return x > q_.b && q_.kind == distribution_kind::truncated_normal ? q_.b : x;
  }

  // For messages: "normal(mean 100, sd 10)".
  [[nodiscard]] std::string describe() const {
    // Parameters at 15 digits: a median kept as its logarithm reads 1000, not 999.9999999999998.
    const auto number_text = [](double x) { return tpw::detail::converted_number_text(x); };
    switch (q_.kind) {
      case distribution_kind::fixed:
        return number_text(q_.a);
      case distribution_kind::uniform:
        return "uniform(low " + number_text(q_.a) + ", high " + number_text(q_.b) + ")";
      case distribution_kind::triangular:
        return "triangular(low " + number_text(q_.a) + ", mode " + number_text(q_.c) + ", high " +
               number_text(q_.b) + ")";
      case distribution_kind::pert:
        return "pert(low " + number_text(q_.a) + ", mode " +
               number_text(q_.a + (q_.c - 1.0) * (q_.b - q_.a) / 4.0) + ", high " +
               number_text(q_.b) + ")";
      case distribution_kind::normal:
        return "normal(mean " + number_text(q_.a) + ", sd " + number_text(q_.b) + ")";
      case distribution_kind::truncated_normal:
        return "truncated_normal(mean " + number_text(q_.c) + ", sd " + number_text(q_.d) +
               ", low " + number_text(q_.a) + ", high " + number_text(q_.b) + ")";
      case distribution_kind::lognormal:
        return "lognormal(median " + number_text(std::exp(q_.a)) + ", sigma " + number_text(q_.b) +
               ")";
      case distribution_kind::beta:
        return "beta(alpha " + number_text(q_.c) + ", beta " + number_text(q_.d) + ", low " +
               number_text(q_.a) + ", high " + number_text(q_.b) + ")";
      case distribution_kind::empirical:
        return "empirical(" + std::to_string(samples_->size()) + " samples)";
    }
    return {};
  }

 private:
  // The families whose reach is set by the extreme uniforms rather than by bounds of their own
  // (a truncated normal's bound may lie far beyond where any sample goes).
  [[nodiscard]] bool reaches_extreme_quantiles() const noexcept {
    return q_.kind == distribution_kind::normal || q_.kind == distribution_kind::lognormal ||
           q_.kind == distribution_kind::truncated_normal;
  }

  [[nodiscard]] bool unbounded_above() const noexcept {
    return q_.kind == distribution_kind::normal || q_.kind == distribution_kind::lognormal;
  }

  distribution(distribution_kind kind, double a, double b, double c, double d) noexcept
      : q_{kind, a, b, c, d} {}

  // Mean and variance of the standardized truncated normal (alpha, beta the standardized bounds):
  // m = (phi(alpha) - phi(beta)) / Z, v = 1 + (alpha phi(alpha) - beta phi(beta)) / Z - m^2.
  [[nodiscard]] std::pair<double, double> truncated_moments() const {
    const double alpha = (q_.a - q_.c) / q_.d;
    const double beta = (q_.b - q_.c) / q_.d;
    const auto phi = [](double z) {
      return std::isinf(z) ? 0.0 : std::exp(-0.5 * z * z) / std::sqrt(2.0 * 3.14159265358979323846);
    };
    const auto z_phi = [&](double z) { return std::isinf(z) ? 0.0 : z * phi(z); };
    const double mass = std::abs(q_.cut_high - q_.cut_low);
    const double m = (phi(alpha) - phi(beta)) / mass;
    return {m, 1.0 + (z_phi(alpha) - z_phi(beta)) / mass - m * m};
  }

  [[nodiscard]] std::pair<double, double> empirical_moments() const {
    double sum = 0.0;
    for (const double x : *samples_) sum += x;
    const double m = sum / static_cast<double>(samples_->size());
    double squares = 0.0;
    for (const double x : *samples_) squares += (x - m) * (x - m);
    return {m, squares / static_cast<double>(samples_->size())};
  }

  distribution_params q_;
  std::shared_ptr<const std::vector<double>> samples_;  // empirical, sorted
  // PERT and beta: the inverse CDF's table (tpw/mc/sampling/beta_table.hpp), or null where it
  // cannot meet its error bound and Boost.Math is called for each value.
  std::shared_ptr<const detail::beta_table> table_;
};

}  // namespace tpw::mc
