// tpw/error.hpp: the one exception type tpw throws for bad input.
#pragma once

#include <algorithm>
#include <cstddef>
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

// Whether a code point is invisible or reorders text on a terminal: the soft hyphen, the
// zero-width and joiner characters, the bidirectional marks, embeddings, overrides and isolates,
// the byte-order mark and the interlinear annotation marks. A message shows them escaped.
constexpr bool is_invisible_code_point(char32_t c) noexcept {
  return c == 0xad || c == 0x34f || c == 0x61c || c == 0x180e || (c >= 0x200b && c <= 0x200f) ||
         (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
         (c >= 0xfff9 && c <= 0xfffb);
}

// The length of the valid UTF-8 sequence at the start of `text` and its code point; 0 when the
// first byte does not start one (a stray continuation byte, an overlong or a surrogate).
inline std::size_t utf8_sequence(std::string_view text, char32_t& code) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    code = lead;
    return 1;
  }
  const std::size_t length = lead >= 0xc2 && lead < 0xe0   ? 2
                             : lead >= 0xe0 && lead < 0xf0 ? 3
                             : lead >= 0xf0 && lead < 0xf5 ? 4
                                                           : 0;
  if (length == 0 || length > text.size()) return 0;
  code = lead & (0xff >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(k) & 0x3f);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  if (overlong || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

// Text from a file or an argument as a message shows it: control characters as \n, \t, \r or
// \xNN, bytes that are not UTF-8 as \xNN, invisible and reordering code points as \u{XXXX}, so
// a NUL cannot cut a message, nor U+202E turn it around; longer than `limit` bytes, it is cut
// at a character and says how long it was.
inline std::string visible_text(std::string_view text, std::size_t limit = 240) {
  std::string out;
  out.reserve(std::min(text.size(), limit) + 16);
  const auto hex = [&out](unsigned value, int digits) {
    constexpr const char* figures = "0123456789ABCDEF";
    for (int d = digits - 1; d >= 0; --d) out += figures[(value >> (4 * d)) & 0xf];
  };
  std::size_t k = 0;
  while (k < text.size() && out.size() < limit) {
    char32_t code = 0;
    const std::size_t length = utf8_sequence(text.substr(k), code);
    if (length == 0) {
      out += "\\x";
      hex(static_cast<unsigned char>(text[k]), 2);
      ++k;
      continue;
    }
    if (code == '\n') {
      out += "\\n";
    } else if (code == '\t') {
      out += "\\t";
    } else if (code == '\r') {
      out += "\\r";
    } else if (code < 0x20 || code == 0x7f) {
      out += "\\x";
      hex(static_cast<unsigned>(code), 2);
    } else if ((code >= 0x80 && code < 0xa0) || is_invisible_code_point(code)) {
      out += "\\u{";
      hex(static_cast<unsigned>(code), 4);
      out += '}';
    } else {
      out.append(text.substr(k, length));
    }
    k += length;
  }
  if (k < text.size()) {
    out += "... (" + std::to_string(text.size()) + " bytes in all)";
  }
  return out;
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
  // Every part shown visibly and bounded (detail::visible_text): a field, value or rule built
  // from a file's text can hold a NUL, a terminal control, U+202E or megabytes.
  static std::string compose(std::string_view field, const std::string& value,
                             std::string_view rule) {
    std::string message = detail::visible_text(field, max_field_bytes);
    message.append(" = ")
        .append(detail::visible_text(value, max_value_bytes))
        .append(": ")
        .append(detail::visible_text(rule, max_rule_bytes));
    return message;
  }
  static constexpr std::size_t max_field_bytes = 240;
  static constexpr std::size_t max_value_bytes = 240;
  static constexpr std::size_t max_rule_bytes = 4096;

  std::string field_;
  std::string rule_;
  double value_;
};

}  // namespace tpw
