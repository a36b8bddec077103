// tpw/finance/measures.hpp: what a series of yearly cash flows is worth: NPV, IRR, payback.
//
// A series holds one net flow per year: flows[t] falls at the end of year t, flows[0] at the start
// (where capex usually sits). Flows are money in one currency; rates are annual.
#pragma once

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <ranges>
#include <string>
#include <utility>
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
TPW_HD constexpr double amount_of(double x) noexcept {
  return x;
}
template <money_type M>
TPW_HD constexpr double amount_of(const M& m) noexcept {
  return m.value();
}

// The NPVs of Lanes series of `years` flows side by side: npvs[s] = sum of flow(t, s) *
// (1 + rates[s])^-t, the discount a running product. The one place tpw writes the NPV's sum (the
// Monte Carlo project model runs eight samples' series at a time).
template <int Lanes, class Flow>
TPW_HD void lane_npvs(int years, Flow&& flow, const double* rates, double* npvs) noexcept {
  double factor[Lanes];
  double discount[Lanes];
  for (int s = 0; s < Lanes; ++s) {
    factor[s] = 1.0 / (1.0 + rates[s]);
    discount[s] = 1.0;
    npvs[s] = 0.0;
  }
  for (int t = 0; t < years; ++t) {
    for (int s = 0; s < Lanes; ++s) {
      npvs[s] += flow(t, s) * discount[s];
      discount[s] *= factor[s];
    }
  }
}

// NPV as a plain number, for the root finder: sum of flows[t] * (1 + r)^-t.
template <class R>
TPW_HD double npv_value(const R& flows, double r) noexcept {
  const auto first = std::ranges::begin(flows);
  double sum = 0.0;
  lane_npvs<1>(
      static_cast<int>(std::ranges::distance(flows)),
      [&](int t, int) { return amount_of(first[t]); }, &r, &sum);
  return sum;
}

// The cumulative flows read in order (payback_of): the payback, or why there is none.
struct payback_scan {
  std::optional<double> years;
  bool recovered_before = false;   // without a payback: it was back at zero once, then fell again
  std::size_t recovered_year = 0;  // the first year it came back to zero (0: never)
  double final_cumulative = 0.0;
};

// Payback on flow(0), flow(1), ... flow(count - 1), read once in that order: the time after which
// the cumulative flows stay at or above zero, interpolated in the year they cross (see
// payback_period); zero when they never fall below zero, none when they end below it.
template <class Flow>
payback_scan payback_of(std::size_t count, Flow&& flow) {
  payback_scan out;
  double cumulative = 0.0;
  double before_crossing = 0.0;    // the cumulative at the end of the last year below zero
  std::size_t last_below = count;  // none yet
  double crossing_flow = 0.0;      // the flow of the year after it
  for (std::size_t t = 0; t < count; ++t) {
    const double f = flow(t);
    const double previous = cumulative;
    cumulative += f;
    if (cumulative < 0.0) {
      last_below = t;
      before_crossing = cumulative;
    } else if (previous < 0.0) {
      crossing_flow = f;
      if (out.recovered_year == 0) out.recovered_year = t;  // t >= 1 here
    }
  }
  out.final_cumulative = cumulative;
  if (last_below == count) {
    out.years = 0.0;
  } else if (last_below + 1 < count) {
    out.years = static_cast<double>(last_below) + -before_crossing / crossing_flow;
  } else {
    out.recovered_before = out.recovered_year > 0;
  }
  return out;
}

// Why a scan has no payback (empty when it has one).
inline std::string payback_reason(const payback_scan& p) {
  if (p.years) return {};
  std::string why = p.recovered_before
                        ? "the cumulative flows reach zero in year " +
                              std::to_string(p.recovered_year) + " but fall below it again"
                        : std::string("the cumulative flows never reach zero");
  char end[48];
  std::snprintf(end, sizeof end, "%.2f", p.final_cumulative);
  return why.append(" and end at ").append(end).append(": the project does not pay back");
}

// The payback of a range's flows, and of its flows discounted at r: flows[t] / (1 + r)^t (with
// mid_year, the flows of years after `point_years` at t - 1/2: see mid_year_flow).
template <class R>
payback_scan payback_value(const R& flows) {
  return payback_of(static_cast<std::size_t>(std::ranges::size(flows)),
                    [&](std::size_t t) { return amount_of(flows[t]); });
}
template <class R>
payback_scan discounted_payback_value(const R& flows, double r) {
  double discount = 1.0;  // advanced as the flows are read in order
  return payback_of(static_cast<std::size_t>(std::ranges::size(flows)), [&](std::size_t t) {
    const double f = amount_of(flows[t]) * discount;
    discount /= 1.0 + r;
    return f;
  });
}

// A year's flow as the mid-year convention discounts it at the year's end: its running part
// (flow - capital) moved half a year earlier, (1 + r)^(1/2) times, its capital part (capex,
// sales) where it is. `half` is (1 + r)^(1/2).
TPW_HD constexpr double mid_year_flow(double flow, double capital, double half) noexcept {
  return capital + (flow - capital) * half;
}

// What a series of flows puts in (its negative flows, as positive) and takes out (its positive
// ones).
struct cash_in_out {
  double in = 0.0;
  double out = 0.0;
};
template <class R>
cash_in_out cash_in_out_of(const R& flows) {
  cash_in_out c;
  for (const auto& flow : flows) {
    const double f = amount_of(flow);
    if (f < 0.0) {
      c.in -= f;
    } else {
      c.out += f;
    }
  }
  return c;
}

// Net cash back over cash in, (out - in) / in: a return of 0.5 is 1.5 back for each 1 put in.
// Empty when nothing is put in.
template <class R>
std::optional<double> return_on_investment_value(const R& flows) {
  const cash_in_out c = cash_in_out_of(flows);
  if (c.in <= 0.0) return std::nullopt;
  return (c.out - c.in) / c.in;
}

// Cash back over cash in, out / in, as private equity reports a multiple on invested capital.
// Empty when nothing is put in.
template <class R>
std::optional<double> multiple_on_invested_capital_value(const R& flows) {
  const cash_in_out c = cash_in_out_of(flows);
  if (c.in <= 0.0) return std::nullopt;
  return c.out / c.in;
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

// Bounds of the NPV over the rates [low, high] (-1 < low < high): with x = 1 / (1 + r), which
// falls as r rises, the positive flows' part P(x) = sum of f_t x^t over f_t > 0 and the negative
// flows' part N(x) both grow with x, so NPV = P - N lies in [P(x_high) - N(x_low),
// P(x_low) - N(x_high)], x_low = 1 / (1 + low). Widened by 1e-12 of P + N against rounding.
template <class R>
std::pair<double, double> npv_bounds(const R& flows, double low, double high) noexcept {
  const double x_low = 1.0 / (1.0 + low);  // the larger x
  const double x_high = 1.0 / (1.0 + high);
  double p_large = 0.0, p_small = 0.0, n_large = 0.0, n_small = 0.0;
  double power_large = 1.0, power_small = 1.0;
  for (const auto& flow : flows) {
    const double f = amount_of(flow);
    if (f > 0.0) {
      p_large += f * power_large;
      p_small += f * power_small;
    } else {
      n_large -= f * power_large;
      n_small -= f * power_small;
    }
    power_large *= x_low;
    power_small *= x_high;
  }
  const double slack = 1e-12 * (p_large + n_large);
  return {p_small - n_large - slack, p_large - n_small + slack};
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

// The IRR search's grid: r = e^z - 1 for z in steps equal parts of [log 0.01, log 101], -99% to
// +10,000% a year (dense near r = 0, sparse for large rates); computed once.
inline constexpr int irr_grid_steps = 4000;
inline const std::array<double, irr_grid_steps + 1>& irr_grid() {
  static const auto grid = [] {
    std::array<double, irr_grid_steps + 1> g{};
    const double z_low = std::log(0.01);    // r = -99%
    const double z_high = std::log(101.0);  // r = +10,000%
    for (int i = 0; i <= irr_grid_steps; ++i) {
      g[static_cast<std::size_t>(i)] = std::expm1(z_low + (z_high - z_low) * i / irr_grid_steps);
    }
    return g;
  }();
  return grid;
}

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
  // The NPV's sign changes over the grid (irr_grid), each refined with TOMS 748. The grid's cells
  // are visited by bisection, and a span whose NPV bounds (npv_bounds) exclude zero is skipped
  // whole: the cells that can hold a root are found in a few dozen NPVs, not the grid's 4001, and
  // the roots are those a scan of every cell finds.
  constexpr int steps = irr_grid_steps;
  const auto& grid = irr_grid();
  const auto rate_at = [&](int i) { return grid[static_cast<std::size_t>(i)]; };
  const auto npv = [&](double r) { return npv_value(flows, r); };
  if (npv(rate_at(0)) == 0.0) result.rates.push_back(rate_at(0));
  // The cell [i - 1, i]: a zero at i, or a sign change in it refined.
  const auto cell = [&](int i) {
    const double r_previous = rate_at(i - 1);
    const double r = rate_at(i);
    const double npv_previous = npv(r_previous);
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
  };
  // Spans [first, last] of grid points, lowest first, on a stack: each level of the bisection adds
  // at most one span, so it never holds more than log2(steps) + 2.
  std::array<std::pair<int, int>, 32> spans;
  std::size_t depth = 0;
  spans[depth++] = {0, steps};
  while (depth > 0) {
    const auto [first, last] = spans[--depth];
    const auto [lowest, highest] = npv_bounds(flows, rate_at(first), rate_at(last));
    if (lowest > 0.0 || highest < 0.0) continue;
    if (last - first == 1) {
      cell(last);
      continue;
    }
    const int middle = first + (last - first) / 2;
    spans[depth++] = {middle, last};
    spans[depth++] = {first, middle};
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

// Payback period in fractional years: the time after which the cumulative flows stay at or above
// zero, assuming each year's flow arrives evenly through that year: with cumulative flows -100,
// -70, -30, +20 it is 2 + 30 / 50 = 2.6 years. Flows that dip below zero again after reaching it
// (a replacement's capex) pay back when they last cross it. Zero when the cumulative flows are
// never below zero; empty when they end below it (payback_reason says why).
template <cash_flow_range R>
std::optional<double> payback_period(const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::payback_value(flows).years;
}

// Discounted payback: the same on flows discounted at the rate, flows[t] / (1 + r)^t.
template <cash_flow_range R>
std::optional<double> discounted_payback_period(annual_rate rate, const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::discounted_payback_value(flows, rate.value()).years;
}

// Why flows have no payback: "the cumulative flows never reach zero and end at -2630000.00: the
// project does not pay back"; empty when they have one.
template <cash_flow_range R>
std::string payback_reason(const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::payback_reason(detail::payback_value(flows));
}

// Return on investment: net cash back over cash in, (sum of the flows) / (sum of the negative
// flows, as positive): -100, +30, +90 gives 20 / 100 = 0.2. Empty when no flow is negative.
template <cash_flow_range R>
std::optional<double> return_on_investment(const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::return_on_investment_value(flows);
}

// Multiple on invested capital (MOIC): cash back over cash in, (sum of the positive flows) /
// (sum of the negative flows, as positive): -100, +30, +90 gives 1.2. Empty when no flow is
// negative.
template <cash_flow_range R>
std::optional<double> multiple_on_invested_capital(const R& flows) {
  detail::require_cash_flows(flows, 1);
  return detail::multiple_on_invested_capital_value(flows);
}

}  // namespace tpw
