// Break-even questions as a finance backend asks them of tpw: a five-year deal for 8 GB200 NVL72
// racks, held as a scenario document (the JSON a backend stores), asked backwards. What token
// price makes the project's NPV zero? What price keeps the chance of a loss at 5%? What
// utilization does the deal need for a 20% IRR, and what is the most a rack may cost for it?
// Then the root finder itself, on a figure of the backend's own that turns (two roots). The
// throughput: InferenceX's measured GB200 NVL72 frontier on DeepSeek-R1 8k/1k fp8 (the default
// study's GB200 file), at 75 tok/s per user.
// docs/solve.md states the method. Built and run by the test suite, which compares its output
// with break_even.output.
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include <tpw/format.hpp>
#include <tpw/io/solve.hpp>

int main() {
  const nlohmann::json deal = nlohmann::json::parse(R"({
    "name": "8 GB200 NVL72 racks, 5 years",
    "platform": "gb200-nvl72",
    "workload": {"input_tokens": 8192, "output_tokens": 1024},
    "frontier": {"points": [[75, 5789.6], [120, 3987.5], [164, 817.8]],
                 "min_interactivity_tok_s_user": 75},
    "deployment": {"systems": 8,
                   "utilization": {"dist": "triangular", "low": 0.4, "mode": 0.6, "high": 0.8}},
    "costs": {"cost_of_capital": 0.09,
              "hardware": {"life_years": 5, "residual_fraction": 0.1},
              "facility": {"colocation_per_kw_month": 180},
              "energy": {"price_per_kwh": {"dist": "uniform", "low": 0.06, "high": 0.12},
                         "pue": 1.2},
              "opex": {"maintenance_fraction_per_year": 0.03}},
    "revenue": {"price_per_mtok": 1.0},
    "finance": {"operating_years": 5, "price_decline_per_year": 0.15, "tax": {"rate": 0.21}},
    "uncertainty": {"samples": 200000, "seed": 11}
  })");

  // 1. Goals in the one-line form (tpw::io::goal_from_text; a tpw::solve::goal may also be built
  // field by field). A Monte Carlo statistic reruns the deal on the same seed at every trial.
  for (const std::string text :
       {"revenue.price_per_mtok:project_npv=0", "revenue.price_per_mtok:P(project_npv<=0)=0.05",
        "deployment.utilization:project_irr=0.2", "costs.hardware.price:project_irr=0.2"}) {
    const tpw::solve::goal_result r = tpw::io::solve_goal(deal, {}, tpw::io::goal_from_text(text));
    std::printf("%s\n", tpw::solve::describe(r.asked).c_str());
    if (!r.reached()) {
      std::printf("  out of reach: closest %.6g at %.6g\n", r.found.reached->closest,
                  r.found.reached->at_closest);
      continue;
    }
    const tpw::solve::root& root = r.found.roots.front();
    const std::string runs = std::to_string(r.found.evaluations) + " runs" +
                             (r.samples > 0 ? " of " + std::to_string(r.samples) + " samples" : "");
    // The statistic at the root (a chance, here) is within one sample of the target; a point
    // figure's residual is rounding, not worth printing.
    const std::string there =
        r.samples > 0 ? ", the chance there " + tpw::format_number(root.value) : std::string();
    std::printf("  %s (the deal's own: %s)%s, %s\n", tpw::format_number(root.x).c_str(),
                tpw::format_number(r.given.value_or(NAN)).c_str(), there.c_str(), runs.c_str());
  }

  // 2. The root finder on a figure the backend computes itself: a revenue share that peaks (a
  // price elasticity curve), 1.2 M USD a year at a price of p USD per Mtok making p * 2e6 *
  // exp(-p / 2) USD: which prices earn 1.2 M? Two, one each side of the peak at p = 2.
  const auto revenue = [](double p) -> std::optional<double> { return p * 2e6 * std::exp(-p / 2); };
  const tpw::solve::roots_found both = tpw::solve::find_roots(revenue, 1.2e6, {0.01, 20.0});
  std::printf("revenue(p) = 1.2 M: %zu roots,", both.roots.size());
  for (const auto& r : both.roots) std::printf(" %.4f", r.x);
  std::printf(" (the figure turns: %s)\n", both.monotone ? "no" : "yes");
  return 0;
}
