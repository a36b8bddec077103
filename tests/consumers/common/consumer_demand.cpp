// A consumer of tpw::mc's demand curve, as docs/capacity.md shows it: racks sized to a day of
// traffic, their bill under a tariff, and a cost model whose demand scale, tariff level and demand
// charge are uncertain. Prints "consumer_demand: " and the cost per Mtok's median. (Built in
// Release at -Werror: GCC 12 once warned falsely inside the curve's refusal text at -O2.)
#include <cstdio>
#include <memory>
#include <vector>

#include <tpw/capacity.hpp>
#include <tpw/electricity.hpp>
#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/demand_curve.hpp>
#include <tpw/units/literals.hpp>

namespace cap = tpw::capacity;
namespace mc = tpw::mc;
namespace units = tpw::units;
using namespace tpw::literals;

int main() {
  cap::service_spec point;
  point.accelerators_per_system = 72;
  point.throughput = 5789.6_tok_per_s;
  point.interactivity = 75.0_tok_per_s;
  point.ttft = 700.0 * units::ms;
  point.shape = {8192.0 * units::tok, 1024.0 * units::tok};
  const cap::service_model service = cap::service_from(point);
  std::vector<double> day(24, 400.0);
  for (std::size_t h = 8; h < 20; ++h) day[h] = 1000.0;
  const cap::capacity_spec spec(cap::demand_profile::daily(day), service,
                                cap::ttft_percentile_target(2000.0 * units::ms, 0.9, service));
  const cap::capacity_plan plan = cap::plan_capacity(spec);
  const cap::system_power draw{132.0 * units::kW, 40.0 * units::kW, 1.2};
  tpw::electricity::tariff<tpw::USD> tariff;
  tariff.time_of_use = {0.08 * units::usd / units::kWh};
  tariff.demand_charge = 12.0 * units::usd / units::kW;
  const auto bill = tpw::electricity::bill_of(cap::hourly_facility_load(spec, plan, draw), tariff);
  mc::cost_parameters p;
  p.hardware = tpw::hardware_terms::owned;
  p.idle_given = true;
  p.priced = true;
  p[mc::cost_input::accelerators_per_system] = 72;
  p[mc::cost_input::throughput_tok_s] = 5789.6;
  p[mc::cost_input::it_power_kw] = 132;
  p[mc::cost_input::idle_power_kw] = 40;
  p[mc::cost_input::pue] = 1.2;
  p[mc::cost_input::hardware_price] = 3.9e6;
  p[mc::cost_input::hardware_life_years] = 4;
  p[mc::cost_input::cost_of_capital] = 0.08;
  p[mc::cost_input::price_per_mtok] = 2.0;
  p[mc::cost_input::utilization] = plan.utilization;
  p[mc::cost_input::energy_price_per_kwh] =
      tpw::in(bill.effective_price(), units::usd / units::kWh);
  tpw::extra_parameters e;
  e[tpw::extra_input::demand_scale] = 1.0;
  const mc::cost_model<tpw::USD> model(
      p, {}, e,
      {{tpw::extra_input::demand_scale, mc::distribution::triangular(0.7, 1.0, 1.3)},
       {tpw::extra_input::tariff_level, mc::distribution::uniform(0.8, 1.3)},
       {tpw::extra_input::demand_charge_level, mc::distribution::uniform(0.5, 1.5)}},
      nullptr,
      std::make_shared<const mc::demand_curve<tpw::USD>>(
          cap::fleet_on_scaled_demand<tpw::USD>(spec, plan, draw, tariff), true));
  mc::run_options o;
  o.samples = 20'000;
  o.seed = 7;
  o.threads = 1;
  const mc::run_result r = mc::run(model, o);
  std::printf("consumer_demand: P50 %.4f USD/Mtok\n", r.output("cost_per_mtok").quantile(0.5));
  return 0;
}
