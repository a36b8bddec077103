// tpw/io/scenario/fleet.hpp: the scenario's "fleet" section (docs/scenario.md, "fleet"): a
// calendar, the generations that can be bought per MW (given, or the scenario's own deployment),
// the cohorts installed, the site's power by year and the refresh rule, read into a
// tpw::fleet::fleet_spec and planned by tpw::fleet::plan_fleet.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "tpw/fleet.hpp"
#include "tpw/io/scenario/fields.hpp"

namespace tpw::io {

// The scenario's own deployment per MW of facility power, as a generation's figures: what the
// rest of the file gives a generation written {"deployment": "scenario"}.
struct scenario_generation {
  double mtok_per_mw_year = 0.0;
  double running_cost_per_mw_year = 0.0;  // energy, colocation, opex, rental: every running cost
  double price_per_mw = 0.0;              // owned hardware (0 when rented)
  std::optional<double> life_years;       // costs.hardware's, when owned
  double residual_fraction = 0.0;
  double energy_share = 0.0;  // of the running cost: energy's
};

// What the rest of the scenario gives the fleet section's defaults.
struct fleet_context {
  std::optional<double> price_per_mtok;  // revenue's (blended) price
  double price_decline_per_year = 0.0;   // finance's
  double energy_escalation = 0.0;        // finance's
  double opex_escalation = 0.0;          // finance's
  double discount_rate = 0.0;            // finance's, else costs.cost_of_capital
  std::optional<double> site_power_mw;   // site.power_mw
  // The demand section's tokens asked for in its first year (Mtok: its requests a year times the
  // tokens a request counts) and its growth, when the scenario has one.
  std::optional<double> demand_mtok_per_year;
  double demand_growth_per_year = 0.0;
  // The scenario's deployment per MW, or why it cannot be one (a built facility).
  std::optional<scenario_generation> own;
  std::string own_refusal;
};

template <currency_type C>
struct fleet_choice {
  fleet::fleet_spec<C> spec;         // uncertain numbers at their distributions' medians
  std::vector<std::string> sources;  // by generation: "given" or "scenario"
  // The numbers the file gives as distributions (tpw::fleet::simulate_fleet draws them).
  std::vector<fleet::uncertain_number> uncertain;
};

namespace detail {

inline int year_at(const json& value, std::string_view path) {
  return static_cast<int>(whole_at(value, path, 1900, 2200));
}

// fleet.site_power_mw: one ceiling, or phases [{"from_year", "power_mw"}, ...].
inline std::vector<fleet::site_power_step> read_site_power(const json& j, int start_year) {
  std::vector<fleet::site_power_step> steps;
  if (j.is_array()) {
    if (j.empty() || j.size() > 50) {
      refuse("fleet.site_power_mw", j, "must hold 1 to 50 phases {\"from_year\", \"power_mw\"}");
    }
    for (std::size_t k = 0; k < j.size(); ++k) {
      const std::string at = "fleet.site_power_mw[" + std::to_string(k) + "]";
      const json& phase = object_at(j[k], at, {"from_year", "power_mw"});
      if (!phase.contains("from_year")) refuse_missing(at + ".from_year", "required: a year");
      if (!phase.contains("power_mw")) refuse_missing(at + ".power_mw", "required: MW");
      steps.push_back({year_at(phase["from_year"], at + ".from_year"),
                       bounded_at(phase["power_mw"], at + ".power_mw", 0.0, 1e6,
                                  "MW of facility power", false) *
                           units::MW});
    }
    return steps;
  }
  steps.push_back(
      {start_year,
       bounded_at(j, "fleet.site_power_mw", 0.0, 1e6, "MW of facility power", false) * units::MW});
  return steps;
}

// A fleet number: plain, in its rule (tpw::fleet::rule_of), or a distribution object that makes
// it uncertain (the point figures take its median). DistAt reads a distribution object.
template <class DistAt>
struct fleet_numbers {
  DistAt dist_at;
  std::vector<fleet::uncertain_number>& uncertain;

  double operator()(const json& value, const std::string& path, fleet::fleet_input input,
                    std::size_t generation = 0) const {
    const fleet::fleet_input_rule r = fleet::rule_of(input);
    if (value.is_object()) {
      fleet::uncertain_number u;
      u.input = input;
      u.generation = generation;
      u.dist = dist_at(value, path);
      u.path = path;
      fleet::require_inside(u);
      uncertain.push_back(u);
      return u.dist.quantile(0.5);
    }
    return bounded_at(value, path, r.low, r.high, r.meaning, r.low_included, r.high_included);
  }
};

template <currency_type C, class Numbers>
fleet::generation<C> read_generation(const json& j, std::size_t k, const fleet_context& c,
                                     std::string& source, const Numbers& number) {
  using fi = fleet::fleet_input;
  const std::string at = "fleet.generations[" + std::to_string(k) + "]";
  object_at(
      j, at,
      {"name", "deployment", "mtok_per_mw_year", "running_cost_per_mw_year", "price_per_mw",
       "available_from", "available_until", "price_decline_per_year", "throughput_gain_per_year",
       "life_years", "residual_fraction", "availability", "energy_share"});
  const auto per_mw_year = units::MW * units::year;
  fleet::generation<C> g;
  if (!j.contains("name")) refuse_missing(at + ".name", "required: the generation's name");
  g.name = text_at(j["name"], at + ".name", "must be a string");
  if (g.name.empty() || g.name.size() > 64) {
    refuse(at + ".name", j["name"], "must be 1 to 64 characters");
  }
  source = "given";
  if (j.contains("deployment")) {
    if (text_at(j["deployment"], at + ".deployment", "must be \"scenario\"") != "scenario") {
      refuse(at + ".deployment", j["deployment"],
             "must be \"scenario\": the scenario's own deployment, per MW of its facility power");
    }
    if (!c.own) refuse(at + ".deployment", j["deployment"], c.own_refusal);
    for (const char* key : {"mtok_per_mw_year", "running_cost_per_mw_year", "price_per_mw"}) {
      if (j.contains(key)) {
        refuse(at + "." + key, j[key],
               "comes from the scenario's deployment here: give it, or \"deployment\", not both");
      }
    }
    source = "scenario";
    g.output = c.own->mtok_per_mw_year * units::Mtok / per_mw_year;
    g.running_cost = money<C>::from_value(c.own->running_cost_per_mw_year) / per_mw_year;
    g.price = money<C>::from_value(c.own->price_per_mw) / units::MW;
    if (c.own->life_years) g.life_years = *c.own->life_years;
    g.residual_fraction = fraction::unchecked(c.own->residual_fraction);
    g.energy_share = fraction::unchecked(c.own->energy_share);
  } else {
    if (!j.contains("mtok_per_mw_year")) {
      refuse_missing(at + ".mtok_per_mw_year",
                     "required: Mtok a MW of facility power makes in a year in service (or "
                     "\"deployment\": \"scenario\")");
    }
    if (!j.contains("running_cost_per_mw_year")) {
      refuse_missing(at + ".running_cost_per_mw_year",
                     "required: a MW's running cost a year in service (energy, facility, opex)");
    }
    g.output = number(j["mtok_per_mw_year"], at + ".mtok_per_mw_year", fi::mtok_per_mw_year, k) *
               units::Mtok / per_mw_year;
    g.running_cost =
        money<C>::from_value(number(j["running_cost_per_mw_year"], at + ".running_cost_per_mw_year",
                                    fi::running_cost_per_mw_year, k)) /
        per_mw_year;
    if (j.contains("price_per_mw")) {
      g.price = money<C>::from_value(
                    number(j["price_per_mw"], at + ".price_per_mw", fi::price_per_mw, k)) /
                units::MW;
    } else if (j.contains("available_from")) {
      refuse_missing(at + ".price_per_mw", "required when it can be bought (available_from)");
    }
  }
  if (j.contains("available_from"))
    g.available_from = year_at(j["available_from"], at + ".available_from");
  if (j.contains("available_until")) {
    if (!g.available_from) {
      refuse(at + ".available_until", j["available_until"],
             "needs available_from: a generation that cannot be bought has no last year");
    }
    g.available_until = year_at(j["available_until"], at + ".available_until");
  }
  if (j.contains("price_decline_per_year")) {
    g.price_decline_per_year =
        fraction{number(j["price_decline_per_year"], at + ".price_decline_per_year",
                        fi::generation_price_decline, k)};
  }
  if (j.contains("throughput_gain_per_year")) {
    g.throughput_gain_per_year =
        annual_rate{number(j["throughput_gain_per_year"], at + ".throughput_gain_per_year",
                           fi::throughput_gain_per_year, k)};
  }
  if (j.contains("life_years")) {
    g.life_years = bounded_at(j["life_years"], at + ".life_years", 0.0, 30.0, "years", false);
  } else if (source == "scenario" && !c.own->life_years && g.available_from) {
    refuse_missing(at + ".life_years",
                   "required: the scenario's hardware is rented, so it states no life");
  } else if (source == "given" && g.available_from) {
    refuse_missing(at + ".life_years", "required when it can be bought: its economic life");
  }
  if (j.contains("residual_fraction")) {
    g.residual_fraction = fraction{
        number(j["residual_fraction"], at + ".residual_fraction", fi::residual_fraction, k)};
  }
  if (j.contains("availability")) {
    g.availability = fraction{number(j["availability"], at + ".availability", fi::availability, k)};
  }
  if (j.contains("energy_share")) {
    if (source == "scenario") {
      refuse(at + ".energy_share", j["energy_share"],
             "comes from the scenario's deployment here (its energy over its running costs)");
    }
    g.energy_share = fraction{bounded_at(j["energy_share"], at + ".energy_share", 0.0, 1.0,
                                         "the share of its running cost that is energy")};
  }
  return g;
}

// fleet.demand: "scenario" (the demand section's tokens and growth) or {"mtok_per_year",
// "growth_per_year"}, each defaulting to the demand section's when the scenario has one.
template <class Numbers>
fleet::fleet_demand read_fleet_demand(const json& j, const fleet_context& c,
                                      const Numbers& number) {
  using fi = fleet::fleet_input;
  fleet::fleet_demand d;
  const std::string from_section =
      "needs the scenario's demand section (demand), or give "
      "{\"mtok_per_year\": the tokens asked for in the first year, in Mtok}";
  if (j.is_string()) {
    if (j.get<std::string>() != "scenario") {
      refuse("fleet.demand", j,
             "must be \"scenario\" (the demand section's) or {\"mtok_per_year\", "
             "\"growth_per_year\"}");
    }
    if (!c.demand_mtok_per_year) refuse("fleet.demand", j, from_section);
    d.first_year = *c.demand_mtok_per_year * units::Mtok;
    d.growth_per_year = annual_rate::unchecked(c.demand_growth_per_year);
    return d;
  }
  object_at(j, "fleet.demand", {"mtok_per_year", "growth_per_year"});
  if (j.contains("mtok_per_year")) {
    d.first_year =
        number(j["mtok_per_year"], "fleet.demand.mtok_per_year", fi::demand_mtok_per_year) *
        units::Mtok;
  } else if (c.demand_mtok_per_year) {
    d.first_year = *c.demand_mtok_per_year * units::Mtok;
  } else {
    refuse_missing("fleet.demand.mtok_per_year",
                   "required without a demand section: the tokens asked for in the first year, "
                   "in Mtok");
  }
  d.growth_per_year = annual_rate::unchecked(
      j.contains("growth_per_year")
          ? number(j["growth_per_year"], "fleet.demand.growth_per_year", fi::demand_growth_per_year)
          : c.demand_growth_per_year);
  return d;
}

}  // namespace detail

// Reads the fleet section; `dist_at(value, path)` reads a distribution object (the scenario
// reader's), for the numbers that may be uncertain.
template <currency_type C, class DistAt>
fleet_choice<C> read_fleet(const nlohmann::json& j, const fleet_context& c, DistAt dist_at) {
  using namespace detail;
  using fi = fleet::fleet_input;
  object_at(j, "fleet",
            {"start_year", "step", "years", "discount_rate", "price_per_mtok",
             "price_decline_per_year", "site_power_mw", "refresh", "generations", "installed",
             "max_plans", "demand", "energy_escalation_per_year", "opex_escalation_per_year"});
  fleet_choice<C> out;
  fleet::fleet_spec<C>& s = out.spec;
  const fleet_numbers<DistAt> number{dist_at, out.uncertain};
  if (!j.contains("start_year")) refuse_missing("fleet.start_year", "required: the first year");
  if (!j.contains("years")) refuse_missing("fleet.years", "required: how many years, 1 to 50");
  s.when.start_year = year_at(j["start_year"], "fleet.start_year");
  s.when.years = static_cast<int>(whole_at(j["years"], "fleet.years", 1, 50));
  if (j.contains("step")) {
    s.when.every = fleet::step_from_name(
        "fleet.step",
        text_at(j["step"], "fleet.step", "must be \"year\", \"quarter\" or \"month\""));
  }
  s.discount_rate =
      annual_rate{j.contains("discount_rate")
                      ? number(j["discount_rate"], "fleet.discount_rate", fi::discount_rate)
                      : c.discount_rate};
  if (j.contains("price_per_mtok")) {
    s.price = token_price<C>::from_value(
        number(j["price_per_mtok"], "fleet.price_per_mtok", fi::price_per_mtok) / 1e6);
  } else if (c.price_per_mtok) {
    s.price = token_price<C>::from_value(*c.price_per_mtok / 1e6);
  } else {
    refuse_missing("fleet.price_per_mtok",
                   "required without revenue.price_per_mtok: the token price in the first year");
  }
  if (j.contains("price_decline_per_year") && j["price_decline_per_year"].is_array()) {
    // Phases by date: the first from the calendar's start (or before), each later one from its
    // year on.
    const json& phases = j["price_decline_per_year"];
    if (phases.empty() || phases.size() > 50) {
      refuse("fleet.price_decline_per_year", phases,
             "must be a number, a distribution or 1 to 50 phases {\"from_year\", \"decline\"}");
    }
    for (std::size_t k = 0; k < phases.size(); ++k) {
      const std::string at = "fleet.price_decline_per_year[" + std::to_string(k) + "]";
      const json& phase = object_at(phases[k], at, {"from_year", "decline"});
      if (!phase.contains("from_year")) refuse_missing(at + ".from_year", "required: a year");
      if (!phase.contains("decline")) {
        refuse_missing(at + ".decline", "required: the share the token price falls a year");
      }
      const int from = year_at(phase["from_year"], at + ".from_year");
      if (k == 0) {
        if (from > s.when.start_year) {
          refuse(at + ".from_year", phase["from_year"],
                 "must be at or before fleet.start_year (" + std::to_string(s.when.start_year) +
                     "): the first phase holds from the calendar's start");
        }
        s.price_decline_per_year =
            fraction{number(phase["decline"], at + ".decline", fi::price_decline_per_year)};
        continue;
      }
      const int after = k == 1 ? s.when.start_year : s.price_phases.back().from_year;
      if (from <= after) {
        refuse(at + ".from_year", phase["from_year"],
               std::string("must come after ") +
                   (k == 1 ? "fleet.start_year (" : "the phase before it (") +
                   std::to_string(after) + ")");
      }
      const std::size_t before = out.uncertain.size();
      const double decline = number(phase["decline"], at + ".decline", fi::price_phase_decline);
      if (out.uncertain.size() > before) out.uncertain.back().phase = k - 1;
      s.price_phases.push_back({from, fraction{decline}});
    }
  } else {
    s.price_decline_per_year =
        fraction{j.contains("price_decline_per_year")
                     ? number(j["price_decline_per_year"], "fleet.price_decline_per_year",
                              fi::price_decline_per_year)
                     : c.price_decline_per_year};
  }
  const auto escalation = [&](const char* key, fi input, double fallback) {
    const std::string path = std::string("fleet.") + key;
    return annual_rate::unchecked(j.contains(key) ? number(j[key], path, input) : fallback);
  };
  const std::size_t uncertain_before = out.uncertain.size();
  s.energy_escalation_per_year =
      escalation("energy_escalation_per_year", fi::energy_escalation, c.energy_escalation);
  s.opex_escalation_per_year =
      escalation("opex_escalation_per_year", fi::opex_escalation, c.opex_escalation);
  // Where the two rates can differ, every generation's running cost needs its energy share.
  const bool split_escalation =
      out.uncertain.size() > uncertain_before ||
      s.energy_escalation_per_year.value() != s.opex_escalation_per_year.value();
  if (j.contains("site_power_mw")) {
    s.site_power = read_site_power(j["site_power_mw"], s.when.start_year);
  } else if (c.site_power_mw) {
    s.site_power = {{s.when.start_year, *c.site_power_mw * units::MW}};
  } else {
    refuse_missing("fleet.site_power_mw", "required without site.power_mw: the site's MW");
  }
  if (j.contains("refresh")) {
    const std::string rule_text = "must be \"fixed_life\", \"opportunity_cost\" or \"best_npv\"";
    const std::string r = text_at(j["refresh"], "fleet.refresh", rule_text);
    if (r == "fixed_life") {
      s.refresh = fleet::refresh_rule::fixed_life;
    } else if (r == "opportunity_cost") {
      s.refresh = fleet::refresh_rule::opportunity_cost;
    } else if (r == "best_npv") {
      s.refresh = fleet::refresh_rule::best_npv;
    } else {
      refuse("fleet.refresh", j["refresh"], rule_text);
    }
  }
  if (j.contains("demand")) s.demand = read_fleet_demand(j["demand"], c, number);
  if (j.contains("max_plans")) {
    s.max_plans = static_cast<long>(whole_at(j["max_plans"], "fleet.max_plans", 1, 1e7));
  }
  if (!j.contains("generations")) {
    refuse_missing("fleet.generations", "required: the generations installed or to be bought");
  }
  const json& gens = j["generations"];
  if (!gens.is_array() || gens.empty() || gens.size() > 16) {
    refuse("fleet.generations", gens, "must be an array of 1 to 16 generations");
  }
  for (std::size_t k = 0; k < gens.size(); ++k) {
    std::string source;
    s.generations.push_back(read_generation<C>(gens[k], k, c, source, number));
    out.sources.push_back(source);
    if (split_escalation && source == "given" && !gens[k].contains("energy_share")) {
      refuse_missing("fleet.generations[" + std::to_string(k) + "].energy_share",
                     "required where energy and other running costs escalate at different rates "
                     "(fleet.energy_escalation_per_year " +
                         tpw::detail::number_text(s.energy_escalation_per_year.value()) +
                         ", fleet.opex_escalation_per_year " +
                         tpw::detail::number_text(s.opex_escalation_per_year.value()) +
                         "): the share of its running cost that is energy, in [0, 1]");
    }
    for (std::size_t i = 0; i < k; ++i) {
      if (s.generations[i].name == s.generations[k].name) {
        refuse("fleet.generations[" + std::to_string(k) + "].name", gens[k]["name"],
               "must differ from every other generation's name");
      }
    }
  }
  if (j.contains("installed")) {
    const json& inst = j["installed"];
    if (!inst.is_array() || inst.size() > 16) {
      refuse("fleet.installed", inst, "must be an array of at most 16 installed cohorts");
    }
    for (std::size_t k = 0; k < inst.size(); ++k) {
      const std::string at = "fleet.installed[" + std::to_string(k) + "]";
      const json& i = object_at(inst[k], at, {"generation", "power_mw", "usable_until"});
      for (const char* key : {"generation", "power_mw", "usable_until"}) {
        if (!i.contains(key)) refuse_missing(at + "." + key, "required");
      }
      const std::string name = text_at(i["generation"], at + ".generation",
                                       "must be the name of one of fleet.generations");
      fleet::installed_cohort cohort;
      cohort.generation = s.generations.size();
      for (std::size_t g = 0; g < s.generations.size(); ++g) {
        if (s.generations[g].name == name) cohort.generation = g;
      }
      if (cohort.generation == s.generations.size()) {
        refuse(at + ".generation", i["generation"], "must be the name of one of fleet.generations");
      }
      cohort.capacity =
          bounded_at(i["power_mw"], at + ".power_mw", 0.0, 1e6, "MW of facility power", false) *
          units::MW;
      cohort.usable_until = year_at(i["usable_until"], at + ".usable_until");
      s.installed.push_back(cohort);
    }
  }
  fleet::validate(s);
  return out;
}

}  // namespace tpw::io
