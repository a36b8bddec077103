// tpw/finance/project_lines.hpp: a project's yearly lines and flows as plain numbers, one
// project at a time, with no allocation: the one place the multi-year formulas are written.
//
// tpw::project_cash_flows (cash_flows.hpp) and tpw::finance_project (project.hpp) fill their
// tables through these functions, and the Monte Carlo project model (tpw/mc/project_model.hpp)
// calls the same ones once per sample, so the deterministic report and the distributions cannot
// drift apart. Amounts are in the currency's units, costs positive; year t runs 0 ..
// build_years + operating_years (see cash_flows.hpp for the timeline).
#pragma once

#include <type_traits>

#include "tpw/config.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/contracts.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

namespace detail {

// The longest project: 20 build years, 100 operating years and year 0.
inline constexpr int max_project_years = 121;

// The cash view of `Lanes` projects side by side (tpw::cash_flows as plain numbers): line x of
// project s in year t at x[t * Lanes + s], so that code running the projects' years together reads
// each year's lanes contiguously (the Monte Carlo project model runs a batch's samples eight at a
// time; see project_lane_flows). The projects share the timeline. project_lines is one project.
template <int Lanes>
struct basic_project_lines {
  int build_years = 0;
  int operating_years = 0;
  // The computed years (computed_years) the lines were last cleared for with this timeline, or
  // -1: lines filled since then are zero wherever a filling leaves them (clear_project_lines).
  int cleared_for = -1;
  double hardware_capex[Lanes];  // owned hardware, its first purchase in total
  double facility_capex[Lanes];  // a built facility, its first build in total
  // The whole years each purchase of the hardware (of the facility) serves before it is bought
  // again (service_years_of), and what is bought in each year: the first purchase in the build
  // years' installments (all at t = 0 without a build period), placed in service at operating
  // year 1; a replacement at t = build_years + m, placed in service at operating year m + 1.
  int hardware_service[Lanes];
  int facility_service[Lanes];
  double hardware_bought[max_project_years * Lanes];
  double facility_bought[max_project_years * Lanes];
  double utilization[max_project_years * Lanes];
  double tokens[max_project_years * Lanes];
  double capex[max_project_years * Lanes];
  double revenue[max_project_years * Lanes];
  double energy[max_project_years * Lanes];
  double operating[max_project_years * Lanes];  // every running cost but energy
  double residual[max_project_years * Lanes];
  double accelerators[Lanes];  // how many the lane's project runs (its hourly contracts bill them)

  [[nodiscard]] TPW_HD constexpr int years() const noexcept {
    return build_years + operating_years + 1;
  }
};
using project_lines = basic_project_lines<1>;

// The plan's numbers: the timeline, the utilization ramp (ramp[k - 1] in operating year k, for
// k <= ramp_size; later years run at the operating point's), the energy price ramp (per joule,
// energy_price[k - 1] in operating year k, for k <= energy_price_size; later years at the energy
// component's price), the token price in operating year 1 (per token, on every token made: a
// share sold per token is already in it) and its yearly decline, and the hourly contracts
// (contracts.hpp; their per-token fields unused) when `hourly_contracts` is set.
struct project_plan_numbers {
  int build_years = 0;
  int operating_years = 0;
  const double* ramp = nullptr;
  int ramp_size = 0;
  const double* energy_price = nullptr;
  int energy_price_size = 0;
  double price_per_token = 0.0;
  double price_decline = 0.0;
  double hardware_price_decline = 0.0;  // a replacement's price falls by this share a year
  bool hourly_contracts = false;
  contract_numbers hourly{};
};

// A year's revenue per accelerator-second from the hourly contracts at utilization u, the
// on-demand rate scaled by `decline` (the market's price path; a reservation's rate is fixed).
TPW_HD constexpr double hourly_revenue_rate(const contract_numbers& c, double u,
                                            double decline) noexcept {
  contract_numbers now = c;
  now.on_demand_rate *= decline;
  return hourly_contract_rate(now, u);
}

template <class T>
struct is_owned_hardware : std::false_type {};
template <class C>
struct is_owned_hardware<owned_hardware<C>> : std::true_type {};
template <class T>
struct is_built_facility : std::false_type {};
template <class C>
struct is_built_facility<built_facility<C>> : std::true_type {};
template <class T>
struct is_energy_cost : std::false_type {};
template <class C>
struct is_energy_cost<energy_cost<C>> : std::true_type {};

// Straight-line value of an asset `used` years into a life that ends at `residual` of its cost;
// past its life it keeps the residual.
TPW_HD constexpr double value_left(double residual, double life_years, double used_years) noexcept {
  const double worn = used_years >= life_years ? 1.0 : used_years / life_years;
  return 1.0 - (1.0 - residual) * worn;
}

// The whole operating years a purchase with a life of `life_years` serves before it is bought
// again: its life rounded half up, at least one.
TPW_HD constexpr int service_years_of(double life_years) noexcept {
  const double whole = life_years + 0.5;
  if (!(whole < 1000.0)) return 1000;  // longer than any project
  const int years = static_cast<int>(whole);
  return years < 1 ? 1 : years;
}

// The operating years whose lines are computed one by one: the ramps' years (the utilization's
// and the energy price's, `ramp_size` the longer) and the first year after them. Every later year
// runs at the operating point's utilization and the energy component's price, so its tokens and
// running costs repeat that year's (finish_project_lines copies them); only its revenue differs.
TPW_HD constexpr int computed_years(int ramp_size, int operating_years) noexcept {
  return ramp_size + 1 < operating_years ? ramp_size + 1 : operating_years;
}
TPW_HD constexpr int computed_years(const project_plan_numbers& plan) noexcept {
  return computed_years(
      plan.ramp_size > plan.energy_price_size ? plan.ramp_size : plan.energy_price_size,
      plan.operating_years);
}

// An owned asset's capital lines in lane s: its first purchase (`total`) in the build years'
// installments; while the project lasts beyond a purchase's `service` years, a new one at the
// end of its last year (t = build_years + m), priced total * (1 - decline)^m, the old one sold
// then at its straight-line value (value_left, over its life of `life` years, ending at
// `residual`); the last purchase worth its value at the project's end. `bought` records each
// year's purchases (the tax depreciation reads them).
template <int Lanes>
TPW_HD void replace_asset(basic_project_lines<Lanes>& l, int s, double total, double life,
                          double residual, int service, double decline, double* bought) noexcept {
  const int n = l.operating_years;
  const int installments = l.build_years > 1 ? l.build_years : 1;
  for (int t = 0; t < installments; ++t) {
    l.capex[t * Lanes + s] += total / static_cast<double>(installments);
    bought[t * Lanes + s] += total / static_cast<double>(installments);
  }
  double price = total;
  int from = 0;  // the operating years before the current purchase
  if (service < n) {
    const double sold_at = value_left(residual, life, static_cast<double>(service));
    double step = 1.0;  // (1 - decline)^service
    for (int k = 0; k < service; ++k) step *= 1.0 - decline;
    for (int m = service; m < n; m += service) {
      const int t = (l.build_years + m) * Lanes + s;
      l.residual[t] += price * sold_at;
      price *= step;  // total * (1 - decline)^m
      l.capex[t] += price;
      bought[t] += price;
      from = m;
    }
  }
  l.residual[(l.build_years + n) * Lanes + s] +=
      price * value_left(residual, life, static_cast<double>(n - from));
}

// One component's part of lane s's lines: owned hardware and a built facility are capital, paid
// in equal parts at the start of each build year (all at t = 0 without a build period), bought
// again each time a purchase has served its whole years (service_years_of; the hardware at its
// price falling by plan.hardware_price_decline a year, the facility at its cost), each purchase
// sold at its straight-line value when it is replaced and the last one at the project's end
// (replace_asset); every other component is a running cost paid each operating year at that
// year's utilization (energy on its own line, at the year's price where the plan's energy price
// ramp gives one), here for the computed years (computed_years: `computed`).
template <int Lanes, class T>
TPW_HD void add_component_lines(basic_project_lines<Lanes>& l, int s, const T& component,
                                const operating_point& op, double systems, int computed,
                                const project_plan_numbers& plan) noexcept {
  const double accelerators = op.accelerators_per_system * systems;
  if constexpr (is_owned_hardware<T>::value) {
    const auto& p = component.parameters();
    const double total = p.price_per_system.value() * systems;
    const double life = p.life.value() / units::seconds_per_year;
    l.hardware_capex[s] += total;
    l.hardware_service[s] = service_years_of(life);
    replace_asset(l, s, total, life, p.residual_fraction.value(), l.hardware_service[s],
                  plan.hardware_price_decline, l.hardware_bought);
  } else if constexpr (is_built_facility<T>::value) {
    const auto& p = component.parameters();
    const double total = p.build_cost.value() * op.provisioned_power.value() * accelerators;
    const double life = p.life.value() / units::seconds_per_year;
    l.facility_capex[s] += total;
    l.facility_service[s] = service_years_of(life);
    replace_asset(l, s, total, life, 0.0, l.facility_service[s], 0.0, l.facility_bought);
  } else {
    double* line = T::category == cost_category::energy ? l.energy : l.operating;
    for (int k = 1; k <= computed; ++k) {
      const int t = (l.build_years + k) * Lanes + s;
      operating_point in_year = op;
      in_year.utilization = fraction::unchecked(l.utilization[t]);
      double hourly = component.hourly_cost(in_year).value();
      if constexpr (is_energy_cost<T>::value) {
        if (k <= plan.energy_price_size) {
          hourly =
              energy_cost_rate<typename T::currency>(
                  in_year, energy_price<typename T::currency>::from_value(plan.energy_price[k - 1]))
                  .value();
        }
      }
      line[t] += hourly * units::seconds_per_year * accelerators;
    }
  }
}

// Every lane's lines set to nothing where a lane's filling adds to them or leaves them: the
// capital lines (capex, residual, purchases) over the whole timeline, the other lines up to the
// last computed year (computed_years: `computed`; finish_project_lines writes the years after
// it). Lines cleared before for the same timeline and filled since are zero except where a
// filling writes, so only those entries are cleared again: the capital lines and the computed
// years' running costs (the Monte Carlo project model fills its lines group after group).
template <int Lanes>
TPW_HD void clear_project_lines(basic_project_lines<Lanes>& l, int build_years, int operating_years,
                                int computed) noexcept {
  for (int s = 0; s < Lanes; ++s) {
    l.hardware_capex[s] = 0.0;
    l.facility_capex[s] = 0.0;
    l.hardware_service[s] = operating_years;
    l.facility_service[s] = operating_years;
  }
  const bool same = l.cleared_for == computed && l.build_years == build_years &&
                    l.operating_years == operating_years;
  l.build_years = build_years;
  l.operating_years = operating_years;
  l.cleared_for = computed;
  for (int i = 0; i < l.years() * Lanes; ++i) {
    l.capex[i] = 0.0;
    l.residual[i] = 0.0;
    l.hardware_bought[i] = 0.0;
    l.facility_bought[i] = 0.0;
  }
  if (same) {
    for (int i = (build_years + 1) * Lanes; i < (build_years + computed + 1) * Lanes; ++i) {
      l.energy[i] = 0.0;
      l.operating[i] = 0.0;
    }
    return;
  }
  for (int i = 0; i < (build_years + computed + 1) * Lanes; ++i) {
    l.utilization[i] = 0.0;
    l.tokens[i] = 0.0;
    l.revenue[i] = 0.0;
    l.energy[i] = 0.0;
    l.operating[i] = 0.0;
  }
}

// Lane s's cash view, on cleared lines with the plan's timeline, up to the last computed year
// (computed_years; finish_project_lines completes it): `systems` systems at operating point op (at
// its own utilization outside the ramp) under a plan, with the given cost components: each
// computed year's utilization and tokens, then each component's lines.
template <int Lanes, class... Components>
TPW_HD void fill_project_lane(basic_project_lines<Lanes>& l, int s, const operating_point& op,
                              double systems, const project_plan_numbers& plan,
                              const Components&... components) noexcept {
  const double accelerators = op.accelerators_per_system * systems;
  l.accelerators[s] = accelerators;
  const int computed = computed_years(plan);
  for (int k = 1; k <= computed; ++k) {
    const int t = (plan.build_years + k) * Lanes + s;
    const double u = k <= plan.ramp_size ? plan.ramp[k - 1] : op.utilization.value();
    l.utilization[t] = u;
    operating_point in_year = op;
    in_year.utilization = fraction::unchecked(u);
    l.tokens[t] = average_token_rate(in_year).value() * units::seconds_per_year * accelerators;
  }
  (add_component_lines(l, s, components, op, systems, computed, plan), ...);
}

// Every lane's lines completed after fill_project_lane: the years after the last computed one
// (`computed`) repeat its utilization, tokens and running costs, and each operating year's revenue
// is its tokens at that year's price (lane s: price_per_token[s] in operating year 1, falling by
// price_decline[s] a year), plus, with `hourly` (lane s's hourly contracts at hourly[s]), their
// revenue over the year's hours at its utilization, the on-demand rate falling with the token
// price (hourly_revenue_rate). Written lanes innermost, so that the loops run across the lanes.
template <int Lanes>
TPW_HD void finish_project_lines(basic_project_lines<Lanes>& l, int computed,
                                 const double* price_per_token, const double* price_decline,
                                 const contract_numbers* hourly = nullptr) noexcept {
  const int from = (l.build_years + computed) * Lanes;
  for (int t = from + Lanes; t < l.years() * Lanes; t += Lanes) {
    for (int s = 0; s < Lanes; ++s) {
      l.utilization[t + s] = l.utilization[from + s];
      l.tokens[t + s] = l.tokens[from + s];
      l.energy[t + s] = l.energy[from + s];
      l.operating[t + s] = l.operating[from + s];
    }
  }
  double price[Lanes];
  for (int s = 0; s < Lanes; ++s) price[s] = price_per_token[s];
  for (int k = 1; k <= l.operating_years; ++k) {
    const int t = (l.build_years + k) * Lanes;
    for (int s = 0; s < Lanes; ++s) {
      l.revenue[t + s] = price[s] * l.tokens[t + s];
      price[s] *= 1.0 - price_decline[s];
    }
  }
  if (hourly == nullptr) return;
  double decline[Lanes];
  for (int s = 0; s < Lanes; ++s) decline[s] = 1.0;
  for (int k = 1; k <= l.operating_years; ++k) {
    const int t = (l.build_years + k) * Lanes;
    for (int s = 0; s < Lanes; ++s) {
      l.revenue[t + s] += hourly_revenue_rate(hourly[s], l.utilization[t + s], decline[s]) *
                          units::seconds_per_year * l.accelerators[s];
      decline[s] *= 1.0 - price_decline[s];
    }
  }
}

// The cash view of one project (fill_project_lane and finish_project_lines on its own lines).
template <class... Components>
TPW_HD void fill_project_lines(project_lines& l, const operating_point& op, double systems,
                               const project_plan_numbers& plan,
                               const Components&... components) noexcept {
  const int computed = computed_years(plan);
  clear_project_lines(l, plan.build_years, plan.operating_years, computed);
  fill_project_lane(l, 0, op, systems, plan, components...);
  finish_project_lines(l, computed, &plan.price_per_token, &plan.price_decline,
                       plan.hourly_contracts ? &plan.hourly : nullptr);
}

// What finance_project shows per year beside the flows (tpw::project_year as plain numbers).
struct project_detail {
  double fee[max_project_years];
  double energy[max_project_years];  // escalated
  double other_opex[max_project_years];
  double depreciation[max_project_years];
  double debt_drawn[max_project_years];
  double interest[max_project_years];
  double principal[max_project_years];
  double tax[max_project_years];
  double debt = 0.0;                   // drawn in total
  double construction_interest = 0.0;  // accrued on the debt during the build years
};

}  // namespace detail

}  // namespace tpw
