// tpw/solve/goal.hpp: a goal seek as data: which input (by its scenario path), which figure,
// which statistic of it (the point figure or a Monte Carlo statistic) and the target; and what
// the seek found. The scenario reader (tpw/io/scenario/solve.hpp) builds goals; tpw/io/solve.hpp
// solves them on a scenario. No JSON, no engine.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/solve/roots.hpp"

namespace tpw::solve {

// The statistic of the figure the target is on.
struct point_value {};  // the point figure: every uncertain input at its median
struct mean_value {};   // the Monte Carlo mean
struct quantile_value {
  double probability = 0.5;  // P90 is 0.9
};
struct chance_at_most {  // P(figure <= threshold)
  double threshold = 0.0;
};
struct chance_above {  // P(figure > threshold)
  double threshold = 0.0;
};
using statistic =
    std::variant<point_value, mean_value, quantile_value, chance_at_most, chance_above>;

[[nodiscard]] inline bool is_monte_carlo(const statistic& s) noexcept {
  return !std::holds_alternative<point_value>(s);
}

struct goal {
  std::string input;   // a scenario path: "revenue.price_per_mtok", "finance.utilization_ramp[0]"
  std::string figure;  // a report figure: "project_npv", "gross_margin", "cost_per_mtok"
  statistic of = point_value{};
  double target = 0.0;
  // Where to look; empty: the input's own rule (docs/scenario-limits.md).
  std::optional<std::pair<double, double>> between;
  // On the input, relative to the root; empty: 1e-6 for a point figure, 1e-4 for a Monte Carlo
  // statistic (whose own sampling error is larger).
  std::optional<double> tolerance;
  [[nodiscard]] double tolerance_or_default() const noexcept {
    return tolerance.value_or(std::holds_alternative<point_value>(of) ? 1e-6 : 1e-4);
  }
};

// "project_npv", "mean(cost_per_mtok)", "P90(cost_per_mtok)", "P(project_npv <= 0)".
[[nodiscard]] inline std::string describe(const statistic& s, const std::string& figure) {
  using tpw::detail::number_text;
  if (std::holds_alternative<mean_value>(s)) return "mean(" + figure + ")";
  if (const auto* q = std::get_if<quantile_value>(&s)) {
    return "P" + number_text(q->probability * 100.0) + "(" + figure + ")";
  }
  if (const auto* c = std::get_if<chance_at_most>(&s)) {
    return "P(" + figure + " <= " + number_text(c->threshold) + ")";
  }
  if (const auto* c = std::get_if<chance_above>(&s)) {
    return "P(" + figure + " > " + number_text(c->threshold) + ")";
  }
  return figure;
}
[[nodiscard]] inline std::string describe(const goal& g) {
  return g.input + " for " + describe(g.of, g.figure) + " = " + tpw::detail::number_text(g.target);
}

// What a goal seek found.
struct goal_result {
  goal asked;
  search_interval searched;
  std::string searched_from;  // "the rule of revenue.price_per_mtok", "solve.between"
  roots_found found;
  std::uint64_t samples = 0;  // of each Monte Carlo run (0: point figures)
  std::uint64_t seed = 0;
  // The scenario gave the input a distribution: each trial replaced it with the trial's number.
  bool input_was_uncertain = false;
  // The input's value in the scenario (its distribution's median), to read the root against.
  std::optional<double> given;
  // The point figures at the first root (name, value), as the report names them.
  std::vector<std::pair<std::string, double>> at_root;
  // The first trial the scenario refused (why the figure has no value there); empty when none.
  std::string refusal;

  [[nodiscard]] bool reached() const noexcept { return !found.roots.empty(); }
  // Why no root was found, naming the input, the interval and how near the figure came; empty
  // when one was.
  [[nodiscard]] std::string out_of_reach() const {
    // Six significant digits: a reader's number, not a round-trip one.
    const auto number_text = [](double x) {
      std::array<char, 32> text{};
      std::snprintf(text.data(), text.size(), "%.6g", x);
      return std::string(text.data());
    };
    if (reached()) return {};
    std::string why = asked.input + ": no value in [" + number_text(searched.low) + ", " +
                      number_text(searched.high) + "] gives " + describe(asked.of, asked.figure) +
                      " = " + number_text(asked.target);
    if (const auto& r = found.reached) {
      why += "; the closest is " + number_text(r->closest) + " at " + number_text(r->at_closest) +
             " (from " + number_text(r->least) + " at " + number_text(r->at_least) + " to " +
             number_text(r->most) + " at " + number_text(r->at_most) + ")";
    } else {
      why += "; the figure has no value there";
    }
    if (!refusal.empty()) why += "; first refusal: " + refusal;
    return why;
  }
};

}  // namespace tpw::solve
