// A consumer of tpw::mc (and, built again, of tpw::mc_fast): a base from typed terms, a project
// under Monte Carlo, and the chance of a loss. Prints "consumer_mc: " and the figures.
#include <cstdio>

#include <tpw/mc/project_model.hpp>
#include <tpw/model.hpp>
#include <tpw/model/parameters_of.hpp>
#include <tpw/units.hpp>

int main() {
  using namespace tpw::literals;
  namespace mc = tpw::mc;
  namespace units = tpw::units;
  const tpw::annual_rate wacc{0.08};
  const auto base = tpw::parameters_of<tpw::USD>(
      tpw::deployment::spec{.accelerators_per_system = 72,
                            .it_power = 132.0_kW,
                            .idle_power = 40.0_kW,
                            .pue = tpw::pue{1.2},
                            .utilization = tpw::fraction{0.7},
                            .throughput = 5789.6_tok_per_s},
      tpw::owned_hardware<tpw::USD>({.price_per_system = 3.9e6_USD,
                                     .life = 4.0_yr,
                                     .residual_fraction = tpw::fraction{0.1},
                                     .cost_of_capital = wacc}),
      tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh}), 2.0_USD / units::Mtok);
  tpw::cash_flow_plan<tpw::USD> plan;
  plan.operating_years = 4;
  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.08;
  const mc::project_model<tpw::USD> model(
      base, 4, tpw::project_parameters_of(plan, terms),
      {{tpw::cost_input::utilization, mc::distribution::pert(0.5, 0.7, 0.85)}}, {});
  mc::run_options o;
  o.samples = 20'000;
  o.seed = 1;
  o.probabilities = {0.5};
  o.exceedances = {{"project_npv", 0.0, 0.0, 0.0, mc::exceedance_side::below}};
  const auto r = mc::run_project(model, o);
  std::printf("consumer_mc: P50 NPV %.1f M USD, P(NPV < 0) %.3f\n",
              r.statistics.output("project_npv").quantile(0.5) / 1e6,
              r.statistics.exceedances[0].probability);
  return 0;
}
