// tpw/finance/cash_flows.hpp: a deployment's multi-year cash flows, and the accounting view.
//
// The cash view uses the same deployment and cost components as the levelized model, read as a
// finance team reads them: owned hardware and a built facility are capital paid up front (or over
// a build period) and sold or written down at the end; everything else (rented hardware,
// colocation, energy, opex, a user's own component) is a running cost paid each year at that
// year's utilization. Revenue follows a utilization ramp and a yearly token-price decline.
#pragma once

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/finance/project_lines.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/contracts.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// What happens when owned hardware or a built facility reaches the end of its life within the
// project.
enum class replacement_rule {
  at_end_of_life,  // bought again (the default): see cash_flow_plan
  none,            // never: a project that outlives an owned asset's life is refused
};

// The timeline. Capex is paid in equal parts at the start of each build year (all at t = 0 when
// build_years is 0); operating year k (1, 2, ...) ends at t = build_years + k; the residual value
// comes at the end of the last operating year.
//
// Replacement: a purchase of owned hardware (or a built facility) serves its life rounded to
// whole years (half up, at least 1); when the project goes on after that, a new one is bought at
// the end of the purchase's last operating year m (t = build_years + m), the hardware at its
// first price times (1 - hardware_price_decline_per_year)^m, the facility at its first cost, and
// the old one is sold then at its straight-line value (its residual fraction once its life is
// over). At the project's end the last purchase is worth its straight-line value for the years it
// served.
template <currency_type C>
struct cash_flow_plan {
  int operating_years = 0;  // the horizon, usually the economic life: 1..100
  int build_years = 0;      // 0..20
  // Utilization in operating years 1, 2, ... (a ramp); later years run at the deployment's.
  std::vector<fraction> utilization_ramp{};
  // The energy price in operating years 1, 2, ... (a ramp: a tariff's bill on each year's own
  // load, a price path); later years at the energy component's price. Escalation applies on top.
  std::vector<energy_price<C>> energy_price_ramp{};
  token_price<C> price{};  // in operating year 1; zero means no revenue is counted
  fraction price_decline_per_year = fraction::unchecked(0.0);  // price falls by this share yearly
  replacement_rule replacement = replacement_rule::at_end_of_life;
  // A replacement's price falls by this share a year (price-performance); 0 keeps it flat.
  fraction hardware_price_decline_per_year = fraction::unchecked(0.0);
  // Hourly contracts (tpw/model/contracts.hpp): the token price then applies to the share of the
  // accelerators they leave. An on-demand rate follows the price decline; a reserved rate is
  // fixed for the whole project.
  std::optional<on_demand_contract<C>> on_demand{};
  std::optional<reserved_contract<C>> reserved{};
};

// Every line is an amount in year t = 0 .. build_years + operating_years; costs are positive.
template <currency_type C>
struct cash_flows {
  int build_years = 0;
  int operating_years = 0;
  money<C> hardware_capex{};  // owned hardware, its first purchase in total
  money<C> facility_capex{};  // a built facility, its first build in total
  // Each year's purchases, first and replacements (cash_flow_plan), and the whole years each
  // purchase serves; empty lines (a hand-made view): the first purchase only, serving to the end.
  std::vector<money<C>> hardware_purchases;
  std::vector<money<C>> facility_purchases;
  int hardware_service_years = 0;
  int facility_service_years = 0;
  std::vector<double> utilization;  // 0 outside operation
  std::vector<tokens> tokens_made;
  std::vector<money<C>> capex;
  std::vector<money<C>> revenue;
  std::vector<money<C>> energy;
  std::vector<money<C>> operating;  // every running cost but energy
  std::vector<money<C>> residual;   // sale or remaining book value at the end
  std::vector<money<C>> net;        // revenue + residual - capex - energy - operating

  // The first purchases; replacements are in the capex line.
  [[nodiscard]] money<C> investment() const noexcept { return hardware_capex + facility_capex; }
  [[nodiscard]] money<C> total_capex() const noexcept { return sum(capex); }
  [[nodiscard]] money<C> total_revenue() const noexcept { return sum(revenue); }
  // The trade press's "15x": total token revenue over the first investment, not a return (see
  // return_on_investment and multiple_on_invested_capital). Empty without capex.
  [[nodiscard]] std::optional<double> revenue_multiple() const noexcept {
    if (investment().value() <= 0.0) return std::nullopt;
    return total_revenue() / investment();
  }
  // The year index of operating year k (k = 1 .. operating_years).
  [[nodiscard]] int year_of_operation(int k) const noexcept { return build_years + k; }

 private:
  static money<C> sum(const std::vector<money<C>>& line) noexcept {
    money<C> total{};
    for (const auto& amount : line) total += amount;
    return total;
  }
};

namespace detail {

// A plan's revenue as checked contracts (only with an hourly contract).
template <currency_type C>
revenue_contracts<C> plan_contracts(const cash_flow_plan<C>& plan) {
  typename revenue_contracts<C>::spec s;
  if (plan.price.value() > 0.0) s.per_token = plan.price;
  s.on_demand = plan.on_demand;
  s.reserved = plan.reserved;
  return revenue_contracts<C>(s);
}

template <currency_type C>
void validate_plan(const cash_flow_plan<C>& plan) {
  require_years("finance.operating_years", plan.operating_years);
  require_years("finance.build_years", plan.build_years, 0, 20);
  if (plan.utilization_ramp.size() > static_cast<std::size_t>(plan.operating_years)) {
    throw invalid_input("finance.utilization_ramp.size",
                        static_cast<double>(plan.utilization_ramp.size()),
                        "must not be longer than operating_years");
  }
  if (plan.energy_price_ramp.size() > static_cast<std::size_t>(plan.operating_years)) {
    throw invalid_input("finance.energy_price_ramp.size",
                        static_cast<double>(plan.energy_price_ramp.size()),
                        "must not be longer than operating_years");
  }
  for (std::size_t k = 0; k < plan.energy_price_ramp.size(); ++k) {
    require_non_negative("finance.energy_price_ramp[" + std::to_string(k) + "]",
                         plan.energy_price_ramp[k], units::unit_of<C> / units::kWh, "per kWh");
  }
  require_non_negative("finance.price_per_mtok", plan.price, units::unit_of<C> / units::Mtok,
                       "per Mtok");
  if (!(plan.hardware_price_decline_per_year.value() < 1.0)) {
    throw invalid_input("finance.hardware_price_decline_per_year",
                        plan.hardware_price_decline_per_year.value(),
                        "must be in [0, 1): the share a replacement's price falls each year");
  }
  if (plan.on_demand || plan.reserved) (void)plan_contracts(plan);
}

// Under replacement_rule::none, a project no owned asset's life is shorter than.
template <class... Components>
void require_no_replacement(const project_lines& l, const Components&... components) {
  const auto check = [&](const auto& c) {
    using T = std::remove_cvref_t<decltype(c)>;
    if constexpr (is_owned_hardware<T>::value || is_built_facility<T>::value) {
      require_life_covers(
          is_owned_hardware<T>::value ? "costs.hardware.life_years" : "costs.facility.life_years",
          c.parameters().life.value() / units::seconds_per_year, l.operating_years);
    }
  };
  (check(components), ...);
}

}  // namespace detail

// The yearly cash flows of a deployment under a plan, with the given cost components.
template <cost_component First, cost_component... Rest>
cash_flows<typename First::currency> project_cash_flows(
    const deployment& d, const cash_flow_plan<typename First::currency>& plan, const First& first,
    const Rest&... rest) requires detail::same_currency<First, Rest...> {
  using C = typename First::currency;
  detail::validate_plan(plan);
  const auto years = static_cast<std::size_t>(plan.build_years + plan.operating_years + 1);
  std::vector<double> ramp;
  for (const fraction& u : plan.utilization_ramp) ramp.push_back(u.value());
  std::vector<double> energy_prices;
  for (const auto& price : plan.energy_price_ramp) energy_prices.push_back(price.value());
  detail::project_plan_numbers numbers;
  numbers.build_years = plan.build_years;
  numbers.operating_years = plan.operating_years;
  numbers.ramp = ramp.data();
  numbers.ramp_size = static_cast<int>(ramp.size());
  numbers.energy_price = energy_prices.data();
  numbers.energy_price_size = static_cast<int>(energy_prices.size());
  numbers.price_per_token = plan.price.value();
  numbers.price_decline = plan.price_decline_per_year.value();
  numbers.hardware_price_decline = plan.hardware_price_decline_per_year.value();
  if (plan.on_demand || plan.reserved) {
    numbers.hourly_contracts = true;
    numbers.hourly = detail::contract_numbers_of(detail::plan_contracts(plan));
    numbers.price_per_token = numbers.hourly.per_token_share * numbers.hourly.price_per_token;
  }
  const auto lines = std::make_unique<detail::project_lines>();
  detail::fill_project_lines(*lines, d.point(), static_cast<double>(d.systems()), numbers, first,
                             rest...);

  if (plan.replacement == replacement_rule::none) {
    detail::require_no_replacement(*lines, first, rest...);
  }

  cash_flows<C> flows;
  flows.build_years = plan.build_years;
  flows.operating_years = plan.operating_years;
  flows.hardware_capex = money<C>::from_value(lines->hardware_capex[0]);
  flows.facility_capex = money<C>::from_value(lines->facility_capex[0]);
  flows.hardware_service_years = lines->hardware_service[0];
  flows.facility_service_years = lines->facility_service[0];
  const auto line = [&](const double* values) {
    std::vector<money<C>> out(years);
    for (std::size_t t = 0; t < years; ++t) out[t] = money<C>::from_value(values[t]);
    return out;
  };
  flows.utilization.assign(lines->utilization, lines->utilization + years);
  for (std::size_t t = 0; t < years; ++t) {
    flows.tokens_made.push_back(tokens::from_value(lines->tokens[t]));
  }
  flows.capex = line(lines->capex);
  flows.revenue = line(lines->revenue);
  flows.energy = line(lines->energy);
  flows.operating = line(lines->operating);
  flows.residual = line(lines->residual);
  flows.hardware_purchases = line(lines->hardware_bought);
  flows.facility_purchases = line(lines->facility_bought);
  flows.net.resize(years);
  for (std::size_t t = 0; t < years; ++t) {
    flows.net[t] = flows.revenue[t] + flows.residual[t] - flows.capex[t] - flows.energy[t] -
                   flows.operating[t];
  }
  return flows;
}

// --- The accounting view ------------------------------------------------------------------------

template <currency_type C>
struct income_year {
  int year = 0;  // the cash-flow year index t
  money<C> revenue{};
  money<C> ebitda{};  // revenue - energy - running costs
  money<C> depreciation{};
  money<C> ebit{};  // ebitda - depreciation
};

// EBITDA, depreciation and EBIT for each operating year. `depreciation` holds the charge for
// operating years 1, 2, ... (the sum of the schedules of the depreciated assets, which start
// depreciating when placed in service); charges past the horizon are not shown.
template <currency_type C>
std::vector<income_year<C>> income_statement(const cash_flows<C>& flows,
                                             const std::vector<money<C>>& depreciation) {
  std::vector<income_year<C>> statement;
  statement.reserve(static_cast<std::size_t>(flows.operating_years));
  for (int k = 1; k <= flows.operating_years; ++k) {
    const auto t = static_cast<std::size_t>(flows.year_of_operation(k));
    income_year<C> year;
    year.year = static_cast<int>(t);
    year.revenue = flows.revenue[t];
    year.ebitda = flows.revenue[t] - flows.energy[t] - flows.operating[t];
    if (static_cast<std::size_t>(k) <= depreciation.size()) {
      year.depreciation = depreciation[static_cast<std::size_t>(k - 1)];
    }
    year.ebit = year.ebitda - year.depreciation;
    statement.push_back(year);
  }
  return statement;
}

// Adds depreciation schedules year by year (hardware over 6 years plus a facility over 20, say).
template <money_type M>
std::vector<M> combined_schedule(const std::vector<M>& a, const std::vector<M>& b) {
  std::vector<M> sum(std::max(a.size(), b.size()), M{});
  for (std::size_t i = 0; i < a.size(); ++i) sum[i] += a[i];
  for (std::size_t i = 0; i < b.size(); ++i) sum[i] += b[i];
  return sum;
}

}  // namespace tpw
