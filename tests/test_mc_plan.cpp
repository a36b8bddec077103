// The plain-data path the GPU and MPI engines share (tpw/mc/plan/): the cost plan sample by
// sample, and the radix and Sobol' passes run on the host against the CPU engine.
#include <doctest/doctest.h>

#include "mc_models.hpp"
#include "support.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/plan/radix_passes.hpp>
#include <tpw/mc/plan/sobol_passes.hpp>
#include <tpw/mc/sensitivity.hpp>
#include <tpw/model.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;

TEST_CASE("the plain cost plan (the GPU engine's per-sample code) is the CPU engine, bit for bit") {
  using mc::cost_input;
  using d = mc::distribution;
  const std::vector<mc::cost_model<tpw::USD>::uncertain> uncertain{
      {cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
      {cost_input::throughput_tok_s, d::lognormal(5789.6, 0.2)},
      {cost_input::energy_price_per_kwh, d::uniform(0.04, 0.15)},
      {cost_input::hardware_price, d::truncated_normal(3.9e6, 0.3e6, 3e6, 5e6)},
      {cost_input::cost_of_capital, d::lognormal(0.08, 0.1)}};
  Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(5, 5);
  rho(0, 1) = rho(1, 0) = 0.6;
  rho(2, 4) = rho(4, 2) = -0.3;
  const mc::cost_model<tpw::USD> independent(tpw_test::gb200(), uncertain);
  const mc::cost_model<tpw::USD> correlated(tpw_test::gb200(), uncertain, rho);
  for (const auto* model : {&independent, &correlated}) {
    for (const auto kind :
         {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube, mc::design_kind::sobol}) {
      CAPTURE(mc::to_string(kind));
      mc::run_options o;
      o.samples = 512;
      o.seed = 11;
      o.design = kind;
      o.keep_samples = true;
      const auto run = mc::run(*model, o);
      const mc::cost_plan plan = model->plan();
      CHECK(plan.correlated == (model == &correlated));
      const mc::sample_design design(kind, o.samples, plan.inputs, o.seed);
      bool same = true;
      for (std::uint64_t i = 0; i < o.samples; ++i) {
        double x[mc::cost_input_count];
        double y[mc::cost_output_count];
        mc::plan_figures<tpw::USD>(plan, design.view(), i, x, y);
        for (std::uint32_t k = 0; k < plan.inputs; ++k) {
          same = same && x[k] == run.input_samples[i * plan.inputs + k];
        }
        for (std::uint32_t k = 0; k < plan.outputs(); ++k) {
          same = same && y[k] == run.output_samples[i * plan.outputs() + k];
        }
      }
      CHECK(same);
    }
  }
  // PERT, beta and empirical inputs have no closed-form quantile: the CPU engine only.
  const mc::cost_model<tpw::USD> pert(tpw_test::gb200(),
                                      {{cost_input::utilization, d::pert(0.5, 0.7, 0.85)}});
  CHECK(message_of([&] { (void)pert.plan(); }) ==
        "deployment.utilization = \"pert(low 0.5, mode 0.7, high 0.85)\": the GPU and MPI engines "
        "sample fixed, uniform, triangular, normal, truncated normal and lognormal inputs; run "
        "PERT, beta and empirical ones on the CPU engine");
}

TEST_CASE("the GPU engine's radix passes, run on the host, give the CPU engine's statistics") {
  const auto independent = tpw_test::eight_inputs(false);
  const auto correlated = tpw_test::eight_inputs(true);
  const auto relative = [](double a, double b) {
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
  };
  const std::vector<std::pair<const mc::cost_model<tpw::USD>*, mc::design_kind>> cases{
      {&independent, mc::design_kind::monte_carlo},
      {&correlated, mc::design_kind::latin_hypercube},
      {&independent, mc::design_kind::sobol}};
  for (const auto& entry : cases) {
    {
      const auto* model = entry.first;
      const auto kind = entry.second;
      CAPTURE(mc::to_string(kind));
      mc::run_options o;
      o.samples = 20'000;
      o.seed = 5;
      o.design = kind;
      o.probabilities = {0.0, 0.01, 0.05, 0.5, 0.95, 0.99, 1.0};
      o.exceedances = {{"cost_per_mtok", 0.25, 0.0}, {"gross_margin", 0.9, 0.0}};
      const auto cpu = mc::run(*model, o);
      mc::radix::host_backend backend;
      std::vector<unsigned> passes;
      o.on_progress = [&](const mc::progress& p) { passes.push_back(p.pass); };
      const auto gpu = mc::radix::run_passes<tpw::USD>(backend, model->plan(), o);
      CHECK(passes == std::vector<unsigned>{1, 2, 3, 4});
      CHECK(gpu.passes == 4);
      REQUIRE(gpu.outputs.size() == cpu.outputs.size());
      double worst = 0.0;
      bool exact = true;
      for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
        const auto& a = gpu.outputs[k];
        const auto& b = cpu.outputs[k];
        worst = std::max({worst, relative(a.mean, b.mean), relative(a.sd, b.sd),
                          relative(a.expected_shortfall_upper, b.expected_shortfall_upper),
                          relative(a.expected_shortfall_lower, b.expected_shortfall_lower)});
        // The same samples, so the same order statistics, bit for bit.
        exact = exact && a.quantiles == b.quantiles && a.min == b.min && a.max == b.max &&
                a.count == b.count;
      }
      CHECK(worst < 1e-12);
      CHECK(exact);
      CHECK(gpu.exceedances[0].probability == cpu.exceedances[0].probability);
      CHECK(gpu.exceedances[1].probability == cpu.exceedances[1].probability);
    }
  }
  // Kept samples come back bit for bit; a summarized subset works as on the CPU.
  mc::run_options o;
  o.samples = 3000;
  o.keep_samples = true;
  o.outputs = {"tokens_per_joule"};
  mc::radix::host_backend backend;
  const auto gpu = mc::radix::run_passes<tpw::USD>(backend, independent.plan(), o);
  const auto cpu = mc::run(independent, o);
  CHECK(gpu.input_samples == cpu.input_samples);
  CHECK(gpu.output_samples == cpu.output_samples);
  CHECK(gpu.output("tokens_per_joule").quantiles == cpu.output("tokens_per_joule").quantiles);
  CHECK(gpu.output("tokens_per_joule").expected_shortfall_upper ==
        Approx(cpu.output("tokens_per_joule").expected_shortfall_upper).epsilon(1e-13));
  // Bad options are refused as the CPU engine refuses them.
  o.outputs = {"no_such_output"};
  CHECK(message_of([&] {
          (void)mc::radix::run_passes<tpw::USD>(backend, independent.plan(), o);
        }) == message_of([&] { (void)mc::run(independent, o); }));
}

TEST_CASE("the GPU engine's Sobol' passes, run on the host, give the CPU's indices to 1e-9") {
  const auto model = tpw_test::eight_inputs(false);
  for (const auto kind : {mc::design_kind::sobol, mc::design_kind::monte_carlo}) {
    CAPTURE(mc::to_string(kind));
    mc::sobol_options o;
    o.base_samples = 20'000;  // a block of 16384 rows and a partial one
    o.seed = 3;
    o.design = kind;
    o.bootstrap = 20;
    const auto cpu = mc::sobol_analysis(model.inputs(), model, o, model.output_names());
    mc::radix::host_backend backend;
    const auto gpu = mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o);
    REQUIRE(gpu.size() == cpu.size());
    double worst = 0.0;
    double worst_variance = 0.0;
    bool names = true;
    for (std::size_t k = 0; k < cpu.size(); ++k) {
      names = names && gpu[k].output == cpu[k].output;
      worst_variance = std::max(
          worst_variance, std::abs(gpu[k].variance - cpu[k].variance) / std::abs(cpu[k].variance));
      REQUIRE(gpu[k].indices.size() == 8);
      for (std::size_t j = 0; j < 8; ++j) {
        const auto& a = gpu[k].indices[j];
        const auto& b = cpu[k].indices[j];
        names = names && a.input == b.input;
        worst =
            std::max({worst, std::abs(a.first - b.first), std::abs(a.total - b.total),
                      std::abs(a.first_low - b.first_low), std::abs(a.first_high - b.first_high),
                      std::abs(a.total_low - b.total_low), std::abs(a.total_high - b.total_high)});
      }
    }
    CHECK(names);
    CHECK(worst < 1e-9);
    CHECK(worst_variance < 1e-12);
    // Not a vacuous agreement: utilization and throughput drive cost per Mtok, and the intervals
    // are intervals.
    const auto& cost = gpu[0].indices;
    CHECK(cost[0].first + cost[1].first > 0.5);
    CHECK(cost[1].first_low < cost[1].first_high);
  }
  // Refused as the CPU refuses: a correlated plan, too few rows, a bad confidence.
  const auto correlated = tpw_test::eight_inputs(true);
  mc::radix::host_backend backend;
  mc::sobol_options o;
  o.base_samples = 100;
  CHECK(message_of([&] { (void)mc::radix::run_sobol<tpw::USD>(backend, correlated.plan(), o); }) ==
        message_of([&] {
          (void)mc::sobol_analysis(correlated.inputs(), correlated, o, correlated.output_names());
        }));
  o.base_samples = 1;
  CHECK(message_of([&] { (void)mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o); }) ==
        "uncertainty.samples = 1: Sobol' indices need at least 2 base samples");
  o.base_samples = 100;
  o.confidence = 1.0;
  CHECK(message_of([&] { (void)mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o); }) ==
        "sobol.confidence = 1: must be in (0, 1)");
  // A stop request cancels.
  o.confidence = 0.95;
  std::stop_source source;
  source.request_stop();
  o.stop = source.get_token();
  CHECK_THROWS_AS((void)mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o), mc::cancelled);
}
