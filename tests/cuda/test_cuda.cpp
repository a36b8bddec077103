// The GPU engine against the CPU engine, for the same plan, sample count, seed and design:
// identical uniforms bit for bit, statistics equal to 1e-12 relative, quantiles exact up to the
// last bits of each sample (the device's libm may differ from the host's by an ulp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <tpw/mc/composed_model.hpp>
#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/sensitivity.hpp>

#include "../mc_models.hpp"
#include "gpu_runs.hpp"

namespace mc = tpw::mc;

namespace {

double relative(double a, double b) {
  return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

// The largest relative difference between two runs' means, sds and quantiles, figure by figure
// (the same figures, by name, in the same order).
double worst_difference(const mc::run_result& gpu, const mc::run_result& cpu) {
  REQUIRE(gpu.outputs.size() == cpu.outputs.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
    const auto& a = gpu.outputs[k];
    const auto& b = cpu.outputs[k];
    CHECK(a.name == b.name);
    worst = std::max({worst, relative(a.mean, b.mean), relative(a.sd, b.sd)});
    for (std::size_t p = 0; p < b.quantiles.size(); ++p) {
      worst = std::max(worst, relative(a.quantiles[p], b.quantiles[p]));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("the GPU draws the CPU's uniforms, bit for bit, in every design") {
  for (const auto kind :
       {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube, mc::design_kind::sobol}) {
    CAPTURE(mc::to_string(kind));
    const std::uint64_t n = 100'000;
    const std::uint32_t d = 8;
    const auto gpu = tpw_test::gpu_uniforms(kind, n, d, 42);
    const mc::sample_design cpu(kind, n, d, 42);
    bool same = true;
    for (std::uint64_t i = 0; i < n; ++i) {
      for (std::uint32_t j = 0; j < d; ++j) same = same && gpu[i * d + j] == cpu.uniform(i, j);
    }
    CHECK(same);
  }
}

TEST_CASE("the GPU engine gives the CPU engine's statistics for the same seed") {
  for (const bool correlated : {false, true}) {
    for (const auto kind :
         {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube, mc::design_kind::sobol}) {
      CAPTURE(correlated);
      CAPTURE(mc::to_string(kind));
      const auto model = tpw_test::eight_inputs(correlated);
      mc::run_options o;
      o.samples = 2'000'000;
      o.seed = 7;
      o.design = kind;
      o.exceedances = {{"cost_per_mtok", 0.25, 0.0}};
      const auto cpu = mc::run(model, o);
      const auto gpu = tpw_test::gpu_run(model.plan(), o);
      REQUIRE(gpu.outputs.size() == cpu.outputs.size());
      double worst = 0.0;
      double worst_quantile = 0.0;
      for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
        const auto& a = gpu.outputs[k];
        const auto& b = cpu.outputs[k];
        CHECK(a.count == b.count);
        worst = std::max({worst, relative(a.mean, b.mean), relative(a.sd, b.sd),
                          relative(a.min, b.min), relative(a.max, b.max),
                          relative(a.expected_shortfall_upper, b.expected_shortfall_upper),
                          relative(a.expected_shortfall_lower, b.expected_shortfall_lower)});
        for (std::size_t p = 0; p < b.quantiles.size(); ++p) {
          worst_quantile = std::max(worst_quantile, relative(a.quantiles[p], b.quantiles[p]));
        }
      }
      CHECK(worst < 1e-12);
      CHECK(worst_quantile < 1e-12);
      CHECK(std::abs(gpu.exceedances[0].probability - cpu.exceedances[0].probability) <= 1e-6);
    }
  }
}

TEST_CASE("the GPU keeps the samples only when asked, equal to the CPU's to the last bits") {
  const auto model = tpw_test::eight_inputs(false);
  mc::run_options o;
  o.samples = 10'000;
  const auto plain = tpw_test::gpu_run(model.plan(), o);
  CHECK(plain.output_samples.empty());
  o.keep_samples = true;
  const auto gpu = tpw_test::gpu_run(model.plan(), o);
  const auto cpu = mc::run(model, o);
  REQUIRE(gpu.input_samples.size() == cpu.input_samples.size());
  REQUIRE(gpu.output_samples.size() == cpu.output_samples.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < cpu.output_samples.size(); ++i) {
    worst = std::max(worst, relative(gpu.output_samples[i], cpu.output_samples[i]));
  }
  CHECK(worst < 1e-13);
}

TEST_CASE("the GPU's Sobol' indices and bootstrap intervals equal the CPU's to 1e-9") {
  const auto model = tpw_test::eight_inputs(false);
  for (const auto kind : {mc::design_kind::sobol, mc::design_kind::latin_hypercube}) {
    CAPTURE(mc::to_string(kind));
    mc::sobol_options o;
    o.base_samples = 1u << 16;
    o.seed = 11;
    o.design = kind;
    o.bootstrap = 100;
    const auto cpu = mc::sobol_analysis(model.inputs(), model, o, model.output_names());
    const auto gpu = tpw_test::gpu_sobol(model.plan(), o);
    REQUIRE(gpu.size() == cpu.size());
    double worst = 0.0;
    double worst_variance = 0.0;
    for (std::size_t k = 0; k < cpu.size(); ++k) {
      CHECK(gpu[k].output == cpu[k].output);
      worst_variance = std::max(worst_variance, relative(gpu[k].variance, cpu[k].variance));
      REQUIRE(gpu[k].indices.size() == cpu[k].indices.size());
      for (std::size_t j = 0; j < cpu[k].indices.size(); ++j) {
        const auto& a = gpu[k].indices[j];
        const auto& b = cpu[k].indices[j];
        CHECK(a.input == b.input);
        worst =
            std::max({worst, std::abs(a.first - b.first), std::abs(a.total - b.total),
                      std::abs(a.first_low - b.first_low), std::abs(a.first_high - b.first_high),
                      std::abs(a.total_low - b.total_low), std::abs(a.total_high - b.total_high)});
      }
    }
    CHECK(worst < 1e-9);
    CHECK(worst_variance < 1e-12);
  }
}

TEST_CASE("a user's own component, compiled into the GPU engine, gives the CPU's statistics") {
  // The eight inputs of the benchmarks plus networking at an uncertain rate per accelerator-hour
  // (tests/network_cost.hpp), a cost line tpw's headers do not know.
  const auto model = tpw_test::gb200_with_network();
  mc::run_options o;
  o.samples = 1'000'000;
  o.seed = 7;
  const auto cpu = mc::run(model, o);
  const auto gpu = tpw_test::gpu_run(model.plan(), o);
  CHECK(worst_difference(gpu, cpu) < 1e-12);
}

TEST_CASE("a multi-year project's NPVs on the GPU equal the CPU's project model") {
  const auto model = tpw_test::gb200_project();
  mc::run_options o;
  o.samples = 1'000'000;
  o.seed = 7;
  const auto cpu = mc::run_project(model, o).statistics;
  const auto gpu = tpw_test::gpu_run(model.plan(), o);
  CHECK(worst_difference(gpu, cpu) < 1e-12);
}
