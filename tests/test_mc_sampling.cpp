// Monte Carlo sampling (tpw/mc/sampling/): the generator against its published vectors, every
// distribution by its moments and a Kolmogorov-Smirnov test at a fixed seed, the inverse CDFs
// against Boost.Math's, the copula's rank correlation, the designs, and batches against single
// draws.
#include <doctest/doctest.h>

#include "mc_models.hpp"
#include "support.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>

#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/plan/radix_passes.hpp>
#include <tpw/mc/plan/sobol_passes.hpp>
#include <tpw/mc/sensitivity.hpp>
#include <tpw/model.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;

namespace {

// The Kolmogorov-Smirnov statistic of n draws (uniforms from Philox at seed 2026) against the
// distribution's own CDF.
double ks_statistic(const mc::distribution& d, std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = d.quantile(mc::uniform(2026, i, 0));
  std::sort(x.begin(), x.end());
  double worst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double f = d.cdf(x[i]);
    worst = std::max({worst, std::abs(f - static_cast<double>(i) / n),
                      std::abs(static_cast<double>(i + 1) / n - f)});
  }
  return worst;
}

double sample_mean(const mc::distribution& d, std::size_t n, double& variance) {
  double sum = 0.0, squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = d.quantile(mc::uniform(7, i, 3));
    sum += v;
    squares += v * v;
  }
  const double mean = sum / n;
  variance = squares / n - mean * mean;
  return mean;
}

}  // namespace

TEST_CASE("Philox4x32-10 gives the Random123 known-answer vectors") {
  // Random123's kat_vectors: philox4x32 10 rounds.
  auto zero = mc::philox4x32_10({0, 0, 0, 0}, {0, 0});
  CHECK(zero == mc::philox_counter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  auto ones =
      mc::philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff});
  CHECK(ones == mc::philox_counter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  auto pi =
      mc::philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0});
  CHECK(pi == mc::philox_counter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
  static_assert(mc::philox4x32_10({0, 0, 0, 0}, {0, 0})[0] == 0x6627e8d5u);
}

TEST_CASE("uniforms are a pure function of (seed, i, j), in the open interval (0, 1)") {
  CHECK(mc::open_unit_interval(0) == 0.5 / 4503599627370496.0);
  CHECK(mc::open_unit_interval(~std::uint64_t{0}) < 1.0);
  double block[5];
  mc::uniforms(42, 123, block, 5);
  for (std::uint32_t j = 0; j < 5; ++j) CHECK(block[j] == mc::uniform(42, 123, j));
  CHECK(mc::uniform(42, 123, 0) != mc::uniform(43, 123, 0));
  CHECK(mc::uniform(42, 123, 0) != mc::uniform(42, 124, 0));
  double sum = 0.0;
  for (std::uint64_t i = 0; i < 100000; ++i) sum += mc::uniform(1, i, 0);
  CHECK(sum / 100000 == Approx(0.5).epsilon(0.005));
}

TEST_CASE("every distribution matches its moments and passes Kolmogorov-Smirnov") {
  // Critical value at the 1% level for n = 20000: 1.628 / sqrt(n) = 0.0115.
  const double critical = 1.628 / std::sqrt(20000.0);
  const double e = std::exp(1.0);
  struct expected {
    mc::distribution d;
    double mean, variance;
  };
  const std::vector<expected> cases{
      // uniform(2, 6): mean 4, variance 16 / 12.
      {mc::distribution::uniform(2, 6), 4.0, 16.0 / 12.0},
      // triangular(0, 1, 4): mean 5/3, variance (0 + 1 + 16 - 0 - 0 - 4) / 18 = 13/18.
      {mc::distribution::triangular(0, 1, 4), 5.0 / 3.0, 13.0 / 18.0},
      // PERT(0, 1, 4): mean (0 + 4 + 4) / 6 = 4/3; beta(2, 4) on [0, 4]: variance
      // 16 * 2*4 / (36 * 7) = 128 / 252.
      {mc::distribution::pert(0, 1, 4), 4.0 / 3.0, 128.0 / 252.0},
      {mc::distribution::normal(10, 2), 10.0, 4.0},
      // Truncated standard normal on [0, inf): mean sqrt(2/pi), variance 1 - 2/pi.
      {mc::distribution::truncated_normal(0, 1, 0, tpw_test::infinity),
       std::sqrt(2.0 / std::numbers::pi), 1.0 - 2.0 / std::numbers::pi},
      // lognormal(median e, sigma 0.5): mean e^(1 + 0.125), variance (e^0.25 - 1) e^(2 + 0.25).
      {mc::distribution::lognormal(e, 0.5), std::exp(1.125), std::expm1(0.25) * std::exp(2.25)},
      // beta(2, 5): mean 2/7, variance 10 / (49 * 8).
      {mc::distribution::beta(2, 5), 2.0 / 7.0, 10.0 / 392.0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.d.describe());
    CHECK(c.d.mean() == Approx(c.mean).epsilon(1e-12));
    CHECK(c.d.variance() == Approx(c.variance).epsilon(1e-12));
    double variance = 0.0;
    CHECK(sample_mean(c.d, 200000, variance) == Approx(c.mean).epsilon(0.01));
    CHECK(variance == Approx(c.variance).epsilon(0.02));
    CHECK(ks_statistic(c.d, 20000) < critical);
  }
  // A truncated normal far in the upper tail keeps its precision (the complement is used).
  const auto far = mc::distribution::truncated_normal(0, 1, 8, 9);
  CHECK(far.quantile(1e-9) >= 8.0);
  CHECK(far.quantile(0.5) == Approx(8.0 + std::log(2.0) / 8.0).epsilon(0.01));
  CHECK(ks_statistic(far, 20000) < critical);
}

TEST_CASE("lognormal from P10 / P90, fixed and empirical distributions") {
  const auto d = mc::distribution::lognormal_from_p10_p90(1.0, 4.0);
  CHECK(d.quantile(0.1) == Approx(1.0).epsilon(1e-12));
  CHECK(d.quantile(0.9) == Approx(4.0).epsilon(1e-12));
  CHECK(d.median() == Approx(2.0).epsilon(1e-12));  // sqrt(1 * 4)
  CHECK(mc::distribution::fixed(3.5).quantile(0.123) == 3.5);
  const std::vector<double> own{3.0, 1.0, 2.0, 2.0};
  const auto emp = mc::distribution::empirical(own);
  // Each sample has weight 1/4: u in (0, 1/4) gives 1, [1/4, 3/4) gives 2, the rest 3.
  CHECK(emp.quantile(0.2) == 1.0);
  CHECK(emp.quantile(0.3) == 2.0);
  CHECK(emp.quantile(0.8) == 3.0);
  CHECK(emp.mean() == 2.0);
  CHECK(emp.cdf(2.0) == 0.75);
}

TEST_CASE("the shared closed-form quantiles agree with Boost.Math's, into the far tails") {
  namespace bm = boost::math;
  const bm::normal_distribution<double> standard(0.0, 1.0);
  // AS 241 against Boost's erfc_inv-based quantile: the centre, both tails and the smallest and
  // largest uniform tpw can draw ((k + 1/2) / 2^52).
  double worst = 0.0;
  std::vector<double> ps{0.5, 0.075, 0.925, 1e-3, 0.999, 1e-10, 1e-100, 1e-300};
  ps.push_back(mc::detail::smallest_uniform);
  ps.push_back(mc::detail::largest_uniform);
  for (std::size_t i = 0; i < 20000; ++i) ps.push_back(mc::uniform(7, i, 0));
  for (const double p : ps) {
    const double reference = bm::quantile(standard, p);
    const double z = mc::detail::standard_normal_quantile(p);
    worst = std::max(worst, std::abs(z - reference) / std::max(std::abs(reference), 1e-300));
  }
  CHECK(worst < 1e-14);
  CHECK(mc::detail::standard_normal_quantile(0.5) == 0.0);
  // The CDF through erfc keeps each tail's relative precision: Phi(-30) = 4.906713927148187e-198.
  CHECK(mc::detail::standard_normal_cdf(-30.0) == Approx(4.906713927148187e-198).epsilon(1e-13));
  CHECK(mc::detail::standard_normal_survival(30.0) ==
        Approx(4.906713927148187e-198).epsilon(1e-13));
  CHECK(mc::detail::standard_normal_cdf(1.0) == Approx(bm::cdf(standard, 1.0)).epsilon(1e-15));
  // Triangular(1, 2, 4): the CDF at the mode is (2 - 1) / (4 - 1) = 1/3; below it
  // x = 1 + sqrt(u * 3 * 1), above it x = 4 - sqrt((1 - u) * 3 * 2).
  const auto t = mc::distribution::triangular(1.0, 2.0, 4.0);
  CHECK(t.quantile(1.0 / 3.0) == Approx(2.0).epsilon(1e-15));
  CHECK(t.quantile(0.12) == Approx(1.0 + std::sqrt(0.36)).epsilon(1e-15));
  CHECK(t.quantile(0.5) == Approx(4.0 - std::sqrt(3.0)).epsilon(1e-15));
  // A mode at a bound: 1 - (4 - x)^2 / 9 = 1/4 and (x - 1)^2 / 9 = 1/4.
  CHECK(mc::distribution::triangular(1.0, 1.0, 4.0).quantile(0.25) ==
        Approx(4.0 - std::sqrt(6.75)).epsilon(1e-15));
  CHECK(mc::distribution::triangular(1.0, 4.0, 4.0).quantile(0.25) == Approx(2.5).epsilon(1e-15));
}

TEST_CASE("bad distribution parameters are refused, naming the parameter") {
  CHECK(message_of([] { (void)mc::distribution::uniform(2, 1, "costs.energy.price_per_kwh"); }) ==
        "costs.energy.price_per_kwh.high = 1: must be above low (2)");
  CHECK(message_of([] { (void)mc::distribution::normal(1, -1, "x"); }) ==
        "x.sd = -1: a standard deviation must be > 0");
  CHECK(message_of([] { (void)mc::distribution::triangular(0, 5, 4, "x"); }) ==
        "x.mode = 5: must lie in [low, high] = [0, 4]");
  CHECK(message_of([] { (void)mc::distribution::lognormal(0, 1, "x"); }) ==
        "x.median = 0: a lognormal's median must be > 0");
  CHECK(message_of([] { (void)mc::distribution::lognormal_from_p10_p90(4, 1, "x"); }) ==
        "x.p90 = 1: must be above p10 (4)");
  CHECK(message_of([] { (void)mc::distribution::beta(0, 1, 0, 1, "x"); }) ==
        "x.alpha = 0: a beta shape must be in [0.01, 1000000]");
  CHECK(message_of([] { (void)mc::distribution::uniform(tpw_test::not_a_number, 1, "x"); }) ==
        "x.low = nan: must be a finite number");
  CHECK(message_of([] { (void)mc::distribution::empirical(std::vector<double>{}, "x"); }) ==
        "x.samples = 0: an empirical distribution needs at least one sample");
  CHECK(message_of([] {
          (void)mc::distribution::truncated_normal(0, 1, 50, 60, "x");
        }).find("holds no probability") != std::string::npos);
}

TEST_CASE("the Gaussian copula gives the asked rank correlation and keeps the marginals") {
  Eigen::MatrixXd rho(2, 2);
  rho << 1.0, 0.6, 0.6, 1.0;
  const mc::input_space space(
      {{"a", mc::distribution::uniform(0, 1)}, {"b", mc::distribution::lognormal(1, 1)}}, rho);
  const std::size_t n = 50000;
  Eigen::VectorXd a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    double u[2] = {mc::uniform(5, i, 0), mc::uniform(5, i, 1)};
    double x[2];
    space.transform(u, x);
    a(static_cast<Eigen::Index>(i)) = x[0];
    b(static_cast<Eigen::Index>(i)) = x[1];
  }
  // Spearman = Pearson of the ranks.
  const Eigen::VectorXd ra = mc::detail::ranks_of_values(a);
  const Eigen::VectorXd rb = mc::detail::ranks_of_values(b);
  const double spearman =
      ((ra.array() - ra.mean()) * (rb.array() - rb.mean())).sum() /
      std::sqrt((ra.array() - ra.mean()).square().sum() * (rb.array() - rb.mean()).square().sum());
  CHECK(spearman == Approx(0.6).epsilon(0.02));
  CHECK(a.mean() == Approx(0.5).epsilon(0.01));  // the uniform marginal is kept
  // A matrix that is not positive definite is refused.
  Eigen::MatrixXd bad(3, 3);
  bad << 1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0;
  const auto three = [] {
    return std::vector<mc::uncertain_input>{{"a", mc::distribution::uniform(0, 1)},
                                            {"b", mc::distribution::uniform(0, 1)},
                                            {"c", mc::distribution::uniform(0, 1)}};
  };
  CHECK(message_of([&] { mc::input_space s(three(), bad); }) ==
        "uncertainty.correlation = 3: the rank correlation matrix is not positive definite (on "
        "the normal scale of the copula): these correlations cannot hold together");
  Eigen::MatrixXd asymmetric = Eigen::MatrixXd::Identity(3, 3);
  asymmetric(0, 1) = 0.5;
  CHECK(message_of([&] { mc::input_space s(three(), asymmetric); }) ==
        "uncertainty.correlation[0][1] = 0.5: a correlation matrix must be symmetric; [1][0] = 0");
}

TEST_CASE("Latin hypercube puts one sample in each of the N strata of every coordinate") {
  const std::uint64_t n = 1000;
  const mc::sample_design lhs(mc::design_kind::latin_hypercube, n, 3, 9);
  for (std::uint32_t j = 0; j < 3; ++j) {
    std::set<std::uint64_t> strata;
    for (std::uint64_t i = 0; i < n; ++i) {
      strata.insert(static_cast<std::uint64_t>(lhs.uniform(i, j) * n));
    }
    CHECK(strata.size() == n);
  }
  // The strata permutation is a bijection for sizes that are not powers of two.
  std::set<std::uint64_t> image;
  for (std::uint64_t i = 0; i < 777; ++i) image.insert(mc::detail::permute_index(i, 777, 3, 1));
  CHECK(image.size() == 777);
  CHECK(*image.rbegin() == 776);
}

TEST_CASE("Sobol' points follow Boost's Joe-Kuo sequence under a digital shift") {
  // Unshifted, the sequence starts 0, 1/2, (3/4, 1/4), (1/4, 3/4) in the first two coordinates.
  const auto v = mc::sobol_direction_numbers(2);
  CHECK(mc::sobol_point(&v[0], 0) == 0u);
  CHECK(mc::sobol_point(&v[0], 1) == 0x80000000u);
  CHECK(mc::sobol_point(&v[0], 2) == 0xc0000000u);
  CHECK(mc::sobol_point(&v[32], 2) == 0x40000000u);
  CHECK(mc::sobol_point(&v[32], 3) == 0xc0000000u);
  // 2^m points of a shifted Sobol' design put exactly one point in each 1/2^m interval.
  const mc::sample_design sobol(mc::design_kind::sobol, 256, 4, 11);
  for (std::uint32_t j = 0; j < 4; ++j) {
    std::set<int> cells;
    for (std::uint64_t i = 0; i < 256; ++i)
      cells.insert(static_cast<int>(sobol.uniform(i, j) * 256));
    CHECK(cells.size() == 256);
  }
}

TEST_CASE("a batch draws the same uniforms as one draw at a time") {
  // The uniform from 64 bits, converted as two 26-bit halves: the value of converting k at once.
  const auto direct = [](std::uint64_t bits) {
    return (static_cast<double>(bits >> 12) + 0.5) / 4503599627370496.0;
  };
  std::vector<std::uint64_t> bits{0, ~std::uint64_t{0}, std::uint64_t{1} << 12,
                                  (std::uint64_t{1} << 38) - 1, std::uint64_t{1} << 38};
  for (std::uint64_t i = 0; i < 1000; ++i) bits.push_back(mc::random_bits(3, i, 0));
  bool same = true;
  for (const std::uint64_t b : bits) same = same && mc::open_unit_interval(b) == direct(b);
  CHECK(same);
  // Five inputs (an odd count: the last pair has one) of 37 samples from sample 1000, by input.
  constexpr std::size_t stride = 40;
  std::vector<double> u(5 * stride, -1.0);
  mc::uniform_columns(42, 1000, 37, 5, u.data(), stride);
  for (std::uint32_t j = 0; j < 5; ++j) {
    for (std::uint32_t s = 0; s < 37; ++s) {
      CHECK(u[j * stride + s] == mc::uniform(42, 1000 + s, j));
    }
    CHECK(u[j * stride + 37] == -1.0);  // nothing written past the batch
  }
}

TEST_CASE("batch quantiles give each draw's own value, centre and tails alike") {
  // The normal families compute AS 241's centre for a whole block and its tails only for the p
  // gathered from them: each value must be the one-draw formula's, wherever it sits in a batch.
  std::vector<double> u{0.5,
                        0.075,
                        0.925,
                        std::nextafter(0.075, 0.0),
                        std::nextafter(0.925, 1.0),
                        mc::detail::smallest_uniform,
                        mc::detail::largest_uniform,
                        1e-300};
  for (std::uint64_t i = 0; u.size() < 700; ++i) u.push_back(mc::uniform(11, i, 0));  // > 2 blocks
  u.push_back(1e-10);  // a far tail in the last, partial block
  using d = mc::distribution;
  const auto upper = d::truncated_normal(0.0, 1.0, 3.0, 1e300);
  REQUIRE(upper.params().upper_tail);
  REQUIRE_FALSE(d::truncated_normal(3.9e6, 0.3e6, 0.0, 1e300).params().upper_tail);
  const auto z = [](double p) { return mc::detail::standard_normal_quantile(p); };
  const auto truncated = [&](const mc::distribution_params& q, double v) {
    const double x =
        q.c + q.d * ((q.upper_tail ? -1.0 : 1.0) * z(q.cut_low + v * (q.cut_high - q.cut_low)));
    return std::clamp(x, q.a, q.b);
  };
  const std::vector<std::pair<d, std::function<double(const mc::distribution_params&, double)>>>
      cases{{d::normal(2.0, 3.0), [&](const auto& q, double v) { return q.a + q.b * z(v); }},
            {d::lognormal(5789.6, 0.2),
             [&](const auto& q, double v) { return std::exp(q.a + q.b * z(v)); }},
            {d::truncated_normal(3.9e6, 0.3e6, 0.0, 1e300), truncated},
            {upper, truncated},
            {d::triangular(1.0, 2.0, 4.0), [](const auto& q, double v) {
               // (2 - 1) / (4 - 1): below the mode 1 + sqrt(3 v), above it 4 - sqrt(6 (1 - v)).
               (void)q;
               return v < 1.0 / 3.0 ? 1.0 + std::sqrt(v * 3.0 * 1.0)
                                    : 4.0 - std::sqrt((1.0 - v) * 3.0 * 2.0);
             }}};
  for (const auto& c : cases) {  // not a structured binding: clang 14 cannot capture one
    const mc::distribution& dist = c.first;
    const auto& one = c.second;
    std::vector<double> x(u.size() + 1, -7.0);
    dist.quantiles(u.data(), x.data(), u.size());
    std::size_t differ = 0;
    for (std::size_t s = 0; s < u.size(); ++s) differ += x[s] == one(dist.params(), u[s]) ? 0 : 1;
    CHECK_MESSAGE(differ == 0, dist.describe());
    CHECK(x[u.size()] == -7.0);  // nothing written past the batch
  }
}

TEST_CASE("the strata permutation: a batch gives each index's own stratum, at every size") {
  // Sizes at, just above and just below powers of two (where up to half the domain walks).
  for (const std::uint64_t n :
       {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{256},
        std::uint64_t{257}, std::uint64_t{1000}, std::uint64_t{4095}, std::uint64_t{4097}}) {
    const auto keys = mc::detail::make_permutation_keys(n, 5, 2);
    std::set<std::uint64_t> image;
    for (std::uint64_t first = 0; first < n; first += 256) {
      const auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(256, n - first));
      std::uint64_t strata[256];
      mc::detail::permute_indices(first, count, keys, strata);
      for (std::uint32_t s = 0; s < count; ++s) {
        CHECK(strata[s] == mc::detail::permute_index(first + s, n, 5, 2));
        image.insert(strata[s]);
      }
    }
    CHECK(image.size() == n);
    CHECK(*image.rbegin() == n - 1);
  }
  // Two coordinates' permutations are unrelated: their rank correlation over 4097 strata is
  // within 4 standard errors (1 / sqrt(n - 1)) of 0, and so is a permutation's with its index.
  const std::uint64_t n = 4097;
  double with_other = 0.0;
  double with_index = 0.0;
  const double centre = (static_cast<double>(n) - 1.0) / 2.0;
  double spread = 0.0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const double a = static_cast<double>(mc::detail::permute_index(i, n, 5, 0)) - centre;
    const double b = static_cast<double>(mc::detail::permute_index(i, n, 5, 1)) - centre;
    with_other += a * b;
    with_index += a * (static_cast<double>(i) - centre);
    spread += a * a;
  }
  CHECK(std::abs(with_other / spread) < 4.0 / std::sqrt(static_cast<double>(n - 1)));
  CHECK(std::abs(with_index / spread) < 4.0 / std::sqrt(static_cast<double>(n - 1)));
}

TEST_CASE("PERT and beta inputs come from a table within 1e-12 of Boost.Math's inverse CDF") {
  namespace bm = boost::math;
  // PERT shapes are in [1, 5]; betas from well below 1 to far above.
  const std::vector<mc::distribution> tabulated = {
      mc::distribution::pert(0, 1, 4),        mc::distribution::pert(0.5, 0.7, 0.85),
      mc::distribution::pert(9e6, 9e6, 15e6), mc::distribution::pert(1, 2, 2),
      mc::distribution::beta(2, 5, 10, 20),   mc::distribution::beta(0.5, 2.5),
      mc::distribution::beta(1000, 5),        mc::distribution::beta(1.2, 0.3, -1, 1)};
  for (const auto& d : tabulated) {
    CAPTURE(d.describe());
    REQUIRE(d.tabulated());
    CHECK(d.table_error() <= 1e-12);
    const auto& q = d.params();
    const mc::detail::beta_dist standard(q.c, q.d);
    double worst = 0.0;
    // 200,000 uniforms across (0, 1), and the far tails (beyond the table: Boost itself).
    for (int k = 0; k < 200000; ++k) {
      const double u = (k + 0.5) / 200000.0;
      worst = std::max(worst,
                       std::abs(d.quantile(u) - (q.a + (q.b - q.a) * bm::quantile(standard, u))));
    }
    CHECK(worst <= 1e-12 * (q.b - q.a));
    for (const double u : {mc::detail::smallest_uniform, 1e-9, 1e-5, 1.0 - 1e-5, 1.0 - 1e-12}) {
      CHECK(d.quantile(u) == q.a + (q.b - q.a) * bm::quantile(standard, u));
    }
    // A batch gives each value's own.
    std::vector<double> u(1000), x(1000);
    for (std::size_t s = 0; s < u.size(); ++s) u[s] = mc::uniform(3, s, 0);
    u[7] = 1e-7;  // beyond the table
    d.quantiles(u.data(), x.data(), u.size());
    for (std::size_t s = 0; s < u.size(); ++s) CHECK(x[s] == d.quantile(u[s]));
  }
  // A shape far below 1 makes x(u) too steep near 0 for the table: Boost.Math for every value.
  const auto steep = mc::distribution::beta(0.01, 0.3);
  CHECK_FALSE(steep.tabulated());
  const mc::detail::beta_dist standard(0.01, 0.3);
  CHECK(steep.quantile(0.3) == bm::quantile(standard, 0.3));
}

TEST_CASE("every design's batch gives each sample's own uniforms") {
  // Batches from sample 0 and from odd starts (the Sobol' batch starts from the Gray code of its
  // first point, then steps by the recurrence), against one uniform at a time.
  for (const auto kind :
       {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube, mc::design_kind::sobol}) {
    const mc::sample_design design(kind, 100000, 6, 17);
    for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{255},
                                      std::uint64_t{65535}, std::uint64_t{99800}}) {
      const auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(200, 100000 - first));
      std::vector<double> u(6 * 256);
      design.uniform_columns(first, count, u.data(), 256);
      bool same = true;
      for (std::uint32_t j = 0; j < 6; ++j) {
        for (std::uint32_t s = 0; s < count; ++s) {
          same = same && u[j * 256 + s] == design.uniform(first + s, j);
        }
      }
      CAPTURE(mc::to_string(kind));
      CAPTURE(first);
      CHECK(same);
    }
  }
}

TEST_CASE("PERT and beta inputs of one shape share one table, built once") {
  using d = mc::distribution;
  using cache = mc::detail::beta_table_cache;
  // pert(0, 3, 10) and pert(100, 130, 200) are both Beta(2.2, 3.8) scaled: one table.
  const auto a = d::pert(0.0, 3.0, 10.0);
  const auto b = d::pert(100.0, 130.0, 200.0);
  CHECK(cache::get(2.2, 3.8) == cache::get(2.2, 3.8));
  // Their samples are the same standard beta, scaled: x_b = 100 + 10 x_a.
  for (const double u : {1e-5, 0.01, 0.3, 0.5, 0.77, 0.999}) {
    CAPTURE(u);
    CHECK(b.quantile(u) == doctest::Approx(100.0 + 10.0 * a.quantile(u)).epsilon(1e-13));
  }
  // More shapes than the cache holds: the oldest is rebuilt when asked again, the same numbers.
  const double before = d::pert(0.0, 0.123, 1.0).quantile(0.4);
  for (std::size_t k = 0; k <= cache::capacity; ++k) {
    (void)d::beta(1.5 + 0.01 * static_cast<double>(k), 2.5);
  }
  CHECK(d::pert(0.0, 0.123, 1.0).quantile(0.4) == before);
}
