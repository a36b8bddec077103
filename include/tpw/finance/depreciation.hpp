// tpw/finance/depreciation.hpp: depreciation schedules for the accounting view.
//
// Finance teams report EBITDA and EBIT beside the cash view; what separates them is how capex is
// spread over an accounting life (which is often longer than the economic life: Microsoft and
// Alphabet depreciate servers over 6 years). Each schedule writes the asset down from its cost to
// its salvage value over a whole number of years; the amounts sum to cost - salvage.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

enum class depreciation_method {
  straight_line,        // (cost - salvage) / N each year
  declining_balance,    // book value * factor / N, switching to straight line when that is more
  sum_of_years_digits,  // (cost - salvage) * (N - t + 1) / (N (N + 1) / 2) in year t
};

template <currency_type C>
struct depreciation_spec {
  money<C> cost{};
  money<C> salvage{};  // book value left at the end of the life, <= cost
  int life_years = 0;  // accounting life, >= 1
  depreciation_method method = depreciation_method::straight_line;
  double declining_factor = 2.0;  // declining balance only: 2 is double-declining, 1.5 is 150%
};

// The depreciation of years 1 .. life_years.
//
// Declining balance takes factor / N of the book value each year, never going below the salvage
// value, and switches to straight line over the remaining years once that writes off more (as
// Excel's VDB does): cost 10,000, salvage 1,000, 5 years, factor 2 gives 4,000, 2,400, 1,440, 864,
// 296.
template <currency_type C>
std::vector<money<C>> depreciation_schedule(const depreciation_spec<C>& s) {
  detail::require_non_negative("depreciation.cost", s.cost, units::unit_of<C>, C::code);
  detail::require_non_negative("depreciation.salvage", s.salvage, units::unit_of<C>, C::code);
  if (s.salvage > s.cost) {
    throw invalid_input("depreciation.salvage", s.salvage.value(),
                        "must not exceed the cost (" + std::to_string(s.cost.value()) + ")");
  }
  if (s.life_years < 1 || s.life_years > 100) {
    throw invalid_input("depreciation.life_years", s.life_years,
                        "must be a whole number in 1..100");
  }
  if (s.method == depreciation_method::declining_balance &&
      (!detail::is_finite(s.declining_factor) || s.declining_factor <= 0.0)) {
    throw invalid_input("depreciation.declining_factor", s.declining_factor, "must be > 0");
  }

  const int n = s.life_years;
  const money<C> base = s.cost - s.salvage;
  std::vector<money<C>> schedule;
  schedule.reserve(static_cast<std::size_t>(n));
  switch (s.method) {
    case depreciation_method::straight_line:
      for (int t = 1; t <= n; ++t) schedule.push_back(base / static_cast<double>(n));
      break;
    case depreciation_method::sum_of_years_digits: {
      const double digits = n * (n + 1) / 2.0;
      for (int t = 1; t <= n; ++t) schedule.push_back(base * ((n - t + 1) / digits));
      break;
    }
    case depreciation_method::declining_balance: {
      money<C> book = s.cost;
      for (int t = 1; t <= n; ++t) {
        const money<C> declining = book * (s.declining_factor / n);
        const money<C> straight = (book - s.salvage) / static_cast<double>(n - t + 1);
        money<C> amount = std::max(declining, straight);
        amount = std::min(amount, book - s.salvage);  // never below salvage
        schedule.push_back(amount);
        book -= amount;
      }
      break;
    }
  }
  return schedule;
}

}  // namespace tpw
