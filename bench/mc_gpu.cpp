// GPU Monte Carlo benchmark: samples per second of the 8-input cost model with streaming
// statistics (moments, P1..P99 exactly, expected shortfall, an exceedance), tpw::cuda::run against
// the CPU engine mc::run on every core, side by side in one run, for the same seed.
//   bench_mc_gpu [N] [CPU_N]     N GPU samples (default 1e10), CPU_N CPU samples (default 2e7)
// Prints the device, the date, both rates, their ratio and the largest relative difference of
// the statistics at CPU_N samples; then Sobol' indices of all outputs at N = 2^16 base samples
// with 200 bootstrap resamples, tpw::cuda::sobol against mc::sobol_analysis on every core: both
// times and the largest difference of any index or interval bound; without a GPU it says so and
// exits 0. Record a run's output in bench/results/.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "../tests/cuda/gpu_runs.hpp"
#include "../tests/mc_models.hpp"

#include <tpw/mc/sensitivity.hpp>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double worst_difference(const tpw::mc::run_result& a, const tpw::mc::run_result& b) {
  double worst = 0.0;
  const auto relative = [](double x, double y) {
    return std::abs(x - y) / std::max(std::abs(y), 1e-300);
  };
  for (std::size_t k = 0; k < a.outputs.size(); ++k) {
    const auto& x = a.outputs[k];
    const auto& y = b.outputs[k];
    worst = std::max({worst, relative(x.mean, y.mean), relative(x.sd, y.sd),
                      relative(x.expected_shortfall_upper, y.expected_shortfall_upper)});
    for (std::size_t p = 0; p < x.quantiles.size(); ++p) {
      worst = std::max(worst, relative(x.quantiles[p], y.quantiles[p]));
    }
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  const auto gpu_n = static_cast<std::uint64_t>(argc > 1 ? std::atof(argv[1]) : 1e10);
  const auto cpu_n = static_cast<std::uint64_t>(argc > 2 ? std::atof(argv[2]) : 2e7);
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  if (tpw_test::gpu_count() == 0) {
    std::printf("bench_mc_gpu %s: no CUDA device here; nothing measured\n", date);
    return 0;
  }
  const auto model = tpw_test::eight_inputs(false);
  tpw::mc::run_options o;
  o.seed = 42;
  o.probabilities = tpw::mc::percentiles();
  o.exceedances = {{"cost_per_mtok", 0.25, 0.0}};

  // Same run, same seed: the CPU engine on every core, then the GPU at the CPU's N (agreement)
  // and at its own N (rate).
  o.samples = cpu_n;
  auto start = std::chrono::steady_clock::now();
  const auto cpu = tpw::mc::run(model, o);
  const double cpu_seconds = seconds_since(start);
  const auto gpu_same = tpw_test::gpu_run(model.plan(), o);
  o.samples = gpu_n;
  start = std::chrono::steady_clock::now();
  const auto gpu = tpw_test::gpu_run(model.plan(), o);
  const double gpu_seconds = seconds_since(start);

  const double cpu_rate = static_cast<double>(cpu_n) / cpu_seconds;
  const double gpu_rate = static_cast<double>(gpu_n) / gpu_seconds;
  std::printf("bench_mc_gpu %s on %s\n", date, tpw_test::gpu_name().c_str());
  std::printf("cpu engine: %.3g samples in %.2f s = %.3g samples/s\n", static_cast<double>(cpu_n),
              cpu_seconds, cpu_rate);
  std::printf("gpu engine: %.3g samples in %.2f s = %.3g samples/s (%u passes)\n",
              static_cast<double>(gpu_n), gpu_seconds, gpu_rate, gpu.passes);
  std::printf("gpu / cpu samples per second: %.1fx (target: gpu >= 1e10 samples/s on an H100)\n",
              gpu_rate / cpu_rate);
  std::printf("largest relative difference, gpu vs cpu at %.3g samples: %.2e\n",
              static_cast<double>(cpu_n), worst_difference(gpu_same, cpu));
  std::printf("cost_per_mtok at %.3g samples: mean %.6f p5 %.6f p50 %.6f p95 %.6f\n",
              static_cast<double>(gpu_n), gpu.output("cost_per_mtok").mean,
              gpu.output("cost_per_mtok").quantile(0.05), gpu.output("cost_per_mtok").quantile(0.5),
              gpu.output("cost_per_mtok").quantile(0.95));

  // Sobol' indices, the same run: the CPU analysis, then the GPU's.
  tpw::mc::sobol_options so;
  so.base_samples = 1u << 16;
  so.seed = 42;
  start = std::chrono::steady_clock::now();
  const auto cpu_sobol = tpw::mc::sobol_analysis(model.inputs(), model, so, model.output_names());
  const double cpu_sobol_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const auto gpu_sobol = tpw_test::gpu_sobol(model.plan(), so);
  const double gpu_sobol_seconds = seconds_since(start);
  double sobol_worst = 0.0;
  for (std::size_t k = 0; k < cpu_sobol.size(); ++k) {
    for (std::size_t j = 0; j < cpu_sobol[k].indices.size(); ++j) {
      const auto& a = gpu_sobol[k].indices[j];
      const auto& b = cpu_sobol[k].indices[j];
      sobol_worst =
          std::max({sobol_worst, std::abs(a.first - b.first), std::abs(a.total - b.total),
                    std::abs(a.first_low - b.first_low), std::abs(a.first_high - b.first_high),
                    std::abs(a.total_low - b.total_low), std::abs(a.total_high - b.total_high)});
    }
  }
  std::printf(
      "sobol indices, N = 2^16, 8 inputs, %zu outputs, %u resamples: cpu %.3f s, gpu %.3f "
      "s (%.1fx); largest difference %.2e (target: <= 1e-9)\n",
      cpu_sobol.size(), so.bootstrap, cpu_sobol_seconds, gpu_sobol_seconds,
      cpu_sobol_seconds / gpu_sobol_seconds, sobol_worst);
  return 0;
}
