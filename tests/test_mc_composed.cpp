// Composed models (tpw/mc/composed_model.hpp): a model built from declared components, built-in or
// a user's own, as a Monte Carlo model with no list inside tpw edited. The composed path must give
// the built-in cost model's samples bit for bit, and a user's component must run through the
// deterministic evaluation, the CPU engine and the plan the GPU and MPI engines run.
#include <doctest/doctest.h>

#include "mc_models.hpp"
#include "network_cost.hpp"
#include "support.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <tpw/mc/composed_model.hpp>
#include <tpw/mc/plan/radix_passes.hpp>
#include <tpw/mc/plan/sobol_passes.hpp>
#include <tpw/mc/sensitivity.hpp>
#include <tpw/model.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::eight_by_path;
using tpw_test::gb200_values;
using tpw_test::message_of;
using tpw_test::network_cost;

namespace {

using built_in = mc::composed_model<tpw::USD, tpw::owned_hardware, tpw::built_facility,
                                    tpw::energy_cost, tpw::opex>;
using with_network = tpw_test::gb200_network_model;

bool same_statistics(const mc::run_result& a, const mc::run_result& b) {
  bool same = a.outputs.size() == b.outputs.size();
  for (std::size_t k = 0; same && k < a.outputs.size(); ++k) {
    const auto& x = a.outputs[k];
    const auto& y = b.outputs[k];
    same = x.name == y.name && x.mean == y.mean && x.sd == y.sd && x.min == y.min &&
           x.max == y.max && x.quantiles == y.quantiles &&
           x.expected_shortfall_upper == y.expected_shortfall_upper &&
           x.expected_shortfall_lower == y.expected_shortfall_lower;
  }
  return same && a.input_samples == b.input_samples && a.output_samples == b.output_samples;
}

}  // namespace

TEST_CASE("the composed path gives the built-in cost model's samples, bit for bit") {
  Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(8, 8);
  rho(0, 1) = rho(1, 0) = 0.5;
  const auto fast = tpw_test::eight_inputs(false);
  const auto fast_correlated = tpw_test::eight_inputs(true);
  const built_in composed(gb200_values(), eight_by_path());
  const built_in composed_correlated(gb200_values(), eight_by_path(), rho);
  CHECK(composed.output_names() == fast.output_names());
  // At the base values: the deterministic figures, every bit.
  std::vector<double> point(mc::cost_output_count);
  mc::cost_figures<tpw::USD>(tpw_test::gb200(), point.data());
  CHECK(composed.point_figures() == point);
  for (const auto kind :
       {mc::design_kind::monte_carlo, mc::design_kind::latin_hypercube, mc::design_kind::sobol}) {
    CAPTURE(mc::to_string(kind));
    mc::run_options o;
    o.samples = 5000;
    o.seed = 7;
    o.design = kind;
    o.keep_samples = true;
    o.probabilities = {0.01, 0.05, 0.5, 0.95, 0.99};
    // The CPU engine: the composed model's batch against the cost model's vectorized batch.
    CHECK(same_statistics(mc::run(composed, o), mc::run(fast, o)));
    CHECK(same_statistics(mc::run(composed_correlated, o), mc::run(fast_correlated, o)));
    // The plans the GPU and MPI engines run, through their passes on the host.
    mc::radix::host_backend backend;
    CHECK(same_statistics(mc::radix::run_passes<tpw::USD>(backend, composed.plan(), o),
                          mc::radix::run_passes<tpw::USD>(backend, fast.plan(), o)));
    CHECK(same_statistics(mc::radix::run_passes<tpw::USD>(backend, composed_correlated.plan(), o),
                          mc::radix::run_passes<tpw::USD>(backend, fast_correlated.plan(), o)));
  }
  // Sobol' indices through the plans' passes.
  mc::sobol_options so;
  so.base_samples = 2048;
  so.seed = 3;
  so.bootstrap = 20;
  mc::radix::host_backend backend;
  const auto a = mc::radix::run_sobol<tpw::USD>(backend, composed.plan(), so);
  const auto b = mc::radix::run_sobol<tpw::USD>(backend, fast.plan(), so);
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    CHECK(a[k].variance == b[k].variance);
    REQUIRE(a[k].indices.size() == b[k].indices.size());
    for (std::size_t j = 0; j < a[k].indices.size(); ++j) {
      CHECK(a[k].indices[j].input == b[k].indices[j].input);
      CHECK(a[k].indices[j].first == b[k].indices[j].first);
      CHECK(a[k].indices[j].total == b[k].indices[j].total);
      CHECK(a[k].indices[j].total_high == b[k].indices[j].total_high);
    }
  }
}

TEST_CASE("a user's own declared component: deterministic, CPU engine and plan agree") {
  // GB200 plus networking at r per accelerator-hour, r uniform in [0.10, 0.30]: cost per Mtok =
  // the built-in lines' + r * 1e6 / (T u 3600), with T = 5789.6 tok/s and u = 0.7, so
  // + r * 0.068538... per Mtok: its mean at r = 0.2, its P5 at r = 0.11, P95 at r = 0.29.
  std::vector<mc::field_value> values = gb200_values();
  values.push_back({"costs.network.per_accelerator_hour", 0.2});
  const with_network model(
      values, {{"costs.network.per_accelerator_hour", mc::distribution::uniform(0.10, 0.30)}});
  const double per_rate = 1e6 / (5789.6 * 0.7 * 3600.0);
  std::vector<double> without(mc::cost_output_count);
  mc::cost_figures<tpw::USD>(tpw_test::gb200(), without.data());

  // Deterministic: tpw::evaluate on the validated deployment and components, networking added.
  const auto d = mc::deployment_of(tpw_test::gb200());
  const auto year = 1.0 * tpw::units::year;
  const auto r = tpw::annual_rate(0.08, "costs.cost_of_capital");
  const auto usd = [](double v) { return tpw::money<tpw::USD>::from_value(v); };
  const auto e = tpw::evaluate(
      d, tpw::token_price<tpw::USD>::from_value(2e-6),
      tpw::owned_hardware<tpw::USD>({usd(3.9e6), 4.0 * year, tpw::fraction(0.1, "residual"), r}),
      tpw::built_facility<tpw::USD>(
          {tpw::money_per_power<tpw::USD>::from_value(11.7e6 / 1e6), 15.0 * year, r}),
      tpw::energy_cost<tpw::USD>({tpw::energy_price<tpw::USD>::from_value(0.08 / 3.6e6)}),
      tpw::opex<tpw::USD>(
          {tpw::fraction(0.03, "maintenance"), usd(3.9e6), usd(4500.0) / year, usd(0.0) / year}),
      network_cost<tpw::USD>{tpw::cost_rate<tpw::USD>::from_value(0.2 / 3600.0)});
  const std::vector<double> point = model.point_figures();
  CHECK(point[0] == Approx(e.cost_per_token.total.value() * 1e6).epsilon(1e-14));
  CHECK(point[0] == Approx(without[0] + 0.2 * per_rate).epsilon(1e-14));
  CHECK(point[mc::output_index(mc::cost_output::cost_per_mtok_opex)] ==
        Approx(without[4] + 0.2 * per_rate).epsilon(1e-14));

  // The CPU engine, against the analytic distribution (linear in a uniform).
  mc::run_options o;
  o.samples = 100000;
  o.seed = 5;
  o.design = mc::design_kind::latin_hypercube;
  o.probabilities = {0.05, 0.5, 0.95};
  const auto cpu = mc::run(model, o);
  const auto& cost = cpu.output("cost_per_mtok");
  CHECK(cost.mean == Approx(without[0] + 0.2 * per_rate).epsilon(1e-9));
  CHECK(cost.quantile(0.05) == Approx(without[0] + 0.11 * per_rate).epsilon(1e-6));
  CHECK(cost.quantile(0.95) == Approx(without[0] + 0.29 * per_rate).epsilon(1e-6));
  // Every other figure is the deployment's, whatever the rate.
  CHECK(cpu.output("tokens_per_joule").sd == 0.0);

  // The plan the GPU and MPI engines run, through its passes on the host: the CPU's numbers.
  mc::radix::host_backend backend;
  const auto passes = mc::radix::run_passes<tpw::USD>(backend, model.plan(), o);
  CHECK(passes.output("cost_per_mtok").quantiles == cost.quantiles);
  CHECK(passes.output("cost_per_mtok").mean == Approx(cost.mean).epsilon(1e-12));
}

TEST_CASE("a composed model refuses bad values and distributions by path") {
  std::vector<mc::field_value> values = gb200_values();
  values.push_back({"costs.network.per_accelerator_hour", 0.2});
  const auto rate = [](mc::distribution d) {
    return std::vector<mc::uncertain_input>{{"costs.network.per_accelerator_hour", d}};
  };
  using d = mc::distribution;
  // A path the model does not have.
  CHECK(
      message_of([&] {
        (void)with_network(values, {{"costs.networking", d::uniform(0.1, 0.3)}});
      })
          .starts_with("costs.networking = \"uniform(low 0.1, high 0.3)\": is not a number of this "
                       "model: deployment.accelerators_per_system, deployment.it_power_kw,"));
  // A number outside its rule, a missing number, a number given twice.
  auto negative = values;
  negative.back().value = -1.0;
  CHECK(message_of([&] { (void)with_network(negative, rate(d::uniform(0.1, 0.3))); }) ==
        "costs.network.per_accelerator_hour = -1: must be in [0, 1000] (per accelerator-hour)");
  auto missing = values;
  missing.pop_back();
  CHECK(message_of([&] { (void)with_network(missing, rate(d::uniform(0.1, 0.3))); }) ==
        "costs.network.per_accelerator_hour = \"missing\": required: a number of this model (per "
        "accelerator-hour)");
  auto twice = values;
  twice.push_back(values.back());
  CHECK(message_of([&] { (void)with_network(twice, rate(d::uniform(0.1, 0.3))); }) ==
        "costs.network.per_accelerator_hour = 0.2: is given twice");
  // A distribution whose samples can leave the rule; a count; the deployment's own checks.
  CHECK(message_of([&] { (void)with_network(values, rate(d::normal(0.2, 0.1))); })
            .starts_with("costs.network.per_accelerator_hour = \"normal(mean 0.2, sd 0.1)\": its "
                         "samples reach [-0.6"));
  CHECK(message_of([&] {
          (void)with_network(values, {{"deployment.accelerators_per_system", d::uniform(8, 72)}});
        }) ==
        "deployment.accelerators_per_system = \"uniform(low 8, high 72)\": a count cannot "
        "be uncertain");
  CHECK(message_of([&] {
          (void)with_network(values, {{"deployment.idle_power_kw", d::uniform(40, 140)}});
        })
            .starts_with("deployment.idle_power_kw = 140: its highest value must not exceed the "
                         "lowest it_power_kw (132)"));
  // A normal far from zero is accepted: its reachable values (about 8.3 sd) stay in the rule.
  CHECK_NOTHROW((void)with_network(values, rate(d::normal(0.5, 0.05))));
}

namespace {
// A component that declares a shared path with another unit: a programming error, refused.
template <tpw::currency_type C>
struct conflicting_energy {
  using currency = C;
  static constexpr tpw::cost_category category = tpw::cost_category::energy;
  static constexpr std::array<tpw::input_field, 1> fields{
      {{{"costs.energy.price_per_kwh", 0.0, 1.0, true, true}, "per MWh"}}};
  static constexpr conflicting_energy from_fields(const double*) noexcept { return {}; }
  [[nodiscard]] tpw::cost_rate<C> hourly_cost(const tpw::operating_point&) const noexcept {
    return {};
  }
};
}  // namespace

TEST_CASE("two components that declare one path differently are refused") {
  using conflict = mc::composed_model<tpw::USD, tpw::energy_cost, tpw::opex, conflicting_energy>;
  CHECK(message_of([] {
          (void)conflict({}, {{"deployment.utilization", mc::distribution::uniform(0.5, 0.9)}});
        }) ==
        "costs.energy.price_per_kwh = \"per MWh\": is declared by two components with "
        "different units or rules");
}
