// A multi-year project as a Monte Carlo model (tpw/mc/project_model.hpp): every sample runs the
// deterministic project formulas, checked against the report's project at the point, against
// analytic distributions (NPV linear in a uniform input, a flat annuity's IRR, the share without
// an IRR or a payback, Sobol' indices of a linear NPV), and for the same numbers on any threads.
#include <doctest/doctest.h>

#include "network_cost.hpp"
#include "support.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <tpw/io/study.hpp>
#include <tpw/mc/plan/radix_passes.hpp>

namespace io = tpw::io;
namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;

namespace {

constexpr double seconds_per_year = 365.0 * 86400.0;

// One owned system of one accelerator making 1000 tok/s all year: 31.536e9 tokens a year, worth
// 31,536 per 1 per Mtok. Its price (100,000) is paid at t = 0 and it is worth nothing after the
// project's five years; no energy, no opex, no tax: each operating year brings
// A = 31,536 * price per Mtok, a flat annuity after an outlay of 100,000.
std::string annuity(const std::string& price, const std::string& extra_finance = "") {
  return R"({
    "name": "annuity",
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1,
                   "throughput_tok_s": 1000},
    "costs": {"cost_of_capital": 0.1,
              "hardware": {"price": 100000, "life_years": 5, "residual_fraction": 0},
              "energy": {"price_per_kwh": 0, "pue": 1}},
    "revenue": {"price_per_mtok": )" +
         price + R"(},
    "finance": {"operating_years": 5, "discount_rate": 0.1)" +
         extra_finance + R"(},
    "uncertainty": {"samples": 200000, "seed": 7}
  })";
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
}

const double tokens_per_year = 1000.0 * seconds_per_year;  // 31.536e9

// The flat annuity's yearly flow at a price per Mtok, and its NPV at rate r over n years.
double yearly(double price) {
  return tokens_per_year * price / 1e6;
}
double annuity_npv(double a, double r, int n) {
  return -100000.0 + a * (1.0 - std::pow(1.0 + r, -n)) / r;
}

io::scenario_project_model project_of(const io::scenario& s) {
  return io::project_model_of(s, 1);
}

// The annuity with an uncertain price and its decline, 21% tax and half of it on debt: every line
// of a project's flows at work, and an equity NPV that is not the project's.
std::string taxed_annuity_with_debt() {
  return annuity(R"({"dist": "triangular", "low": 0.5, "mode": 1.2, "high": 2})",
                 R"(, "price_decline_per_year": {"dist": "uniform", "low": 0.1, "high": 0.3},
                     "tax": {"rate": 0.21}, "debt": {"share": 0.5, "rate": 0.07, "term_years": 3})");
}

}  // namespace

TEST_CASE("the project model at the scenario's point gives the report's project figures") {
  // Owned hardware and a built facility, a build year, a ramp, a falling price, escalation, a
  // fee, tax by declining balance and debt: every line of the project, one sample at its point.
  const io::scenario s = io::parse_scenario(R"({
    "name": "every line",
    "deployment": {"accelerators_per_system": 8, "systems": 3, "it_power_kw": 10,
                   "idle_power_kw": 4, "utilization": 0.6, "throughput_tok_s": 2500},
    "costs": {"cost_of_capital": 0.08,
              "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0.1},
              "facility": {"build_per_mw": 10000000, "life_years": 15},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2},
              "opex": {"maintenance_fraction_per_year": 0.03, "software_per_accelerator_year": 500}},
    "revenue": {"price_per_mtok": {"dist": "uniform", "low": 1.0, "high": 3.0}},
    "finance": {"operating_years": 6, "build_years": 1, "utilization_ramp": [0.3, 0.5],
                "price_decline_per_year": 0.15, "energy_escalation": 0.03,
                "opex_escalation": 0.02, "discount_rate": {"dist": "uniform", "low": 0.06,
                "high": 0.12}, "equity_discount_rate": 0.14, "revenue_fee_share": 0.05,
                "tax": {"rate": 0.21, "method": "declining_balance", "hardware_years": 3},
                "debt": {"share": 0.6, "rate": 0.07, "term_years": 4}},
    "uncertainty": {"samples": 1000}
  })");
  const io::study r = io::run_study(s);
  REQUIRE(r.finance);
  const auto model = io::project_model_of(s, r.site.systems);
  // The inputs at the point: the price's median 2.0, the discount rate's 0.09.
  const std::vector<double> x{2.0, 0.09};
  std::vector<double> y(model.output_names().size());
  model(x, y);
  CHECK(model.output_names()[y.size() - 2] == "project_npv");
  CHECK(y[y.size() - 2] == Approx(r.finance->project_npv.value()).epsilon(1e-12));
  CHECK(y[y.size() - 1] == Approx(r.finance->equity_npv.value()).epsilon(1e-12));
  const auto optional = model.optional_figures(x.data());
  REQUIRE(r.finance->project_irr.unique());
  REQUIRE(optional[0]);
  CHECK(*optional[0] == Approx(r.finance->project_irr.rate()).epsilon(1e-10));
  REQUIRE(r.finance->equity_irr.unique());
  CHECK(*optional[1] == Approx(r.finance->equity_irr.rate()).epsilon(1e-10));
  REQUIRE(r.finance->payback_years);
  CHECK(*optional[2] == Approx(*r.finance->payback_years).epsilon(1e-12));
  CHECK(optional[3].has_value() == r.finance->discounted_payback_years.has_value());
  // The single-period figures are the cost model's, sample for sample.
  std::vector<double> cost(io::model_of(s).output_names().size());
  io::model_of(s)(std::vector<double>{2.0}, cost);
  for (std::size_t k = 0; k < cost.size(); ++k) CHECK(y[k] == cost[k]);
  // The report carries the statistics of every project figure.
  const auto j = io::to_json(r);
  for (const char* name : tpw::project_figure_names) {
    CAPTURE(name);
    CHECK(j["uncertainty"]["outputs"].contains(name));
  }
  CHECK(j["uncertainty"]["inputs"].contains("finance.discount_rate"));
}

TEST_CASE("discount rates left to their defaults follow each sample's cost of capital") {
  // The annuity's flows do not depend on the cost of capital (the hardware is paid at t = 0), so
  // a sample's NPVs differ only by the rate they are discounted at. Without discount_rate in the
  // finance section it is the sample's cost of capital, not the point's 0.1; without
  // equity_discount_rate, the equity's is the discount rate.
  std::string text = annuity("2.0");
  replace(text, R"(, "discount_rate": 0.1)", "");
  replace(text, R"("cost_of_capital": 0.1)",
          R"("cost_of_capital": {"dist": "uniform", "low": 0.05, "high": 0.15})");
  const double a = yearly(2.0);  // 63,072 a year
  const std::vector<double> x{0.08};
  std::vector<double> y(project_of(io::parse_scenario(text)).output_names().size());
  project_of(io::parse_scenario(text))(x, y);
  // -100,000 + 63,072 * (1 - 1.08^-5) / 0.08 = -100,000 + 63,072 * 3.99271 = 151,828.2
  CHECK(y[y.size() - 2] == Approx(annuity_npv(a, 0.08, 5)).epsilon(1e-12));
  CHECK(y[y.size() - 2] == Approx(151828.2).epsilon(1e-6));
  CHECK(y[y.size() - 1] == Approx(annuity_npv(a, 0.08, 5)).epsilon(1e-12));
  // A rate the finance section gives stays what it says: the equity's at 0.12 in every sample.
  std::string fixed = text;
  replace(fixed, R"("operating_years": 5)",
          R"("operating_years": 5, "equity_discount_rate": 0.12)");
  project_of(io::parse_scenario(fixed))(x, y);
  CHECK(y[y.size() - 2] == Approx(annuity_npv(a, 0.08, 5)).epsilon(1e-12));
  CHECK(y[y.size() - 1] == Approx(annuity_npv(a, 0.12, 5)).epsilon(1e-12));
  // An uncertain discount rate, with no equity rate: the equity's follows it.
  std::string drawn = annuity("2.0");
  replace(drawn, R"("discount_rate": 0.1)",
          R"("discount_rate": {"dist": "uniform", "low": 0.05, "high": 0.15})");
  project_of(io::parse_scenario(drawn))(x, y);
  CHECK(y[y.size() - 2] == Approx(annuity_npv(a, 0.08, 5)).epsilon(1e-12));
  CHECK(y[y.size() - 1] == Approx(annuity_npv(a, 0.08, 5)).epsilon(1e-12));
}

TEST_CASE("an uncertain site power buys each sample the systems its ceiling holds") {
  // Systems of one accelerator drawing 1 MW (provisioned, PUE 1), each the annuity above: a
  // ceiling uniform in [10, 20] MW holds floor(P) systems, 10 to 19, each one tenth of the
  // samples (the Latin hypercube's strata fall on those tenths). Each system adds 31.536e9
  // tokens a year and the annuity's NPV: -100,000 + 63,072 * 3.79079 = 139,092.5 at 10%.
  std::string text = annuity("2.0");
  replace(text, R"("it_power_kw": 1)", R"("it_power_kw": 1000)");
  replace(text, R"("uncertainty": {)",
          R"("site": {"power_mw": {"dist": "uniform", "low": 10, "high": 20}},
             "uncertainty": {"design": "latin_hypercube", )");
  const io::scenario s = io::parse_scenario(text);
  const io::study st = io::run_study(s);
  REQUIRE(st.statistics.has_value());
  // The point: the median ceiling, 15 MW, 15 systems.
  CHECK(st.site.systems == 15);
  const double npv = annuity_npv(yearly(2.0), 0.1, 5);
  CHECK(npv == Approx(139092.5).epsilon(1e-6));
  const auto& project = st.statistics->output("project_npv");
  CHECK(project.mean == Approx(14.5 * npv).epsilon(1e-9));
  CHECK(project.quantile(0.05) == Approx(10.0 * npv).epsilon(1e-9));
  CHECK(project.quantile(0.95) == Approx(19.0 * npv).epsilon(1e-9));
  const auto& tokens = st.statistics->output("site_tokens_per_year");
  CHECK(tokens.mean == Approx(14.5 * tokens_per_year).epsilon(1e-9));
  CHECK(tokens.quantile(0.05) == Approx(10.0 * tokens_per_year).epsilon(1e-9));
  // The single-period figures per token do not depend on the site's size.
  CHECK(st.statistics->output("cost_per_mtok").sd == Approx(0.0).epsilon(1e-12));
  CHECK(io::to_json(st)["uncertainty"]["inputs"].contains("site.power_mw"));

  // Refused, naming the path: a ceiling whose samples reach below one system, and the GPU and MPI
  // engines' plan (a site of fixed size).
  std::string small = text;
  replace(small, R"("low": 10, "high": 20)", R"("low": 0.5, "high": 20)");
  const std::string below = message_of([&] { (void)io::run_study(io::parse_scenario(small)); });
  CHECK(below.starts_with("site.power_mw"));
  CHECK(below.find("below one system, which needs 1 MW") != std::string::npos);
  CHECK(message_of([&] {
          (void)io::project_model_of(s, 15).plan();
        }).starts_with("site = (uncertain power ceiling)"));
}

TEST_CASE("an NPV linear in one uniform input is uniform: P5 and P95 at 5% and 95% of its range") {
  // NPV = -100,000 + 31,536 p * a(10%, 5), a(r, n) = (1 - (1 + r)^-n) / r = 3.790787; p uniform
  // in [1, 2]: NPV uniform between 19,546.25 and 139,092.5.
  const io::scenario s = io::parse_scenario(annuity(R"({"dist": "uniform", "low": 1, "high": 2})"));
  const auto model = project_of(s);
  const double low = annuity_npv(yearly(1.0), 0.1, 5);
  const double high = annuity_npv(yearly(2.0), 0.1, 5);
  CHECK(low == Approx(19546.25).epsilon(1e-6));
  mc::run_options o;
  o.samples = 100000;
  o.seed = 7;
  o.design = mc::design_kind::latin_hypercube;
  o.probabilities = {0.05, 0.5, 0.95};
  const auto r = mc::run_project(model, o);
  const auto& npv = r.statistics.output("project_npv");
  const double width = high - low;
  CHECK(std::abs(npv.quantile(0.05) - (low + 0.05 * width)) < 1e-3 * width);
  CHECK(std::abs(npv.quantile(0.95) - (low + 0.95 * width)) < 1e-3 * width);
  CHECK(npv.mean == Approx((low + high) / 2.0).epsilon(1e-5));
  CHECK(npv.sd == Approx(width / std::sqrt(12.0)).epsilon(1e-3));
  CHECK(npv.min >= low - 1e-6 * width);
  CHECK(npv.max <= high + 1e-6 * width);
}

TEST_CASE("a flat annuity's IRR, sample by sample, solves its closed form") {
  // An outlay C = 100,000 and n = 5 yearly flows A: the IRR r solves C = A (1 - (1 + r)^-n) / r.
  const io::scenario s = io::parse_scenario(annuity(R"({"dist": "uniform", "low": 1, "high": 2})"));
  const auto model = project_of(s);
  for (const double price : {0.7, 1.0, 1.37, 2.0, 5.0}) {
    CAPTURE(price);
    const double x[] = {price};
    const auto f = model.optional_figures(x);
    REQUIRE(f[0]);
    const double r = *f[0];
    const double a = yearly(price);
    CHECK(100000.0 == Approx(a * (1.0 - std::pow(1.0 + r, -5)) / r).epsilon(1e-10));
    // Payback: C / A years, inside the five.
    if (100000.0 / a <= 5.0) {
      REQUIRE(f[2]);
      CHECK(*f[2] == Approx(100000.0 / a).epsilon(1e-12));
    }
  }
}

TEST_CASE("samples without an IRR or a payback are counted, not dropped") {
  // With energy at 1 per kWh (8,760 a year for the 1 kW accelerator), a year's flow is
  // 31,536 p - 8,760: no IRR when it is not positive (the flows never change sign), p <= 0.27778;
  // no payback within five years when 5 (31,536 p - 8,760) < 100,000, p < 0.91194. With p
  // uniform in [0, 1] (low 1e-6, the rule's floor): shares 0.27778 and 0.91194.
  std::string text = annuity(R"({"dist": "uniform", "low": 0.000001, "high": 1})");
  replace(text, R"("price_per_kwh": 0)", R"("price_per_kwh": 1)");
  const io::scenario s = io::parse_scenario(text);
  const auto model = project_of(s);
  mc::run_options o;
  o.samples = 100000;
  o.design = mc::design_kind::latin_hypercube;
  o.exceedances = {{"project_irr", 0.12, 0.0}, {"project_npv", 0.0, 0.0}};
  const auto r = mc::run_project(model, o);
  REQUIRE(r.optional.size() == 4);
  const double no_irr = (8760.0 / 31536.0 - 1e-6) / (1.0 - 1e-6);
  const double no_payback = ((100000.0 / 5.0 + 8760.0) / 31536.0 - 1e-6) / (1.0 - 1e-6);
  CHECK(r.optional[0].statistics.name == "project_irr");
  CHECK(r.optional[0].evaluated == 100000);
  CHECK(r.optional[0].missing_share() == Approx(no_irr).epsilon(1e-4));
  CHECK(r.optional[0].statistics.count == 100000 - r.optional[0].missing);
  CHECK(r.optional[2].missing_share() == Approx(no_payback).epsilon(1e-4));
  // P(IRR > 12%) among the samples with an IRR: above 12% when the NPV at 12% is positive,
  // p > (100,000 / a(12%, 5) + 8,760) / 31,536 = 1.1580...: never here.
  CHECK(r.statistics.exceedances[0].output == "project_irr");
  CHECK(r.statistics.exceedances[0].probability == 0.0);
  // P(NPV > 0) at 10%: p > (100,000 / a(10%, 5) + 8,760) / 31,536 = 1.1142: never either.
  CHECK(r.statistics.exceedances[1].probability == 0.0);

  // The other sides: P(IRR < 12%) is every sample, those without an IRR included (they clear no
  // hurdle); P(IRR >= 12%) none. P(payback < 5) is the samples that pay back, P(payback >= 5)
  // the rest, those that never pay back included. P(NPV < 0): every sample.
  using side = mc::exceedance_side;
  o.exceedances = {{"project_irr", 0.12, 0.0, 0.0, side::below},
                   {"project_irr", 0.12, 0.0, 0.0, side::at_or_above},
                   {"payback_years", 5.0, 0.0, 0.0, side::below},
                   {"payback_years", 5.0, 0.0, 0.0, side::at_or_above},
                   {"project_npv", 0.0, 0.0, 0.0, side::below}};
  const auto sides = mc::run_project(model, o);
  const auto& e = sides.statistics.exceedances;
  CHECK(e[0].probability == 1.0);
  CHECK(e[0].share_without == Approx(no_irr).epsilon(1e-4));
  CHECK(e[1].probability == 0.0);
  CHECK(e[2].probability == Approx(1.0 - no_payback).epsilon(1e-4));
  CHECK(e[2].probability + e[3].probability == 1.0);
  CHECK(e[3].share_without == Approx(no_payback).epsilon(1e-4));
  CHECK(e[4].probability == 1.0);
}

TEST_CASE("Sobol' indices of an NPV linear in two inputs are their shares of its variance") {
  // NPV = -100,000 + (31,536 p - 8,760 e) a(10%, 5): p uniform in [1, 2], e uniform in [0, 2]
  // per kWh. Var = a^2 (31,536^2 / 12 + 8,760^2 * 4 / 12): price's share 0.86621, energy's
  // 0.13379; additive, so first-order and total indices agree.
  std::string text = annuity(R"({"dist": "uniform", "low": 1, "high": 2})");
  replace(text, R"("price_per_kwh": 0)",
          R"("price_per_kwh": {"dist": "uniform", "low": 0, "high": 2})");
  const io::scenario s = io::parse_scenario(text);
  const auto model = project_of(s);
  const double vp = 31536.0 * 31536.0 / 12.0;
  const double ve = 8760.0 * 8760.0 * 4.0 / 12.0;
  mc::sobol_options so;
  so.base_samples = 1u << 14;
  so.seed = 3;
  so.bootstrap = 0;
  const auto indices = mc::sobol_analysis(model.inputs(), model, so, model.output_names());
  const auto& npv = *std::find_if(indices.begin(), indices.end(),
                                  [](const auto& i) { return i.output == "project_npv"; });
  REQUIRE(npv.indices.size() == 2);
  // The inputs in the file's order: energy price (costs) before the price (revenue).
  CHECK(npv.indices[0].input == "costs.energy.price_per_kwh");
  CHECK(npv.indices[0].first == Approx(ve / (vp + ve)).epsilon(0.02));
  CHECK(npv.indices[0].total == Approx(ve / (vp + ve)).epsilon(0.02));
  CHECK(npv.indices[1].first == Approx(vp / (vp + ve)).epsilon(0.02));
  CHECK(npv.indices[1].total == Approx(vp / (vp + ve)).epsilon(0.02));
}

TEST_CASE("a project's Monte Carlo gives the same numbers on 1, 2 and 8 threads") {
  const auto model = project_of(io::parse_scenario(taxed_annuity_with_debt()));
  const auto at = [&](unsigned threads) {
    mc::run_options o;
    o.samples = 20000;
    o.in_memory_limit = 1000;  // past it: the streaming passes
    o.threads = threads;
    o.exceedances = {{"equity_irr", 0.15, 0.0}};
    return mc::run_project(model, o);
  };
  const auto one = at(1);
  for (const unsigned threads : {2u, 8u}) {
    const auto other = at(threads);
    for (std::size_t k = 0; k < one.statistics.outputs.size(); ++k) {
      CHECK(one.statistics.outputs[k].mean == other.statistics.outputs[k].mean);
      CHECK(one.statistics.outputs[k].quantiles == other.statistics.outputs[k].quantiles);
    }
    for (std::size_t k = 0; k < one.optional.size(); ++k) {
      CHECK(one.optional[k].missing == other.optional[k].missing);
      CHECK(one.optional[k].statistics.mean == other.optional[k].statistics.mean);
      CHECK(one.optional[k].statistics.quantiles == other.optional[k].statistics.quantiles);
    }
    CHECK(one.statistics.exceedances[0].probability == other.statistics.exceedances[0].probability);
  }
}

TEST_CASE("a run that reads fewer figures computes fewer, and gives the same numbers for those") {
  // With debt, so that the equity's NPV differs from the project's. A run naming only the project
  // NPV skips the cost figures and the equity's flows; one naming the equity NPV keeps them.
  const auto model = project_of(io::parse_scenario(taxed_annuity_with_debt()));
  const auto run = [&](std::vector<std::string> outputs,
                       std::vector<mc::exceedance> exceedances = {}) {
    mc::run_options o;
    o.samples = 20000;
    o.in_memory_limit = 1000;  // past it: the streaming passes
    o.outputs = std::move(outputs);
    o.exceedances = std::move(exceedances);
    return mc::run_project(model, o).statistics;
  };
  const auto all = run({});
  const auto same_as_all = [&](const mc::run_result& r, const std::string& name) {
    const auto in = [&](const mc::run_result& of) {
      for (const auto& out : of.outputs) {
        if (out.name == name) return out;
      }
      FAIL("no output ", name);
      return of.outputs.front();
    };
    const auto a = in(all);
    const auto b = in(r);
    CHECK(a.mean == b.mean);
    CHECK(a.sd == b.sd);
    CHECK(a.quantiles == b.quantiles);
    CHECK(a.expected_shortfall_lower == b.expected_shortfall_lower);
  };
  const auto project_only = run({"project_npv"}, {{"project_npv", 0.0, 0.0}});
  same_as_all(project_only, "project_npv");
  CHECK(project_only.exceedances[0].probability > 0.0);
  same_as_all(run({"equity_npv"}), "equity_npv");
  const auto both = run({"project_npv", "equity_npv"});
  same_as_all(both, "project_npv");
  same_as_all(both, "equity_npv");
  const auto mixed = run({"cost_per_mtok", "project_npv"});
  same_as_all(mixed, "cost_per_mtok");
  same_as_all(mixed, "project_npv");
  // The equity's NPV is not the project's here: skipping it is a real saving, not a copy.
  CHECK(all.outputs[all.outputs.size() - 1].mean != all.outputs[all.outputs.size() - 2].mean);
}

TEST_CASE("the project's plan, through the GPU and MPI engines' passes, gives the CPU's NPVs") {
  // Every line (build year, ramp, decline, tax, debt) with cost and project numbers uncertain:
  // the plan runs the same per-sample code (project_sample) as the CPU model.
  const io::scenario s = io::parse_scenario(annuity(
      R"({"dist": "triangular", "low": 0.5, "mode": 1.2, "high": 2})",
      R"(, "build_years": 1, "utilization_ramp": [{"dist": "uniform", "low": 0.3, "high": 0.6}],
                  "price_decline_per_year": {"dist": "uniform", "low": 0.1, "high": 0.3},
                  "revenue_fee_share": {"dist": "uniform", "low": 0, "high": 0.1},
                  "tax": {"rate": 0.21}, "debt": {"share": 0.5, "rate": 0.07, "term_years": 3})"));
  const auto model = project_of(s);
  const mc::project_plan plan = model.plan();
  REQUIRE(plan.inputs == 4);
  for (std::uint32_t k = 0; k < plan.inputs; ++k) {
    CHECK(plan.input_name(k) == model.inputs()[k].name);
  }
  CHECK(std::string(plan.output_name(plan.outputs() - 2)) == "project_npv");
  for (const auto kind : {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube}) {
    mc::run_options o;
    o.samples = 40000;
    o.seed = 5;
    o.design = kind;
    o.outputs = {"cost_per_mtok", "gross_margin", "project_npv", "equity_npv"};
    o.exceedances = {{"project_npv", 0.0, 0.0}};
    const auto cpu = mc::run_project(model, o).statistics;
    mc::radix::host_backend backend;
    const auto passes = mc::radix::run_passes<io::scenario_currency>(backend, plan, o);
    REQUIRE(passes.outputs.size() == cpu.outputs.size());
    for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
      CAPTURE(cpu.outputs[k].name);
      CHECK(passes.outputs[k].name == cpu.outputs[k].name);
      CHECK(passes.outputs[k].quantiles == cpu.outputs[k].quantiles);
      CHECK(passes.outputs[k].mean == Approx(cpu.outputs[k].mean).epsilon(1e-12));
      CHECK(passes.outputs[k].sd == Approx(cpu.outputs[k].sd).epsilon(1e-12));
    }
    CHECK(passes.exceedances[0].probability == cpu.exceedances[0].probability);
  }
  // What a plan cannot carry is refused, naming it: the emissions (the cost per request is cost
  // per Mtok's multiple, which the study scales).
  io::scenario with_carbon = s;
  with_carbon.carbon = io::carbon_choice{400.0, 0.0, 1.0, false};
  CHECK(message_of([&] { (void)io::project_model_of(with_carbon, 1).plan(); })
            .starts_with("carbon = (emissions per Mtok): a project's plan for the GPU and MPI "
                         "engines gives the cost model's figures and the NPVs"));
}

TEST_CASE("a project's uncertain numbers are refused by path when their samples leave the rule") {
  const auto error = [](const std::string& extra) {
    return message_of([&] { (void)io::parse_scenario(annuity("1.5", extra)); });
  };
  // A normal discount rate with sd 0.2 reaches 8.2 sd below 0.1: under the rule's -0.5.
  CHECK(error(R"(, "equity_discount_rate": {"dist": "normal", "mean": 0.1, "sd": 0.2})")
            .starts_with("finance.equity_discount_rate = \"normal(mean 0.1, sd 0.2)\": its samples "
                         "reach [-1.54"));
  // One that stays inside at every value the sampler reaches is taken as it is.
  CHECK_NOTHROW((void)io::parse_scenario(
      annuity("1.5", R"(, "equity_discount_rate": {"dist": "normal", "mean": 0.1, "sd": 0.05})")));
  CHECK(
      error(R"(, "utilization_ramp": [0.5, {"dist": "uniform", "low": 0.5, "high": 1.2}])")
          .starts_with("finance.utilization_ramp[1] = \"uniform(low 0.5, high 1.2)\": its samples "
                       "reach [0.5, 1.2], above the allowed range [1e-06, 1]"));
  CHECK(error(R"(, "tax": {"rate": {"dist": "uniform", "low": 0.2, "high": 1}})")
            .starts_with(
                "finance.tax.rate = \"uniform(low 0.2, high 1)\": its samples reach [0.2, 1], "
                "above the allowed range [0, 1)"));
  // The whole numbers stay fixed.
  CHECK(error(R"(, "build_years": {"dist": "uniform", "low": 0, "high": 2})")
            .starts_with("finance.build_years = "));
  // A project's figure needs a project.
  CHECK(message_of([] {
          (void)io::parse_scenario(R"({"deployment": {"accelerators_per_system": 1,
            "it_power_kw": 1, "utilization": {"dist": "uniform", "low": 0.5, "high": 1},
            "throughput_tok_s": 1000}, "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}},
            "uncertainty": {"exceedances": [{"figure": "project_npv",
            "below": 0}]}})");
        }) ==
        "uncertainty.exceedances[0].figure = \"project_npv\": is a project's figure: it "
        "needs a finance section");
}

TEST_CASE("a study's engine hook runs a project's NPVs; one without a project run is refused") {
  io::scenario s = io::parse_scenario(
      annuity(R"({"dist": "uniform", "low": 1, "high": 2})",
              R"(, "price_decline_per_year": {"dist": "uniform", "low": 0.1, "high": 0.3})"));
  s.workload = tpw::request_shape{tpw::tokens::from_value(1000), tpw::tokens::from_value(100)};
  s.samples = 30000;
  s.exceedances = {{"project_npv", 0.0, true}, {"project_irr", 0.12, false}};
  io::study_options cost_only;
  cost_only.engine.run = [](const mc::cost_plan&, const mc::run_options&) -> mc::run_result {
    FAIL("the engine must not run");
    return {};
  };
  CHECK(message_of([&] { (void)io::run_study(s, cost_only); })
            .starts_with("finance = (a multi-year project): its figures (NPV, IRR, payback) need "
                         "the engine's project run"));
  // The GPU engine's passes on the host stand in: the report is the CPU's, its quantiles exactly.
  int runs = 0;
  io::study_options o;
  o.engine.run_project = [&](const mc::project_plan& plan, const mc::run_options& options) {
    ++runs;
    mc::radix::host_backend backend;
    return mc::radix::run_passes<io::scenario_currency>(backend, plan, options);
  };
  const io::study hooked = io::run_study(s, o);
  const io::study cpu = io::run_study(s);
  CHECK(runs == 1);
  for (const char* name :
       {"cost_per_mtok", "gross_margin", "project_npv", "equity_npv", "cost_per_request"}) {
    CAPTURE(name);
    const auto& a = hooked.statistics->output(name);
    const auto& b = cpu.statistics->output(name);
    CHECK(a.mean == Approx(b.mean).epsilon(1e-12));
    for (std::size_t k = 0; k < b.quantiles.size(); ++k) {
      CHECK(a.quantiles[k] == Approx(b.quantiles[k]).epsilon(1e-14));
    }
  }
  REQUIRE(hooked.statistics->exceedances.size() == 2);
  CHECK(hooked.statistics->exceedances[0].probability ==
        cpu.statistics->exceedances[0].probability);
  CHECK(hooked.statistics->exceedances[1].probability ==
        cpu.statistics->exceedances[1].probability);
  REQUIRE(hooked.project_figures.size() == cpu.project_figures.size());
  CHECK(hooked.project_figures[0].statistics.quantiles ==
        cpu.project_figures[0].statistics.quantiles);
}

using tpw_test::network_cost;

TEST_CASE("a user's own component with an uncertain rate: deterministic and Monte Carlo agree") {
  // The scenario's built-in lines plus networking at r per accelerator-hour, r uniform in
  // [0.10, 0.30]: cost per Mtok = the built-in lines' + r * 1e6 / (T u 3600). With T = 1000 tok/s
  // and u = 1 that is + r / 3.6: its mean + 0.2 / 3.6 = 0.05556, its P5 + 0.11 / 3.6.
  using C = io::scenario_currency;
  const io::scenario s = io::parse_scenario(annuity("1.5"));
  const tpw::operating_point op = tpw::detail::operating_point_of(s.base);
  const auto price = tpw::token_price<C>::from_value(1.5 / 1e6);
  const auto figures = [&](double rate, double* y) {
    const network_cost<C> network{tpw::cost_rate<C>::from_value(rate / 3600.0)};
    const auto e = tpw::with_cost_components<C>(s.base, [&](const auto&... built_in) {
      return tpw::evaluate(op, price, built_in..., network);
    });
    tpw::economics_figures(e, true, y);
  };
  const auto model = [&](std::span<const double> x, std::span<double> y) {
    figures(x[0], y.data());
  };
  std::vector<std::string> names(tpw::cost_output_names.begin(), tpw::cost_output_names.end());
  const mc::input_space inputs(
      {{"costs.network_per_accelerator_hour", mc::distribution::uniform(0.10, 0.30)}});
  mc::run_options o;
  o.samples = 100000;
  o.design = mc::design_kind::latin_hypercube;
  o.probabilities = {0.05, 0.5};
  const auto r = mc::run(inputs, model, o, names);
  double without[tpw::cost_output_count];
  figures(0.0, without);
  const auto& cost = r.output("cost_per_mtok");
  CHECK(cost.mean == Approx(without[0] + 0.2 / 3.6).epsilon(1e-6));
  CHECK(cost.quantile(0.05) == Approx(without[0] + 0.11 / 3.6).epsilon(1e-4));
  // The opex line carries it, and the deterministic evaluation at the median is the engine's P50.
  CHECK(r.output("cost_per_mtok.opex").mean == Approx(0.2 / 3.6).epsilon(1e-6));
  double at_median[tpw::cost_output_count];
  figures(0.2, at_median);
  CHECK(cost.quantile(0.5) == Approx(at_median[0]).epsilon(1e-4));
  // The same component runs in the deterministic project: a running cost each year.
  tpw::cash_flow_plan<C> plan;
  plan.operating_years = 5;
  plan.price = price;
  const auto with = tpw::with_cost_components<C>(s.base, [&](const auto&... built_in) {
    return tpw::project_cash_flows(tpw::deployment_of(s.base), plan, built_in...,
                                   network_cost<C>{tpw::cost_rate<C>::from_value(0.2 / 3600.0)});
  });
  // 0.20 an hour over a year of 8,760 hours.
  CHECK(with.operating[1].value() == Approx(0.2 * 8760.0).epsilon(1e-12));
}

TEST_CASE("replacement, mid-year discounting and expensed construction interest: MC = report") {
  // The hardware (4-year life) is bought again in a 7-year project at a price falling by an
  // uncertain share a year; flows discounted at mid-year; the build year's interest expensed.
  const io::scenario s = io::parse_scenario(R"({
    "name": "conventions",
    "deployment": {"accelerators_per_system": 8, "systems": 3, "it_power_kw": 10,
                   "idle_power_kw": 4, "utilization": 0.6, "throughput_tok_s": 2500},
    "costs": {"cost_of_capital": 0.08,
              "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0.1},
              "facility": {"build_per_mw": 10000000, "life_years": 5},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2}},
    "revenue": {"price_per_mtok": {"dist": "uniform", "low": 1.0, "high": 3.0}},
    "finance": {"operating_years": 7, "build_years": 1, "discounting": "mid_year",
                "hardware_price_decline_per_year": {"dist": "uniform", "low": 0.1, "high": 0.3},
                "tax": {"rate": 0.21, "hardware_years": 5},
                "debt": {"share": 0.6, "rate": 0.07, "term_years": 4,
                         "interest_during_construction": "expensed"}},
    "uncertainty": {"samples": 1000}
  })");
  const io::study r = io::run_study(s);
  REQUIRE(r.finance);
  CHECK(r.finance->replacement_capex.value() > 0.0);
  const auto model = io::project_model_of(s, r.site.systems);
  const std::vector<double> x{2.0, 0.2};  // the medians
  std::vector<double> y(model.output_names().size());
  model(x, y);
  CHECK(y[y.size() - 2] == Approx(r.finance->project_npv.value()).epsilon(1e-12));
  CHECK(y[y.size() - 1] == Approx(r.finance->equity_npv.value()).epsilon(1e-12));
  const auto optional = model.optional_figures(x.data());
  REQUIRE(r.finance->project_irr.unique());
  CHECK(*optional[0] == Approx(r.finance->project_irr.rate()).epsilon(1e-10));
  REQUIRE(r.finance->discounted_payback_years);
  CHECK(*optional[3] == Approx(*r.finance->discounted_payback_years).epsilon(1e-12));
  // The lanes of a batch give each sample's own numbers.
  mc::run_options o;
  o.samples = 64;
  o.keep_samples = true;
  const auto run = mc::run(model.inputs(), model, o, model.output_names());
  const std::size_t outputs = model.output_names().size();
  for (std::size_t i = 0; i < 64; i += 7) {
    std::vector<double> one(outputs);
    model(std::span(run.input_samples).subspan(i * 2, 2), one);
    CHECK(run.output_samples[i * outputs + outputs - 2] == one[outputs - 2]);
    CHECK(run.output_samples[i * outputs + outputs - 1] == one[outputs - 1]);
  }
}

TEST_CASE("uncertainty.outputs naming only an IRR or a payback summarizes only those") {
  std::string text = annuity(R"({"dist": "uniform", "low": 1, "high": 2})");
  replace(text, R"("samples": 200000, "seed": 7)",
          R"("samples": 2000, "seed": 7, "outputs": ["project_irr"])");
  const io::study r = io::run_study(io::parse_scenario(text));
  const auto j = io::to_json(r);
  const auto& outputs = j["uncertainty"]["outputs"];
  CHECK(outputs.size() == 1);
  CHECK(outputs.contains("project_irr"));
  replace(text, R"(["project_irr"])", R"(["discounted_payback_years", "project_npv"])");
  const auto k = io::to_json(io::run_study(io::parse_scenario(text)));
  CHECK(k["uncertainty"]["outputs"].size() == 2);
  CHECK(k["uncertainty"]["outputs"].contains("discounted_payback_years"));
  CHECK(k["uncertainty"]["outputs"].contains("project_npv"));
}
