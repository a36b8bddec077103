// tpw/mc/plan/project_plan.hpp: a multi-year project's sample as plain numbers, and the project
// model as a plan for the GPU and MPI engines.
//
// project_sample runs one sample's project: tpw's own cash view and flows
// (tpw/finance/project_lines.hpp, the functions tpw::project_cash_flows and tpw::finance_project
// fill their tables with) on the sample's cost parameters and project numbers, with no allocation,
// to its yearly flows and NPVs. mc::project_model (CPU) and project_plan (the radix passes on a
// GPU, an MPI rank or the host) both call it, so the engines cannot drift apart. A plan's figures
// are the cost model's, then project_npv and equity_npv; IRR and payback, which a sample may
// lack, run on the CPU (mc::run_project). No Eigen.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "tpw/config.hpp"
#include "tpw/finance/measures.hpp"
#include "tpw/finance/project.hpp"
#include "tpw/finance/project_lines.hpp"
#include "tpw/finance/project_parameters.hpp"
#include "tpw/mc/plan/cost_plan.hpp"

namespace tpw::mc {

namespace detail {

// The working memory of Lanes samples' projects, laid out by lane (tpw::detail::
// basic_project_lines): only the project's years of each array are written.
template <int Lanes>
struct basic_project_work {
  tpw::detail::basic_project_lines<Lanes> lines;
  double hardware[max_ramp_years * Lanes];  // the tax lines per operating year (tax_view)
  double facility[max_ramp_years * Lanes];
  double book_sold[max_ramp_years * Lanes];
  double construction[max_ramp_years * Lanes];
  double project[tpw::detail::max_project_years * Lanes];  // flows
  double equity[tpw::detail::max_project_years * Lanes];
  int years = 0;
  double discount_rate[Lanes];
};
// One sample's project working memory.
using project_work = basic_project_work<1>;

struct project_npvs {
  double project = 0.0;
  double equity = 0.0;
};

// Lanes samples' projects side by side: sample s's flows (in w, lane s) and NPVs (project_npv[s],
// equity_npv[s]), from its cost parameters p[s] over systems[s] systems and its project numbers
// q[s], with the tax depreciation of a unit of hardware and of facility per operating year. The
// samples share the project's timeline, its ramp's length and the debt's term (whole numbers,
// never uncertain). Each sample's numbers are those it has on its own (Lanes = 1); the CPU engine
// runs eight at a time, so that the years' dependency chains of eight samples overlap. With more
// than one lane, equity_npv may be null: the equity's flows and NPVs are then skipped (w.equity is
// left as it was), for a run that reads no equity figure.
template <currency_type C, int Lanes>
TPW_HD void project_lane_samples(const cost_parameters* p, const project_parameters* q,
                                 const double* systems, const double* hardware_schedule,
                                 const double* facility_schedule, basic_project_work<Lanes>& w,
                                 double* project_npv, double* equity_npv) noexcept {
  const int n = q[0].operating_years;
  const int computed = tpw::detail::computed_years(q[0].plan_numbers(0.0));
  tpw::detail::clear_project_lines(w.lines, q[0].build_years, n, computed);
  project_terms terms[Lanes];
  double price_per_token[Lanes];
  double price_decline[Lanes];
  tpw::detail::contract_numbers hourly[Lanes];
  bool any_hourly = false;
  for (int s = 0; s < Lanes; ++s) {
    const operating_point op = tpw::detail::operating_point_of(p[s]);
    // The token price on the share sold per token; the hourly contracts apart.
    hourly[s] = tpw::detail::contract_numbers_of(p[s]);
    any_hourly = any_hourly || p[s].on_demand || p[s].reserved;
    const double price = hourly[s].per_token_share * hourly[s].price_per_token;
    const tpw::detail::project_plan_numbers plan = q[s].plan_numbers(price);
    with_cost_components<C>(p[s], [&](const auto&... components) {
      tpw::detail::fill_project_lane(w.lines, s, op, systems[s], plan, components...);
      return 0;
    });
    price_per_token[s] = plan.price_per_token;
    price_decline[s] = plan.price_decline;
    terms[s] = q[s].terms_at(p[s][cost_input::cost_of_capital]);
  }
  tpw::detail::finish_project_lines(w.lines, computed, price_per_token, price_decline,
                                    any_hourly ? hourly : nullptr);
  tpw::detail::project_tax_lines(w.lines, terms, hardware_schedule, facility_schedule, w.hardware,
                                 w.facility, w.book_sold, w.construction);
  const tpw::detail::tax_view taxes{w.hardware, w.facility, w.book_sold, w.construction};
  w.years = w.lines.years();
  for (int s = 0; s < Lanes; ++s) w.discount_rate[s] = terms[s].discount_rate;
  // The NPVs of the flows as discounted: at the end of each year, or under the mid-year
  // convention (tpw::detail::mid_year_flow) with an operating year's running part half a year
  // earlier, its capex and sales where they are.
  const bool mid_year = terms[0].discounting == discounting_convention::mid_year;
  const int build = w.lines.build_years;
  const auto npvs = [&](const double* flows, const double* rates, double* out) {
    if (!mid_year) {
      tpw::detail::lane_npvs<Lanes>(
          w.years, [flows](int t, int s) { return flows[t * Lanes + s]; }, rates, out);
      return;
    }
    double half[Lanes];
    for (int s = 0; s < Lanes; ++s) half[s] = tpw::detail::sqrt_of(1.0 + rates[s]);
    tpw::detail::lane_npvs<Lanes>(
        w.years,
        [&](int t, int s) {
          const double f = flows[t * Lanes + s];
          if (t <= build) return f;
          const double capital = w.lines.residual[t * Lanes + s] - w.lines.capex[t * Lanes + s];
          return tpw::detail::mid_year_flow(f, capital, half[s]);
        },
        rates, out);
  };
  if constexpr (Lanes > 1) {
    if (equity_npv == nullptr) {
      tpw::detail::project_lane_flows<Lanes, false>(w.lines, terms, taxes, w.project, nullptr,
                                                    nullptr);
      npvs(w.project, w.discount_rate, project_npv);
      return;
    }
  }
  tpw::detail::project_lane_flows(w.lines, terms, taxes, w.project, w.equity, nullptr);
  double equity_rates[Lanes];
  for (int s = 0; s < Lanes; ++s) equity_rates[s] = terms[s].equity_discount_rate;
  npvs(w.project, w.discount_rate, project_npv);
  npvs(w.equity, equity_rates, equity_npv);
}

// One sample's project: its flows (in w) and NPVs.
template <currency_type C>
TPW_HD project_npvs project_sample(const cost_parameters& p, const project_parameters& q,
                                   double systems, const double* hardware_schedule,
                                   const double* facility_schedule, project_work& w) noexcept {
  project_npvs npvs;
  project_lane_samples<C, 1>(&p, &q, &systems, hardware_schedule, facility_schedule, w,
                             &npvs.project, &npvs.equity);
  return npvs;
}

}  // namespace detail

// The most uncertain project numbers a plan carries.
inline constexpr std::size_t max_plan_project_inputs = 12;

// The project model as plain data (mc::project_model::plan()): the cost model's base and slots,
// the project's numbers and slots, and every input's distribution (the cost inputs first).
struct project_plan {
  static constexpr std::size_t max_inputs = cost_input_count + max_plan_project_inputs;

  cost_parameters base;
  std::uint32_t cost_inputs = 0;
  std::array<cost_input, cost_input_count> cost_slots{};
  project_parameters project;
  double systems = 1.0;
  std::array<double, max_ramp_years> hardware_schedule{};
  std::array<double, max_ramp_years> facility_schedule{};
  std::uint32_t project_inputs = 0;
  std::array<std::uint32_t, max_plan_project_inputs> project_slots{};
  std::uint32_t inputs = 0;  // cost_inputs + project_inputs
  std::array<distribution_params, max_inputs> dists{};
  bool correlated = false;
  std::array<double, max_inputs * max_inputs> cholesky{};

  [[nodiscard]] TPW_HD constexpr std::uint32_t cost_outputs() const noexcept {
    return has_revenue(base) ? static_cast<std::uint32_t>(cost_output_count)
                             : static_cast<std::uint32_t>(cost_output_count - 2);
  }
  [[nodiscard]] TPW_HD constexpr std::uint32_t outputs() const noexcept {
    return cost_outputs() + 2;
  }
  [[nodiscard]] const char* output_name(std::uint32_t k) const noexcept {
    return k < cost_outputs() ? cost_output_names[k] : project_figure_names[k - cost_outputs()];
  }
  [[nodiscard]] const char* input_name(std::uint32_t k) const noexcept {
    if (k < cost_inputs) return rule_of(cost_slots[k]).path;
    const std::size_t slot = project_slots[k - cost_inputs];
    return slot < project_ramp_slot ? project_input_rules[slot].path
                                    : ramp_paths[slot - project_ramp_slot];
  }

  // The figures with the uncertain inputs at x (in the plan's order).
  template <currency_type C>
  TPW_HD void figures_at(const double* x, double* y) const noexcept {
    cost_parameters p = base;
    for (std::uint32_t k = 0; k < cost_inputs; ++k) p[cost_slots[k]] = x[k];
    project_parameters q = project;
    for (std::uint32_t k = 0; k < project_inputs; ++k) {
      q.values[project_slots[k]] = x[cost_inputs + k];
    }
    cost_figures<C>(p, y);
    detail::project_work w;
    const detail::project_npvs npv = detail::project_sample<C>(
        p, q, systems, hardware_schedule.data(), facility_schedule.data(), w);
    y[cost_outputs()] = npv.project;
    y[cost_outputs() + 1] = npv.equity;
  }
  // Sample i: its uncertain inputs (x) and figures (y).
  template <currency_type C>
  TPW_HD void figures(const design_view& design, std::uint64_t i, double* x,
                      double* y) const noexcept {
    plan_inputs<max_inputs>(*this, design, i, x);
    figures_at<C>(x, y);
  }

  // "finance.utilization_ramp[k]" for the first years a plan may make uncertain.
  static constexpr std::array<const char*, max_plan_project_inputs> ramp_paths{
      "finance.utilization_ramp[0]",  "finance.utilization_ramp[1]",
      "finance.utilization_ramp[2]",  "finance.utilization_ramp[3]",
      "finance.utilization_ramp[4]",  "finance.utilization_ramp[5]",
      "finance.utilization_ramp[6]",  "finance.utilization_ramp[7]",
      "finance.utilization_ramp[8]",  "finance.utilization_ramp[9]",
      "finance.utilization_ramp[10]", "finance.utilization_ramp[11]"};
};

}  // namespace tpw::mc
