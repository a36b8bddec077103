// The GPU engine against the CPU engine, for the same plan, sample count, seed and design:
// identical uniforms bit for bit, statistics equal to 1e-12 relative, quantiles exact up to the
// last bits of each sample (the device's libm may differ from the host's by an ulp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <tpw/mc/cost_model.hpp>

#include "gpu_runs.hpp"

namespace mc = tpw::mc;

namespace {

// GB200 NVL72 on DeepSeek-R1 with the benchmark's eight uncertain inputs.
mc::cost_model<tpw::USD> eight_inputs(bool correlated) {
  using mc::cost_input;
  using d = mc::distribution;
  mc::cost_parameters p;
  p[cost_input::accelerators_per_system] = 72;
  p[cost_input::it_power_kw] = 132;
  p[cost_input::idle_power_kw] = 40;
  p.idle_given = true;
  p[cost_input::utilization] = 0.7;
  p[cost_input::throughput_tok_s] = 5789.6;
  p[cost_input::cost_of_capital] = 0.08;
  p.hardware = mc::hardware_terms::owned;
  p[cost_input::hardware_price] = 3.9e6;
  p[cost_input::hardware_life_years] = 4;
  p[cost_input::hardware_residual_fraction] = 0.1;
  p.facility = mc::facility_terms::built;
  p[cost_input::facility_build_per_mw] = 11.7e6;
  p[cost_input::facility_life_years] = 15;
  p[cost_input::energy_price_per_kwh] = 0.08;
  p[cost_input::pue] = 1.2;
  p[cost_input::maintenance_fraction_per_year] = 0.03;
  p[cost_input::software_per_accelerator_year] = 4500;
  p.priced = true;
  p[cost_input::price_per_mtok] = 2.0;
  const std::vector<mc::cost_model<tpw::USD>::uncertain> inputs{
      {cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
      {cost_input::throughput_tok_s, d::lognormal(5789.6, 0.2)},
      {cost_input::energy_price_per_kwh, d::triangular(0.04, 0.08, 0.15)},
      {cost_input::pue, d::uniform(1.1, 1.4)},
      {cost_input::hardware_price, d::truncated_normal(3.9e6, 0.3e6, 0.0, 1e300)},
      {cost_input::cost_of_capital, d::uniform(0.05, 0.12)},
      {cost_input::facility_build_per_mw, d::triangular(9e6, 11.7e6, 15e6)},
      {cost_input::price_per_mtok, d::uniform(1.5, 2.5)}};
  if (!correlated) return {p, inputs};
  Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(8, 8);
  rho(0, 1) = rho(1, 0) = 0.5;
  return {p, inputs, rho};
}

double relative(double a, double b) {
  return std::abs(a - b) / std::max(std::abs(b), 1e-300);
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
      const auto model = eight_inputs(correlated);
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
  const auto model = eight_inputs(false);
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
