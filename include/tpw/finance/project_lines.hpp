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
#include "tpw/model/formulas.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

namespace detail {

// The longest project: 20 build years, 100 operating years and year 0.
inline constexpr int max_project_years = 121;

// The cash view of one project (tpw::cash_flows as plain numbers).
struct project_lines {
  int build_years = 0;
  int operating_years = 0;
  double hardware_capex = 0.0;  // owned hardware, in total
  double facility_capex = 0.0;  // a built facility, in total
  double utilization[max_project_years];
  double tokens[max_project_years];
  double capex[max_project_years];
  double revenue[max_project_years];
  double energy[max_project_years];
  double operating[max_project_years];  // every running cost but energy
  double residual[max_project_years];

  [[nodiscard]] TPW_HD constexpr int years() const noexcept {
    return build_years + operating_years + 1;
  }
};

// The plan's numbers: the timeline, the utilization ramp (ramp[k - 1] in operating year k, for
// k <= ramp_size; later years run at the operating point's), the token price in operating year 1
// (per token) and its yearly decline.
struct project_plan_numbers {
  int build_years = 0;
  int operating_years = 0;
  const double* ramp = nullptr;
  int ramp_size = 0;
  double price_per_token = 0.0;
  double price_decline = 0.0;
};

template <class T>
struct is_owned_hardware : std::false_type {};
template <class C>
struct is_owned_hardware<owned_hardware<C>> : std::true_type {};
template <class T>
struct is_built_facility : std::false_type {};
template <class C>
struct is_built_facility<built_facility<C>> : std::true_type {};

// Straight-line value of an asset `used` years into a life that ends at `residual` of its cost;
// past its life it keeps the residual.
TPW_HD constexpr double value_left(double residual, double life_years, double used_years) noexcept {
  const double worn = used_years >= life_years ? 1.0 : used_years / life_years;
  return 1.0 - (1.0 - residual) * worn;
}

// One component's part of the lines: owned hardware and a built facility are capital, paid in
// equal parts at the start of each build year (all at t = 0 without a build period) and worth
// their straight-line value at the end; every other component is a running cost paid each
// operating year at that year's utilization (energy on its own line).
template <class T>
TPW_HD void add_component_lines(project_lines& l, const T& component, const operating_point& op,
                                double systems) noexcept {
  const double accelerators = op.accelerators_per_system * systems;
  const int last = l.build_years + l.operating_years;
  const int installments = l.build_years > 1 ? l.build_years : 1;
  const auto pay_capex = [&](double total) {
    for (int t = 0; t < installments; ++t) l.capex[t] += total / static_cast<double>(installments);
  };
  if constexpr (is_owned_hardware<T>::value) {
    const auto& p = component.parameters();
    const double total = p.price_per_system.value() * systems;
    l.hardware_capex += total;
    pay_capex(total);
    l.residual[last] +=
        total * value_left(p.residual_fraction.value(), p.life.value() / units::seconds_per_year,
                           static_cast<double>(l.operating_years));
  } else if constexpr (is_built_facility<T>::value) {
    const auto& p = component.parameters();
    const double total = p.build_cost.value() * op.provisioned_power.value() * accelerators;
    l.facility_capex += total;
    pay_capex(total);
    l.residual[last] += total * value_left(0.0, p.life.value() / units::seconds_per_year,
                                           static_cast<double>(l.operating_years));
  } else {
    for (int k = 1; k <= l.operating_years; ++k) {
      const int t = l.build_years + k;
      operating_point in_year = op;
      in_year.utilization = fraction::unchecked(l.utilization[t]);
      const double yearly =
          component.hourly_cost(in_year).value() * units::seconds_per_year * accelerators;
      if constexpr (T::category == cost_category::energy) {
        l.energy[t] += yearly;
      } else {
        l.operating[t] += yearly;
      }
    }
  }
}

// The cash view of `systems` systems at operating point op (at its own utilization outside the
// ramp) under a plan, with the given cost components: tokens and revenue each operating year,
// then each component's lines.
template <class... Components>
TPW_HD void fill_project_lines(project_lines& l, const operating_point& op, double systems,
                               const project_plan_numbers& plan,
                               const Components&... components) noexcept {
  l.build_years = plan.build_years;
  l.operating_years = plan.operating_years;
  l.hardware_capex = 0.0;
  l.facility_capex = 0.0;
  for (int t = 0; t < l.years(); ++t) {
    l.utilization[t] = 0.0;
    l.tokens[t] = 0.0;
    l.capex[t] = 0.0;
    l.revenue[t] = 0.0;
    l.energy[t] = 0.0;
    l.operating[t] = 0.0;
    l.residual[t] = 0.0;
  }
  const double accelerators = op.accelerators_per_system * systems;
  double price = plan.price_per_token;  // falls by the decline each year
  for (int k = 1; k <= plan.operating_years; ++k) {
    const int t = plan.build_years + k;
    const double u = k <= plan.ramp_size ? plan.ramp[k - 1] : op.utilization.value();
    l.utilization[t] = u;
    operating_point in_year = op;
    in_year.utilization = fraction::unchecked(u);
    l.tokens[t] = average_token_rate(in_year).value() * units::seconds_per_year * accelerators;
    l.revenue[t] = price * l.tokens[t];
    price *= 1.0 - plan.price_decline;
  }
  (add_component_lines(l, components, op, systems), ...);
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
  double debt = 0.0;  // drawn in total
};

}  // namespace detail

}  // namespace tpw
