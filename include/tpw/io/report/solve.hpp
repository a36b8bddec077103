// tpw/io/report/solve.hpp: the report's "solve" section (docs/report.md): each goal seek's
// question, where it searched, its roots (or how near it came) and the figures at the first root.
#pragma once

#include <nlohmann/json.hpp>

#include <variant>

#include "tpw/solve/goal.hpp"

namespace tpw::io {

inline nlohmann::json statistic_json(const solve::statistic& s) {
  if (std::holds_alternative<solve::mean_value>(s)) return "mean";
  if (const auto* q = std::get_if<solve::quantile_value>(&s)) return {{"quantile", q->probability}};
  if (const auto* c = std::get_if<solve::chance_at_most>(&s))
    return {{"chance_at_most", c->threshold}};
  if (const auto* c = std::get_if<solve::chance_above>(&s)) return {{"chance_above", c->threshold}};
  return "point";
}

inline nlohmann::json solve_json(const solve::goal_result& r) {
  using nlohmann::json;
  const solve::roots_found& f = r.found;
  json roots = json::array();
  for (const solve::root& x : f.roots) {
    roots.push_back({{"input", x.x},
                     {"bracket", {x.low, x.high}},
                     {"figure", x.value},
                     {"iterations", x.iterations}});
  }
  json out = {{"input", r.asked.input},
              {"figure", r.asked.figure},
              {"statistic", statistic_json(r.asked.of)},
              {"target", r.asked.target},
              {"asked", solve::describe(r.asked)},
              {"searched", {r.searched.low, r.searched.high}},
              {"searched_from", r.searched_from},
              {"tolerance", r.searched.tolerance},
              {"reached", r.reached()},
              {"roots", roots},
              {"monotone", f.monotone},
              {"evaluations", f.evaluations},
              {"scan_evaluations", f.scan_evaluations},
              {"input_was_uncertain", r.input_was_uncertain}};
  if (r.given) out["given"] = *r.given;
  if (r.samples > 0) {
    out["samples"] = r.samples;
    out["seed"] = r.seed;
  }
  if (f.reached) {
    out["range"] = {{"least", f.reached->least},     {"at_least", f.reached->at_least},
                    {"most", f.reached->most},       {"at_most", f.reached->at_most},
                    {"closest", f.reached->closest}, {"at_closest", f.reached->at_closest}};
  }
  json at_root = json::object();
  for (const auto& [name, value] : r.at_root) at_root[name] = value;
  if (!r.at_root.empty()) out["at_root"] = at_root;
  if (!r.refusal.empty()) out["first_refusal"] = r.refusal;
  if (!r.reached()) out["out_of_reach"] = r.out_of_reach();
  return out;
}

}  // namespace tpw::io
