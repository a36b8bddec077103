// Sensitivity analyses (tpw/mc/sensitivity/) against analytic answers: Sobol' indices of the
// Ishigami function and the Sobol' G-function, tornado and regression coefficients of a linear
// model.
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
#include <tpw/mc/plan/radix_passes.hpp>
#include <tpw/mc/plan/sobol_passes.hpp>
#include <tpw/mc/sensitivity.hpp>
#include <tpw/model.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;

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
    std::string name = "x";  // appended: GCC 12 -O3 -Wrestrict misfires on "x" + string
    name.append(std::to_string(i + 1));
    inputs.push_back({name, mc::distribution::uniform(0, 1)});
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
