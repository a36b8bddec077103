// The fleet section of a scenario file: the worked case read from a file, the scenario's own
// deployment as a generation against the finance section's NPV to the cent (with its cost
// escalation too), the report's keys, uncertain numbers, a goal seek on the fleet's NPV,
// tpw-whatif's table and fleet_N.csv, and every refusal naming its path.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <tpw/io/report.hpp>
#include <tpw/io/solve.hpp>
#include <tpw/io/study.hpp>

#include "support.hpp"
#include "whatif/app.hpp"

namespace {

namespace io = tpw::io;
using nlohmann::json;
using tpw_test::message_of;
using tpw_test::scratch_dir;

// A rented, colocated deployment (its own figures do not matter here) with the issue's worked
// case as its fleet section: A installed and sunk to the end of 2029, B to be had 2026 to 2030.
json worked_file() {
  return json::parse(R"({
    "name": "worked case",
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "utilization": 0.5,
                   "throughput_tok_s": 1000},
    "costs": {"hardware": {"rental_per_accelerator_hour": 2.0},
              "facility": {"colocation_per_kw_month": 150},
              "energy": {"price_per_kwh": 0.10, "pue": 1.25}},
    "revenue": {"price_per_mtok": 2.0},
    "fleet": {
      "start_year": 2026, "years": 8, "discount_rate": 0.1, "price_decline_per_year": 0.2,
      "site_power_mw": 1, "refresh": "best_npv",
      "generations": [
        {"name": "A", "mtok_per_mw_year": 1e6, "running_cost_per_mw_year": 1e6},
        {"name": "B", "mtok_per_mw_year": 5e6, "running_cost_per_mw_year": 1.2e6,
         "price_per_mw": 2e7, "available_from": 2026, "available_until": 2030,
         "price_decline_per_year": 0.25, "life_years": 4, "residual_fraction": 0.1}
      ],
      "installed": [{"generation": "A", "power_mw": 1, "usable_until": 2029}]
    }
  })");
}

std::string error_with(const std::string& pointer, const json& value) {
  json j = worked_file();
  j[json::json_pointer(pointer)] = value;
  return message_of([&] { (void)io::scenario_from_json(j); });
}
std::string error_without(const std::string& pointer) {
  json j = worked_file();
  const json::json_pointer p(pointer);
  j[p.parent_pointer()].erase(p.back());
  return message_of([&] { (void)io::scenario_from_json(j); });
}

// A one-cohort file: 100 systems of 10 kW at PUE 1.2 fill the site's 1.2 MW; owned
// hardware (4 years, 10% residual) in colocation; the project and the fleet over the same four
// years at 8%.
json one_cohort_file() {
  return json::parse(R"({
    "name": "one cohort",
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "idle_power_kw": 4,
                   "utilization": 0.6, "throughput_tok_s": 1500},
    "costs": {"cost_of_capital": 0.08,
              "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0.1},
              "facility": {"colocation_per_kw_month": 150},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2},
              "opex": {"maintenance_fraction_per_year": 0.03, "software_per_accelerator_year": 4500}},
    "revenue": {"price_per_mtok": 1.5},
    "site": {"power_mw": 1.2},
    "finance": {"operating_years": 4, "price_decline_per_year": 0.2},
    "fleet": {"start_year": 2026, "years": 4,
              "generations": [{"name": "this", "deployment": "scenario",
                               "available_from": 2026, "available_until": 2026}]}
  })");
}

}  // namespace

TEST_CASE("fleet section: the worked case read from a file, the report's keys") {
  const auto study = io::run_study(io::scenario_from_json(worked_file()));
  const json j = io::to_json(study);
  const json& f = j["fleet"];
  CHECK(std::abs(f["npv"].get<double>() - 2297208.51) < 0.005);
  CHECK(f["refresh"] == "best_npv");
  CHECK(f["search"] == "exhaustive");
  CHECK(f["step"] == "year");
  CHECK(f["price_per_mtok"].get<double>() == doctest::Approx(2.0));  // revenue's price
  REQUIRE(f["cohorts"].size() == 2);
  CHECK(f["cohorts"][0]["origin"] == "installed");
  CHECK(f["cohorts"][0]["leaves"] == "2028");
  CHECK(f["cohorts"][0]["retired_early"] == true);
  CHECK(f["cohorts"][1]["generation"] == "B");
  CHECK(f["cohorts"][1]["from"] == "2028");
  CHECK(f["cohorts"][1]["leaves"] == "2032");
  CHECK(f["cohorts"][1]["capex"].get<double>() == doctest::Approx(11.25e6));
  CHECK(f["cohorts"][1]["residual"].get<double>() == doctest::Approx(1.125e6));
  CHECK(f["periods"].size() == 8);
  CHECK(f["periods"][2]["capex"].get<double>() == doctest::Approx(11.25e6));
  CHECK(f["periods"][7]["in_service_mw"].get<double>() == 0.0);
  CHECK(f["net"].size() == 9);
  CHECK(f["generations"][1]["source"] == "given");
  CHECK(f["generations"][1]["price_per_mw"].get<double>() == doctest::Approx(2e7));
  CHECK(f["irr"].is_null());  // the sunk A's flows, then B's capex: two sign changes
  CHECK(f["irr_reason"].get<std::string>().find("2 IRRs") != std::string::npos);
  CHECK_FALSE(f.contains("uncertainty"));
}

TEST_CASE("fleet section: the scenario's own deployment, one cohort, gives finance's NPV") {
  // one_cohort_file: the project and its own deployment as the fleet's one generation.
  const json j = one_cohort_file();
  const auto study = io::run_study(io::scenario_from_json(j));
  REQUIRE(study.finance);
  REQUIRE(study.fleet);
  CHECK(study.site.systems == 100);
  CHECK(std::abs(study.fleet->ledger.npv.value() - study.finance->project_npv.value()) < 0.005);
  CHECK(study.fleet->ledger.npv.value() != 0.0);
  const json r = io::to_json(study);
  CHECK(r["fleet"]["generations"][0]["source"] == "scenario");
  CHECK(r["fleet"]["generations"][0]["price_per_mw"].get<double>() ==
        doctest::Approx(300000.0 / 0.012));
  CHECK(r["fleet"]["discount_rate"] == 0.08);
}

TEST_CASE("fleet section: running costs escalate as the finance section's, to the cent") {
  // one_cohort_file, its finance section escalating energy 3% a year and
  // the rest 5%: the fleet takes both rates, and its own generation the energy's share of its
  // running cost, so the NPV is still the project's.
  json j = one_cohort_file();
  j["finance"]["energy_escalation"] = 0.03;
  j["finance"]["opex_escalation"] = 0.05;
  const auto study = io::run_study(io::scenario_from_json(j));
  REQUIRE(study.finance);
  REQUIRE(study.fleet);
  CHECK(std::abs(study.fleet->ledger.npv.value() - study.finance->project_npv.value()) < 0.005);
  const json r = io::to_json(study);
  CHECK(r["fleet"]["energy_escalation_per_year"] == 0.03);
  CHECK(r["fleet"]["opex_escalation_per_year"] == 0.05);
  // Energy: 100 systems x (4 + 6 x 0.6) kW x 1.2 x 8,760 h x 0.08 USD = 639,348.48 USD a year,
  // against colocation 150 x 12 x 1,000 kW, maintenance 3% of 30 M and software 4,500 x 800:
  // 639,348.48 / (639,348.48 + 1.8 M + 0.9 M + 3.6 M) = 0.091511.
  const double energy = 100 * 7.6 * 1.2 * 8760 * 0.08;
  CHECK(r["fleet"]["generations"][0]["energy_share"].get<double>() ==
        doctest::Approx(energy / (energy + 1.8e6 + 0.9e6 + 3.6e6)));
  // The what-if says so above the fleet's table.
  std::ostringstream out;
  tpw_whatif::print_fleet(out, {study});
  CHECK(out.str().find("running costs escalate from 2026: energy 3% a year, the rest 5%") !=
        std::string::npos);

  // A generation given by its numbers needs its energy share where the two rates differ.
  json given = worked_file();
  given["fleet"]["energy_escalation_per_year"] = 0.04;
  CHECK(message_of([&] { (void)io::scenario_from_json(given); }) ==
        "fleet.generations[0].energy_share = (missing): required where energy and other running "
        "costs escalate at different rates (fleet.energy_escalation_per_year 0.04, "
        "fleet.opex_escalation_per_year 0): the share of its running cost that is energy, in "
        "[0, 1]");
  given["fleet"]["generations"][0]["energy_share"] = 0.4;
  given["fleet"]["generations"][1]["energy_share"] = 1.5;
  CHECK(message_of([&] { (void)io::scenario_from_json(given); }) ==
        "fleet.generations[1].energy_share = 1.5: must be in [0, 1]: the share of its running "
        "cost that is energy");
  given["fleet"]["generations"][1]["energy_share"] = 0.3;
  const auto escalating = io::scenario_from_json(given);
  CHECK(escalating.fleet->spec.generations[0].energy_share.value() == 0.4);
  CHECK(escalating.fleet->spec.energy_escalation_per_year.value() == 0.04);
  // Equal rates need no share; an uncertain one does, and is drawn like the other numbers.
  json same = worked_file();
  same["fleet"]["energy_escalation_per_year"] = 0.02;
  same["fleet"]["opex_escalation_per_year"] = 0.02;
  CHECK(io::scenario_from_json(same).fleet->spec.opex_escalation_per_year.value() == 0.02);
  same["fleet"]["opex_escalation_per_year"] =
      json{{"dist", "uniform"}, {"low", 0.0}, {"high", 0.04}};
  CHECK(message_of([&] {
          (void)io::scenario_from_json(same);
        }).starts_with("fleet.generations[0].energy_share = (missing): required where"));
  same["fleet"]["opex_escalation_per_year"] =
      json{{"dist", "uniform"}, {"low", -0.6}, {"high", 0.04}};
  CHECK(message_of([&] {
          (void)io::scenario_from_json(same);
        }).starts_with("fleet.opex_escalation_per_year = -0.6: its distribution reaches"));
  CHECK(error_with("/fleet/energy_escalation_per_year", 1.5) ==
        "fleet.energy_escalation_per_year = 1.5: must be in [-0.5, 1]: the share a running cost "
        "grows a year");
  // The scenario's own generation takes its share from its costs, not from the file.
  json own = j;
  own["fleet"]["generations"][0]["energy_share"] = 0.5;
  CHECK(message_of([&] { (void)io::scenario_from_json(own); }) ==
        "fleet.generations[0].energy_share = 0.5: comes from the scenario's deployment here (its "
        "energy over its running costs)");
}

TEST_CASE("fleet section: goal seek on the fleet's NPV, its plan's and its Monte Carlo's") {
  // A alone for 2026 to 2029 (B not to be had), 1 MW. Where all four years earn, the NPV is linear
  // in the first year's token price P (USD per Mtok): NPV = 1e6 x (P x S - V) with
  // V = sum of 1.1^-(k+1) = 3.169865 and S = sum of d^k 1.1^-(k+1), d the price's yearly factor.
  json j = worked_file();
  j["fleet"]["generations"][1]["available_from"] = 2040;
  j["fleet"]["generations"][1].erase("available_until");
  double V = 0.0, S = 0.0;
  for (int k = 0; k < 4; ++k) {
    V += std::pow(1.1, -(k + 1));
    S += std::pow(0.8, k) * std::pow(1.1, -(k + 1));
  }
  // NPV = 2 M at P = (2 + V) / S = 2.153400 (every year's margin positive: 2.15 x 0.8^3 > 1).
  const auto point =
      io::solve_goal(j, {}, io::goal_from_text("fleet.price_per_mtok:fleet_npv=2e6"));
  REQUIRE(point.found.roots.size() == 1);
  CHECK(point.found.roots[0].x == doctest::Approx((2.0 + V) / S).epsilon(1e-6));
  CHECK(point.found.roots[0].x == doctest::Approx(2.153400).epsilon(1e-6));
  CHECK(point.searched_from == "the rule of fleet.price_per_mtok");
  CHECK(point.samples == 0);
  bool headline = false;
  for (const auto& [name, value] : point.at_root) {
    if (name == "fleet_npv") headline = value == doctest::Approx(2e6).epsilon(1e-6);
  }
  CHECK(headline);

  // The decline d uniform on [0.1, 0.3]: E[(1 - d)^k] = (0.9^(k+1) - 0.7^(k+1)) / (0.2 (k + 1)),
  // so the mean NPV is 5 M at P = (5 + V) / E[S] = 3.3917 (above 1 / 0.7^3 = 2.915, where every
  // sample's every year earns); the run's own draws put its root within their sampling error.
  j["fleet"]["price_decline_per_year"] = json{{"dist", "uniform"}, {"low", 0.1}, {"high", 0.3}};
  j["uncertainty"] = json{{"samples", 20000}, {"seed", 3}};
  double mean_s = 0.0;
  for (int k = 0; k < 4; ++k) {
    mean_s +=
        (std::pow(0.9, k + 1) - std::pow(0.7, k + 1)) / (0.2 * (k + 1)) * std::pow(1.1, -(k + 1));
  }
  const auto mean =
      io::solve_goal(j, {}, io::goal_from_text("fleet.price_per_mtok:mean(fleet_npv)=5e6"));
  REQUIRE(mean.found.roots.size() == 1);
  CHECK(mean.samples == 20000);
  CHECK(mean.found.roots[0].x == doctest::Approx((5.0 + V) / mean_s).epsilon(2e-3));
  // P(NPV <= 5 M) = 0.5: the NPV falls as d rises, so its median is the NPV at d's median, 0.2.
  const auto median =
      io::solve_goal(j, {}, io::goal_from_text("fleet.price_per_mtok:P(fleet_npv<=5e6)=0.5"));
  REQUIRE(median.found.roots.size() == 1);
  CHECK(median.found.roots[0].x == doctest::Approx((5.0 + V) / S).epsilon(3e-3));
  CHECK(median.found.roots[0].value == doctest::Approx(0.5).epsilon(1e-3));
  // A generation's number by its path, within its fleet rule.
  const auto residual =
      io::solve_goal(j, {}, io::goal_from_text("fleet.generations[0].availability:fleet_npv=1e6"));
  CHECK(residual.searched_from == "the rule of fleet.generations[k].availability");

  // Refused: the fleet's NPV without a fleet, a statistic with no uncertain fleet number, a
  // generation the fleet does not have.
  json no_fleet = worked_file();
  no_fleet.erase("fleet");
  CHECK(message_of([&] {
          (void)io::solve_goal(no_fleet, {},
                               io::goal_from_text("revenue.price_per_mtok:fleet_npv=0"));
        }) == "solve.figure = \"fleet_npv\": is the fleet's NPV: it needs a fleet section");
  CHECK(message_of([&] {
          (void)io::solve_goal(worked_file(), {},
                               io::goal_from_text("fleet.price_per_mtok:mean(fleet_npv)=0"));
        }) ==
        "solve.figure = \"fleet_npv\": needs an uncertain number in the fleet section: with "
        "none, the fleet's NPV is one number");
  CHECK(message_of([&] {
          (void)io::solve_goal(
              j, {}, io::goal_from_text("fleet.price_decline_per_year:mean(fleet_npv)=0"));
        }) ==
        "solve.input = \"fleet.price_decline_per_year\": is the scenario's only uncertain "
        "input: fixed at each trial, it leaves every figure one number; target the point "
        "figure instead");
  CHECK(message_of([&] {
          (void)io::solve_goal(j, {},
                               io::goal_from_text("fleet.generations[5].price_per_mw:fleet_npv=0"));
        }).starts_with("solve.input = \"fleet.generations[5].price_per_mw\": names no number"));
}

TEST_CASE("fleet section: the token price's decline in phases by date") {
  // fleet.price_phases' case from a file: A alone, tokens falling 20% a year, flat from 2028:
  // NPV 1,806,570.59 by hand (tests/test_fleet.cpp).
  json j = worked_file();
  j["fleet"]["generations"][1]["available_from"] = 2040;
  j["fleet"]["generations"][1].erase("available_until");
  j["fleet"]["price_decline_per_year"] = json::parse(R"([{"from_year": 2026, "decline": 0.2},
                                                         {"from_year": 2028, "decline": 0}])");
  const auto study = io::run_study(io::scenario_from_json(j));
  CHECK(std::abs(study.fleet->ledger.npv.value() - 1806570.59) < 0.005);
  const json r = io::to_json(study);
  CHECK(r["fleet"]["price_decline_per_year"] == 0.2);
  CHECK(r["fleet"]["price_phases"] == json::parse(R"([{"from_year": 2028, "decline": 0.0}])"));
  std::ostringstream out;
  tpw_whatif::print_fleet(out, {study});
  CHECK(out.str().find("token price 2 per Mtok in 2026, falling 20% a year, 0% from 2028") !=
        std::string::npos);
  // A later phase's decline may be uncertain, named by its path.
  j["fleet"]["price_decline_per_year"][1]["decline"] =
      json{{"dist", "uniform"}, {"low", 0.0}, {"high", 0.2}};
  const auto uncertain = io::scenario_from_json(j);
  REQUIRE(uncertain.fleet->uncertain.size() == 1);
  CHECK(uncertain.fleet->uncertain[0].path == "fleet.price_decline_per_year[1].decline");
  CHECK(uncertain.fleet->uncertain[0].phase == 0);
  CHECK(uncertain.fleet->spec.price_phases[0].decline.value() == doctest::Approx(0.1));
  // Refused, by the file's paths.
  CHECK(error_with("/fleet/price_decline_per_year", json::array()) ==
        "fleet.price_decline_per_year = []: must be a number, a distribution or 1 to 50 phases "
        "{\"from_year\", \"decline\"}");
  CHECK(error_with("/fleet/price_decline_per_year",
                   json::parse(R"([{"from_year": 2027, "decline": 0.2}])")) ==
        "fleet.price_decline_per_year[0].from_year = 2027: must be at or before fleet.start_year "
        "(2026): the first phase holds from the calendar's start");
  CHECK(
      error_with("/fleet/price_decline_per_year",
                 json::parse(R"([{"from_year": 2026, "decline": 0.2},
                                   {"from_year": 2026, "decline": 0.1}])")) ==
      "fleet.price_decline_per_year[1].from_year = 2026: must come after fleet.start_year (2026)");
  CHECK(error_with("/fleet/price_decline_per_year",
                   json::parse(R"([{"from_year": 2026, "decline": 0.2},
                                   {"from_year": 2028, "decline": 1}])")) ==
        "fleet.price_decline_per_year[1].decline = 1: must be in [0, 1): the share a price falls "
        "a year");
  CHECK(error_with("/fleet/price_decline_per_year", json::parse(R"([{"from_year": 2026}])")) ==
        "fleet.price_decline_per_year[0].decline = (missing): required: the share the token price "
        "falls a year");
}

TEST_CASE("fleet section: distributions run the rules on every sample, the same on any threads") {
  json j = worked_file();
  j["fleet"]["refresh"] = "opportunity_cost";
  j["fleet"]["generations"][1]["price_per_mw"] = {{"dist", "uniform"}, {"low", 1e7}, {"high", 4e7}};
  j["uncertainty"] = {{"samples", 20000}, {"seed", 5}};
  const auto scenario = io::scenario_from_json(j);
  REQUIRE(scenario.fleet->uncertain.size() == 1);
  // The plan at the point values takes the median, 25 M.
  CHECK(scenario.fleet->spec.generations[1].price.value() * 1e6 == doctest::Approx(25e6));
  io::study_options one;
  one.threads = 1;
  io::study_options two;
  two.threads = 2;
  const json a = io::to_json(io::run_study(scenario, one))["fleet"]["uncertainty"];
  const json b = io::to_json(io::run_study(scenario, two))["fleet"]["uncertainty"];
  CHECK(a == b);
  CHECK(a["samples"] == 20000);
  CHECK(a["inputs"][0] == "fleet.generations[1].price_per_mw");
  // A leaves in 2026 when B's price is under 21.685 M (tests/test_fleet.cpp): 39% of samples.
  const double share = a["installed_retired"][0]["by_period"]["2026"].get<double>();
  CHECK(std::abs(share - 0.3895) < 4 * std::sqrt(0.3895 * 0.6105 / 20000));
  CHECK(a["generations"][1]["first_purchase"]["share"].get<double>() > share);
  CHECK(a["generations"][1]["economic_life_years"]["by_years"].contains("4"));
  CHECK(a["npv"]["p5"].get<double>() < a["npv"]["p95"].get<double>());
}

TEST_CASE("fleet section: tpw-whatif's Fleet over time table and fleet_N.csv") {
  const scratch_dir dir("fleet_csv");
  const std::string file = dir.write("worked.json", worked_file().dump());
  std::ostringstream out;
  std::ostringstream err;
  const int status =
      tpw_whatif::run_whatif({"--scenario", file, "--csv", (dir.path / "out").string()}, out, err);
  REQUIRE(status == 0);
  const std::string table = out.str();
  CHECK(table.find("Fleet over time") != std::string::npos);
  CHECK(table.find("worked case: 2026 to 2033 by year, best_npv (exhaustive, 98 plans priced): "
                   "NPV 2.3 (discounted at 10%)") != std::string::npos);
  CHECK(table.find("retired early") != std::string::npos);
  std::ifstream csv(dir.path / "out" / "fleet_1.csv", std::ios::binary);
  const std::string rows((std::istreambuf_iterator<char>(csv)), {});
  CHECK(rows.starts_with("scenario,period,cohort (number),generation,origin,power_mw (MW),"));
  // The header, A in 2026 and 2027, B in 2028 to 2031.
  CHECK(std::count(rows.begin(), rows.end(), '\n') == 7);
  // Without a demand the MW switched on is the cohort's, and the period's demand columns are empty.
  CHECK(rows.find("worked case,2028,2,B,bought,1,5e+06,6400000,1200000,11250000,0,no,1,,\r\n") !=
        std::string::npos);
}

TEST_CASE("fleet section: the power chart stacks the cohorts, each named by its purchase") {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) {
    MESSAGE("gnuplot is not installed: the fleet chart test is skipped");
    return;
  }
  // The worked case: A installed, retired at the start of 2028; B bought then, to 2031.
  const scratch_dir dir("fleet_chart");
  const std::string file = dir.write("worked.json", worked_file().dump());
  std::ostringstream out;
  std::ostringstream err;
  const std::string charts = (dir.path / "charts").string();
  REQUIRE(tpw_whatif::run_whatif({"--scenario", file, "--charts", charts}, out, err) == 0);
  for (const char* ext : {".png", ".svg"}) {
    CHECK(std::filesystem::file_size(dir.path / "charts" / (std::string("fleet_power_1") + ext)) >
          500);
  }
  std::ifstream script(dir.path / "charts" / "fleet_power_1.gp");
  const std::string gp((std::istreambuf_iterator<char>(script)), {});
  CHECK(gp.find("title 'A (installed)'") != std::string::npos);
  CHECK(gp.find("title 'B (2028)'") != std::string::npos);
  // By period, its start and end: the ceiling, then A, then A + B stacked.
  std::ifstream data(dir.path / "charts" / "fleet_power_1.dat");
  const std::string rows((std::istreambuf_iterator<char>(data)), {});
  CHECK(rows.find("\n2026 1 1 1\n2027 1 1 1\n") != std::string::npos);
  CHECK(rows.find("\n2028 1 0 1\n2029 1 0 1\n") != std::string::npos);
  CHECK(rows.find("\n2032 1 0 1\n2032 1 0 0\n") != std::string::npos);  // B leaves
}

TEST_CASE("fleet section: a demand met at least cost, from a file, and its refusals") {
  // tests/test_fleet_demand.cpp's case priced by hand: A's 1 MW installed on 2 MW, B and C to buy,
  // 3.0e6 Mtok growing 50% a year, tokens flat at 2.00, the opportunity rule: 13,143,159.62.
  json j = worked_file();
  json& f = j["fleet"];
  f["years"] = 4;
  f["price_decline_per_year"] = 0;
  f["site_power_mw"] = 2;
  f["refresh"] = "opportunity_cost";
  f["generations"][1]["price_decline_per_year"] = 0;
  f["generations"][1].erase("available_until");
  f["generations"].push_back({{"name", "C"},
                              {"mtok_per_mw_year", 2e6},
                              {"running_cost_per_mw_year", 6e5},
                              {"price_per_mw", 4e6},
                              {"available_from", 2026},
                              {"life_years", 4},
                              {"residual_fraction", 0.1}});
  f["demand"] = {{"mtok_per_year", 3e6}, {"growth_per_year", 0.5}};
  tpw::io::study_options o;
  o.threads = 1;
  const json report = io::to_json(io::run_study(io::scenario_from_json(j), o));
  const json& r = report["fleet"];
  CHECK(std::abs(r["npv"].get<double>() - 13'143'159.62) < 0.005);
  CHECK(r["demand"]["mtok_per_year"] == 3e6);
  CHECK(r["periods"][3]["unserved_mtok"].get<double>() == doctest::Approx(4.625e6));
  CHECK(r["periods"][3]["demand_mtok"].get<double>() == doctest::Approx(10.125e6));
  CHECK(r["demand"]["unserved_share"].get<double>() ==
        doctest::Approx((1.25e6 + 4.625e6) / (3e6 + 4.5e6 + 6.75e6 + 10.125e6)));
  // Growth uncertain: the Monte Carlo reports the unserved share and the chance of any.
  f["demand"]["growth_per_year"] = {{"dist", "uniform"}, {"low", 0.0}, {"high", 0.5}};
  j["uncertainty"] = {{"samples", 2000}, {"seed", 3}};
  const json u = io::to_json(io::run_study(io::scenario_from_json(j), o))["fleet"]["uncertainty"];
  CHECK(u["chance_unserved"].get<double>() > 0.0);
  CHECK(u["unserved_share_mean"].get<double>() > 0.0);
  CHECK(u["inputs"][0] == "fleet.demand.growth_per_year");

  const auto error = [&](const json& demand) {
    json k = worked_file();
    k["fleet"]["demand"] = demand;
    return message_of([&] { (void)io::scenario_from_json(k); });
  };
  CHECK(error("all") ==
        "fleet.demand = \"all\": must be \"scenario\" (the demand section's) or "
        "{\"mtok_per_year\", \"growth_per_year\"}");
  CHECK(error("scenario") ==
        "fleet.demand = \"scenario\": needs the scenario's demand section (demand), or give "
        "{\"mtok_per_year\": the tokens asked for in the first year, in Mtok}");
  CHECK(error(json::object()) ==
        "fleet.demand.mtok_per_year = (missing): required without a demand section: the tokens "
        "asked for in the first year, in Mtok");
  CHECK(error({{"mtok_per_year", -1}}).starts_with("fleet.demand.mtok_per_year = -1: "));
  CHECK(error({{"mtok_per_year", 1}, {"growth_per_year", -1}})
            .starts_with("fleet.demand.growth_per_year = -1: "));
  CHECK(error({{"mtok_per_year", 1}, {"tokens", 1}})
            .starts_with("fleet.demand.tokens = 1: unknown key"));
}

TEST_CASE("fleet section: each refusal names the path, the value and the rule") {
  CHECK(error_with("/fleet/step", "week") ==
        "fleet.step = \"week\": must be \"year\", \"quarter\" or \"month\"");
  CHECK(error_with("/fleet/years", 0) == "fleet.years = 0: must be a whole number in [1, 50]");
  CHECK(error_with("/fleet/refresh", "never") ==
        "fleet.refresh = \"never\": must be \"fixed_life\", \"opportunity_cost\" or \"best_npv\"");
  CHECK(error_with("/fleet/colour", 1).starts_with("fleet.colour = 1: unknown key; fleet takes"));
  CHECK(error_without("/fleet/start_year") ==
        "fleet.start_year = (missing): required: the first year");
  CHECK(error_with("/fleet/generations", json::array()) ==
        "fleet.generations = []: must be an array of 1 to 16 generations");
  CHECK(error_with("/fleet/generations/1/name", "A") ==
        "fleet.generations[1].name = \"A\": must differ from every other generation's name");
  CHECK(error_without("/fleet/generations/1/price_per_mw") ==
        "fleet.generations[1].price_per_mw = (missing): required when it can be bought "
        "(available_from)");
  CHECK(error_without("/fleet/generations/1/life_years") ==
        "fleet.generations[1].life_years = (missing): required when it can be bought: its "
        "economic life");
  CHECK(error_with("/fleet/generations/1/deployment", "scenario") ==
        "fleet.generations[1].mtok_per_mw_year = 5000000.0: comes from the scenario's deployment "
        "here: give it, or \"deployment\", not both");
  CHECK(error_with("/fleet/generations/1/price_decline_per_year", 1) ==
        "fleet.generations[1].price_decline_per_year = 1: must be in [0, 1): the share a price "
        "falls a year");
  CHECK(error_with("/fleet/generations/1/price_decline_per_year",
                   json{{"dist", "normal"}, {"mean", 0.2}, {"sd", 0.1}})
            .starts_with("fleet.generations[1].price_decline_per_year = "));
  CHECK(error_with("/fleet/installed/0/generation", "C") ==
        "fleet.installed[0].generation = \"C\": must be the name of one of fleet.generations");
  CHECK(error_with("/fleet/installed/0/power_mw", 2) ==
        "fleet.installed.power_mw = 2: must fit under the site's power in the first year (1 MW)");
  CHECK(error_with("/fleet/site_power_mw", json::parse(R"([{"from_year": 2026, "power_mw": 2},
                                   {"from_year": 2028, "power_mw": 1}])")) ==
        "fleet.site_power_mw[1].power_mw = 1: must not fall below the step before it: a phased "
        "build only grows");
  CHECK(
      error_with("/fleet/site_power_mw", json::parse(R"([{"from_year": 2027, "power_mw": 2}])")) ==
      "fleet.site_power_mw[0].from_year = 2027: must be at or before the calendar's first year "
      "(2026)");
  // The scenario's own deployment needs colocation; a built facility is refused with the reason.
  json built = worked_file();
  built["costs"]["hardware"] = {{"price", 300000}, {"life_years", 4}};
  built["costs"]["facility"] = {{"build_per_mw", 1.17e7}, {"life_years", 15}};
  built["fleet"]["generations"].push_back(
      {{"name", "this"}, {"deployment", "scenario"}, {"available_from", 2026}});
  CHECK(message_of([&] {
          (void)io::scenario_from_json(built);
        }).starts_with("fleet.generations[2].deployment = \"scenario\": needs colocation"));
  // Without revenue, the fleet's token price is required.
  json unpriced = worked_file();
  unpriced.erase("revenue");
  CHECK(message_of([&] { (void)io::scenario_from_json(unpriced); }) ==
        "fleet.price_per_mtok = (missing): required without revenue.price_per_mtok: the token "
        "price in the first year");
}
