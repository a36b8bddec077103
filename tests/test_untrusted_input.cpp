// Untrusted scenario files, paths and outputs: what a hostile or careless user can send to
// tpw::io and tpw-whatif. No command runs through --charts; every figure of a report is finite
// and no cost line negative, or the input is refused with its path; reading is bounded; every
// size is checked against memory; write failures are errors; messages say what they mean.
#include <doctest/doctest.h>

#include "support.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <tpw/format.hpp>
#include <tpw/io/study.hpp>
#include <tpw/site/site.hpp>

#include "whatif/app.hpp"

namespace io = tpw::io;
namespace fs = std::filesystem;
using nlohmann::json;
using tpw_test::message_of;
using tpw_test::scratch_dir;

namespace {

// A rented, colocated deployment (the same as test_io.cpp's), one of its inputs uncertain.
const char* const base_scenario = R"({
  "name": "by hand",
  "deployment": {"accelerators_per_system": 8, "it_power_kw": 10,
                 "utilization": {"dist": "uniform", "low": 0.5, "high": 0.9},
                 "throughput_tok_s": 1000},
  "costs": {
    "hardware": {"rental_per_accelerator_hour": 2.0},
    "facility": {"colocation_per_kw_month": 150},
    "energy": {"price_per_kwh": 0.10, "pue": 1.25}
  },
  "revenue": {"price_per_mtok": 4.0},
  "uncertainty": {"samples": 2000, "sensitivity": ["tornado"]}
})";

// An owned deployment with a built facility, for the finance inputs.
const char* const owned_scenario = R"({
  "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "utilization": 0.7,
                 "throughput_tok_s": 1000},
  "costs": {"cost_of_capital": 0.08,
            "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0.1},
            "facility": {"build_per_mw": 10000000, "life_years": 15},
            "energy": {"price_per_kwh": 0.10, "pue": 1.25}}
})";

std::string edited(const char* scenario, const std::string& pointer, const std::string& value) {
  json j = json::parse(scenario);
  j[json::json_pointer(pointer)] = json::parse(value);
  return j.dump();
}

// One thread, and a memory limit when given.
io::study_options one_thread(std::uint64_t memory_limit = 0) {
  io::study_options o;
  o.threads = 1;
  o.memory_limit = memory_limit;
  return o;
}

std::string refusal(const std::string& text) {
  return message_of([&] { (void)io::run_study(io::parse_scenario(text), one_thread()); });
}

struct program_run {
  int status;
  std::string out;
  std::string err;
  std::string fd1;  // what reached the process's real stdout (a child's output would)
};

// Runs tpw-whatif with the process's stdout (file descriptor 1) caught in a file, so that any
// output of a child process that would reach the user's terminal or pipe is seen.
program_run whatif(const std::vector<std::string>& args, const fs::path& scratch) {
  std::ostringstream out;
  std::ostringstream err;
  const fs::path caught = scratch / "fd1.txt";
  std::fflush(stdout);
  const int saved = ::dup(1);
  const int file = ::open(caught.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(file, 1);
  ::close(file);
  const int status = tpw_whatif::run_whatif(args, out, err);
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::ifstream in(caught);
  std::stringstream fd1;
  fd1 << in.rdbuf();
  return {status, out.str(), err.str(), fd1.str()};
}

bool have_gnuplot() {
  return !tpw_whatif::find_program("gnuplot").empty();
}

// PATH with a folder first, for the duration of a test.
struct path_prefix {
  std::string saved;
  explicit path_prefix(const fs::path& dir)
      : saved(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", (dir.string() + ":" + saved).c_str(), 1);
  }
  ~path_prefix() { ::setenv("PATH", saved.c_str(), 1); }
  path_prefix(const path_prefix&) = delete;
  path_prefix& operator=(const path_prefix&) = delete;
};

// A stand-in gnuplot: a shell script with the given body.
void fake_gnuplot(const fs::path& dir, const std::string& body) {
  fs::create_directories(dir);
  std::ofstream(dir / "gnuplot") << "#!/bin/sh\n" << body << "\n";
  fs::permissions(dir / "gnuplot", fs::perms::owner_all);
}

}  // namespace

TEST_CASE("--charts runs no command from a hostile scenario name (security)") {
  if (!have_gnuplot()) {
    MESSAGE("gnuplot is not installed: the chart security test is skipped");
    return;
  }
  const scratch_dir dir("untrusted_name");
  const std::string marker = (dir.path / "pwned").string();
  // Backquotes, $( ), a quote that would close a single-quoted string, gnuplot's system(), a
  // macro, a newline and a terminal escape.
  const std::string name = "`touch " + marker + "1` $(touch " + marker + "2) '; system('touch " +
                           marker + "3'); print ' @x\n!touch " + marker + "4\n\x1b[31m";
  json j = json::parse(base_scenario);
  j["name"] = name;
  const std::string file = dir.write("hostile.json", j.dump());
  const program_run run =
      whatif({"--scenario", file, "--charts", (dir.path / "c").string()}, dir.path);
  CHECK(run.status == 0);
  CHECK(run.err.find("chart files in") != std::string::npos);
  for (const char* k : {"1", "2", "3", "4"}) CHECK_FALSE(fs::exists(marker + k));
  CHECK(fs::file_size(dir.path / "c" / "tornado_1.png") > 500);
  // The terminal never receives the escape: the table shows it as '?'.
  CHECK(run.out.find('\x1b') == std::string::npos);
}

TEST_CASE("--charts runs no command from a hostile charts path (security)") {
  if (!have_gnuplot()) {
    MESSAGE("gnuplot is not installed: the chart security test is skipped");
    return;
  }
  const scratch_dir dir("untrusted_path");
  const std::string file = dir.write("s.json", base_scenario);
  const std::string marker = (dir.path / "pwned").string();
  // A shell substitution, and a leading '|' and '<' that gnuplot's output and plot commands
  // would treat as pipes if a path reached them.
  for (const std::string& charts : {(dir.path / ("c_$(touch " + marker + "1)")).string(),
                                    (dir.path / ("c_`touch " + marker + "2`")).string(),
                                    "|touch " + marker + "3", "<touch " + marker + "4"}) {
    CAPTURE(charts);
    const fs::path cwd = fs::current_path();
    fs::current_path(dir.path);  // relative paths land in the scratch folder
    const program_run run = whatif({"--scenario", file, "--charts", charts}, dir.path);
    fs::current_path(cwd);
    CHECK(run.status == 0);
  }
  for (const char* k : {"1", "2", "3", "4"}) CHECK_FALSE(fs::exists(marker + k));
}

TEST_CASE("--json --charts prints only JSON: gnuplot's output never reaches stdout") {
  if (!have_gnuplot()) {
    MESSAGE("gnuplot is not installed: the test is skipped");
    return;
  }
  const scratch_dir dir("untrusted_json");
  // A constant cost per Mtok (only the price is uncertain): gnuplot would warn of an empty range.
  json j = json::parse(edited(base_scenario, "/deployment/utilization", "0.7"));
  j["revenue"]["price_per_mtok"] = json::parse(R"({"dist": "uniform", "low": 3, "high": 5})");
  const std::string constant = dir.write("constant.json", j.dump());
  const program_run run =
      whatif({"--scenario", constant, "--json", "--charts", (dir.path / "c").string()}, dir.path);
  CHECK(run.status == 0);
  CHECK(run.fd1.empty());
  CHECK(json::parse(run.out).is_object());
  // The constant figure still draws a distribution chart, one narrow bin.
  CHECK(fs::file_size(dir.path / "c" / "distribution_1.png") > 500);
  CHECK(fs::file_size(dir.path / "c" / "distribution_1.svg") > 500);
}

TEST_CASE("--charts with one sample draws every chart") {
  if (!have_gnuplot()) {
    MESSAGE("gnuplot is not installed: the test is skipped");
    return;
  }
  const scratch_dir dir("untrusted_one");
  const std::string file = dir.write("s.json", base_scenario);
  const program_run run = whatif(
      {"--scenario", file, "--samples", "1", "--charts", (dir.path / "c").string()}, dir.path);
  CHECK(run.status == 0);
  for (const char* stem : {"cost_breakdown", "tornado_1", "distribution_1"}) {
    CAPTURE(stem);
    CHECK(fs::file_size(dir.path / "c" / (std::string(stem) + ".png")) > 500);
  }
}

TEST_CASE("--charts failures: checked before the run, and a failed drawing is an error") {
  const scratch_dir dir("untrusted_failures");
  const std::string file = dir.write("s.json", base_scenario);

  SUBCASE("a folder that cannot be made: exit 2 before the run, naming --charts") {
    if (!have_gnuplot()) return;
    const std::string blocker = dir.write("a_file", "x");
    const program_run run = whatif({"--scenario", file, "--charts", blocker + "/c"}, dir.path);
    CHECK(run.status == 2);
    CHECK(run.err.starts_with("tpw-whatif: --charts " + blocker + "/c: "));
    CHECK(run.out.empty());  // nothing ran
  }
  SUBCASE("a folder that cannot be written: exit 2 before the run") {
    if (!have_gnuplot() || ::geteuid() == 0) return;  // root writes anywhere
    fs::create_directories(dir.path / "ro");
    fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    const program_run run =
        whatif({"--scenario", file, "--charts", (dir.path / "ro").string()}, dir.path);
    CHECK(run.status == 2);
    CHECK(run.err.find("cannot write there") != std::string::npos);
  }
  SUBCASE("no gnuplot: exit 2 before the run") {
    const path_prefix only_empty(dir.path / "empty");
    ::setenv("PATH", (dir.path / "empty").c_str(), 1);
    const program_run run =
        whatif({"--scenario", file, "--charts", (dir.path / "c").string()}, dir.path);
    CHECK(run.status == 2);
    CHECK(run.err.starts_with("tpw-whatif: --charts needs gnuplot on the PATH"));
    CHECK(run.out.empty());
  }
  // tpw-whatif --charts dir/c with a stand-in gnuplot first on the PATH.
  const fs::path charts = dir.path / "c";
  const auto with_gnuplot = [&](const std::string& body) {
    fake_gnuplot(dir.path / "bin", body);
    const path_prefix first(dir.path / "bin");
    return whatif({"--scenario", file, "--charts", charts.string()}, dir.path);
  };
  SUBCASE("gnuplot fails: exit 1, the image named, gnuplot's message, no image left") {
    const program_run run = with_gnuplot("echo 'line 3: something broke' >&2; exit 1");
    CHECK(run.status == 1);
    CHECK(run.err == "tpw-whatif: --charts: gnuplot could not draw " +
                         (charts / "cost_breakdown.png").string() + ": line 3: something broke\n");
    CHECK_FALSE(fs::exists(charts / "cost_breakdown.png"));
    CHECK_FALSE(fs::exists(charts / ".cost_breakdown.png.part"));
    CHECK(run.fd1.empty());
  }
  SUBCASE("gnuplot writes nothing (a full disk): exit 1, the image named, none left empty") {
    const program_run run = with_gnuplot("exit 0");
    CHECK(run.status == 1);
    CHECK(run.err == "tpw-whatif: --charts: cannot write " +
                         (charts / "cost_breakdown.png").string() +
                         " (gnuplot left it empty: is the disk full?)\n");
    CHECK_FALSE(fs::exists(charts / "cost_breakdown.png"));
  }
}

TEST_CASE("a report that cannot be written to stdout is an error") {
  std::ostringstream out;
  std::ostringstream err;
  out.setstate(std::ios::badbit);  // as a full disk or a closed pipe leaves std::cout
  const scratch_dir dir("untrusted_stdout");
  const std::string file = dir.write("s.json", base_scenario);
  CHECK(tpw_whatif::run_whatif({"--scenario", file}, out, err) == 1);
  CHECK(err.str() == "tpw-whatif: cannot write the report to standard output\n");
}

TEST_CASE("inputs whose figures would overflow or underflow are refused with their path") {
  CHECK(refusal(edited(base_scenario, "/deployment/utilization", "1e-320")) ==
        "deployment.utilization = 9.99988867182683e-321: must be in [1e-06, 1] (tpw's limits: "
        "docs/scenario-limits.md)");
  CHECK(
      refusal(edited(owned_scenario, "/costs/hardware/life_years", "1e-320"))
          .starts_with("costs.hardware.life_years = 9.99988867182683e-321: must be in [0.1, 100]"));
  CHECK(refusal(edited(base_scenario, "/costs/energy/price_per_kwh", "1e300"))
            .starts_with("costs.energy.price_per_kwh = 1e+300: must be in [0, 1000000]"));
  CHECK(refusal(edited(base_scenario, "/deployment/throughput_tok_s", "1e308"))
            .starts_with("deployment.throughput_tok_s = 1e+308: must be in [1e-06, 1000000000]"));
  CHECK(refusal(edited(base_scenario, "/costs/energy/pue", "1e300"))
            .starts_with("costs.energy.pue = 1e+300: must be in [1, 10]"));
  // An uncertain input whose samples could reach such values: the reachable range is named.
  CHECK(
      refusal(edited(base_scenario, "/deployment/throughput_tok_s",
                     R"({"dist": "lognormal", "median": 1000, "sigma": 1000})"))
          .starts_with("deployment.throughput_tok_s = \"lognormal(median 1000, sigma 1000)\": "
                       "its samples reach [0, inf], below the allowed range [1e-06, 1000000000]"));
  // A normal whose samples stay positive (8.2 sd from the mean is the farthest a sample goes) is
  // accepted on a positive input.
  CHECK(refusal(edited(base_scenario, "/deployment/it_power_kw",
                       R"({"dist": "normal", "mean": 10.2, "sd": 0.4})")) == "(no error)");
  CHECK(refusal(edited(base_scenario, "/deployment/it_power_kw",
                       R"({"dist": "normal", "mean": 10.2, "sd": 2})"))
            .starts_with("deployment.it_power_kw = \"normal(mean 10.2, sd 2)\": its samples reach "
                         "[-6.2"));
  // At the limits every figure is finite, and the numbers print in a readable form.
  json extreme = json::parse(base_scenario);
  extreme["deployment"] = {{"accelerators_per_system", 1000000},
                           {"it_power_kw", 0.001},
                           {"utilization", 1e-6},
                           {"throughput_tok_s", 1e-6}};
  extreme["costs"]["energy"] = {{"price_per_kwh", 1e6}, {"pue", 10}};
  extreme["costs"]["hardware"] = {{"rental_per_accelerator_hour", 1e6}};
  const io::study r = io::run_study(io::parse_scenario(extreme.dump()), one_thread());
  const json report = io::to_json(r);
  CHECK(std::isfinite(report["cost_per_mtok"]["total"].get<double>()));
  CHECK(report["cost_per_mtok"]["total"].get<double>() > 1e20);
  std::ostringstream table;
  tpw_whatif::print_table(table, {r});
  CHECK(table.str().find("e+") != std::string::npos);
  std::string text = table.str();
  for (auto at = text.find("inferencex"); at != std::string::npos; at = text.find("inferencex")) {
    text.erase(at, 10);  // the data vintage's name, not a number
  }
  CHECK(text.find("inf") == std::string::npos);
  CHECK(tpw::format_number(3.6e27) == "3.60e+27");
  CHECK(tpw::format_number(1.5e-9) == "1.50e-09");
  CHECK(tpw::format_number(2.5e14) == "250 T");
}

TEST_CASE("a report with a non-finite figure is refused, never written with null or inf") {
  io::study r = io::run_study(io::parse_scenario(owned_scenario), one_thread());
  r.point.tokens_per_joule = tpw::tokens_per_energy::from_value(tpw_test::infinity);
  CHECK(message_of([&] { (void)io::to_json(r); }) ==
        "tokens_per_joule = inf: a report figure must be finite; the scenario's inputs give none "
        "here");
}

TEST_CASE("site counts never overflow: the ceiling is bounded and counts are checked") {
  CHECK(refusal(edited(base_scenario, "/site", R"({"power_mw": 1e17})")) ==
        "site.power_mw = 1e+17: must be at most 1000000 MW (tpw's limits: "
        "docs/scenario-limits.md)");
  CHECK(refusal(edited(base_scenario, "/site", R"({"power_mw": 1e19})"))
            .starts_with("site.power_mw = 1e+19: must be at most 1000000 MW"));
  // The largest site with the smallest system: 1e12 systems of a million accelerators each would
  // be 1e18 accelerators; counted exactly.
  json big = json::parse(base_scenario);
  big["deployment"]["it_power_kw"] = 0.001;
  big["deployment"]["accelerators_per_system"] = 1000;
  big["costs"]["energy"]["pue"] = 1.0;
  big["site"] = {{"power_mw", 1e6}};
  const io::study r = io::run_study(io::parse_scenario(big.dump()), one_thread());
  CHECK(r.site.systems == 1'000'000'000'000);
  CHECK(r.site.accelerators == 1'000'000'000'000'000);
  CHECK(r.site.stranded_power.value() >= 0.0);
  CHECK(r.site.cost_per_year.value() > 0.0);
  // The library's own check, for a caller that builds a site by hand.
  using namespace tpw::units;
  CHECK(message_of([] {
          (void)tpw::systems_that_fit(1e300 * W, 1.0 * W);
        }).starts_with("site.power_mw = 1e+294: fits 1e+300 systems, more than can be counted"));
}

TEST_CASE("a negative cost line is refused: a residual worth more than the price") {
  // (1 + r)^L = 0.55^4 = 0.0915: a residual of 10% would be worth more than the price.
  CHECK(refusal(edited(owned_scenario, "/costs/cost_of_capital", "-0.45"))
            .starts_with("costs.hardware.residual_fraction = 0.1: is worth more than the price at "
                         "a cost of capital of -0.45 over 4 years"));
  json no_residual = json::parse(edited(owned_scenario, "/costs/cost_of_capital", "-0.6"));
  no_residual["costs"]["hardware"]["residual_fraction"] = 0;
  CHECK(refusal(no_residual.dump())
            .starts_with("costs.cost_of_capital = -0.6: must be in [-0.5, 1]"));
  // With the cost of capital uncertain, the lowest rate it can reach counts.
  CHECK(refusal(edited(owned_scenario, "/costs/cost_of_capital",
                       R"({"dist": "uniform", "low": -0.5, "high": 0.1})"))
            .starts_with("costs.hardware.residual_fraction = 0.1: can be worth more than the "
                         "price"));
  // A mildly negative real rate with a small residual is fine, and the line stays positive.
  const io::study r = io::run_study(
      io::parse_scenario(edited(owned_scenario, "/costs/cost_of_capital", "-0.02")), one_thread());
  CHECK(r.point.cost_per_token.hardware.value() > 0.0);
}

TEST_CASE("scenario files are read with a size limit; folders and devices are named") {
  const scratch_dir dir("untrusted_files");
  const std::string only_regular =
      ": tpw reads only regular files, so that nothing it is given can block it or feed it "
      "without end";
  CHECK(message_of([&] { (void)io::load_scenario(dir.path); }) ==
        "scenario = \"" + dir.path.string() + "\": is a folder, not a file" + only_regular);
  CHECK(message_of([] { (void)io::load_scenario("/dev/zero"); }) ==
        "scenario = \"/dev/zero\": is a device or special file, not a file" + only_regular);
  CHECK(message_of([&] { (void)io::load_scenario(dir.path / "none.json"); })
            .starts_with("scenario = \"" + (dir.path / "none.json").string() +
                         "\": cannot be opened for reading"));
  // 17 MiB of spaces around a valid scenario: refused by its size, before it is read.
  std::string big(17u << 20, ' ');
  big.append(base_scenario);
  const std::string file = dir.write("big.json", big);
  CHECK(message_of([&] { (void)io::load_scenario(file); }) ==
        "scenario = \"" + file + "\": is " + std::to_string(big.size()) +
            " bytes, above the 16 MiB limit on input files");
  // A pipe is refused by name without waiting for a writer (with none, reading would block).
  const fs::path fifo = dir.path / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(message_of([&] { (void)io::load_scenario(fifo); }) ==
        "scenario = \"" + fifo.string() + "\": is a pipe (FIFO), not a file" + only_regular);
  // A text file read through the same checks.
  CHECK(io::read_text_file(dir.write("ok.csv", "a,b\n1,2\n"), "curve") == "a,b\n1,2\n");
  CHECK(message_of([&] { (void)tpw::parse_csv(std::string((16u << 20) + 1, ' '), "c.csv"); }) ==
        "c.csv = 16777217: bytes: above the 16 MiB limit on curve files");
}

TEST_CASE("a Sobol' analysis larger than memory is refused before anything runs") {
  io::scenario s = io::parse_scenario(base_scenario);
  s.sobol = true;
  s.sobol_samples = 100'000'000;
  // One uncertain input, 13 outputs (the cost model's 10, the site's tokens, cost and revenue a
  // year), 1 thread: 8 * (3 * 13 + 1) = 320 bytes per base sample.
  CHECK(message_of([&] { (void)io::run_study(s, one_thread(1'000'000'000)); }) ==
        "uncertainty.sobol_samples = 100000000: the Sobol' analysis would need about 32 GB "
        "(320 bytes per base sample), above the 1 GB this process may use (physical memory, ulimit "
        "and cgroup limits); "
        "use at most "
        "3125000");
  s.sobol_samples = 4096;
  CHECK(io::run_study(s, one_thread(1'000'000'000)).sobol.size() == 13);
}

TEST_CASE("distributions whose samples could be NaN or leave the rule are refused up front") {
  using tpw::mc::distribution;
  CHECK(message_of([] { (void)distribution::beta(1e-300, 1.0, 0.0, 1.0, "x"); }) ==
        "x.alpha = 1e-300: a beta shape must be in [0.01, 1000000]");
  CHECK(message_of([] { (void)distribution::beta(2.0, 1e300, 0.0, 1.0, "x"); }) ==
        "x.beta = 1e+300: a beta shape must be in [0.01, 1000000]");
  CHECK(message_of([] {
          (void)distribution::uniform(-1e308, 1e308, "x");
        }).starts_with("x.high = 1e+308: high - low must be a finite number"));
  // The reachable range: the inverse CDF at the extreme uniforms 2^-53 and 1 - 2^-53.
  const distribution n = distribution::normal(10.2, 0.4);
  CHECK(n.reachable_low() == doctest::Approx(10.2 - 0.4 * 8.2095).epsilon(1e-4));
  CHECK(n.reachable_high() == doctest::Approx(10.2 + 0.4 * 8.2095).epsilon(1e-4));
  CHECK(distribution::uniform(1, 2).reachable_low() == 1.0);
  CHECK(std::isinf(distribution::lognormal(1, 1000).reachable_high()));
  // A beta over a utilization reaches 0: refused.
  CHECK(refusal(edited(base_scenario, "/deployment/utilization",
                       R"({"dist": "beta", "alpha": 2, "beta": 5})"))
            .starts_with("deployment.utilization = \"beta(alpha 2, beta 5, low 0, high 1)\": "
                         "its samples reach [0, 1], below the allowed range [1e-06, 1]"));
}

TEST_CASE("messages say what they mean") {
  // A value just past a bound is shown exactly, never as the bound.
  CHECK(refusal(edited(base_scenario, "/deployment/utilization", "1.0000000000000002")) ==
        "deployment.utilization = 1.0000000000000002: must be a fraction in [0, 1]");
  // A frontier's SLO is named as the file names it.
  CHECK(refusal(edited(base_scenario, "/frontier",
                       R"({"points": [[10, 900], [50, 600]], "min_interactivity_tok_s_user": 80})"))
            .find("frontier.min_interactivity_tok_s_user = 80: is unreachable") !=
        std::string::npos);
  // The file takes every seed --seed takes.
  CHECK(
      io::parse_scenario(edited(base_scenario, "/uncertainty/seed", "18446744073709551615")).seed ==
      18446744073709551615ull);
  CHECK(tpw_whatif::parse_arguments({"--seed", "18446744073709551615"}).seed ==
        18446744073709551615ull);
  std::ostringstream out;
  std::ostringstream err;
  CHECK(tpw_whatif::run_whatif({"--seed", " -1"}, out, err) == 2);
  CHECK(err.str() ==
        "tpw-whatif: --seed =  -1: must be a whole number in [0, "
        "18446744073709551615]\n");
  CHECK(tpw_whatif::run_whatif({"--samples", "+5"}, out, err) == 2);
  // A key given twice is refused with its path, at any depth.
  CHECK(message_of([] {
          (void)io::parse_scenario(R"({"costs": {"energy": {"pue": 1.2, "pue": 1.5}}})");
        }) ==
        "costs.energy.pue = (given twice): a key may appear once in an object; the second "
        "would silently replace the first");
  CHECK(message_of([] {
          (void)io::parse_scenario(R"({"name": "a", "name": "b"})");
        }).starts_with("name = (given twice)"));
  CHECK(message_of([] {
          (void)io::parse_scenario(R"({"frontier": {"points": [[1, 2], {"a": 1, "a": 2}]}})");
        }).starts_with("frontier.points[1].a = (given twice)"));
  // Names in the table: cut between characters, never inside one; control characters shown as ?.
  CHECK(tpw_whatif::display_name("GB300 über alles, fast", 8) == "GB300 üb");
  CHECK(tpw_whatif::display_name("日本語のシナリオ名です", 4, true) == "日本語の");
  CHECK(tpw_whatif::display_name("a\x1b[31mb\n\xc2\x9b", 16, true) == "a?[31mb??       ");
}
