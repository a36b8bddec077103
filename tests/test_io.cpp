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

// A scratch folder under the system's temporary directory, removed at the end of the test.
struct scratch_dir {
  std::filesystem::path path;
  explicit scratch_dir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("tpw_test_io_" + name)) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() { std::filesystem::remove_all(path); }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

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
  for (std::size_t k = 0; k < cpu.statistics->outputs.size(); ++k) {
    const auto& a = hooked.statistics->outputs[k];
    const auto& b = cpu.statistics->outputs[k];
    CAPTURE(b.name);
    CHECK(a.quantiles == b.quantiles);
    CHECK(a.mean == Approx(b.mean).epsilon(1e-12));
    CHECK(a.sd == Approx(b.sd).epsilon(1e-12));
  }
  REQUIRE(hooked.sobol.size() == cpu.sobol.size());
  for (std::size_t k = 0; k < cpu.sobol.size(); ++k) {
    CAPTURE(cpu.sobol[k].output);
    CHECK(hooked.sobol[k].output == cpu.sobol[k].output);
    CHECK(std::abs(hooked.sobol[k].indices[0].first - cpu.sobol[k].indices[0].first) < 1e-9);
    CHECK(std::abs(hooked.sobol[k].indices[0].total_high - cpu.sobol[k].indices[0].total_high) <
          1e-9);
  }
}

TEST_CASE("bad scenario values are refused with the field's path, the value and the rule") {
  CHECK(parse_error(edited("/costs/energy/pue", "0.9")) ==
        "costs.energy.pue = 0.9: a PUE is facility power over IT power: finite and >= 1");
  CHECK(parse_error(edited("/deployment/utilisation", "0.7")) ==
        "deployment.utilisation = 0.7: unknown key; deployment takes accelerators_per_system, "
        "systems, it_power_kw, idle_power_kw, provisioned_power_kw, utilization, "
        "throughput_tok_s");
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
        "(or give a frontier)");
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
        "scenario = (nested deeper than 32): a scenario file is a few levels deep; this is not "
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
  REQUIRE(report.size() == 5);
  for (const json& r : report) {
    CAPTURE(r["name"].get<std::string>());
    for (const char* key :
         {"name", "cost_per_mtok", "cost_per_accelerator_hour", "tokens_per_joule",
          "joules_per_token", "tokens_per_s_per_mw", "revenue_per_mw_year", "gross_margin",
          "energy_share_of_opex", "energy_share_of_cost", "site", "uncertainty"}) {
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
  }
  // GB300 NVL72 by hand: 72 GPUs, 135 kW and 3.5 M USD per rack (catalog), 6,000 tok/s, PUE
  // 1.15, utilization at the median of triangular(0.5, 0.7, 0.85): 0.5 + sqrt(0.5 * 0.35 * 0.2).
  const json& gb300 = report[3];
  REQUIRE(gb300["platform"] == "gb300-nvl72");
  const double u = 0.5 + std::sqrt(0.035);
  const double crf = 0.08 / (1 - std::pow(1.08, -4.0));
  const double hardware_hourly = 3.5e6 / 72 * crf / 8760;
  CHECK(gb300["cost_per_mtok"]["hardware"].get<double>() ==
        Approx(hardware_hourly / (6000 * 3600 * u / 1e6)).epsilon(1e-12));
  CHECK(gb300["tokens_per_s_per_mw"].get<double>() ==
        Approx(6000e6 / (135e3 / 72 * 1.15)).epsilon(1e-12));
  // 100 MW / (135 kW * 1.15) = 644.1: 644 racks.
  CHECK(gb300["site"]["systems"] == 644);
  CHECK(gb300["site"]["accelerators"] == 644 * 72);
}

TEST_CASE("tpw-whatif: scenario files side by side, bad files and arguments exit non-zero") {
  const scratch_dir dir("cli");
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

TEST_CASE("tpw-whatif --charts writes every chart, non-empty, when gnuplot is there") {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) {
    MESSAGE("gnuplot is not installed: the chart test is skipped");
    return;
  }
  const scratch_dir dir("charts");
  const std::string frontier = dir.write("frontier.json", R"({
    "name": "GB300 at 50 tok/s/user",
    "platform": "gb300-nvl72",
    "deployment": {"utilization": {"dist": "triangular", "low": 0.5, "mode": 0.7, "high": 0.85}},
    "costs": {"hardware": {"life_years": 4}, "energy": {"price_per_kwh": 0.08, "pue": 1.15}},
    "frontier": {"points": [[10, 9000], [50, 6000], [100, 2000]],
                 "min_interactivity_tok_s_user": 50},
    "uncertainty": {"samples": 20000, "sensitivity": ["tornado"]}
  })");
  const std::string charts = (dir.path / "charts").string();
  const program_run run = whatif({"--scenario", frontier, "--charts", charts});
  REQUIRE(run.status == 0);
  for (const char* stem : {"cost_breakdown", "tornado_1", "distribution_1", "frontier_1"}) {
    for (const char* ext : {".png", ".svg", ".gp"}) {
      const auto file = std::filesystem::path(charts) / (std::string(stem) + ext);
      CAPTURE(file.string());
      REQUIRE(std::filesystem::exists(file));
      CHECK(std::filesystem::file_size(file) > 500);
    }
  }
}
