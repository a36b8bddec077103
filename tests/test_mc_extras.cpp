// The figures a scenario adds beside the cost model's as distributions (tpw/model/extras.hpp):
// the cost per request, and the emissions per Mtok with the carbon section's numbers uncertain;
// checked against their analytic distributions, the point figures, the GPU engine's hook and the
// refusals.
#include <doctest/doctest.h>

#include "support.hpp"

#include <algorithm>
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

// One accelerator of 1 kW serving 1,000 tok/s all the time at PUE 1: 1 tok/J, so 1 kWh makes
// 3.6 Mtok and a grid of g gCO2e/kWh gives g / 3.6 gCO2e per Mtok. Owned hardware at 100,000 over
// `life` years: embodied E kg over the life gives E * 1e3 / (1000 * life * 31.536e6) * 1e6 g/Mtok.
std::string scenario_text(const std::string& carbon, const std::string& life = "5",
                          const std::string& extra = "") {
  return R"({
    "name": "carbon",
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1,
                   "throughput_tok_s": 1000},
    "workload": {"input_tokens": 8192, "output_tokens": 1024},
    "costs": {"cost_of_capital": 0.1,
              "hardware": {"price": 100000, "life_years": )" +
         life + R"(, "residual_fraction": 0},
              "energy": {"price_per_kwh": {"dist": "uniform", "low": 0.05, "high": 0.15},
                         "pue": 1}},
    "carbon": )" +
         carbon + extra + R"(,
    "uncertainty": {"samples": 100000, "seed": 3, "design": "latin_hypercube"}
  })";
}

const double seconds_per_year = 8760.0 * 3600.0;

// The message a study of `s` on a caller's engine (the GPU's or MPI's stand-in, which must not
// run) refuses with, up front.
std::string engine_refusal(const io::scenario& s) {
  io::study_options o;
  o.engine.run = [](const mc::cost_plan&, const mc::run_options&) -> mc::run_result {
    FAIL("the engine must not run");
    return {};
  };
  return message_of([&] { (void)io::run_study(s, o); });
}

}  // namespace

TEST_CASE("emissions per Mtok with an uncertain grid: a uniform, against its analytic quantiles") {
  const io::scenario s = io::parse_scenario(
      scenario_text(R"({"grid_g_per_kwh": {"dist": "uniform", "low": 200, "high": 600}})"));
  const io::study st = io::run_study(s);
  REQUIRE(st.statistics.has_value());
  const auto& total = st.statistics->output("carbon_g_per_mtok");
  const auto& operational = st.statistics->output("carbon_g_per_mtok.operational");
  // g / 3.6 with g uniform in [200, 600]: P5 at 220, P95 at 580, mean 400.
  CHECK(operational.mean == Approx(400.0 / 3.6).epsilon(1e-6));
  CHECK(operational.quantile(0.05) == Approx(220.0 / 3.6).epsilon(1e-5));
  CHECK(operational.quantile(0.95) == Approx(580.0 / 3.6).epsilon(1e-5));
  CHECK(st.statistics->output("carbon_g_per_mtok.embodied").max == 0.0);
  CHECK(total.mean == Approx(operational.mean).epsilon(1e-15));
  // The point figures (the grid's median, 400) are the Monte Carlo's own formulas.
  REQUIRE(st.carbon.has_value());
  CHECK(st.carbon->operational_g_per_mtok == Approx(400.0 / 3.6).epsilon(1e-14));
  CHECK(operational.quantile(0.5) == Approx(st.carbon->operational_g_per_mtok).epsilon(1e-5));
  // The uncertain grid is reported as an input, and the JSON report carries the figures.
  const auto j = io::to_json(st);
  CHECK(j["uncertainty"]["inputs"].contains("carbon.grid_g_per_kwh"));
  CHECK(j["uncertainty"]["outputs"].contains("carbon_g_per_mtok.operational"));
}

TEST_CASE("embodied emissions follow the owned hardware's uncertain life, sample by sample") {
  // E = 3000 kg over a life L uniform in [3, 5] years (carbon.life_years not given): embodied
  // g/Mtok = 3e6 g / (1000 tok/s * L * 31.536e6 s) * 1e6 = c / L with c = 3e9 / 31.536e9 * 1e3.
  // Its mean is c * ln(5/3) / 2, its P5 c / 4.9 (1/L falls as L rises).
  const io::scenario s = io::parse_scenario(
      scenario_text(R"({"grid_g_per_kwh": 0, "embodied_kg_per_accelerator": 3000})",
                    R"({"dist": "uniform", "low": 3, "high": 5})"));
  const io::study st = io::run_study(s);
  const double c = 3e6 / (1000.0 * seconds_per_year) * 1e6;
  const auto& embodied = st.statistics->output("carbon_g_per_mtok.embodied");
  CHECK(embodied.mean == Approx(c * std::log(5.0 / 3.0) / 2.0).epsilon(1e-7));
  CHECK(embodied.quantile(0.05) == Approx(c / 4.9).epsilon(1e-5));
  CHECK(embodied.quantile(0.95) == Approx(c / 3.1).epsilon(1e-5));
  CHECK(st.carbon->embodied_g_per_mtok == Approx(c / 4.0).epsilon(1e-14));
}

TEST_CASE("cost per request is cost per Mtok times the request's tokens, sample by sample") {
  const io::scenario s = io::parse_scenario(scenario_text(R"({"grid_g_per_kwh": 400})"));
  const io::study st = io::run_study(s);
  const auto& per_mtok = st.statistics->output("cost_per_mtok");
  const auto& per_request = st.statistics->output("cost_per_request");
  const double tokens = 8192.0 + 1024.0;
  CHECK(per_request.mean == Approx(per_mtok.mean * tokens / 1e6).epsilon(1e-13));
  CHECK(per_request.quantile(0.05) ==
        Approx(per_mtok.quantile(0.05) * tokens / 1e6).epsilon(1e-13));
  REQUIRE(st.mix.has_value());
  CHECK(per_request.quantile(0.5) == Approx(st.mix->cost_per_request.value()).epsilon(1e-4));

  // A caller's engine (the GPU engine's passes on the host stand in) computes the cost model's
  // figures; the study scales cost per Mtok's statistics to the request's.
  const io::scenario no_carbon = io::parse_scenario(R"({
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1,
                   "throughput_tok_s": 1000},
    "workload": {"input_tokens": 8192, "output_tokens": 1024},
    "costs": {"energy": {"price_per_kwh": {"dist": "uniform", "low": 0.05, "high": 0.15},
                         "pue": 1}},
    "uncertainty": {"samples": 20000, "seed": 3}
  })");
  io::study_options o;
  o.engine.run = [](const mc::cost_plan& plan, const mc::run_options& options) {
    mc::radix::host_backend backend;
    return mc::radix::run_passes<io::scenario_currency>(backend, plan, options);
  };
  const io::study hooked = io::run_study(no_carbon, o);
  const io::study cpu = io::run_study(no_carbon);
  const auto& a = hooked.statistics->output("cost_per_request");
  const auto& b = cpu.statistics->output("cost_per_request");
  CHECK(a.mean == Approx(b.mean).epsilon(1e-12));
  for (std::size_t k = 0; k < b.quantiles.size(); ++k) {
    CHECK(a.quantiles[k] == Approx(b.quantiles[k]).epsilon(1e-14));
  }
  // The emissions run on the CPU engine only: refused up front, naming the section.
  CHECK(message_of([&] { (void)io::run_study(s, o); })
            .starts_with("carbon = (emissions per Mtok): the GPU and MPI engines compute the cost "
                         "model's figures only"));
}

TEST_CASE("the site's tokens, cost and revenue a year and the request's figures, per sample") {
  // 10 systems of 8 accelerators (a site of 80), each 1,000 tok/s at a utilization u uniform in
  // [0.4, 0.6]: tokens a year = 80 * 1000 * u * 31.536e6, uniform, with P5 at u = 0.41 and P95 at
  // u = 0.59. A request of 8,192 input tokens at 1 USD per Mtok and 1,024 output tokens at 10:
  // revenue per request 0.008192 + 0.01024 = 0.018432, a blend of 2 USD per Mtok, so a revenue a
  // year of 2e-6 per token. The cost per input Mtok is the cost per request over 8,192 input
  // tokens, per output Mtok over 1,024.
  const auto site_scenario = [](const std::string& exceedances) {
    return io::parse_scenario(R"({
      "deployment": {"accelerators_per_system": 8, "systems": 10, "it_power_kw": 8,
                     "utilization": {"dist": "uniform", "low": 0.4, "high": 0.6},
                     "throughput_tok_s": 1000},
      "workload": {"input_tokens": 8192, "output_tokens": 1024},
      "costs": {"cost_of_capital": 0.1,
                "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0},
                "energy": {"price_per_kwh": 0.1, "pue": 1.2}},
      "revenue": {"input_price_per_mtok": 1, "output_price_per_mtok": 10},
      "uncertainty": {"samples": 100000, "seed": 5, "design": "latin_hypercube",
                      "exceedances": [)" +
                              exceedances + "]}}");
  };
  const io::scenario s = site_scenario("");
  const io::study st = io::run_study(s);
  REQUIRE(st.statistics.has_value());
  const double year_tokens = 80.0 * 1000.0 * seconds_per_year;  // at u = 1
  const auto& tokens = st.statistics->output("site_tokens_per_year");
  CHECK(tokens.mean == Approx(0.5 * year_tokens).epsilon(1e-6));
  CHECK(tokens.quantile(0.05) == Approx(0.41 * year_tokens).epsilon(1e-5));
  CHECK(tokens.quantile(0.95) == Approx(0.59 * year_tokens).epsilon(1e-5));
  const auto& revenue = st.statistics->output("site_revenue_per_year");
  CHECK(revenue.quantile(0.05) == Approx(2e-6 * 0.41 * year_tokens).epsilon(1e-5));
  CHECK(revenue.mean == Approx(2e-6 * tokens.mean).epsilon(1e-12));
  // The price is certain: the revenue per request is one number.
  const auto& per_request = st.statistics->output("revenue_per_request");
  CHECK(per_request.min == Approx(0.018432).epsilon(1e-14));
  CHECK(per_request.max == per_request.min);
  // Each sample's cost a year is its tokens at its cost per token.
  const auto& cost = st.statistics->output("site_cost_per_year");
  const auto& per_mtok = st.statistics->output("cost_per_mtok");
  CHECK(cost.quantile(0.5) > 0.0);
  CHECK(st.statistics->output("cost_per_mtok_input").quantile(0.95) ==
        Approx(per_mtok.quantile(0.95) * 9216.0 / 8192.0).epsilon(1e-15));
  CHECK(st.statistics->output("cost_per_mtok_output").quantile(0.05) ==
        Approx(per_mtok.quantile(0.05) * 9.0).epsilon(1e-15));

  // At the point values (u = 0.5) the model gives the report's site and mix figures.
  const auto model = io::model_of(s, st.site.accelerators);
  const auto names = model.output_names();
  std::vector<double> y(names.size());
  model(std::vector<double>{0.5}, y);
  const auto at = [&](const std::string& name) {
    return y[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin())];
  };
  CHECK(at("site_tokens_per_year") == Approx(st.site.tokens_per_year.value()).epsilon(1e-14));
  CHECK(at("site_cost_per_year") == Approx(st.site.cost_per_year.value()).epsilon(1e-13));
  CHECK(at("site_revenue_per_year") == Approx(st.site.revenue_per_year->value()).epsilon(1e-14));
  REQUIRE(st.mix.has_value());
  // The cost multiples (the study scales cost per Mtok's statistics by them) give the mix's.
  const auto multiples = model.extras().cost_multiples();
  REQUIRE(multiples.count == 3);
  CHECK(std::string(multiples.items[1].name) == "cost_per_mtok_input");
  CHECK(at("cost_per_mtok") * multiples.items[1].factor ==
        Approx(st.mix->cost_per_input_token->value() * 1e6).epsilon(1e-14));
  CHECK(at("cost_per_mtok") * multiples.items[2].factor ==
        Approx(st.mix->cost_per_output_token->value() * 1e6).epsilon(1e-14));
  CHECK(at("cost_per_mtok") * multiples.items[0].factor ==
        Approx(st.mix->cost_per_request.value()).epsilon(1e-14));
  CHECK(at("revenue_per_request") == Approx(st.mix->revenue_per_request->value()).epsilon(1e-14));
  // The cost per year: the site's cost per accelerator-hour a year, against tokens at cost/token.
  CHECK(cost.mean == Approx(st.site.cost_per_year.value()).epsilon(0.05));

  // Exceedances named in the file: on a site figure, against its analytic value (P(tokens >
  // 0.55 * year) = 0.25), and on a cost multiple, cost per Mtok's at the threshold over the
  // constant.
  const double per_mtok_p50 = per_mtok.quantile(0.5);
  const io::study e = io::run_study(site_scenario(
      R"({"figure": "site_tokens_per_year", "above": )" + std::to_string(0.55 * year_tokens) +
      R"(}, {"figure": "cost_per_mtok_output", "above": )" + std::to_string(per_mtok_p50 * 9.0) +
      "}"));
  CHECK(e.statistics->exceedances.at(0).output == "site_tokens_per_year");
  CHECK(e.statistics->exceedances.at(0).probability == Approx(0.25).epsilon(1e-3));
  CHECK(e.statistics->exceedances.at(1).output == "cost_per_mtok_output");
  CHECK(e.statistics->exceedances.at(1).threshold == Approx(per_mtok_p50 * 9.0).epsilon(1e-6));
  CHECK(e.statistics->exceedances.at(1).probability == Approx(0.5).epsilon(1e-3));
}

TEST_CASE("the carbon section's distributions and figures are refused by path") {
  CHECK(message_of([] {
          (void)io::parse_scenario(
              scenario_text(R"({"grid_g_per_kwh": {"dist": "normal", "mean": 400, "sd": 100}})"));
        })
            .starts_with("carbon.grid_g_per_kwh = \"normal(mean 400, sd 100)\": its samples reach "
                         "[-4"));
  // A normal far from zero is accepted (its reachable values stay at or above 0).
  CHECK_NOTHROW((void)io::parse_scenario(
      scenario_text(R"({"grid_g_per_kwh": {"dist": "normal", "mean": 400, "sd": 40}})")));
  CHECK(message_of([] {
          (void)io::parse_scenario(R"({
            "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 0.5,
                           "throughput_tok_s": {"dist": "uniform", "low": 900, "high": 1100}},
            "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}},
            "uncertainty": {"exceedances": [{"figure": "carbon_g_per_mtok", "above": 100}]}
          })");
        }) == "uncertainty.exceedances[0].figure = \"carbon_g_per_mtok\": needs a carbon section");
  CHECK(message_of([] {
          (void)io::parse_scenario(R"({
            "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 0.5,
                           "throughput_tok_s": {"dist": "uniform", "low": 900, "high": 1100}},
            "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}},
            "uncertainty": {"outputs": ["cost_per_request"]}
          })");
        }) ==
        "uncertainty.outputs[0] = \"cost_per_request\": needs a workload (the tokens of a "
        "request)");
}

TEST_CASE("a project whose only uncertain numbers are finance's runs") {
  // Before, the cost model refused to be built with no uncertain input of its own.
  const io::scenario s = io::parse_scenario(R"({
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1,
                   "throughput_tok_s": 1000},
    "costs": {"hardware": {"price": 100000, "life_years": 5, "residual_fraction": 0},
              "energy": {"price_per_kwh": 0, "pue": 1}},
    "revenue": {"price_per_mtok": 1.5},
    "finance": {"operating_years": 5,
                "discount_rate": {"dist": "uniform", "low": 0.05, "high": 0.15}},
    "uncertainty": {"samples": 20000, "seed": 1}
  })");
  const io::study st = io::run_study(s);
  REQUIRE(st.statistics.has_value());
  // The cost figures are one number; the NPV spans the discount rates.
  CHECK(st.statistics->output("cost_per_mtok").sd == 0.0);
  CHECK(st.statistics->output("project_npv").sd > 0.0);
}

namespace {
std::string priced_by_kind(const std::string& input_price) {
  return R"({
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 0.8,
                   "throughput_tok_s": 1000},
    "workload": {"input_tokens": 8192, "output_tokens": 1024},
    "costs": {"hardware": {"price": 30000, "life_years": 4, "residual_fraction": 0},
              "energy": {"price_per_kwh": {"dist": "uniform", "low": 0.05, "high": 0.15},
                         "pue": 1.2}},
    "revenue": {"input_price_per_mtok": )" +
         input_price + R"(, "output_price_per_mtok": 5.4},
    "finance": {"operating_years": 4, "discount_rate": 0.08, "tax": {"rate": 0.21}},
    "uncertainty": {"samples": 100000, "seed": 9, "design": "latin_hypercube"}
  })";
}
}  // namespace

TEST_CASE("uncertain prices by kind blend, sample by sample, into the revenue, margin and NPV") {
  // Input price uniform in [1, 2], output 5.40, over 8,192 input and 1,024 output tokens: the
  // blend is (8192 p + 5.4 * 1024) / 9216, rising with p, and so do revenue and the NPV. Each
  // figure's P5 and P95 are therefore the point figures at p = 1.05 and p = 1.95 (revenue does not
  // depend on the energy price; the NPV does, so its median is checked loosely).
  const io::study st = io::run_study(
      io::parse_scenario(priced_by_kind(R"({"dist": "uniform", "low": 1, "high": 2})")));
  const io::study at_p5 = io::run_study(io::parse_scenario(priced_by_kind("1.05")));
  const io::study at_p95 = io::run_study(io::parse_scenario(priced_by_kind("1.95")));
  const auto& revenue = st.statistics->output("revenue_per_mw_year");
  const double point_p5 =
      at_p5.point.revenue->revenue_per_power_time.value() * 1e6 * seconds_per_year;
  const double point_p95 =
      at_p95.point.revenue->revenue_per_power_time.value() * 1e6 * seconds_per_year;
  CHECK(revenue.quantile(0.05) == Approx(point_p5).epsilon(1e-5));
  CHECK(revenue.quantile(0.95) == Approx(point_p95).epsilon(1e-5));
  CHECK(st.point.revenue->price.value() * 1e6 == Approx((8192 * 1.5 + 5.4 * 1024) / 9216.0));
  // The project reads each sample's blend: its NPV spreads with the price, and its median sits
  // near the point NPV at the median prices.
  const auto& npv = st.statistics->output("project_npv");
  REQUIRE(st.finance.has_value());
  CHECK(npv.quantile(0.05) < st.finance->project_npv.value());
  CHECK(npv.quantile(0.95) > st.finance->project_npv.value());
  CHECK(npv.quantile(0.5) == Approx(st.finance->project_npv.value()).epsilon(0.01));
  // The input price is an input of the run, and drives the revenue alone.
  const auto j = io::to_json(st);
  CHECK(j["uncertainty"]["inputs"].contains("revenue.input_price_per_mtok"));
  // A caller's engine (the GPU) takes one price: refused up front, naming the section.
  io::scenario cost_only =
      io::parse_scenario(priced_by_kind(R"({"dist": "uniform", "low": 1, "high": 2})"));
  cost_only.finance.reset();
  CHECK(engine_refusal(cost_only).starts_with(
      "revenue = (uncertain prices by kind of token): the GPU and MPI engines "
      "take one token price"));
}

namespace {
// One accelerator of 1 kW serving all the time, energy at 0.10 per kWh and PUE 1 (nothing else
// costs): 0.1 an hour. `throughput` is the deployment's throughput keys, `more` the sections
// after the costs; 100,000 Latin hypercube samples from `seed`.
std::string energy_only_scenario(const std::string& throughput, const std::string& more, int seed) {
  return R"({
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1, )" +
         throughput + R"(},
    "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}})" +
         more + R"(,
    "uncertainty": {"samples": 100000, "seed": )" +
         std::to_string(seed) + R"(, "design": "latin_hypercube"}
  })";
}

// At 1,000 tok/s: 3.6 Mtok an hour for 0.10, so c = 0.1 / 3.6 per Mtok in every sample. The
// request is `input` input tokens (a number or a distribution) and 1,024 output tokens.
std::string workload_scenario(const std::string& input, const std::string& more = "") {
  return energy_only_scenario(
      R"("throughput_tok_s": 1000)",
      R"(, "workload": {"input_tokens": )" + input + R"(, "output_tokens": 1024})" + more, 5);
}
}  // namespace

TEST_CASE(
    "an uncertain workload: the request's cost and revenue per sample, its blend in the NPV") {
  // Input tokens I uniform in [4000, 12000]: P5 at I = 4,400, P95 at I = 11,600, median 8,000.
  const std::string uniform = R"({"dist": "uniform", "low": 4000, "high": 12000})";
  const double c = 0.1 / 3.6;  // per Mtok
  const io::study st = io::run_study(io::parse_scenario(workload_scenario(uniform)));
  REQUIRE(st.statistics.has_value());
  CHECK(st.statistics->output("cost_per_mtok").sd == 0.0);
  // Cost per request c (I + 1024) / 1e6: uniform, rising with I.
  const auto& request = st.statistics->output("cost_per_request");
  CHECK(request.mean == Approx(c * (8000.0 + 1024.0) / 1e6).epsilon(1e-6));
  CHECK(request.quantile(0.05) == Approx(c * (4400.0 + 1024.0) / 1e6).epsilon(1e-5));
  CHECK(request.quantile(0.95) == Approx(c * (11600.0 + 1024.0) / 1e6).epsilon(1e-5));
  // Per output Mtok c (I + 1024) / 1024, rising with I; per input Mtok c (1 + 1024 / I), falling.
  const auto& output = st.statistics->output("cost_per_mtok_output");
  CHECK(output.quantile(0.05) == Approx(c * (4400.0 + 1024.0) / 1024.0).epsilon(1e-5));
  const auto& input = st.statistics->output("cost_per_mtok_input");
  CHECK(input.quantile(0.05) == Approx(c * (1.0 + 1024.0 / 11600.0)).epsilon(1e-5));
  CHECK(input.quantile(0.95) == Approx(c * (1.0 + 1024.0 / 4400.0)).epsilon(1e-5));
  // The point figures take the median request, 8,000 input tokens.
  REQUIRE(st.mix.has_value());
  CHECK(st.mix->cost_per_request.value() == Approx(c * 9024.0 / 1e6).epsilon(1e-12));
  // An exceedance on a figure of its own: P(cost per request > its median) = 0.5.
  io::scenario with_exceedance = io::parse_scenario(workload_scenario(uniform));
  with_exceedance.exceedances.push_back({"cost_per_request", c * 9024.0 / 1e6, false});
  const io::study asked = io::run_study(with_exceedance);
  REQUIRE(asked.statistics->exceedances.size() == 1);
  CHECK(asked.statistics->exceedances[0].output == "cost_per_request");
  CHECK(asked.statistics->exceedances[0].probability == Approx(0.5).epsilon(1e-4));

  // Prices by kind, 1 per input and 10 per output Mtok: revenue per request (I + 10240) / 1e6,
  // and a blend (I + 10240) / (I + 1024) per Mtok that falls as I grows; a four-year project's
  // NPV falls with it, so its P5 is the point NPV at I = 11,600 and its P95 at I = 4,400.
  const std::string priced = R"(,
    "revenue": {"input_price_per_mtok": 1, "output_price_per_mtok": 10},
    "finance": {"operating_years": 4, "discount_rate": 0.08})";
  const io::study p = io::run_study(io::parse_scenario(workload_scenario(uniform, priced)));
  const auto& revenue = p.statistics->output("revenue_per_request");
  CHECK(revenue.quantile(0.05) == Approx((4400.0 + 10240.0) / 1e6).epsilon(1e-5));
  const io::study at_p5 = io::run_study(io::parse_scenario(workload_scenario("11600", priced)));
  const io::study at_p95 = io::run_study(io::parse_scenario(workload_scenario("4400", priced)));
  REQUIRE(at_p5.finance.has_value());
  CHECK(at_p5.point.revenue->price.value() * 1e6 ==
        Approx((11600.0 + 10240.0) / (11600.0 + 1024.0)).epsilon(1e-12));
  // The revenue per MW-year is the blend times a fixed 3.1536e7 Mtok: the blend's P5 and P95.
  const auto per_mw_year = [](const io::study& x) {
    return x.point.revenue->revenue_per_power_time.value() * 1e6 * seconds_per_year;
  };
  const auto& revenue_mw = p.statistics->output("revenue_per_mw_year");
  CHECK(revenue_mw.quantile(0.05) == Approx(per_mw_year(at_p5)).epsilon(1e-5));
  CHECK(revenue_mw.quantile(0.95) == Approx(per_mw_year(at_p95)).epsilon(1e-5));
  const auto& npv = p.statistics->output("project_npv");
  CHECK(npv.quantile(0.05) == Approx(at_p5.finance->project_npv.value()).epsilon(1e-5));
  CHECK(npv.quantile(0.95) == Approx(at_p95.finance->project_npv.value()).epsilon(1e-5));
  // The workload's input is an input of the run, and the Sobol' indices see it.
  CHECK(io::to_json(p)["uncertainty"]["inputs"].contains("workload.input_tokens"));
}

TEST_CASE("an uncertain workload is refused where it cannot hold") {
  // A token count that can reach 0.
  CHECK(message_of([] {
          (void)io::run_study(io::parse_scenario(
              workload_scenario(R"({"dist": "uniform", "low": 0, "high": 100})")));
        })
            .starts_with(
                R"x(workload.input_tokens = "uniform(low 0, high 100)": its samples reach 0: )x"
                "an uncertain token count or rate must stay above 0"));
  // Throughput measured on 8 input tokens per output token: every sample's mix within 10%.
  const auto measured = [](const std::string& input) {
    return R"({
      "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1,
                     "input_tok_s": 800, "output_tok_s": 100},
      "workload": {"input_tokens": )" +
           input + R"(, "output_tokens": 1000},
      "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}},
      "uncertainty": {"samples": 1000, "seed": 5}
    })";
  };
  CHECK_NOTHROW(
      (void)io::parse_scenario(measured(R"({"dist": "uniform", "low": 7300, "high": 8700})")));
  const std::string wide = message_of([&] {
    (void)io::parse_scenario(measured(R"({"dist": "uniform", "low": 7000, "high": 9000})"));
  });
  CHECK(wide.find("workload.input_tokens") == 0);
  CHECK(wide.find("over its reachable samples") != std::string::npos);
  // A caller's engine (the GPU) takes a fixed mix: refused up front, naming the section.
  CHECK(
      engine_refusal(io::parse_scenario(
                         workload_scenario(R"({"dist": "uniform", "low": 4000, "high": 12000})")))
          .starts_with("workload = (uncertain tokens per request): the GPU and MPI engines take a "
                       "fixed request mix"));
}

namespace {
// One accelerator of 1 kW, serving all the time, energy at 0.10 per kWh and PUE 1, on a frontier
// of two measured points, 6,000 tok/s at 20 tok/s per user and 2,000 at 60: between them the
// throughput is 8,000 - 100 x at a target of x tok/s per user (a straight line), and the cost per
// Mtok 0.1 / (3600 T / 1e6).
std::string target_scenario(const std::string& target, const std::string& more = "") {
  return R"({
    "frontier": {"points": [[20, 6000], [60, 2000]], "min_interactivity_tok_s_user": )" +
         target + more + R"(},
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1},
    "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}},
    "uncertainty": {"samples": 100000, "seed": 8, "design": "latin_hypercube"}
  })";
}
}  // namespace

TEST_CASE("an uncertain latency target picks each sample's throughput on the frontier") {
  // Target uniform in [30, 50]: P5 31, P95 49, so the throughput's P5 is 8000 - 4900 = 3,100 and
  // its P95 4,900; the cost per Mtok falls with the throughput.
  const io::study st = io::run_study(
      io::parse_scenario(target_scenario(R"({"dist": "uniform", "low": 30, "high": 50})")));
  REQUIRE(st.statistics.has_value());
  const auto cost = [](double throughput) { return 0.1 / (3600.0 * throughput / 1e6); };
  const auto& per_mtok = st.statistics->output("cost_per_mtok");
  CHECK(per_mtok.quantile(0.05) == Approx(cost(4900.0)).epsilon(1e-5));
  CHECK(per_mtok.quantile(0.95) == Approx(cost(3100.0)).epsilon(1e-5));
  // Tokens per joule: T / 1000 W, uniform in [3, 5].
  const auto& per_joule = st.statistics->output("tokens_per_joule");
  CHECK(per_joule.mean == Approx(4.0).epsilon(1e-6));
  CHECK(per_joule.quantile(0.05) == Approx(3.1).epsilon(1e-5));
  // The point figures take the median target, 40: 4,000 tok/s.
  CHECK(st.point.cost_per_token.total.value() * 1e6 == Approx(cost(4000.0)).epsilon(1e-12));
  CHECK(io::to_json(st)["uncertainty"]["inputs"].contains("frontier.min_interactivity_tok_s_user"));

  // With the throughput factor uncertain too, each sample's throughput is factor x the frontier's
  // at its target: a factor fixed at 0.5 halves tokens per joule in every sample.
  const io::study half = io::run_study(io::parse_scenario(target_scenario(
      R"({"dist": "uniform", "low": 30, "high": 50})",
      R"(, "throughput_factor": {"dist": "uniform", "low": 0.5, "high": 0.5000001})")));
  CHECK(half.statistics->output("tokens_per_joule").mean == Approx(2.0).epsilon(1e-6));

  // Refused: a target its samples could push past the fastest measured point, one beside
  // max_tpot_ms, and the GPU and MPI engines (a fixed operating point), each naming the path.
  CHECK(message_of([] {
          (void)io::parse_scenario(
              target_scenario(R"({"dist": "uniform", "low": 30, "high": 70})"));
        }).find("beyond the frontier's fastest measured point (60 tok/s per user)") !=
        std::string::npos);
  CHECK(message_of([] {
          (void)io::parse_scenario(target_scenario(R"({"dist": "uniform", "low": 30, "high": 50})",
                                                   R"(, "max_tpot_ms": 25)"));
        }).starts_with("frontier.min_interactivity_tok_s_user"));
  CHECK(engine_refusal(
            io::parse_scenario(target_scenario(R"({"dist": "uniform", "low": 30, "high": 50})")))
            .starts_with("frontier = (uncertain latency target): the GPU and MPI engines take a "
                         "fixed operating point"));
}

namespace {
// Measured at `input` tok/s of input and 1,000 of output: 0.1 an hour over its throughput
// T = input + 1000, so cost per Mtok 1e5 / (3600 T).
std::string rates_scenario(const std::string& input, const std::string& more = "") {
  return energy_only_scenario(R"("input_tok_s": )" + input + R"(, "output_tok_s": 1000)", more, 6);
}
}  // namespace

TEST_CASE(
    "uncertain input and output rates: each sample's throughput is their sum, its mix theirs") {
  // Input rate uniform in [1000, 3000]: T uniform in [2000, 4000], median 3,000; the input rate's
  // P5 (1,100) gives the costliest samples' T = 2,100 (the cost's P95), its P95 (2,900) T = 3,900.
  const auto cost = [](double t) { return 1e5 / (3600.0 * t); };
  const std::string uniform = R"({"dist": "uniform", "low": 1000, "high": 3000})";
  const io::study st = io::run_study(io::parse_scenario(rates_scenario(uniform)));
  REQUIRE(st.statistics.has_value());
  CHECK(st.point.cost_per_token.total.value() * 1e6 == Approx(cost(3000.0)).epsilon(1e-12));
  const auto& per_mtok = st.statistics->output("cost_per_mtok");
  CHECK(per_mtok.quantile(0.95) == Approx(cost(2100.0)).epsilon(1e-5));
  CHECK(per_mtok.quantile(0.05) == Approx(cost(3900.0)).epsilon(1e-5));
  // Tokens per joule T / 1000 W: mean 3.
  CHECK(st.statistics->output("tokens_per_joule").mean == Approx(3.0).epsilon(1e-6));
  // The mix is each sample's rates: the request's whole cost over its 1,000 output tokens is
  // cost(T) * T / 1000 = 1e5 / 3.6e6 per output Mtok in every sample; over its input tokens,
  // 1e5 / (3600 input), whose P5 is at the input rate's P95.
  const auto& output = st.statistics->output("cost_per_mtok_output");
  CHECK(output.mean == Approx(1e5 / 3.6e6).epsilon(1e-12));
  CHECK(output.sd == Approx(0.0).epsilon(1e-9));
  CHECK(st.statistics->output("cost_per_mtok_input").quantile(0.05) ==
        Approx(1e5 / (3600.0 * 2900.0)).epsilon(1e-5));
  CHECK(io::to_json(st)["uncertainty"]["inputs"].contains("deployment.input_tok_s"));

  // Beside a workload, the rates' ratio must stay within 10% of the workload's at both ends:
  // 2,000 input tokens per 1,000 output against rates 1.9 to 2.1 is accepted, 1 to 3 refused.
  const std::string workload = R"(, "workload": {"input_tokens": 2000, "output_tokens": 1000})";
  CHECK(io::run_study(io::parse_scenario(rates_scenario(
                          R"({"dist": "uniform", "low": 1900, "high": 2100})", workload)))
            .statistics.has_value());
  const std::string far =
      message_of([&] { (void)io::parse_scenario(rates_scenario(uniform, workload)); });
  CHECK(far.starts_with("workload.input_tokens"));
  CHECK(far.find("but the throughput was measured on from 1") != std::string::npos);
  // A rate the mix is taken from must stay above 0; the GPU and MPI engines refuse uncertain
  // rates, naming the deployment.
  CHECK(message_of([] {
          (void)io::run_study(
              io::parse_scenario(rates_scenario(R"({"dist": "uniform", "low": 0, "high": 3000})")));
        }).find("must stay above 0") != std::string::npos);
  CHECK(engine_refusal(io::parse_scenario(rates_scenario(uniform)))
            .starts_with("deployment = (uncertain input and output rates)"));
}

namespace {
// The same frontier with a time to first token at each point: 800 ms at 20 tok/s per user, 200 ms
// at 60, given its latency targets.
std::string latency_scenario(const std::string& targets) {
  return R"({
    "frontier": {"points": [[20, 6000, 800], [60, 2000, 200]], )" +
         targets + R"(},
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1},
    "costs": {"energy": {"price_per_kwh": 0.1, "pue": 1}},
    "uncertainty": {"samples": 100000, "seed": 8, "design": "latin_hypercube"}
  })";
}
}  // namespace

TEST_CASE("an uncertain time per output token or to the first token picks each sample's point") {
  const auto study_at = [](const std::string& targets) {
    return io::run_study(io::parse_scenario(latency_scenario(targets)));
  };
  const auto per_mtok = [](const io::study& x) {
    return x.point.cost_per_token.total.value() * 1e6;
  };
  const auto cost = [](double throughput) { return 0.1 / (3600.0 * throughput / 1e6); };
  // Time per output token uniform in [20, 30] ms: its P5, 20.5 ms, asks 1000 / 20.5 = 48.78 tok/s
  // per user, where the frontier makes 8000 - 100 x 48.78 = 3,121.95 tok/s (the costliest
  // samples, the cost's P95); its P95, 29.5 ms, asks 33.90 tok/s per user (4,610.17 tok/s). The
  // point takes the median, 25 ms: 40 tok/s per user, 4,000 tok/s.
  const io::study tpot = study_at(R"("max_tpot_ms": {"dist": "uniform", "low": 20, "high": 30})");
  REQUIRE(tpot.statistics.has_value());
  CHECK(per_mtok(tpot) == per_mtok(study_at(R"("max_tpot_ms": 25)")));
  CHECK(per_mtok(tpot) == Approx(cost(4000.0)).epsilon(1e-12));
  const auto& tpot_cost = tpot.statistics->output("cost_per_mtok");
  CHECK(tpot_cost.quantile(0.95) == Approx(cost(8000.0 - 100.0 * 1000.0 / 20.5)).epsilon(1e-5));
  CHECK(tpot_cost.quantile(0.05) == Approx(cost(8000.0 - 100.0 * 1000.0 / 29.5)).epsilon(1e-5));
  CHECK(io::to_json(tpot)["uncertainty"]["inputs"].contains("frontier.max_tpot_ms"));

  // Time to first token uniform in [350, 650] ms: each sample's least interactivity is the
  // frontier's whose interpolated TTFT meets it, as for a fixed target; the cost's P95 is the
  // point study's at the TTFT's P5 (365 ms), its P5 the one at its P95 (635 ms).
  const io::study ttft = study_at(R"("max_ttft_ms": {"dist": "uniform", "low": 350, "high": 650})");
  REQUIRE(ttft.statistics.has_value());
  CHECK(per_mtok(ttft) == per_mtok(study_at(R"("max_ttft_ms": 500)")));
  const auto& ttft_cost = ttft.statistics->output("cost_per_mtok");
  CHECK(ttft_cost.quantile(0.95) ==
        Approx(per_mtok(study_at(R"("max_ttft_ms": 365)"))).epsilon(1e-5));
  CHECK(ttft_cost.quantile(0.05) ==
        Approx(per_mtok(study_at(R"("max_ttft_ms": 635)"))).epsilon(1e-5));
  CHECK(ttft_cost.quantile(0.05) < per_mtok(ttft));
  CHECK(io::to_json(ttft)["uncertainty"]["inputs"].contains("frontier.max_ttft_ms"));

  // Refused, naming the path: a time per token whose samples ask more than the fastest measured
  // point (10 ms: 100 tok/s per user), a TTFT below every point's (150 ms), a distribution beside
  // another target, and the GPU and MPI engines.
  CHECK(message_of([&] {
          (void)study_at(R"("max_tpot_ms": {"dist": "uniform", "low": 10, "high": 30})");
        }).find("frontier.max_tpot_ms") == 0);
  CHECK(message_of(
            [&] { (void)study_at(R"("max_tpot_ms": {"dist": "uniform", "low": 10, "high": 30})"); })
            .find("its samples reach 10 ms (100 tok/s per user), beyond the frontier's fastest "
                  "measured point (60 tok/s per user)") != std::string::npos);
  const std::string low_ttft = message_of(
      [&] { (void)study_at(R"("max_ttft_ms": {"dist": "uniform", "low": 150, "high": 650})"); });
  CHECK(low_ttft.starts_with("frontier.max_ttft_ms"));
  CHECK(low_ttft.find("its samples reach 150 ms") != std::string::npos);
  CHECK(message_of([&] {
          (void)study_at(
              R"("max_ttft_ms": {"dist": "uniform", "low": 350, "high": 650}, "max_tpot_ms": 25)");
        }).starts_with("frontier.max_ttft_ms"));
  CHECK(engine_refusal(io::parse_scenario(latency_scenario(
                           R"("max_tpot_ms": {"dist": "uniform", "low": 20, "high": 30})")))
            .starts_with("frontier = (uncertain latency target)"));
}

namespace {
// One accelerator on a power-cap curve of two measured points, 2,000 tok/s drawing 380 W at a
// 400 W cap and 3,000 tok/s drawing 760 W at 800 W: between them the throughput is
// 1000 + 2.5 c and the draw 0.95 c at a cap of c W (straight lines), no overhead. Energy at 0.10
// per kWh, PUE 1, serving all the time, and a facility built at 10 M per MW provisioned (the cap)
// over 10 years: both costs grow with c faster than the throughput, so the cost per Mtok rises
// with the cap and the tokens per joule fall.
std::string cap_scenario(const std::string& cap) {
  return R"({
    "power_cap": {"points": [[400, 2000, 380], [800, 3000, 760]], "cap": )" +
         cap + R"(, "overhead_w_per_accelerator": 0},
    "deployment": {"accelerators_per_system": 1, "it_power_kw": 1, "utilization": 1},
    "costs": {"cost_of_capital": 0.05, "facility": {"build_per_mw": 10000000, "life_years": 10},
              "energy": {"price_per_kwh": 0.1, "pue": 1}},
    "uncertainty": {"samples": 100000, "seed": 4, "design": "latin_hypercube"}
  })";
}
}  // namespace

TEST_CASE("an uncertain power cap picks each sample's throughput, draw and provisioned power") {
  // Cap uniform in [500, 700]: P5 510, P50 600, P95 690.
  const io::study st = io::run_study(
      io::parse_scenario(cap_scenario(R"({"dist": "uniform", "low": 500, "high": 700})")));
  REQUIRE(st.statistics.has_value());
  const io::study at_p5 = io::run_study(io::parse_scenario(cap_scenario("510")));
  const io::study at_p50 = io::run_study(io::parse_scenario(cap_scenario("600")));
  const io::study at_p95 = io::run_study(io::parse_scenario(cap_scenario("690")));
  const auto per_mtok = [](const io::study& x) {
    return x.point.cost_per_token.total.value() * 1e6;
  };
  // The point figures are those at the median cap, to the last bit.
  CHECK(per_mtok(st) == per_mtok(at_p50));
  const auto& cost = st.statistics->output("cost_per_mtok");
  CHECK(cost.quantile(0.05) == Approx(per_mtok(at_p5)).epsilon(1e-5));
  CHECK(cost.quantile(0.95) == Approx(per_mtok(at_p95)).epsilon(1e-5));
  // The facility's share follows the provisioned power, the energy's the draw.
  CHECK(st.statistics->output("cost_per_mtok.facility").quantile(0.95) ==
        Approx(at_p95.point.cost_per_token.facility.value() * 1e6).epsilon(1e-5));
  // Tokens per joule (1000 + 2.5 c) / (0.95 c), falling: P5 at the cap's P95.
  const auto& per_joule = st.statistics->output("tokens_per_joule");
  CHECK(per_joule.quantile(0.05) == Approx((1000.0 + 2.5 * 690.0) / (0.95 * 690.0)).epsilon(1e-5));
  CHECK(per_joule.quantile(0.95) == Approx((1000.0 + 2.5 * 510.0) / (0.95 * 510.0)).epsilon(1e-5));
  CHECK(io::to_json(st)["uncertainty"]["inputs"].contains("power_cap.cap"));

  // Refused: a cap its samples could push off the measured curve, and the GPU and MPI engines.
  CHECK(message_of([] {
          (void)io::parse_scenario(cap_scenario(R"({"dist": "uniform", "low": 300, "high": 700})"));
        }).find("outside the curve's measured caps [400, 800]") != std::string::npos);
  CHECK(engine_refusal(
            io::parse_scenario(cap_scenario(R"({"dist": "uniform", "low": 500, "high": 700})")))
            .starts_with("power_cap = (uncertain power cap): the GPU and MPI engines take a fixed "
                         "operating point"));
}
