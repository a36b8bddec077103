// tpw/model/formulas.hpp: every cost and efficiency formula of tpw, written once.
//
// The deterministic evaluation, the CPU Monte Carlo and the CUDA Monte Carlo call these same
// inline functions: no allocation, no exceptions, no virtual calls, callable on the device.
// Everything is per accelerator. H = 8760 hours = units::year.
#pragma once

#include <cmath>

#include "tpw/config.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

namespace detail {

// One hour and one year as quantities made in place: device code cannot refer to the host's
// constants units::hour and units::year.
TPW_HD constexpr duration one_hour() noexcept {
  return duration::from_value(units::seconds_per_hour);
}
TPW_HD constexpr duration one_year() noexcept {
  return duration::from_value(units::seconds_per_year);
}

// The finance formulas for a life already in years: the public functions below and the owned
// hardware cost share them, so the life is converted once per evaluation.
//
// Both come from one exponent g = -L ln(1 + r): the discount factor (1 + r)^-L = e^g, and
// CRF(r, L) = r / (1 - e^g) = r / -expm1(g), which stays accurate as r approaches 0. The owned
// hardware cost needs both, so it computes g once (one log1p, one exp, one expm1 per evaluation,
// where pow would cost more than exp).
TPW_HD inline double growth_exponent(double r, double years) noexcept {
  return -years * log1p_of(r);
}
TPW_HD inline double discount_factor_of_exponent(double g) noexcept {
  return exp_of(g);
}
TPW_HD inline double capital_recovery_factor_of_exponent(double r, double years,
                                                         double g) noexcept {
  // One division of selected operands (1 / L at r = 0), not a branch: a batch of samples
  // vectorizes without the compiler having to speculate a division.
  const bool straight_line = r == 0.0;
  return (straight_line ? 1.0 : r) / (straight_line ? years : -expm1_of(g));
}
TPW_HD inline double discount_factor_years(double r, double years) noexcept {
  return discount_factor_of_exponent(growth_exponent(r, years));
}
TPW_HD inline double capital_recovery_factor_years(double r, double years) noexcept {
  return capital_recovery_factor_of_exponent(r, years, growth_exponent(r, years));
}

// The whole systems of `per_system` power each that `usable` power holds (same units): the floor
// of their ratio, one more when the usable power falls short of it by less than a billionth of a
// system (so that 0.1 + 0.2 style rounding does not strand a system; a tolerance on the system,
// not on the site: at a trillion systems a relative 1e-12 of the site would be a whole system).
inline double whole_systems(double usable, double per_system) noexcept {
  double whole = std::floor(usable / per_system);
  if ((whole + 1.0) * per_system <= usable + 1e-9 * per_system) whole += 1.0;
  return whole;
}

}  // namespace detail

// --- Finance ------------------------------------------------------------------------------------

// Discount factor over a life: (1 + r)^-L, with L in years.
TPW_HD inline double discount_factor(annual_rate r, duration life) noexcept {
  return detail::discount_factor_years(r.value(), in(life, detail::one_year()));
}

// Capital recovery factor: CRF(r, L) = r / (1 - (1 + r)^-L), CRF(0, L) = 1 / L. The annual payment
// that repays one unit of capital over L years at rate r. Written with expm1/log1p so it stays
// accurate as r approaches 0, where it tends to the straight-line 1 / L.
TPW_HD inline double capital_recovery_factor(annual_rate r, duration life) noexcept {
  return detail::capital_recovery_factor_years(r.value(), in(life, detail::one_year()));
}

// --- Cost components, per accelerator -----------------------------------------------------------

// Owned hardware: (price - residual / (1 + r)^L) * CRF(r, L) / H. The residual is the value left
// at the end of life; at r = 0 this is straight-line depreciation to the residual.
template <class C>
TPW_HD inline cost_rate<C> owned_hardware_cost_rate(money<C> price, fraction residual,
                                                    annual_rate r, duration life) noexcept {
  const double years = in(life, detail::one_year());
  const double g = detail::growth_exponent(r.value(), years);
  const money<C> recovered =
      price - residual.value() * price * detail::discount_factor_of_exponent(g);
  return recovered * detail::capital_recovery_factor_of_exponent(r.value(), years, g) /
         detail::one_year();
}

// Facility, built: build cost per W of IT * provisioned IT power * CRF(r, L_facility) / H.
template <class C>
TPW_HD inline cost_rate<C> built_facility_cost_rate(money_per_power<C> build_cost,
                                                    power provisioned, annual_rate r,
                                                    duration life) noexcept {
  return build_cost * provisioned * capital_recovery_factor(r, life) / detail::one_year();
}

// Facility, colocated: rate per kW-month * provisioned IT kW * 12 / H (the rate is money per
// power per time, so this is the rate times the power).
template <class C>
TPW_HD constexpr cost_rate<C> colocation_cost_rate(money_per_power_time<C> rate,
                                                   power provisioned) noexcept {
  return rate * provisioned;
}

// Average IT power: u * P_active + (1 - u) * P_idle.
TPW_HD constexpr power average_it_power(const operating_point& op) noexcept {
  return op.utilization.value() * op.active_power + op.utilization.complement() * op.idle_power;
}

// Facility power drawn on average: average IT power * PUE.
TPW_HD constexpr power average_facility_power(const operating_point& op) noexcept {
  return average_it_power(op) * op.facility_pue.value();
}

// Energy: (u * P_active + (1 - u) * P_idle) * PUE * price per kWh.
template <class C>
TPW_HD constexpr cost_rate<C> energy_cost_rate(const operating_point& op,
                                               energy_price<C> price) noexcept {
  return average_facility_power(op) * price;
}

// Opex: (maintenance share per year * price + software per year + other per year) / H. The two
// per-year amounts are passed as rates (money per year).
template <class C>
TPW_HD constexpr cost_rate<C> opex_cost_rate(fraction maintenance_per_year, money<C> price,
                                             cost_rate<C> software, cost_rate<C> other) noexcept {
  return maintenance_per_year.value() * price / detail::one_year() + software + other;
}

// --- Tokens and efficiency ----------------------------------------------------------------------

// Tokens made per unit time on average: T * u (tokens per hour = T * 3600 * u).
TPW_HD constexpr token_rate average_token_rate(const operating_point& op) noexcept {
  return op.throughput * op.utilization.value();
}

// Cost per token = cost rate / average token rate (cost per Mtok = hourly cost / tokens per hour
// * 1e6).
template <class C>
TPW_HD constexpr token_price<C> cost_per_token(cost_rate<C> cost,
                                               const operating_point& op) noexcept {
  return cost / average_token_rate(op);
}

// Tokens per joule at the facility: u * T / ((u * P_active + (1 - u) * P_idle) * PUE).
TPW_HD constexpr tokens_per_energy tokens_per_joule(const operating_point& op) noexcept {
  return average_token_rate(op) / average_facility_power(op);
}

// Tokens per second per unit of provisioned facility power: T / (P_provisioned * PUE); shown as
// tok/s per MW (T * 1e6 / (P * PUE) with P in W).
TPW_HD constexpr throughput_density tokens_per_s_per_power(const operating_point& op) noexcept {
  return op.throughput / (op.provisioned_power * op.facility_pue.value());
}

// Revenue per unit of provisioned facility power per unit time: price * T * u / (P_prov * PUE);
// shown per MW-year.
template <class C>
TPW_HD constexpr money_per_power_time<C> revenue_per_power_time(const operating_point& op,
                                                                token_price<C> price) noexcept {
  return price * average_token_rate(op) / (op.provisioned_power * op.facility_pue.value());
}

// Emissions per token: grid carbon intensity * facility energy per token (gCO2e/kWh * J/tok).
TPW_HD constexpr emissions_per_token emissions_per_token_at(const operating_point& op,
                                                            carbon_intensity grid) noexcept {
  return grid / tokens_per_joule(op);
}

// Embodied emissions per token: an accelerator's embodied emissions spread over the tokens it
// makes in its life, E / (T u life).
TPW_HD constexpr emissions_per_token embodied_emissions_per_token_at(const operating_point& op,
                                                                     mass per_accelerator,
                                                                     duration life) noexcept {
  return per_accelerator / (average_token_rate(op) * life);
}

// Gross margin at a token price: 1 - cost / revenue = 1 - cost per token / price.
template <class C>
TPW_HD constexpr double gross_margin(token_price<C> cost, token_price<C> price) noexcept {
  return 1.0 - cost.value() / price.value();
}

// A part over a whole, 0 when the whole is 0 (a deployment with no such costs at all), so that
// no NaN can reach a report.
template <class Q>
TPW_HD constexpr double share_of(Q part, Q whole) noexcept {
  return whole.value() == 0.0 ? 0.0 : part.value() / whole.value();
}

}  // namespace tpw
