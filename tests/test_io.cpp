// Scenario files and reports (tpw/io) and the what-if program (examples/whatif): reports against
// hand computations from docs/definitions.md, every kind of bad input refused with its path,
// and the JSON report's contract keys.
#include <doctest/doctest.h>

#include "support.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <tpw/io/study.hpp>
#include <tpw/mc/plan/radix_passes.hpp>
#include <tpw/mc/plan/sobol_passes.hpp>

#include "whatif/app.hpp"

namespace io = tpw::io;
using doctest::Approx;
using nlohmann::json;
using tpw_test::message_of;
using tpw_test::scratch_dir;

namespace {

// A rented, colocated deployment whose figures are easy to compute by hand.
const char* const simple = R"({
  "name": "by hand",
  "currency": "EUR",
  "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "utilization": 0.5,
                 "throughput_tok_s": 1000},
  "costs": {
    "hardware": {"rental_per_accelerator_hour": 2.0},
    "facility": {"colocation_per_kw_month": 150},
    "energy": {"price_per_kwh": 0.10, "pue": 1.25},
    "opex": {"other_per_accelerator_year": 876}
  },
  "revenue": {"price_per_mtok": 4.0},
  "site": {"power_mw": 1}
})";

// The simple scenario with one edit: `key` (a JSON pointer) set to `value` (JSON text).
std::string edited(const std::string& pointer, const std::string& value) {
  json j = json::parse(simple);
  j[json::json_pointer(pointer)] = json::parse(value);
  return j.dump();
}

std::string parse_error(const std::string& text) {
  return message_of([&] { (void)io::parse_scenario(text); });
}

struct program_run {
  int status;
  std::string out;
  std::string err;
};
program_run whatif(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = tpw_whatif::run_whatif(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace

TEST_CASE("a scenario's report equals the hand computation from docs/definitions.md") {
  const io::study r = io::run_study(io::parse_scenario(simple));
  const json j = io::to_json(r);
  // Per GPU: 10 kW / 8 = 1.25 kW; tokens per hour 1000 * 3600 * 0.5 = 1.8 Mtok.
  // Hourly: rental 2; colocation 150 * 1.25 * 12 / 8760 = 2250 / 8760; energy 1.25 kW * 1.25 *
  // 0.10 = 0.15625; opex 876 / 8760 = 0.1.
  const double colo = 2250.0 / 8760.0;
  const double hourly = 2.0 + colo + 0.15625 + 0.1;
  CHECK(j["name"] == "by hand");
  CHECK(j["currency"] == "EUR");
  CHECK(j["cost_per_mtok"]["hardware"].get<double>() == Approx(2.0 / 1.8).epsilon(1e-13));
  CHECK(j["cost_per_mtok"]["facility"].get<double>() == Approx(colo / 1.8).epsilon(1e-13));
  CHECK(j["cost_per_mtok"]["energy"].get<double>() == Approx(0.15625 / 1.8).epsilon(1e-13));
  CHECK(j["cost_per_mtok"]["opex"].get<double>() == Approx(0.1 / 1.8).epsilon(1e-13));
  CHECK(j["cost_per_mtok"]["total"].get<double>() == Approx(hourly / 1.8).epsilon(1e-13));
  CHECK(j["cost_per_accelerator_hour"].get<double>() == Approx(hourly).epsilon(1e-13));
  // tok/J = u T / (P PUE) = 500 / (1250 * 1.25) = 0.32; tok/s per MW = 1000e6 / 1562.5.
  CHECK(j["tokens_per_joule"].get<double>() == Approx(0.32).epsilon(1e-13));
  CHECK(j["joules_per_token"].get<double>() == Approx(1 / 0.32).epsilon(1e-13));
  CHECK(j["tokens_per_s_per_mw"].get<double>() == Approx(640'000).epsilon(1e-13));
  // Revenue: 4 EUR/Mtok * 1000 * 0.5 * 3600 * 8760 / 1e6 = 63,072 per GPU-year, over 1.5625 kW.
  CHECK(j["revenue_per_mw_year"].get<double>() == Approx(63'072 / 0.0015625).epsilon(1e-13));
  CHECK(j["gross_margin"].get<double>() == Approx(1 - hourly / 1.8 / 4).epsilon(1e-13));
  CHECK(j["energy_share_of_opex"].get<double>() ==
        Approx(0.15625 / (0.15625 + colo + 0.1)).epsilon(1e-13));
  CHECK(j["energy_share_of_cost"].get<double>() == Approx(0.15625 / hourly).epsilon(1e-13));
  // Site: floor(1000 kW / (10 kW * 1.25)) = 80 systems, 640 GPUs, exactly 1 MW drawn.
  CHECK(j["site"]["systems"] == 80);
  CHECK(j["site"]["accelerators"] == 640);
  CHECK(j["site"]["tokens_per_year"].get<double>() == Approx(640 * 1.5768e10).epsilon(1e-13));
  CHECK(j["site"]["cost_per_year"].get<double>() == Approx(640 * 22'014.75).epsilon(1e-13));
  CHECK(j["site"]["revenue_per_year"].get<double>() == Approx(640 * 63'072.0).epsilon(1e-13));
  CHECK(j["site"]["stranded_power_mw"].get<double>() == Approx(0.0).epsilon(1e-9));
  CHECK_FALSE(j.contains("uncertainty"));
}

TEST_CASE("an uncertain input gives the analytic distribution of a figure that is linear in it") {
  // With idle power equal to serving power, tok/J = u T / (P PUE) = 0.64 u: for u uniform on
  // [0.4, 0.6], tok/J is uniform on [0.256, 0.384] (P5 0.2624, P95 0.3776, sd 0.128 / sqrt 12).
  io::scenario s = io::parse_scenario(
      edited("/deployment/utilization", R"({"dist": "uniform", "low": 0.4, "high": 0.6})"));
  s.tornado = s.sobol = true;
  CHECK(s.base[tpw::mc::cost_input::utilization] == Approx(0.5).epsilon(1e-15));  // the median
  const json j = io::to_json(io::run_study(s));
  CHECK(j["tokens_per_joule"].get<double>() == Approx(0.32).epsilon(1e-13));
  const json& u = j["uncertainty"];
  CHECK(u["samples"] == 100'000);
  CHECK(u["design"] == "latin_hypercube");
  CHECK(u["inputs"]["deployment.utilization"] == "uniform(low 0.4, high 0.6)");
  const json& tpj = u["outputs"]["tokens_per_joule"];
  CHECK(tpj["mean"].get<double>() == Approx(0.32).epsilon(1e-6));
  CHECK(tpj["sd"].get<double>() == Approx(0.128 / std::sqrt(12.0)).epsilon(1e-4));
  CHECK(tpj["p5"].get<double>() == Approx(0.2624).epsilon(1e-4));
  CHECK(tpj["p50"].get<double>() == Approx(0.32).epsilon(1e-4));
  CHECK(tpj["p95"].get<double>() == Approx(0.3776).epsilon(1e-4));
  // One uncertain input explains all the variance; its tornado spans its P10 to P90.
  CHECK(u["sobol"]["cost_per_mtok"]["first"]["deployment.utilization"].get<double>() ==
        Approx(1.0).epsilon(0.02));
  CHECK(u["sobol"]["cost_per_mtok"]["total"]["deployment.utilization"].get<double>() ==
        Approx(1.0).epsilon(0.02));
  const json& bar = u["tornado"]["tokens_per_joule"][0];
  CHECK(bar["input"] == "deployment.utilization");
  CHECK(bar["low"].get<double>() == Approx(0.64 * 0.42).epsilon(1e-12));
  CHECK(bar["high"].get<double>() == Approx(0.64 * 0.58).epsilon(1e-12));
}

TEST_CASE("a study's engine hook (tpw-whatif --gpu) runs the statistics and Sobol' indices") {
  // The GPU engine's algorithm on the host backend stands in for the GPU: the report must be the
  // CPU's, its quantiles exactly and the rest to the engines' agreement.
  io::scenario s = io::parse_scenario(
      edited("/deployment/utilization", R"({"dist": "uniform", "low": 0.4, "high": 0.6})"));
  s.sobol = true;
  s.samples = 30'000;
  s.sobol_samples = 4096;
  int runs = 0;
  int sobols = 0;
  io::study_options o;
  o.engine.run = [&](const tpw::mc::cost_plan& plan, const tpw::mc::run_options& options) {
    ++runs;
    tpw::mc::radix::host_backend backend;
    return tpw::mc::radix::run_passes<io::scenario_currency>(backend, plan, options);
  };
  o.engine.sobol = [&](const tpw::mc::cost_plan& plan, const tpw::mc::sobol_options& options) {
    ++sobols;
    tpw::mc::radix::host_backend backend;
    return tpw::mc::radix::run_sobol<io::scenario_currency>(backend, plan, options);
  };
  const io::study hooked = io::run_study(s, o);
  const io::study cpu = io::run_study(s);
  CHECK(runs == 1);
  CHECK(sobols == 1);
  REQUIRE(hooked.statistics.has_value());
  // The engine gives the cost model's figures, in the CPU's order; the site's yearly figures are
  // the CPU's alone.
  std::vector<std::string> cpu_names;
  for (const auto& b : cpu.statistics->outputs) cpu_names.push_back(b.name);
  std::vector<std::string> cpu_only(cpu_names.end() - 3, cpu_names.end());
  CHECK(cpu_only == std::vector<std::string>{"site_tokens_per_year", "site_cost_per_year",
                                             "site_revenue_per_year"});
  REQUIRE(hooked.statistics->outputs.size() == cpu_names.size() - 3);
  for (std::size_t k = 0; k < hooked.statistics->outputs.size(); ++k) {
    const auto& a = hooked.statistics->outputs[k];
    const auto& b = cpu.statistics->outputs[k];
    CAPTURE(b.name);
    CHECK(a.name == b.name);
    CHECK(a.quantiles == b.quantiles);
    CHECK(a.mean == Approx(b.mean).epsilon(1e-12));
    CHECK(a.sd == Approx(b.sd).epsilon(1e-12));
  }
  REQUIRE(hooked.sobol.size() == cpu.sobol.size() - 3);
  for (std::size_t k = 0; k < hooked.sobol.size(); ++k) {
    CAPTURE(cpu.sobol[k].output);
    CHECK(hooked.sobol[k].output == cpu.sobol[k].output);
    CHECK(std::abs(hooked.sobol[k].indices[0].first - cpu.sobol[k].indices[0].first) < 1e-9);
    CHECK(std::abs(hooked.sobol[k].indices[0].total_high - cpu.sobol[k].indices[0].total_high) <
          1e-9);
  }
  // Named, a figure the engine does not compute is refused up front.
  s.outputs = {"cost_per_mtok", "site_cost_per_year"};
  CHECK(message_of([&] { (void)io::run_study(s, o); }) ==
        "uncertainty.outputs = \"site_cost_per_year\": the GPU and MPI engines compute the cost "
        "model's figures (and a project's NPVs); ask this figure on the CPU engine");
}

TEST_CASE("a scenario's whole report is byte for byte the same on 1, 2 and 8 threads") {
  // The default study's B200 scenario: a four-year project with its IRR and payback, a tornado,
  // Sobol' indices and exceedances.
  const io::scenario s = io::parse_scenario(tpw_whatif::default_study()[0]);
  REQUIRE(s.finance.has_value());
  REQUIRE(s.sobol);
  REQUIRE(s.tornado);
  const auto report_on = [&](unsigned threads) {
    io::study_options o;
    o.samples = 30'000;
    o.threads = threads;
    return io::to_json(io::run_study(s, o)).dump();
  };
  const std::string one = report_on(1);
  CHECK(report_on(2) == one);
  CHECK(report_on(8) == one);
}

TEST_CASE("bad scenario values are refused with the field's path, the value and the rule") {
  CHECK(parse_error(edited("/costs/energy/pue", "0.9")) ==
        "costs.energy.pue = 0.9: a PUE is facility power over IT power: finite and >= 1");
  CHECK(parse_error(edited("/deployment/utilisation", "0.7")) ==
        "deployment.utilisation = 0.7: unknown key; deployment takes accelerators_per_system, "
        "systems, it_power_kw, idle_power_kw, provisioned_power_kw, utilization, "
        "throughput_tok_s, input_tok_s, output_tok_s");
  CHECK(parse_error(edited("/costs/energy/pue", R"("high")")) ==
        "costs.energy.pue = \"high\": must be a number or a distribution object such as "
        "{\"dist\": \"uniform\", \"low\": 0.5, \"high\": 0.9}");
  CHECK(parse_error(edited("/deployment/utilization", R"({"dist": "gamma"})"))
            .starts_with("deployment.utilization.dist = \"gamma\": unknown distribution; known: "));
  CHECK(parse_error(edited("/costs/energy/price_per_kwh", R"({"dist": "uniform", "low": 0.1})")) ==
        "costs.energy.price_per_kwh.high = (missing): a uniform distribution needs it");
  CHECK(parse_error(edited("/costs/energy/price_per_kwh",
                           R"({"dist": "uniform", "low": 0.1, "high": 0.2, "mode": 0.15})")) ==
        "costs.energy.price_per_kwh.mode = 0.15: unknown key; costs.energy.price_per_kwh takes "
        "dist, low, high");
  CHECK(parse_error(edited("/costs/energy/price_per_kwh",
                           R"({"dist": "uniform", "low": 0.3, "high": 0.2})")) ==
        "costs.energy.price_per_kwh.high = 0.2: must be above low (0.3)");
  CHECK(parse_error(edited("/deployment/utilization", R"({"dist": "normal", "mean": 0.7,
                                                           "sd": 0.1})"))
            .starts_with("deployment.utilization = \"normal(mean 0.7, sd 0.1)\": its samples "
                         "reach [-0.1209536151601387, 1.5209536151601386], below the allowed "
                         "range [1e-06, 1]"));
  CHECK(parse_error(edited("/deployment/accelerators_per_system",
                           R"({"dist": "uniform", "low": 4, "high": 8})"))
            .starts_with("deployment.accelerators_per_system = {\"dist\":\"uniform\""));
  CHECK(parse_error(edited("/deployment/accelerators_per_system", "7.5")) ==
        "deployment.accelerators_per_system = 7.5: must be a whole number in [1, 1000000]");
  CHECK(parse_error(edited("/deployment/utilization", "1.2"))
            .starts_with("deployment.utilization = 1.2: "));
  CHECK(parse_error(edited("/uncertainty", R"({"samples": 0})")) ==
        "uncertainty.samples = 0: must be a whole number in [1, 1000000000000]");
  CHECK(parse_error(edited("/uncertainty", R"({"sensitivity": ["sobel"]})")) ==
        "uncertainty.sensitivity[0] = \"sobel\": must be \"tornado\" or \"sobol\"");
  CHECK(parse_error(edited("/platform", R"("h300")"))
            .starts_with("platform = \"h300\": is not in the catalog; known platforms: h100"));
  CHECK(parse_error(edited("/currency", R"("usd")")) ==
        "currency = \"usd\": must be a three-letter ISO 4217 code in capitals, such as \"USD\"");
  CHECK(parse_error(edited("/site/power_mw", "-1")) == "site.power_mw = -1: must be > 0");
  json no_throughput = json::parse(simple);
  no_throughput["deployment"].erase("throughput_tok_s");
  CHECK(parse_error(no_throughput.dump()) ==
        "deployment.throughput_tok_s = (missing): required: tok/s per accelerator while serving "
        "(or give a frontier, a power_cap, or input_tok_s and output_tok_s)");
  json no_pue = json::parse(simple);
  no_pue["costs"]["energy"].erase("pue");
  CHECK(parse_error(no_pue.dump()).starts_with("costs.energy.pue = (missing): required"));
  // A site too small for one system is refused when the study runs.
  CHECK(message_of([] {
          (void)io::run_study(io::parse_scenario(edited("/site/power_mw", "0.01")));
        }).starts_with("site.power_mw = 0.01: is below one system, which needs 0.0125 MW"));
}

TEST_CASE("malformed scenario text is refused, never crashes, hangs or yields NaN") {
  CHECK(parse_error("").starts_with("scenario = (not valid JSON): parse error at line 1"));
  CHECK(parse_error(std::string(simple).substr(0, 120))
            .starts_with("scenario = (not valid JSON): parse error"));
  CHECK(parse_error("[1, 2]") == "scenario = [1,2]: must be a JSON object");
  CHECK(parse_error("42") == "scenario = 42: must be a JSON object");
  CHECK(parse_error(std::string(100'000, '[') + std::string(100'000, ']')) ==
        "scenario = (nested deeper than 32): a file tpw reads is a few levels deep; this is not "
        "one");
  // A number beyond a double is named by its path, in an object or an array, and at the top.
  CHECK(parse_error(R"({"deployment": {"throughput_tok_s": 1e999}})") ==
        "deployment.throughput_tok_s = 1e999: a number beyond the range of a double (about "
        "1.8e308)");
  CHECK(parse_error(R"({"frontier": {"points": [[10, 9000], [50, -2e400]]}})") ==
        "frontier.points[1][1] = -2e400: a number beyond the range of a double (about 1.8e308)");
  CHECK(parse_error("1e400") ==
        "scenario = 1e400: a number beyond the range of a double (about 1.8e308)");
  CHECK(
      parse_error(std::string("\x00\xff\xfe{\x01", 5)).starts_with("scenario = (not valid JSON)"));
  CHECK(parse_error(R"({"name": "x", "deployment": 3})")
            .starts_with("deployment = 3: must be a JSON object"));
  CHECK(parse_error(R"({"name": 1})") == "name = 1: must be a string");
}

TEST_CASE("a catalog platform fills the defaults, and a frontier picks the throughput") {
  const io::scenario s = io::parse_scenario(R"({
    "platform": "gb300-nvl72",
    "deployment": {"utilization": 0.7},
    "costs": {"hardware": {"life_years": 4}, "energy": {"pue": 1.15}},
    "frontier": {"points": [[10, 9000], [50, 6000], [100, 2000]],
                 "min_interactivity_tok_s_user": 50}
  })");
  using tpw::mc::cost_input;
  CHECK(s.base[cost_input::accelerators_per_system] == 72);
  CHECK(s.base[cost_input::it_power_kw] == 135);
  CHECK(s.base[cost_input::hardware_price] == 3.5e6);
  CHECK(s.base[cost_input::throughput_tok_s] == Approx(6000).epsilon(1e-12));
  const json j = io::to_json(io::run_study(s));
  CHECK(j["platform"] == "gb300-nvl72");
  CHECK(j["frontier"]["throughput_tok_s"].get<double>() == Approx(6000).epsilon(1e-12));
  // tok/s per MW = 6000 * 1e6 / (135 kW / 72 * 1.15).
  CHECK(j["tokens_per_s_per_mw"].get<double>() ==
        Approx(6000e6 / (135e3 / 72 * 1.15)).epsilon(1e-12));
  CHECK(parse_error(R"({"platform": "h200", "deployment": {"utilization": 0.7,
      "throughput_tok_s": 90}, "costs": {"energy": {"pue": 1.2}},
      "frontier": {"points": [[1, 2], [3, 1]], "min_interactivity_tok_s_user": 2}})")
            .starts_with("deployment.throughput_tok_s = 90: give the throughput or a frontier"));
}

TEST_CASE("tpw-whatif: the default study's JSON report, by hand, with every contract key") {
  const program_run run = whatif({"--json", "--samples", "4000", "--threads", "2"});
  REQUIRE(run.status == 0);
  const json report = json::parse(run.out);
  REQUIRE(report.is_array());
  REQUIRE(report.size() == 4);
  for (const json& r : report) {
    CAPTURE(r["name"].get<std::string>());
    for (const char* key :
         {"name", "notes", "cost_per_mtok", "cost_per_accelerator_hour", "tokens_per_joule",
          "joules_per_token", "tokens_per_s_per_mw", "revenue_per_mw_year", "gross_margin",
          "energy_share_of_opex", "energy_share_of_cost", "site", "uncertainty", "vintage",
          "plausibility", "finance", "frontier", "workload"}) {
      CHECK(r.contains(key));
    }
    for (const char* key : {"total", "hardware", "facility", "energy", "opex"}) {
      CHECK(r["cost_per_mtok"].contains(key));
    }
    for (const char* key :
         {"systems", "accelerators", "tokens_per_year", "revenue_per_year", "cost_per_year"}) {
      CHECK(r["site"].contains(key));
    }
    const json& u = r["uncertainty"];
    CHECK(u["samples"] == 4000);
    CHECK(u["seed"] == 42);
    for (const char* key : {"mean", "sd", "p5", "p50", "p95"}) {
      CHECK(u["outputs"]["cost_per_mtok"].contains(key));
    }
    CHECK(u["sobol"]["cost_per_mtok"]["first"].contains("deployment.throughput_tok_s"));
    CHECK(u["sobol"]["cost_per_mtok"]["total"].contains("costs.energy.price_per_kwh"));
    CHECK(u["tornado"]["cost_per_mtok"].size() == 3);
    // Every platform is checked against its measured frontier, at the current vintage.
    CHECK(r["vintage"]["id"] == "inferencex-2026-07");
    CHECK(r["plausibility"]["measured"].is_string());
    CHECK(r["plausibility"]["unchecked"].empty());
    CHECK(r["frontier"]["min_interactivity_tok_s_user"] == 40);
    // The chance of a loss: P(gross margin <= 0).
    CHECK(u["exceedances"][0]["figure"] == "gross_margin");
    CHECK(u["exceedances"][0]["at_or_below"] == 0.0);
  }
  // GB200 NVL72 by hand, from its measured points and the price list: 72 GPUs, 132 kW and 3.2 M
  // USD per rack (catalog); measured from 75 tok/s per user, so at the 40 tok/s target the
  // frontier's throughput is the 75 tok/s point's, 5,789.6 tok/s per GPU (flagged), times the
  // median of the factor triangular(0.7, 1, 1), 0.7 + sqrt(0.5 * 0.3 * 0.3); PUE 1.15;
  // utilization at the median of triangular(0.5, 0.7, 0.85): 0.5 + sqrt(0.5 * 0.35 * 0.2). Prices
  // 1.35 and 5.40 over 8,192 and 1,024 tokens: 1.80 USD per Mtok.
  const json& gb200 = report[1];
  REQUIRE(gb200["platform"] == "gb200-nvl72");
  const double u = 0.5 + std::sqrt(0.035);
  const double t = 5789.6 * (0.7 + std::sqrt(0.045));
  const double crf = 0.08 / (1 - std::pow(1.08, -4.0));
  const double hardware_hourly = 3.2e6 / 72 * crf / 8760;
  CHECK(gb200["cost_per_mtok"]["hardware"].get<double>() ==
        Approx(hardware_hourly / (t * 3600 * u / 1e6)).epsilon(1e-12));
  const double per_mw = t * 1e6 / (132e3 / 72 * 1.15);
  CHECK(gb200["tokens_per_s_per_mw"].get<double>() == Approx(per_mw).epsilon(1e-12));
  CHECK(gb200["price_per_mtok"].get<double>() ==
        Approx((8192 * 1.35 + 1024 * 5.40) / 9216).epsilon(1e-14));
  CHECK(gb200["revenue_per_mw_year"].get<double>() ==
        Approx(1.80e-6 * per_mw * u * 8760 * 3600).epsilon(1e-12));
  // 100 MW / (132 kW * 1.15) = 658.8: 658 racks.
  CHECK(gb200["site"]["systems"] == 658);
  CHECK(gb200["site"]["accelerators"] == 658 * 72);
  // Revenue per GPU-hour: 1.80 USD per Mtok of T u tok/s over an hour, flagged above twice the
  // rack's 4.00 retail rental; and the latency target below the measured frontier, said twice.
  CHECK(gb200["revenue_per_accelerator_hour"].get<double>() ==
        Approx(1.80e-6 * t * u * 3600).epsilon(1e-12));
  CHECK(gb200["frontier"]["clamped"] == true);
  REQUIRE(gb200["plausibility"]["flags"].size() == 2);
  CHECK(gb200["plausibility"]["flags"][0]["figure"] == "revenue_per_accelerator_hour");
  CHECK(gb200["plausibility"]["flags"][0]["limit"] == 8.0);
  CHECK(gb200["plausibility"]["flags"][1]["figure"] == "interactivity_tok_s_user");
  CHECK(gb200["plausibility"]["flags"][1]["limit"] == 75.0);
  // The table prints the vintage, the flag, and the public figure it should be compared with.
  const program_run table = whatif({"--samples", "4000", "--threads", "2"});
  REQUIRE(table.status == 0);
  CHECK(table.out.find("data vintage inferencex-2026-07 (2026-07)") != std::string::npos);
  CHECK(table.out.find("GB200 NVL72: ! interactivity_tok_s_user 40 outside the measured "
                       "frontier (75)") != std::string::npos);
  CHECK(table.out.find("Compare: InferenceX's revenue KPI, 32.6 B USD per GW-year (32.6 M per "
                       "MW-year;") != std::string::npos);
  CHECK(table.out.find("Why they differ: utilization") != std::string::npos);
}

TEST_CASE("tpw-whatif: scenario files side by side, bad files and arguments exit non-zero") {
  const scratch_dir dir("io_cli");
  const std::string good = dir.write("good.json", simple);
  const std::string bad = dir.write("bad.json", edited("/costs/energy/pue", "0.9"));
  const std::string truncated = dir.write("truncated.json", std::string(simple).substr(0, 50));

  const program_run one = whatif({"--scenario", good, "--json"});
  CHECK(one.status == 0);
  CHECK(json::parse(one.out).is_object());
  const program_run two = whatif({"--scenario", good, "--scenario", good, "--json"});
  CHECK(two.status == 0);
  CHECK(json::parse(two.out).size() == 2);
  const program_run table = whatif({"--scenario", good});
  CHECK(table.status == 0);
  CHECK(table.out.find("by hand") != std::string::npos);
  CHECK(table.out.find("EUR/Mtok") != std::string::npos);

  const program_run refused = whatif({"--scenario", bad});
  CHECK(refused.status == 1);
  CHECK(refused.err == "tpw-whatif: " + bad +
                           ": costs.energy.pue = 0.9: a PUE is facility power over IT power: "
                           "finite and >= 1\n");
  CHECK(refused.out.empty());
  const program_run broken = whatif({"--scenario", truncated});
  CHECK(broken.status == 1);
  CHECK(broken.err.find(truncated + ": scenario = (not valid JSON)") != std::string::npos);
  const program_run missing = whatif({"--scenario", dir.path.string() + "/none.json"});
  CHECK(missing.status == 1);
  CHECK(missing.err.find("cannot be opened for reading") != std::string::npos);

  CHECK(whatif({"--frobnicate"}).status == 2);
  CHECK(whatif({"--samples", "-3"}).err ==
        "tpw-whatif: --samples = -3: must be a whole number "
        "in [1, 1000000000000]\n");
  CHECK(whatif({"--samples"}).status == 2);
  CHECK(whatif({"--gpu"}).status == 2);  // no GPU engine given: a build without CUDA
  const program_run help = whatif({"--help"});
  CHECK(help.status == 0);
  CHECK(help.out.starts_with("usage: tpw-whatif"));
}

TEST_CASE("tpw-whatif's Sobol' line names the drivers of a figure that varies") {
  // Only the site's power uncertain: the cost per Mtok does not move (the figures per token do not
  // depend on the site's size), so the line names the first figure that does, the site's tokens a
  // year. Control: an uncertain utilization moves
  // the cost per Mtok, whose drivers the line names.
  const scratch_dir dir("io_sobol_line");
  json site = json::parse(edited("/site/power_mw", R"({"dist": "uniform", "low": 1, "high": 2})"));
  site["uncertainty"] =
      json::parse(R"({"samples": 2000, "sensitivity": ["sobol"], "sobol_samples": 256})");
  json utilization = json::parse(simple);
  utilization["deployment"]["utilization"] = json::parse(R"({"dist": "uniform", "low": 0.4,
                                                            "high": 0.6})");
  utilization["uncertainty"] = site["uncertainty"];
  const program_run by_site = whatif({"--scenario", dir.write("site.json", site.dump())});
  REQUIRE(by_site.status == 0);
  CHECK(by_site.out.find("cost per Mtok driven by") == std::string::npos);
  CHECK(by_site.out.find("site_tokens_per_year driven by (Sobol' total) site.power_mw") !=
        std::string::npos);
  const program_run by_utilization =
      whatif({"--scenario", dir.write("utilization.json", utilization.dump())});
  REQUIRE(by_utilization.status == 0);
  CHECK(by_utilization.out.find("cost per Mtok driven by (Sobol' total) deployment.utilization") !=
        std::string::npos);
}

TEST_CASE("tpw-whatif --charts writes every chart, non-empty, when gnuplot is there") {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) {
    MESSAGE("gnuplot is not installed: the chart test is skipped");
    return;
  }
  const scratch_dir dir("io_charts");
  const std::string frontier = dir.write("frontier.json", R"({
    "name": "GB300 at 50 tok/s/user",
    "platform": "gb300-nvl72",
    "deployment": {"utilization": {"dist": "triangular", "low": 0.5, "mode": 0.7, "high": 0.85}},
    "costs": {"hardware": {"life_years": 4}, "energy": {"price_per_kwh": 0.08, "pue": 1.15}},
    "frontier": {"points": [[10, 9000], [50, 6000], [100, 2000]],
                 "min_interactivity_tok_s_user": 50},
    "finance": {"operating_years": 4, "debt": {"share": 0.5, "rate": 0.07, "term_years": 3}},
    "uncertainty": {"samples": 20000, "sensitivity": ["tornado"]}
  })");
  const std::string charts = (dir.path / "charts").string();
  const program_run run = whatif({"--scenario", frontier, "--charts", charts});
  REQUIRE(run.status == 0);
  for (const char* stem :
       {"cost_breakdown", "tornado_1", "distribution_1", "frontier_1", "cash_flows_1"}) {
    for (const char* ext : {".png", ".svg", ".gp"}) {
      const auto file = std::filesystem::path(charts) / (std::string(stem) + ext);
      CAPTURE(file.string());
      REQUIRE(std::filesystem::exists(file));
      CHECK(std::filesystem::file_size(file) > 500);
    }
  }
}

// --- Workload, prices by kind, latency targets, finance and carbon -----------------------------

namespace {
// The simple scenario with a request mix priced by kind of token: 800 input tokens (a quarter
// cached) and 200 output tokens at 2.00, 0.20 and 8.00 EUR per Mtok.
std::string priced_mix() {
  json j = json::parse(simple);
  j["revenue"] = json::parse(
      R"({"input_price_per_mtok": 2.0, "cached_input_price_per_mtok": 0.2,
          "output_price_per_mtok": 8.0})");
  j["workload"] =
      json::parse(R"({"input_tokens": 800, "output_tokens": 200, "cached_share": 0.25})");
  return j.dump();
}
std::string with(const std::string& text, const std::string& pointer, const std::string& value) {
  json j = json::parse(text);
  j[json::json_pointer(pointer)] = json::parse(value);
  return j.dump();
}
}  // namespace

TEST_CASE("a request mix priced by kind of token: the report by hand and by the library") {
  const io::study r = io::run_study(io::parse_scenario(priced_mix()));
  const json j = io::to_json(r);
  // Blended: (600 * 2.00 + 200 * 0.20 + 200 * 8.00) / 1,000 = (1,200 + 40 + 1,600) / 1,000 = 2.84.
  CHECK(j["price_per_mtok"].get<double>() == Approx(2.84).epsilon(1e-14));
  CHECK(j["workload"]["blended_price_per_mtok"].get<double>() == Approx(2.84).epsilon(1e-14));
  CHECK(j["prices_per_mtok"]["cached_input"].get<double>() == Approx(0.2).epsilon(1e-15));
  // Revenue per request: 2.84 EUR per Mtok * 1,000 tokens = 0.00284 EUR.
  CHECK(j["workload"]["revenue_per_request"].get<double>() == Approx(0.00284).epsilon(1e-14));
  // Cost per request: the total cost per Mtok * 1,000 tokens; all of it on 800 input tokens and on
  // 200 output tokens.
  const double cost = j["cost_per_mtok"]["total"].get<double>();
  CHECK(j["workload"]["cost_per_request"].get<double>() == Approx(cost * 1e-3).epsilon(1e-14));
  CHECK(j["workload"]["cost_per_mtok_input"].get<double>() ==
        Approx(cost * 1000.0 / 800.0).epsilon(1e-14));
  CHECK(j["workload"]["cost_per_mtok_output"].get<double>() ==
        Approx(cost * 1000.0 / 200.0).epsilon(1e-14));
  // The library's calls on the same inputs give the same figures.
  using C = io::scenario_currency;
  const auto m =
      tpw::evaluate_mix<C>(r.point.cost_per_token.total, *r.input.workload, r.input.prices);
  CHECK(j["workload"]["cost_per_request"].get<double>() == m.cost_per_request.value());
  CHECK(j["workload"]["blended_price_per_mtok"].get<double>() == m.blended_price->value() * 1e6);
  // Revenue per MW-year follows the blended price: 2.84 / 4.00 of the one-price scenario's.
  const json one_price = io::to_json(io::run_study(io::parse_scenario(simple)));
  CHECK(j["revenue_per_mw_year"].get<double>() ==
        Approx(one_price["revenue_per_mw_year"].get<double>() * 2.84 / 4.0).epsilon(1e-13));
}

TEST_CASE("a benchmark's input and output rates: the throughput is their sum, the mix theirs") {
  json j = json::parse(simple);
  j["deployment"].erase("throughput_tok_s");
  j["deployment"]["input_tok_s"] = 800;
  j["deployment"]["output_tok_s"] = 200;
  j["revenue"] = json::parse(R"({"input_price_per_mtok": 2.0, "output_price_per_mtok": 8.0})");
  const io::scenario s = io::parse_scenario(j.dump());
  CHECK(s.base[tpw::cost_input::throughput_tok_s] == 1000.0);
  // (800 * 2 + 200 * 8) / 1,000 = 3.2.
  CHECK(s.base[tpw::cost_input::price_per_mtok] == Approx(3.2).epsilon(1e-15));
  // A workload of the same mix (within 10%) is accepted; another mix is refused.
  j["workload"] = json::parse(R"({"input_tokens": 8192, "output_tokens": 2048})");
  CHECK_NOTHROW((void)io::parse_scenario(j.dump()));
  j["workload"] = json::parse(R"({"input_tokens": 1000, "output_tokens": 1000})");
  CHECK(parse_error(j.dump()) ==
        "workload.input_tokens = 1000: the workload has 1 input tokens per output token "
        "written, but the throughput was measured on 4 (deployment.input_tok_s over "
        "output_tok_s, or the frontier's benchmark files): throughput measured on another mix "
        "does not apply (allowed: within 10%)");
}

TEST_CASE("latency targets on a frontier: the stricter one binds, and the report says which") {
  const std::string base = with(edited("/frontier", R"({"points": [[10, 9000], [50, 6000],
      [100, 2000]], "min_interactivity_tok_s_user": 30, "max_tpot_ms": 25})"),
                                "/deployment", R"({"accelerators_per_system": 8,
      "it_power_kw": 10, "utilization": 0.5})");
  const io::study r = io::run_study(io::parse_scenario(base));
  const json j = io::to_json(r);
  // 25 ms per output token is 1000 / 25 = 40 tok/s per user, stricter than 30.
  CHECK(j["frontier"]["bound_by"] == "max_tpot_ms");
  CHECK(j["frontier"]["interactivity_tok_s_user"].get<double>() == 40.0);
  CHECK(j["frontier"]["tpot_ms"].get<double>() == 25.0);
  CHECK(j["frontier"]["throughput_tok_s"].get<double>() ==
        r.input.frontier->frontier.throughput_at(tpw::token_rate::from_value(40.0)).value());
  const json looser =
      io::to_json(io::run_study(io::parse_scenario(with(base, "/frontier/max_tpot_ms", "50"))));
  CHECK(looser["frontier"]["bound_by"] == "min_interactivity_tok_s_user");
  CHECK(parse_error(with(base, "/frontier/max_tpot_ms", "5")) ==
        "frontier.max_tpot_ms = 5: asks 200 tok/s per user, beyond the frontier's fastest point "
        "(100)");
  // Time to first token, carried by the points: 1,000 ms at 10 tok/s per user down to 200 ms at
  // 50 (a line through two points); 600 ms is met from 30 on, above the other targets (20).
  const std::string ttft =
      with(with(base, "/frontier/points", "[[10, 9000, 1000], [50, 5000, 200]]"), "/frontier",
           R"({"points": [[10, 9000, 1000], [50, 5000, 200]],
      "min_interactivity_tok_s_user": 20, "max_ttft_ms": 600})");
  const json t = io::to_json(io::run_study(io::parse_scenario(ttft)));
  CHECK(t["frontier"]["bound_by"] == "max_ttft_ms");
  CHECK(t["frontier"]["interactivity_tok_s_user"].get<double>() == Approx(30.0).epsilon(1e-14));
  CHECK(t["frontier"]["throughput_tok_s"].get<double>() == Approx(7000.0).epsilon(1e-13));
  CHECK(t["frontier"]["ttft_ms"].get<double>() == Approx(600.0).epsilon(1e-13));
  CHECK(io::to_json(io::run_study(io::parse_scenario(
            with(ttft, "/frontier/max_ttft_ms", "900"))))["frontier"]["bound_by"] ==
        "min_interactivity_tok_s_user");
  CHECK(parse_error(with(base, "/frontier/max_ttft_ms", "600")) ==
        "frontier.max_ttft_ms = 600: the frontier's points carry no time to first token: give "
        "them as [interactivity, throughput, ttft_ms]");
  CHECK(parse_error(with(ttft, "/frontier/max_ttft_ms", "100")) ==
        "frontier.max_ttft_ms = 100: no point of frontier at or above 20 tok/s per user meets "
        "it: the lowest time to first token on it is 200 ms");
}

TEST_CASE("finance in a scenario: the report's project equals the library's on the same inputs") {
  const std::string text = with(simple, "/finance", R"({"operating_years": 3,
      "utilization_ramp": [0.3], "price_decline_per_year": 0.2, "discount_rate": 0.1,
      "revenue_fee_share": 0.3, "energy_escalation": 0.05, "opex_escalation": 0.02,
      "tax": {"rate": 0.25}, "debt": {"share": 0.5, "rate": 0.06, "term_years": 2}})");
  const io::study r = io::run_study(io::parse_scenario(text));
  const json j = io::to_json(r);
  // The same project through the library: the site's systems, rented hardware, colocation,
  // energy and opex, as docs/scenario.md defines them.
  using C = io::scenario_currency;
  const tpw::deployment d = tpw::deployment_of(r.input.base, r.site.systems);
  tpw::cash_flow_plan<C> plan;
  plan.operating_years = 3;
  plan.utilization_ramp = {tpw::fraction{0.3}};
  plan.price = tpw::token_price<C>::from_value(4.0 / 1e6);
  plan.price_decline_per_year = tpw::fraction{0.2};
  const auto flows = tpw::project_cash_flows(
      d, plan, tpw::rented_hardware<C>({tpw::cost_rate<C>::from_value(2.0 / 3600.0)}),
      tpw::colocation<C>(
          {tpw::money_per_power_time<C>::from_value(150.0 / 1000.0 / (365.0 * 86400.0 / 12.0))}),
      tpw::energy_cost<C>({tpw::energy_price<C>::from_value(0.10 / 3.6e6)}),
      tpw::opex<C>({tpw::fraction{0.0}, tpw::money<C>{}, tpw::cost_rate<C>{},
                    tpw::cost_rate<C>::from_value(876.0 / (365.0 * 86400.0))}));
  tpw::project_terms terms;
  terms.discount_rate = 0.1;
  terms.equity_discount_rate = 0.1;
  terms.revenue_fee_share = 0.3;
  terms.energy_escalation = 0.05;
  terms.opex_escalation = 0.02;
  terms.tax.rate = 0.25;
  terms.debt = {.share = 0.5, .rate = 0.06, .term_years = 2};
  const auto p = tpw::finance_project(flows, terms);
  CHECK(j["finance"]["project_npv"].get<double>() == Approx(p.project_npv.value()).epsilon(1e-12));
  CHECK(j["finance"]["equity_npv"].get<double>() == Approx(p.equity_npv.value()).epsilon(1e-12));
  REQUIRE(j["finance"]["years"].size() == 4);
  for (std::size_t t = 0; t < 4; ++t) {
    CHECK(j["finance"]["years"][t]["revenue"].get<double>() ==
          Approx(p.years[t].revenue.value()).epsilon(1e-12));
    CHECK(j["finance"]["years"][t]["equity_flow"].get<double>() ==
          Approx(p.years[t].equity_flow.value()).epsilon(1e-12));
  }
  // Year 2 earns 0.8 of year 3's price at 0.5 utilization; year 1 runs at the ramp's 0.3.
  CHECK(j["finance"]["years"][1]["utilization"].get<double>() == 0.3);
  CHECK(j["finance"]["years"][2]["revenue"].get<double>() ==
        Approx(j["finance"]["years"][3]["revenue"].get<double>() / 0.8).epsilon(1e-13));
  // Colocated, rented: nothing is capital, no IRR, said with the library's reason.
  CHECK(j["finance"]["investment"].get<double>() == 0.0);
  CHECK(j["finance"]["project_irr"]["rates"].empty());
  CHECK(j["finance"]["project_irr"]["reason"].get<std::string>().starts_with("no IRR exists"));
}

TEST_CASE("carbon in a scenario: operational and embodied gCO2e per Mtok by hand") {
  const std::string text = with(simple, "/carbon",
                                R"({"grid_g_per_kwh": 400, "embodied_kg_per_accelerator": 1000,
                                    "life_years": 5})");
  const json j = io::to_json(io::run_study(io::parse_scenario(text)));
  // 10 kW over 8 accelerators = 1,250 W, PUE 1.25: 1,562.5 W at 500 tok/s on average = 3.125 J
  // per token; 3.125e6 J per Mtok = 0.86806 kWh, at 400 g: 347.22 g per Mtok.
  CHECK(j["carbon"]["g_per_mtok"]["operational"].get<double>() ==
        Approx(3.125e6 / 3.6e6 * 400.0).epsilon(1e-13));
  // 1,000 kg over 500 tok/s * 5 years of 31,536,000 s = 7.884e10 tokens: 12.684 g per Mtok.
  CHECK(j["carbon"]["g_per_mtok"]["embodied"].get<double>() ==
        Approx(1e6 / 7.884e10 * 1e6).epsilon(1e-13));
  // The site's tonnes a year: grams per Mtok * Mtok a year / 1e6.
  CHECK(j["carbon"]["site_t_per_year"].get<double>() ==
        Approx(j["carbon"]["g_per_mtok"]["total"].get<double>() *
               j["site"]["tokens_per_year"].get<double>() / 1e12)
            .epsilon(1e-13));
}

TEST_CASE("every new section refuses bad input with its path, value and rule") {
  const std::string fin = with(simple, "/finance", R"({"operating_years": 4})");
  CHECK(parse_error(with(fin, "/finance/debt", R"({"share": 0.5, "term_years": 5})")) ==
        "finance.debt.rate = (missing): required with debt: share of capex, annual rate and "
        "term_years");
  CHECK(parse_error(with(fin, "/finance/tax", R"({"method": "macrs"})")) ==
        "finance.tax.method = \"macrs\": must be \"straight_line\", \"declining_balance\" or "
        "\"sum_of_years_digits\"");
  CHECK(parse_error(with(fin, "/finance/utilization_ramp", "[0.5, 1.5]")) ==
        "finance.utilization_ramp[1] = 1.5: must be in [1e-06, 1]: a share of hours serving");
  // A rate may be uncertain (tests/test_mc_project.cpp); a whole number of years may not.
  CHECK(
      parse_error(with(fin, "/finance/build_years", R"({"dist": "uniform", "low": 1, "high": 3})"))
          .starts_with("finance.build_years = {\"dist\":\"uniform\",\"high\":3,\"low\":1}: "
                       "a count cannot be uncertain"));
  CHECK(parse_error(with(fin, "/finance/operating_years", "0")) ==
        "finance.operating_years = 0: must be a whole number in [1, 100]");
  CHECK(parse_error(with(fin, "/finance/tax_rate", "0.2"))
            .starts_with("finance.tax_rate = 0.2: unknown key; finance takes operating_years"));
  CHECK(parse_error(with(simple, "/carbon", R"({"embodied_kg_per_accelerator": 10})")) ==
        "carbon.grid_g_per_kwh = (missing): required: the grid's intensity in gCO2e per kWh");
  CHECK(parse_error(with(simple, "/carbon",
                         R"({"grid_g_per_kwh": 300, "embodied_kg_per_accelerator": 10})")) ==
        "carbon.life_years = (missing): required with embodied emissions when the hardware is "
        "not owned (its life spreads them)");
  CHECK(parse_error(with(priced_mix(), "/workload/cached_share", "2")) ==
        "workload.cached_share = 2: must be in [0, 1]: the share of input tokens read from a "
        "prompt cache");
  CHECK(parse_error(with(priced_mix(), "/revenue/price_per_mtok", "3")) ==
        "revenue.price_per_mtok = 3: give one price for every token or prices by kind of token, "
        "not both");
  json no_cached = json::parse(priced_mix());
  no_cached["revenue"].erase("cached_input_price_per_mtok");
  CHECK(parse_error(no_cached.dump())
            .starts_with("revenue.cached_input_price_per_mtok = (missing): required when "
                         "workload.cached_share > 0"));
  json no_mix = json::parse(priced_mix());
  no_mix.erase("workload");
  CHECK(parse_error(no_mix.dump()) ==
        "revenue.input_price_per_mtok = 2.0: prices by kind of token need the mix: give a "
        "workload, or deployment.input_tok_s and output_tok_s");
  CHECK(parse_error(with(simple, "/deployment/input_tok_s", "100")) ==
        "deployment.output_tok_s = (missing): input and output tok/s per accelerator come "
        "together, as benchmark files give them (InferenceX input_tput_per_gpu and "
        "output_tput_per_gpu)");
}

TEST_CASE("tpw-whatif --csv writes the figures and the yearly cash flows as RFC 4180 CSV") {
  CHECK(tpw_whatif::csv_field("plain") == "plain");
  CHECK(tpw_whatif::csv_field("a, \"b\"\r\nc") == "\"a, \"\"b\"\"\r\nc\"");
  CHECK(tpw_whatif::csv_text("=cmd()") == "'=cmd()");
  const scratch_dir dir("io_csv");
  const std::string file = dir.write("fin.json", with(with(simple, "/name", "\"Site, \\\"A\\\"\""),
                                                      "/finance", R"({"operating_years": 2})"));
  const auto run = whatif({"--scenario", file, "--csv", (dir.path / "out").string()});
  REQUIRE(run.status == 0);
  std::ifstream figures(dir.path / "out" / "figures.csv", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(figures)), {});
  CHECK(text.starts_with("scenario,cost_per_mtok (EUR/Mtok),"));
  CHECK(text.find("\r\n\"Site, \"\"A\"\"\",") != std::string::npos);
  CHECK(text.find("project_npv (EUR)") != std::string::npos);
  std::ifstream flows(dir.path / "out" / "cash_flows_1.csv", std::ios::binary);
  const std::string table((std::istreambuf_iterator<char>(flows)), {});
  CHECK(table.starts_with("scenario,year (t),utilization (share),tokens (tokens),revenue (EUR),"));
  CHECK(std::count(table.begin(), table.end(), '\n') == 4);  // the header and years 0, 1, 2
  // The last column, the debt-service coverage, is empty without debt: no number, not 0.
  CHECK(table.find(",dscr (x)\r\n") != std::string::npos);
  CHECK(table.ends_with(",\r\n"));
  // A bad section is refused before anything is written.
  const std::string bad =
      dir.write("bad.json", with(simple, "/finance", R"({"operating_years": 0})"));
  const auto refused = whatif({"--scenario", bad, "--csv", (dir.path / "none").string()});
  CHECK(refused.status == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err.find("finance.operating_years = 0") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path / "none" / "figures.csv"));
  // A demand section adds capacity_N.csv: the fleet year by year (four operating years here).
  const std::string sized = (std::filesystem::path(TPW_EXAMPLES_DIR) / "scenarios" / "sections" /
                             "gb200_sized_to_demand.json")
                                .string();
  REQUIRE(whatif({"--scenario", sized, "--csv", (dir.path / "demand").string()}).status == 0);
  std::ifstream capacity(dir.path / "demand" / "capacity_1.csv", std::ios::binary);
  const std::string years((std::istreambuf_iterator<char>(capacity)), {});
  CHECK(years.starts_with("scenario,year (t),peak_requests_per_s (requests per s),"));
  CHECK(std::count(years.begin(), years.end(), '\n') == 5);
  // Its tariff prices each year on that year's bill: a price in every row.
  CHECK(years.find(",utilization (share),energy_price_per_kwh (USD/kWh)\r\n") != std::string::npos);
  CHECK(years.find(",\r\n") == std::string::npos);
  std::ifstream demand_figures(dir.path / "demand" / "figures.csv", std::ios::binary);
  const std::string row((std::istreambuf_iterator<char>(demand_figures)), {});
  CHECK(row.find("derived_utilization (share)") != std::string::npos);
  CHECK(row.find("effective_price_per_kwh (USD/kWh)") != std::string::npos);
  // --solve adds solve.csv, one row per root (one, rootless, for a target out of reach), and the
  // table's Goal seek section.
  const auto solved = whatif({"--scenario", file, "--csv", (dir.path / "solve").string(), "--solve",
                              "deployment.utilization:gross_margin=0.2", "--solve",
                              "costs.energy.pue:cost_per_mtok=0.001"});
  REQUIRE(solved.status == 0);
  CHECK(solved.out.find("Goal seek (the input that meets each target)") != std::string::npos);
  CHECK(solved.out.find("costs.energy.pue: no value in [1, 10] gives cost_per_mtok = 0.001") !=
        std::string::npos);
  std::ifstream goals(dir.path / "solve" / "solve.csv", std::ios::binary);
  const std::string rows((std::istreambuf_iterator<char>(goals)), {});
  CHECK(rows.starts_with("scenario,goal,input,figure,target,reached,root (input's unit),"));
  CHECK(std::count(rows.begin(), rows.end(), '\n') == 3);  // the header and two goals
  CHECK(rows.find(",deployment.utilization for gross_margin = 0.2,deployment.utilization,"
                  "gross_margin,0.2,yes,") != std::string::npos);
  CHECK(rows.find(",costs.energy.pue,cost_per_mtok,0.001,no,,,,,") != std::string::npos);
}

TEST_CASE("a power cap in a scenario: fixed, max_q and best_for_site, as the library picks them") {
  json j = json::parse(simple);
  j["deployment"].erase("throughput_tok_s");
  j["power_cap"] = json::parse(R"({"points": [[800, 4000, 780], [1200, 6000, 1180]], "cap": 1000,
                                  "overhead_w_per_accelerator": 500})");
  // Two points: the line. At 1,000 W: 5,000 tok/s drawing 980 W; per system of 8, IT power
  // (980 + 500) * 8 = 11.84 kW while serving and (1,000 + 500) * 8 = 12 kW provisioned.
  const io::scenario fixed = io::parse_scenario(j.dump());
  CHECK(fixed.base[tpw::cost_input::throughput_tok_s] == Approx(5000.0).epsilon(1e-14));
  CHECK(fixed.base[tpw::cost_input::it_power_kw] == Approx(11.84).epsilon(1e-14));
  CHECK(fixed.base[tpw::cost_input::provisioned_power_kw] == Approx(12.0).epsilon(1e-14));
  const json report = io::to_json(io::run_study(fixed));
  CHECK(report["power_cap"]["rule"] == "fixed");
  CHECK(report["power_cap"]["power_w"].get<double>() == Approx(980.0).epsilon(1e-14));
  // Without an overhead: the system's IT power per accelerator (10 kW / 8 = 1,250 W) beyond the
  // highest measured cap (1,200 W): 50 W.
  json no_overhead = j;
  no_overhead["power_cap"].erase("overhead_w_per_accelerator");
  CHECK(io::parse_scenario(no_overhead.dump()).power_cap->overhead_w == Approx(50.0));
  // The optima are the library's.
  j["power_cap"]["cap"] = "max_q";
  const io::scenario max_q = io::parse_scenario(j.dump());
  CHECK(max_q.power_cap->chosen.cap.value() == tpw::max_q_cap(max_q.power_cap->curve).cap.value());
  j["power_cap"]["cap"] = "best_for_site";
  const io::scenario best = io::parse_scenario(j.dump());
  const auto choice = tpw::best_cap_for_site(
      best.power_cap->curve,
      {1.0 * tpw::units::MW, tpw::fraction{0.0}, tpw::pue{1.25}, 8, 500.0 * tpw::units::W});
  CHECK(best.power_cap->chosen.cap.value() == choice.point.cap.value());
  CHECK(io::run_study(best).site.systems == choice.systems);
  // Refusals.
  j["power_cap"]["cap"] = 1300;
  CHECK(parse_error(j.dump()) ==
        "power_cap.cap = 1300: must be in [800, 1200]: W, within the curve's measured caps");
  j["power_cap"]["cap"] = "best_for_site";
  j.erase("site");
  CHECK(parse_error(j.dump()) ==
        "power_cap.cap = \"best_for_site\": \"best_for_site\" needs a site.power_mw ceiling");
  j["deployment"]["throughput_tok_s"] = 100;
  CHECK(parse_error(j.dump()) ==
        "deployment.throughput_tok_s = 100: give the throughput or a power_cap, not both: the "
        "curve's point at the chosen cap sets it");
  j["deployment"].erase("throughput_tok_s");
  j["power_cap"]["csv"] = "curve.csv";
  CHECK(
      parse_error(j.dump()).starts_with("power_cap.csv = \"curve.csv\": give the curve as points"));
  j["power_cap"].erase("points");
  CHECK(parse_error(j.dump()).starts_with("power_cap.csv = \"curve.csv\": cannot be opened"));
  j["frontier"] = json::parse(R"({"points": [[10, 9000], [50, 6000]], "max_tpot_ms": 50})");
  CHECK(parse_error(j.dump()).starts_with("power_cap = {"));
}

TEST_CASE("a power-cap curve file is read beside the scenario file that names it") {
  const scratch_dir dir("io_power_cap");
  (void)dir.write("curve.csv",
                  "power_cap_w,throughput_tok_s_gpu,power_w_gpu\n800,4000,780\n1200,6000,1180\n");
  json j = json::parse(simple);
  j["deployment"].erase("throughput_tok_s");
  j["power_cap"] = json::parse(R"({"csv": "curve.csv", "cap": 1000})");
  const std::string file = dir.write("capped.json", j.dump());
  const io::scenario s = io::load_scenario(file);
  CHECK(s.base[tpw::cost_input::throughput_tok_s] == Approx(5000.0).epsilon(1e-14));
}

TEST_CASE("exceedance probabilities a scenario names, against the analytic answer") {
  // tok/J = 0.64 u with u uniform on [0.4, 0.6]: uniform on [0.256, 0.384]. P(tok/J > 0.352) =
  // (0.384 - 0.352) / 0.128 = 0.25; P(tok/J <= 0.288) = (0.288 - 0.256) / 0.128 = 0.25. Cost per
  // Mtok is c / u for a constant c, so P(cost > c / 0.45) = P(u < 0.45) = 0.25 too.
  json j = json::parse(
      edited("/deployment/utilization", R"({"dist": "uniform", "low": 0.4, "high": 0.6})"));
  const double c =
      io::to_json(io::run_study(io::parse_scenario(j.dump())))["cost_per_mtok"]["total"]
          .get<double>() *
      0.5;
  j["uncertainty"] = {{"samples", 100000},
                      {"exceedances",
                       {{{"figure", "tokens_per_joule"}, {"above", 0.352}},
                        {{"figure", "tokens_per_joule"}, {"below", 0.288}},
                        {{"figure", "cost_per_mtok"}, {"above", c / 0.45}}}}};
  const io::scenario s = io::parse_scenario(j.dump());
  const json r = io::to_json(io::run_study(s));
  const json& e = r["uncertainty"]["exceedances"];
  REQUIRE(e.size() == 3);
  CHECK(e[0]["figure"] == "tokens_per_joule");
  CHECK(e[0]["above"].get<double>() == 0.352);
  CHECK(e[0]["probability"].get<double>() == Approx(0.25).epsilon(1e-3));
  CHECK(e[1]["at_or_below"].get<double>() == 0.288);
  CHECK(e[1]["probability"].get<double>() == Approx(0.25).epsilon(1e-3));
  CHECK(e[2]["probability"].get<double>() == Approx(0.25).epsilon(1e-3));
  // The table says the same.
  std::ostringstream table;
  tpw_whatif::print_table(table, {io::run_study(s)});
  CHECK(table.str().find("P(tokens_per_joule > 0.352) = 25") != std::string::npos);
  CHECK(table.str().find("P(tokens_per_joule <= 0.288) = 25") != std::string::npos);
  // Refused by field.
  const auto refused = [&](const json& exceedances) {
    json k = j;
    k["uncertainty"]["exceedances"] = exceedances;
    return message_of([&] { (void)io::parse_scenario(k.dump()); });
  };
  CHECK(refused(json::array({{{"figure", "npv"}, {"above", 0}}}))
            .starts_with("uncertainty.exceedances[0].figure = \"npv\": must be one of "
                         "cost_per_mtok, cost_per_mtok.hardware,"));
  CHECK(refused(json::array({{{"figure", "cost_per_mtok"}, {"above", 1}, {"below", 2}}}))
            .ends_with("give \"above\" or \"below\", one of the two: the threshold"));
  json unpriced = j;
  unpriced.erase("revenue");
  unpriced["uncertainty"]["exceedances"] =
      json::array({{{"figure", "gross_margin"}, {"below", 0}}});
  CHECK(message_of([&] { (void)io::parse_scenario(unpriced.dump()); }) ==
        "uncertainty.exceedances[0].figure = \"gross_margin\": needs revenue: a token price or a "
        "contract");
  json fixed = json::parse(simple);
  fixed["uncertainty"] = {{"exceedances", {{{"figure", "cost_per_mtok"}, {"above", 1}}}}};
  CHECK(message_of([&] { (void)io::parse_scenario(fixed.dump()); }) ==
        "uncertainty.exceedances[0].figure = \"cost_per_mtok\": needs an uncertain input: with "
        "none, every figure is one number");
}

TEST_CASE("absent figures are null in the report, never 0") {
  // No cached price given (nothing cached): none charged, and the report says none, not 0.
  json mix = json::parse(priced_mix());
  mix["workload"]["cached_share"] = 0.0;
  mix["revenue"].erase("cached_input_price_per_mtok");
  const json priced = io::to_json(io::run_study(io::parse_scenario(mix.dump())));
  CHECK(priced["prices_per_mtok"]["cached_input"].is_null());
  CHECK(priced["prices_per_mtok"]["input"].get<double>() == 2.0);
  // Requests without input tokens have no cost per input Mtok (it is not free).
  json no_input = json::parse(simple);
  no_input["workload"] = json::parse(R"({"input_tokens": 0, "output_tokens": 200})");
  const json w = io::to_json(io::run_study(io::parse_scenario(no_input.dump())));
  CHECK(w["workload"]["cost_per_mtok_input"].is_null());
  CHECK(w["workload"]["cost_per_mtok_output"].get<double>() ==
        Approx(w["cost_per_mtok"]["total"].get<double>()).epsilon(1e-14));
  // Operational emissions only on rented hardware: no life spreads anything.
  const json c = io::to_json(
      io::run_study(io::parse_scenario(with(simple, "/carbon", R"({"grid_g_per_kwh": 400})"))));
  CHECK(c["carbon"]["life_years"].is_null());
  CHECK(c["carbon"]["g_per_mtok"]["embodied"].get<double>() == 0.0);
  const json given = io::to_json(io::run_study(io::parse_scenario(
      with(simple, "/carbon",
           R"({"grid_g_per_kwh": 400, "embodied_kg_per_accelerator": 10, "life_years": 5})"))));
  CHECK(given["carbon"]["life_years"].get<double>() == 5.0);
}

TEST_CASE(
    "finance conventions in a scenario: replacement, mid-year, interest during construction") {
  // Owned hardware (4-year life) in a 6-year project: bought again at t = 4 at 0.9^4 of its price.
  json j = json::parse(simple);
  j["costs"]["hardware"] = json::parse(R"({"price": 200000, "life_years": 4,
                                            "residual_fraction": 0.1})");
  j["finance"] = json::parse(R"({"operating_years": 6, "hardware_price_decline_per_year": 0.1,
                                 "discounting": "mid_year", "build_years": 1,
                                 "debt": {"share": 0.5, "rate": 0.08, "term_years": 4,
                                          "interest_during_construction": "expensed"}})");
  const json r = io::to_json(io::run_study(io::parse_scenario(j.dump())));
  const json& f = r["finance"];
  CHECK(f["discounting"] == "mid_year");
  CHECK(f["replacement"] == "at_end_of_life");
  CHECK(f["construction_interest_treatment"] == "expensed");
  CHECK(f["equity_discount_rate_given"] == false);  // the discount rate, by default
  // The site's 1 MW holds 80 systems of 200,000: 16 M, half on debt at t = 0; a year of interest
  // at 8%: 640,000. The second purchase at t = 5 (end of operating year 4) costs 16 M * 0.9^4,
  // and the first is sold then at 10%.
  CHECK(r["site"]["systems"] == 80);
  CHECK(f["construction_interest"].get<double>() == Approx(640000.0).epsilon(1e-13));
  CHECK(f["investment"].get<double>() == 16.0e6);
  CHECK(f["replacement_capex"].get<double>() == Approx(16.0e6 * 0.6561).epsilon(1e-13));
  CHECK(f["years"][5]["capex"].get<double>() == Approx(16.0e6 * 0.6561).epsilon(1e-13));
  CHECK(f["years"][5]["residual"].get<double>() == Approx(1.6e6).epsilon(1e-13));
  CHECK(f["years"][2]["dscr"].is_number());
  CHECK(f["years"][0]["dscr"].is_null());
  CHECK(f["min_dscr"].is_number());
  CHECK(f.contains("return_on_investment"));
  CHECK(f.contains("equity_moic"));
  CHECK(f.contains("revenue_multiple"));
  CHECK_FALSE(f.contains("roi_multiple"));

  const std::string fin = with(simple, "/finance", R"({"operating_years": 4})");
  CHECK(parse_error(with(fin, "/finance/discounting", R"("continuous")")) ==
        "finance.discounting = \"continuous\": must be \"end_of_year\" (the default) or "
        "\"mid_year\" (an operating year's running flows at its middle)");
  CHECK(parse_error(with(fin, "/finance/replacement", R"("sometimes")"))
            .starts_with("finance.replacement = \"sometimes\": must be \"at_end_of_life\""));
  CHECK(parse_error(with(fin, "/finance/hardware_price_decline_per_year", "1")) ==
        "finance.hardware_price_decline_per_year = 1: must be in [0, 1): the share a "
        "replacement's price falls each year");
  json none = j;
  none["finance"]["replacement"] = "none";
  CHECK(parse_error(none.dump()) ==
        "costs.hardware.life_years = 4: is shorter than finance.operating_years (6) and "
        "finance.replacement is \"none\": replace the asset at the end of its life (the default), "
        "or run the project no longer than the life");
}
