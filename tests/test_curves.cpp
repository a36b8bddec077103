// Curves: monotone interpolation, throughput frontiers from CSV, SLO operating points and
// power-cap (Max-Q) optima, each against a hand computation.
#include <doctest/doctest.h>

#include "support.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <tpw/curves.hpp>
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::USD;
using tpw_test::message_of;

namespace {
double per_s(tpw::token_rate r) {
  return tpw::in(r, units::tok / units::second);
}
const auto tok_s = units::tok / units::second;
}  // namespace

TEST_CASE("Steffen interpolation: exact at points, monotone, no overshoot, straight lines kept") {
  const std::vector<double> x{1, 2, 4, 5, 8};
  const std::vector<double> y{10, 9, 4, 3.9, 0.5};  // strictly decreasing
  const tpw::monotone_interpolant f(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(f(x[i]) == Approx(y[i]).epsilon(1e-15));
  double previous = f(1.0);
  for (double v = 1.0; v <= 8.0; v += 0.001) {
    const double value = f(v);
    CHECK(value <= previous + 1e-12);  // never rises
    previous = value;
  }
  // Flat then rising data: no dip below the flat part, no bump above the last point.
  const tpw::monotone_interpolant step({0, 1, 2, 3}, {0, 0, 1, 1});
  for (double v = 0.0; v <= 3.0; v += 0.01) {
    CHECK(step(v) >= 0.0);
    CHECK(step(v) <= 1.0);
  }
  // A straight line is reproduced: y = 3x + 1.
  const tpw::monotone_interpolant line({0, 1, 3, 4}, {1, 4, 10, 13});
  CHECK(line(2.5) == Approx(8.5).epsilon(1e-14));
  CHECK(line(0.3) == Approx(1.9).epsilon(1e-14));
  // Steffen's slope at an interior point: secants -1 and -2.5 over h = 1 and 2:
  // p = (-1 * 2 + -2.5 * 1) / 3 = -1.5; slope = -2 * min(1, 2.5, 0.75) = -1.5.
  CHECK(tpw::monotone_interpolant::slopes(x, y)[1] == Approx(-1.5).epsilon(1e-15));
}

TEST_CASE("a frontier from CSV: Pareto filtered, clamped below, unreachable above") {
  const std::string csv =
      "# illustrative frontier, tok/s per user vs tok/s per GPU\n"
      "interactivity_tok_s_user, throughput_tok_s_gpu\n"
      "10, 5000\n"
      "20, 4000\n"
      "30, 4200\n"
      "\n"
      "50, 2000\n";
  const auto f = tpw::throughput_frontier::from_csv(csv, "f.csv");
  // (20, 4000) is dominated by (30, 4200): more interactivity and more throughput.
  REQUIRE(f.points().size() == 3);
  REQUIRE(f.dropped().size() == 1);
  CHECK(per_s(f.dropped()[0].interactivity) == 20.0);
  CHECK(per_s(f.throughput_at(30.0 * tok_s)) == Approx(4200.0).epsilon(1e-15));
  CHECK(per_s(f.throughput_at(50.0 * tok_s)) == Approx(2000.0).epsilon(1e-15));
  // Between points: between the neighbours, falling.
  const double mid = per_s(f.throughput_at(40.0 * tok_s));
  CHECK(mid < 4200.0);
  CHECK(mid > 2000.0);
  // Below the range: the first point (clamped).
  CHECK(per_s(f.throughput_at(5.0 * tok_s)) == 5000.0);
  CHECK_FALSE(f.has_power());
  // Above the range: unreachable.
  CHECK(message_of([&] { (void)f.throughput_at(60.0 * tok_s); }) ==
        "slo.min_interactivity_tok_s_user = 60: is unreachable: the fastest measured point of "
        "f.csv is 50 tok/s per user");
}

TEST_CASE("frontier input errors name the file, the line and the column") {
  const auto load = [](const std::string& rows) {
    return message_of([&] {
      (void)tpw::throughput_frontier::from_csv(
          "interactivity_tok_s_user,throughput_tok_s_gpu\n" + rows, "f.csv");
    });
  };
  // A cell that is not a number is named by its line and column, never quoted: a file a
  // scenario names is not printed back.
  CHECK(load("10,5000\n20,abc\n") ==
        "f.csv:3 throughput_tok_s_gpu = (not a finite number): must be a finite decimal number");
  CHECK(load("10,5000\n20,\n") ==
        "f.csv:3 throughput_tok_s_gpu = (empty): must be a finite decimal number");
  CHECK(load("10,5000\n20,4e999\n") ==
        "f.csv:3 throughput_tok_s_gpu = (a number): is beyond the range of a double (a magnitude "
        "between about 2.2e-308 and 1.8e308, or 0)");
  CHECK(load("10,5000\n5,4000\n") ==
        "f.csv:3 interactivity_tok_s_user = 5: is below the previous point's: sort the points by "
        "increasing interactivity");
  CHECK(load("10,5000\n10,4000\n") ==
        "f.csv:3 interactivity_tok_s_user = 10: duplicates the previous point's interactivity");
  CHECK(load("10,5000\n20,-4000\n") ==
        "f.csv:3 throughput_tok_s_gpu = -4000: must be in [1e-06, 1e9] tok/s: a measured point "
        "(tpw's limits: docs/scenario-limits.md)");
  CHECK(load("10,5000,1\n") == "f.csv:2 = 3: cells in this row; the header has 2 columns");
  CHECK(load("10,5000\n") == "f.csv.points = 1: a frontier needs at least 2 points");
  CHECK(message_of([] { (void)tpw::throughput_frontier::from_csv("a,b\n1,2\n", "g.csv"); }) ==
        "g.csv header = (no column interactivity_tok_s_user): needs columns "
        "interactivity_tok_s_user and throughput_tok_s_gpu (and "
        "optionally power_w_gpu, ttft_ms)");
  CHECK(message_of([] { (void)tpw::throughput_frontier::from_csv("# nothing\n", "e.csv"); }) ==
        "e.csv = \"\": has no header row");
}

TEST_CASE("operating point by SLO: throughput, cost per Mtok, tokens per joule there") {
  const auto f = tpw::throughput_frontier::from_csv(
      "interactivity_tok_s_user,throughput_tok_s_gpu,power_w_gpu\n"
      "10,5000,1000\n"
      "50,2000,800\n",
      "two.csv");
  // Two points: a straight line. At 20 tok/s/user: 5000 - 3000 * 10/40 = 4250 tok/s, 950 W.
  const auto point = f.at_slo(20.0 * tok_s);
  CHECK(per_s(point.throughput) == Approx(4250.0).epsilon(1e-14));
  CHECK(tpw::in(*point.power_draw, units::W) == Approx(950.0).epsilon(1e-14));
  // 1 GPU, 2 kW provisioned, PUE 1, u = 1, rented at 3.06 USD/h:
  // cost per Mtok = 3.06 / (4250 * 3600 / 1e6) = 0.2 USD; tok/J = 4250 / 2000 = 2.125;
  // revenue per MW-year at 1 USD/Mtok = 4250 * 31,536,000 / 1e6 / 0.002 MW = 67.014 M USD.
  const tpw::rented_hardware<USD> rent({.rental_per_accelerator = 3.06_USD / units::hour});
  const auto e = tpw::evaluate_at_slo({.accelerators_per_system = 1,
                                       .it_power = 2.0_kW,
                                       .pue = tpw::pue{1.0},
                                       .utilization = tpw::fraction{1.0},
                                       .throughput = 1.0_tok_per_s},
                                      f, 20.0 * tok_s, 1.0_USD / units::Mtok, rent);
  CHECK(tpw::in(e.figures.cost_per_token.total, units::usd / units::Mtok) ==
        Approx(0.2).epsilon(1e-12));
  CHECK(tpw::in(e.figures.tokens_per_joule, units::tok / units::J) == Approx(2.125).epsilon(1e-12));
  CHECK(
      tpw::in(e.figures.revenue->revenue_per_power_time, units::usd / (units::MW * units::year)) ==
      Approx(4250.0 * 31536000.0 / 1e6 / 0.002).epsilon(1e-12));
}

namespace {
// T(c) = 10 c - 0.01 (c - 300)^2 tok/s and a draw equal to the cap: T / P = 10 - 0.01 (c - 300)^2
// / c, which is largest (10 tok/J) at c = 300 W. Measured every 50 W from 100 to 700 W.
tpw::power_cap_curve known_maximum() {
  std::vector<tpw::power_cap_point> points;
  for (double c = 100.0; c <= 700.0; c += 50.0) {
    points.push_back(
        {c * units::W, (10.0 * c - 0.01 * (c - 300.0) * (c - 300.0)) * tok_s, c * units::W});
  }
  return tpw::power_cap_curve(points, "known.csv");
}
}  // namespace

TEST_CASE("Max-Q: the cap that maximizes tokens per joule, on a curve with a known maximum") {
  const auto best = tpw::max_q_cap(known_maximum());
  CHECK(tpw::in(best.cap, units::W) == Approx(300.0).epsilon(0.01));
  CHECK(per_s(best.throughput) / tpw::in(best.power_draw, units::W) == Approx(10.0).epsilon(1e-4));
  CHECK(message_of([] { (void)known_maximum().at(50.0 * units::W); }) ==
        "power_cap_w = 50: is outside the measured caps of known.csv [100, 700] W");
  CHECK(message_of([] { (void)known_maximum().at(701.0 * units::W); }) ==
        "power_cap_w = 701: is outside the measured caps of known.csv [100, 700] W");
}

TEST_CASE("the cap that maximizes a site's throughput under a ceiling") {
  // T = 100, 200, 300, 300, 300 tok/s at caps 100 .. 500 W; 1,000 W ceiling, one GPU per system,
  // no overhead, PUE 1. Candidates: 500 W fits 2 (600 tok/s); 333 W fits 3 at 300 (900);
  // 250 W fits 4 at 262.5 (Steffen's Hermite curve between (200, 200, slope 1) and (300, 300,
  // slope 0): 0.5 * 200 + 0.125 * 100 + 0.5 * 300 = 262.5), so 1,050; 200 W fits 5 (1,000);
  // 100 .. 166.7 W fit 6 .. 10 on the straight part (1,000). The best: 250 W.
  const auto curve = tpw::power_cap_curve::from_csv(
      "power_cap_w,throughput_tok_s_gpu,power_w_gpu\n"
      "100,100,100\n200,200,200\n300,300,300\n400,300,380\n500,300,450\n",
      "saturating.csv");
  const auto choice = tpw::best_cap_for_site(curve, {.ceiling = 1000.0_W});
  CHECK(tpw::in(choice.point.cap, units::W) == Approx(250.0).epsilon(1e-12));
  CHECK(choice.systems == 4);
  CHECK(per_s(choice.site_throughput) == Approx(1050.0).epsilon(1e-12));
  // With 150 W of overhead per GPU the cap matters less than the count: 1000 / (c + 150):
  // 500 W fits 1 (300); 350 W fits 2 (600); 183.3 W fits 3 at 183.3 (550). Best: 350 W, 2 systems.
  const auto with_overhead =
      tpw::best_cap_for_site(curve, {.ceiling = 1000.0_W, .overhead_per_accelerator = 150.0_W});
  CHECK(tpw::in(with_overhead.point.cap, units::W) == Approx(350.0).epsilon(1e-12));
  CHECK(with_overhead.systems == 2);
  CHECK(message_of([&] { (void)tpw::best_cap_for_site(curve, {.ceiling = 50.0_W}); }) ==
        "site.power_mw = 5e-05: is below one system even at the lowest measured cap");
  CHECK(message_of([] {
          (void)tpw::power_cap_curve::from_csv(
              "power_cap_w,throughput_tok_s_gpu,power_w_gpu\n200,1,1\n100,2,2\n", "bad.csv");
        }) == "bad.csv:3 power_cap_w = 100: is below the previous point's: sort the points by cap");
}

TEST_CASE("a time-to-first-token limit picks the least interactivity that meets it") {
  // Two points: TTFT falls linearly from 1,000 ms at 10 tok/s per user to 200 ms at 50, and the
  // throughput from 9,000 to 5,000 (Steffen's curve through two points is the line). 600 ms is
  // met from 10 + (1,000 - 600) / 20 = 30 tok/s per user on, where the throughput is 7,000.
  const auto rate = [](double x) { return tpw::token_rate::from_value(x); };
  const tpw::throughput_frontier two({{rate(10), rate(9000), std::nullopt, 1000.0 * units::ms},
                                      {rate(50), rate(5000), std::nullopt, 200.0 * units::ms}});
  CHECK(two.has_ttft());
  const auto x = two.min_interactivity_for_ttft(600.0 * units::ms, rate(10), "max_ttft_ms");
  CHECK(x.value() == Approx(30.0).epsilon(1e-14));
  CHECK(two.throughput_at(x).value() == Approx(7000.0).epsilon(1e-13));
  CHECK(tpw::in(*two.at_slo(x).ttft, units::ms) == Approx(600.0).epsilon(1e-13));
  // A stricter target elsewhere wins: from 40 on, 40 itself meets it.
  CHECK(two.min_interactivity_for_ttft(600.0 * units::ms, rate(40), "max_ttft_ms").value() == 40.0);
  // Three points: the crossing is where the interpolated TTFT equals the limit, to the last bit.
  const tpw::throughput_frontier three({{rate(10), rate(9000), std::nullopt, 2000.0 * units::ms},
                                        {rate(50), rate(6000), std::nullopt, 500.0 * units::ms},
                                        {rate(100), rate(2000), std::nullopt, 100.0 * units::ms}},
                                       "three");
  const double at = three.min_interactivity_for_ttft(300.0 * units::ms, rate(10), "t").value();
  CHECK(at > 50.0);
  CHECK(at < 100.0);
  CHECK(tpw::in(*three.ttft_at(rate(at)), units::ms) <= 300.0);
  CHECK(tpw::in(*three.ttft_at(rate(std::nextafter(at, 0.0))), units::ms) > 300.0);
  CHECK(message_of([&] {
          (void)three.min_interactivity_for_ttft(50.0 * units::ms, rate(10), "max_ttft_ms");
        }) ==
        "max_ttft_ms = 50: no point of three at or above 10 tok/s per user meets it: the "
        "lowest time to first token on it is 100 ms");
  CHECK(message_of([&] {
          (void)tpw::throughput_frontier({{rate(10), rate(9000), std::nullopt, 1.0 * units::ms},
                                          {rate(50), rate(5000), std::nullopt}});
        }) ==
        "frontier.points[1].ttft_ms = 0: the time to first token must be given on every "
        "point or on none");
}
