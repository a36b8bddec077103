// tpw/fleet/calendar.hpp: dated periods with a step of a year, a quarter or a month, and the rates
// of one step derived from annual ones (docs/fleet.md, "Calendar").
//
// Rates are stated per year everywhere in tpw (tpw::annual_rate). A fleet that steps by quarter
// discounts, declines and grows by the quarter's share of the year's rate, compounded: a
// step_rate, which only these functions make, so a quarterly rate cannot be passed where an
// annual one is due, nor the other way round.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "tpw/error.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw::fleet {

enum class step { year, quarter, month };

[[nodiscard]] constexpr int periods_per_year(step s) noexcept {
  return s == step::year ? 1 : s == step::quarter ? 4 : 12;
}

[[nodiscard]] constexpr std::string_view step_name(step s) noexcept {
  return s == step::year ? "year" : s == step::quarter ? "quarter" : "month";
}

// "year", "quarter" or "month"; anything else is refused, naming `field`.
[[nodiscard]] inline step step_from_name(std::string_view field, std::string_view name) {
  if (name == "year") return step::year;
  if (name == "quarter") return step::quarter;
  if (name == "month") return step::month;
  throw invalid_input(field, name, "must be \"year\", \"quarter\" or \"month\"");
}

// A rate for one step of a calendar. Made from an annual rate by compounding, never from a raw
// number: a quarter's discount rate is (1 + r)^(1/4) - 1, a quarter's decline 1 - (1 - d)^(1/4).
class step_rate {
 public:
  // The step's share of a yearly compounding rate (a discount rate, a growth): (1 + r)^(1/n) - 1.
  [[nodiscard]] static step_rate compounding(annual_rate yearly, step s) noexcept {
    const double n = periods_per_year(s);
    return step_rate(std::expm1(std::log1p(yearly.value()) / n), s);
  }
  // The step's share of a yearly decline (a price falling by d a year): 1 - (1 - d)^(1/n).
  [[nodiscard]] static step_rate decline(fraction yearly, step s) noexcept {
    const double n = periods_per_year(s);
    return step_rate(yearly.value() >= 1.0 ? 1.0 : -std::expm1(std::log1p(-yearly.value()) / n), s);
  }
  [[nodiscard]] double value() const noexcept { return value_; }
  [[nodiscard]] step of() const noexcept { return step_; }
  // A rate per step back to a year's: (1 + q)^n - 1.
  [[nodiscard]] static double annualized(double per_step, step s) noexcept {
    return std::expm1(std::log1p(per_step) * periods_per_year(s));
  }

 private:
  step_rate(double value, step s) noexcept : value_(value), step_(s) {}
  double value_;
  step step_;
};

// Dated periods: `years` years from the start of `start_year`, in steps of `every`. Period p
// (0-based) starts p / n years after the start (n periods a year) and ends a step later.
struct calendar {
  int start_year = 2026;
  step every = step::year;
  int years = 1;

  [[nodiscard]] int per_year() const noexcept { return periods_per_year(every); }
  [[nodiscard]] int periods() const noexcept { return years * per_year(); }
  // Years from the calendar's start to the start of period p.
  [[nodiscard]] double years_from_start(int p) const noexcept {
    return static_cast<double>(p) / per_year();
  }
  // The date at the start of period p, in years (2026.25 is the start of 2026's second quarter).
  [[nodiscard]] double date_of(int p) const noexcept { return start_year + years_from_start(p); }
  // The first period that starts in `year` or later (0 for a year before the start).
  [[nodiscard]] int first_period_of(int year) const noexcept {
    return year <= start_year ? 0 : (year - start_year) * per_year();
  }
  // One step as a duration: a year over n.
  [[nodiscard]] duration length() const noexcept {
    return units::year / static_cast<double>(per_year());
  }
  // "2026", "2026-Q2" or "2026-04".
  [[nodiscard]] std::string label(int p) const {
    const int year = start_year + p / per_year();
    const int within = p % per_year() + 1;
    char text[24];
    if (every == step::year) {
      std::snprintf(text, sizeof text, "%d", year);
    } else if (every == step::quarter) {
      std::snprintf(text, sizeof text, "%d-Q%d", year, within);
    } else {
      std::snprintf(text, sizeof text, "%d-%02d", year, within);
    }
    return text;
  }
};

inline void validate(const calendar& c) {
  if (!(c.start_year >= 1900 && c.start_year <= 2200)) {
    throw invalid_input("fleet.start_year", c.start_year, "must be a year in [1900, 2200]");
  }
  if (!(c.years >= 1 && c.years <= 50)) {
    throw invalid_input("fleet.years", c.years, "must be a whole number of years in [1, 50]");
  }
}

}  // namespace tpw::fleet
