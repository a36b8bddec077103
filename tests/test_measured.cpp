// Measured data (tpw/catalog/measured.hpp), the plausibility flags, InferenceX's published points
// reproduced with a vintage's constants, and the scenario keys that use them: vintage,
// costs.inferencex, workload.model and precision, frontier.csv.
#include <doctest/doctest.h>

#include "support.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <tpw/catalog.hpp>
#include <tpw/curves/frontier.hpp>
#include <tpw/io/study.hpp>
#include <tpw/model.hpp>

namespace io = tpw::io;
namespace units = tpw::units;
using doctest::Approx;
using tpw_test::message_of;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string csv_name(const tpw::measured_frontier& m) {
  return std::string("inferencex_dsr1_") + (m.input_tokens == 8192 ? "8k1k" : "1k1k") + "_" +
         std::string(m.precision) + "_" + std::string(m.platform) + ".csv";
}

}  // namespace

TEST_CASE("measured frontiers: catalog platforms, three points or more, Pareto, as the CSV files") {
  const std::filesystem::path folder = std::filesystem::path(TPW_EXAMPLES_DATA) / "measured";
  for (const auto& m : tpw::measured_frontiers) {
    CAPTURE(csv_name(m));
    CHECK_NOTHROW((void)tpw::find_platform(m.platform));
    CHECK(m.points.size() >= 3);
    CHECK_FALSE(m.source.empty());
    CHECK_FALSE(m.date.empty());
    CHECK(std::string(m.label).find("interpolated") == 0);
    for (std::size_t i = 1; i < m.points.size(); ++i) {
      CHECK(m.points[i].interactivity > m.points[i - 1].interactivity);
      CHECK(m.points[i].throughput < m.points[i - 1].throughput);  // Pareto: every point kept
    }
    CHECK(tpw::find_measured(m.platform, m.model, m.input_tokens, m.output_tokens, m.precision) ==
          &m);
    // The file a user reads holds the same points, bit for bit, and nothing drops from it.
    const auto file = folder / csv_name(m);
    REQUIRE(std::filesystem::exists(file));
    const auto frontier = tpw::throughput_frontier::from_csv(read_file(file), file.string());
    REQUIRE(frontier.points().size() == m.points.size());
    CHECK(frontier.dropped().empty());
    for (std::size_t i = 0; i < m.points.size(); ++i) {
      CHECK(frontier.points()[i].interactivity.value() == m.points[i].interactivity);
      CHECK(frontier.points()[i].throughput.value() == m.points[i].throughput);
    }
  }
  // One file per measured frontier, and no other.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    files += entry.path().extension() == ".csv" ? 1 : 0;
  }
  CHECK(files == tpw::measured_frontiers.size());
  CHECK(tpw::find_measured("h200", "deepseek-r1", 8192, 1024, "fp8") == nullptr);
}

TEST_CASE("InferenceX's published points reproduced with the 2025 vintage's constants") {
  // Compare pages (DeepSeek-R1 8k/1k fp8) give throughput per GPU to 0.1 tok/s, cost per Mtok to
  // 0.001 USD and tok/s per MW to the unit. Their formulas with the 2025 vintage (hyperscaler
  // tier): cost = $/h / (T * 3600 / 1e6), tok/s per MW = T * 1000 / kW. E.g. GB200 NVL72 at
  // 5,789.6: 2.21 / 20.84256 = 0.10603 (page 0.106); 5,789.6 * 1000 / 2.10 = 2,756,952 (page
  // 2,756,947: the page's throughput has more digits than it shows, within 0.05 / 5,789.6). (One
  // published cost does not reproduce: the B200-vs-GB200 page prices B200 at 2,557.7 tok/s at
  // 0.226 USD/Mtok, about 2.08 USD/h rather than 1.95; its tok/s per MW does, with 2.17 kW.)
  struct page_row {
    const char* platform;
    double throughput, cost, per_mw;
  };
  constexpr auto v2025 = tpw::inferencex_vintage::v2025;
  for (const page_row r :
       {page_row{"gb200-nvl72", 5789.6, 0.106, 2756947}, page_row{"b200", 5856.9, 0.092, 2699051},
        page_row{"mi300x", 725.2, 0.429, 405137}, page_row{"mi325x", 854.2, 0.416, 391852}}) {
    CAPTURE(std::string(r.platform));
    CAPTURE(r.throughput);
    const auto& p = tpw::find_platform(r.platform);
    const tpw::deployment d(tpw::inferencex_deployment(p, tpw::token_rate::from_value(r.throughput),
                                                       tpw::fraction{1.0}, v2025));
    const auto e =
        tpw::evaluate(d, tpw::inferencex_hourly_cost(p, tpw::inferencex_tier::hyperscaler, v2025));
    const double cost = tpw::in(e.cost_per_token.total, units::usd / units::Mtok);
    const double per_mw = tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW);
    CHECK(cost == Approx(p.inferencex(v2025).hourly_owned.value / (r.throughput * 3600 / 1e6))
                      .epsilon(1e-12));
    CHECK(std::abs(cost - r.cost) <= 0.0005);
    CHECK(std::abs(per_mw / r.per_mw - 1.0) <= 0.05 / r.throughput);
  }
}

TEST_CASE("plausibility: each flag at its bound, with the evidence, and what was not checked") {
  tpw::plausibility_input in;
  in.platform = "b200";
  in.model = "deepseek-r1";
  in.input_tokens = 8192;
  in.output_tokens = 1024;
  in.precision = "fp8";
  in.pue = 1.2;
  in.throughput = 5856.9;  // the best measured point: not above it
  in.interactivity = 25.0;
  // Best tok/J: 5,856.9 / (1.71 kW * 1000 * 1.2) = 2.85424; flagged above 1.1 times that.
  const double best_tpj = 5856.9 / (1.71 * 1000 * 1.2);
  in.tokens_per_joule = 1.1 * best_tpj;
  in.input_price = 1.35;
  in.output_price = 2.19;
  auto r = tpw::check_plausibility(in);
  CHECK(r.flags.empty());
  CHECK(r.measured.find("b200 on deepseek-r1 8192/1024 fp8: InferenceX compare pages") == 0);
  CHECK(r.unchecked.empty());

  in.throughput = 6000.0;
  in.interactivity = 20.0;
  in.tokens_per_joule = 3.2;
  in.input_price = 0.50;
  in.output_price = 6.0;
  r = tpw::check_plausibility(in);
  REQUIRE(r.flags.size() == 5);
  CHECK(r.flags[0].figure == "throughput_tok_s");
  CHECK(r.flags[0].limit == 5856.9);
  CHECK(r.flags[0].evidence.find("best measured: 5856.9 tok/s per accelerator at 25 tok/s per "
                                 "user (InferenceX compare pages") == 0);
  CHECK(r.flags[1].figure == "interactivity_tok_s_user");
  CHECK(r.flags[1].limit == 25.0);
  CHECK(r.flags[1].evidence.find("measured from 25 to 164 tok/s per user; below it") == 0);
  CHECK(r.flags[2].figure == "tokens_per_joule");
  CHECK(r.flags[2].limit == Approx(best_tpj).epsilon(1e-15));
  CHECK(r.flags[3].figure == "input_price_per_mtok");
  CHECK(r.flags[3].limit == 0.55);
  CHECK(r.flags[3].rule == "outside the listed prices (0.55 to 1.35)");
  CHECK(r.flags[4].figure == "output_price_per_mtok");
  CHECK(r.flags[4].limit == 5.4);
  CHECK(r.flags[4].evidence.find("listed: DeepSeek API (DeepSeek-R1) 0.55/2.19") == 0);

  // Above the frontier's fastest point.
  in.interactivity = 200.0;
  r = tpw::check_plausibility(in);
  CHECK(r.flags[1].limit == 164.0);
  CHECK(r.flags[1].evidence == "measured from 25 to 164 tok/s per user");

  // One price for the 8k/1k mix: the list blended, 8192/9216 input. Highest 1.35 * 8/9 + 5.4 / 9
  // = 1.8 (and lowest 0.55 * 8/9 + 2.19 / 9 = 0.73222).
  in.input_price.reset();
  in.output_price.reset();
  in.price = 1.81;
  r = tpw::check_plausibility(in);
  REQUIRE(r.flags.back().figure == "price_per_mtok");
  CHECK(r.flags.back().limit == Approx(1.8).epsilon(1e-15));
  in.price = 0.73;
  CHECK(tpw::check_plausibility(in).flags.back().limit ==
        Approx(0.55 * 8 / 9 + 2.19 / 9).epsilon(1e-15));

  // No measured frontier: said, and the prices still checked.
  in.platform = "h200";
  r = tpw::check_plausibility(in);
  CHECK(r.measured.empty());
  REQUIRE(r.unchecked.size() == 1);
  CHECK(r.unchecked[0] ==
        "throughput, interactivity and tokens per joule: tpw has no measured frontier for h200 "
        "on deepseek-r1 8192/1024 fp8");
  CHECK(r.flags.size() == 1);
  // No model: nothing to check against.
  in.model = "";
  r = tpw::check_plausibility(in);
  CHECK(r.flags.empty());
  CHECK(r.unchecked.size() == 1);
  // A price list in USD does not check a scenario in EUR.
  in.model = "deepseek-r1";
  in.currency = "EUR";
  r = tpw::check_plausibility(in);
  CHECK(r.flags.empty());
  CHECK(r.unchecked.back() == "prices: the price list is in USD, the scenario in EUR");
}

namespace {

// GB200 NVL72 at one of InferenceX's points, costed from the vintage's constants.
std::string inferencex_scenario(const std::string& vintage, const std::string& costs) {
  return R"({"name": "ix", "platform": "gb200-nvl72", "vintage": ")" + vintage + R"(",
    "deployment": {"utilization": 1, "throughput_tok_s": 5789.6},
    "costs": )" +
         costs + R"(,
    "workload": {"input_tokens": 8192, "output_tokens": 1024, "model": "deepseek-r1",
                 "precision": "fp8"}})";
}

}  // namespace

TEST_CASE("a scenario costed from a vintage reproduces InferenceX's point, and names the vintage") {
  // 2025: 2.21 / (5,789.6 * 3600 / 1e6) USD/Mtok; 5,789.6 * 1000 / 2.10 tok/s per MW (PUE 1).
  auto s = io::parse_scenario(inferencex_scenario(
      "inferencex-2025", R"({"inferencex": {"tier": "owned"}, "energy": {"pue": 1}})"));
  auto j = io::to_json(io::run_study(s));
  CHECK(j["cost_per_mtok"]["total"].get<double>() ==
        Approx(2.21 / (5789.6 * 3600 / 1e6)).epsilon(1e-12));
  CHECK(j["tokens_per_s_per_mw"].get<double>() == Approx(5789.6 * 1000 / 2.10).epsilon(1e-12));
  CHECK(j["vintage"]["id"] == "inferencex-2025");
  CHECK(j["costs_from"]["hourly_cost_per_accelerator"].get<double>() == 2.21);
  CHECK(j["costs_from"]["it_power_kw_per_system"].get<double>() == Approx(2.10 * 72));
  CHECK(j["plausibility"]["flags"].empty());
  CHECK(j["workload"]["model"] == "deepseek-r1");
  // July 2026, retail, PUE 1.2 on top: 4.00 / (5,789.6 * 3600 / 1e6); 5,789.6 * 1000 / (1.87 *
  // 1.2).
  s = io::parse_scenario(inferencex_scenario(
      "inferencex-2026-07", R"({"inferencex": {"tier": "rental"}, "energy": {"pue": 1.2}})"));
  j = io::to_json(io::run_study(s));
  CHECK(j["cost_per_mtok"]["total"].get<double>() ==
        Approx(4.00 / (5789.6 * 3600 / 1e6)).epsilon(1e-12));
  CHECK(j["tokens_per_s_per_mw"].get<double>() ==
        Approx(5789.6 * 1000 / (1.87 * 1.2)).epsilon(1e-12));
  // No vintage named: the current one, printed.
  j = io::to_json(io::run_study(io::parse_scenario(R"({"platform": "b200",
    "deployment": {"utilization": 0.5, "throughput_tok_s": 100},
    "costs": {"hardware": {"life_years": 4}, "energy": {"price_per_kwh": 0.1, "pue": 1.3}}})")));
  CHECK(j["vintage"]["id"] == "inferencex-2026-07");
  CHECK(j["vintage"]["source"].get<std::string>().find("July 2026") != std::string::npos);
  CHECK(j["plausibility"]["unchecked"].size() == 1);
}

TEST_CASE("costs.inferencex and vintage refuse bad input and double counting, by field") {
  const auto refused = [](const std::string& text) {
    return message_of([&] { (void)io::parse_scenario(text); });
  };
  const std::string ok_costs = R"({"inferencex": {"tier": "owned"}, "energy": {"pue": 1.2}})";
  CHECK(refused(inferencex_scenario("inferencex-2024", ok_costs)) ==
        "vintage = \"inferencex-2024\": must name a data vintage: inferencex-2026-07 (the current "
        "one) or inferencex-2025");
  CHECK(
      refused(inferencex_scenario(
          "inferencex-2026-07",
          R"({"inferencex": {"tier": "owned"}, "energy": {"pue": 1.2, "price_per_kwh": 0.08}})")) ==
      "costs.energy.price_per_kwh = 0.08: give it or costs.inferencex, not both: the vintage's "
      "hourly cost already pays for the power");
  CHECK(refused(inferencex_scenario("inferencex-2026-07",
                                    R"({"inferencex": {"tier": "owned"}, "energy": {"pue": 1.2},
                                        "facility": {"colocation_per_kw_month": 150}})")) ==
        "costs.facility = {\"colocation_per_kw_month\":150}: give it or costs.inferencex, not "
        "both: the vintage's hourly cost already covers the hardware, the facility and the "
        "operations");
  CHECK(refused(inferencex_scenario(
            "inferencex-2025", R"({"inferencex": {"tier": "owned"}, "energy": {"pue": 1.2}})")) ==
        "costs.energy.pue = 1.2: must be 1 with costs.inferencex in the inferencex-2025 vintage: "
        "its all-in power already includes the facility");
  CHECK(
      refused(inferencex_scenario(
          "inferencex-2026-07", R"({"inferencex": {"tier": "neocloud"}, "energy": {"pue": 1}})")) ==
      "costs.inferencex.tier = \"neocloud\": is not a tier of the inferencex-2026-07 vintage "
      "(owned or rental)");
  CHECK(refused(inferencex_scenario("inferencex-2026-07",
                                    R"({"inferencex": {"tier": "spot"}, "energy": {"pue": 1}})")) ==
        "costs.inferencex.tier = \"spot\": must be owned or rental (or neocloud in the "
        "inferencex-2025 vintage)");
  CHECK(refused(R"({"deployment": {"accelerators_per_system": 8, "it_power_kw": 10,
    "utilization": 1, "throughput_tok_s": 100},
    "costs": {"inferencex": {"tier": "owned"}, "energy": {"pue": 1}}})") ==
        "costs.inferencex = {\"tier\":\"owned\"}: needs a catalog \"platform\" whose hourly cost "
        "it takes");
  CHECK(refused(R"({"platform": "b200", "deployment": {"it_power_kw": 10,
    "utilization": 1, "throughput_tok_s": 100},
    "costs": {"inferencex": {"tier": "owned"}, "energy": {"pue": 1}}})") ==
        "deployment.it_power_kw = 10: give it or costs.inferencex, not both: the "
        "inferencex-2026-07 all-in power per accelerator sets it");
  CHECK(refused(R"({"platform": "tpu7x", "vintage": "inferencex-2025",
    "deployment": {"utilization": 1, "throughput_tok_s": 100},
    "costs": {"inferencex": {"tier": "owned"}, "energy": {"pue": 1}}})") ==
        "vintage = \"inferencex-2025\": has no figures for tpu7x, which is newer than it: use "
        "inferencex-2026-07");
  CHECK(refused(R"({"platform": "b200", "workload": {"input_tokens": 1, "output_tokens": 1,
    "model": 3}, "deployment": {"utilization": 1, "throughput_tok_s": 100},
    "costs": {"inferencex": {"tier": "owned"}, "energy": {"pue": 1}}})") ==
        "workload.model = 3: must be a model's name such as \"deepseek-r1\"");
}

TEST_CASE("a frontier read from a measured CSV file, flagged where the target leaves its range") {
  const std::filesystem::path folder = std::filesystem::path(TPW_EXAMPLES_DATA) / "measured";
  const auto j = nlohmann::json::parse(R"({"platform": "gb200-nvl72",
    "deployment": {"utilization": 0.7},
    "frontier": {"csv": "inferencex_dsr1_8k1k_fp8_gb200-nvl72.csv",
                 "min_interactivity_tok_s_user": 50},
    "costs": {"inferencex": {"tier": "owned"}, "energy": {"pue": 1.15}},
    "workload": {"input_tokens": 8192, "output_tokens": 1024, "model": "deepseek-r1",
                 "precision": "fp8"}})");
  const auto s = io::scenario_from_json(j, folder);
  // Below the measured range the throughput is the least interactive point's (75 tok/s/user).
  CHECK(s.base[tpw::cost_input::throughput_tok_s] == 5789.6);
  CHECK(s.frontier->source == "inferencex_dsr1_8k1k_fp8_gb200-nvl72.csv");
  const auto r = io::to_json(io::run_study(s));
  REQUIRE(r["plausibility"]["flags"].size() == 1);
  CHECK(r["plausibility"]["flags"][0]["figure"] == "interactivity_tok_s_user");
  CHECK(r["plausibility"]["flags"][0]["limit"].get<double>() == 75.0);
  CHECK(message_of([&] {
          auto k = j;
          k["frontier"]["points"] = nlohmann::json::array({{1, 2}, {3, 1}});
          (void)io::scenario_from_json(k, folder);
        }) ==
        "frontier.csv = \"inferencex_dsr1_8k1k_fp8_gb200-nvl72.csv\": give the frontier as "
        "points, a csv file or benchmarks, one of the three");
  CHECK(message_of([&] {
          auto k = j;
          k["frontier"]["csv"] = "missing.csv";
          (void)io::scenario_from_json(k, folder);
        }).find("frontier.csv") == 0);
}

TEST_CASE("frontier.throughput_factor: the frontier's point times a number or a distribution") {
  const auto with_factor = [](const std::string& factor) {
    return R"({"platform": "b200", "deployment": {"utilization": 0.5},
      "frontier": {"points": [[25, 5856.9], [164, 751.2]], "min_interactivity_tok_s_user": 25,
                   "throughput_factor": )" +
           factor + R"(},
      "costs": {"hardware": {"life_years": 4}, "energy": {"price_per_kwh": 0.1, "pue": 1.3}},
      "workload": {"input_tokens": 8192, "output_tokens": 1024, "model": "deepseek-r1",
                   "precision": "fp8"}})";
  };
  // A number: 0.8 * 5,856.9.
  auto s = io::parse_scenario(with_factor("0.8"));
  CHECK(s.base[tpw::cost_input::throughput_tok_s] == 0.8 * 5856.9);
  CHECK(s.uncertain.empty());
  // A distribution: the same family, scaled. uniform(0.7, 1) becomes uniform(4,099.83, 5,856.9),
  // whose median is their mean.
  s = io::parse_scenario(with_factor(R"({"dist": "uniform", "low": 0.7, "high": 1})"));
  REQUIRE(s.uncertain.size() == 1);
  CHECK(s.uncertain[0].input == tpw::cost_input::throughput_tok_s);
  CHECK(s.uncertain[0].dist.quantile(0.0) == Approx(0.7 * 5856.9).epsilon(1e-15));
  CHECK(s.uncertain[0].dist.quantile(1.0) == Approx(5856.9).epsilon(1e-15));
  CHECK(s.base[tpw::cost_input::throughput_tok_s] == Approx(0.85 * 5856.9).epsilon(1e-15));
  // Reaching above the best measured point: its 95th percentile is flagged.
  const auto r = io::to_json(io::run_study(
      io::parse_scenario(with_factor(R"({"dist": "uniform", "low": 0.8, "high": 1.2})"))));
  REQUIRE(r["plausibility"]["flags"].size() == 1);
  CHECK(r["plausibility"]["flags"][0]["figure"] == "throughput_tok_s_p95");
  CHECK(r["plausibility"]["flags"][0]["value"].get<double>() ==
        Approx(1.18 * 5856.9).epsilon(1e-12));
  // Refused: a number or reachable values outside (0, 2].
  CHECK(message_of([&] { (void)io::parse_scenario(with_factor("0")); }) ==
        "frontier.throughput_factor = 0: must be in (0, 2]: the share of the frontier's "
        "throughput the deployment reaches");
  CHECK(
      message_of([&] {
        (void)io::parse_scenario(with_factor(R"({"dist": "normal", "mean": 1, "sd": 0.2})"));
      })
          .starts_with("frontier.throughput_factor = \"normal(mean 1, sd 0.2)\": its samples reach "
                       "[-0.6"));
}
