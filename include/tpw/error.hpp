// tpw/error.hpp: the one exception type tpw throws for bad input.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tpw {

// Thrown by every validating constructor and entry point. The message reads
// "<field> = <value>: <rule>", e.g. "deployment.utilization = 1.2: must be in [0, 1]".
class invalid_input : public std::invalid_argument {
 public:
  invalid_input(std::string_view field, double value, std::string_view rule)
      : std::invalid_argument(compose(field, value, rule)),
        field_(field),
        rule_(rule),
        value_(value) {}

  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  [[nodiscard]] const std::string& rule() const noexcept { return rule_; }
  [[nodiscard]] double value() const noexcept { return value_; }

 private:
  static std::string compose(std::string_view field, double value, std::string_view rule) {
    // 15 significant digits: the number as the user wrote it, without the noise a unit
    // conversion adds ("-0.08 per kWh", not "-0.08000000000000002"); value() keeps it exactly.
    char number[32];
    std::snprintf(number, sizeof number, "%.15g", value);
    std::string message;
    message.reserve(field.size() + rule.size() + 40);
    message.append(field).append(" = ").append(number).append(": ").append(rule);
    return message;
  }

  std::string field_;
  std::string rule_;
  double value_;
};

}  // namespace tpw
