// The Monte Carlo tests' scenario and the 8-input cost model of the benchmarks, shared by the CPU
// tests, the CUDA tests and the GPU benchmark; optionally with a rank correlation of 0.5 between
// utilization and throughput.
#pragma once

#include <cstdint>
#include <vector>

#include <tpw/mc/composed_model.hpp>
#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/project_model.hpp>

#include "network_cost.hpp"

namespace tpw_test {

namespace mc = tpw::mc;

// GB200 NVL72 on DeepSeek-R1 (docs/scenario.md's example), per system of 72 GPUs, priced at 2
// USD/Mtok.
inline mc::cost_parameters gb200() {
  using mc::cost_input;
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
  return p;
}

// Eight uncertain inputs on it, with the distributions of bench/mc_cost_numpy.py.
inline mc::cost_model<tpw::USD> eight_inputs(bool correlated) {
  using mc::cost_input;
  using d = mc::distribution;
  const mc::cost_parameters p = gb200();
  const std::vector<mc::cost_model<tpw::USD>::uncertain> inputs{
      {cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
      {cost_input::throughput_tok_s, d::lognormal(5789.6, 0.2)},
      {cost_input::energy_price_per_kwh, d::triangular(0.04, 0.08, 0.15)},
      {cost_input::pue, d::uniform(1.1, 1.4)},
      // numpy's normal(3.9e6, 0.3e6) cut at 0: a price cannot be negative (13 sd away).
      {cost_input::hardware_price, d::truncated_normal(3.9e6, 0.3e6, 0.0, 1e300)},
      {cost_input::cost_of_capital, d::uniform(0.05, 0.12)},
      {cost_input::facility_build_per_mw, d::triangular(9e6, 11.7e6, 15e6)},
      {cost_input::price_per_mtok, d::uniform(1.5, 2.5)}};
  if (!correlated) return {p, inputs};
  Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(8, 8);
  rho(0, 1) = rho(1, 0) = 0.5;
  return {p, inputs, rho};
}

// What the numpy program (bench/mc_cost_numpy.py) summarizes, as run options for N samples at its
// seed: the benchmarks that time tpw against it or beside it run the engine with these.
inline mc::run_options numpy_program_options(std::uint64_t n) {
  mc::run_options o;
  o.samples = n;
  o.seed = 42;
  o.probabilities = {0.05, 0.50, 0.95};
  o.outputs = {"cost_per_mtok", "gross_margin"};
  o.exceedances = {{"cost_per_mtok", 2.0, 0.0}};
  return o;
}

// The GB200 base as a composed model's values, named by path: every number an owned, built
// deployment reads (provisioned power is not given, so it follows IT power).
inline std::vector<mc::field_value> gb200_values() {
  const mc::cost_parameters p = gb200();
  std::vector<mc::field_value> values;
  for (std::size_t k = 0; k < mc::cost_input_count; ++k) {
    const auto input = static_cast<mc::cost_input>(k);
    if (mc::parameter_used(p, input)) values.push_back({mc::rule_of(input).path, p[input]});
  }
  return values;
}

// The eight inputs of eight_inputs, named by path (a composed model's uncertain inputs).
inline std::vector<mc::uncertain_input> eight_by_path() {
  const auto model = eight_inputs(false);
  std::vector<mc::uncertain_input> inputs;
  for (std::size_t k = 0; k < model.inputs().size(); ++k) inputs.push_back(model.inputs()[k]);
  return inputs;
}

// The GB200 deployment (10 systems) as a 5-year project with a one-year ramp and 21% tax, its
// price, utilization, throughput, energy price, discount rate and first ramp year uncertain.
inline mc::project_model<tpw::USD> gb200_project() {
  using mc::cost_input;
  using d = mc::distribution;
  tpw::project_parameters q;
  q.operating_years = 5;
  q.ramp_size = 1;
  q.terms.tax.rate = 0.21;
  q.terms.tax.hardware_years = 5;
  q.terms.tax.facility_years = 15;
  q[tpw::project_input::price_decline_per_year] = 0.2;
  q[tpw::project_input::discount_rate] = 0.08;
  q[tpw::project_input::equity_discount_rate] = 0.08;
  q[tpw::project_input::tax_rate] = 0.21;
  q.values[tpw::project_ramp_slot] = 0.4;
  return {gb200(),
          10,
          q,
          {{cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
           {cost_input::throughput_tok_s, d::lognormal(5789.6, 0.2)},
           {cost_input::energy_price_per_kwh, d::triangular(0.04, 0.08, 0.15)},
           {cost_input::price_per_mtok, d::uniform(1.5, 2.5)}},
          {{static_cast<std::size_t>(tpw::project_input::discount_rate), d::uniform(0.06, 0.12)},
           {tpw::project_ramp_slot, d::uniform(0.2, 0.6)}}};
}

// A model composed of the built-in components and a user's own (tests/network_cost.hpp): the
// eight inputs plus networking at a rate per accelerator-hour uniform in [0.10, 0.30].
using gb200_network_model = mc::composed_model<tpw::USD, tpw::owned_hardware, tpw::built_facility,
                                               tpw::energy_cost, tpw::opex, network_cost>;
inline gb200_network_model gb200_with_network() {
  auto values = gb200_values();
  values.push_back({"costs.network.per_accelerator_hour", 0.2});
  auto inputs = eight_by_path();
  inputs.push_back({"costs.network.per_accelerator_hour", mc::distribution::uniform(0.1, 0.3)});
  return {values, inputs};
}

}  // namespace tpw_test
