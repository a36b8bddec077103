// tpw/model/economics.hpp: a deployment plus any set of cost components, evaluated into the
// figures an operator or a finance team reads.
#pragma once

#include <concepts>
#include <optional>

#include "tpw/config.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// One figure per cost line, and their total.
template <class Q>
struct cost_breakdown {
  Q hardware{};
  Q facility{};
  Q energy{};
  Q opex{};
  Q total{};
};

// Figures at a token price.
template <currency_type C>
struct revenue_figures {
  token_price<C> price{};                            // shown per Mtok
  money_per_power_time<C> revenue_per_power_time{};  // shown per MW-year
  double gross_margin = 0.0;                         // 1 - cost / revenue
  money<C> revenue_per_accelerator_hour{};  // price * u * T over an hour: beside a rental price
};

template <currency_type C>
struct economics {
  using currency = C;
  cost_breakdown<cost_rate<C>> hourly_cost;       // per accelerator, shown per hour
  cost_breakdown<token_price<C>> cost_per_token;  // shown per Mtok
  money<C> cost_per_accelerator_hour{};
  tokens_per_energy tokens_per_joule{};  // facility, utilization-weighted
  energy_per_token joules_per_token{};
  throughput_density tokens_per_s_per_power{};  // at provisioned facility power; shown per MW
  double energy_share_of_opex = 0.0;            // energy / (energy + facility + opex)
  double energy_share_of_cost = 0.0;            // energy / total
  std::optional<revenue_figures<C>> revenue;    // present when evaluated at a token price
};

namespace detail {

// The cost of one component if it reports under category K, else -0.0: the exact neutral element
// of IEEE addition (x + -0.0 == x for every x), so the compiler drops it and a line with one
// component costs no addition at all.
template <cost_category K, class C, class T>
TPW_HD constexpr cost_rate<C> cost_if(const T& component, const operating_point& op) noexcept {
  if constexpr (T::category == K) {
    return component.hourly_cost(op);
  } else {
    return cost_rate<C>::from_value(-0.0);
  }
}

// One line of the breakdown: the sum of the components in category K, +0 when there are none.
template <cost_category K, class C, class... Ts>
TPW_HD constexpr cost_rate<C> category_cost(const operating_point& op,
                                            const Ts&... components) noexcept {
  if constexpr (((Ts::category == K) || ...)) {
    return (cost_if<K, C>(components, op) + ...);
  } else {
    return cost_rate<C>{};
  }
}

template <class First, class... Rest>
concept same_currency = (std::same_as<typename First::currency, typename Rest::currency> && ...);

}  // namespace detail

// The evaluation every engine calls: allocation-free, exception-free, device-callable. `op` must
// come from validated inputs (a tpw::deployment, or an engine's checked samples).
template <cost_component First, cost_component... Rest>
TPW_HD constexpr economics<typename First::currency> evaluate(
    const operating_point& op, const First& first,
    const Rest&... rest) noexcept requires detail::same_currency<First, Rest...> {
  using C = typename First::currency;
  economics<C> result{};
  cost_breakdown<cost_rate<C>>& hourly = result.hourly_cost;
  hourly.hardware = detail::category_cost<cost_category::hardware, C>(op, first, rest...);
  hourly.facility = detail::category_cost<cost_category::facility, C>(op, first, rest...);
  hourly.energy = detail::category_cost<cost_category::energy, C>(op, first, rest...);
  hourly.opex = detail::category_cost<cost_category::opex, C>(op, first, rest...);
  hourly.total = hourly.hardware + hourly.facility + hourly.energy + hourly.opex;

  result.cost_per_token = {cost_per_token<C>(hourly.hardware, op),
                           cost_per_token<C>(hourly.facility, op),
                           cost_per_token<C>(hourly.energy, op), cost_per_token<C>(hourly.opex, op),
                           cost_per_token<C>(hourly.total, op)};
  result.cost_per_accelerator_hour = hourly.total * detail::one_hour();
  result.tokens_per_joule = tokens_per_joule(op);
  result.joules_per_token = 1.0 / result.tokens_per_joule;
  result.tokens_per_s_per_power = tokens_per_s_per_power(op);
  result.energy_share_of_opex =
      share_of(hourly.energy, hourly.energy + hourly.facility + hourly.opex);
  result.energy_share_of_cost = share_of(hourly.energy, hourly.total);
  return result;
}

// The same at a token price (which must be > 0: engines check it up front).
template <cost_component First, cost_component... Rest>
TPW_HD constexpr economics<typename First::currency> evaluate(
    const operating_point& op, token_price<typename First::currency> price, const First& first,
    const Rest&... rest) noexcept requires detail::same_currency<First, Rest...> {
  using C = typename First::currency;
  economics<C> result = evaluate(op, first, rest...);
  result.revenue = revenue_figures<C>{price, revenue_per_power_time<C>(op, price),
                                      gross_margin<C>(result.cost_per_token.total, price),
                                      price * average_token_rate(op) * detail::one_hour()};
  return result;
}

// Host entry points on a validated deployment.
template <cost_component First, cost_component... Rest>
economics<typename First::currency> evaluate(
    const deployment& d, const First& first,
    const Rest&... rest) noexcept requires detail::same_currency<First, Rest...> {
  return evaluate(d.point(), first, rest...);
}

// Throws tpw::invalid_input when the price is not finite and > 0.
template <cost_component First, cost_component... Rest>
economics<typename First::currency> evaluate(
    const deployment& d, token_price<typename First::currency> price, const First& first,
    const Rest&... rest) requires detail::same_currency<First, Rest...> {
  using C = typename First::currency;
  detail::require_positive("revenue.price_per_mtok", price, units::unit_of<C> / units::Mtok,
                           "per Mtok");
  return evaluate(d.point(), price, first, rest...);
}

}  // namespace tpw
