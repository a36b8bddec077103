// tpw/error.hpp: the one exception type tpw throws for bad input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tpw {

namespace detail {
// A number as messages show it: the fewest significant digits (15 to 17) that give back the same
// double, so that a value just past a bound never reads as the bound (1.0000000000000002, not 1).
inline std::string number_text(double value) {
  char text[32];
  for (const int digits : {15, 16, 17}) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}
// A number that went through a unit conversion (kW to W and back): 15 significant digits, the
// number as the user wrote it, without the conversion's noise ("-0.08 per kWh", not
// "-0.08000000000000002").
inline std::string converted_number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}
}  // namespace detail

// Thrown by every validating constructor and entry point. The message reads
// "<field> = <value>: <rule>", e.g. "deployment.utilization = 1.2: must be in [0, 1]". A value
// that is not a number (a CSV cell, a platform name) is quoted as text; value() is then NaN.
class invalid_input : public std::invalid_argument {
 public:
  invalid_input(std::string_view field, double value, std::string_view rule)
      : std::invalid_argument(compose(field, number(value), rule)),
        field_(field),
        rule_(rule),
        value_(value) {}

  invalid_input(std::string_view field, std::string_view text, std::string_view rule)
      : std::invalid_argument(compose(field, quoted(text), rule)),
        field_(field),
        rule_(rule),
        value_(std::numeric_limits<double>::quiet_NaN()) {}

  // A value shown as it is, unquoted: JSON text as a scenario file wrote it (`{"dist": 3}`), or
  // a placeholder such as `(missing)`. value() is NaN.
  static invalid_input shown_as(std::string_view field, std::string_view shown,
                                std::string_view rule) {
    return invalid_input(field, shown, rule, 0);
  }

  // A value converted back to the unit the field is written in: shown at 15 significant digits,
  // hiding the conversion's rounding; value() keeps it exactly.
  static invalid_input converted(std::string_view field, double value, std::string_view rule) {
    invalid_input error(field, detail::converted_number_text(value), rule, 0);
    error.value_ = value;
    return error;
  }

  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  [[nodiscard]] const std::string& rule() const noexcept { return rule_; }
  [[nodiscard]] double value() const noexcept { return value_; }

 private:
  invalid_input(std::string_view field, std::string_view shown, std::string_view rule, int)
      : std::invalid_argument(compose(field, std::string(shown), rule)),
        field_(field),
        rule_(rule),
        value_(std::numeric_limits<double>::quiet_NaN()) {}

  // value() keeps the number exactly; the message shows it as number_text does.
  static std::string number(double value) { return detail::number_text(value); }
  static std::string quoted(std::string_view text) {
    return std::string("\"").append(text).append("\"");
  }
  static std::string compose(std::string_view field, const std::string& value,
                             std::string_view rule) {
    std::string message;
    message.reserve(field.size() + value.size() + rule.size() + 8);
    message.append(field).append(" = ").append(value).append(": ").append(rule);
    return message;
  }

  std::string field_;
  std::string rule_;
  double value_;
};

}  // namespace tpw
