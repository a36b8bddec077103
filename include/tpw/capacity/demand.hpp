// tpw/capacity/demand.hpp: request traffic over a year of 8,760 hours, and its load-duration
// curve.
//
// The year is 365 days of 24 hours and starts on a Monday, so it holds 261 weekdays and 104
// weekend days. Traffic is given as one rate, a 24-hour profile (the same every day, or one for
// weekdays and one for weekends) or 8,760 hourly rates, each in requests per second over that
// hour. Every yearly figure of a fixed fleet depends on the rates and not on their order, so the
// profile is kept as its load-duration curve: the distinct rates, highest first, with the hours
// at each and prefix sums of hours and of requests, which answer "how many hours above r, and how
// many requests above r" by a binary search instead of a walk over the hours.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "tpw/capacity/queueing.hpp"
#include "tpw/error.hpp"

namespace tpw::capacity {

inline constexpr int hours_per_year = 8760;
inline constexpr int days_per_year = 365;

// Year k's demand over year 1's when every hour's rate grows by `growth` a year: (1 + g)^(k - 1).
inline double growth_factor(double growth, int year) noexcept {
  return year <= 1 ? 1.0 : std::pow(1.0 + growth, year - 1);
}

// Whether day d of the year (0 = the first, a Monday) falls on a weekend.
constexpr bool is_weekend_day(int day) noexcept {
  return day % 7 >= 5;
}

// One step of a load-duration curve: a rate and the hours of the year at it.
struct load_level {
  double requests_per_s = 0.0;
  double hours = 0.0;
};

class demand_profile {
 public:
  // One rate every hour.
  static demand_profile constant(request_rate rate,
                                 std::string_view field = "demand.requests_per_s") {
    require_rate(field, rate.value());
    return demand_profile({{rate.value(), static_cast<double>(hours_per_year)}}, field,
                          {rate.value()});
  }

  // The same 24 hourly rates every day (requests per second in hour 0 to 23).
  static demand_profile daily(const std::vector<double>& rates,
                              std::string_view field = "demand.profile_24h") {
    require_hours(field, rates, 24, "a day's profile");
    require_rates(field, rates);
    std::vector<load_level> levels;
    for (double r : rates) levels.push_back({r, static_cast<double>(days_per_year)});
    return demand_profile(std::move(levels), field, rates);
  }

  // One 24-hour profile for weekdays and one for weekends.
  static demand_profile weekly(const std::vector<double>& weekday,
                               const std::vector<double>& weekend,
                               std::string_view weekday_field = "demand.weekday_24h",
                               std::string_view weekend_field = "demand.weekend_24h") {
    require_hours(weekday_field, weekday, 24, "a day's profile");
    require_hours(weekend_field, weekend, 24, "a day's profile");
    require_rates(weekday_field, weekday);
    require_rates(weekend_field, weekend);
    const double weekend_days = static_cast<double>(weekend_days_per_year());
    const double weekdays = static_cast<double>(days_per_year) - weekend_days;
    std::vector<load_level> levels;
    for (double r : weekday) levels.push_back({r, weekdays});
    for (double r : weekend) levels.push_back({r, weekend_days});
    std::vector<double> week = weekday;
    week.insert(week.end(), weekend.begin(), weekend.end());
    return demand_profile(std::move(levels), weekday_field, std::move(week));
  }

  // 8,760 hourly rates, hour 0 the first hour of the year.
  static demand_profile hourly(const std::vector<double>& rates,
                               std::string_view field = "demand.csv") {
    require_hours(field, rates, hours_per_year, "a year's hourly series");
    require_rates(field, rates);
    std::vector<load_level> levels;
    levels.reserve(rates.size());
    for (double r : rates) levels.push_back({r, 1.0});
    return demand_profile(std::move(levels), field, rates);
  }

  static constexpr int weekend_days_per_year() noexcept {
    int n = 0;
    for (int d = 0; d < days_per_year; ++d) n += is_weekend_day(d) ? 1 : 0;
    return n;
  }

  // The rate in hour h of the year (0 to 8,759), from the profile as given.
  [[nodiscard]] request_rate at_hour(int h) const noexcept {
    const auto at = [&](std::size_t k) { return request_rate::from_value(shape_[k]); };
    switch (shape_.size()) {
      case 1:
        return at(0);
      case 24:
        return at(static_cast<std::size_t>(h % 24));
      case 48:
        return at(static_cast<std::size_t>((is_weekend_day(h / 24) ? 24 : 0) + h % 24));
      default:
        return at(static_cast<std::size_t>(h));
    }
  }

  // The load-duration curve: distinct rates, highest first, with their hours (summing to 8,760).
  [[nodiscard]] const std::vector<load_level>& levels() const noexcept { return levels_; }
  [[nodiscard]] request_rate peak() const noexcept {
    return request_rate::from_value(levels_.front().requests_per_s);
  }
  [[nodiscard]] request_rate mean() const noexcept {
    return request_rate::from_value(requests_prefix_.back() / hours_prefix_.back());
  }
  // Requests in the year (rate * hours * 3600, summed).
  [[nodiscard]] double requests_per_year() const noexcept {
    return requests_prefix_.back() * 3600.0;
  }

  // Hours of the year with a rate above `rate`, and the requests per second above it summed over
  // those hours (times 3600: the requests above the rate in the year). Prefix sums: O(log n).
  struct excess {
    double hours = 0.0;
    double requests = 0.0;  // in the year
  };
  [[nodiscard]] excess above(request_rate rate) const noexcept {
    const double r = rate.value();
    const auto first_not_above = std::partition_point(
        levels_.begin(), levels_.end(), [r](const load_level& l) { return l.requests_per_s > r; });
    const auto k = static_cast<std::size_t>(first_not_above - levels_.begin());
    const double hours = hours_prefix_[k];
    return {hours, (requests_prefix_[k] - r * hours) * 3600.0};
  }

  // The profile with every rate times `factor` (>= 0): a year of growth.
  [[nodiscard]] demand_profile scaled(double factor) const {
    if (!std::isfinite(factor) || factor < 0.0) {
      throw invalid_input("demand.growth_per_year", factor,
                          "gives a demand factor that is not finite and >= 0");
    }
    std::vector<load_level> levels = levels_;
    for (auto& l : levels) l.requests_per_s *= factor;
    require_rate(field_ + " (grown)", levels.front().requests_per_s);
    std::vector<double> shape = shape_;
    for (double& r : shape) r *= factor;
    return demand_profile(std::move(levels), field_, std::move(shape));
  }

 private:
  // `shape`: the rates as given (1, 24, 48 weekday-then-weekend, or 8,760), for at_hour.
  demand_profile(std::vector<load_level> levels, std::string_view field, std::vector<double> shape)
      : field_(field), shape_(std::move(shape)) {
    std::sort(levels.begin(), levels.end(), [](const load_level& a, const load_level& b) {
      return a.requests_per_s > b.requests_per_s;
    });
    for (const auto& l : levels) {
      if (!levels_.empty() && levels_.back().requests_per_s == l.requests_per_s) {
        levels_.back().hours += l.hours;
      } else {
        levels_.push_back(l);
      }
    }
    if (levels_.front().requests_per_s <= 0.0) {
      throw invalid_input(field_, 0.0, "no requests in any hour: demand sizes nothing");
    }
    hours_prefix_.assign(levels_.size() + 1, 0.0);
    requests_prefix_.assign(levels_.size() + 1, 0.0);
    for (std::size_t k = 0; k < levels_.size(); ++k) {
      hours_prefix_[k + 1] = hours_prefix_[k] + levels_[k].hours;
      requests_prefix_[k + 1] = requests_prefix_[k] + levels_[k].requests_per_s * levels_[k].hours;
    }
  }

  static void require_rate(std::string_view field, double r) {
    if (!std::isfinite(r) || r < 0.0) {
      throw invalid_input(field, r, "must be finite and >= 0 (requests per second)");
    }
    if (r > 1e9) {
      throw invalid_input(field, r,
                          "must be at most 1e9 requests per second (tpw's limits: "
                          "docs/scenario-limits.md)");
    }
  }
  static void require_rates(std::string_view field, const std::vector<double>& rates) {
    for (std::size_t k = 0; k < rates.size(); ++k) {
      require_rate(std::string(field) + "[" + std::to_string(k) + "]", rates[k]);
    }
  }
  static void require_hours(std::string_view field, const std::vector<double>& rates,
                            std::size_t hours, std::string_view what) {
    if (rates.size() != hours) {
      throw invalid_input(field, static_cast<double>(rates.size()),
                          "rates given; " + std::string(what) + " needs exactly " +
                              std::to_string(hours) + " (one per hour)");
    }
  }

  std::string field_;
  std::vector<double> shape_;
  std::vector<load_level> levels_;
  std::vector<double> hours_prefix_;     // hours of levels [0, k)
  std::vector<double> requests_prefix_;  // rate * hours of levels [0, k)
};

// The 8,760 hourly rates of a 24-hour profile: the hour-by-hour walk the load-duration curve's
// figures are tested against.
inline std::vector<double> hourly_rates(const std::vector<double>& weekday,
                                        const std::vector<double>& weekend) {
  std::vector<double> year;
  year.reserve(hours_per_year);
  for (int d = 0; d < days_per_year; ++d) {
    const auto& day = is_weekend_day(d) ? weekend : weekday;
    year.insert(year.end(), day.begin(), day.end());
  }
  return year;
}

}  // namespace tpw::capacity
