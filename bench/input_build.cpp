// What a backend pays to build its Monte Carlo inputs and price one deal per request, against the
// cost before PERT and beta tables were shared by shape, side by side in the same run:
//   1. making one PERT input: the table built for it (what every pert() call did before) against
//      pert() of a shape made before (the table shared), and of a new shape (built once);
//   2. a small pricer called again and again: a 5-year project of 8 GB200 NVL72 racks with three
//      PERT inputs, 10,000 samples on one thread, P50 NPV and P(NPV < 0), with and without the
//      three table builds each call made before.
//   build/release/bench/bench_input_build
#include <chrono>
#include <cstdio>
#include <vector>

#include <tpw/mc/project_model.hpp>
#include <tpw/model.hpp>
#include <tpw/model/parameters_of.hpp>
#include <tpw/units.hpp>

namespace {

namespace mc = tpw::mc;
using namespace tpw::literals;
namespace units = tpw::units;
using clock_type = std::chrono::steady_clock;

template <class F>
double seconds_per_call(int calls, F&& call) {
  const auto start = clock_type::now();
  for (int k = 0; k < calls; ++k) call(k);
  return std::chrono::duration<double>(clock_type::now() - start).count() / calls;
}

// The three PERT inputs of the pricer.
struct pert_input {
  tpw::cost_input input;
  double low, mode, high;
};
const pert_input pricer_inputs[] = {{tpw::cost_input::utilization, 0.5, 0.7, 0.85},
                                    {tpw::cost_input::energy_price_per_kwh, 0.05, 0.08, 0.12},
                                    {tpw::cost_input::throughput_tok_s, 4000, 5789.6, 6500}};

// The table a PERT input needed before: built for it alone.
void build_table(const pert_input& p) {
  const double alpha = 1.0 + 4.0 * (p.mode - p.low) / (p.high - p.low);
  const double beta = 1.0 + 4.0 * (p.high - p.mode) / (p.high - p.low);
  const auto t = mc::detail::beta_table::build(mc::detail::beta_dist(alpha, beta));
  if (!t) std::puts("(no table)");
}

double price_deal() {
  const tpw::deployment::spec rack{.accelerators_per_system = 72,
                                   .it_power = 132.0_kW,
                                   .idle_power = 40.0_kW,
                                   .pue = tpw::pue{1.2},
                                   .utilization = tpw::fraction{0.7},
                                   .throughput = 5789.6_tok_per_s};
  const tpw::annual_rate wacc{0.08};
  const auto base = tpw::parameters_of<tpw::USD>(
      rack,
      tpw::owned_hardware<tpw::USD>({.price_per_system = 3.9e6_USD,
                                     .life = 5.0_yr,
                                     .residual_fraction = tpw::fraction{0.1},
                                     .cost_of_capital = wacc}),
      tpw::colocation<tpw::USD>({.rate = 180.0_USD / (units::kW * units::month)}),
      tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh}), 2.0_USD / (1e6 * units::tok));
  std::vector<mc::uncertain_parameter> inputs;
  for (const auto& p : pricer_inputs) {
    inputs.push_back({p.input, mc::distribution::pert(p.low, p.mode, p.high)});
  }
  tpw::cash_flow_plan<tpw::USD> plan;
  plan.operating_years = 5;
  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.08;
  const mc::project_model<tpw::USD> model(base, 8, tpw::project_parameters_of(plan, terms), inputs,
                                          {});
  mc::run_options o;
  o.samples = 10'000;
  o.threads = 1;
  o.probabilities = {0.5};
  o.outputs = {"project_npv"};
  o.exceedances = {{"project_npv", 0.0, 0.0, 0.0, mc::exceedance_side::below}};
  const auto r = mc::run_project(model, o);
  return r.statistics.outputs[0].quantiles[0] + r.statistics.exceedances[0].probability;
}

}  // namespace

int main() {
  std::puts("1. Making one PERT input (pert(0.5, 0.7, 0.85)):");
  const pert_input u = pricer_inputs[0];
  (void)mc::distribution::pert(u.low, u.mode, u.high);  // its shape made once before
  const double before = seconds_per_call(20, [&](int) { build_table(u); });
  const double shared =
      seconds_per_call(20000, [&](int) { (void)mc::distribution::pert(u.low, u.mode, u.high); });
  const double fresh = seconds_per_call(20, [&](int k) {
    (void)mc::distribution::pert(0.0, 0.3 + 1e-4 * k, 1.0);  // a shape not made before
  });
  std::printf("   before (a table per input)       %10.1f us\n", before * 1e6);
  std::printf("   now, a shape made before         %10.3f us   (%.0fx faster)\n", shared * 1e6,
              before / shared);
  std::printf("   now, a shape not made before     %10.1f us   (its table, built once)\n",
              fresh * 1e6);

  std::puts("2. A small pricer (10,000 samples, one thread), calls a second:");
  double sink = 0.0;
  sink += price_deal();  // warm
  const double with_builds = seconds_per_call(40, [&](int) {
    for (const auto& p : pricer_inputs) build_table(p);
    sink += price_deal();
  });
  const double now = seconds_per_call(40, [&](int) { sink += price_deal(); });
  std::printf("   before (three table builds a call) %8.1f calls/s\n", 1.0 / with_builds);
  std::printf("   now                               %8.1f calls/s   (%.1fx)\n", 1.0 / now,
              with_builds / now);
  if (sink == 42.0) std::puts("");
  return 0;
}
