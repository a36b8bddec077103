// tpw/io/solve.hpp: goal seek on a scenario (docs/solve.md). Any number of a scenario file, named
// by its path, is solved for a target on a figure: the point figure, or a Monte Carlo statistic
// (a mean, a quantile, a chance) run with the same seed at every trial, so that the statistic is
// a deterministic function of the input (common random numbers). Each trial is the scenario file
// with the number replaced, read and checked as any file is, and evaluated by run_study.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tpw/io/scenario.hpp"
#include "tpw/io/study.hpp"
#include "tpw/solve/goal.hpp"
#include "tpw/solve/roots.hpp"

namespace tpw::io {

namespace detail {

// The rule of a fleet section's number that may be uncertain (tpw::fleet::rule_of), by its path:
// fleet.price_per_mtok, fleet.generations[2].price_per_mw, fleet.demand.growth_per_year, ...
inline std::optional<cost_input_rule> fleet_rule_at_path(const std::string& path) {
  using fi = fleet::fleet_input;
  struct named {
    const char* key;      // the path's last key
    const char* pattern;  // the path, as the rule names it
    fi input;
  };
  static constexpr named fleet_level[] = {
      {"price_per_mtok", "fleet.price_per_mtok", fi::price_per_mtok},
      {"price_decline_per_year", "fleet.price_decline_per_year", fi::price_decline_per_year},
      {"discount_rate", "fleet.discount_rate", fi::discount_rate},
      {"energy_escalation_per_year", "fleet.energy_escalation_per_year", fi::energy_escalation},
      {"opex_escalation_per_year", "fleet.opex_escalation_per_year", fi::opex_escalation}};
  static constexpr named demand_level[] = {
      {"mtok_per_year", "fleet.demand.mtok_per_year", fi::demand_mtok_per_year},
      {"growth_per_year", "fleet.demand.growth_per_year", fi::demand_growth_per_year}};
  static constexpr named generation_level[] = {
      {"mtok_per_mw_year", "fleet.generations[k].mtok_per_mw_year", fi::mtok_per_mw_year},
      {"running_cost_per_mw_year", "fleet.generations[k].running_cost_per_mw_year",
       fi::running_cost_per_mw_year},
      {"price_per_mw", "fleet.generations[k].price_per_mw", fi::price_per_mw},
      {"price_decline_per_year", "fleet.generations[k].price_decline_per_year",
       fi::generation_price_decline},
      {"throughput_gain_per_year", "fleet.generations[k].throughput_gain_per_year",
       fi::throughput_gain_per_year},
      {"residual_fraction", "fleet.generations[k].residual_fraction", fi::residual_fraction},
      {"availability", "fleet.generations[k].availability", fi::availability}};
  const auto find = [&](const auto& table, std::string_view key) -> std::optional<cost_input_rule> {
    for (const named& n : table) {
      if (key == n.key) {
        const fleet::fleet_input_rule r = fleet::rule_of(n.input);
        return cost_input_rule{n.pattern, r.low, r.high, r.low_included, r.high_included};
      }
    }
    return std::nullopt;
  };
  const std::string_view p = path;
  if (p.starts_with("fleet.demand.")) return find(demand_level, p.substr(13));
  if (p.starts_with("fleet.price_decline_per_year[") && p.ends_with("].decline")) {
    const fleet::fleet_input_rule r = fleet::rule_of(fi::price_phase_decline);
    return cost_input_rule{"fleet.price_decline_per_year[k].decline", r.low, r.high, r.low_included,
                           r.high_included};
  }
  if (p.starts_with("fleet.generations[")) {
    const auto close = p.find("].");
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view index = p.substr(18, close - 18);
    if (index.empty() || index.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    return find(generation_level, p.substr(close + 2));
  }
  if (p.starts_with("fleet.") && p.find_first_of(".[", 6) == std::string_view::npos) {
    return find(fleet_level, p.substr(6));
  }
  return std::nullopt;
}

// The rule of the number at `path` (docs/scenario-limits.md), when tpw has one.
inline std::optional<cost_input_rule> rule_at_path(const std::string& path) {
  for (const auto& r : cost_input_rules) {
    if (path == r.path) return r;
  }
  for (const auto& r : extra_input_rules) {
    if (path == r.path) return r;
  }
  for (const auto& r : project_input_rules) {
    if (path == r.path) return r;
  }
  if (path.starts_with("finance.utilization_ramp[")) return ramp_rule;
  return fleet_rule_at_path(path);
}

// A scenario file with one number replaced. revenue.price_per_mtok, in a file that prices input
// and output tokens apart, is their blend over the mix: every price by kind is scaled by one
// factor, keeping their ratios.
class input_setter {
 public:
  input_setter(const json& file, const scenario& base, const std::string& path,
               const std::string& at)
      : file_(file), steps_(path_steps(path, at)) {
    const json* revenue = file_.contains("revenue") ? &file_["revenue"] : nullptr;
    if (path == "revenue.price_per_mtok" && revenue != nullptr && revenue->is_object() &&
        !revenue->contains("price_per_mtok") && base.prices) {
      // Each price by kind must be a number; the blend at which the dearest reaches its rule's
      // top bounds the search.
      double dearest = 0.0;
      for (const char* key : price_keys) {
        if (!revenue->contains(key)) continue;
        if (!(*revenue)[key].is_number()) {
          refuse(at, path,
                 std::string("scales the prices by kind of token, and revenue.") + key +
                     " is uncertain: solve revenue.input_price_per_mtok or "
                     "output_price_per_mtok instead");
        }
        dearest = std::max(dearest, (*revenue)[key].get<double>());
      }
      blend_ = base.base[cost_input::price_per_mtok];
      if (dearest > 0.0)
        highest_ = *blend_ * rule_of(extra_input::input_price_per_mtok).high / dearest;
      return;
    }
    // Walk to the leaf, checking that the path leads to a number (or a place for one).
    const json* node = &file_;
    std::string walked;
    for (std::size_t k = 0; k < steps_.size(); ++k) {
      const path_step& step = steps_[k];
      const bool last = k + 1 == steps_.size();
      if (!step.key.empty()) {
        walked.append(walked.empty() ? "" : ".").append(step.key);
        if (!node->is_object()) refuse(at, path, "leads through a value that is not an object");
        if (!node->contains(step.key)) {
          // Only the number itself may be new (a catalog figure overridden); the reader refuses
          // a key it does not know.
          if (!last) {
            refuse(at, path, "names no number of this scenario: " + walked + " is not given");
          }
          return;
        }
        node = &(*node)[step.key];
      } else {
        walked.append("[" + std::to_string(step.index) + "]");
        if (!node->is_array() || step.index >= node->size()) {
          refuse(at, path, "names no number of this scenario: " + walked + " is not given");
        }
        node = &(*node)[step.index];
      }
      if (last) {
        uncertain_ = node->is_object() && node->contains("dist");
        if (!node->is_number() && !uncertain_) {
          refuse(at, path, "holds " + shown(*node) + ", not a number");
        }
      }
    }
  }

  [[nodiscard]] json at_value(double x) const {
    json j = file_;
    if (blend_) {
      for (const char* key : price_keys) {
        if (j["revenue"].contains(key)) {
          j["revenue"][key] = j["revenue"][key].get<double>() * (x / *blend_);
        }
      }
      return j;
    }
    json* node = &j;
    for (const path_step& step : steps_) {
      node = step.key.empty() ? &(*node)[step.index] : &(*node)[step.key];
    }
    *node = x;
    return j;
  }
  [[nodiscard]] bool was_uncertain() const noexcept { return uncertain_; }
  // The scenario's own value of the input: the blend, the cost model's number (a catalog figure
  // the file does not write), the file's number, or its distribution's median; empty otherwise.
  [[nodiscard]] std::optional<double> given(const scenario& base, const std::string& path) const {
    if (blend_) return blend_;
    for (std::size_t k = 0; k < cost_input_count; ++k) {
      if (path == cost_input_rules[k].path) return base.base[static_cast<cost_input>(k)];
    }
    const json* node = &file_;
    for (const path_step& step : steps_) {
      if (step.key.empty()) {
        node = &(*node)[step.index];
      } else if (node->contains(step.key)) {
        node = &(*node)[step.key];
      } else {
        return std::nullopt;
      }
    }
    if (node->is_number()) return node->get<double>();
    if (uncertain_) return distribution_at(*node, path).quantile(0.5);
    return std::nullopt;
  }
  // The highest value the input may take, when less than its rule's (a blend of prices by kind).
  [[nodiscard]] std::optional<double> highest() const noexcept { return highest_; }

 private:
  static constexpr std::array<const char*, 3> price_keys{
      "input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok"};
  json file_;
  std::vector<path_step> steps_;
  std::optional<double> blend_;  // the mix's blended price at the file's prices by kind
  std::optional<double> highest_;
  bool uncertain_ = false;
};

// A study's point figure by name: the cost model's (NaN without a price is none) and, with
// finance, the project's; empty where the study has none (no single IRR, never paid back).
inline std::optional<double> point_figure(const study& r, const std::string& figure) {
  if (figure == fleet_npv_figure) {
    if (!r.fleet) return std::nullopt;
    return r.fleet->ledger.npv.value();
  }
  const auto y = point_figures(r);
  for (std::size_t k = 0; k < cost_output_names.size(); ++k) {
    if (figure == cost_output_names[k]) {
      if (!std::isfinite(y[k])) return std::nullopt;
      return y[k];
    }
  }
  if (!r.finance) return std::nullopt;
  const auto irr = [](const irr_result& x) -> std::optional<double> {
    if (!x.unique()) return std::nullopt;
    return x.rates.front();
  };
  if (figure == "project_npv") return r.finance->project_npv.value();
  if (figure == "equity_npv") return r.finance->equity_npv.value();
  if (figure == "project_irr") return irr(r.finance->project_irr);
  if (figure == "equity_irr") return irr(r.finance->equity_irr);
  if (figure == "payback_years") return r.finance->payback_years;
  if (figure == "discounted_payback_years") return r.finance->discounted_payback_years;
  return std::nullopt;
}

// The statistic a goal targets, from a study run for it (goal_scenario).
inline std::optional<double> goal_statistic(const study& r, const solve::goal& g) {
  if (!solve::is_monte_carlo(g.of)) return point_figure(r, g.figure);
  if (g.figure == fleet_npv_figure) {
    // The fleet's own Monte Carlo, asked for the one quantile or chance (goal_scenario).
    if (!r.fleet_statistics) return std::nullopt;
    const fleet::fleet_statistics& f = *r.fleet_statistics;
    if (std::holds_alternative<solve::quantile_value>(g.of)) return f.npv_quantiles.at(0);
    if (std::holds_alternative<solve::chance_at_most>(g.of)) return f.npv_chance_at_most.at(0);
    if (std::holds_alternative<solve::chance_above>(g.of)) {
      return 1.0 - f.npv_chance_at_most.at(0);
    }
    return f.npv_mean;
  }
  if (!r.statistics) return std::nullopt;
  if (std::holds_alternative<solve::chance_at_most>(g.of)) {
    return 1.0 - r.statistics->exceedances.at(0).probability;
  }
  if (std::holds_alternative<solve::chance_above>(g.of)) {
    return r.statistics->exceedances.at(0).probability;
  }
  const mc::output_statistics* o = nullptr;
  for (const auto& f : r.project_figures) {
    if (f.statistics.name == g.figure) {
      if (f.statistics.count == 0) return std::nullopt;
      o = &f.statistics;
    }
  }
  if (o == nullptr) o = &r.statistics->output(g.figure);
  if (const auto* q = std::get_if<solve::quantile_value>(&g.of)) return o->quantile(q->probability);
  return o->mean;
}

// A trial's scenario, trimmed to what the goal reads: no sensitivity analysis; one exceedance
// (a chance) or none; the one figure summarized; and, for a point figure, no uncertainty at all.
inline void trim_for_goal(scenario& s, const solve::goal& g) {
  s.tornado = false;
  s.sobol = false;
  s.exceedances.clear();
  s.outputs.clear();
  if (g.figure == fleet_npv_figure) {
    // The fleet's plan, and its own Monte Carlo for a statistic; none of the cost model's (the
    // fleet reads the rest of the scenario at its point values).
    s.uncertain.clear();
    s.project_uncertain.clear();
    s.extra_uncertain.clear();
    s.operating_curve.reset();
    if (!solve::is_monte_carlo(g.of)) s.fleet->uncertain.clear();
    return;
  }
  s.fleet.reset();  // the goal's figure is not the fleet's: a trial plans no fleet
  if (!solve::is_monte_carlo(g.of)) {
    s.uncertain.clear();
    s.project_uncertain.clear();
    s.extra_uncertain.clear();
    s.operating_curve.reset();
    return;
  }
  s.outputs.push_back(g.figure);
  if (const auto* c = std::get_if<solve::chance_at_most>(&g.of)) {
    s.exceedances.push_back({g.figure, c->threshold, true});
  } else if (const auto* a = std::get_if<solve::chance_above>(&g.of)) {
    s.exceedances.push_back({g.figure, a->threshold, false});
  }
}

// The figures a goal seek reports at its root, as the report names them.
inline std::vector<std::pair<std::string, double>> headline_figures(const study& r) {
  std::vector<std::pair<std::string, double>> out;
  for (const char* name :
       {"cost_per_mtok", "gross_margin", "project_npv", "project_irr", fleet_npv_figure}) {
    if (const auto y = point_figure(r, name)) out.emplace_back(name, *y);
  }
  return out;
}

}  // namespace detail

// Solves one goal on a scenario file's JSON (`file`, its named files read as `files` says).
// Refuses, naming `at` (the goal's place in a solve section): a path that names no number of the
// scenario or holds another kind of value, a figure the scenario does not give, a target outside
// the figure's range, an interval outside the input's rule, an input with no rule and no
// interval. A target out of reach is not an error: the result has no root, and says the least,
// the most and the closest value reached, and where.
inline solve::goal_result solve_goal(const nlohmann::json& file, const named_files& files,
                                     const solve::goal& g, const study_options& options = {},
                                     const std::string& at = "solve") {
  nlohmann::json plain = file;
  if (plain.is_object()) plain.erase("solve");
  const scenario base = scenario_from_json(plain, files);
  detail::require_goal_reachable(base, at, g);
  const detail::input_setter setter(plain, base, g.input, at + ".input");

  // A key the reader does not know names no number: asked before where to search for one.
  const auto refuse_unknown = [&](const invalid_input& e) {
    if (e.rule().starts_with("unknown key")) {
      throw invalid_input(at + ".input", g.input,
                          std::string("names no number this scenario reads: ") + e.what());
    }
  };
  try {
    (void)scenario_from_json(setter.at_value(1.0), files);
  } catch (const invalid_input& e) {
    refuse_unknown(e);
  }

  solve::goal_result out;
  out.asked = g;
  out.input_was_uncertain = setter.was_uncertain();
  out.given = setter.given(base, g.input);
  out.searched.tolerance = g.tolerance_or_default();
  const std::optional<cost_input_rule> rule = detail::rule_at_path(g.input);
  if (g.between) {
    if (rule && !(obeys(*rule, g.between->first) && obeys(*rule, g.between->second))) {
      throw invalid_input::shown_as(
          at + ".between",
          "[" + tpw::detail::number_text(g.between->first) + ", " +
              tpw::detail::number_text(g.between->second) + "]",
          "must lie in " + g.input + "'s range " +
              tpw::detail::interval_text(rule->low, rule->high, rule->low_included,
                                         rule->high_included));
    }
    out.searched.low = g.between->first;
    out.searched.high = g.between->second;
    out.searched_from = "solve.between";
  } else if (rule) {
    // An open end moves in by a billionth of the range.
    const double inward = (rule->high - rule->low) * 1e-9;
    out.searched.low = rule->low_included ? rule->low : rule->low + inward;
    out.searched.high = rule->high_included ? rule->high : rule->high - inward;
    out.searched_from = "the rule of " + std::string(rule->path);
    if (const auto top = setter.highest(); top && *top < out.searched.high) {
      out.searched.high = *top;
      out.searched_from += " (to where the dearest price by kind meets its rule)";
    }
  } else {
    detail::refuse_missing(
        at + ".between",
        "required: " + g.input + " has no rule of its own to search within; give [low, high]");
  }

  const bool monte_carlo = solve::is_monte_carlo(g.of);
  const std::uint64_t samples = options.samples.value_or(base.samples);
  out.samples = monte_carlo ? samples : 0;
  out.seed = options.seed.value_or(base.seed);
  study_options o = options;
  o.percentiles = false;
  o.on_progress = nullptr;

  std::vector<std::pair<double, std::vector<std::pair<std::string, double>>>> headlines;
  std::string refusal;  // the first trial the scenario refused, for a goal with no root
  const auto trial = [&](const solve::goal& asked, double x, std::uint64_t n,
                         bool keep) -> std::optional<double> {
    const auto refused = [&](const invalid_input& e) {
      if (refusal.empty()) refusal = e.what();
    };
    std::optional<scenario> s;
    try {
      s = scenario_from_json(setter.at_value(x), files);
    } catch (const invalid_input& e) {
      refused(e);
      return std::nullopt;
    }
    detail::trim_for_goal(*s, asked);
    const bool fleet_goal = asked.figure == detail::fleet_npv_figure;
    if (monte_carlo && (fleet_goal ? s->fleet->uncertain.empty() : !s->any_uncertain())) {
      throw invalid_input(at + ".input", g.input,
                          "is the scenario's only uncertain input: fixed at each trial, it "
                          "leaves every figure one number; target the point figure instead");
    }
    study_options run = o;
    run.samples = n;
    if (const auto* q = std::get_if<solve::quantile_value>(&asked.of)) {
      run.probabilities = {q->probability};
    } else if (const auto* c = std::get_if<solve::chance_at_most>(&asked.of); c && fleet_goal) {
      run.fleet_npv_at_most = {c->threshold};
    } else if (const auto* a = std::get_if<solve::chance_above>(&asked.of); a && fleet_goal) {
      run.fleet_npv_at_most = {a->threshold};
    }
    try {
      const study r = run_study(*s, run);
      if (keep) headlines.emplace_back(x, detail::headline_figures(r));
      return detail::goal_statistic(r, asked);
    } catch (const invalid_input& e) {
      refused(e);
      return std::nullopt;
    }
  };
  // A chance P(F <= t) = p changes sides exactly where the quantile Q_p(F) crosses t, sample by
  // sample count: solved as that quantile, which moves smoothly with the input where the chance
  // moves in steps of one sample, then the chance is read at each root. Not for an IRR or a
  // payback, whose chance counts the samples without one and whose quantile does not.
  solve::goal searched = g;
  const bool optional_figure = mc::detail::is_optional_project_figure(g.figure);
  if (const auto* c = std::get_if<solve::chance_at_most>(&g.of); c && !optional_figure) {
    searched.of = solve::quantile_value{g.target};
    searched.target = c->threshold;
  } else if (const auto* a = std::get_if<solve::chance_above>(&g.of); a && !optional_figure) {
    searched.of = solve::quantile_value{1.0 - g.target};
    searched.target = a->threshold;
  }
  const bool as_quantile = searched.target != g.target || searched.of.index() != g.of.index();
  const auto solve_for = [&](const solve::goal& asked) {
    const solve::figure_function exact = [&](double x) { return trial(asked, x, samples, true); };
    solve::figure_function scan;
    if (monte_carlo && samples > 4096) {
      // The scan reads a sixty-fourth of the samples; each bracket is checked on all of them.
      const std::uint64_t fewer = std::max<std::uint64_t>(samples / 64, 4096);
      scan = [&, fewer](double x) { return trial(asked, x, fewer, false); };
    }
    return solve::find_roots(exact, asked.target, out.searched, scan);
  };
  out.found = solve_for(searched);
  if (as_quantile && out.found.roots.empty()) {
    // Out of reach: say how near the chance itself came.
    out.found = solve_for(g);
  } else if (as_quantile) {
    const int runs = out.found.evaluations;
    headlines.clear();
    for (solve::root& r : out.found.roots) {
      r.value = trial(g, r.x, samples, true).value_or(r.value);
    }
    out.found.evaluations = runs + static_cast<int>(out.found.roots.size());
    out.found.reached.reset();  // in the quantile's units, not the chance's
  }
  if (!out.found.roots.empty()) {
    for (const auto& [x, figures] : headlines) {
      if (x == out.found.roots.front().x) out.at_root = figures;
    }
  }
  out.refusal = refusal;
  return out;
}

// The goals of a scenario's solve section, each solved on its file (scenario::source).
inline std::vector<solve::goal_result> solve_goals(const scenario& s,
                                                   const study_options& options = {}) {
  std::vector<solve::goal_result> out;
  if (!s.source) return out;
  for (std::size_t k = 0; k < s.goals.size(); ++k) {
    out.push_back(
        solve_goal(*s.source, s.files, s.goals[k], options, "solve[" + std::to_string(k) + "]"));
  }
  return out;
}

}  // namespace tpw::io
