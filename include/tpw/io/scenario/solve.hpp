// tpw/io/scenario/solve.hpp: the scenario's "solve" section (docs/solve.md): goal seeks, each an
// input by its scenario path, a figure, a statistic of it and a target. The scenario reader checks
// that the scenario gives the figure (tpw/io/scenario.hpp); tpw/io/solve.hpp runs them.
#pragma once

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tpw/io/scenario/fields.hpp"
#include "tpw/solve/goal.hpp"

namespace tpw::io {

// One step of a scenario path: an object's key or an array's index.
struct path_step {
  std::string key;  // empty for an index
  std::size_t index = 0;
};

// "finance.utilization_ramp[2]" as its steps; refused (naming `at`) unless every key is a run of
// letters, digits and underscores and every index a whole number in brackets.
inline std::vector<path_step> path_steps(const std::string& path, std::string_view at) {
  const std::string rule =
      "must be a scenario path of keys joined by dots, an array's index in brackets: "
      "\"revenue.price_per_mtok\", \"finance.utilization_ramp[0]\"";
  std::vector<path_step> steps;
  std::size_t k = 0;
  const auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  };
  while (k < path.size()) {
    std::size_t end = k;
    while (end < path.size() && word(path[end])) ++end;
    if (end == k) throw invalid_input(at, path, rule);
    steps.push_back({path.substr(k, end - k), 0});
    k = end;
    while (k < path.size() && path[k] == '[') {
      std::size_t close = k + 1;
      while (close < path.size() && std::isdigit(static_cast<unsigned char>(path[close])) != 0) {
        ++close;
      }
      if (close == k + 1 || close >= path.size() || path[close] != ']' || close - k > 7) {
        throw invalid_input(at, path, rule);
      }
      steps.push_back({"", std::stoul(path.substr(k + 1, close - k - 1))});
      k = close + 1;
    }
    if (k < path.size()) {
      if (path[k] != '.' || k + 1 == path.size()) throw invalid_input(at, path, rule);
      ++k;
    }
  }
  if (steps.empty()) throw invalid_input(at, path, rule);
  return steps;
}

namespace detail {

inline solve::statistic statistic_at(const json& value, const std::string& at) {
  const std::string rule =
      "must be \"point\", \"mean\", {\"quantile\": p}, {\"chance_at_most\": x} or "
      "{\"chance_above\": x}";
  if (value.is_string()) {
    const std::string name = value.get<std::string>();
    if (name == "point") return solve::point_value{};
    if (name == "mean") return solve::mean_value{};
    refuse(at, value, rule);
  }
  if (!value.is_object() || value.size() != 1) refuse(at, value, rule);
  const auto entry = value.begin();
  const std::string key = entry.key();
  const json& x = entry.value();
  if (key == "quantile") {
    return solve::quantile_value{
        bounded_at(x, at + ".quantile", 0.0, 1.0, "a probability: 0.9 is P90", false, false)};
  }
  if (key == "chance_at_most") return solve::chance_at_most{number_at(x, at + ".chance_at_most")};
  if (key == "chance_above") return solve::chance_above{number_at(x, at + ".chance_above")};
  refuse(at, value, rule);
}

// One goal's fields, checked as data; whether the scenario gives its figure is the caller's.
inline solve::goal goal_at(const json& value, const std::string& at) {
  const json& g =
      object_at(value, at, {"input", "figure", "statistic", "target", "between", "tolerance"});
  solve::goal out;
  if (!g.contains("input")) refuse_missing(at + ".input", "required: the scenario path solved for");
  out.input = text_at(g["input"], at + ".input", "must be a scenario path");
  (void)path_steps(out.input, at + ".input");
  if (!g.contains("figure")) refuse_missing(at + ".figure", "required: the figure targeted");
  out.figure = text_at(g["figure"], at + ".figure", "must be a figure's name");
  if (g.contains("statistic")) out.of = statistic_at(g["statistic"], at + ".statistic");
  if (!g.contains("target")) refuse_missing(at + ".target", "required: the figure's target");
  out.target = number_at(g["target"], at + ".target");
  if (g.contains("between")) {
    const json& b = g["between"];
    if (!b.is_array() || b.size() != 2) {
      refuse(at + ".between", b, "must be [low, high]: where to look for the input");
    }
    const double low = number_at(b[0], at + ".between[0]");
    const double high = number_at(b[1], at + ".between[1]");
    if (!(low < high)) refuse(at + ".between", b, "must be [low, high] with low < high");
    out.between = std::pair{low, high};
  }
  if (g.contains("tolerance")) {
    out.tolerance = bounded_at(g["tolerance"], at + ".tolerance", 0.0, 0.1,
                               "on the input, relative to the root", false, true);
  }
  return out;
}

}  // namespace detail

// The "solve" section: an array of at most 16 goals.
inline std::vector<solve::goal> read_solve(const nlohmann::json& value) {
  if (!value.is_array() || value.empty() || value.size() > 16) {
    detail::refuse("solve", value,
                   "must be an array of 1 to 16 goals, each {\"input\": path, \"figure\": name, "
                   "\"target\": x}");
  }
  std::vector<solve::goal> goals;
  for (std::size_t k = 0; k < value.size(); ++k) {
    goals.push_back(detail::goal_at(value[k], "solve[" + std::to_string(k) + "]"));
  }
  return goals;
}

// A goal written on one line, as tpw-whatif's --solve takes it: "INPUT:FIGURE=TARGET" for the
// point figure, and for a Monte Carlo statistic "INPUT:mean(FIGURE)=TARGET",
// "INPUT:P90(FIGURE)=TARGET", "INPUT:P(FIGURE<=X)=TARGET" or "INPUT:P(FIGURE>X)=TARGET". Spaces
// are ignored. Read as the solve section's goal would be, with errors naming `at`.
inline solve::goal goal_from_text(std::string text, const std::string& at = "--solve") {
  std::erase(text, ' ');
  const std::string rule =
      "must be INPUT:FIGURE=TARGET, with FIGURE as mean(F), P90(F), P(F<=X) or P(F>X) for a "
      "Monte Carlo statistic: revenue.price_per_mtok:P(project_npv<=0)=0.1";
  const std::size_t colon = text.find(':');
  const std::size_t equals = text.rfind('=');
  if (colon == std::string::npos || equals == std::string::npos || equals < colon) {
    throw invalid_input(at, text, rule);
  }
  nlohmann::json g = {{"input", text.substr(0, colon)}};
  std::string figure = text.substr(colon + 1, equals - colon - 1);
  const std::string target = text.substr(equals + 1);
  const auto number = [&](const std::string& x) {
    std::size_t used = 0;
    double value = 0.0;
    try {
      value = std::stod(x, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != x.size() || !std::isfinite(value)) throw invalid_input(at, text, rule);
    return value;
  };
  // The figure's wrapper: "name(" ... ")".
  const auto inside = [&](const std::string& prefix) -> std::optional<std::string> {
    if (!figure.starts_with(prefix) || !figure.ends_with(")")) return std::nullopt;
    return figure.substr(prefix.size(), figure.size() - prefix.size() - 1);
  };
  if (const auto averaged = inside("mean(")) {
    g["figure"] = *averaged;
    g["statistic"] = "mean";
  } else if (const auto chance = inside("P(")) {
    const std::size_t at_most = chance->find("<=");
    const std::size_t above = chance->find('>');
    if (at_most != std::string::npos) {
      g["figure"] = chance->substr(0, at_most);
      g["statistic"] = {{"chance_at_most", number(chance->substr(at_most + 2))}};
    } else if (above != std::string::npos) {
      g["figure"] = chance->substr(0, above);
      g["statistic"] = {{"chance_above", number(chance->substr(above + 1))}};
    } else {
      throw invalid_input(at, text, rule);
    }
  } else if (figure.starts_with("P") && figure.find('(') != std::string::npos) {
    const std::size_t open = figure.find('(');
    const auto quantiled = inside(figure.substr(0, open + 1));
    if (!quantiled) throw invalid_input(at, text, rule);
    g["figure"] = *quantiled;
    g["statistic"] = {{"quantile", number(figure.substr(1, open - 1)) / 100.0}};
  } else {
    g["figure"] = figure;
  }
  g["target"] = number(target);
  return detail::goal_at(g, at);
}

}  // namespace tpw::io
