// Untrusted files, round two: what a scenario from someone else can make tpw read, print, write
// or wait for. Files a scenario names stay inside its folder; no message quotes what such a file
// holds; pipes are refused without blocking; outputs are created exclusively inside the named
// folder; programs run by absolute path; work and memory are bounded; exceedances count the
// samples that lack a figure; every message names the key and shows what it quotes visibly.
#include <doctest/doctest.h>

#include "support.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <tpw/curves/frontier.hpp>
#include <tpw/curves/power_cap.hpp>
#include <tpw/io/benchmarks.hpp>
#include <tpw/io/study.hpp>

#include "whatif/app.hpp"

namespace io = tpw::io;
namespace fs = std::filesystem;
using nlohmann::json;
using tpw_test::message_of;
using tpw_test::scratch_dir;

namespace {

// What a secret file holds: no message may ever show it.
constexpr const char* canary = "SECRET-CANARY-7f3a";

// A scenario whose throughput comes from a frontier CSV (or other section) the test names.
json frontier_scenario(const std::string& csv) {
  json j = json::parse(R"({
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "utilization": 0.7},
    "costs": {"energy": {"price_per_kwh": 0.08, "pue": 1.2}}
  })");
  j["frontier"] = {{"csv", csv}, {"min_interactivity_tok_s_user", 20}};
  return j;
}

std::string load_error(const fs::path& scenario_file,
                       io::named_file_reach reach = io::named_file_reach::scenario_folder) {
  return message_of([&] { (void)io::load_scenario(scenario_file, reach); });
}

const char* const good_frontier =
    "interactivity_tok_s_user,throughput_tok_s_gpu\n10,5000\n40,3000\n";

}  // namespace

TEST_CASE("files a scenario names are read only inside its folder, unless the user allows more") {
  const scratch_dir dir("files_reach");
  dir.write("outside/secret.csv", std::string(canary) + "\n1,2\n");
  dir.write("inside/good.csv", good_frontier);
  const auto at = [&](const std::string& csv) {
    return dir.write("inside/s.json", frontier_scenario(csv).dump());
  };
  const std::string rule =
      ": a scenario reads files only inside its own folder (tpw-whatif --allow-outside-files "
      "lifts this for a scenario you trust)";
  // The control: a name inside the folder is read.
  CHECK_NOTHROW((void)io::load_scenario(at("good.csv")));
  const std::string secret = (dir.path / "outside" / "secret.csv").string();
  CHECK(load_error(at(secret)) == "frontier.csv = \"" + secret + "\": is an absolute path" + rule);
  CHECK(load_error(at("../outside/secret.csv")) ==
        "frontier.csv = \"../outside/secret.csv\": climbs out with .." + rule);
  CHECK(load_error(at("/etc/shadow")) ==
        "frontier.csv = \"/etc/shadow\": is an absolute path" + rule);
  // A link inside the folder that leads out of it.
  fs::create_symlink(dir.path / "outside" / "secret.csv", dir.path / "inside" / "link.csv");
  CHECK(load_error(at("link.csv")) ==
        "frontier.csv = \"link.csv\": leads out of the scenario's folder through a symbolic link" +
            rule);
  // A link that stays inside is fine.
  fs::create_symlink(dir.path / "inside" / "good.csv", dir.path / "inside" / "alias.csv");
  CHECK_NOTHROW((void)io::load_scenario(at("alias.csv")));
  // Allowed by the user, the file is read, and its refusal still quotes none of its text.
  const std::string allowed = load_error(at("link.csv"), io::named_file_reach::anywhere);
  CHECK(allowed ==
        dir.path.string() + "/inside/link.csv:2 = 2: cells in this row; the header has 1 columns");
  CHECK(allowed.find(canary) == std::string::npos);
  // A NUL in a name would cut it: refused, shown escaped.
  CHECK(load_error(at(std::string("good.csv\0x", 10))) ==
        "frontier.csv = \"good.csv\\x00x\": holds a control character: a file name has none (a "
        "NUL would cut it)");
  // The same rules for power_cap.csv and frontier.benchmarks.
  json cap = frontier_scenario("good.csv");
  cap.erase("frontier");
  cap["power_cap"] = {{"csv", "../outside/secret.csv"}, {"cap", 500}};
  CHECK(load_error(dir.write("inside/cap.json", cap.dump()))
            .starts_with("power_cap.csv = \"../outside/secret.csv\": climbs out with .."));
  json bench = frontier_scenario("good.csv");
  bench["frontier"] = {{"benchmarks", "/etc"}, {"min_interactivity_tok_s_user", 20}};
  CHECK(load_error(dir.write("inside/bench.json", bench.dump()))
            .starts_with("frontier.benchmarks = \"/etc\": is an absolute path"));
  // A benchmark folder inside, holding a link that leads out.
  fs::create_directories(dir.path / "inside" / "points");
  fs::create_symlink(dir.path / "outside" / "secret.csv",
                     dir.path / "inside" / "points" / "p.json");
  bench["frontier"]["benchmarks"] = "points";
  CHECK(load_error(dir.write("inside/bench.json", bench.dump()))
            .starts_with("frontier.benchmarks = \"" +
                         (dir.path / "inside" / "points" / "p.json").string() +
                         "\": leads out of the scenario's folder through a symbolic link"));
}

TEST_CASE("no message quotes the text of a file a scenario names") {
  // A CSV cell, an unknown header, a benchmark file's strings and its syntax: never echoed.
  const std::string csv_cell = message_of([] {
    (void)tpw::throughput_frontier::from_csv(
        "interactivity_tok_s_user,throughput_tok_s_gpu\n10," + std::string(canary) + "\n", "f.csv");
  });
  CHECK(csv_cell ==
        "f.csv:2 throughput_tok_s_gpu = (not a finite number): must be a finite "
        "decimal number");
  const std::string unknown_column = message_of([] {
    (void)tpw::throughput_frontier::from_csv(
        "interactivity_tok_s_user,throughput_tok_s_gpu," + std::string(canary) + "\n10,5,x\n",
        "f.csv");
  });
  CHECK(unknown_column ==
        "f.csv:2 column 3 = (not a finite number): must be a finite decimal number");
  const std::string power_cap = message_of(
      [] { (void)tpw::power_cap_curve::from_csv(std::string(canary) + ":x:0:0:::\n", "c.csv"); });
  CHECK(power_cap ==
        "c.csv header = (no column power_cap_w): needs columns power_cap_w, "
        "throughput_tok_s_gpu and power_w_gpu");
  const scratch_dir dir("files_quotes");
  const fs::path unterminated = dir.write("b.json", "{\"hw\": \"" + std::string(canary));
  const std::string syntax =
      message_of([&] { (void)io::load_benchmark(unterminated, {}, "b.json"); });
  CHECK(syntax.starts_with("b.json = (not valid JSON): parse error at line 1, column "));
  CHECK(syntax.find(canary) == std::string::npos);
  const fs::path string_value = dir.write("c.json", "\"" + std::string(canary) + "\"");
  const std::string value =
      message_of([&] { (void)io::load_benchmark(string_value, {}, "c.json"); });
  CHECK(value.find(canary) == std::string::npos);
  CHECK(value.find("(a string)") != std::string::npos);
}

TEST_CASE("pipes, folders and devices a scenario names are refused by name without blocking") {
  const scratch_dir dir("files_pipes");
  REQUIRE(::mkfifo((dir.path / "curve.csv").c_str(), 0600) == 0);
  const std::string only_regular =
      ": tpw reads only regular files, so that nothing it is given can block it or feed it without "
      "end";
  // No writer ever opens these pipes: reading them would wait forever.
  CHECK(load_error(dir.write("s.json", frontier_scenario("curve.csv").dump())) ==
        "frontier.csv = \"" + (dir.path / "curve.csv").string() +
            "\": is a pipe (FIFO), not a file" + only_regular);
  fs::create_directories(dir.path / "bench");
  REQUIRE(::mkfifo((dir.path / "bench" / "point.json").c_str(), 0600) == 0);
  CHECK(message_of([&] { (void)io::load_benchmark_folder(dir.path / "bench", {}, "bench"); }) ==
        "frontier.benchmarks = \"bench/point.json\": is a pipe (FIFO), not a file" + only_regular);
  fs::create_directories(dir.path / "folder.csv");
  CHECK(load_error(dir.write("t.json", frontier_scenario("folder.csv").dump())) ==
        "frontier.csv = \"" + (dir.path / "folder.csv").string() + "\": is a folder, not a file" +
            only_regular);
}

TEST_CASE("a folder of benchmark files is bounded in all, as one file is") {
  const scratch_dir dir("files_bench_total");
  // Three files of 6 MiB each (valid JSON padded with spaces): each within the limit, 18 MiB in
  // all above it.
  for (const char* name : {"a.json", "b.json", "c.json"}) {
    dir.write(std::string("bench/") + name, "{}" + std::string(6u << 20, ' '));
  }
  CHECK(message_of([&] { (void)io::load_benchmark_folder(dir.path / "bench", {}, "bench"); }) ==
        "bench = 18874374: bytes in its .json files together, above the 16 MiB limit on input "
        "files that a folder of benchmark files shares");
}

TEST_CASE("keys are checked in linear time: 200,000 keys, the last one given twice") {
  // The quadratic check took about 12 s for 100,000 keys; a hash set takes milliseconds.
  std::string text = "{\"notes\": [], \"x\": {";
  for (int k = 0; k < 200'000; ++k) text += "\"k" + std::to_string(k) + "\": 1, ";
  text += "\"k7\": 2}}";
  CHECK(message_of([&] { (void)io::parse_scenario(text); }) ==
        "x.k7 = (given twice): a key may appear once in an object; the second would silently "
        "replace the first");
}

#if defined(__SANITIZE_ADDRESS__)
#define TPW_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TPW_TEST_ASAN 1
#endif
#endif

TEST_CASE("the memory a Sobol' analysis may take reads the process's own limits") {
#if !defined(TPW_TEST_ASAN)  // AddressSanitizer's shadow memory does not live under ulimit -d
  // In a child process (a limit cannot be raised back): ulimit -d of 1 GiB.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const ::rlimit limit{1u << 30, 1u << 30};
    if (::setrlimit(RLIMIT_DATA, &limit) != 0) ::_exit(2);
    const std::uint64_t available = io::detail::memory_available_to_process();
    ::_exit(available > 0 && available <= (1u << 30) ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
#endif
  // The control: without such a limit, at most the physical memory and more than nothing.
  const std::uint64_t here = io::detail::memory_available_to_process();
  CHECK(here > 0);
  CHECK(here <= io::detail::physical_memory());
}

TEST_CASE("an exceedance on a payback counts the samples that never pay back") {
  // Owned at 3 M a system, earning about 0.8 per GPU-hour against 0.1 of energy: a small yearly
  // margin that never recovers the price within 3 years, in any sample.
  const json never = json::parse(R"({
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "throughput_tok_s": 1000,
                   "utilization": {"dist": "uniform", "low": 0.5, "high": 0.9}},
    "costs": {"hardware": {"price": 3000000, "life_years": 4, "residual_fraction": 0},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2}},
    "revenue": {"price_per_mtok": 0.3},
    "finance": {"operating_years": 3},
    "uncertainty": {"samples": 512, "exceedances": [
      {"figure": "payback_years", "below": 5}, {"figure": "payback_years", "above": 5},
      {"figure": "project_irr", "above": 0.1}]}
  })");
  io::study_options o;
  o.threads = 1;
  const io::study r = io::run_study(io::scenario_from_json(never), o);
  const json report = io::to_json(r);
  const json& e = report["uncertainty"]["exceedances"];
  // P(payback <= 5) is 0, not 100%: a project that never pays back is above every threshold.
  CHECK(e[0]["probability"].get<double>() == 0.0);
  CHECK(e[0]["share_without"].get<double>() == 1.0);
  CHECK(e[1]["probability"].get<double>() == 1.0);
  // Every sample has an IRR here (negative), below the hurdle.
  CHECK(e[2]["probability"].get<double>() == 0.0);
  CHECK(e[2]["share_without"].get<double>() == 0.0);
  // Rented instead: every year's flow is negative, no sample has an IRR, and one without an IRR
  // clears no hurdle, even one of -99%.
  json rented = never;
  rented["costs"]["hardware"] = {{"rental_per_accelerator_hour", 40}};
  rented["uncertainty"]["exceedances"] = {{{"figure", "project_irr"}, {"above", -0.99}}};
  const json e2 =
      io::to_json(io::run_study(io::scenario_from_json(rented), o))["uncertainty"]["exceedances"];
  CHECK(e2[0]["probability"].get<double>() == 0.0);
  CHECK(e2[0]["share_without"].get<double>() == 1.0);
  // The table says so.
  std::ostringstream table;
  tpw_whatif::print_table(table, {r});
  CHECK(table.str().find("P(payback_years <= 5) = 0% (100% never pay back, counted above every "
                         "threshold)") != std::string::npos);
}

TEST_CASE("messages name the key or file and show what they quote visibly, bounded") {
  // A NUL and a right-to-left override in a scenario's value: escaped, the message whole.
  CHECK(message_of([] {
          (void)tpw::throughput_frontier::from_csv(
              "interactivity_tok_s_user,throughput_tok_s_gpu\n10,5000\n40,3000\n",
              std::string("f\0\xE2\x80\xAE.csv", 9));
        }) == "(no error)");
  CHECK(message_of([] {
          (void)tpw::throughput_frontier::from_csv(
              "interactivity_tok_s_user,throughput_tok_s_gpu\n10,5000\n",
              std::string("f\0\xE2\x80\xAE.csv", 9));
        }) == "f\\x00\\u{202E}.csv.points = 1: a frontier needs at least 2 points");
  // A key of a megabyte: cut, with its length.
  const std::string key(1u << 20, 'k');
  const std::string long_key =
      message_of([&] { (void)io::parse_scenario("{\"" + key + "\": 1}"); });
  CHECK(long_key.size() < 1000);
  CHECK(long_key.find("... (1048576 bytes in all)") != std::string::npos);
  // A UTF-8 byte-order mark before a CSV header is skipped; a column given twice is refused.
  CHECK_NOTHROW((void)tpw::throughput_frontier::from_csv(
      "\xEF\xBB\xBF" + std::string(good_frontier), "bom.csv"));
  CHECK(message_of([] {
          (void)tpw::throughput_frontier::from_csv(
              "interactivity_tok_s_user,throughput_tok_s_gpu,throughput_tok_s_gpu\n1,2,3\n",
              "twice.csv");
        }) ==
        "twice.csv:1 header = columns 2 and 3 (throughput_tok_s_gpu): have the same name; a "
        "column is named once, so that no value is silently ignored");
  // A file whose name looks like a field path: its rows are still named by line.
  CHECK(message_of([] {
          (void)tpw::throughput_frontier::from_csv(
              "interactivity_tok_s_user,throughput_tok_s_gpu\n10,5000\n5,4000\n",
              "a.points[x].csv");
        }) ==
        "a.points[x].csv:3 interactivity_tok_s_user = 5: is below the previous point's: sort "
        "the points by increasing interactivity");
  // Numbers no measurement has: refused by the key that holds them.
  json cap = json::parse(R"({
    "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "utilization": 0.7},
    "costs": {"energy": {"price_per_kwh": 0.08, "pue": 1.2}},
    "power_cap": {"points": [[400, 1e-320, 390], [700, 2000, 690]], "cap": 500}
  })");
  CHECK(message_of([&] { (void)io::scenario_from_json(cap); }) ==
        "power_cap.points[0].throughput_tok_s_gpu = 9.99988867182683e-321: must be in [1e-06, 1e9] "
        "tok/s: a measured point (tpw's limits: docs/scenario-limits.md)");
  cap["power_cap"]["points"][0][1] = 1000;
  cap["power_cap"]["overhead_w_per_accelerator"] = 1e6;
  cap["deployment"]["accelerators_per_system"] = 2000;
  CHECK(message_of([&] { (void)io::scenario_from_json(cap); }) ==
        "power_cap.overhead_w_per_accelerator = 1000000.0: with the curve's highest power (700 W) "
        "and 2000 accelerators, a system would draw 2001400 kW, above deployment.it_power_kw's "
        "limit of 1000000 kW");
  cap["deployment"]["accelerators_per_system"] = 72;  // the control: 72,050.4 kW a system
  CHECK_NOTHROW((void)io::scenario_from_json(cap));
  json factor = frontier_scenario("unused.csv");
  factor["frontier"] = {{"points", {{10, 5000}, {40, 3000}}},
                        {"min_interactivity_tok_s_user", 20},
                        {"throughput_factor", {{"dist", "uniform"}, {"low", 1e-12}, {"high", 1}}}};
  CHECK(message_of([&] {
          (void)io::scenario_from_json(factor);
        }).starts_with("frontier.throughput_factor = {"));
  json tokens = frontier_scenario("unused.csv");
  tokens.erase("frontier");
  tokens["deployment"]["throughput_tok_s"] = 1000;
  tokens["workload"] = {{"input_tokens", 1e-320}, {"output_tokens", 1000}};
  CHECK(message_of([&] { (void)io::scenario_from_json(tokens); }) ==
        "workload.input_tokens = 1e-320: must be 0 or at least 1e-06 tokens per "
        "request (tpw's limits: docs/scenario-limits.md)");
}

TEST_CASE("an uncertain time-to-first-token target costs a logarithm of the frontier per sample") {
  // 200,001 points: the least interactivity meeting each limit, found by binary search, is the
  // one a scan of every point finds.
  std::vector<tpw::frontier_point> points;
  const int n = 200'001;
  for (int i = 0; i < n; ++i) {
    const double x = 1.0 + i;
    // TTFT falls from 2000 ms to about 400 ms, then rises again: not monotone.
    const double ttft_ms = i < n / 2 ? 2000.0 - 1600.0 * i / (n / 2) : 400.0 + 0.001 * (i - n / 2);
    points.push_back({tpw::token_rate::from_value(x), tpw::token_rate::from_value(1e6 / x),
                      std::nullopt, ttft_ms * tpw::units::ms});
  }
  const tpw::throughput_frontier f(points, "long");
  const auto from = f.points().front().interactivity;
  for (const double limit : {1999.5, 1500.0, 401.0, 400.0005}) {
    const double x = f.min_interactivity_for_ttft(limit * tpw::units::ms, from, "t").value();
    // The scan's answer: the first point meeting the limit, then bisection before it.
    int first = 0;
    while (points[static_cast<std::size_t>(first)].ttft->value() * 1e3 > limit) ++first;
    CHECK(x > points[static_cast<std::size_t>(first - 1)].interactivity.value());
    CHECK(x <= points[static_cast<std::size_t>(first)].interactivity.value());
  }
  CHECK(message_of([&] {
          (void)f.min_interactivity_for_ttft(100.0 * tpw::units::ms, from, "t");
        }).starts_with("t = 100: no point of long at or above 1 tok/s per user meets it"));
}

TEST_CASE("tpw-whatif writes only inside the named folder, through names no one can plant") {
  const scratch_dir dir("files_outputs");
  const fs::path out = dir.path / "out";
  fs::create_directories(out);
  const fs::path target = dir.write("elsewhere.txt", "keep me");
  // A link planted under the final name is replaced, never followed.
  fs::create_symlink(target, out / "figures.csv");
  // And one under the old fixed temporary name, for good measure.
  fs::create_symlink(target, out / ".figures.csv.part");
  std::ostringstream report;
  std::ostringstream err;
  REQUIRE(tpw_whatif::run_whatif({"--samples", "64", "--csv", out.string()}, report, err) == 0);
  std::stringstream kept;
  kept << std::ifstream(target).rdbuf();
  CHECK(kept.str() == "keep me");
  CHECK(fs::is_regular_file(fs::symlink_status(out / "figures.csv")));
  // No temporary file is left.
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    CHECK((name == ".figures.csv.part" || !name.ends_with(".part")));
  }
  // Two writers of one folder at once both succeed, and the file is one of theirs, whole.
  std::vector<std::thread> writers;
  std::vector<int> failures(2, 0);
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int k = 0; k < 50; ++k) {
        try {
          tpw_whatif::write_file_atomically(out / "same.csv",
                                            std::string(100'000, static_cast<char>('a' + w)));
        } catch (const std::exception&) {
          ++failures[static_cast<std::size_t>(w)];
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  CHECK(failures[0] == 0);
  CHECK(failures[1] == 0);
  std::stringstream same;
  same << std::ifstream(out / "same.csv").rdbuf();
  CHECK(same.str().size() == 100'000);
  CHECK((same.str() == std::string(100'000, 'a') || same.str() == std::string(100'000, 'b')));
}

TEST_CASE("a signal leaves no temporary file behind") {
  const scratch_dir dir("files_signal");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    tpw_whatif::remove_temporary_files_on_signal();
    tpw_whatif::temporary_file part(dir.path / "chart.png");
    part.write("half an image");
    std::raise(SIGINT);
    ::_exit(3);  // not reached: the handler ends the process by the signal
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGINT);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE(
    "programs are run by absolute path: a relative PATH entry cannot pick one from a folder") {
  const scratch_dir dir("files_program");
  const fs::path bin = dir.path / "bin";
  fs::create_directories(bin);
  std::ofstream(bin / "tpw-fake-tool") << "#!/bin/sh\n";
  fs::permissions(bin / "tpw-fake-tool", fs::perms::owner_all);
  const std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  const fs::path here = fs::current_path();
  fs::current_path(dir.path);
  ::setenv("PATH", "bin", 1);
  const std::string found = tpw_whatif::find_program("tpw-fake-tool");
  ::setenv("PATH", saved.c_str(), 1);
  fs::current_path(here);
  // Resolved against the folder the program was started in, now, as an absolute path.
  CHECK(found == (fs::canonical(dir.path) / "bin" / "tpw-fake-tool").string());
  CHECK(fs::path(found).is_absolute());
  CHECK(tpw_whatif::find_program("tpw-no-such-tool").empty());
}
