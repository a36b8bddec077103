// Monte Carlo benchmarks, each against its baseline in the same run:
//   mc_cost_model [N] [PYTHON] [REPEATS]
//                                tpw's engine on the 8-input cost model against the numpy program
//                                bench/mc_cost_numpy.py (same model, same distributions), N samples
//                                (default 10 million), taking turns REPEATS times (default 3),
//                                each tpw run timed after an untimed one, then the same run
//                                summarizing all ten outputs (what tpw-whatif does);
//                                prints time, peak memory, each pair's ratio, the median ratio and
//                                the ratio of the best times.
//   mc_cost_model --sobol        Sobol' indices of the Sobol' G-function, 8 inputs, N = 2^16: time
//                                and the largest error against the analytic indices.
//   mc_cost_model --stream N     N samples (e.g. 1e9) streamed through the cost model: time and
//   peak
//                                memory, which must not grow with N.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/sensitivity.hpp>

#include "../tests/mc_models.hpp"

namespace mc = tpw::mc;

namespace {

double peak_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One numpy run in a child process (its memory is its own): its own timing (seconds, without the
// interpreter's start) and its statistics line, or 0 when it failed.
double numpy_run(std::uint64_t n, const std::string& python, bool print) {
  std::string command = python;  // appended piece by piece: GCC 12's -Wrestrict misfires on +
  command.append(" ").append(TPW_BENCH_DIR).append("/mc_cost_numpy.py ");
  // Its output goes to a scratch file (not the working tree), read back below.
  const std::string out_path =
      (std::filesystem::temp_directory_path() / ("tpw_mc_numpy." + std::to_string(getpid())))
          .string();
  command.append(std::to_string(n)).append(" 42 > ").append(out_path);
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  const double wall = seconds_since(start);
  if (status != 0) {
    std::printf("numpy: the program failed (%s); install python3-numpy\n", command.c_str());
    return 0.0;
  }
  std::FILE* f = std::fopen(out_path.c_str(), "r");
  char line[512] = {};
  if (f && std::fgets(line, sizeof line, f) && print) std::printf("%s", line);
  if (f) std::fclose(f);
  std::filesystem::remove(out_path);
  double seconds = 0.0;
  if (std::sscanf(line, "numpy seconds=%lf", &seconds) != 1) seconds = wall;
  if (print) std::printf("numpy wall with interpreter start: %.3f s\n", wall);
  return seconds;
}

// tpw and numpy take turns, `repeats` times each, so that a busy spell of the machine slows both
// sides of a pair; each pair's ratio is printed, then the median ratio and the ratio of the best
// times.
int cost_model_against_numpy(std::uint64_t n, const std::string& python, int repeats) {
  // GB200 NVL72 on DeepSeek-R1 with the numpy program's eight inputs and distributions.
  const auto model = tpw_test::eight_inputs(false);
  const mc::run_options o = tpw_test::numpy_program_options(n);
  // The same run summarizing all ten outputs, as tpw-whatif does, beside the numpy program's two.
  mc::run_options all = o;
  all.outputs.clear();
  std::vector<double> tpw_times, numpy_times, ratios, all_times;
  for (int rep = 0; rep < repeats; ++rep) {
    // An untimed run first: after numpy's single-threaded seconds the second core has idled, and
    // on these machines a core needs a few hundred milliseconds of work to reach full speed (a
    // first run after idling measured 0.25-0.36 s against 0.22 s right after). numpy's own timing
    // starts warm too, after the interpreter and numpy have loaded.
    (void)mc::run(model, o);
    const auto start = std::chrono::steady_clock::now();
    const auto r = mc::run(model, o);
    const double tpw_seconds = seconds_since(start);
    if (rep == 0) {
      const auto& c = r.output("cost_per_mtok");
      std::printf(
          "tpw   seconds=%.3f peak_mb=%.0f passes=%u outputs=%zu mean=%.6f sd=%.6f p5=%.6f "
          "p50=%.6f p95=%.6f margin_p5=%.6f\n",
          tpw_seconds, peak_mb(), r.passes, r.outputs.size(), c.mean, c.sd, c.quantile(0.05),
          c.quantile(0.5), c.quantile(0.95), r.output("gross_margin").quantile(0.05));
      std::fflush(stdout);
    }
    const auto all_start = std::chrono::steady_clock::now();
    const auto every = mc::run(model, all);
    all_times.push_back(seconds_since(all_start));
    if (rep == 0) {
      std::printf("tpw, all %zu outputs: seconds=%.3f passes=%u\n", every.outputs.size(),
                  all_times.back(), every.passes);
    }
    const double numpy_seconds = numpy_run(n, python, rep == 0);
    if (numpy_seconds <= 0.0) return 1;
    tpw_times.push_back(tpw_seconds);
    numpy_times.push_back(numpy_seconds);
    ratios.push_back(numpy_seconds / tpw_seconds);
    std::printf(
        "run %d: tpw %.3f s (all ten outputs %.3f s, %.2fx), numpy %.3f s, speed-up %.1fx\n",
        rep + 1, tpw_seconds, all_times.back(), all_times.back() / tpw_seconds, numpy_seconds,
        ratios.back());
    std::fflush(stdout);
  }
  std::sort(ratios.begin(), ratios.end());
  const double best_tpw = *std::min_element(tpw_times.begin(), tpw_times.end());
  const double best_numpy = *std::min_element(numpy_times.begin(), numpy_times.end());
  std::printf(
      "speed-up (numpy seconds / tpw seconds), %d runs each: median %.1fx, best against best "
      "%.1fx (%.3f s / %.3f s); target 10x\n",
      repeats, ratios[ratios.size() / 2], best_numpy / best_tpw, best_numpy, best_tpw);
  const double best_all = *std::min_element(all_times.begin(), all_times.end());
  std::printf(
      "all ten outputs against two, best against best: %.2fx (%.3f s / %.3f s); numpy over tpw "
      "with all ten: %.1fx\n",
      best_all / best_tpw, best_all, best_tpw, best_numpy / best_all);
  return 0;
}

int sobol_g_function() {
  const std::vector<double> a{0, 1, 4.5, 9, 99, 99, 99, 99};
  std::vector<mc::uncertain_input> inputs;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string name = "x";  // appended: GCC 12 -O3 -Wrestrict misfires on "x" + string
    name.append(std::to_string(i + 1));
    inputs.push_back({name, mc::distribution::uniform(0, 1)});
  }
  const mc::input_space space(inputs);
  const auto g = [&a](std::span<const double> x) {
    double product = 1.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      product *= (std::abs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
    }
    return product;
  };
  mc::sobol_options o;
  o.base_samples = 1u << 16;
  o.seed = 1;
  const auto start = std::chrono::steady_clock::now();
  const auto r = mc::sobol_analysis(space, g, o);
  const double seconds = seconds_since(start);
  // Baseline, same run: the N (d + 2) model evaluations alone, on one thread, from Philox uniforms.
  const auto bare_start = std::chrono::steady_clock::now();
  double sink = 0.0;
  std::vector<double> x(a.size());
  for (std::uint64_t i = 0; i < o.base_samples * (a.size() + 2); ++i) {
    mc::uniforms(o.seed, i, x.data(), static_cast<std::uint32_t>(x.size()));
    sink += g(x);
  }
  const double bare_seconds = seconds_since(bare_start);
  std::vector<double> v(a.size());
  double all = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    v[i] = 1.0 / (3.0 * (1 + a[i]) * (1 + a[i]));
    all *= 1 + v[i];
  }
  double worst_first = 0.0, worst_total = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    worst_first = std::max(worst_first, std::abs(r[0].indices[i].first - v[i] / (all - 1)));
    worst_total = std::max(worst_total,
                           std::abs(r[0].indices[i].total - v[i] * all / (1 + v[i]) / (all - 1)));
  }
  std::printf(
      "sobol G-function d=8 N=2^16 (%llu model runs, %u bootstrap resamples): %.3f s, "
      "max |error| first %.4f total %.4f, peak %.0f MB\n",
      static_cast<unsigned long long>(o.base_samples * 10), o.bootstrap, seconds, worst_first,
      worst_total, peak_mb());
  std::printf(
      "baseline, the same model runs alone on one thread: %.3f s (checksum %.6g); "
      "analysis / bare evaluations: %.2fx\n",
      bare_seconds, sink, seconds / bare_seconds);
  return 0;
}

int stream(std::uint64_t n) {
  // GB200 NVL72 on DeepSeek-R1 with the numpy program's eight inputs and distributions.
  const auto model = tpw_test::eight_inputs(false);
  mc::run_options o;
  o.samples = n;
  o.seed = 7;
  const auto start = std::chrono::steady_clock::now();
  const auto r = mc::run(model, o);
  const auto& c = r.output("cost_per_mtok");
  std::printf(
      "streamed %llu samples, %zu outputs: %.1f s, %u passes, peak %.0f MB; cost_per_mtok "
      "mean %.6f p5 %.6f p95 %.6f\n",
      static_cast<unsigned long long>(n), r.outputs.size(), seconds_since(start), r.passes,
      peak_mb(), c.mean, c.quantile(0.05), c.quantile(0.95));
  // Baseline: what keeping every sample of the outputs would take (8 bytes each).
  const double kept_mb =
      static_cast<double>(n) * static_cast<double>(r.outputs.size()) * 8.0 / 1048576.0;
  std::printf("keeping the outputs would take %.0f MB: peak / kept = %.5f\n", kept_mb,
              peak_mb() / kept_mb);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string first = argc > 1 ? argv[1] : "";
  if (first == "--sobol") return sobol_g_function();
  if (first == "--stream")
    return stream(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000000ull);
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  return cost_model_against_numpy(n, argc > 2 ? argv[2] : "/usr/bin/python3", repeats);
}
