// Monte Carlo: the generator against its published vectors, every distribution by its moments and
// a Kolmogorov-Smirnov test at a fixed seed, the copula's rank correlation, the designs, the
// engine's exact quantiles and its independence from threads, and the sensitivity measures
// against analytic answers (Ishigami, Sobol' G-function, a linear model).
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

#include <boost/math/distributions/normal.hpp>

#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/radix_engine.hpp>
#include <tpw/mc/radix_sobol.hpp>
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
  // The Feistel permutation is a bijection for sizes that are not powers of two.
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

TEST_CASE("the engine: analytic statistics, exact quantiles, and bitwise the same on any threads") {
  // y = a + b with a ~ normal(10, 2), b ~ uniform(0, 1): mean 10.5, sd sqrt(4 + 1/12).
  const mc::input_space space(
      {{"a", mc::distribution::normal(10, 2)}, {"b", mc::distribution::uniform(0, 1)}});
  const auto model = [](std::span<const double> x) { return x[0] + x[1]; };
  mc::run_options o;
  o.samples = 300000;
  o.seed = 42;
  o.exceedances = {{"output", 12.0, 0.0}};
  std::vector<mc::run_result> runs;
  for (unsigned threads : {1u, 2u, 8u}) {
    o.threads = threads;
    runs.push_back(mc::run(space, model, o));
  }
  const auto& s = runs[0].outputs[0];
  CHECK(s.mean == Approx(10.5).epsilon(0.002));
  CHECK(s.sd == Approx(std::sqrt(4.0 + 1.0 / 12.0)).epsilon(0.005));
  CHECK(s.standard_error == Approx(s.sd / std::sqrt(300000.0)));
  CHECK(s.quantile(0.5) == Approx(10.5).epsilon(0.002));
  for (const auto& r : runs) {
    CHECK(r.outputs[0].mean == s.mean);
    CHECK(r.outputs[0].sd == s.sd);
    CHECK(r.outputs[0].quantiles == s.quantiles);
    CHECK(r.outputs[0].expected_shortfall_upper == s.expected_shortfall_upper);
    CHECK(r.exceedances[0].probability == runs[0].exceedances[0].probability);
  }
  // Keeping the samples and selecting gives the same quantiles bit for bit, and the same tails.
  o.keep_samples = true;
  const auto kept = mc::run(space, model, o);
  CHECK(kept.outputs[0].quantiles == s.quantiles);
  CHECK(kept.outputs[0].expected_shortfall_upper ==
        Approx(s.expected_shortfall_upper).epsilon(1e-13));
  CHECK(kept.outputs[0].expected_shortfall_lower ==
        Approx(s.expected_shortfall_lower).epsilon(1e-13));
  std::vector<double> sorted;
  for (std::uint64_t i = 0; i < o.samples; ++i) sorted.push_back(kept.output_samples[i]);
  std::sort(sorted.begin(), sorted.end());
  // P95 by hand: h = (n - 1) * 0.95 = 284999.05, so x[284999] + 0.05 (x[285000] - x[284999]).
  CHECK(s.quantile(0.95) ==
        Approx(sorted[284999] + 0.05 * (sorted[285000] - sorted[284999])).epsilon(1e-15));
  // Expected shortfall at 95%: the mean of the largest 15000 samples.
  double top = 0.0;
  for (std::size_t k = 285000; k < 300000; ++k) top += sorted[k];
  CHECK(s.expected_shortfall_upper == Approx(top / 15000).epsilon(1e-12));
  std::size_t above = 0;
  for (const double v : sorted) above += v > 12.0;
  CHECK(runs[0].exceedances[0].probability == static_cast<double>(above) / 300000);
}

TEST_CASE("the multi-pass refinement pins the same quantiles when pass 1 cannot") {
  const mc::input_space space({{"a", mc::distribution::lognormal(1, 1)}});
  const auto model = [](std::span<const double> x) { return x[0]; };
  mc::run_options o;
  o.samples = 200000;
  o.seed = 1;
  o.quantile_budget = 1500;  // too small to collect the predicted bands in pass 1
  o.probabilities = mc::percentiles();
  const auto streamed = mc::run(space, model, o);
  CHECK(streamed.passes >= 2);
  o.keep_samples = true;
  const auto kept = mc::run(space, model, o);
  CHECK(streamed.outputs[0].quantiles == kept.outputs[0].quantiles);
  CHECK(streamed.outputs[0].expected_shortfall_upper ==
        Approx(kept.outputs[0].expected_shortfall_upper).epsilon(1e-13));
  // A constant output is pinned without collecting anything.
  const auto constant = mc::run(
      space, [](std::span<const double>) { return 2.5; }, o);
  CHECK(constant.outputs[0].quantile(0.37) == 2.5);
}

TEST_CASE("progress is reported, a stop request cancels, a non-finite output is refused") {
  const mc::input_space space({{"a", mc::distribution::uniform(0, 1)}});
  const auto model = [](std::span<const double> x) { return x[0]; };
  mc::run_options o;
  o.samples = 1'000'000;
  std::vector<std::uint64_t> seen;
  o.on_progress = [&](const mc::progress& p) { seen.push_back(p.done); };
  (void)mc::run(space, model, o);
  REQUIRE(!seen.empty());
  CHECK(seen.back() == 1'000'000);
  CHECK(std::is_sorted(seen.begin(), seen.end()));

  std::stop_source source;
  o.stop = source.get_token();
  o.on_progress = [&](const mc::progress& p) {
    if (p.done >= 300'000) source.request_stop();
  };
  CHECK_THROWS_AS((void)mc::run(space, model, o), mc::cancelled);

  mc::run_options plain;
  plain.samples = 1000;
  CHECK(message_of([&] {
          (void)mc::run(
              space, [](std::span<const double> x) { return 1.0 / (x[0] - x[0]); }, plain);
        }).starts_with("output = inf: the model gave a non-finite value at sample 0 (a = "));
  plain.tail_level = 1.0;
  CHECK(message_of([&] { (void)mc::run(space, model, plain); }) ==
        "uncertainty.tail_level = 1: must be in (0, 1)");
}

TEST_CASE("the Monte Carlo cost model is the deterministic model, sample by sample") {
  using namespace tpw;
  using mc::cost_input;
  const mc::cost_parameters p = tpw_test::gb200();
  // The deterministic model of the same scenario.
  const deployment d({.accelerators_per_system = 72,
                      .it_power = 132.0 * units::kW,
                      .idle_power = 40.0 * units::kW,
                      .pue = tpw::pue(1.2),
                      .utilization = fraction(0.7),
                      .throughput = 5789.6 * units::tok / units::second});
  const annual_rate r(0.08);
  const auto e =
      evaluate(d, 2.0 * units::usd / units::Mtok,
               owned_hardware<USD>({3.9e6 * units::usd, 4.0 * units::year, fraction(0.1), r}),
               built_facility<USD>({11.7e6 * units::usd / units::MW, 15.0 * units::year, r}),
               energy_cost<USD>({0.08 * units::usd / units::kWh}),
               opex<USD>({fraction(0.03), 3.9e6 * units::usd, 4500.0 * units::usd / units::year,
                          0.0 * units::usd / units::year}));
  double y[mc::cost_output_count];
  mc::cost_figures<USD>(p, y);
  CHECK(y[0] == Approx(in(e.cost_per_token.total, units::usd / units::Mtok)).epsilon(1e-14));
  CHECK(y[3] == Approx(in(e.cost_per_token.energy, units::usd / units::Mtok)).epsilon(1e-14));
  CHECK(y[6] == Approx(e.tokens_per_joule.value()).epsilon(1e-14));
  CHECK(y[9] == Approx(e.revenue->gross_margin).epsilon(1e-14));

  // Uncertain inputs: with a fixed distribution at the base value, every sample is the base.
  const mc::cost_model<USD> fixed(p, {{cost_input::utilization, mc::distribution::fixed(0.7)}});
  mc::run_options o;
  o.samples = 1000;
  const auto run = mc::run(fixed, o);
  CHECK(run.output("cost_per_mtok").min == Approx(y[0]).epsilon(1e-14));
  CHECK(run.output("cost_per_mtok").max == Approx(y[0]).epsilon(1e-14));
  CHECK(run.input_names == std::vector<std::string>{"deployment.utilization"});
}

TEST_CASE("the plain cost plan (the GPU engine's per-sample code) is the CPU engine, bit for bit") {
  using mc::cost_input;
  using d = mc::distribution;
  const std::vector<mc::cost_model<tpw::USD>::uncertain> uncertain{
      {cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
      {cost_input::throughput_tok_s, d::lognormal(5789.6, 0.2)},
      {cost_input::energy_price_per_kwh, d::uniform(0.04, 0.15)},
      {cost_input::hardware_price, d::truncated_normal(3.9e6, 0.3e6, 3e6, 5e6)},
      {cost_input::cost_of_capital, d::lognormal(0.08, 0.1)}};
  Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(5, 5);
  rho(0, 1) = rho(1, 0) = 0.6;
  rho(2, 4) = rho(4, 2) = -0.3;
  const mc::cost_model<tpw::USD> independent(tpw_test::gb200(), uncertain);
  const mc::cost_model<tpw::USD> correlated(tpw_test::gb200(), uncertain, rho);
  for (const auto* model : {&independent, &correlated}) {
    for (const auto kind :
         {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube, mc::design_kind::sobol}) {
      CAPTURE(mc::to_string(kind));
      mc::run_options o;
      o.samples = 512;
      o.seed = 11;
      o.design = kind;
      o.keep_samples = true;
      const auto run = mc::run(*model, o);
      const mc::cost_plan plan = model->plan();
      CHECK(plan.correlated == (model == &correlated));
      const mc::sample_design design(kind, o.samples, plan.inputs, o.seed);
      bool same = true;
      for (std::uint64_t i = 0; i < o.samples; ++i) {
        double x[mc::cost_input_count];
        double y[mc::cost_output_count];
        mc::plan_figures<tpw::USD>(plan, design.view(), i, x, y);
        for (std::uint32_t k = 0; k < plan.inputs; ++k) {
          same = same && x[k] == run.input_samples[i * plan.inputs + k];
        }
        for (std::uint32_t k = 0; k < plan.outputs(); ++k) {
          same = same && y[k] == run.output_samples[i * plan.outputs() + k];
        }
      }
      CHECK(same);
    }
  }
  // PERT, beta and empirical inputs have no closed-form quantile: the CPU engine only.
  const mc::cost_model<tpw::USD> pert(tpw_test::gb200(),
                                      {{cost_input::utilization, d::pert(0.5, 0.7, 0.85)}});
  CHECK(message_of([&] { (void)pert.plan(); }) ==
        "deployment.utilization = \"pert(low 0.5, mode 0.7, high 0.85)\": the GPU engine samples "
        "fixed, uniform, triangular, normal, truncated normal and lognormal inputs; run PERT, beta "
        "and empirical ones on the CPU engine");
}

TEST_CASE("the GPU engine's radix passes, run on the host, give the CPU engine's statistics") {
  const auto independent = tpw_test::eight_inputs(false);
  const auto correlated = tpw_test::eight_inputs(true);
  const auto relative = [](double a, double b) {
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
  };
  const std::vector<std::pair<const mc::cost_model<tpw::USD>*, mc::design_kind>> cases{
      {&independent, mc::design_kind::monte_carlo},
      {&correlated, mc::design_kind::latin_hypercube},
      {&independent, mc::design_kind::sobol}};
  for (const auto& entry : cases) {
    {
      const auto* model = entry.first;
      const auto kind = entry.second;
      CAPTURE(mc::to_string(kind));
      mc::run_options o;
      o.samples = 20'000;
      o.seed = 5;
      o.design = kind;
      o.probabilities = {0.0, 0.01, 0.05, 0.5, 0.95, 0.99, 1.0};
      o.exceedances = {{"cost_per_mtok", 0.25, 0.0}, {"gross_margin", 0.9, 0.0}};
      const auto cpu = mc::run(*model, o);
      mc::radix::host_backend backend;
      std::vector<unsigned> passes;
      o.on_progress = [&](const mc::progress& p) { passes.push_back(p.pass); };
      const auto gpu = mc::radix::run_passes<tpw::USD>(backend, model->plan(), o);
      CHECK(passes == std::vector<unsigned>{1, 2, 3, 4});
      CHECK(gpu.passes == 4);
      REQUIRE(gpu.outputs.size() == cpu.outputs.size());
      double worst = 0.0;
      bool exact = true;
      for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
        const auto& a = gpu.outputs[k];
        const auto& b = cpu.outputs[k];
        worst = std::max({worst, relative(a.mean, b.mean), relative(a.sd, b.sd),
                          relative(a.expected_shortfall_upper, b.expected_shortfall_upper),
                          relative(a.expected_shortfall_lower, b.expected_shortfall_lower)});
        // The same samples, so the same order statistics, bit for bit.
        exact = exact && a.quantiles == b.quantiles && a.min == b.min && a.max == b.max &&
                a.count == b.count;
      }
      CHECK(worst < 1e-12);
      CHECK(exact);
      CHECK(gpu.exceedances[0].probability == cpu.exceedances[0].probability);
      CHECK(gpu.exceedances[1].probability == cpu.exceedances[1].probability);
    }
  }
  // Kept samples come back bit for bit; a summarized subset works as on the CPU.
  mc::run_options o;
  o.samples = 3000;
  o.keep_samples = true;
  o.outputs = {"tokens_per_joule"};
  mc::radix::host_backend backend;
  const auto gpu = mc::radix::run_passes<tpw::USD>(backend, independent.plan(), o);
  const auto cpu = mc::run(independent, o);
  CHECK(gpu.input_samples == cpu.input_samples);
  CHECK(gpu.output_samples == cpu.output_samples);
  CHECK(gpu.output("tokens_per_joule").quantiles == cpu.output("tokens_per_joule").quantiles);
  CHECK(gpu.output("tokens_per_joule").expected_shortfall_upper ==
        Approx(cpu.output("tokens_per_joule").expected_shortfall_upper).epsilon(1e-13));
  // Bad options are refused as the CPU engine refuses them.
  o.outputs = {"no_such_output"};
  CHECK(message_of([&] {
          (void)mc::radix::run_passes<tpw::USD>(backend, independent.plan(), o);
        }) == message_of([&] { (void)mc::run(independent, o); }));
}

TEST_CASE("the GPU engine's Sobol' passes, run on the host, give the CPU's indices to 1e-9") {
  const auto model = tpw_test::eight_inputs(false);
  for (const auto kind : {mc::design_kind::sobol, mc::design_kind::monte_carlo}) {
    CAPTURE(mc::to_string(kind));
    mc::sobol_options o;
    o.base_samples = 20'000;  // a block of 16384 rows and a partial one
    o.seed = 3;
    o.design = kind;
    o.bootstrap = 20;
    const auto cpu = mc::sobol_analysis(model.inputs(), model, o, model.output_names());
    mc::radix::host_backend backend;
    const auto gpu = mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o);
    REQUIRE(gpu.size() == cpu.size());
    double worst = 0.0;
    double worst_variance = 0.0;
    bool names = true;
    for (std::size_t k = 0; k < cpu.size(); ++k) {
      names = names && gpu[k].output == cpu[k].output;
      worst_variance = std::max(
          worst_variance, std::abs(gpu[k].variance - cpu[k].variance) / std::abs(cpu[k].variance));
      REQUIRE(gpu[k].indices.size() == 8);
      for (std::size_t j = 0; j < 8; ++j) {
        const auto& a = gpu[k].indices[j];
        const auto& b = cpu[k].indices[j];
        names = names && a.input == b.input;
        worst =
            std::max({worst, std::abs(a.first - b.first), std::abs(a.total - b.total),
                      std::abs(a.first_low - b.first_low), std::abs(a.first_high - b.first_high),
                      std::abs(a.total_low - b.total_low), std::abs(a.total_high - b.total_high)});
      }
    }
    CHECK(names);
    CHECK(worst < 1e-9);
    CHECK(worst_variance < 1e-12);
    // Not a vacuous agreement: utilization and throughput drive cost per Mtok, and the intervals
    // are intervals.
    const auto& cost = gpu[0].indices;
    CHECK(cost[0].first + cost[1].first > 0.5);
    CHECK(cost[1].first_low < cost[1].first_high);
  }
  // Refused as the CPU refuses: a correlated plan, too few rows, a bad confidence.
  const auto correlated = tpw_test::eight_inputs(true);
  mc::radix::host_backend backend;
  mc::sobol_options o;
  o.base_samples = 100;
  CHECK(message_of([&] { (void)mc::radix::run_sobol<tpw::USD>(backend, correlated.plan(), o); }) ==
        message_of([&] {
          (void)mc::sobol_analysis(correlated.inputs(), correlated, o, correlated.output_names());
        }));
  o.base_samples = 1;
  CHECK(message_of([&] { (void)mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o); }) ==
        "uncertainty.samples = 1: Sobol' indices need at least 2 base samples");
  o.base_samples = 100;
  o.confidence = 1.0;
  CHECK(message_of([&] { (void)mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o); }) ==
        "sobol.confidence = 1: must be in (0, 1)");
  // A stop request cancels.
  o.confidence = 0.95;
  std::stop_source source;
  source.request_stop();
  o.stop = source.get_token();
  CHECK_THROWS_AS((void)mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o), mc::cancelled);
}

TEST_CASE("the cost model refuses a distribution that can break its input's rule") {
  using mc::cost_input;
  const mc::cost_parameters p = tpw_test::gb200();
  const auto with = [&](cost_input k, mc::distribution d) {
    return message_of([&] { mc::cost_model<tpw::USD> m(p, {{k, d}}); });
  };
  // A normal's samples reach 8.2 sd either side: 0.7 - 8.2095 * 0.1 = -0.12.
  CHECK(with(cost_input::utilization, mc::distribution::normal(0.7, 0.1)) ==
        "deployment.utilization = \"normal(mean 0.7, sd 0.1)\": its samples reach "
        "[-0.1209536151601387, 1.5209536151601386], below the allowed range [1e-06, 1]; narrow "
        "it, or use a bounded distribution (uniform, triangular, PERT, beta, truncated normal) "
        "(tpw's limits: docs/scenario-limits.md)");
  CHECK(with(cost_input::pue, mc::distribution::uniform(0.9, 1.3))
            .starts_with("costs.energy.pue = \"uniform(low 0.9, high 1.3)\": its samples reach "
                         "[0.9, 1.3], below"));
  CHECK(with(cost_input::utilization, mc::distribution::uniform(0.5, 1.2))
            .find("[0.5, 1.2], above the allowed range [1e-06, 1]") != std::string::npos);
  // A normal that stays inside the rule at every sample it can draw is accepted.
  CHECK(with(cost_input::utilization, mc::distribution::normal(0.7, 0.03)) == "(no error)");
  CHECK(with(cost_input::idle_power_kw, mc::distribution::uniform(30, 140)) ==
        "deployment.idle_power_kw = 140: its highest value must not exceed the lowest "
        "it_power_kw (132): idle draws no more than serving");
  CHECK(with(cost_input::rental_per_accelerator_hour, mc::distribution::uniform(1, 2))
            .find("takes no part in the scenario") != std::string::npos);
  // The base is validated by the deterministic model's own constructors.
  mc::cost_parameters bad = tpw_test::gb200();
  bad[cost_input::pue] = 0.9;
  CHECK(message_of([&] { mc::cost_model<tpw::USD> m(bad, {}); }) ==
        "costs.energy.pue = 0.9: a PUE is facility power over IT power: finite and >= 1");
  // Accepted: a lognormal throughput, a triangular energy price.
  CHECK(with(cost_input::throughput_tok_s, mc::distribution::lognormal(5789.6, 0.2)) ==
        "(no error)");
}

TEST_CASE("Sobol' indices of the Ishigami function (a = 7, b = 0.1)") {
  const double pi = std::numbers::pi;
  const mc::input_space space({{"x1", mc::distribution::uniform(-pi, pi)},
                               {"x2", mc::distribution::uniform(-pi, pi)},
                               {"x3", mc::distribution::uniform(-pi, pi)}});
  const auto ishigami = [](std::span<const double> x) {
    return std::sin(x[0]) + 7.0 * std::sin(x[1]) * std::sin(x[1]) +
           0.1 * std::pow(x[2], 4) * std::sin(x[0]);
  };
  mc::sobol_options o;
  o.base_samples = 1u << 14;
  o.seed = 1;
  o.bootstrap = 100;
  const auto result = mc::sobol_analysis(space, ishigami, o);
  const double first[] = {0.3139, 0.4424, 0.0};
  const double total[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t j = 0; j < 3; ++j) {
    const auto& s = result[0].indices[j];
    CAPTURE(s.input);
    CHECK(s.first == Approx(first[j]).epsilon(0).scale(1.0).epsilon(0.02));
    CHECK(s.total == Approx(total[j]).epsilon(0).scale(1.0).epsilon(0.02));
    // The bootstrap interval holds the estimate and (at this N) the analytic value.
    CHECK(s.first_low <= s.first);
    CHECK(s.first <= s.first_high);
    CHECK(s.total_low - 0.01 <= total[j]);
    CHECK(total[j] <= s.total_high + 0.01);
  }
  // Variance: a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446.
  CHECK(result[0].variance == Approx(13.8446).epsilon(0.02));
  // The same numbers on any thread count.
  o.threads = 1;
  const auto one = mc::sobol_analysis(space, ishigami, o);
  o.threads = 8;
  const auto eight = mc::sobol_analysis(space, ishigami, o);
  CHECK(one[0].indices[0].first == eight[0].indices[0].first);
  CHECK(one[0].indices[2].total_high == eight[0].indices[2].total_high);
}

TEST_CASE("Sobol' indices of the Sobol' G-function") {
  // g(x) = prod (|4 x_i - 2| + a_i) / (1 + a_i), x_i ~ U(0, 1). V_i = 1 / (3 (1 + a_i)^2),
  // V = prod (1 + V_i) - 1, S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V.
  const std::vector<double> a{0, 1, 4.5, 9, 99, 99, 99, 99};
  std::vector<mc::uncertain_input> inputs;
  for (std::size_t i = 0; i < a.size(); ++i) {
    inputs.push_back({"x" + std::to_string(i + 1), mc::distribution::uniform(0, 1)});
  }
  const mc::input_space space(inputs);
  const auto g = [&a](std::span<const double> x) {
    double product = 1.0;
    for (std::size_t i = 0; i < a.size(); ++i)
      product *= (std::abs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
    return product;
  };
  std::vector<double> v(a.size());
  double all = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    v[i] = 1.0 / (3.0 * (1 + a[i]) * (1 + a[i]));
    all *= 1 + v[i];
  }
  const double variance = all - 1.0;
  mc::sobol_options o;
  o.base_samples = 1u << 14;
  o.bootstrap = 0;
  const auto result = mc::sobol_analysis(space, g, o);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(result[0].indices[i].first ==
          Approx(v[i] / variance).epsilon(0).scale(1.0).epsilon(0.015));
    CHECK(result[0].indices[i].total ==
          Approx(v[i] * all / (1 + v[i]) / variance).epsilon(0).scale(1.0).epsilon(0.015));
  }
  // S_1 by hand: V_1 = 1/3, V = (4/3)(13/12)(1 + 1/90.75)(1 + 1/300)(1 + 1/30000)^4 - 1
  // = 1.46543 - 1, so S_1 = 0.33333 / 0.46543 = 0.7162.
  CHECK(v[0] / variance == Approx(0.7162).epsilon(0.001));
}

TEST_CASE("tornado and standardized regression coefficients") {
  const mc::input_space space({{"a", mc::distribution::uniform(0, 10)},
                               {"b", mc::distribution::normal(0, 1)},
                               {"c", mc::distribution::uniform(-1, 1)}});
  const auto linear = [](std::span<const double> x) { return 2.0 * x[0] + 3.0 * x[1] - x[2]; };
  const auto t = mc::tornado_analysis(space, linear);
  // a: P10 = 1, P90 = 9, median 5: y = 2 + 0 - 0 and 18. b: +-1.28155 * 3 = +-3.84465.
  REQUIRE(t[0].bars.size() == 3);
  CHECK(t[0].base == Approx(10.0));
  CHECK(t[0].bars[0].input == "a");
  CHECK(t[0].bars[0].low == Approx(2.0));
  CHECK(t[0].bars[0].high == Approx(18.0));
  CHECK(t[0].bars[1].input == "b");
  CHECK(t[0].bars[1].high - t[0].bars[1].low == Approx(6 * 1.2815515655446004));
  // SRC_j = b_j sd_j / sd_y: sd = (10/sqrt 12, 1, 2/sqrt 12), sd_y^2 = 4 * 100/12 + 9 + 4/12.
  mc::run_options o;
  o.samples = 20000;
  o.seed = 3;
  const auto r = mc::regression_analysis(space, linear, o);
  const double sd_y = std::sqrt(400.0 / 12 + 9 + 4.0 / 12);
  CHECK(r[0].src[0] == Approx(2 * 10 / std::sqrt(12.0) / sd_y).epsilon(0.02));
  CHECK(r[0].src[1] == Approx(3 / sd_y).epsilon(0.02));
  CHECK(r[0].src[2] == Approx(-2 / std::sqrt(12.0) / sd_y).epsilon(0.05));
  CHECK(r[0].r_squared == Approx(1.0).epsilon(1e-9));
  CHECK(r[0].srrc[0] > r[0].srrc[1]);
  CHECK(r[0].srrc[2] < 0.0);
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

TEST_CASE("the root histogram's branch-free bin is the branching one, at every edge") {
  mc::detail::quantile_cell root;
  root.low = -1.5;
  root.high = 2.5;
  root.bins = 4098;
  root.root = true;
  // The branching form: underflow below low, overflow from high, else 1 + the clamped position.
  const auto branching = [&](double x) -> unsigned {
    if (x < root.low) return 0;
    if (x >= root.high) return root.bins - 1;
    const double t = (x - root.low) / (root.high - root.low) * (root.bins - 2);
    return 1 + (t < root.bins - 3 ? static_cast<unsigned>(t) : root.bins - 3);
  };
  std::vector<double> xs{-1e300, -1.5000000000000002, -1.5, 2.4999999999999996, 2.5, 1e300, 0.0};
  for (std::uint64_t i = 0; i < 10000; ++i) xs.push_back(-2.0 + 5.0 * mc::uniform(5, i, 0));
  bool same = true;
  for (const double x : xs) same = same && mc::detail::bin_of(root, x) == branching(x);
  CHECK(same);
  CHECK(mc::detail::bin_of(root, -1.5) == 1);
  CHECK(mc::detail::bin_of(root, 2.4999999999999996) == 4096);
  CHECK(mc::detail::bin_of(root, 2.5) == 4097);
}

TEST_CASE("the cost model's batch gives the one-sample figures, for every kind of terms") {
  using mc::cost_input;
  using d = mc::distribution;
  constexpr std::size_t n = 300;  // more than one batch: the second is partial
  for (const auto hardware :
       {mc::hardware_terms::owned, mc::hardware_terms::rented, mc::hardware_terms::none}) {
    for (const auto facility :
         {mc::facility_terms::built, mc::facility_terms::colocation, mc::facility_terms::none}) {
      for (const bool given : {true, false}) {
        for (const bool priced : {true, false}) {
          CAPTURE(static_cast<int>(hardware));
          CAPTURE(static_cast<int>(facility));
          CAPTURE(given);
          CAPTURE(priced);
          mc::cost_parameters p = tpw_test::gb200();
          p.hardware = hardware;
          p.facility = facility;
          p.idle_given = given;
          p.provisioned_given = given;
          p[cost_input::provisioned_power_kw] = 140;
          p[cost_input::rental_per_accelerator_hour] = 2.5;
          p[cost_input::colocation_per_kw_month] = 180;
          p.priced = priced;
          std::vector<mc::cost_model<tpw::USD>::uncertain> uncertain{
              {cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
              {cost_input::it_power_kw, d::uniform(120, 140)},
              {cost_input::cost_of_capital, d::uniform(0.0, 0.12)},
              {cost_input::energy_price_per_kwh, d::lognormal(0.08, 0.3)}};
          if (hardware == mc::hardware_terms::owned) {
            uncertain.push_back({cost_input::hardware_price, d::uniform(3e6, 5e6)});
          }
          const mc::cost_model<tpw::USD> model(p, uncertain);
          const std::size_t inputs = uncertain.size();
          const std::size_t outputs = model.output_names().size();
          std::vector<double> x(inputs * mc::batch_size), y(outputs * mc::batch_size);
          double worst = 0.0;
          for (std::size_t first = 0; first < n; first += mc::batch_size) {
            const std::size_t count = std::min(mc::batch_size, n - first);
            for (std::size_t j = 0; j < inputs; ++j) {
              for (std::size_t s = 0; s < count; ++s) {
                // Sample 0 has a cost of capital of exactly 0 (the CRF's straight-line case).
                x[j * mc::batch_size + s] =
                    first + s == 0 && j == 2
                        ? 0.0
                        : model.inputs()[j].dist.quantile(mc::uniform(9, first + s, j));
              }
            }
            model.evaluate_batch(x.data(), y.data(), count);
            for (std::size_t s = 0; s < count; ++s) {
              std::vector<double> one(inputs), expected(outputs);
              for (std::size_t j = 0; j < inputs; ++j) one[j] = x[j * mc::batch_size + s];
              model(one, expected);
              for (std::size_t k = 0; k < outputs; ++k) {
                const double got = y[k * mc::batch_size + s];
                const double scale = std::max(std::abs(expected[k]), 1e-300);  // a zero line
                worst = std::max(worst, std::abs(got - expected[k]) / scale);
              }
            }
          }
          // Bitwise in these test builds; vector math (tpw::mc_fast) may move the last ulps.
          CHECK(worst <= 1e-14);
        }
      }
    }
  }
}

namespace {
// y = x0 + 2 x1, one sample at a time, or also in batches (counting the batch calls).
struct one_at_a_time {
  double operator()(std::span<const double> x) const { return x[0] + 2.0 * x[1]; }
};
struct batched : one_at_a_time {
  mutable std::atomic<int> batches{0};
  void evaluate_batch(const double* x, double* y, std::size_t count) const {
    ++batches;
    for (std::size_t s = 0; s < count; ++s) y[s] = x[s] + 2.0 * x[mc::batch_size + s];
  }
};
}  // namespace

TEST_CASE("a model with a batch form runs in batches, with the same results") {
  static_assert(mc::batch_model<batched> && !mc::batch_model<one_at_a_time>);
  const mc::input_space space(
      {{"a", mc::distribution::normal(1, 2)}, {"b", mc::distribution::uniform(0, 1)}});
  for (const std::uint64_t n : {std::uint64_t{1000}, std::uint64_t{300'001}}) {
    CAPTURE(n);
    mc::run_options o;
    o.samples = n;  // not a multiple of the batch; the second beyond in_memory_limit
    o.probabilities = {0.05, 0.5, 0.95};
    const batched with_batches;
    const auto a = mc::run(space, one_at_a_time{}, o);
    const auto b = mc::run(space, with_batches, o);
    CHECK(with_batches.batches.load() > 0);
    CHECK(a.output("output").mean == b.output("output").mean);
    CHECK(a.output("output").sd == b.output("output").sd);
    CHECK(a.output("output").quantiles == b.output("output").quantiles);
    CHECK(a.output("output").expected_shortfall_upper ==
          b.output("output").expected_shortfall_upper);
  }
}

TEST_CASE("a non-finite output inside a batch names its own sample") {
  const mc::input_space space({{"a", mc::distribution::uniform(0, 1)}});
  mc::run_options o;
  o.samples = 1000;
  o.threads = 1;
  // The first sample whose a is below 0.01, found from the draws.
  std::uint64_t first_bad = 0;
  while (mc::uniform(o.seed, first_bad, 0) >= 0.01) ++first_bad;
  CAPTURE(first_bad);
  REQUIRE(first_bad < o.samples);
  const auto model = [](std::span<const double> x) {
    return x[0] < 0.01 ? std::numeric_limits<double>::infinity() : x[0];
  };
  CHECK(message_of([&] { (void)mc::run(space, model, o); })
            .starts_with("output = inf: the model gave a non-finite value at sample " +
                         std::to_string(first_bad) + " (a = "));
}
