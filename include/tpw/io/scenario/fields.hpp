// tpw/io/scenario/fields.hpp: reading a scenario file's fields: refusals that name the field's
// path, objects with known keys only, numbers, counts, bounded numbers and text.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "tpw/error.hpp"
#include "tpw/io/json_text.hpp"
#include "tpw/model/validate.hpp"

namespace tpw::io::detail {

using json = nlohmann::json;

[[noreturn]] inline void refuse(std::string_view path, const json& value, std::string_view rule) {
  throw invalid_input::shown_as(path, shown(value), rule);
}
[[noreturn]] inline void refuse_missing(std::string_view path, std::string_view rule) {
  throw invalid_input::shown_as(path, "(missing)", rule);
}

// An object holding only the known keys.
inline const json& object_at(const json& value, std::string_view path,
                             std::initializer_list<std::string_view> known) {
  if (!value.is_object()) refuse(path.empty() ? "scenario" : path, value, "must be a JSON object");
  for (const auto& [key, item] : value.items()) {
    bool found = false;
    for (const std::string_view k : known) found = found || k == key;
    if (!found) {
      std::string list;
      for (const std::string_view k : known) list.append(list.empty() ? "" : ", ").append(k);
      refuse(joined(path, key), item,
             "unknown key; " + std::string(path.empty() ? "a scenario" : path) + " takes " + list);
    }
  }
  return value;
}

inline double number_at(const json& value, std::string_view path) {
  if (!value.is_number()) refuse(path, value, "must be a number");
  const double x = value.get<double>();
  if (!std::isfinite(x)) refuse(path, value, "must be a finite number");
  return x;
}

// A whole number in [low, high].
inline std::uint64_t whole_at(const json& value, std::string_view path, double low, double high) {
  if (value.is_object()) refuse(path, value, "a count cannot be uncertain");
  const double x = number_at(value, path);
  if (x != std::floor(x) || x < low || x > high) {
    refuse(path, value,
           "must be a whole number in [" + tpw::detail::number_text(low) + ", " +
               tpw::detail::number_text(high) + "]");
  }
  return value.is_number_unsigned() ? value.get<std::uint64_t>() : static_cast<std::uint64_t>(x);
}

// A number that cannot be uncertain (yet), in [low, high] (an end excluded when asked); `meaning`
// ends the rule: "must be in [0, 1): an income tax rate".
inline double bounded_at(const json& value, std::string_view path, double low, double high,
                         std::string_view meaning, bool low_included = true,
                         bool high_included = true) {
  if (value.is_object()) {
    refuse(path, value,
           "cannot be uncertain: distributions apply to deployment, costs, workload, revenue, "
           "carbon, a frontier's latency target, a power cap, a site's power, demand.scale and "
           "finance's "
           "rates, shares and utilization ramp (counts and whole numbers of years stay fixed)");
  }
  const double x = number_at(value, path);
  const bool ok = (low_included ? x >= low : x > low) && (high_included ? x <= high : x < high);
  if (!ok) {
    std::string rule =
        std::string("must be in ")
            .append(tpw::detail::interval_text(low, high, low_included, high_included));
    if (!meaning.empty()) rule.append(": ").append(meaning);
    refuse(path, value, rule);
  }
  return x;
}

inline std::string text_at(const json& value, std::string_view path, std::string_view rule) {
  if (!value.is_string()) refuse(path, value, rule);
  return value.get<std::string>();
}

}  // namespace tpw::io::detail
