// tpw/finance/measures.hpp: what a series of yearly cash flows is worth: NPV, IRR, payback.
//
// A series holds one net flow per year: flows[t] falls at the end of year t, flows[0] at the start
// (where capex usually sits). Flows are money in one currency; rates are annual.
#pragma once

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// A range of yearly amounts of money in one currency (a std::vector<money<USD>>, a span, ...).
template <class R>
concept cash_flow_range =
    std::ranges::random_access_range<R> && money_type<std::ranges::range_value_t<R>>;

namespace detail {

// Every flow finite, and at least `minimum` of them; fields are named "cash_flows[t]".
template <cash_flow_range R>
void require_cash_flows(const R& flows, std::size_t minimum) {
  const auto count = static_cast<std::size_t>(std::ranges::size(flows));
  if (count < minimum) {
    throw invalid_input("cash_flows.size", static_cast<double>(count),
                        std::string("needs at least ")
                            .append(std::to_string(minimum))
                            .append(minimum == 1 ? " year" : " years"));
  }
  for (std::size_t t = 0; t < count; ++t) {
    const double value = flows[t].value();
    if (!is_finite(value)) {
      throw invalid_input(std::string("cash_flows[").append(std::to_string(t)).append("]"), value,
                          "must be a finite amount");
    }
  }
}

// A flow as a plain number: money or a double (the Monte Carlo project model's flows).
constexpr double amount_of(double x) noexcept {
  return x;
}
template <money_type M>
constexpr double amount_of(const M& m) noexcept {
  return m.value();
}

// NPV as a plain number, for the root finder: sum of flows[t] * (1 + r)^-t.
template <class R>
double npv_value(const R& flows, double r) noexcept {
  const double growth = 1.0 + r;
  double sum = 0.0;
  double discount = 1.0;
  for (const auto& flow : flows) {
    sum += amount_of(flow) * discount;
    discount /= growth;
  }
  return sum;
}

// Payback on flow(0), flow(1), ... flow(count - 1), read in that order; see payback_period.
template <class Flow>
std::optional<double> payback_of(std::size_t count, Flow&& flow) {
  double cumulative = flow(0);
  if (cumulative >= 0.0) return 0.0;
  for (std::size_t t = 1; t < count; ++t) {
    const double f = flow(t);
    if (cumulative + f >= 0.0) return static_cast<double>(t - 1) + -cumulative / f;
    cumulative += f;
  }
  return std::nullopt;
}

// The payback of a range's flows, and of its flows discounted at r: flows[t] / (1 + r)^t.
template <class R>
std::optional<double> payback_value(const R& flows) {
  return payback_of(static_cast<std::size_t>(std::ranges::size(flows)),
                    [&](std::size_t t) { return amount_of(flows[t]); });
}
template <class R>
std::optional<double> discounted_payback_value(const R& flows, double r) {
  double discount = 1.0;  // advanced as the flows are read in order
  return payback_of(static_cast<std::size_t>(std::ranges::size(flows)), [&](std::size_t t) {
    const double f = amount_of(flows[t]) * discount;
    discount /= 1.0 + r;
    return f;
  });
}

// How many times the flows change sign, zeros skipped.
template <class R>
int sign_changes_of(const R& flows) noexcept {
  int changes = 0;
  int last_sign = 0;
  for (const auto& flow : flows) {
    const double x = amount_of(flow);
    const int sign = (x > 0.0) - (x < 0.0);
    if (sign != 0 && last_sign != 0 && sign != last_sign) ++changes;
    if (sign != 0) last_sign = sign;
  }
  return changes;
}

// The IRR search's range: -99% to +10,000% a year.
inline double lowest_irr() noexcept {
  return std::expm1(std::log(0.01));
}
inline double highest_irr() noexcept {
  return std::expm1(std::log(101.0));
}

// The IRR of flows that change sign once: the NPV is then a polynomial in 1 / (1 + r) with one
// sign change, which has exactly one root (Descartes), refined with TOMS 748 over the whole
// range. Empty when it lies outside the range.
template <class R>
std::optional<double> single_irr(const R& flows) {
  const auto npv = [&](double r) { return npv_value(flows, r); };
  const double low = lowest_irr();
  const double high = highest_irr();
  const double at_low = npv(low);
  const double at_high = npv(high);
  if (at_low == 0.0) return low;
  if (at_high == 0.0) return high;
  if ((at_low > 0.0) == (at_high > 0.0)) return std::nullopt;
  std::uintmax_t iterations = 200;
  const auto [a, b] = boost::math::tools::toms748_solve(
      npv, low, high, at_low, at_high, boost::math::tools::eps_tolerance<double>(52), iterations);
  return a + (b - a) / 2.0;
}

}  // namespace detail

// Net present value at an annual rate: NPV = sum over t of flows[t] / (1 + r)^t.
template <cash_flow_range R>
std::ranges::range_value_t<R> net_present_value(annual_rate rate, const R& flows) {
  detail::require_cash_flows(flows, 1);
  return std::ranges::range_value_t<R>::from_value(detail::npv_value(flows, rate.value()));
}

// The internal rates of return of a series: the rates at which its NPV is zero.
//
// A series whose flows never change sign has none (reason says so); one with a single sign change
// has exactly one (Descartes' rule of signs in 1 / (1 + r)); one with several sign changes may
// have several, and all found are listed. Rates are searched in (-99%, +10,000%) per year: each
// bracket where the NPV changes sign is refined with Boost.Math's TOMS 748 to full precision.
struct irr_result {
  std::vector<double> rates;  // ascending; empty when none exists
  std::string reason;         // why there is no single IRR; empty when there is one

  [[nodiscard]] bool exists() const noexcept { return !rates.empty(); }
  [[nodiscard]] bool unique() const noexcept { return rates.size() == 1; }
  // The IRR when there is exactly one; throws tpw::invalid_input with the reason otherwise.
  [[nodiscard]] double rate() const {
    if (!unique()) throw invalid_input("irr.rates", static_cast<double>(rates.size()), reason);
    return rates.front();
  }
};

namespace detail {

// internal_rate_of_return on checked flows (money or plain numbers).
template <class R>
irr_result irr_of(const R& flows) {
  const int sign_changes = sign_changes_of(flows);
  irr_result result;
  if (sign_changes == 0) {
    result.reason =
        "no IRR exists: the flows never change sign, so the NPV is never zero at any rate";
    return result;
  }
  if (sign_changes == 1) {
    if (const auto r = single_irr(flows)) {
      result.rates.push_back(*r);
    } else {
      result.reason = "no IRR exists between -99% and +10,000% per year";
    }
    return result;
  }

  // Several sign changes: scan r = e^z - 1 on a fine grid in z (dense near r = 0, sparse for
  // large rates), then refine every sign change of the NPV.
  constexpr int steps = 4000;
  const double z_low = std::log(0.01);    // r = -99%
  const double z_high = std::log(101.0);  // r = +10,000%
  const auto rate_at = [&](int i) { return std::expm1(z_low + (z_high - z_low) * i / steps); };
  const auto npv = [&](double r) { return npv_value(flows, r); };
  double r_previous = rate_at(0);
  double npv_previous = npv(r_previous);
  if (npv_previous == 0.0) result.rates.push_back(r_previous);
  for (int i = 1; i <= steps; ++i) {
    const double r = rate_at(i);
    const double value = npv(r);
    if (value == 0.0) {
      result.rates.push_back(r);
    } else if (npv_previous != 0.0 && (value > 0.0) != (npv_previous > 0.0)) {
      std::uintmax_t iterations = 200;
      const auto [low, high] = boost::math::tools::toms748_solve(
          npv, r_previous, r, npv_previous, value, boost::math::tools::eps_tolerance<double>(52),
          iterations);
      result.rates.push_back(low + (high - low) / 2.0);
    }
    r_previous = r;
    npv_previous = value;
  }
  if (result.rates.empty()) {
    result.reason = "no IRR exists between -99% and +10,000% per year";
  } else if (result.rates.size() > 1) {
    result.reason = std::string("the flows change sign ")
                        .append(std::to_string(sign_changes))
                        .append(" times and have ")
                        .append(std::to_string(result.rates.size()))
                        .append(" IRRs: no single IRR describes them; use the NPV");
  }
  return result;
}

}  // namespace detail

template <cash_flow_range R>
irr_result internal_rate_of_return(const R& flows) {
  detail::require_cash_flows(flows, 2);
  return detail::irr_of(flows);
}

// Payback period in fractional years: when the cumulative flows first reach zero, assuming each
// year's flow arrives evenly through that year: with cumulative flows -100, -70, -30, +20 it is
// 2 + 30 / 50 = 2.6 years. Empty when the flows never pay back.
template <cash_flow_range R>
std::optional<double> payback_period(const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::payback_value(flows);
}

// Discounted payback: the same on flows discounted at the rate, flows[t] / (1 + r)^t.
template <cash_flow_range R>
std::optional<double> discounted_payback_period(annual_rate rate, const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::discounted_payback_value(flows, rate.value());
}

}  // namespace tpw
