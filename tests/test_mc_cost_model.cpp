// The built-in cost model as a Monte Carlo model (tpw/mc/cost_model.hpp): the deterministic model
// sample by sample, its batches, and the rules its uncertain inputs must keep.
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

TEST_CASE("the Monte Carlo cost model is the deterministic model, sample by sample") {
  using namespace tpw;
  using mc::cost_input;
  const mc::cost_parameters p = tpw_test::gb200();
  // The deterministic model of the same scenario.
  const deployment d({.accelerators_per_system = 72,
                      .it_power = 132.0 * units::kW,
                      .idle_power = 40.0 * units::kW,
                      .pue = tpw::pue(1.2),
                      .utilization = fraction(0.7),
                      .throughput = 5789.6 * units::tok / units::second});
  const annual_rate r(0.08);
  const auto e =
      evaluate(d, 2.0 * units::usd / units::Mtok,
               owned_hardware<USD>({3.9e6 * units::usd, 4.0 * units::year, fraction(0.1), r}),
               built_facility<USD>({11.7e6 * units::usd / units::MW, 15.0 * units::year, r}),
               energy_cost<USD>({0.08 * units::usd / units::kWh}),
               opex<USD>({fraction(0.03), 3.9e6 * units::usd, 4500.0 * units::usd / units::year,
                          0.0 * units::usd / units::year}));
  double y[mc::cost_output_count];
  mc::cost_figures<USD>(p, y);
  CHECK(y[0] == Approx(in(e.cost_per_token.total, units::usd / units::Mtok)).epsilon(1e-14));
  CHECK(y[3] == Approx(in(e.cost_per_token.energy, units::usd / units::Mtok)).epsilon(1e-14));
  CHECK(y[6] == Approx(e.tokens_per_joule.value()).epsilon(1e-14));
  CHECK(y[9] == Approx(e.revenue->gross_margin).epsilon(1e-14));

  // Uncertain inputs: with a fixed distribution at the base value, every sample is the base.
  const mc::cost_model<USD> fixed(p, {{cost_input::utilization, mc::distribution::fixed(0.7)}});
  mc::run_options o;
  o.samples = 1000;
  const auto run = mc::run(fixed, o);
  CHECK(run.output("cost_per_mtok").min == Approx(y[0]).epsilon(1e-14));
  CHECK(run.output("cost_per_mtok").max == Approx(y[0]).epsilon(1e-14));
  CHECK(run.input_names == std::vector<std::string>{"deployment.utilization"});
}

TEST_CASE("the cost model refuses a distribution that can break its input's rule") {
  using mc::cost_input;
  const mc::cost_parameters p = tpw_test::gb200();
  const auto with = [&](cost_input k, mc::distribution d) {
    return message_of([&] { mc::cost_model<tpw::USD> m(p, {{k, d}}); });
  };
  // A normal's samples reach 8.2 sd either side: 0.7 - 8.2095 * 0.1 = -0.12.
  CHECK(with(cost_input::utilization, mc::distribution::normal(0.7, 0.1)) ==
        "deployment.utilization = \"normal(mean 0.7, sd 0.1)\": its samples reach "
        "[-0.1209536151601387, 1.5209536151601386], below the allowed range [1e-06, 1]; narrow "
        "it, or use a bounded distribution (uniform, triangular, PERT, beta, truncated normal) "
        "(tpw's limits: docs/scenario-limits.md)");
  CHECK(with(cost_input::pue, mc::distribution::uniform(0.9, 1.3))
            .starts_with("costs.energy.pue = \"uniform(low 0.9, high 1.3)\": its samples reach "
                         "[0.9, 1.3], below"));
  CHECK(with(cost_input::utilization, mc::distribution::uniform(0.5, 1.2))
            .find("[0.5, 1.2], above the allowed range [1e-06, 1]") != std::string::npos);
  // A normal that stays inside the rule at every sample it can draw is accepted.
  CHECK(with(cost_input::utilization, mc::distribution::normal(0.7, 0.03)) == "(no error)");
  CHECK(with(cost_input::idle_power_kw, mc::distribution::uniform(30, 140)) ==
        "deployment.idle_power_kw = 140: its highest value must not exceed the lowest "
        "it_power_kw (132): idle draws no more than serving");
  CHECK(with(cost_input::rental_per_accelerator_hour, mc::distribution::uniform(1, 2))
            .find("takes no part in the scenario") != std::string::npos);
  // The base is validated by the deterministic model's own constructors.
  mc::cost_parameters bad = tpw_test::gb200();
  bad[cost_input::pue] = 0.9;
  CHECK(message_of([&] { mc::cost_model<tpw::USD> m(bad, {}); }) ==
        "costs.energy.pue = 0.9: a PUE is facility power over IT power: finite and >= 1");
  // Accepted: a lognormal throughput, a triangular energy price.
  CHECK(with(cost_input::throughput_tok_s, mc::distribution::lognormal(5789.6, 0.2)) ==
        "(no error)");
}

TEST_CASE("the cost model's batch gives the one-sample figures, for every kind of terms") {
  using mc::cost_input;
  using d = mc::distribution;
  constexpr std::size_t n = 300;  // more than one batch: the second is partial
  for (const auto hardware :
       {mc::hardware_terms::owned, mc::hardware_terms::rented, mc::hardware_terms::none}) {
    for (const auto facility :
         {mc::facility_terms::built, mc::facility_terms::colocation, mc::facility_terms::none}) {
      for (const bool given : {true, false}) {
        // No revenue, a token price, hourly contracts alone, and both.
        for (const int revenue : {0, 1, 2, 3}) {
          const bool priced = revenue == 1 || revenue == 3;
          const bool hourly = revenue >= 2;
          CAPTURE(static_cast<int>(hardware));
          CAPTURE(static_cast<int>(facility));
          CAPTURE(given);
          CAPTURE(revenue);
          mc::cost_parameters p = tpw_test::gb200();
          p.on_demand = hourly;
          p.reserved = hourly;
          p[cost_input::on_demand_share] = 0.3;
          p[cost_input::on_demand_per_accelerator_hour] = 4.0;
          p[cost_input::reserved_share] = 0.5;
          p[cost_input::reserved_per_accelerator_hour] = 3.0;
          p[cost_input::reserved_committed_share] = 0.6;
          p[cost_input::reserved_overage_per_accelerator_hour] = 3.5;
          p.hardware = hardware;
          p.facility = facility;
          p.idle_given = given;
          p.provisioned_given = given;
          p[cost_input::provisioned_power_kw] = 140;
          p[cost_input::rental_per_accelerator_hour] = 2.5;
          p[cost_input::colocation_per_kw_month] = 180;
          p.priced = priced;
          // Values the terms do not read are refused (validated_parameters): cleared.
          for (std::size_t k = 0; k < tpw::cost_input_count; ++k) {
            if (!tpw::parameter_used(p, static_cast<cost_input>(k))) p.values[k] = 0.0;
          }
          std::vector<mc::cost_model<tpw::USD>::uncertain> uncertain{
              {cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
              {cost_input::it_power_kw, d::uniform(120, 140)},
              {cost_input::cost_of_capital, d::uniform(0.0, 0.12)},
              {cost_input::energy_price_per_kwh, d::lognormal(0.08, 0.3)}};
          if (hardware == mc::hardware_terms::owned) {
            uncertain.push_back({cost_input::hardware_price, d::uniform(3e6, 5e6)});
          }
          const mc::cost_model<tpw::USD> model(p, uncertain);
          const std::size_t inputs = uncertain.size();
          const std::size_t outputs = model.output_names().size();
          std::vector<double> x(inputs * mc::batch_size), y(outputs * mc::batch_size);
          double worst = 0.0;
          for (std::size_t first = 0; first < n; first += mc::batch_size) {
            const std::size_t count = std::min(mc::batch_size, n - first);
            for (std::size_t j = 0; j < inputs; ++j) {
              for (std::size_t s = 0; s < count; ++s) {
                // Sample 0 has a cost of capital of exactly 0 (the CRF's straight-line case).
                x[j * mc::batch_size + s] =
                    first + s == 0 && j == 2
                        ? 0.0
                        : model.inputs()[j].dist.quantile(mc::uniform(9, first + s, j));
              }
            }
            model.evaluate_batch(x.data(), y.data(), count);
            for (std::size_t s = 0; s < count; ++s) {
              std::vector<double> one(inputs), expected(outputs);
              for (std::size_t j = 0; j < inputs; ++j) one[j] = x[j * mc::batch_size + s];
              model(one, expected);
              for (std::size_t k = 0; k < outputs; ++k) {
                const double got = y[k * mc::batch_size + s];
                const double scale = std::max(std::abs(expected[k]), 1e-300);  // a zero line
                worst = std::max(worst, std::abs(got - expected[k]) / scale);
              }
            }
          }
          // Bitwise in these test builds; vector math (tpw::mc_fast) may move the last ulps.
          CHECK(worst <= 1e-14);
        }
      }
    }
  }
}
