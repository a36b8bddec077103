// tpw/mc/sampling/inverse_cdf.hpp: the inverse CDFs that have a closed form (or a fast rational
// one), as plain functions of a plain parameter struct, callable in host and CUDA device code.
//
// The CPU engine and the CUDA engine both sample fixed, uniform, triangular, normal, truncated
// normal and lognormal inputs through closed_form_quantile, so a GPU draw equals the CPU draw for
// the same uniform. The normal quantile is Wichura's algorithm AS 241 (PPND16, Applied
// Statistics 37, 1988), accurate to about 1e-16 relative and several times faster than an
// erf_inv; Boost.Math, which tpw uses for every other distribution function, is neither
// device-callable nor this fast here. PERT, beta and empirical inputs need Boost or a table and
// are sampled on the host only (distributions.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tpw/config.hpp"
#include "tpw/mc/sampling/philox.hpp"

namespace tpw::mc {

// The families tpw samples from.
enum class distribution_kind {
  fixed,             // one value, no uncertainty
  uniform,           // low, high
  triangular,        // low, mode, high
  pert,              // low, mode, high: a beta with shape 1 + 4 (mode - low) / (high - low), ...
  normal,            // mean, sd
  truncated_normal,  // mean, sd of the parent normal, cut to [low, high]
  lognormal,         // median, sigma of ln x
  beta,              // alpha, beta, scaled to [low, high]
  empirical,         // a user's own samples, each drawn with equal weight
};

// A distribution's numbers, trivially copyable (it crosses to a GPU as it is).
// fixed: a = b = value; uniform, triangular, pert, beta, truncated normal, empirical: a = low,
// b = high; triangular: c = mode; pert, beta: c = alpha, d = beta; normal: a = mean, b = sd;
// truncated normal: c = mean, d = sd, and cut_low, cut_high the parent's CDF at low and high (its
// survival function when upper_tail, so an interval far in the upper tail keeps its precision);
// lognormal: a = ln median, b = sigma.
struct distribution_params {
  distribution_kind kind = distribution_kind::fixed;
  double a = 0.0;
  double b = 0.0;
  double c = 0.0;
  double d = 0.0;
  bool upper_tail = false;
  double cut_low = 0.0;
  double cut_high = 0.0;
};

namespace detail {

// The standard normal quantile for p in (0, 1): AS 241's three rational approximations, one for
// the centre (|p - 1/2| <= 0.425) and two for the tails in r = sqrt(-ln min(p, 1 - p)), the
// intermediate one (r <= 5) and the far one. The tail evaluates one polynomial whose coefficients
// are picked by region: the same operations on the same numbers as the branching form, without a
// branch, so that a loop over a batch vectorizes.
TPW_HD constexpr double pick(bool first, double a, double b) noexcept {
  return first ? a : b;
}

// A polynomial of degree 7 by Horner's rule, coefficients from the highest power down:
// (..((c[0] t + c[1]) t + c[2]) ..) t + c[7], the order of operations AS 241 is written in.
TPW_HD constexpr double horner7(const double (&c)[8], double t) noexcept {
  double sum = c[0];
  for (int k = 1; k < 8; ++k) sum = sum * t + c[k];
  return sum;
}

// The centre's approximation, for |q| = |p - 1/2| <= 0.425.
TPW_HD inline double standard_normal_centre(double q) noexcept {
  const double r = 0.180625 - q * q;
  const double num[8] = {2.5090809287301226727e+3, 3.3430575583588128105e+4,
                         6.7265770927008700853e+4, 4.5921953931549871457e+4,
                         1.3731693765509461125e+4, 1.9715909503065514427e+3,
                         1.3314166789178437745e+2, 3.3871328727963666080e+0};
  const double den[8] = {5.2264952788528545610e+3, 2.8729085735721942674e+4,
                         3.9307895800092710610e+4, 2.1213794301586595867e+4,
                         5.3941960214247511077e+3, 6.8718700749205790830e+2,
                         4.2313330701600911252e+1, 1.0};
  return q * horner7(num, r) / horner7(den, r);
}

// The tails' approximations, for |q| = |p - 1/2| > 0.425.
TPW_HD inline double standard_normal_tail(double p) noexcept {
  const double q = p - 0.5;
  const double r = tpw::detail::sqrt_of(-tpw::detail::log_of(q < 0.0 ? p : 1.0 - p));
  const bool middle = r <= 5.0;  // else the far tail
  const double t = r - (middle ? 1.6 : 5.0);
  const double num[8] = {pick(middle, 7.74545014278341407640e-4, 2.01033439929228813265e-7),
                         pick(middle, 2.27238449892691845833e-2, 2.71155556874348757815e-5),
                         pick(middle, 2.41780725177450611770e-1, 1.24266094738807843860e-3),
                         pick(middle, 1.27045825245236838258e+0, 2.65321895265761230930e-2),
                         pick(middle, 3.64784832476320460504e+0, 2.96560571828504891230e-1),
                         pick(middle, 5.76949722146069140550e+0, 1.78482653991729133580e+0),
                         pick(middle, 4.63033784615654529590e+0, 5.46378491116411436990e+0),
                         pick(middle, 1.42343711074968357734e+0, 6.65790464350110377720e+0)};
  const double den[8] = {pick(middle, 1.05075007164441684324e-9, 2.04426310338993978564e-15),
                         pick(middle, 5.47593808499534494600e-4, 1.42151175831644588870e-7),
                         pick(middle, 1.51986665636164571966e-2, 1.84631831751005468180e-5),
                         pick(middle, 1.48103976427480074590e-1, 7.86869131145613259100e-4),
                         pick(middle, 6.89767334985100004550e-1, 1.48753612908506148525e-2),
                         pick(middle, 1.67638483018380384940e+0, 1.36929880922735805310e-1),
                         pick(middle, 2.05319162663775882187e+0, 5.99832206555887937690e-1),
                         1.0};
  const double tail = horner7(num, t) / horner7(den, t);
  return q < 0.0 ? -tail : tail;
}

TPW_HD constexpr bool in_normal_centre(double p) noexcept {
  const double q = p - 0.5;
  return q >= -0.425 && q <= 0.425;
}

// One draw (the GPU's, the copula's): the centre and the tail both computed and one kept, so that
// a loop of draws still vectorizes.
TPW_HD inline double standard_normal_quantile(double p) noexcept {
  const double centre = standard_normal_centre(p - 0.5);
  const double tail = standard_normal_tail(p);
  return in_normal_centre(p) ? centre : tail;
}

// Batches of standard normal quantiles: x[s] = after(z) with z = Phi^-1(before(u[s])). On the host,
// the centre is computed for every p of a block and the tail (about 15% of p in a plain draw, and
// several times the centre's cost: a log, a square root) only for the p gathered from the tails,
// in vectorizable loops each; the same two functions, so the same values as
// standard_normal_quantile.
template <class Before, class After>
TPW_HD inline void standard_normal_quantiles(const double* TPW_RESTRICT u, double* TPW_RESTRICT x,
                                             std::size_t n, Before before, After after) noexcept {
#if defined(__CUDA_ARCH__)
  for (std::size_t s = 0; s < n; ++s) x[s] = after(standard_normal_quantile(before(u[s])));
#else
  constexpr std::size_t block = 256;
  alignas(64) double p[block];
  alignas(64) double z[block];
  alignas(64) double tail_p[block];
  std::uint32_t tail_at[block];
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t m = n - start < block ? n - start : block;
    for (std::size_t s = 0; s < m; ++s) {
      p[s] = before(u[start + s]);
      z[s] = standard_normal_centre(p[s] - 0.5);
    }
    std::size_t tails = 0;
    for (std::size_t s = 0; s < m; ++s) {
      tail_at[tails] = static_cast<std::uint32_t>(s);
      tails += in_normal_centre(p[s]) ? 0 : 1;
    }
    for (std::size_t t = 0; t < tails; ++t) tail_p[t] = p[tail_at[t]];
    for (std::size_t t = 0; t < tails; ++t) tail_p[t] = standard_normal_tail(tail_p[t]);
    for (std::size_t t = 0; t < tails; ++t) z[tail_at[t]] = tail_p[t];
    for (std::size_t s = 0; s < m; ++s) x[start + s] = after(z[s]);
  }
#endif
}

// P(Z <= z) and P(Z > z) for the standard normal, through erfc so that each tail keeps its
// relative precision.
TPW_HD inline double standard_normal_cdf(double z) noexcept {
  return 0.5 * tpw::detail::erfc_of(-z * 0.70710678118654752440);
}
TPW_HD inline double standard_normal_survival(double z) noexcept {
  return 0.5 * tpw::detail::erfc_of(z * 0.70710678118654752440);
}

}  // namespace detail

// The Gaussian copula on d uniforms: z = Phi^-1(u), then u_r = Phi(sum_{c <= r} L_rc z_c) with L
// the lower-triangular Cholesky factor of the normal-scale correlation (row-major, d x d), kept
// strictly inside (0, 1) for the inverse CDFs that follow. `z` is scratch for d values.
TPW_HD inline void gaussian_copula(const double* l, unsigned d, double* u, double* z) noexcept {
  for (unsigned k = 0; k < d; ++k) z[k] = detail::standard_normal_quantile(u[k]);
  for (unsigned r = 0; r < d; ++r) {
    double mixed = 0.0;
    for (unsigned c = 0; c <= r; ++c) mixed += l[r * d + c] * z[c];
    u[r] = detail::inside_unit_interval(detail::standard_normal_cdf(mixed));
  }
}

// Whether closed_form_quantile samples this family (the others need distributions.hpp).
TPW_HD constexpr bool has_closed_form(distribution_kind kind) noexcept {
  return kind != distribution_kind::pert && kind != distribution_kind::beta &&
         kind != distribution_kind::empirical;
}

// Each family's inverse CDF at u in (0, 1), without branches (see standard_normal_quantile).
namespace detail {

TPW_HD inline double uniform_quantile(const distribution_params& p, double u) noexcept {
  return p.a + (p.b - p.a) * u;
}

// Below the mode the CDF is (x - a)^2 / ((b - a)(c - a)), so x = a + sqrt(u (b - a)(c - a));
// above it 1 - (b - x)^2 / ((b - a)(b - c)), so x = b - sqrt((1 - u)(b - a)(b - c)). The side
// picks the square root's argument, so one root is taken per draw.
TPW_HD inline double triangular_quantile(const distribution_params& p, double u) noexcept {
  const double width = p.b - p.a;
  const bool below = u < (p.c - p.a) / width;
  const double root =
      tpw::detail::sqrt_of(below ? u * width * (p.c - p.a) : (1.0 - u) * width * (p.b - p.c));
  return below ? p.a + root : p.b - root;
}

// The normal families as a standard normal quantile between two maps: the uniform to the
// standard normal's p, and z to the value.
TPW_HD inline double normal_value(const distribution_params& p, double z) noexcept {
  return p.a + p.b * z;
}

TPW_HD inline double truncated_normal_p(const distribution_params& p, double u) noexcept {
  return p.cut_low + u * (p.cut_high - p.cut_low);
}
TPW_HD inline double truncated_normal_value(const distribution_params& p, double z) noexcept {
  // The sign as a factor (exact) rather than a select on a flag: GCC 12 vectorizes the former.
  const double x = p.c + p.d * ((p.upper_tail ? -1.0 : 1.0) * z);
  return x < p.a ? p.a : (x > p.b ? p.b : x);
}

TPW_HD inline double lognormal_value(const distribution_params& p, double z) noexcept {
  return tpw::detail::exp_of(p.a + p.b * z);
}

}  // namespace detail

// The values at cumulative probabilities u[0, n) into x, for a family with has_closed_form(kind):
// one switch, then a loop the compiler can vectorize. `x` must not overlap `u`.
TPW_FLATTEN TPW_HD inline void closed_form_quantiles(const distribution_params& params,
                                                     const double* TPW_RESTRICT u,
                                                     double* TPW_RESTRICT x,
                                                     std::size_t n) noexcept {
  const distribution_params p = params;  // a local copy: the stores to x cannot change it
  switch (p.kind) {
    case distribution_kind::uniform:
      for (std::size_t s = 0; s < n; ++s) x[s] = detail::uniform_quantile(p, u[s]);
      return;
    case distribution_kind::triangular:
      for (std::size_t s = 0; s < n; ++s) x[s] = detail::triangular_quantile(p, u[s]);
      return;
    case distribution_kind::normal:
      detail::standard_normal_quantiles(
          u, x, n, [](double v) { return v; },
          [&p](double z) { return detail::normal_value(p, z); });
      return;
    case distribution_kind::truncated_normal:
      detail::standard_normal_quantiles(
          u, x, n, [&p](double v) { return detail::truncated_normal_p(p, v); },
          [&p](double z) { return detail::truncated_normal_value(p, z); });
      return;
    case distribution_kind::lognormal:
      detail::standard_normal_quantiles(
          u, x, n, [](double v) { return v; },
          [&p](double z) { return detail::lognormal_value(p, z); });
      return;
    default:  // fixed (and, never reached, the families without a closed form)
      for (std::size_t s = 0; s < n; ++s) x[s] = p.a;
      return;
  }
}

// The value at cumulative probability u in (0, 1), for a family with has_closed_form(kind).
TPW_HD inline double closed_form_quantile(const distribution_params& p, double u) noexcept {
  double x = 0.0;
  closed_form_quantiles(p, &u, &x, 1);
  return x;
}

}  // namespace tpw::mc
