// Goal seek: the root finder on functions with known roots, then scenario goals against closed
// forms (a level annuity's break-even price is its levelized cost; an IRR target checked on the
// root's flows; a chance target from a uniform utilization's quantile), reproducibility across
// thread counts, the text form, and every refusal.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <tpw/finance/measures.hpp>
#include <tpw/io/report.hpp>
#include <tpw/io/solve.hpp>
#include <tpw/solve/roots.hpp>

#include "support.hpp"

namespace {

using nlohmann::json;
using tpw_test::message_of;

// A project whose yearly flows are a level annuity: owned hardware over the project's 4 years
// at the discount rate (the cost of capital), colocation, flat prices, no tax, no build year.
json annuity_scenario() {
  return json::parse(R"({
    "name": "annuity",
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "throughput_tok_s": 1000,
                   "utilization": 0.6, "systems": 10},
    "costs": {"cost_of_capital": 0.1,
              "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0},
              "facility": {"colocation_per_kw_month": 150},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2},
              "opex": {"maintenance_fraction_per_year": 0.03}},
    "revenue": {"price_per_mtok": 2.0},
    "finance": {"operating_years": 4}
  })");
}

tpw::solve::goal goal_of(const std::string& text) {
  return tpw::io::goal_from_text(text);
}

}  // namespace

TEST_CASE("solve.roots: every root of a figure that turns, and none of one out of reach") {
  using tpw::solve::find_roots;
  // (x - 2)^2 = 1 on [0, 5]: x = 1 and x = 3; the figure falls, then rises.
  const auto parabola = [](double x) -> std::optional<double> { return (x - 2) * (x - 2); };
  const auto two = find_roots(parabola, 1.0, {0.0, 5.0, 25, 1e-10, 60});
  REQUIRE(two.roots.size() == 2);
  CHECK(two.roots[0].x == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(two.roots[1].x == doctest::Approx(3.0).epsilon(1e-9));
  CHECK_FALSE(two.monotone);
  // Out of reach: x^2 + 1 = 0 on [-1, 1]; the least value, 1, at x = 0 (a scan point).
  const auto none = find_roots([](double x) -> std::optional<double> { return x * x + 1; }, 0.0,
                               {-1.0, 1.0, 25, 1e-9, 60});
  CHECK(none.roots.empty());
  REQUIRE(none.reached);
  CHECK(none.reached->least == doctest::Approx(1.0));
  CHECK(none.reached->at_least == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(none.reached->closest == doctest::Approx(1.0));
  // A figure with no value below x = 1 (an IRR that does not exist): the root beyond is found.
  const auto partial = find_roots(
      [](double x) -> std::optional<double> {
        if (x < 1.0) return std::nullopt;
        return std::log(x);
      },
      std::log(7.0), {0.0, 10.0, 25, 1e-10, 60});
  REQUIRE(partial.roots.size() == 1);
  CHECK(partial.roots[0].x == doctest::Approx(7.0).epsilon(1e-9));
  CHECK(partial.undefined_points > 0);
  // A figure with no value above 3.3 (a latency target beyond the measured frontier): the scan
  // has 3 and then nothing at 4; the edge (3.3, to 1/4096 of a step) is scanned too, and the root
  // at 3.2 between it and 3 is kept.
  const auto edge = find_roots(
      [](double x) -> std::optional<double> {
        if (x > 3.3) return std::nullopt;
        return x;
      },
      3.2, {1.0, 10.0, 10, 1e-10, 60});
  REQUIRE(edge.roots.size() == 1);
  CHECK(edge.roots[0].x == doctest::Approx(3.2).epsilon(1e-9));
  REQUIRE(edge.reached);
  CHECK(edge.reached->most == doctest::Approx(3.3).epsilon(1e-3));
  CHECK(edge.undefined_points == 7);  // 4, 5, ..., 10
  // A geometric scan over nine decades finds 3e-5 and 4e6 in 1/x: the tolerance is relative.
  const auto inverse = find_roots([](double x) -> std::optional<double> { return 1.0 / x; },
                                  1.0 / 3e-5, {1e-6, 1e9, 25, 1e-9, 100});
  REQUIRE(inverse.roots.size() == 1);
  CHECK(inverse.roots[0].x == doctest::Approx(3e-5).epsilon(1e-8));
  // A two-stage search: the scan's estimate is off by 0.05 (a Monte Carlo on fewer samples);
  // the exact figure's root, 2.5, is found, and the scan's bracket widened once to hold it.
  const auto exact = [](double x) -> std::optional<double> { return x; };
  const auto rough = [](double x) -> std::optional<double> { return x + 0.2; };
  const auto staged = find_roots(exact, 2.5, {0.0, 5.0, 26, 1e-10, 60}, rough);
  REQUIRE(staged.roots.size() == 1);
  CHECK(staged.roots[0].x == doctest::Approx(2.5).epsilon(1e-9));
  CHECK(staged.scan_evaluations == 26);
  CHECK(message_of([&] {
          (void)find_roots(exact, 1.0, {2.0, 1.0});
        }) == "solve.between = [2, 1]: must be two finite numbers, the low one first");
  CHECK(message_of([&] {
          (void)find_roots(exact, 1.0, {0.0, 1.0, 25, 0.5});
        }) == "solve.tolerance = 0.5: must be in (0, 0.1] (on x)");
}

TEST_CASE("solve.annuity: the price for NPV = 0 of a level annuity is its levelized cost") {
  // Yearly flows: -capex at the start, then (revenue - running costs) a year for 4 years at 10%.
  // NPV = 0 when revenue = running costs + capex * CRF(10%, 4): exactly the single period's cost
  // per Mtok (hardware at CRF over its 4-year life, colocation, energy, maintenance) times the
  // tokens. The root is that cost per Mtok, 0.859143 USD.
  const json file = annuity_scenario();
  const tpw::io::study point = tpw::io::run_study(tpw::io::scenario_from_json(file));
  const double levelized = tpw::io::point_figures(point)[0];
  CHECK(levelized == doctest::Approx(0.859143).epsilon(1e-6));
  const auto r = tpw::io::solve_goal(file, {}, goal_of("revenue.price_per_mtok:project_npv=0"));
  REQUIRE(r.found.roots.size() == 1);
  CHECK(r.found.roots[0].x == doctest::Approx(levelized).epsilon(1e-9));
  CHECK(r.found.monotone);
  CHECK(r.samples == 0);
  CHECK(r.searched_from == "the rule of revenue.price_per_mtok");
  CHECK(r.searched.low == 1e-6);
  CHECK(r.searched.high == 1e9);
  // At the root the project returns the discount rate, and the margin is 0.
  REQUIRE(!r.at_root.empty());
  for (const auto& [name, value] : r.at_root) {
    if (name == "project_irr") CHECK(value == doctest::Approx(0.1).epsilon(1e-9));
    if (name == "gross_margin") CHECK(std::abs(value) < 1e-9);
  }
}

TEST_CASE("solve.irr: the hardware price for a 15% IRR, checked on the root's own flows") {
  const json file = annuity_scenario();
  const auto r = tpw::io::solve_goal(file, {}, goal_of("costs.hardware.price:project_irr=0.15"));
  REQUIRE(r.found.roots.size() == 1);
  const double price = r.found.roots[0].x;
  // The flows at the root, priced afresh: their IRR (tpw::irr, independent of the solver) is 15%.
  json at = file;
  at["costs"]["hardware"]["price"] = price;
  const tpw::io::study s = tpw::io::run_study(tpw::io::scenario_from_json(at));
  REQUIRE(s.finance);
  const tpw::irr_result irr = tpw::internal_rate_of_return(s.finance->project_flows());
  REQUIRE(irr.unique());
  CHECK(irr.rate() == doctest::Approx(0.15).epsilon(1e-5));
  // Cheaper hardware returns more: the largest price for 15% is this root, below the 10% root.
  const auto at_ten =
      tpw::io::solve_goal(file, {}, goal_of("costs.hardware.price:project_irr=0.1"));
  REQUIRE(at_ten.found.roots.size() == 1);
  CHECK(at_ten.found.roots[0].x > price);
}

TEST_CASE("solve.chance: the price for P(margin <= 0) = p from a uniform utilization's quantile") {
  // Cost per Mtok is alpha + beta / u (every hourly cost over tokens proportional to u, energy's
  // idle part included). With u ~ uniform(0.4, 0.9), the margin 1 - cost / price is <= 0 when
  // u <= beta / (price - alpha): P = (u* - 0.4) / 0.5. For P = 0.25, u* = 0.525, and the price is
  // the cost per Mtok at utilization 0.525.
  json file = annuity_scenario();
  file.erase("finance");
  file["deployment"]["utilization"] = {{"dist", "uniform"}, {"low", 0.4}, {"high", 0.9}};
  file["uncertainty"] = {{"samples", 200000}, {"seed", 7}};
  json fixed = file;
  fixed["deployment"]["utilization"] = 0.525;
  fixed.erase("uncertainty");
  const double expected =
      tpw::io::point_figures(tpw::io::run_study(tpw::io::scenario_from_json(fixed)))[0];
  const auto r =
      tpw::io::solve_goal(file, {}, goal_of("revenue.price_per_mtok:P(gross_margin<=0)=0.25"));
  REQUIRE(r.found.roots.size() == 1);
  CHECK(r.samples == 200000);
  CHECK(r.found.roots[0].x == doctest::Approx(expected).epsilon(2e-4));
  CHECK(r.found.roots[0].value == doctest::Approx(0.25).epsilon(1e-3));
  // The same target as a quantile: P(cost >= price) = 0.25 makes the price the 75th percentile
  // of cost per Mtok; solving the energy price for P75(cost_per_mtok) = that price gives back the
  // file's own energy price, 0.08.
  const auto q = tpw::io::solve_goal(
      file, {},
      goal_of("costs.energy.price_per_kwh:P75(cost_per_mtok)=" + std::to_string(expected)));
  REQUIRE(q.found.roots.size() == 1);
  CHECK(q.found.roots[0].x == doctest::Approx(0.08).epsilon(5e-3));
}

TEST_CASE("solve.reproducible: the same root, bit for bit, on 1, 2 and 8 threads") {
  json file = annuity_scenario();
  file["deployment"]["utilization"] = {
      {"dist", "triangular"}, {"low", 0.4}, {"mode", 0.6}, {"high", 0.8}};
  file["costs"]["energy"]["price_per_kwh"] = {{"dist", "uniform"}, {"low", 0.05}, {"high", 0.15}};
  file["uncertainty"] = {{"samples", 50000}, {"seed", 3}};
  const tpw::solve::goal g = goal_of("revenue.price_per_mtok:P(project_npv<=0)=0.1");
  std::vector<double> roots;
  for (const unsigned threads : {1u, 2u, 8u}) {
    tpw::io::study_options o;
    o.threads = threads;
    const auto r = tpw::io::solve_goal(file, {}, g, o);
    REQUIRE(r.found.roots.size() == 1);
    roots.push_back(r.found.roots[0].x);
  }
  CHECK(roots[0] == roots[1]);
  CHECK(roots[0] == roots[2]);
}

TEST_CASE("solve.scenario: a solve section, read, solved and reported") {
  json file = annuity_scenario();
  file["solve"] = json::parse(R"([
    {"input": "revenue.price_per_mtok", "figure": "project_npv", "target": 0},
    {"input": "deployment.utilization", "figure": "gross_margin", "target": 0.5,
     "between": [0.1, 1], "tolerance": 1e-8}
  ])");
  const tpw::io::scenario s = tpw::io::scenario_from_json(file);
  REQUIRE(s.goals.size() == 2);
  tpw::io::study r = tpw::io::run_study(s);
  r.solved = tpw::io::solve_goals(s);
  REQUIRE(r.solved.size() == 2);
  CHECK(r.solved[1].searched_from == "solve.between");
  // Margin 0.5 at 2 USD: cost per Mtok 1 USD. Cost is alpha + beta / u: at u = 0.6 it is
  // 0.859143; the utilization found gives exactly 1.0 USD per Mtok.
  REQUIRE(r.solved[1].found.roots.size() == 1);
  json at = annuity_scenario();
  at["deployment"]["utilization"] = r.solved[1].found.roots[0].x;
  CHECK(tpw::io::point_figures(tpw::io::run_study(tpw::io::scenario_from_json(at)))[0] ==
        doctest::Approx(1.0).epsilon(1e-7));
  const json report = tpw::io::to_json(r);
  REQUIRE(report.contains("solve"));
  CHECK(report["solve"][0]["asked"] == "revenue.price_per_mtok for project_npv = 0");
  CHECK(report["solve"][0]["reached"] == true);
  CHECK(report["solve"][1]["roots"][0]["input"].get<double>() == r.solved[1].found.roots[0].x);
}

TEST_CASE("solve.text: the one-line form of a goal") {
  using tpw::solve::describe;
  CHECK(describe(goal_of("revenue.price_per_mtok:project_npv=0")) ==
        "revenue.price_per_mtok for project_npv = 0");
  CHECK(describe(goal_of(" revenue.price_per_mtok : mean(cost_per_mtok) = 2 ")) ==
        "revenue.price_per_mtok for mean(cost_per_mtok) = 2");
  CHECK(describe(goal_of("costs.hardware.price:P90(cost_per_mtok)=1.5")) ==
        "costs.hardware.price for P90(cost_per_mtok) = 1.5");
  CHECK(describe(goal_of("revenue.price_per_mtok:P(project_npv<=0)=0.1")) ==
        "revenue.price_per_mtok for P(project_npv <= 0) = 0.1");
  CHECK(describe(goal_of("revenue.price_per_mtok:P(gross_margin>0.2)=0.9")) ==
        "revenue.price_per_mtok for P(gross_margin > 0.2) = 0.9");
  CHECK(message_of([] {
          (void)goal_of("revenue.price_per_mtok=0");
        }).starts_with("--solve = \"revenue.price_per_mtok=0\": must be INPUT:FIGURE=TARGET"));
  CHECK(message_of([] { (void)goal_of("a:P(x<=)=0"); }).starts_with("--solve = \"a:P(x<=)=0\""));
  CHECK(message_of([] {
          (void)goal_of("revenue..price:project_npv=0");
        }).starts_with("--solve.input = \"revenue..price\": must be a scenario path"));
  CHECK(message_of([] { (void)goal_of("a:P150(cost_per_mtok)=1"); }) ==
        "--solve.statistic.quantile = 1.5: must be in (0, 1): a probability: 0.9 is P90");
}

TEST_CASE("solve.refusals: paths, figures and targets named with the rule they break") {
  const json file = annuity_scenario();
  const auto refused = [&](const std::string& text) {
    return message_of([&] { (void)tpw::io::solve_goal(file, {}, goal_of(text)); });
  };
  // A path that names no number this scenario reads, and one that holds text.
  CHECK(refused("costs.energy.price_per_mwh:project_npv=0")
            .starts_with("solve.input = \"costs.energy.price_per_mwh\": names no number this "
                         "scenario reads: costs.energy.price_per_mwh"));
  CHECK(refused("name:project_npv=0") == "solve.input = \"name\": holds \"annuity\", not a number");
  CHECK(refused("workload.input_tokens[2]:project_npv=0") ==
        "solve.input = \"workload.input_tokens[2]\": names no number of this scenario: workload "
        "is not given");
  // A number without a rule of its own needs an interval; an interval must keep to the rule.
  CHECK(refused("deployment.systems:project_npv=0") ==
        "solve.between = (missing): required: deployment.systems has no rule of its own to "
        "search within; give [low, high]");
  tpw::solve::goal wide = goal_of("deployment.utilization:gross_margin=0");
  wide.between = std::pair{0.5, 1.5};
  CHECK(message_of([&] { (void)tpw::io::solve_goal(file, {}, wide); }) ==
        "solve.between = [0.5, 1.5]: must lie in deployment.utilization's range [1e-06, 1]");
  // Targets outside a figure's range; figures the scenario does not give.
  CHECK(refused("revenue.price_per_mtok:gross_margin=1") ==
        "solve.target = 1: outside the range of gross_margin, below 1 (cost is above 0)");
  CHECK(refused("costs.hardware.price:cost_per_mtok=-1") ==
        "solve.target = -1: outside the range of cost_per_mtok, above 0");
  CHECK(refused("revenue.price_per_mtok:project_irr=-2") ==
        "solve.target = -2: outside the range of project_irr, above -1 (-100%)");
  CHECK(refused("revenue.price_per_mtok:cost_per_request=1")
            .starts_with("solve.figure = \"cost_per_request\": a point figure to solve for must "
                         "be one of cost_per_mtok"));
  CHECK(refused("revenue.price_per_mtok:mean(cost_per_mtok)=1") ==
        "solve.figure = \"cost_per_mtok\": needs an uncertain input: with none, every figure is "
        "one number");
  json no_finance = file;
  no_finance.erase("finance");
  CHECK(message_of([&] {
          (void)tpw::io::solve_goal(no_finance, {},
                                    goal_of("revenue.price_per_mtok:project_npv=0"));
        }) == "solve.figure = \"project_npv\": is a project's figure: it needs a finance section");
  // A chance is a probability.
  json uncertain = file;
  uncertain["deployment"]["utilization"] = {{"dist", "uniform"}, {"low", 0.4}, {"high", 0.9}};
  CHECK(message_of([&] {
          (void)tpw::io::solve_goal(uncertain, {},
                                    goal_of("revenue.price_per_mtok:P(project_npv<=0)=1.5"));
        }) ==
        "solve.target = 1.5: outside the range of P(project_npv <= 0), a probability in [0, 1]");
  // Solving the only uncertain input for a statistic leaves nothing uncertain.
  CHECK(message_of([&] {
          (void)tpw::io::solve_goal(uncertain, {},
                                    goal_of("deployment.utilization:P(project_npv<=0)=0.1"));
        }) ==
        "solve.input = \"deployment.utilization\": is the scenario's only uncertain input: "
        "fixed at each trial, it leaves every figure one number; target the point figure "
        "instead");
  // A solve section's goal is checked as the file is read, at its place in the section.
  json section = file;
  section["solve"] =
      json::parse(R"([{"input": "revenue.price_per_mtok", "figure": "nope", "target": 0}])");
  CHECK(message_of([&] {
          (void)tpw::io::scenario_from_json(section);
        }).starts_with("solve[0].figure = \"nope\": a point figure to solve for must be one of"));
  section["solve"] = json::array();
  CHECK(message_of([&] {
          (void)tpw::io::scenario_from_json(section);
        }).starts_with("solve = []: must be an array of 1 to 16 goals"));
}

TEST_CASE("solve.out_of_reach: a target no input reaches says how near it came, and where") {
  // The cost per Mtok falls with the price of nothing: solving the energy price for a cost below
  // the cost without any energy is out of reach; the least cost is at a free kWh.
  const json file = annuity_scenario();
  const auto r =
      tpw::io::solve_goal(file, {}, goal_of("costs.energy.price_per_kwh:cost_per_mtok=0.1"));
  CHECK_FALSE(r.reached());
  REQUIRE(r.found.reached);
  CHECK(r.found.reached->at_least == 0.0);
  CHECK(r.found.reached->closest == r.found.reached->least);
  CHECK(r.found.reached->least > 0.1);
  const json report = tpw::io::solve_json(r);
  CHECK(report["reached"] == false);
  CHECK(report["roots"].empty());
  CHECK(report["range"]["at_least"] == 0.0);
  CHECK(r.out_of_reach().starts_with(
      "costs.energy.price_per_kwh: no value in [0, 1e+06] gives cost_per_mtok = 0.1; the "
      "closest is 0.80"));
  CHECK(report["out_of_reach"] == r.out_of_reach());
}
