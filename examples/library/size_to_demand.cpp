// A capacity planner as an operator writes it on tpw: DeepSeek-R1 8k/1k traffic with a weekday
// and a weekend profile, served by GB200 NVL72 racks at 75 tok/s per user with the 90th
// percentile of TTFT (queueing included) at most 2 s. tpw sizes the fleet (owned, for the peak,
// with a failure margin; or rented hour by hour), says what a 60 MW site leaves unserved, and
// prices each answer at the utilization the traffic gives. docs/capacity.md states the model.
// Built and run by the test suite, which compares its output with size_to_demand.output.
#include <cstdio>
#include <string>
#include <vector>

#include <tpw/capacity.hpp>
#include <tpw/catalog.hpp>
#include <tpw/electricity.hpp>
#include <tpw/format.hpp>
#include <tpw/model.hpp>
#include <tpw/site.hpp>

namespace cap = tpw::capacity;
namespace units = tpw::units;
using namespace tpw::literals;
using tpw::USD;

int main() {
  // 1. The operating point: the catalog's measured frontier at 75 tok/s per user, a 0.7 s TTFT
  // (derived from the ~649 requests InferenceX reports in flight there), the 8k/1k mix, and an
  // output length as variable as an exponential's (cv 1).
  const tpw::platform& gb200 = tpw::find_platform("gb200-nvl72");
  const tpw::throughput_frontier frontier =
      tpw::frontier_of(*tpw::find_measured("gb200-nvl72", "deepseek-r1", 8192, 1024, "fp8"));
  cap::service_spec point;
  point.accelerators_per_system = gb200.accelerators_per_system;
  point.interactivity = 75.0_tok_per_s;
  point.throughput = frontier.throughput_at(point.interactivity);
  point.ttft = 700.0 * units::ms;
  point.shape = {8192.0 * units::tok, 1024.0 * units::tok};
  point.output_cv = 1.0;
  const cap::service_model service = cap::service_from(point);
  std::printf("a rack: %ld streams, %.2f s a request, %.1f requests/s at full load\n",
              service.streams_per_system, service.holding_time.value(),
              service.system_request_rate().value());

  // 2. The traffic: weekdays peak at 12,000 requests/s from 8am to 2pm, nights at 40%, weekends
  // at 70% of weekdays.
  const std::vector<double> shape{0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.7,  1.0,  1.0,  1.0,  1.0,
                                  1.0, 1.0, 0.9, 0.8, 0.8, 0.7, 0.7, 0.75, 0.75, 0.65, 0.55, 0.45};
  std::vector<double> weekday;
  std::vector<double> weekend;
  for (double s : shape) {
    weekday.push_back(12000.0 * s);
    weekend.push_back(12000.0 * 0.7 * s);
  }
  const auto demand = cap::demand_profile::weekly(weekday, weekend);
  const cap::latency_target target = cap::ttft_percentile_target(2000.0 * units::ms, 0.9, service);

  // 3. The rack as deployed and priced: owned for 4 years at 8%, in a built facility, or rented
  // at the catalog's 4 USD per GPU-hour. The site's 60 MW bound the fleet.
  const tpw::pue pue{1.15};
  const auto rack = [&](double utilization, long systems) {
    auto spec = tpw::bottom_up_deployment(gb200, point.throughput, tpw::fraction{utilization}, pue,
                                          40.0_kW);
    spec.systems = systems;
    return tpw::deployment(spec);
  };
  const long fit = tpw::systems_under_ceiling(rack(1.0, 1), {60.0_MW});
  const auto owned =
      tpw::bottom_up_hardware(gb200, 4.0_yr, tpw::fraction{0.0}, tpw::annual_rate{0.08});
  const tpw::rented_hardware<USD> rented({.rental_per_accelerator = tpw::rental_price_of(gb200)});
  const tpw::built_facility<USD> facility({.build_cost = 11.7e6_USD / units::MW,
                                           .life = 15.0_yr,
                                           .cost_of_capital = tpw::annual_rate{0.08}});
  const tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});

  std::printf("\n%-22s %7s %7s %11s %10s %9s %11s %9s\n", "plan", "racks", "up", "utilization",
              "P(w>t) pk", "TTFT p90", "unserved", "USD/Mtok");
  const auto show = [&](const char* name, const cap::capacity_plan& p, bool rent) {
    const tpw::deployment d = rack(p.utilization, p.systems);
    const auto e =
        rent ? tpw::evaluate(d, rented, energy) : tpw::evaluate(d, owned, facility, energy);
    std::printf("%-22s %7ld %7ld %11s %10.2g %7.0f ms %11s %9.3f\n", name, p.systems, p.systems_up,
                tpw::format_percent(p.utilization).c_str(), p.at_peak.wait_exceeds(target.max_wait),
                in(p.ttft_at_target_percentile, units::ms),
                tpw::format_percent(p.unserved_share()).c_str(),
                in(e.cost_per_token.total, units::usd / units::Mtok));
  };
  cap::capacity_spec spec(demand, service, target);
  spec.max_systems = fit;
  // Owned, for the peak, with racks failing every 700 hours and back in 24.
  spec.rule = cap::fixed_sizing{cap::failure_repair{700.0 * units::h, 24.0 * units::h}};
  const auto fixed = cap::plan_capacity(spec);
  const cap::capacity_spec spec_fixed = spec;
  show("owned, for the peak", fixed, false);
  // Rented hour by hour: each hour's own count.
  spec.rule = cap::elastic_sizing{};
  const auto elastic = cap::plan_capacity(spec);
  show("rented, hour by hour", elastic, true);
  std::printf("  rented: %.0f rack-hours a year, %.0f racks on average\n", elastic.system_hours,
              elastic.system_hours / cap::hours_per_year);
  // The owned fleet's hourly load under a time-of-use tariff (0.06 USD/kWh, 0.10 from 2pm to 8pm
  // in June to September) with a demand charge of 12 USD per kW-month: what it pays per kWh.
  tpw::electricity::tariff<USD> tariff;
  for (int month = 0; month < 12; ++month) {
    for (int hour = 0; hour < 24; ++hour) {
      const bool peak = month >= 5 && month <= 8 && hour >= 14 && hour < 20;
      tariff.time_of_use.push_back((peak ? 0.10 : 0.06) * units::usd / units::kWh);
    }
  }
  tariff.demand_charge = 12.0 * units::usd / units::kW;
  const tpw::deployment one = rack(1.0, 1);
  const cap::system_power draw{one.point().active_power * 72.0, one.point().idle_power * 72.0,
                               pue.value()};
  const auto bill =
      tpw::electricity::bill_of<USD>(cap::hourly_facility_load(spec_fixed, fixed, draw), tariff);
  std::printf("  owned: %.0f MWh a year, energy %s + demand %s = %.4f USD/kWh\n",
              in(bill.used, units::MWh), tpw::format_money(bill.energy_charges).c_str(),
              tpw::format_money(bill.demand_charges).c_str(),
              in(bill.effective_price(), units::usd / units::kWh));
  // Two years on, at 40% growth a year: 23,520 requests/s at the peak, more than 60 MW holds.
  cap::capacity_spec later(demand.scaled(1.4 * 1.4), service, target);
  later.max_systems = fit;
  later.rule = cap::fixed_sizing{cap::failure_repair{700.0 * units::h, 24.0 * units::h}};
  const auto grown = cap::plan_capacity(later);
  show("owned, year 3", grown, false);
  std::printf("  year 3: %ld racks fit in 60 MW of the %ld wanted; %.0f hours a year are short\n",
              grown.systems, grown.systems_wanted, grown.hours_short);

  // 4. Or DGX B200 servers beside the racks, at the same 75 tok/s per user (the catalog's
  // measured frontier) and TTFT, each server failing every 6,250 hours: the least-cost mix for
  // year 1's peak under 60 MW, each platform priced per system-year at the racks' utilization.
  const tpw::platform& b200 = tpw::find_platform("b200");
  cap::service_spec server_point = point;
  server_point.accelerators_per_system = b200.accelerators_per_system;
  server_point.throughput =
      tpw::frontier_of(*tpw::find_measured("b200", "deepseek-r1", 8192, 1024, "fp8"))
          .throughput_at(point.interactivity);
  const cap::service_model server = cap::service_from(server_point);
  const auto per_system_year = [&](const tpw::platform& p, tpw::token_rate throughput,
                                   double system_pue) {
    auto d =
        tpw::bottom_up_deployment(p, throughput, tpw::fraction{fixed.utilization},
                                  tpw::pue{system_pue}, p.system_it_power.value / 3.0 * 1.0_kW);
    const auto hardware =
        tpw::bottom_up_hardware(p, 4.0_yr, tpw::fraction{0.0}, tpw::annual_rate{0.08});
    const tpw::deployment one_system(d);
    const auto e = tpw::evaluate(one_system, hardware, facility, energy);
    return cap::mix_candidate<USD>{
        std::string(p.name),
        {},
        tpw::facility_power_per_system(one_system),
        e.cost_per_accelerator_hour * static_cast<double>(p.accelerators_per_system) * 8760.0,
        {},
        {}};
  };
  auto racks = per_system_year(gb200, point.throughput, 1.15);
  racks.service = service;
  racks.target = target;
  racks.margin = cap::failure_repair{700.0 * units::h, 24.0 * units::h};
  auto servers = per_system_year(b200, server_point.throughput, 1.3);
  servers.service = server;
  servers.target = cap::ttft_percentile_target(2000.0 * units::ms, 0.9, server);
  servers.margin = cap::failure_repair{6250.0 * units::h, 24.0 * units::h};
  const auto mix = cap::least_cost_mix(std::vector{racks, servers},
                                       {demand.peak(), target, spec.approximation, 60.0_MW});
  std::printf("\nmix for %.0f requests/s: %s a year, %.1f MW\n", demand.peak().value(),
              tpw::format_money(mix.cost).c_str(), in(mix.power_used, units::MW));
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& c = k == 0 ? racks : servers;
    std::printf("  %-18s %3ld streams, %s a system-year: %ld installed, %ld up\n", c.name.c_str(),
                c.service.streams_per_system, tpw::format_money(c.cost_per_system_year).c_str(),
                mix.installed[k], mix.systems[k]);
  }
  return 0;
}
