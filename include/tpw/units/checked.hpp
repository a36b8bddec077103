// tpw/units/checked.hpp: dimensionless inputs that must not be swapped for one another.
//
// A PUE, a fraction (utilization, residual value, maintenance share) and an annual rate (cost of
// capital) are all plain numbers to Boost.Units; here each is its own type with a validating
// explicit constructor, so a utilization cannot be passed where a PUE is due and a raw double
// cannot be passed for either. The types are trivially copyable and usable in device code;
// `unchecked` builds one without validation for engines that validated their inputs up front.
#pragma once

#include <string_view>

#include "tpw/config.hpp"
#include "tpw/error.hpp"

namespace tpw {

// Power usage effectiveness: facility power over IT power; finite and at least 1.
class pue {
 public:
  explicit constexpr pue(double value, std::string_view field = "pue") : value_(value) {
    if (!detail::is_finite(value) || value < 1.0) {
      throw invalid_input(field, value, "a PUE is facility power over IT power: finite and >= 1");
    }
  }
  TPW_HD static constexpr pue unchecked(double value) noexcept { return pue(value, raw_tag{}); }
  [[nodiscard]] TPW_HD constexpr double value() const noexcept { return value_; }
  friend constexpr bool operator==(pue, pue) = default;

 private:
  struct raw_tag {};
  TPW_HD constexpr pue(double value, raw_tag) noexcept : value_(value) {}
  double value_;
};

// A share of a whole in [0, 1]: a utilization, a residual value, a yearly maintenance share.
class fraction {
 public:
  explicit constexpr fraction(double value, std::string_view field = "fraction") : value_(value) {
    if (!detail::is_finite(value) || value < 0.0 || value > 1.0) {
      throw invalid_input(field, value, "must be a fraction in [0, 1]");
    }
  }
  TPW_HD static constexpr fraction unchecked(double value) noexcept {
    return fraction(value, raw_tag{});
  }
  [[nodiscard]] TPW_HD constexpr double value() const noexcept { return value_; }
  [[nodiscard]] TPW_HD constexpr double complement() const noexcept { return 1.0 - value_; }
  friend constexpr bool operator==(fraction, fraction) = default;

 private:
  struct raw_tag {};
  TPW_HD constexpr fraction(double value, raw_tag) noexcept : value_(value) {}
  double value_;
};

// An annual rate such as a cost of capital: finite and above -1 (a rate of -100% or less would
// make the discount factor (1 + r)^-L undefined).
class annual_rate {
 public:
  explicit constexpr annual_rate(double value, std::string_view field = "annual_rate")
      : value_(value) {
    if (!detail::is_finite(value) || value <= -1.0) {
      throw invalid_input(field, value, "an annual rate must be finite and > -1");
    }
  }
  TPW_HD static constexpr annual_rate unchecked(double value) noexcept {
    return annual_rate(value, raw_tag{});
  }
  [[nodiscard]] TPW_HD constexpr double value() const noexcept { return value_; }
  friend constexpr bool operator==(annual_rate, annual_rate) = default;

 private:
  struct raw_tag {};
  TPW_HD constexpr annual_rate(double value, raw_tag) noexcept : value_(value) {}
  double value_;
};

}  // namespace tpw
