// A deal pricer as a finance backend writes it on tpw: 8 GB200 NVL72 racks for 5 years, priced
// two ways at one rate per GPU-hour: reserved take-or-pay (billed whether used or not) and rented
// out on demand (billed per hour used). Every input comes from typed terms or the catalog; the
// uncertain ones are utilization, the power price and the catalog's own estimate ranges.
// Built and run by the test suite, which compares its output with deal_pricer.output.
#include <cstdio>

#include <tpw/catalog.hpp>
#include <tpw/format.hpp>
#include <tpw/mc/catalog_inputs.hpp>
#include <tpw/mc/project_model.hpp>
#include <tpw/model.hpp>
#include <tpw/model/contracts.hpp>
#include <tpw/model/parameters_of.hpp>

namespace mc = tpw::mc;
namespace units = tpw::units;
using namespace tpw::literals;
using tpw::USD;

int main() {
  // 1. The catalog: the rack, its measured frontier, its throughput at 40 tok/s per user.
  const tpw::platform& gb200 = tpw::find_platform("gb200-nvl72");
  const tpw::throughput_frontier frontier =
      tpw::frontier_of(*tpw::find_measured("gb200-nvl72", "deepseek-r1", 8192, 1024, "fp8"));
  const tpw::token_rate target = 40.0_tok_per_s;
  const tpw::deployment::spec rack = tpw::bottom_up_deployment(
      gb200, frontier.throughput_at(target), tpw::fraction{0.7}, tpw::pue{1.2}, 40.0_kW);
  std::printf("%s: %.0f kW, %s a rack, %.0f tok/s per GPU at %.0f tok/s per user%s\n",
              std::string(gb200.name).c_str(), in(tpw::it_power_of(gb200), units::kW),
              tpw::format_money(tpw::price_of(gb200)).c_str(),
              in(rack.throughput, units::tok / units::second),
              in(target, units::tok / units::second),
              frontier.clamped(target) ? " (below the first measured point)" : "");

  // 2. Typed terms (a cost base is made from them in 4: no slot or flag written by hand).
  const tpw::annual_rate wacc{0.08};
  const auto hardware = tpw::bottom_up_hardware(gb200, 5.0_yr, tpw::fraction{0.1}, wacc);
  const tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});
  const tpw::opex<USD> running({.maintenance_fraction_per_year = tpw::fraction{0.03},
                                .hardware_price_per_system = tpw::price_of(gb200),
                                .software_per_accelerator = 4500.0_USD / units::year});
  // 3. The two contracts at 3.00 USD per GPU-hour (the catalog's retail rental: 4.00).
  const auto rate = 3.0_USD / units::hour;
  const tpw::revenue_contracts<USD> reserved(
      {.reserved = tpw::reserved_contract<USD>{.price_per_accelerator = rate}});
  const tpw::revenue_contracts<USD> on_demand(
      {.on_demand = tpw::on_demand_contract<USD>{.price_per_accelerator = rate}});
  const tpw::deployment one(rack);
  for (const auto* c : {&reserved, &on_demand}) {
    const auto e = tpw::evaluate(one, *c, hardware, energy, running);
    std::printf("%-10s revenue %s per GPU-hour, cost %s, margin %s\n",
                c == &reserved ? "reserved" : "on demand",
                tpw::format_money(e.revenue->revenue_per_accelerator_hour).c_str(),
                tpw::format_money(e.cost_per_accelerator_hour).c_str(),
                tpw::format_percent(e.revenue->gross_margin).c_str());
  }

  // 4. The project under Monte Carlo: 8 racks over 5 years at 8%, each contract on its own base
  // (parameters_of sets its flag and its numbers together).
  tpw::cash_flow_plan<USD> plan;
  plan.operating_years = 5;
  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.08;
  std::vector<mc::uncertain_parameter> uncertain = mc::uncertain_estimates(gb200);
  uncertain.push_back({tpw::cost_input::utilization, mc::distribution::pert(0.5, 0.7, 0.85)});
  uncertain.push_back(
      {tpw::cost_input::energy_price_per_kwh, mc::distribution::pert(0.05, 0.08, 0.12)});
  std::printf("\n%-10s %10s %10s %10s %12s %12s %13s\n", "NPV (M USD)", "P5", "P50", "P95",
              "P(NPV < 0)", "P(NPV <= 0)", "P(IRR > 15%)");
  for (const bool take_or_pay : {true, false}) {
    const tpw::cost_parameters base = tpw::parameters_of<USD>(rack, hardware, energy, running,
                                                              take_or_pay ? reserved : on_demand);
    const mc::project_model<USD> model(base, 8, tpw::project_parameters_of(plan, terms), uncertain,
                                       {});
    mc::run_options o;
    o.samples = 50'000;
    o.seed = 2026;
    o.probabilities = {0.05, 0.5, 0.95};
    using side = mc::exceedance_side;
    o.exceedances = {{"project_npv", 0.0, 0.0, 0.0, side::below},
                     {"project_npv", 0.0, 0.0, 0.0, side::at_or_below},
                     {"project_irr", 0.15, 0.0, 0.0, side::above}};
    const auto r = mc::run_project(model, o);
    const auto& npv = r.statistics.output("project_npv");
    const auto& p = r.statistics.exceedances;
    std::printf("%-11s %10.1f %10.1f %10.1f %12s %12s %13s\n",
                take_or_pay ? "reserved" : "on demand", npv.quantile(0.05) / 1e6,
                npv.quantile(0.5) / 1e6, npv.quantile(0.95) / 1e6,
                tpw::format_percent(p[0].probability).c_str(),
                tpw::format_percent(p[1].probability).c_str(),
                tpw::format_percent(p[2].probability).c_str());
  }
  return 0;
}
