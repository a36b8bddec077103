// tpw/model/validate.hpp: the checks shared by tpw's validating constructors. Each throws
// tpw::invalid_input naming the field, the value (in the unit the field is written in) and the
// rule.
#pragma once

#include <string>
#include <string_view>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/units/system.hpp"

namespace tpw::detail {

// A quantity that must be finite and >= 0; `display_unit` is the unit the field is written in, so
// the message shows the number the user typed (e.g. kW, not W).
template <class Q, class U>
constexpr void require_non_negative(std::string_view field, const Q& q, const U& display_unit,
                                    std::string_view unit_name) {
  const double shown = in(q, display_unit);
  if (!is_finite(shown)) throw invalid_input(field, shown, "must be a finite number");
  if (shown < 0.0) {
    throw invalid_input::converted(field, shown, std::string("must be >= 0 ").append(unit_name));
  }
}

// A quantity that must be finite and > 0.
template <class Q, class U>
constexpr void require_positive(std::string_view field, const Q& q, const U& display_unit,
                                std::string_view unit_name) {
  const double shown = in(q, display_unit);
  if (!is_finite(shown)) throw invalid_input(field, shown, "must be a finite number");
  if (shown <= 0.0) {
    throw invalid_input::converted(field, shown, std::string("must be > 0 ").append(unit_name));
  }
}

// A measured point of a curve (a throughput, a power, a time): finite and in [1e-6, 1e9] of the
// unit it is written in, so that no interpolation between points divides by a vanishing step or
// overflows (a value of 1e-320 is no measurement).
template <class Q, class U>
constexpr void require_measured(std::string_view field, const Q& q, const U& display_unit,
                                std::string_view unit_name) {
  const double shown = in(q, display_unit);
  if (!is_finite(shown) || shown < 1e-6 || shown > 1e9) {
    throw invalid_input::converted(
        field, shown,
        std::string("must be in [1e-06, 1e9] ")
            .append(unit_name)
            .append(": a measured point (tpw's limits: docs/scenario-limits.md)"));
  }
}

// A count (accelerators, systems): a whole number >= 1.
// An interval as rules state it: "[0, 1)". Built by appending: GCC 12 warns (-Wrestrict, a false
// positive) on a one-character literal prepended to a temporary string.
inline std::string interval_text(double low, double high, bool low_included, bool high_included) {
  std::string text(low_included ? "[" : "(");
  text.append(number_text(low)).append(", ").append(number_text(high));
  return text.append(high_included ? "]" : ")");
}

// Whole years in [low, high]: "must be a whole number of years in 1..100".
inline void require_years(std::string_view field, int years, int low = 1, int high = 100) {
  if (years < low || years > high) {
    throw invalid_input(
        field, years,
        "must be a whole number of years in " + std::to_string(low) + ".." + std::to_string(high));
  }
}

inline void require_count(std::string_view field, double value) {
  if (!is_finite(value) || value < 1.0 || value != static_cast<double>(static_cast<long>(value))) {
    throw invalid_input(field, value, "must be a whole number >= 1");
  }
}

// A project that never replaces its owned assets (tpw::replacement_rule::none): an asset's life
// (the shortest it may have) at least the project's operating years.
inline void require_life_covers(const char* path, double life_years, int operating_years) {
  if (static_cast<double>(operating_years) > life_years * (1.0 + 1e-12)) {
    throw invalid_input(
        path, life_years,
        "is shorter than finance.operating_years (" + std::to_string(operating_years) +
            ") and finance.replacement is \"none\": replace the asset at the end "
            "of its life (the default), or run the project no longer than the life");
  }
}

}  // namespace tpw::detail
