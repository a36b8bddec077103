// tpw/io/scenario.hpp: scenario files (JSON, docs/scenario.md) read into the cost model's plain
// parameters (tpw/model/parameters.hpp) and its uncertain inputs. Target tpw::io. Reading a
// scenario needs neither Eigen nor the Monte Carlo engine: running it is tpw/io/study.hpp.
//
// Every refusal is a tpw::invalid_input whose message names the field's JSON path, its value as
// the file wrote it and the rule: `costs.energy.pue = 0.9: a PUE is facility power over IT
// power: finite and >= 1`. Unknown keys are errors. Any numeric leaf of the cost model may be a
// distribution object, which makes that input uncertain; the point figures then take its median.
// Malformed text (truncated, empty, not an object, nested deeper than 32, numbers that overflow a
// double) is refused the same way, never with a crash or a NaN.
//
// Keys beyond the basic deployment and costs: "platform" (a catalog id whose figures fill
// the defaults), "deployment.provisioned_power_kw", "site.headroom", "uncertainty.design",
// "uncertainty.sobol_samples", "frontier" (points of throughput per accelerator against
// interactivity, and the latency targets that pick the operating point), "workload" (the request
// mix), prices by kind of token, input and output rates, "finance" (a multi-year project) and
// "carbon"; and the distributions truncated_normal, beta, lognormal from {"p10", "p90"}, fixed
// and empirical. The new sections take numbers only: distributions stay with the cost model's
// inputs.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tpw/capacity/output_variability.hpp"
#include "tpw/catalog/platforms.hpp"
#include "tpw/catalog/views.hpp"
#include "tpw/curves/frontier.hpp"
#include "tpw/curves/power_cap.hpp"
#include "tpw/error.hpp"
#include "tpw/finance/project.hpp"
#include "tpw/finance/project_parameters.hpp"
#include "tpw/io/benchmarks.hpp"
#include "tpw/io/file.hpp"
#include "tpw/io/json_text.hpp"
#include "tpw/io/scenario/demand.hpp"
#include "tpw/io/scenario/fields.hpp"
#include "tpw/io/scenario/fleet.hpp"
#include "tpw/io/scenario/mix.hpp"
#include "tpw/io/scenario/solve.hpp"
#include "tpw/io/scenario/tariff.hpp"
#include "tpw/mc/demand_curve.hpp"
#include "tpw/mc/grown_scale.hpp"
#include "tpw/mc/operating_curve.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/mc/uncertain_parameters.hpp"
#include "tpw/model/parameters.hpp"
#include "tpw/model/workload.hpp"
#include "tpw/site/site.hpp"

namespace tpw::io {

// The model's arithmetic does not depend on the currency, so a scenario in any currency runs under
// ISO 4217's code for "no currency"; reports label its numbers with scenario::currency.
using scenario_currency = tpw::currency<"XXX">;

struct frontier_choice {
  throughput_frontier frontier;
  double min_interactivity = 0.0;     // tok/s per user, the SLO the targets set
  std::optional<double> max_tpot_ms;  // time per output token, when given
  std::optional<double> max_ttft_ms;  // time to first token, when given
  std::string bound_by;               // the target that set it: "min_interactivity_tok_s_user",
                                      // "max_tpot_ms" or "max_ttft_ms"
  frontier_point chosen;              // the frontier's point at the SLO; sets the throughput
  std::string source = "points";      // or the benchmark frontier's key
  std::optional<double> input_share;  // of the throughput, from benchmark files' input tok/s
  // frontier.throughput_factor as the file wrote it (a number or a distribution object), when
  // given: the share of the frontier's throughput the deployment reaches.
  std::optional<nlohmann::json> throughput_factor;
  // The latency target bound_by names, when the file gave it as a distribution (it then stands
  // alone, and the point takes its median): each sample's throughput is the frontier's at its own
  // target.
  std::optional<nlohmann::json> uncertain_target;
};

// Multi-year finance (tpw/finance/project.hpp) over the site's systems.
struct finance_choice {
  cash_flow_plan<scenario_currency> plan;  // price filled from the scenario's price
  project_terms terms;
  // The rates left to their defaults: each sample's follows its own cost of capital or discount
  // rate (project_parameters::terms_at).
  bool discount_rate_is_cost_of_capital = false;
  bool equity_rate_is_discount_rate = false;
};

// A power-cap curve and the cap chosen on it (tpw/curves/power_cap.hpp): it sets the throughput
// and, with the rest of the system's power per accelerator (the overhead), the IT power while
// serving (draw + overhead) and the provisioned power (cap + overhead).
struct power_cap_choice {
  power_cap_curve curve;
  std::string rule;  // "fixed", "max_q", "best_for_site" or "uncertain" (chosen at its median)
  double overhead_w = 0.0;
  power_cap_point chosen;
};

struct carbon_choice {
  double grid_g_per_kwh = 0.0;
  double embodied_kg_per_accelerator = 0.0;
  double life_years = 0.0;             // over which embodied emissions are spread
  bool life_follows_hardware = false;  // not given: the owned hardware's life
  bool life_applies = true;            // false: no life given or owned, nothing embodied
};

struct scenario {
  std::string name = "scenario";
  std::vector<std::string> notes;  // the file's own words on its sources, echoed in the report
  std::string currency = "USD";
  std::string platform;  // the catalog id, when the file names one
  // The InferenceX vintage: its constants price costs.inferencex, and the plausibility checks
  // use its all-in power. Every report names it.
  inferencex_vintage vintage = current_inferencex_vintage;
  std::optional<inferencex_tier> inferencex_costs;  // costs.inferencex.tier, when given
  std::string model;                                // workload.model, for the plausibility checks
  std::string precision;                            // workload.precision
  // Point values in scenario units; an uncertain input holds its distribution's median.
  cost_parameters base;
  std::vector<mc::uncertain_parameter> uncertain;  // in the order of the file's fields
  // The project's uncertain numbers (finance), in the order of the file's fields.
  std::vector<mc::uncertain_project_parameter> project_uncertain;
  // The carbon section's uncertain numbers, in the order of the file's fields.
  std::vector<mc::uncertain_extra> extra_uncertain;
  long systems = 1;
  std::optional<double> site_power_mw;
  double site_headroom = 0.0;
  std::uint64_t samples = 100'000;
  std::uint64_t seed = 0;
  mc::design_kind design = mc::design_kind::latin_hypercube;
  bool tornado = false;
  bool sobol = false;
  std::uint64_t sobol_samples = 1u << 13;  // N: Sobol' indices cost N (d + 2) evaluations
  // uncertainty.exceedances: the chance that a figure is above (or at or below) a threshold.
  struct exceedance_query {
    std::string figure;  // a Monte Carlo output: cost_per_mtok, gross_margin, ...
    double threshold = 0.0;
    bool below = false;  // P(figure <= threshold) rather than P(figure > threshold)
  };
  std::vector<exceedance_query> exceedances;
  // uncertainty.outputs: the figures to summarize (empty: every one).
  std::vector<std::string> outputs;
  std::optional<frontier_choice> frontier;
  // The request mix (a workload, or the input and output rates of a benchmark), when given.
  std::optional<request_shape> workload;
  std::optional<std::pair<double, double>> phase_rates;    // input and output tok/s per accelerator
  std::optional<token_pricing<scenario_currency>> prices;  // by kind of token, when given
  bool cached_price_given = false;  // revenue.cached_input_price_per_mtok (else none is charged)
  std::optional<finance_choice> finance;
  std::optional<carbon_choice> carbon;
  std::optional<power_cap_choice> power_cap;
  // The demand section and the fleet it plans (tpw/io/scenario/demand.hpp): it sets systems and
  // utilization; the site's ceiling moves into it (site_power_mw is then empty).
  std::optional<demand_choice> demand;
  // demand.candidates: the least-cost mix of this file's platform and the candidates
  // (tpw/io/scenario/mix.hpp), beside the file's own figures, which stay its platform's alone.
  std::optional<candidate_mix> mix;
  // costs.energy.tariff and its bill on the hourly load (tpw/io/scenario/tariff.hpp): the bill's
  // effective price is the energy price.
  std::optional<tariff_choice<scenario_currency>> tariff;
  // The solve section's goals (tpw/io/solve.hpp runs them), and what a goal seek reads: the
  // file's JSON without that section, and where its named files are read from (a scenario built
  // in code has no file: source is null, and only tpw::io::solve_goal on a JSON document solves).
  std::vector<solve::goal> goals;
  // The fleet section (tpw/io/scenario/fleet.hpp): cohorts over calendar time, planned by
  // tpw::fleet::plan_fleet as the study runs.
  std::optional<fleet_choice<scenario_currency>> fleet;
  std::shared_ptr<const nlohmann::json> source;
  named_files files;
  // The curve an uncertain latency target (frontier) or power cap moves the operating point on,
  // sample by sample; null when neither is uncertain.
  std::shared_ptr<const mc::operating_curve> operating_curve;

  // Checks every value, and every distribution's reachable values, against its input's rule.
  void validate() const {
    (void)validated_parameters<scenario_currency>(base);
    mc::check_uncertain_parameters(base, uncertain);
    for (const auto& u : project_uncertain) {
      mc::detail::require_inside(project_slot_rule(u.slot), u.dist, project_slot_path(u.slot));
    }
    for (const auto& u : extra_uncertain) mc::detail::require_inside(rule_of(u.input), u.dist);
  }
  // The distribution an extra number was given (a carbon number, a price by kind, a workload
  // number, the latency target or the power cap); null when it is a number.
  [[nodiscard]] const mc::distribution* uncertain_extra(extra_input k) const noexcept {
    for (const auto& u : extra_uncertain) {
      if (u.input == k) return &u.dist;
    }
    return nullptr;
  }
  // Whether any input, of the cost model, the carbon section or the project, is uncertain.
  [[nodiscard]] bool any_uncertain() const noexcept {
    return !uncertain.empty() || !project_uncertain.empty() || !extra_uncertain.empty();
  }
};

// The request mix the per-request figures use: the workload, or a benchmark's input and output
// rates taken as one request's tokens.
[[nodiscard]] inline std::optional<request_shape> mix_of(const scenario& s) {
  if (s.workload) return *s.workload;
  if (s.phase_rates) {
    return request_shape{tokens::from_value(s.phase_rates->first),
                         tokens::from_value(s.phase_rates->second)};
  }
  return std::nullopt;
}

namespace detail {

using json = nlohmann::json;

inline mc::distribution distribution_at(const json& d, const std::string& path) {
  static constexpr std::string_view kinds =
      "uniform, triangular, pert, normal, truncated_normal, lognormal, beta, fixed, empirical";
  if (!d.contains("dist")) {
    refuse(path, d, "a distribution object needs \"dist\": one of " + std::string(kinds));
  }
  const std::string kind = text_at(d["dist"], path + ".dist", "must name a distribution");
  const auto param = [&](const char* key) {
    if (!d.contains(key)) refuse_missing(path + "." + key, "a " + kind + " distribution needs it");
    return number_at(d[key], path + "." + key);
  };
  const auto optional_param = [&](const char* key, double fallback) {
    return d.contains(key) ? number_at(d[key], path + "." + key) : fallback;
  };
  using dist = mc::distribution;
  if (kind == "uniform") {
    object_at(d, path, {"dist", "low", "high"});
    return dist::uniform(param("low"), param("high"), path);
  }
  if (kind == "triangular" || kind == "pert") {
    object_at(d, path, {"dist", "low", "mode", "high"});
    return kind == "pert" ? dist::pert(param("low"), param("mode"), param("high"), path)
                          : dist::triangular(param("low"), param("mode"), param("high"), path);
  }
  if (kind == "normal") {
    object_at(d, path, {"dist", "mean", "sd"});
    return dist::normal(param("mean"), param("sd"), path);
  }
  if (kind == "truncated_normal") {
    object_at(d, path, {"dist", "mean", "sd", "low", "high"});
    constexpr double inf = std::numeric_limits<double>::infinity();
    return dist::truncated_normal(param("mean"), param("sd"), optional_param("low", -inf),
                                  optional_param("high", inf), path);
  }
  if (kind == "lognormal") {
    if (d.contains("p10") || d.contains("p90")) {
      object_at(d, path, {"dist", "p10", "p90"});
      return dist::lognormal_from_p10_p90(param("p10"), param("p90"), path);
    }
    object_at(d, path, {"dist", "median", "sigma"});
    return dist::lognormal(param("median"), param("sigma"), path);
  }
  if (kind == "beta") {
    object_at(d, path, {"dist", "alpha", "beta", "low", "high"});
    return dist::beta(param("alpha"), param("beta"), optional_param("low", 0.0),
                      optional_param("high", 1.0), path);
  }
  if (kind == "fixed") {
    object_at(d, path, {"dist", "value"});
    return dist::fixed(param("value"), path);
  }
  if (kind == "empirical") {
    object_at(d, path, {"dist", "samples"});
    const std::string at = path + ".samples";
    if (!d.contains("samples")) refuse_missing(at, "an empirical distribution needs its samples");
    if (!d["samples"].is_array()) refuse(at, d["samples"], "must be an array of numbers");
    std::vector<double> samples;
    for (std::size_t k = 0; k < d["samples"].size(); ++k) {
      samples.push_back(number_at(d["samples"][k], at + "[" + std::to_string(k) + "]"));
    }
    return dist::empirical(samples, path);
  }
  refuse(path + ".dist", d["dist"], "unknown distribution; known: " + std::string(kinds));
}

// A cost-model leaf: a number, or a distribution object that makes the input uncertain.
inline void leaf_at(const json& value, cost_input input, scenario& s) {
  const std::string path = rule_of(input).path;
  if (value.is_object()) {
    mc::distribution d = distribution_at(value, path);
    s.base[input] = d.quantile(0.5);
    s.uncertain.push_back({input, std::move(d)});
    return;
  }
  if (!value.is_number()) {
    refuse(path, value,
           "must be a number or a distribution object such as {\"dist\": \"uniform\", \"low\": "
           "0.5, \"high\": 0.9}");
  }
  s.base[input] = number_at(value, path);
}

// Reads `key` of `object` into `input` when present; returns whether it was.
inline bool optional_leaf(const json& object, const char* key, cost_input input, scenario& s) {
  if (!object.contains(key)) return false;
  leaf_at(object[key], input, s);
  return true;
}
inline void required_leaf(const json& object, const char* key, cost_input input, scenario& s,
                          std::string_view rule) {
  if (!optional_leaf(object, key, input, s)) refuse_missing(rule_of(input).path, rule);
}

// An extra number (a carbon number, a price by kind of token, a workload number, a rate, a site
// number): a number in its rule, or a distribution object that makes it uncertain (the point
// figures take its median); returns the point value.
inline double extra_leaf_at(const json& value, extra_input input, scenario& s,
                            std::string_view meaning) {
  const cost_input_rule& rule = rule_of(input);
  if (value.is_object()) {
    mc::distribution d = distribution_at(value, rule.path);
    mc::detail::require_inside(rule, d);
    const double median = d.quantile(0.5);
    s.extra_uncertain.push_back({input, std::move(d)});
    return median;
  }
  return bounded_at(value, rule.path, rule.low, rule.high, meaning, rule.low_included,
                    rule.high_included);
}

// `throughput_from` names the section that sets the throughput ("frontier", "power_cap"), if any.
inline void read_deployment(const json& j, scenario& s, bool from_platform,
                            std::string_view throughput_from, bool demand) {
  const bool from_frontier = !throughput_from.empty();
  const json& d = object_at(
      j, "deployment",
      {"accelerators_per_system", "systems", "it_power_kw", "idle_power_kw", "provisioned_power_kw",
       "utilization", "throughput_tok_s", "input_tok_s", "output_tok_s"});
  if (d.contains("accelerators_per_system")) {
    s.base[cost_input::accelerators_per_system] = static_cast<double>(
        whole_at(d["accelerators_per_system"], "deployment.accelerators_per_system", 1, 1e6));
  } else if (!from_platform) {
    refuse_missing("deployment.accelerators_per_system",
                   "required (or name a catalog \"platform\" that gives it)");
  }
  if (d.contains("systems")) {
    s.systems = static_cast<long>(whole_at(d["systems"], "deployment.systems", 1, 1e9));
  }
  if (!optional_leaf(d, "it_power_kw", cost_input::it_power_kw, s) && !from_platform) {
    refuse_missing("deployment.it_power_kw",
                   "required, in kW per system (or name a catalog \"platform\" that gives it)");
  }
  s.base.idle_given = optional_leaf(d, "idle_power_kw", cost_input::idle_power_kw, s);
  s.base.provisioned_given =
      optional_leaf(d, "provisioned_power_kw", cost_input::provisioned_power_kw, s);
  if (demand) {
    if (d.contains("utilization")) {
      refuse("deployment.utilization", d["utilization"],
             "follows from the demand section (the served share of the fleet's capacity): "
             "remove it");
    }
    s.base[cost_input::utilization] = 1.0;  // until the demand section plans the fleet
  } else {
    required_leaf(d, "utilization", cost_input::utilization, s,
                  "required: the share of hours the accelerators serve, in (0, 1] (or give a "
                  "demand section, which derives it)");
  }
  if (d.contains("input_tok_s") || d.contains("output_tok_s")) {
    // A benchmark's split: input and output tokens processed per second, side by side.
    const std::string_view both =
        "input and output tok/s per accelerator come together, as benchmark files give them "
        "(InferenceX input_tput_per_gpu and output_tput_per_gpu)";
    if (!d.contains("input_tok_s")) refuse_missing("deployment.input_tok_s", both);
    if (!d.contains("output_tok_s")) refuse_missing("deployment.output_tok_s", both);
    const std::string which =
        from_frontier ? "a " + std::string(throughput_from) : std::string("throughput_tok_s");
    if (from_frontier || d.contains("throughput_tok_s")) {
      refuse("deployment.input_tok_s", d["input_tok_s"],
             "give the input and output rates or " + which + ", not both");
    }
    // Each a number or a distribution (the point takes its median; each sample's throughput is
    // the sum of its own rates).
    const double in =
        extra_leaf_at(d["input_tok_s"], extra_input::input_tok_s, s, "tok/s per accelerator");
    const double out =
        extra_leaf_at(d["output_tok_s"], extra_input::output_tok_s, s, "tok/s per accelerator");
    s.phase_rates = {in, out};
    s.base[cost_input::throughput_tok_s] = in + out;
    return;
  }
  if (from_frontier) {
    if (d.contains("throughput_tok_s")) {
      refuse(rule_of(cost_input::throughput_tok_s).path, d["throughput_tok_s"],
             throughput_from == "frontier"
                 ? "give the throughput or a frontier, not both: the frontier's point at the SLO "
                   "sets it"
                 : "give the throughput or a power_cap, not both: the curve's point at the "
                   "chosen cap sets it");
    }
  } else {
    required_leaf(d, "throughput_tok_s", cost_input::throughput_tok_s, s,
                  "required: tok/s per accelerator while serving (or give a frontier, a "
                  "power_cap, or input_tok_s and output_tok_s)");
  }
}

// costs.inferencex: the catalog platform's hourly cost and all-in power in the scenario's vintage
// stand for the hardware, the facility, the energy and the operations (SemiAnalysis' hourly cost
// is the whole cost of an accelerator-hour), so those sections are refused beside it.
inline void read_inferencex_costs(const json& c, const json& deployment, scenario& s,
                                  const platform* catalog) {
  const json& x = object_at(c["inferencex"], "costs.inferencex", {"tier"});
  const vintage_info v = info(s.vintage);
  if (catalog == nullptr) {
    refuse("costs.inferencex", x, "needs a catalog \"platform\" whose hourly cost it takes");
  }
  for (const char* key : {"hardware", "facility", "opex"}) {
    if (c.contains(key)) {
      refuse(std::string("costs.") + key, c[key],
             "give it or costs.inferencex, not both: the vintage's hourly cost already covers "
             "the hardware, the facility and the operations");
    }
  }
  if (c["energy"].is_object() && c["energy"].contains("tariff")) {
    refuse("costs.energy.tariff", c["energy"]["tariff"],
           "comes with costs.inferencex's hourly cost, which already holds the energy");
  }
  if (c["energy"].is_object() && c["energy"].contains("price_per_kwh")) {
    refuse("costs.energy.price_per_kwh", c["energy"]["price_per_kwh"],
           "give it or costs.inferencex, not both: the vintage's hourly cost already pays for "
           "the power");
  }
  if (deployment.is_object() && deployment.contains("it_power_kw")) {
    refuse("deployment.it_power_kw", deployment["it_power_kw"],
           std::string("give it or costs.inferencex, not both: the ") + std::string(v.id) +
               " all-in power per accelerator sets it");
  }
  if (!x.contains("tier")) refuse_missing("costs.inferencex.tier", "required: owned or rental");
  const std::string tier = text_at(x["tier"], "costs.inferencex.tier", "must be owned or rental");
  if (tier == "owned") {
    s.inferencex_costs = inferencex_tier::hyperscaler;
  } else if (tier == "rental") {
    s.inferencex_costs = inferencex_tier::rental;
  } else if (tier == "neocloud") {
    s.inferencex_costs = inferencex_tier::neocloud;
  } else {
    refuse("costs.inferencex.tier", x["tier"],
           "must be owned or rental (or neocloud in the inferencex-2025 vintage)");
  }
  const inferencex_set& set = catalog->inferencex(s.vintage);
  s.base.hardware = hardware_terms::rented;
  try {
    s.base[cost_input::rental_per_accelerator_hour] =
        hourly_cost_figure(*catalog, *s.inferencex_costs, s.vintage).value;
  } catch (const invalid_input&) {
    refuse("costs.inferencex.tier", x["tier"],
           std::string("is not a tier of the ") + std::string(v.id) + " vintage (owned or rental)");
  }
  s.base[cost_input::it_power_kw] =
      set.all_in_power.value * s.base[cost_input::accelerators_per_system];
  if (v.includes_facility && s.base[cost_input::pue] != 1.0) {
    refuse("costs.energy.pue", s.base[cost_input::pue],
           std::string("must be 1 with costs.inferencex in the ") + std::string(v.id) +
               " vintage: its all-in power already includes the facility");
  }
}

inline void read_costs(const json& j, scenario& s, const platform* catalog,
                       const json& deployment) {
  const json& c = object_at(
      j, "costs", {"cost_of_capital", "hardware", "facility", "energy", "opex", "inferencex"});
  optional_leaf(c, "cost_of_capital", cost_input::cost_of_capital, s);
  if (c.contains("hardware")) {
    const json& h = c["hardware"];
    if (h.is_object() && h.contains("rental_per_accelerator_hour")) {
      object_at(h, "costs.hardware", {"rental_per_accelerator_hour"});
      s.base.hardware = hardware_terms::rented;
      leaf_at(h["rental_per_accelerator_hour"], cost_input::rental_per_accelerator_hour, s);
    } else {
      object_at(h, "costs.hardware",
                {"price", "life_years", "residual_fraction", "rental_per_accelerator_hour"});
      s.base.hardware = hardware_terms::owned;
      if (!optional_leaf(h, "price", cost_input::hardware_price, s)) {
        if (catalog == nullptr) {
          refuse_missing("costs.hardware.price",
                         "required per system (or give rental_per_accelerator_hour, or name a "
                         "catalog \"platform\")");
        }
        s.base[cost_input::hardware_price] = catalog->system_price.value;
      }
      required_leaf(h, "life_years", cost_input::hardware_life_years, s,
                    "required for owned hardware, in years");
      optional_leaf(h, "residual_fraction", cost_input::hardware_residual_fraction, s);
    }
  }
  if (c.contains("facility")) {
    const json& f = c["facility"];
    if (f.is_object() && f.contains("colocation_per_kw_month")) {
      object_at(f, "costs.facility", {"colocation_per_kw_month"});
      s.base.facility = facility_terms::colocation;
      leaf_at(f["colocation_per_kw_month"], cost_input::colocation_per_kw_month, s);
    } else {
      object_at(f, "costs.facility", {"build_per_mw", "life_years", "colocation_per_kw_month"});
      s.base.facility = facility_terms::built;
      required_leaf(f, "build_per_mw", cost_input::facility_build_per_mw, s,
                    "required for a built facility, per MW of IT (or give "
                    "colocation_per_kw_month)");
      required_leaf(f, "life_years", cost_input::facility_life_years, s,
                    "required for a built facility, in years");
    }
  }
  const std::string_view pue_rule =
      "required: facility power over IT power (>= 1; 1 when the IT power is already all-in)";
  if (!c.contains("energy")) refuse_missing("costs.energy.pue", pue_rule);
  const json& e = object_at(c["energy"], "costs.energy", {"price_per_kwh", "pue", "tariff"});
  if (e.contains("tariff") && e.contains("price_per_kwh")) {
    refuse("costs.energy.price_per_kwh", e["price_per_kwh"],
           "give a price per kWh or a tariff, not both: the tariff's bill sets the price");
  }
  optional_leaf(e, "price_per_kwh", cost_input::energy_price_per_kwh, s);
  required_leaf(e, "pue", cost_input::pue, s, pue_rule);
  if (c.contains("opex")) {
    const json& o = object_at(c["opex"], "costs.opex",
                              {"maintenance_fraction_per_year", "software_per_accelerator_year",
                               "other_per_accelerator_year"});
    optional_leaf(o, "maintenance_fraction_per_year", cost_input::maintenance_fraction_per_year, s);
    optional_leaf(o, "software_per_accelerator_year", cost_input::software_per_accelerator_year, s);
    optional_leaf(o, "other_per_accelerator_year", cost_input::other_per_accelerator_year, s);
  }
  if (c.contains("inferencex")) read_inferencex_costs(c, deployment, s, catalog);
}

// The figures an exceedance may name: the single-period ones, the extras (a workload's cost per
// request and per kind of token, the revenue per request, a carbon section's emissions, the
// site's yearly figures), then a project's (finance).
inline std::vector<std::string> exceedance_figures() {
  std::vector<std::string> names(cost_output_names.begin(), cost_output_names.end());
  extra_parameters all;
  all.tokens_per_request = 2.0;
  all.mix = {1.0 * units::tok, 1.0 * units::tok};
  all.priced_by_kind = true;
  all.priced = true;
  all.carbon = true;
  all.site_accelerators = 1.0;
  for (const auto& m : all.cost_multiples()) names.emplace_back(m.name);
  const auto extras = all.output_names();
  names.insert(names.end(), extras.begin(), extras.end());
  names.insert(names.end(), project_figure_names.begin(), project_figure_names.end());
  return names;
}
inline std::string figure_names_text() {
  std::string names;
  for (const auto& name : exceedance_figures())
    names.append(names.empty() ? "" : ", ").append(name);
  return names;
}
// A figure's name at `path`: one of exceedance_figures().
inline std::string figure_at(const json& value, const std::string& path) {
  const std::string rule = "must be one of " + figure_names_text();
  std::string name = text_at(value, path, rule);
  const auto figures = exceedance_figures();
  if (std::find(figures.begin(), figures.end(), name) == figures.end()) refuse(path, value, rule);
  return name;
}
inline bool is_project_figure(std::string_view name) {
  return std::find(project_figure_names.begin(), project_figure_names.end(), name) !=
         project_figure_names.end();
}
// A figure the scenario can give a distribution of: an uncertain input, a finance section for a
// project's figure, a price for revenue and margin; refused at `at` otherwise.
inline void require_figure_available(const scenario& s, const std::string& at,
                                     const std::string& figure) {
  if (is_project_figure(figure) && !s.finance) {
    refuse(at, figure, "is a project's figure: it needs a finance section");
  }
  if (!has_revenue(s.base) && (figure == "revenue_per_mw_year" || figure == "gross_margin")) {
    refuse(at, figure, "needs revenue: a token price or a contract");
  }
  if (!has_revenue(s.base) && figure == "site_revenue_per_year") {
    refuse(at, figure, "needs revenue: a token price or a contract");
  }
  const bool request = figure == "cost_per_request" || figure.starts_with("cost_per_mtok_");
  if (request && !s.workload && !s.phase_rates) {
    refuse(at, figure, "needs a workload (the tokens of a request)");
  }
  if (figure == "revenue_per_request" && !s.prices) {
    refuse(at, figure,
           "needs prices by kind of token (revenue.input_price_per_mtok and "
           "output_price_per_mtok)");
  }
  if ((figure.starts_with("carbon_") || figure == "site_carbon_t_per_year") && !s.carbon) {
    refuse(at, figure, "needs a carbon section");
  }
}
inline void require_figure_given(const scenario& s, const std::string& at,
                                 const std::string& figure) {
  if (!s.any_uncertain()) {
    refuse(at, figure, "needs an uncertain input: with none, every figure is one number");
  }
  require_figure_available(s, at, figure);
}

// The fleet section's NPV (its plan's, or a statistic of its own Monte Carlo): a goal seek's
// figure beside the cost model's and the project's.
inline constexpr const char* fleet_npv_figure = "fleet_npv";

// The point figures a goal seek may target: the cost model's and, with finance, the project's.
inline bool is_point_goal_figure(std::string_view figure) {
  return std::find(cost_output_names.begin(), cost_output_names.end(), figure) !=
             cost_output_names.end() ||
         is_project_figure(figure);
}

// A goal's figure, statistic and target against what the scenario gives and what the figure can
// be: a chance in [0, 1], a margin below 1, a cost, an efficiency or a payback above 0, an IRR
// above -100%.
inline void require_goal_reachable(const scenario& s, const std::string& at, const solve::goal& g) {
  const std::string figure_at = at + ".figure";
  if (g.figure == fleet_npv_figure) {
    if (!s.fleet) refuse(figure_at, g.figure, "is the fleet's NPV: it needs a fleet section");
    if (solve::is_monte_carlo(g.of) && s.fleet->uncertain.empty()) {
      refuse(figure_at, g.figure,
             "needs an uncertain number in the fleet section: with none, the fleet's NPV is one "
             "number");
    }
  } else if (solve::is_monte_carlo(g.of)) {
    const auto figures = exceedance_figures();
    if (std::find(figures.begin(), figures.end(), g.figure) == figures.end()) {
      refuse(figure_at, g.figure, "must be one of " + figure_names_text());
    }
    require_figure_given(s, figure_at, g.figure);
  } else {
    if (!is_point_goal_figure(g.figure)) {
      std::string names;
      for (const char* n : cost_output_names) names.append(names.empty() ? "" : ", ").append(n);
      for (const char* n : project_figure_names) names.append(", ").append(n);
      names.append(", ").append(fleet_npv_figure);
      refuse(figure_at, g.figure, "a point figure to solve for must be one of " + names);
    }
    require_figure_available(s, figure_at, g.figure);
  }
  const std::string target_at = at + ".target";
  const bool chance = std::holds_alternative<solve::chance_at_most>(g.of) ||
                      std::holds_alternative<solve::chance_above>(g.of);
  const auto refuse_target = [&](const std::string& range) {
    throw invalid_input(target_at, g.target,
                        "outside the range of " + solve::describe(g.of, g.figure) + ", " + range);
  };
  if (chance) {
    if (g.target < 0.0 || g.target > 1.0) refuse_target("a probability in [0, 1]");
    return;
  }
  if (g.figure == "gross_margin" && g.target >= 1.0) refuse_target("below 1 (cost is above 0)");
  if (g.figure.ends_with("_irr") && g.target <= -1.0) refuse_target("above -1 (-100%)");
  // A cost's component may be zero (free power); the total, an efficiency or a payback may not.
  const bool positive =
      (g.figure.starts_with("cost_per_") && !g.figure.starts_with("cost_per_mtok.")) ||
      g.figure.starts_with("tokens_per_") || g.figure.ends_with("payback_years");
  if (positive && g.target <= 0.0) refuse_target("above 0");
}

inline void read_uncertainty(const json& j, scenario& s) {
  const json& u = object_at(
      j, "uncertainty",
      {"samples", "seed", "sensitivity", "design", "sobol_samples", "exceedances", "outputs"});
  if (u.contains("samples")) s.samples = whole_at(u["samples"], "uncertainty.samples", 1, 1e12);
  if (u.contains("seed")) {
    // Any 64-bit seed, 2^64 - 1 included, as --seed takes (a double cannot hold it exactly).
    if (u["seed"].is_number_unsigned()) {
      s.seed = u["seed"].get<std::uint64_t>();
    } else {
      s.seed = whole_at(u["seed"], "uncertainty.seed", 0, 18446744073709549568.0);
    }
  }
  if (u.contains("sobol_samples")) {
    s.sobol_samples = whole_at(u["sobol_samples"], "uncertainty.sobol_samples", 64, 1e8);
  }
  if (u.contains("design")) {
    const std::string design = text_at(u["design"], "uncertainty.design",
                                       "must be \"monte_carlo\", \"latin_hypercube\" or \"sobol\"");
    if (design == "monte_carlo") {
      s.design = mc::design_kind::monte_carlo;
    } else if (design == "latin_hypercube") {
      s.design = mc::design_kind::latin_hypercube;
    } else if (design == "sobol") {
      s.design = mc::design_kind::sobol;
    } else {
      refuse("uncertainty.design", u["design"],
             "must be \"monte_carlo\", \"latin_hypercube\" or \"sobol\"");
    }
  }
  if (u.contains("exceedances")) {
    const json& list = u["exceedances"];
    const std::string_view shape =
        "must be an array of {\"figure\": name, \"above\": x} or {\"figure\": name, "
        "\"below\": x}";
    if (!list.is_array()) refuse("uncertainty.exceedances", list, shape);
    if (list.size() > 32) {
      refuse("uncertainty.exceedances", list, "at most 32 (the GPU engine's limit)");
    }
    const std::string names = figure_names_text();
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string at = "uncertainty.exceedances[" + std::to_string(k) + "]";
      const json& e = object_at(list[k], at, {"figure", "above", "below"});
      if (!e.contains("figure")) refuse_missing(at + ".figure", "required: " + names);
      scenario::exceedance_query q;
      q.figure = figure_at(e["figure"], at + ".figure");
      if (e.contains("above") == e.contains("below")) {
        refuse(at, e, "give \"above\" or \"below\", one of the two: the threshold");
      }
      q.below = e.contains("below");
      const char* side = q.below ? "below" : "above";
      q.threshold = number_at(e[side], at + "." + side);
      s.exceedances.push_back(std::move(q));
    }
  }
  if (u.contains("outputs")) {
    const json& list = u["outputs"];
    if (!list.is_array() || list.empty()) {
      refuse("uncertainty.outputs", list,
             "must be a non-empty array of figures: " + figure_names_text());
    }
    for (std::size_t k = 0; k < list.size(); ++k) {
      s.outputs.push_back(figure_at(list[k], "uncertainty.outputs[" + std::to_string(k) + "]"));
    }
  }
  if (u.contains("sensitivity")) {
    const json& list = u["sensitivity"];
    if (!list.is_array()) {
      refuse("uncertainty.sensitivity", list, "must be an array of \"tornado\" and \"sobol\"");
    }
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string at = "uncertainty.sensitivity[" + std::to_string(k) + "]";
      const std::string name = text_at(list[k], at, "must be \"tornado\" or \"sobol\"");
      if (name == "tornado") {
        s.tornado = true;
      } else if (name == "sobol") {
        s.sobol = true;
      } else {
        refuse(at, list[k], "must be \"tornado\" or \"sobol\"");
      }
    }
  }
}

// The frontier a scenario picks from a folder of benchmark result files (tpw/io/benchmarks.hpp):
// the one group whose key matches every field of "select".
inline benchmark_frontier benchmark_frontier_at(const json& f, const named_files& files) {
  const std::string name = text_at(f["benchmarks"], "frontier.benchmarks", "must be a folder name");
  vllm_context context;
  if (f.contains("vllm")) {
    const json& v =
        object_at(f["vllm"], "frontier.vllm", {"hardware", "accelerators", "precision"});
    if (v.contains("hardware")) {
      context.hardware = text_at(v["hardware"], "frontier.vllm.hardware", "must be a string");
    }
    if (v.contains("accelerators")) {
      context.accelerators =
          static_cast<long>(whole_at(v["accelerators"], "frontier.vllm.accelerators", 1, 1e6));
    }
    if (v.contains("precision")) {
      context.precision = text_at(v["precision"], "frontier.vllm.precision", "must be a string");
    }
  }
  std::vector<benchmark_frontier> all =
      load_benchmark_folder(resolve_named_file(files, name, "frontier.benchmarks"), context,
                            shown_path(files, name), files.reach);
  const json none = json::object();
  const json& select = f.contains("select")
                           ? object_at(f["select"], "frontier.select",
                                       {"hardware", "model", "isl", "osl", "precision", "serving"})
                           : none;
  const auto text = [&](const char* key) {
    return text_at(select[key], std::string("frontier.select.") + key, "must be a string");
  };
  std::vector<benchmark_frontier> matches;
  std::string keys;
  for (auto& group : all) {
    keys.append(keys.empty() ? "" : "; ").append(group.key);
    const benchmark_point& p = group.points.front();
    bool ok = true;
    if (select.contains("hardware")) ok = ok && p.hardware == text("hardware");
    if (select.contains("model")) ok = ok && p.model == text("model");
    if (select.contains("precision")) ok = ok && p.precision == text("precision");
    if (select.contains("serving")) ok = ok && p.serving == text("serving");
    if (select.contains("isl")) {
      ok = ok && std::abs(p.input_tokens - number_at(select["isl"], "frontier.select.isl")) <= 0.5;
    }
    if (select.contains("osl")) {
      ok = ok && std::abs(p.output_tokens - number_at(select["osl"], "frontier.select.osl")) <= 0.5;
    }
    if (ok) matches.push_back(std::move(group));
  }
  if (matches.size() != 1) {
    refuse(f.contains("select") ? "frontier.select" : "frontier.benchmarks",
           f.contains("select") ? select : f["benchmarks"],
           (matches.empty() ? std::string("no frontier of the folder matches")
                            : std::to_string(matches.size()) + " frontiers match; select one") +
               " (hardware, model, isl, osl, precision, serving); the folder holds: " + keys);
  }
  if (!matches.front().frontier) {
    refuse("frontier.select", select,
           "the matching points make no frontier: " + matches.front().why);
  }
  return std::move(matches.front());
}

// frontier.throughput_factor: the share of the frontier's throughput reached, a number or a
// distribution whose every reachable value is in (0, 2].
inline json throughput_factor_at(const json& value) {
  constexpr std::string_view path = "frontier.throughput_factor";
  const std::string_view meaning = "the share of the frontier's throughput the deployment reaches";
  if (!value.is_object()) {
    (void)bounded_at(value, path, 0.0, 2.0, meaning, false);
    return value;
  }
  const mc::distribution d = distribution_at(value, std::string(path));
  if (!(d.reachable_low() > 0.0 && d.reachable_high() <= 2.0)) {
    refuse(path, json(d.describe()),
           "its samples reach [" + tpw::detail::number_text(d.reachable_low()) + ", " +
               tpw::detail::number_text(d.reachable_high()) +
               "], outside (0, 2]: " + std::string(meaning));
  }
  return value;
}

// A distribution object with every location and scale parameter multiplied by `by` (the family and
// its shape unchanged): the distribution of `by` times a value drawn from it.
inline json scaled_distribution(json d, double by) {
  for (const char* key : {"low", "high", "mode", "mean", "sd", "median", "value", "p10", "p90"}) {
    if (d.contains(key)) d[key] = d[key].get<double>() * by;
  }
  if (d.contains("samples")) {
    for (auto& x : d["samples"]) x = x.get<double>() * by;
  }
  return d;
}

inline frontier_choice read_frontier(const json& j, const named_files& files) {
  const json& f =
      object_at(j, "frontier",
                {"points", "csv", "benchmarks", "select", "vllm", "min_interactivity_tok_s_user",
                 "max_tpot_ms", "max_ttft_ms", "throughput_factor"});
  std::vector<frontier_point> points;
  std::string source = "points";
  std::optional<double> input_share;
  const int sources = static_cast<int>(f.contains("points")) + static_cast<int>(f.contains("csv")) +
                      static_cast<int>(f.contains("benchmarks"));
  if (sources > 1) {
    const char* second = f.contains("benchmarks") ? "benchmarks" : "csv";
    refuse(std::string("frontier.") + second, f[second],
           "give the frontier as points, a csv file or benchmarks, one of the three");
  }
  if (f.contains("csv")) {
    if (f.contains("select") || f.contains("vllm")) {
      refuse(f.contains("select") ? "frontier.select" : "frontier.vllm",
             f.contains("select") ? f["select"] : f["vllm"], "applies to frontier.benchmarks");
    }
    const std::string name = text_at(f["csv"], "frontier.csv", "must be a file name");
    const std::filesystem::path file = resolve_named_file(files, name, "frontier.csv");
    points = throughput_frontier::from_csv(
                 read_text_file(file, "frontier.csv", max_input_bytes, shown_path(files, name)),
                 shown_path(files, name))
                 .points();
    source = name;
  } else if (f.contains("benchmarks")) {
    const benchmark_frontier picked = benchmark_frontier_at(f, files);
    points = picked.frontier->points();
    source = picked.key;
    double share = 0.0;
    for (const auto& p : picked.points) share += p.input_throughput / p.throughput;
    input_share = share / static_cast<double>(picked.points.size());
  } else {
    if (f.contains("select") || f.contains("vllm")) {
      refuse(f.contains("select") ? "frontier.select" : "frontier.vllm",
             f.contains("select") ? f["select"] : f["vllm"], "applies to frontier.benchmarks");
    }
    if (!f.contains("points")) {
      refuse_missing(
          "frontier.points",
          "required (or csv, or benchmarks): [[interactivity tok/s per user, throughput tok/s "
          "per accelerator], ...] by increasing interactivity");
    }
    const json& list = f["points"];
    if (!list.is_array()) refuse("frontier.points", list, "must be an array of [x, y] pairs");
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string at = "frontier.points[" + std::to_string(k) + "]";
      if (!list[k].is_array() || list[k].size() < 2 || list[k].size() > 3) {
        refuse(at, list[k],
               "must be [interactivity tok/s per user, throughput tok/s] or with a third value, "
               "the time to first token in ms");
      }
      points.push_back({token_rate::from_value(number_at(list[k][0], at + "[0]")),
                        token_rate::from_value(number_at(list[k][1], at + "[1]")), std::nullopt});
      if (list[k].size() == 3) {
        points.back().ttft = number_at(list[k][2], at + "[2]") * units::ms;
      }
    }
  }
  if (!f.contains("min_interactivity_tok_s_user") && !f.contains("max_tpot_ms") &&
      !f.contains("max_ttft_ms")) {
    refuse_missing("frontier.min_interactivity_tok_s_user",
                   "required (or max_tpot_ms, max_ttft_ms): the latency target that picks the "
                   "operating point");
  }
  // Each target sets a least interactivity (a time per output token of t ms is 1000 / t tok/s per
  // user); the stricter one binds.
  // A target given as a distribution stands alone; the point takes its median (its reachable
  // values are checked on the frontier by the scenario reader, mc::frontier_curve).
  std::optional<json> uncertain_target;
  for (const char* key : {"min_interactivity_tok_s_user", "max_tpot_ms", "max_ttft_ms"}) {
    if (!f.contains(key) || !f[key].is_object()) continue;
    for (const char* other : {"min_interactivity_tok_s_user", "max_tpot_ms", "max_ttft_ms"}) {
      if (std::string_view(other) != key && f.contains(other)) {
        refuse(std::string("frontier.") + key, f[key],
               std::string("an uncertain latency target stands alone: give it without ") + other);
      }
    }
    uncertain_target = f[key];
  }
  // A target's number, or its distribution's median.
  const auto target_at = [&](const char* key, double high, std::string_view meaning) {
    const std::string path = std::string("frontier.") + key;
    return f[key].is_object() ? distribution_at(f[key], path).quantile(0.5)
                              : bounded_at(f[key], path, 0.0, high, meaning, false);
  };
  double slo = 0.0;
  std::string bound_by;
  std::string field;
  if (f.contains("min_interactivity_tok_s_user")) {
    constexpr std::string_view path = "frontier.min_interactivity_tok_s_user";
    const json& target = f["min_interactivity_tok_s_user"];
    slo = target.is_object() ? distribution_at(target, std::string(path)).quantile(0.5)
                             : number_at(target, path);
    bound_by = "min_interactivity_tok_s_user";
  }
  std::optional<double> tpot;
  if (f.contains("max_tpot_ms")) {
    tpot = target_at("max_tpot_ms", 1e6, "ms per output token for one user");
    if (1000.0 / *tpot > slo) {
      slo = 1000.0 / *tpot;
      bound_by = "max_tpot_ms";
    }
  }
  throughput_frontier frontier(std::move(points), "frontier");
  if (tpot && bound_by == "max_tpot_ms" && slo > frontier.max_interactivity().value()) {
    refuse("frontier.max_tpot_ms", f["max_tpot_ms"],
           "asks " + tpw::detail::number_text(slo) +
               " tok/s per user, beyond the frontier's fastest point (" +
               tpw::detail::number_text(frontier.max_interactivity().value()) + ")");
  }
  // The other targets, each within the frontier (messages name the target that binds).
  if (!bound_by.empty()) {
    (void)frontier.throughput_at(token_rate::from_value(slo), "frontier." + bound_by);
  }
  std::optional<double> ttft;
  if (f.contains("max_ttft_ms")) {
    ttft = target_at("max_ttft_ms", 1e7, "ms to the first token of a reply");
    if (!frontier.has_ttft()) {
      refuse("frontier.max_ttft_ms", f["max_ttft_ms"],
             "the frontier's points carry no time to first token: give them as [interactivity, "
             "throughput, ttft_ms]");
    }
    // The least interactivity at or above the other targets' that meets the TTFT target.
    const token_rate from =
        slo > 0.0 ? token_rate::from_value(slo) : frontier.points().front().interactivity;
    const double least =
        frontier.min_interactivity_for_ttft(*ttft * units::ms, from, "frontier.max_ttft_ms")
            .value();
    if (least > slo) {
      slo = least;
      bound_by = "max_ttft_ms";
    }
  }
  const frontier_point chosen =
      frontier.at_slo(token_rate::from_value(slo), "frontier." + bound_by);
  std::optional<json> factor;
  if (f.contains("throughput_factor")) factor = throughput_factor_at(f["throughput_factor"]);
  return {std::move(frontier), slo, tpot, ttft, bound_by, chosen, source, input_share, factor,
          uncertain_target};
}

inline request_shape read_workload(const json& j, scenario& s) {
  const json& w = object_at(j, "workload",
                            {"input_tokens", "output_tokens", "cached_share",
                             "reasoning_multiplier", "model", "precision"});
  if (w.contains("model")) {
    s.model =
        text_at(w["model"], "workload.model", "must be a model's name such as \"deepseek-r1\"");
  }
  if (w.contains("precision")) {
    s.precision =
        text_at(w["precision"], "workload.precision", "must be a precision such as \"fp8\"");
  }
  request_shape shape;
  const auto count = [&](const char* key, extra_input input) {
    const std::string path = std::string("workload.") + key;
    if (!w.contains(key)) refuse_missing(path, "required: tokens per request");
    return extra_leaf_at(w[key], input, s, "tokens per request");
  };
  const auto require_count_or_zero = [&](const char* key, double value) {
    // A count below a millionth of a token is no request; its ratios would overflow a figure.
    if (value != 0.0 && value < 1e-6) {
      refuse(std::string("workload.") + key, w[key],
             "must be 0 or at least 1e-06 tokens per request (tpw's limits: "
             "docs/scenario-limits.md)");
    }
  };
  shape.input = tokens::from_value(count("input_tokens", extra_input::input_tokens));
  if (!w["input_tokens"].is_object()) require_count_or_zero("input_tokens", shape.input.value());
  shape.output = tokens::from_value(count("output_tokens", extra_input::output_tokens));
  if (!w["output_tokens"].is_object()) require_count_or_zero("output_tokens", shape.output.value());
  if (shape.input.value() + shape.output.value() <= 0.0) {
    refuse("workload.output_tokens", w["output_tokens"],
           "a request needs some input or output tokens");
  }
  if (w.contains("cached_share")) {
    shape.cached_share = extra_leaf_at(w["cached_share"], extra_input::cached_share, s,
                                       "the share of input tokens read from a prompt cache");
  }
  if (w.contains("reasoning_multiplier")) {
    shape.reasoning_multiplier =
        extra_leaf_at(w["reasoning_multiplier"], extra_input::reasoning_multiplier, s,
                      "output tokens written per output token shown");
  }
  return shape;
}

// A benchmark's input and output rates measure one mix; a workload priced on them must be that
// mix, within 10% of its input tokens per output token; an uncertain workload or uncertain rates,
// in every sample they can draw (the ratios' least and greatest over their numbers' reachable
// ranges).
inline void require_same_mix(const scenario& s, const json& workload) {
  if (!s.workload || !s.phase_rates) return;
  const auto range = [&](extra_input k, double point) {
    const mc::distribution* d = s.uncertain_extra(k);
    return d ? std::pair{d->reachable_low(), d->reachable_high()} : std::pair{point, point};
  };
  // The rates' ratio over their reachable values (uncertain rates), each end against the
  // workload's farthest.
  const auto in_rate = range(extra_input::input_tok_s, s.phase_rates->first);
  const auto out_rate = range(extra_input::output_tok_s, s.phase_rates->second);
  const double rates_least = in_rate.first / out_rate.second;
  const double rates_most = in_rate.second / out_rate.first;
  const auto input = range(extra_input::input_tokens, s.workload->input.value());
  const auto output = range(extra_input::output_tokens, s.workload->output.value());
  const auto reasoning = range(extra_input::reasoning_multiplier, s.workload->reasoning_multiplier);
  const auto ratio = [](double in, double out) {
    return out > 0.0 ? in / out : std::numeric_limits<double>::infinity();
  };
  const double least = ratio(input.first, output.second * reasoning.second);
  const double most = ratio(input.second, output.first * reasoning.first);
  const auto near = [&](double asked, double rates) {
    return std::abs(asked - rates) <= 0.1 * rates;
  };
  if (!(near(least, rates_most) && near(most, rates_least) && near(least, rates_least) &&
        near(most, rates_most))) {
    const std::string asked = least == most ? tpw::detail::number_text(least)
                                            : "from " + tpw::detail::number_text(least) + " to " +
                                                  tpw::detail::number_text(most) +
                                                  " (over its reachable samples)";
    refuse("workload.input_tokens", workload["input_tokens"],
           "the workload has " + asked +
               " input tokens per output token written, but the throughput was measured on " +
               (rates_least == rates_most ? tpw::detail::number_text(rates_least)
                                          : "from " + tpw::detail::number_text(rates_least) +
                                                " to " + tpw::detail::number_text(rates_most)) +
               " (deployment.input_tok_s over output_tok_s, or the frontier's benchmark files)"
               ": throughput measured on another mix does not apply (allowed: within 10%)");
  }
}

// revenue.on_demand and revenue.reserved: the hourly contracts (tpw/model/contracts.hpp).
inline void read_contracts(const json& r, scenario& s) {
  if (r.contains("on_demand")) {
    const json& o =
        object_at(r["on_demand"], "revenue.on_demand", {"share", "price_per_accelerator_hour"});
    s.base.on_demand = true;
    s.base[cost_input::on_demand_share] = 1.0;
    optional_leaf(o, "share", cost_input::on_demand_share, s);
    required_leaf(o, "price_per_accelerator_hour", cost_input::on_demand_per_accelerator_hour, s,
                  "required: what an accelerator-hour used is billed");
  }
  if (r.contains("reserved")) {
    const json& o = object_at(
        r["reserved"], "revenue.reserved",
        {"share", "price_per_accelerator_hour", "committed_share", "overage_per_accelerator_hour"});
    s.base.reserved = true;
    s.base[cost_input::reserved_share] = 1.0;
    s.base[cost_input::reserved_committed_share] = 1.0;
    optional_leaf(o, "share", cost_input::reserved_share, s);
    required_leaf(o, "price_per_accelerator_hour", cost_input::reserved_per_accelerator_hour, s,
                  "required: what a committed accelerator-hour is billed, used or not");
    optional_leaf(o, "committed_share", cost_input::reserved_committed_share, s);
    optional_leaf(o, "overage_per_accelerator_hour",
                  cost_input::reserved_overage_per_accelerator_hour, s);
  }
}

inline void read_revenue(const json& j, scenario& s) {
  const json& r =
      object_at(j, "revenue",
                {"price_per_mtok", "input_price_per_mtok", "cached_input_price_per_mtok",
                 "output_price_per_mtok", "on_demand", "reserved"});
  read_contracts(r, s);
  const bool split = r.contains("input_price_per_mtok") || r.contains("output_price_per_mtok") ||
                     r.contains("cached_input_price_per_mtok");
  if (!split) {
    s.base.priced = optional_leaf(r, "price_per_mtok", cost_input::price_per_mtok, s);
    return;
  }
  if (r.contains("price_per_mtok")) {
    refuse("revenue.price_per_mtok", r["price_per_mtok"],
           "give one price for every token or prices by kind of token, not both");
  }
  const auto price = [&](const char* key, extra_input kind, std::string_view rule) {
    const std::string path = std::string("revenue.") + key;
    if (!r.contains(key)) refuse_missing(path, rule);
    return token_price<scenario_currency>::from_value(extra_leaf_at(r[key], kind, s, "per Mtok") /
                                                      1e6);
  };
  token_pricing<scenario_currency> p;
  p.input = price("input_price_per_mtok", extra_input::input_price_per_mtok,
                  "required with prices by kind of token");
  p.output = price("output_price_per_mtok", extra_input::output_price_per_mtok,
                   "required with prices by kind of token");
  const request_shape mix = mix_of(s).value_or(request_shape{});
  if (!mix_of(s)) {
    refuse("revenue.input_price_per_mtok", r["input_price_per_mtok"],
           "prices by kind of token need the mix: give a workload, or deployment.input_tok_s "
           "and output_tok_s");
  }
  if (mix.cached_share > 0.0 || s.uncertain_extra(extra_input::cached_share) != nullptr) {
    p.cached_input = price("cached_input_price_per_mtok", extra_input::cached_input_price_per_mtok,
                           "required when workload.cached_share > 0 (public price lists charge "
                           "about a tenth of the input price)");
    s.cached_price_given = true;
  } else if (r.contains("cached_input_price_per_mtok")) {
    p.cached_input =
        price("cached_input_price_per_mtok", extra_input::cached_input_price_per_mtok, "");
    s.cached_price_given = true;
  }
  const double blended = blended_price<scenario_currency>(mix, p).value() * 1e6;
  if (!(blended >= rule_of(cost_input::price_per_mtok).low)) {
    refuse("revenue.output_price_per_mtok", r["output_price_per_mtok"],
           "the mix's blended price is " + tpw::detail::number_text(blended) +
               " per Mtok: it must be at least 1e-06 for revenue figures");
  }
  s.prices = p;
  s.base[cost_input::price_per_mtok] = blended;
  s.base.priced = true;
}

inline int whole_years_at(const json& value, std::string_view path, double low, double high) {
  return static_cast<int>(whole_at(value, path, low, high));
}

inline std::string method_rule() {
  return "must be \"straight_line\", \"declining_balance\" or \"sum_of_years_digits\"";
}

// A project number: a number in its rule, or a distribution object that makes it uncertain
// (the point figures take its median); returns the point value.
inline double project_leaf_at(const json& value, std::size_t slot, scenario& s,
                              std::string_view meaning) {
  const cost_input_rule& rule = project_slot_rule(slot);
  const std::string path = project_slot_path(slot);
  if (value.is_object()) {
    mc::distribution d = distribution_at(value, path);
    mc::detail::require_inside(rule, d, path);
    const double median = d.quantile(0.5);
    s.project_uncertain.push_back({slot, std::move(d)});
    return median;
  }
  return bounded_at(value, path, rule.low, rule.high, meaning, rule.low_included,
                    rule.high_included);
}

inline finance_choice read_finance(const json& j, scenario& s) {
  const json& f =
      object_at(j, "finance",
                {"operating_years", "build_years", "utilization_ramp", "price_decline_per_year",
                 "energy_escalation", "opex_escalation", "discount_rate", "equity_discount_rate",
                 "revenue_fee_share", "tax", "debt", "replacement",
                 "hardware_price_decline_per_year", "discounting"});
  finance_choice c;
  if (!f.contains("operating_years")) {
    refuse_missing("finance.operating_years", "required: the years the project runs, 1..100");
  }
  c.plan.operating_years = whole_years_at(f["operating_years"], "finance.operating_years", 1, 100);
  if (f.contains("build_years")) {
    c.plan.build_years = whole_years_at(f["build_years"], "finance.build_years", 0, 20);
  }
  if (f.contains("utilization_ramp")) {
    const json& ramp = f["utilization_ramp"];
    if (!ramp.is_array()) {
      refuse("finance.utilization_ramp", ramp,
             "must be an array of utilizations for operating years 1, 2, ...");
    }
    if (ramp.size() > static_cast<std::size_t>(c.plan.operating_years)) {
      refuse("finance.utilization_ramp", ramp, "must not be longer than operating_years");
    }
    for (std::size_t k = 0; k < ramp.size(); ++k) {
      c.plan.utilization_ramp.push_back(fraction::unchecked(
          project_leaf_at(ramp[k], project_ramp_slot + k, s, "a share of hours serving")));
    }
  }
  const auto rate = [&](const char* key, project_input input, std::string_view meaning,
                        double fallback) {
    return f.contains(key) ? project_leaf_at(f[key], static_cast<std::size_t>(input), s, meaning)
                           : fallback;
  };
  c.plan.price_decline_per_year =
      fraction::unchecked(rate("price_decline_per_year", project_input::price_decline_per_year,
                               "the share the token price falls each year", 0.0));
  c.plan.hardware_price_decline_per_year = fraction::unchecked(
      rate("hardware_price_decline_per_year", project_input::hardware_price_decline,
           "the share a replacement's price falls each year", 0.0));
  if (f.contains("replacement")) {
    const char* rule =
        "must be \"at_end_of_life\" (bought again when its life ends; the "
        "default) or \"none\" (refuse a project longer than an owned asset's life)";
    const std::string r = text_at(f["replacement"], "finance.replacement", rule);
    if (r == "none") {
      c.plan.replacement = replacement_rule::none;
      mc::detail::require_lives_cover(s.base, s.uncertain, c.plan.operating_years);
    } else if (r != "at_end_of_life") {
      refuse("finance.replacement", f["replacement"], rule);
    }
  }
  project_terms& t = c.terms;
  if (f.contains("discounting")) {
    const char* rule =
        "must be \"end_of_year\" (the default) or \"mid_year\" (an operating "
        "year's running flows at its middle)";
    const std::string d = text_at(f["discounting"], "finance.discounting", rule);
    if (d == "mid_year") {
      t.discounting = discounting_convention::mid_year;
    } else if (d != "end_of_year") {
      refuse("finance.discounting", f["discounting"], rule);
    }
  }
  t.energy_escalation = rate("energy_escalation", project_input::energy_escalation,
                             "the yearly growth of energy costs", 0.0);
  t.opex_escalation = rate("opex_escalation", project_input::opex_escalation,
                           "the yearly growth of running costs other than energy", 0.0);
  t.discount_rate = rate("discount_rate", project_input::discount_rate, "an annual rate",
                         s.base[cost_input::cost_of_capital]);
  t.equity_discount_rate = rate("equity_discount_rate", project_input::equity_discount_rate,
                                "an annual rate", t.discount_rate);
  c.discount_rate_is_cost_of_capital = !f.contains("discount_rate");
  c.equity_rate_is_discount_rate = !f.contains("equity_discount_rate");
  t.revenue_fee_share = rate("revenue_fee_share", project_input::revenue_fee_share,
                             "the share of revenue paid as a fee (a model licence)", 0.0);
  const auto life = [&](cost_input k) {
    return static_cast<int>(std::clamp(std::round(s.base[k]), 1.0, 100.0));
  };
  t.tax.hardware_years = life(cost_input::hardware_life_years);
  t.tax.facility_years = life(cost_input::facility_life_years);
  if (f.contains("tax")) {
    const json& x =
        object_at(f["tax"], "finance.tax", {"rate", "method", "hardware_years", "facility_years"});
    if (x.contains("rate")) {
      t.tax.rate = project_leaf_at(x["rate"], static_cast<std::size_t>(project_input::tax_rate), s,
                                   "an income tax rate");
    }
    if (x.contains("method")) {
      const std::string m = text_at(x["method"], "finance.tax.method", method_rule());
      if (m == "straight_line") {
        t.tax.method = depreciation_method::straight_line;
      } else if (m == "declining_balance") {
        t.tax.method = depreciation_method::declining_balance;
      } else if (m == "sum_of_years_digits") {
        t.tax.method = depreciation_method::sum_of_years_digits;
      } else {
        refuse("finance.tax.method", x["method"], method_rule());
      }
    }
    if (x.contains("hardware_years")) {
      t.tax.hardware_years =
          whole_years_at(x["hardware_years"], "finance.tax.hardware_years", 1, 100);
    }
    if (x.contains("facility_years")) {
      t.tax.facility_years =
          whole_years_at(x["facility_years"], "finance.tax.facility_years", 1, 100);
    }
  }
  if (f.contains("debt")) {
    const json& x = object_at(f["debt"], "finance.debt",
                              {"share", "rate", "term_years", "interest_during_construction"});
    const auto need = [&](const char* key) {
      if (!x.contains(key)) {
        refuse_missing(std::string("finance.debt.") + key,
                       "required with debt: share of capex, annual rate and term_years");
      }
      return x[key];
    };
    t.debt.share =
        project_leaf_at(need("share"), static_cast<std::size_t>(project_input::debt_share), s,
                        "the share of capex");
    t.debt.rate = project_leaf_at(need("rate"), static_cast<std::size_t>(project_input::debt_rate),
                                  s, "an annual rate");
    t.debt.term_years = whole_years_at(need("term_years"), "finance.debt.term_years", 1, 100);
    if (x.contains("interest_during_construction")) {
      const char* rule =
          "must be \"capitalized\" (added to the first purchases' cost and "
          "depreciated with them; the default) or \"expensed\" (deducted as it "
          "accrues)";
      const std::string m = text_at(x["interest_during_construction"],
                                    "finance.debt.interest_during_construction", rule);
      if (m == "expensed") {
        t.debt.during_construction = construction_interest::expensed;
      } else if (m != "capitalized") {
        refuse("finance.debt.interest_during_construction", x["interest_during_construction"],
               rule);
      }
    }
  }
  return c;
}

inline power_cap_choice read_power_cap(const json& j, scenario& s, const named_files& files) {
  const json& c = object_at(j, "power_cap", {"points", "csv", "cap", "overhead_w_per_accelerator"});
  if (c.contains("points") == c.contains("csv")) {
    refuse(c.contains("points") ? "power_cap.csv" : "power_cap.points",
           c.contains("csv") ? c["csv"] : json(nullptr),
           "give the curve as points [[cap W, tok/s per accelerator, draw W], ...] or as a csv "
           "file (power_cap_w, throughput_tok_s_gpu, power_w_gpu), one of the two");
  }
  std::optional<power_cap_curve> curve;
  if (c.contains("points")) {
    const json& list = c["points"];
    if (!list.is_array()) refuse("power_cap.points", list, "must be an array of [cap W, tok/s, W]");
    std::vector<power_cap_point> points;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string at = "power_cap.points[" + std::to_string(k) + "]";
      if (!list[k].is_array() || list[k].size() != 3) {
        refuse(at, list[k], "must be [cap W, throughput tok/s per accelerator, draw W]");
      }
      points.push_back({number_at(list[k][0], at + "[0]") * units::W,
                        token_rate::from_value(number_at(list[k][1], at + "[1]")),
                        number_at(list[k][2], at + "[2]") * units::W});
    }
    curve.emplace(std::move(points), "power_cap");
  } else {
    const std::string name = text_at(c["csv"], "power_cap.csv", "must be a file name");
    const std::filesystem::path file = resolve_named_file(files, name, "power_cap.csv");
    curve.emplace(power_cap_curve::from_csv(
        read_text_file(file, "power_cap.csv", max_input_bytes, shown_path(files, name)),
        shown_path(files, name)));
  }
  power_cap_choice out{std::move(*curve), "fixed", 0.0, {}};
  const double per_system = s.base[cost_input::accelerators_per_system];
  for (const auto& leaf : s.uncertain) {
    if (leaf.input == cost_input::it_power_kw) {
      refuse(rule_of(leaf.input).path, json(leaf.dist.describe()),
             "cannot be uncertain with a power_cap: the curve sets it");
    }
  }
  if (s.base.provisioned_given) {
    refuse("deployment.provisioned_power_kw", s.base[cost_input::provisioned_power_kw],
           "give it or a power_cap, not both: the chosen cap plus the overhead sets it");
  }
  const double max_cap = out.curve.max_cap().value();
  if (c.contains("overhead_w_per_accelerator")) {
    out.overhead_w = bounded_at(c["overhead_w_per_accelerator"],
                                "power_cap.overhead_w_per_accelerator", 0.0, 1e6,
                                "W of the system's IT power per accelerator beside the "
                                "accelerator itself (host, network, fans)");
  } else {
    // The system's IT power per accelerator beyond the accelerator at its highest measured cap.
    out.overhead_w = std::max(0.0, s.base[cost_input::it_power_kw] * 1e3 / per_system - max_cap);
  }
  if (!c.contains("cap")) {
    refuse_missing("power_cap.cap",
                   "required: a cap in W, \"max_q\" (most tokens per joule) or \"best_for_site\" "
                   "(most site throughput under site.power_mw)");
  }
  const json& cap = c["cap"];
  if (cap.is_string()) {
    out.rule = cap.get<std::string>();
    if (out.rule == "max_q") {
      out.chosen = max_q_cap(out.curve);
    } else if (out.rule == "best_for_site") {
      if (!s.site_power_mw) {
        refuse("power_cap.cap", cap, "\"best_for_site\" needs a site.power_mw ceiling");
      }
      const capped_site_spec site{*s.site_power_mw * units::MW,
                                  fraction::unchecked(s.site_headroom),
                                  tpw::pue(s.base[cost_input::pue], "costs.energy.pue"),
                                  static_cast<long>(per_system), out.overhead_w * units::W};
      out.chosen = best_cap_for_site(out.curve, site).point;
    } else {
      refuse("power_cap.cap", cap, "must be a cap in W, \"max_q\" or \"best_for_site\"");
    }
  } else if (cap.is_object()) {
    // An uncertain cap: each sample's throughput and draw are the curve's at its own cap.
    const cost_input_rule& rule = rule_of(extra_input::power_cap);
    mc::distribution dist = distribution_at(cap, rule.path);
    mc::detail::require_inside(rule, dist);
    auto capped = std::make_shared<const mc::power_cap_operating_curve>(out.curve, out.overhead_w,
                                                                        per_system);
    capped->require_within(dist);
    out.rule = "uncertain";
    out.chosen = out.curve.at(dist.quantile(0.5) * units::W);
    s.extra_uncertain.push_back({extra_input::power_cap, std::move(dist)});
    s.operating_curve = std::move(capped);
  } else {
    const double w = bounded_at(cap, "power_cap.cap", out.curve.min_cap().value(), max_cap,
                                "W, within the curve's measured caps");
    out.chosen = out.curve.at(w * units::W);
  }
  // Every cap a sample may reach must give a system's IT and provisioned power within
  // deployment.it_power_kw's range: a refusal names the overhead (or the curve), not the power.
  double most_w = 0.0;
  for (const auto& point : out.curve.points()) {
    most_w = std::max({most_w, point.cap.value(), point.power_draw.value()});
  }
  const double most_kw = (most_w + out.overhead_w) * per_system / 1e3;
  if (!(most_kw <= 1e6)) {
    const bool given = c.contains("overhead_w_per_accelerator");
    refuse(given ? "power_cap.overhead_w_per_accelerator" : "power_cap",
           given ? c["overhead_w_per_accelerator"] : json("(the curve)"),
           "with the curve's highest power (" + tpw::detail::number_text(most_w) + " W) and " +
               tpw::detail::number_text(per_system) + " accelerators, a system would draw " +
               tpw::detail::number_text(most_kw) +
               " kW, above deployment.it_power_kw's limit of 1000000 kW");
  }
  mc::power_cap_operating_curve::set_point(out.chosen, out.overhead_w, per_system, s.base);
  s.base.provisioned_given = true;
  return out;
}

inline carbon_choice read_carbon(const json& j, scenario& s) {
  const json& c =
      object_at(j, "carbon", {"grid_g_per_kwh", "embodied_kg_per_accelerator", "life_years"});
  carbon_choice out;
  if (!c.contains("grid_g_per_kwh")) {
    refuse_missing("carbon.grid_g_per_kwh", "required: the grid's intensity in gCO2e per kWh");
  }
  out.grid_g_per_kwh =
      extra_leaf_at(c["grid_g_per_kwh"], extra_input::grid_g_per_kwh, s, "gCO2e per kWh");
  if (c.contains("embodied_kg_per_accelerator")) {
    out.embodied_kg_per_accelerator =
        extra_leaf_at(c["embodied_kg_per_accelerator"], extra_input::embodied_kg_per_accelerator, s,
                      "kgCO2e to make and ship one accelerator and its share of the server");
  }
  if (c.contains("life_years")) {
    out.life_years = extra_leaf_at(c["life_years"], extra_input::life_years, s, "years");
  } else if (s.base.hardware == hardware_terms::owned) {
    out.life_years = s.base[cost_input::hardware_life_years];
    out.life_follows_hardware = true;
  } else if (out.embodied_kg_per_accelerator > 0.0) {
    refuse_missing("carbon.life_years",
                   "required with embodied emissions when the hardware is not owned (its life "
                   "spreads them)");
  } else {
    out.life_years = 1.0;  // spreads nothing: no embodied emissions
    out.life_applies = false;
  }
  return out;
}

// The inputs the demand section's sizing reads stay numbers: a distribution would move the fleet
// sample by sample, which the Monte Carlo run does not do yet.
inline void require_fixed_sizing_inputs(const scenario& s) {
  const std::string_view rule =
      "cannot be uncertain beside a demand section: it moves the fleet's size and utilization, "
      "which are planned once, at the point values";
  for (const auto& u : s.uncertain) {
    const bool site_power = u.input == cost_input::pue || u.input == cost_input::it_power_kw ||
                            u.input == cost_input::provisioned_power_kw;
    if (u.input == cost_input::throughput_tok_s || (s.site_power_mw && site_power)) {
      throw invalid_input::shown_as(rule_of(u.input).path, "(a distribution)", rule);
    }
  }
  for (const auto& u : s.extra_uncertain) {
    switch (u.input) {
      case extra_input::grid_g_per_kwh:
      case extra_input::embodied_kg_per_accelerator:
      case extra_input::life_years:
      case extra_input::input_price_per_mtok:
      case extra_input::output_price_per_mtok:
      case extra_input::cached_input_price_per_mtok:
      case extra_input::cached_share:
      case extra_input::demand_scale:
      case extra_input::demand_growth:
      case extra_input::demand_output_cv:
        break;
      default:
        throw invalid_input::shown_as(rule_of(u.input).path, "(a distribution)", rule);
    }
  }
}

// What a platform's scenario gives the demand section: its systems' size, its operating point
// (the frontier's speed and TTFT where it has them), and the systems that fit under a site.
inline void set_operating_point(demand_context& x, const scenario& platform,
                                const std::optional<double>& site_power_mw, double headroom) {
  x.accelerators_per_system = std::lround(platform.base[cost_input::accelerators_per_system]);
  x.throughput_tok_s = platform.base[cost_input::throughput_tok_s];
  if (platform.frontier) {
    x.frontier_interactivity = platform.frontier->chosen.interactivity.value();
    if (const auto& t = platform.frontier->chosen.ttft) x.frontier_ttft_ms = in(*t, units::ms);
  }
  if (site_power_mw) {
    const site_spec site{*site_power_mw * units::MW, fraction{headroom}};
    x.max_systems = systems_under_ceiling(deployment_of(platform.base), site);
  }
}

// Reads the demand section and plans the fleet: the scenario's systems and utilization (and the
// project's yearly utilization) become the plan's.
inline demand_choice plan_demand(const json& j, scenario& s, const named_files& files) {
  const json& section = j["demand"];
  demand_context x;
  if (section.is_object() && section.contains("scale")) {
    x.scale = extra_leaf_at(section["scale"], extra_input::demand_scale, s,
                            "times every hour's request rate");
    x.sizing_scale = x.scale;
  }
  if (section.is_object() && section.contains("growth_per_year")) {
    x.growth_per_year = extra_leaf_at(section["growth_per_year"], extra_input::demand_growth, s,
                                      "the yearly growth of every hour's rate");
    if (s.uncertain_extra(extra_input::demand_growth) != nullptr && !s.finance) {
      refuse("demand.growth_per_year", section["growth_per_year"],
             "can be uncertain in a project only (a finance section): growth moves the later "
             "years, and without one the figures are year 1's; give a number");
    }
  }
  if (section.is_object() && section.contains("output_cv")) {
    x.output_cv = extra_leaf_at(section["output_cv"], extra_input::demand_output_cv, s,
                                "the output length's standard deviation over its mean");
  }
  require_fixed_sizing_inputs(s);
  if (section.is_object() && section.contains("size_for_percentile")) {
    const mc::distribution* scale = s.uncertain_extra(extra_input::demand_scale);
    if (scale == nullptr) {
      refuse("demand.size_for_percentile", section["size_for_percentile"],
             "sizes the fleet for a percentile of an uncertain demand: give demand.scale as a "
             "distribution");
    }
    const double p = bounded_at(section["size_for_percentile"], "demand.size_for_percentile", 0.0,
                                1.0, "such as 0.9 to buy for P90 demand", false, false);
    x.sizing_scale = scale->quantile(p);
  }
  set_operating_point(x, s, s.site_power_mw, s.site_headroom);
  x.shape = s.workload;
  if (j["deployment"].contains("systems")) x.given_systems = s.systems;
  if (s.finance) x.operating_years = s.finance->plan.operating_years;
  demand_choice c = read_demand(section, files, x);
  // An uncertain growth in a project: the last year's figures at its quantiles (the scale's too
  // when it is uncertain).
  if (const mc::distribution* growth = s.uncertain_extra(extra_input::demand_growth);
      growth && c.years.size() > 1) {
    c.uncertain.emplace();
    c.uncertain->growth = growth->describe();
  }
  if (const mc::distribution* cv = s.uncertain_extra(extra_input::demand_output_cv)) {
    if (c.sizing == "elastic") {
      refuse("demand.output_cv", section["output_cv"],
             "can be uncertain on a fixed or given fleet only (what its systems serve moves with "
             "it; an elastic fleet's hourly counts are tabulated at one): give a number");
    }
    if (c.queue == "erlang_c") {
      refuse("demand.output_cv", section["output_cv"],
             "is not read under demand.queue \"erlang_c\" (M/M/c takes exponential holding "
             "times): give a number, or use \"allen_cunneen\"");
    }
    if (!c.uncertain) c.uncertain.emplace();
    c.uncertain->output_cv = cv->describe();
  }
  if (const mc::distribution* scale = s.uncertain_extra(extra_input::demand_scale)) {
    if (!c.uncertain) c.uncertain.emplace();
    c.uncertain->scale = scale->describe();
    if (section.contains("size_for_percentile")) {
      if (c.sizing == "elastic") {
        refuse("demand.size_for_percentile", section["size_for_percentile"],
               "buys a fixed fleet for a percentile of the demand; an elastic fleet rents each "
               "sample's own hourly counts: remove it, or size the fleet \"fixed\"");
      }
      c.uncertain->size_for_percentile = section["size_for_percentile"].get<double>();
    }
  }
  if (c.sizing == "elastic") {
    if (s.base.hardware != hardware_terms::rented) {
      refuse(
          "demand.sizing", c.sizing,
          "\"elastic\" rents systems by the hour: give costs.hardware.rental_per_accelerator_hour");
    }
    if (s.finance) {
      refuse("demand.sizing", c.sizing,
             "\"elastic\" with a finance section is not modelled (a project owns a fixed fleet): "
             "use \"fixed\"");
    }
  }
  if (s.finance) {
    if (j["finance"].contains("utilization_ramp")) {
      refuse("finance.utilization_ramp", j["finance"]["utilization_ramp"],
             "follows from the demand section (each year's demand on the fleet): remove it");
    }
    s.finance->plan.utilization_ramp.clear();
    for (const auto& year : c.years) {
      s.finance->plan.utilization_ramp.push_back(fraction::unchecked(year.utilization));
    }
  }
  s.base[cost_input::utilization] = c.plan.utilization;
  s.systems = c.plan.systems;
  c.site_power_mw = s.site_power_mw;
  c.site_headroom = s.site_headroom;
  s.site_power_mw.reset();
  return c;
}

}  // namespace detail

inline scenario scenario_from_json(const nlohmann::json& j, const named_files& files);

namespace detail {

// One candidate of demand.candidates, read: its scenario (the platform's sections only) and its
// fleet alone under this file's demand section.
struct candidate_reading {
  scenario platform;
  demand_choice alone;
};

inline candidate_reading read_candidate(const json& entry, const std::string& at, const scenario& s,
                                        const json& section, const json& workload,
                                        const named_files& files, mix_pool& pool) {
  const json& e = object_at(
      entry, at, {"scenario", "name", "ttft_ms", "interactivity_tok_s_user", "availability"});
  if (!e.contains("scenario")) {
    refuse_missing(at + ".scenario",
                   "required: a scenario file's name, or a scenario object, giving the platform");
  }
  json body;
  named_files where = files;
  const std::string shown = e["scenario"].is_string() ? e["scenario"].get<std::string>() : "";
  if (e["scenario"].is_string()) {
    const std::filesystem::path file = resolve_named_file(files, shown, at + ".scenario");
    const std::string name = shown_path(files, shown);
    body = parse_text(read_text_file(file, at + ".scenario", max_input_bytes, name), name, false);
    where.folder = file.parent_path();
    pool.source = shown;
  } else if (e["scenario"].is_object()) {
    body = e["scenario"];
    pool.source = "inline";
  } else {
    refuse(at + ".scenario", e["scenario"], "must be a scenario file's name or a scenario object");
  }
  if (!body.is_object()) refuse(at + ".scenario", e["scenario"], "must hold a scenario object");
  // The platform's sections are read; the rest (its revenue, finance, site, demand, ...) are this
  // file's to give, and the report lists them as not read.
  static constexpr std::array<std::string_view, 10> platform_keys{
      "name",     "notes",    "currency",  "platform",   "vintage",
      "workload", "frontier", "power_cap", "deployment", "costs"};
  json read = json::object();
  for (const auto& [key, value] : body.items()) {
    if (std::find(platform_keys.begin(), platform_keys.end(), key) != platform_keys.end()) {
      read[key] = value;
    } else {
      pool.sections_not_read.push_back(key);
    }
  }
  const auto in_candidate = [&](const auto& f) -> decltype(f()) {
    try {
      return f();
    } catch (const invalid_input& error) {
      throw invalid_input::shown_as(at, shown.empty() ? "(inline)" : "\"" + shown + "\"",
                                    std::string("this candidate is refused: ") + error.what());
    }
  };
  if (read.contains("deployment") && read["deployment"].is_object()) {
    json& d = read["deployment"];
    if (d.contains("systems")) {
      refuse(at + ".scenario.deployment.systems", d["systems"],
             "a candidate's systems follow from the demand: remove it");
    }
    // Its utilization follows from the demand; one it gives is not read.
    if (d.contains("utilization")) pool.sections_not_read.push_back("deployment.utilization");
    d["utilization"] = 1.0;
  }
  if (read.contains("costs") && read["costs"].is_object() && read["costs"].contains("energy") &&
      read["costs"]["energy"].is_object() && read["costs"]["energy"].contains("tariff")) {
    refuse(at + ".scenario.costs.energy.tariff", read["costs"]["energy"]["tariff"],
           "a candidate's energy is priced per kWh (price_per_kwh): a tariff's bill on the mix's "
           "hourly load is not modelled");
  }
  if (read.contains("currency") && read["currency"] != json(s.currency)) {
    refuse(at + ".scenario.currency", read["currency"],
           "must be this file's currency, " + s.currency + ": the mix adds their costs");
  }
  read["currency"] = s.currency;
  // The demand's requests are this file's workload: a candidate measured on another mix does not
  // serve them.
  const request_shape& shape = *s.workload;
  if (read.contains("workload")) {
    const json& w = read["workload"];
    const bool same = w.is_object() && w.contains("input_tokens") && w.contains("output_tokens") &&
                      w["input_tokens"] == json(shape.input.value()) &&
                      w["output_tokens"] == json(shape.output.value());
    if (!same) {
      refuse(at + ".scenario.workload", w,
             "must be this file's request mix (" + tpw::detail::number_text(shape.input.value()) +
                 " input and " + tpw::detail::number_text(shape.output.value()) +
                 " output tokens): the demand's requests are those");
    }
  } else {
    read["workload"] = workload.is_object() ? workload
                                            : json{{"input_tokens", shape.input.value()},
                                                   {"output_tokens", shape.output.value()}};
  }
  scenario c = in_candidate([&] { return scenario_from_json(read, where); });
  // This file's demand section on the candidate's operating point: the same traffic, growth,
  // scale, target, queue and sizing year; the operating point's TTFT and speed from its frontier
  // or the entry, and its availability from the entry or the section.
  json own = section;
  own.erase("candidates");
  for (const char* key : {"ttft_ms", "interactivity_tok_s_user"}) {
    const bool from_frontier = c.frontier && (std::string_view(key) == "interactivity_tok_s_user" ||
                                              c.frontier->chosen.ttft.has_value());
    if (e.contains(key)) {
      if (from_frontier) {
        refuse(at + "." + key, e[key], "the candidate's frontier point gives it: not both");
      }
      own[key] = e[key];
    } else if (from_frontier) {
      own.erase(key);
    }
  }
  const demand_choice& mine = *s.demand;
  const long acc = std::lround(c.base[cost_input::accelerators_per_system]);
  if (e.contains("availability")) {
    own["availability"] = e["availability"];
  } else if (section.contains("availability") && section["availability"].contains("mtbf_hours") &&
             acc != std::lround(s.base[cost_input::accelerators_per_system])) {
    refuse_missing(at + ".availability",
                   "required: demand.availability gives failures per system of " +
                       tpw::detail::number_text(s.base[cost_input::accelerators_per_system]) +
                       " accelerators, and this candidate's systems have " +
                       tpw::detail::number_text(static_cast<double>(acc)));
  }
  demand_context x;
  set_operating_point(x, c, mine.site_power_mw, mine.site_headroom);
  x.shape = s.workload;
  x.operating_years = s.finance ? s.finance->plan.operating_years : 0;
  x.scale = mine.scale;
  x.sizing_scale = mine.sizing_scale;
  x.growth_per_year = mine.growth_per_year;
  x.output_cv = mine.output_cv;
  demand_choice alone = in_candidate([&] { return read_demand(own, files, x); });
  pool.interactivity_tok_s_user =
      x.frontier_interactivity
          ? *x.frontier_interactivity
          : number_at(own["interactivity_tok_s_user"], "demand.interactivity_tok_s_user");
  return {std::move(c), std::move(alone)};
}

// The pool's figures common to the file's platform and a candidate.
inline mix_pool pool_of(mix_pool pool, const scenario& platform, const demand_choice& alone,
                        capacity::mix_candidate<scenario_currency>& candidate) {
  cost_parameters base = platform.base;
  base[cost_input::utilization] = alone.plan.utilization;
  const long acc = std::lround(base[cost_input::accelerators_per_system]);
  const economics<scenario_currency> e = evaluate_cost_parameters<scenario_currency>(base);
  const double per_year = e.cost_per_accelerator_hour.value() * static_cast<double>(acc) * 8760.0;
  const power facility = facility_power_per_system(deployment_of(base));
  const auto& margin = std::get<capacity::given_fleet>(alone.spec.rule).margin;
  candidate = {pool.name,         alone.spec.service,
               facility,          money<scenario_currency>::from_value(per_year),
               alone.spec.target, margin};
  pool.accelerators_per_system = acc;
  pool.throughput_tok_s = base[cost_input::throughput_tok_s];
  pool.streams_per_system = alone.spec.service.streams_per_system;
  pool.holding_time_s = alone.spec.service.holding_time.value();
  pool.ttft_ms = in(alone.spec.service.ttft, units::ms);
  pool.availability = margin ? capacity::availability_of(*margin) : 1.0;
  pool.facility_kw_per_system = in(facility, units::kW);
  pool.cost_per_system_year = per_year;
  pool.alone_systems = alone.plan.systems;
  pool.alone_utilization = alone.plan.utilization;
  pool.alone_capped = alone.plan.capped;
  pool.alone_cost_per_year = per_year * static_cast<double>(alone.plan.systems);
  return pool;
}

// demand.candidates: the file's platform and each candidate as pools, and the least-cost mix that
// meets the peak the file's fleet is sized for under the site's power, at the point values.
inline candidate_mix plan_mix(const json& j, const scenario& s, const named_files& files) {
  const json& section = j["demand"];
  const json& list = section["candidates"];
  if (!list.is_array() || list.empty() || list.size() > 3) {
    refuse("demand.candidates", list,
           "must be an array of 1 to 3 candidates, each {\"scenario\": a file's name or a "
           "scenario object}: with this file's platform at most 4 pools");
  }
  const demand_choice& c = *s.demand;
  if (c.sizing != "fixed") {
    refuse("demand.candidates", list,
           "choose a fleet for the peak hour: give them with demand.sizing \"fixed\" (the "
           "default), not \"" +
               c.sizing + "\"");
  }
  candidate_mix mix;
  mix.sized_for_year = c.sized_for_year;
  mix.peak_requests_per_s =
      c.written
          ->scaled(c.sizing_scale * capacity::growth_factor(c.growth_per_year, c.sized_for_year))
          .peak()
          .value();
  std::vector<capacity::mix_candidate<scenario_currency>> candidates(list.size() + 1);
  mix_pool own;
  // Pools are named by the catalog's name for their platform, else their scenario's name.
  const auto named = [](const scenario& x, std::string fallback) {
    return !x.platform.empty() ? std::string(find_platform(x.platform, "platform").name)
           : !x.name.empty()   ? x.name
                               : std::move(fallback);
  };
  own.name = named(s, "this file");
  own.source = "this file";
  own.interactivity_tok_s_user = s.frontier ? s.frontier->chosen.interactivity.value()
                                            : number_at(section["interactivity_tok_s_user"],
                                                        "demand.interactivity_tok_s_user");
  mix.pools.push_back(pool_of(own, s, c, candidates[0]));
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string at = "demand.candidates[" + std::to_string(k) + "]";
    mix_pool pool;
    const candidate_reading r = read_candidate(
        list[k], at, s, section, j.contains("workload") ? j["workload"] : json(), files, pool);
    pool.name = list[k].contains("name")
                    ? text_at(list[k]["name"], at + ".name", "must be a string")
                    : named(r.platform, "candidate " + std::to_string(k + 1));
    mix.pools.push_back(pool_of(std::move(pool), r.platform, r.alone, candidates[k + 1]));
  }
  capacity::mix_spec spec{tpw::capacity::request_rate::from_value(mix.peak_requests_per_s),
                          c.spec.target, c.spec.approximation, std::nullopt};
  if (c.site_power_mw) {
    spec.site_power = *c.site_power_mw * (1.0 - c.site_headroom) * units::MW;
  }
  capacity::mix_plan<scenario_currency> plan;
  try {
    plan = capacity::least_cost_mix(candidates, spec);
  } catch (const invalid_input& error) {
    throw invalid_input("demand.candidates", error.value(), error.rule());
  }
  mix.feasible = plan.feasible;
  mix.reason = plan.reason;
  mix.cost_per_year = plan.cost.value();
  mix.power_mw = in(plan.power_used, units::MW);
  mix.servable_requests_per_s = plan.servable.value();
  for (std::size_t k = 0; k < mix.pools.size(); ++k) {
    mix_pool& pool = mix.pools[k];
    pool.systems_up = plan.systems[k];
    pool.systems = plan.installed[k];
    pool.servable_requests_per_s = plan.servable_each[k].value();
    if (!pool.alone_capped && (mix.cheapest_alone.empty() ||
                               pool.alone_cost_per_year < mix.cheapest_alone_cost_per_year)) {
      mix.cheapest_alone = pool.name;
      mix.cheapest_alone_cost_per_year = pool.alone_cost_per_year;
    }
  }
  return mix;
}

// What one of the scenario's systems draws, serving and idle, and its PUE.
inline capacity::system_power system_power_of(const operating_point& op) noexcept {
  return {op.active_power * op.accelerators_per_system, op.idle_power * op.accelerators_per_system,
          op.facility_pue.value()};
}

// Whether a level of the tariff (its level, demand charge or PPA price) is a distribution.
inline bool tariff_levels_vary(const scenario& s) {
  return std::any_of(s.extra_uncertain.begin(), s.extra_uncertain.end(),
                     [](const mc::uncertain_extra& u) { return is_tariff_level(u.input); });
}

// The tariff's bill on the scenario's hourly load (the demand section's fleet hour by hour, or
// the site's systems at a constant utilization), whose effective price becomes the energy price.
// The bill is priced at the point values. On a demand section's fleet the inputs that move its
// hourly load stay numbers (but the demand's scale and growth, on its curve); on a flat load each
// Monte Carlo sample prices its own load (extra_parameters::flat_tariff), so the utilization, the
// power, the PUE and the site's size may be distributions, not a power cap (which moves the
// power along a curve).
inline void price_tariff(scenario& s) {
  const std::string_view rule =
      "cannot be uncertain beside costs.energy.tariff and a demand section: it moves the fleet's "
      "hourly load, whose bill is priced once, at the point values";
  for (const auto& u : s.uncertain) {
    if (s.demand && moves_facility_load(u.input)) {
      throw invalid_input::shown_as(rule_of(u.input).path, "(a distribution)", rule);
    }
  }
  for (const auto& u : s.extra_uncertain) {
    if (u.input == extra_input::power_cap) {
      throw invalid_input::shown_as(rule_of(u.input).path, "(a distribution)",
                                    "cannot be uncertain beside costs.energy.tariff: it moves the "
                                    "power along its curve; give a number");
    }
    if (s.demand && is_site_input(u.input)) {
      throw invalid_input::shown_as(rule_of(u.input).path, "(a distribution)", rule);
    }
  }
  const deployment d = deployment_of(s.base);
  const operating_point& op = d.point();
  const capacity::system_power draw = system_power_of(op);
  std::vector<power> load;
  if (s.demand) {
    load = capacity::hourly_facility_load(s.demand->spec, s.demand->plan, draw);
  } else {
    long systems = s.systems;
    if (s.site_power_mw) {
      systems = systems_under_ceiling(d, {*s.site_power_mw * units::MW, fraction{s.site_headroom}});
    }
    s.tariff->load_accelerators = static_cast<double>(op.accelerators_per_system * systems);
    load.assign(
        electricity::hours_per_year,
        average_facility_power(op) * op.accelerators_per_system * static_cast<double>(systems));
  }
  const auto checked_bill = [&](const std::vector<power>& hours) {
    auto bill = electricity::bill_of<scenario_currency>(hours, s.tariff->tariff);
    const double price = in(bill.effective_price(), units::unit_of<scenario_currency> / units::kWh);
    if (!(price >= 0.0)) {
      throw invalid_input::converted(
          "costs.energy.tariff", price,
          "per kWh is the bill's effective price, below 0 (surplus sold above every cost): the "
          "energy line must be >= 0");
    }
    return bill;
  };
  const auto bill = checked_bill(load);
  s.base[cost_input::energy_price_per_kwh] =
      in(bill.effective_price(), units::unit_of<scenario_currency> / units::kWh);
  s.tariff->bill = bill;
  // With a project, each operating year's demand on the fleet has its own load and bill: the
  // project's energy price ramp.
  s.tariff->years.clear();
  if (!s.demand || !s.finance || s.demand->years.empty()) return;
  s.finance->plan.energy_price_ramp.clear();
  for (std::size_t k = 0; k < s.demand->years.size(); ++k) {
    const auto year_bill =
        k == 0 ? bill
               : checked_bill(capacity::hourly_facility_load(
                     s.demand->year_spec(static_cast<int>(k) + 1), s.demand->years[k], draw));
    s.tariff->years.push_back(year_bill);
    s.finance->plan.energy_price_ramp.push_back(year_bill.effective_price());
  }
}

// With demand.scale (or, in a project, demand.growth_per_year) a distribution: the curve that gives
// each sample's utilization (and, with a tariff, energy price) on the fleet, in every project year,
// and what the fleet meets at the scale's quantiles.
inline void add_demand_uncertainty(scenario& s) {
  demand_choice& c = *s.demand;
  const mc::distribution* growth = s.uncertain_extra(extra_input::demand_growth);
  const deployment d = deployment_of(s.base);
  const operating_point& op = d.point();
  const capacity::system_power draw = system_power_of(op);
  capacity::capacity_spec written = c.spec;
  written.demand = *c.written;
  using fleet_type = capacity::fleet_on_scaled_demand<scenario_currency>;
  // The curve prices the tariff at unit charges, its levels the sample's (or the point values).
  const mc::distribution* uncertain_scale = s.uncertain_extra(extra_input::demand_scale);
  // An elastic fleet's counts are tabulated up to the highest scale a sample reaches.
  const double highest =
      std::max({1.0, c.scale, uncertain_scale ? uncertain_scale->reachable_high() : c.scale});
  fleet_type fleet(written, c.plan, draw, s.tariff ? std::optional(s.tariff->unit) : std::nullopt,
                   highest);
  // With a project, the curve also sets each operating year's utilization and energy price.
  using curve_type = mc::demand_curve<scenario_currency>;
  auto curve = c.years.empty() ? std::make_shared<curve_type>(fleet, s.tariff.has_value())
                               : std::make_shared<curve_type>(
                                     fleet, s.tariff.has_value(), static_cast<int>(c.years.size()),
                                     growth ? growth->reachable_low() : c.growth_per_year,
                                     growth ? growth->reachable_high() : c.growth_per_year);
  if (s.tariff) {
    curve->set_base_levels(s.tariff->level, s.tariff->demand_charge, s.tariff->ppa_price_per_mwh);
  }
  // An uncertain output variability: what the fleet's systems up serve at each cv it reaches.
  const mc::distribution* cv = s.uncertain_extra(extra_input::demand_output_cv);
  std::optional<capacity::servable_by_output_cv> servable;
  if (cv) {
    servable.emplace(c.plan.systems_up, c.spec.service, c.spec.target, c.spec.approximation,
                     cv->reachable_low(), cv->reachable_high());
    curve->set_output_variability(*servable);
  }
  if (uncertain_scale == nullptr) {
    // Growth (or a tariff level) alone: the bill at every demand its years reach from the point
    // scale (a level's reach is checked by the cost model, tpw::mc::demand_curve::require_box).
    if (growth) {
      curve->require_bills_within(rule_of(extra_input::demand_growth).path, growth->describe(),
                                  c.scale, c.scale);
    }
    if (!c.uncertain) {
      s.operating_curve = std::move(curve);
      return;
    }
  }
  // The scale, a number given as a distribution that has one value when only the growth varies.
  const mc::distribution scale =
      uncertain_scale ? *uncertain_scale : mc::distribution::fixed(c.scale, "demand.scale");
  if (uncertain_scale) curve->require_within(scale);
  demand_uncertainty& u = *c.uncertain;
  // The demand in a year over what the fleet serves, in units of the plan's (the unserved share,
  // the hours short and whether the peak is short depend on nothing else): the scale grown to
  // the year, over S(cv) / S0 where the output variability is uncertain (tpw::mc::grown_scale,
  // tpw::mc::level_over_servable: exact with any of them fixed).
  const double planned = fleet.most_served();
  const mc::distribution fixed_cv = mc::distribution::fixed(c.output_cv, "demand.output_cv");
  const auto level_in = [&](int year) {
    const mc::grown_scale level(
        scale,
        growth ? *growth : mc::distribution::fixed(c.growth_per_year, "demand.growth_per_year"),
        year);
    return mc::level_over_servable(level, cv ? *cv : fixed_cv, [&servable, planned](double v) {
      return servable ? planned / (*servable)(v) : 1.0;
    });
  };
  const mc::level_over_servable first = level_in(1);
  for (std::size_t k = 0; k < u.probabilities.size(); ++k) {
    // (Utilization and the systems the peak needs at the scale's quantiles and, where it is
    // uncertain, the output variability's median.)
    const double x = scale.quantile(u.probabilities[k]);
    u.scale_at[k] = x;
    u.systems_for_peak[k] = static_cast<double>(capacity::systems_for(
        c.written->peak() * x, c.spec.service, c.spec.target, c.spec.approximation));
    u.utilization[k] = fleet.utilization(x);
    const double w = first.quantile(u.probabilities[k]);
    u.unserved_share[k] = fleet.unserved_share(w);
    u.hours_short[k] = fleet.hours_short(w);
  }
  // The chance that the peak hour is short, P(x peak > S).
  const double reach = planned / c.written->peak().value();
  u.probability_short = 1.0 - first.cdf(reach);
  // The project's last year: at the quantiles of its demand level x (1 + g)^(year - 1), the growth
  // g a number or a distribution.
  if (c.years.size() > 1) {
    u.last_year = static_cast<int>(c.years.size());
    const mc::level_over_servable last = level_in(u.last_year);
    for (std::size_t k = 0; k < u.probabilities.size(); ++k) {
      const double z = last.quantile(u.probabilities[k]);
      u.last_unserved_share[k] = fleet.unserved_share(z);
      u.last_hours_short[k] = fleet.hours_short(z);
    }
    u.last_probability_short = 1.0 - last.cdf(reach);
  }
  s.operating_curve = std::move(curve);
}

// What the rest of the scenario gives the fleet section: the price, its decline and the discount
// rate (finance's, else the cost of capital), the site's power, and the deployment per MW of its
// facility power (a year of project_cash_flows at the point values, the running costs apart from
// the hardware's price).
inline fleet_context fleet_context_of(const scenario& s, bool own_deployment) {
  using C = scenario_currency;
  fleet_context c;
  if (s.base.priced) c.price_per_mtok = s.base[cost_input::price_per_mtok];
  if (s.finance) {
    c.price_decline_per_year = s.finance->plan.price_decline_per_year.value();
    c.energy_escalation = s.finance->terms.energy_escalation;
    c.opex_escalation = s.finance->terms.opex_escalation;
    c.discount_rate = s.finance->terms.discount_rate;
  } else {
    c.discount_rate = s.base[cost_input::cost_of_capital];
  }
  // The demand section takes site.power_mw for its own sizing; the fleet shares the site.
  c.site_power_mw = s.site_power_mw ? s.site_power_mw
                    : s.demand      ? s.demand->site_power_mw
                                    : std::nullopt;
  if (s.demand) {
    // Year 1's tokens asked for: what the plan serves and what it turns away.
    const capacity::capacity_plan& year_1 = s.demand->plan;
    c.demand_mtok_per_year =
        (year_1.served_tokens_per_year + year_1.unserved_tokens_per_year) / units::Mtok;
    c.demand_growth_per_year = s.demand->growth_per_year;
  }
  if (!own_deployment) return c;  // no generation is the scenario's own
  if (s.base.facility == facility_terms::built) {
    c.own_refusal =
        "needs colocation: the scenario's facility is built (costs.facility.build_per_mw), and a "
        "fleet's generations share the site, priced per MW with the facility in the running cost "
        "(costs.facility.colocation_per_kw_month)";
    return c;
  }
  const deployment d = deployment_of(s.base, 1);
  cash_flow_plan<C> plan;
  plan.operating_years = 1;
  const cash_flows<C> flows = with_cost_components<C>(s.base, [&](const auto&... components) {
    return project_cash_flows(d, plan, components...);
  });
  const double mw = facility_power_per_system(d) / units::MW;
  scenario_generation own;
  own.mtok_per_mw_year = flows.tokens_made[1].value() / 1e6 / mw;
  own.running_cost_per_mw_year = (flows.energy[1] + flows.operating[1]).value() / mw;
  own.price_per_mw = flows.hardware_capex.value() / mw;
  const double running = (flows.energy[1] + flows.operating[1]).value();
  own.energy_share = running > 0.0 ? flows.energy[1].value() / running : 0.0;
  if (s.base.hardware == hardware_terms::owned) {
    own.life_years = s.base[cost_input::hardware_life_years];
    own.residual_fraction = s.base[cost_input::hardware_residual_fraction];
  }
  c.own = own;
  return c;
}

}  // namespace detail

// Reads a scenario from parsed JSON; files it names (frontier.csv, power_cap.csv,
// frontier.benchmarks) are read relative to `files.folder` (the scenario file's) and, unless
// `files.reach` says otherwise, only inside it (tpw/io/file.hpp). Throws invalid_input naming the
// field's path.
inline scenario scenario_from_json(const nlohmann::json& j, const named_files& files) {
  namespace d = detail;
  d::object_at(j, "",
               {"name", "notes", "currency", "platform", "vintage", "deployment", "workload",
                "costs", "revenue", "site", "uncertainty", "frontier", "finance", "carbon",
                "power_cap", "demand", "solve", "fleet"});
  scenario s;
  if (j.contains("vintage")) {
    const std::string rule = std::string("must name a data vintage: ") +
                             std::string(info(inferencex_vintage::v2026_07).id) +
                             " (the current one) or " +
                             std::string(info(inferencex_vintage::v2025).id);
    const std::string v = d::text_at(j["vintage"], "vintage", rule);
    if (v == info(inferencex_vintage::v2026_07).id) {
      s.vintage = inferencex_vintage::v2026_07;
    } else if (v == info(inferencex_vintage::v2025).id) {
      s.vintage = inferencex_vintage::v2025;
    } else {
      d::refuse("vintage", j["vintage"], rule);
    }
  }
  if (j.contains("name")) s.name = d::text_at(j["name"], "name", "must be a string");
  if (j.contains("notes")) {
    const std::string_view rule = "must be an array of strings: where the figures come from";
    if (!j["notes"].is_array()) d::refuse("notes", j["notes"], rule);
    for (std::size_t k = 0; k < j["notes"].size(); ++k) {
      s.notes.push_back(d::text_at(j["notes"][k], "notes[" + std::to_string(k) + "]", rule));
    }
  }
  if (j.contains("currency")) {
    s.currency = d::text_at(j["currency"], "currency", "must be a three-letter ISO 4217 code");
    const bool code =
        s.currency.size() == 3 && std::all_of(s.currency.begin(), s.currency.end(),
                                              [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!code) {
      d::refuse("currency", j["currency"],
                "must be a three-letter ISO 4217 code in capitals, such as \"USD\"");
    }
  }
  const platform* catalog = nullptr;
  if (j.contains("platform")) {
    s.platform = d::text_at(j["platform"], "platform", "must be a catalog id such as \"h200\"");
    catalog = &find_platform(s.platform, "platform");
    s.base[cost_input::accelerators_per_system] =
        static_cast<double>(catalog->accelerators_per_system);
    s.base[cost_input::it_power_kw] = catalog->system_it_power.value;
  }
  if (j.contains("frontier")) {
    s.frontier = d::read_frontier(j["frontier"], files);
    if (const auto& target = s.frontier->uncertain_target) {
      const std::string& by = s.frontier->bound_by;
      const extra_input kind = by == "max_tpot_ms"   ? extra_input::max_tpot_ms
                               : by == "max_ttft_ms" ? extra_input::max_ttft_ms
                                                     : extra_input::min_interactivity;
      const cost_input_rule& rule = rule_of(kind);
      mc::distribution dist = d::distribution_at(*target, rule.path);
      mc::detail::require_inside(rule, dist);
      const double median = kind == extra_input::max_tpot_ms   ? *s.frontier->max_tpot_ms
                            : kind == extra_input::max_ttft_ms ? *s.frontier->max_ttft_ms
                                                               : s.frontier->min_interactivity;
      auto curve = std::make_shared<const mc::frontier_curve>(s.frontier->frontier, kind, median);
      curve->require_within(dist);
      s.extra_uncertain.push_back({kind, std::move(dist)});
      s.operating_curve = std::move(curve);
    }
  }
  if (!j.contains("deployment")) {
    d::refuse_missing("deployment", "required: the accelerators, their power and throughput");
  }
  if (s.frontier && j.contains("power_cap")) {
    d::refuse("power_cap", j["power_cap"],
              "give a frontier or a power_cap, not both: each sets the throughput");
  }
  d::read_deployment(j["deployment"], s, catalog != nullptr,
                     s.frontier                ? "frontier"
                     : j.contains("power_cap") ? "power_cap"
                                               : "",
                     j.contains("demand"));
  if (s.frontier) {
    const double t = s.frontier->chosen.throughput.value();
    s.base[cost_input::throughput_tok_s] = t;
    if (const auto& factor = s.frontier->throughput_factor) {
      // The factor times the frontier's throughput must stay in deployment.throughput_tok_s's
      // range; a refusal names the factor, which the scenario wrote, not the throughput.
      const double low =
          factor->is_object()
              ? d::distribution_at(*factor, "frontier.throughput_factor").reachable_low()
              : factor->get<double>();
      const double high =
          factor->is_object()
              ? d::distribution_at(*factor, "frontier.throughput_factor").reachable_high()
              : factor->get<double>();
      const cost_input_rule& rule = rule_of(cost_input::throughput_tok_s);
      if (!(t * low >= rule.low && t * high <= rule.high)) {
        d::refuse("frontier.throughput_factor", *factor,
                  "times the frontier's throughput (" + tpw::detail::number_text(t) +
                      " tok/s) it reaches [" + tpw::detail::number_text(t * low) + ", " +
                      tpw::detail::number_text(t * high) + "] tok/s, outside " + rule.path +
                      "'s range [" + tpw::detail::number_text(rule.low) + ", " +
                      tpw::detail::number_text(rule.high) + "]");
      }
      d::leaf_at(factor->is_object() ? d::scaled_distribution(*factor, t)
                                     : d::json(t * factor->get<double>()),
                 cost_input::throughput_tok_s, s);
    }
    // Benchmark files measured a mix: its input and output tok/s, as if given in the deployment.
    if (const auto share = s.frontier->input_share)
      s.phase_rates = {t * *share, t * (1.0 - *share)};
  }
  if (!j.contains("costs")) d::refuse_missing("costs", "required (costs.energy.pue at least)");
  d::read_costs(j["costs"], s, catalog, j["deployment"]);
  if (j.contains("workload")) {
    s.workload = d::read_workload(j["workload"], s);
    d::require_same_mix(s, j["workload"]);
  }
  if (j.contains("revenue")) d::read_revenue(j["revenue"], s);
  if (j.contains("finance")) s.finance = d::read_finance(j["finance"], s);
  if (j.contains("carbon")) s.carbon = d::read_carbon(j["carbon"], s);
  if (j.contains("site")) {
    const d::json& site = d::object_at(j["site"], "site", {"power_mw", "headroom"});
    // A distribution sizes each sample's site (tpw::extra_parameters::site_systems).
    if (site.contains("power_mw") && site["power_mw"].is_object()) {
      s.site_power_mw = d::extra_leaf_at(site["power_mw"], extra_input::site_power_mw, s,
                                         "MW, the site's power ceiling");
    } else if (site.contains("power_mw")) {
      s.site_power_mw = d::number_at(site["power_mw"], "site.power_mw");
      if (*s.site_power_mw <= 0.0) d::refuse("site.power_mw", site["power_mw"], "must be > 0");
      if (*s.site_power_mw > 1e6) {
        d::refuse("site.power_mw", site["power_mw"],
                  "must be at most 1000000 MW (tpw's limits: docs/scenario-limits.md)");
      }
    }
    if (site.contains("headroom") && site["headroom"].is_object()) {
      s.site_headroom =
          d::extra_leaf_at(site["headroom"], extra_input::site_headroom, s, "the share held back");
    } else if (site.contains("headroom")) {
      s.site_headroom = d::number_at(site["headroom"], "site.headroom");
      if (s.site_headroom < 0.0 || s.site_headroom >= 1.0) {
        d::refuse("site.headroom", site["headroom"], "must be in [0, 1): the share held back");
      }
    }
  }
  if (j.contains("power_cap")) s.power_cap = d::read_power_cap(j["power_cap"], s, files);
  if (j.contains("demand")) s.demand = d::plan_demand(j, s, files);
  if (j["costs"].contains("energy") && j["costs"]["energy"].contains("tariff")) {
    s.tariff = read_tariff<scenario_currency>(
        j["costs"]["energy"]["tariff"], files,
        [&s](const d::json& value, extra_input input, std::string_view meaning) {
          return d::extra_leaf_at(value, input, s, meaning);
        });
    d::price_tariff(s);
  }
  if (s.demand && j["demand"].contains("candidates")) s.mix = d::plan_mix(j, s, files);
  if (s.demand && (s.demand->uncertain || s.uncertain_extra(extra_input::demand_growth) ||
                   d::tariff_levels_vary(s))) {
    d::add_demand_uncertainty(s);
  }
  if (j.contains("fleet")) {
    // The scenario's own deployment is priced per MW only when a generation asks for it.
    const d::json& f = j["fleet"];
    const bool own =
        f.is_object() && f.contains("generations") && f["generations"].is_array() &&
        std::any_of(f["generations"].begin(), f["generations"].end(),
                    [](const d::json& g) { return g.is_object() && g.contains("deployment"); });
    s.fleet = read_fleet<scenario_currency>(j["fleet"], d::fleet_context_of(s, own),
                                            [](const d::json& value, const std::string& path) {
                                              return d::distribution_at(value, path);
                                            });
  }
  if (j.contains("uncertainty")) d::read_uncertainty(j["uncertainty"], s);
  for (std::size_t k = 0; k < s.exceedances.size(); ++k) {
    const std::string at = "uncertainty.exceedances[" + std::to_string(k) + "].figure";
    const std::string& figure = s.exceedances[k].figure;
    d::require_figure_given(s, at, figure);
    if (!s.outputs.empty() &&
        std::find(s.outputs.begin(), s.outputs.end(), figure) == s.outputs.end()) {
      d::refuse(at, figure, "must be one of uncertainty.outputs, the figures summarized");
    }
  }
  for (std::size_t k = 0; k < s.outputs.size(); ++k) {
    d::require_figure_given(s, "uncertainty.outputs[" + std::to_string(k) + "]", s.outputs[k]);
  }
  if (j.contains("solve")) {
    s.goals = read_solve(j["solve"]);
    for (std::size_t k = 0; k < s.goals.size(); ++k) {
      d::require_goal_reachable(s, "solve[" + std::to_string(k) + "]", s.goals[k]);
    }
  }
  auto source = std::make_shared<nlohmann::json>(j);
  source->erase("solve");
  s.source = std::move(source);
  s.files = files;
  s.validate();
  return s;
}

// Reads a scenario from parsed JSON; files it names are read inside `folder` only.
inline scenario scenario_from_json(const nlohmann::json& j,
                                   const std::filesystem::path& folder = {}) {
  return scenario_from_json(j, named_files{folder, named_file_reach::scenario_folder});
}

// Reads a scenario from JSON text. Throws invalid_input naming the field's path.
inline scenario parse_scenario(std::string_view text) {
  if (text.size() > max_input_bytes) {
    throw invalid_input("scenario", static_cast<double>(text.size()),
                        "bytes: above the 16 MiB limit on scenario files");
  }
  return scenario_from_json(detail::parse_text(text));
}

// Reads a scenario file of at most max_input_bytes (a folder, a pipe, a device or a larger file
// is refused with its name). The files it names are read inside its folder, or as far as `reach`
// allows. Errors name the field's path (the caller adds the file's name).
inline scenario load_scenario(const std::filesystem::path& file,
                              named_file_reach reach = named_file_reach::scenario_folder) {
  const std::string text = read_text_file(file, "scenario", max_input_bytes);
  return scenario_from_json(detail::parse_text(text), named_files{file.parent_path(), reach});
}

}  // namespace tpw::io
