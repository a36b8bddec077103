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

namespace detail {

// A dimensionless input with a rule of its own. Rule names the field (for messages), states the
// rule and checks a value; each rule makes a distinct type, so one cannot stand for another.
template <class Rule>
class checked_scalar {
 public:
  explicit constexpr checked_scalar(double value, std::string_view field = Rule::field)
      : value_(value) {
    if (!Rule::admits(value)) throw invalid_input(field, value, Rule::rule);
  }
  TPW_HD static constexpr checked_scalar unchecked(double value) noexcept {
    return checked_scalar(value, raw_tag{});
  }
  [[nodiscard]] TPW_HD constexpr double value() const noexcept { return value_; }
  // The rest of the whole, 1 - value: for a share only.
  [[nodiscard]] TPW_HD constexpr double complement() const noexcept requires Rule::is_share {
    return 1.0 - value_;
  }
  friend constexpr bool operator==(checked_scalar, checked_scalar) = default;

 private:
  struct raw_tag {};
  TPW_HD constexpr checked_scalar(double value, raw_tag) noexcept : value_(value) {}
  double value_;
};

struct pue_rule {
  static constexpr std::string_view field = "pue";
  static constexpr std::string_view rule = "a PUE is facility power over IT power: finite and >= 1";
  static constexpr bool is_share = false;
  static constexpr bool admits(double value) noexcept { return is_finite(value) && value >= 1.0; }
};

struct fraction_rule {
  static constexpr std::string_view field = "fraction";
  static constexpr std::string_view rule = "must be a fraction in [0, 1]";
  static constexpr bool is_share = true;
  static constexpr bool admits(double value) noexcept {
    return is_finite(value) && value >= 0.0 && value <= 1.0;
  }
};

// Above -1: a rate of -100% or less would make the discount factor (1 + r)^-L undefined.
struct annual_rate_rule {
  static constexpr std::string_view field = "annual_rate";
  static constexpr std::string_view rule = "an annual rate must be finite and > -1";
  static constexpr bool is_share = false;
  static constexpr bool admits(double value) noexcept { return is_finite(value) && value > -1.0; }
};

}  // namespace detail

// Power usage effectiveness: facility power over IT power; finite and at least 1.
using pue = detail::checked_scalar<detail::pue_rule>;
// A share of a whole in [0, 1]: a utilization, a residual value, a yearly maintenance share.
using fraction = detail::checked_scalar<detail::fraction_rule>;
// An annual rate such as a cost of capital: finite and above -1.
using annual_rate = detail::checked_scalar<detail::annual_rate_rule>;

}  // namespace tpw
