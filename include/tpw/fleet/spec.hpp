// tpw/fleet/spec.hpp: what a fleet over calendar time is made of (docs/fleet.md): the
// generations of hardware that can be bought (per MW of facility power), the cohorts already
// installed, the site's power by year, the token price's path and the refresh rule.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/fleet/calendar.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw::fleet {

// A platform generation per MW of facility power (the site's power, PUE included): what a MW of
// it makes and costs in service, and what it costs to buy. A MW of a newer generation makes more
// tokens; its price per MW falls with time (price-performance), and software makes every cohort
// of it faster as the years pass.
template <currency_type C>
struct generation {
  std::string name;
  // Tokens a MW makes in a year in service at full availability (tok/J: Mtok per MW-year is
  // 1e12 / (1e6 * 31,536,000) tok/J), in the year it can first be bought (or the calendar's
  // first year, for one that is only installed).
  tokens_per_energy output{};
  // Every running cost of a MW in service a year: energy, colocation or facility charge, opex,
  // at the calendar's first year's prices (they escalate from there: fleet_spec's escalation
  // rates). Not paid in a period the cohort is idled (its margin negative) or after it is retired.
  money_per_power_time<C> running_cost{};
  // The share of running_cost that is energy: it escalates at the energy rate, the rest at the
  // opex rate (the same split as the finance section's escalation).
  fraction energy_share = fraction::unchecked(0.0);
  money_per_power<C> price{};            // a MW of it, bought in available_from
  std::optional<int> available_from{};   // the first year it can be bought; none: installed only
  std::optional<int> available_until{};  // the last year it can be bought; none: to the end
  // A purchase's price falls by this share a year after available_from.
  fraction price_decline_per_year = fraction::unchecked(0.0);
  // Software gains: every cohort of it makes this much more a year, counted from available_from
  // (or the calendar's start).
  annual_rate throughput_gain_per_year = annual_rate::unchecked(0.0);
  double life_years = 4.0;  // economic life of a purchase: (0, 30] years
  // Its value at the end of its life, as a share of what it cost; a cohort retired earlier is
  // sold at its straight-line book value (docs/fleet.md).
  fraction residual_fraction = fraction::unchecked(0.0);
  // The share of its capacity up (failures and repair): tokens are made on that share, the
  // running cost is paid on the whole.
  fraction availability = fraction::unchecked(1.0);
};

// A cohort in service at the calendar's start, paid for already (sunk): it has no capex and no
// residual; it serves to the end of `usable_until` unless retired earlier.
struct installed_cohort {
  std::size_t generation = 0;
  power capacity{};  // facility power it takes
  int usable_until = 0;
};

// The site's power ceiling from the start of `from_year` on (a phased build: one step per phase).
struct site_power_step {
  int from_year = 0;
  power ceiling{};
};

// When a cohort leaves service (docs/fleet.md, "Refresh rules").
enum class refresh_rule {
  // At the end of its life (an installed cohort: the end of usable_until).
  fixed_life,
  // At the start of the first period in which a MW of the best generation to be had earns more,
  // its capital charge paid, than the old cohort's cash margin per MW (and buying it pays).
  opportunity_cost,
  // At the dates that give the fleet its largest NPV, every plan enumerated (best_npv).
  best_npv,
};

// The tokens the fleet is asked for (docs/fleet.md, "Demand"). With one, the purchase rule meets
// it at least cost instead of filling the site's power, and cohorts serve it in merit order.
struct fleet_demand {
  tokens first_year{};  // asked for in the calendar's first year (a year's total)
  annual_rate growth_per_year = annual_rate::unchecked(0.0);
};

// From the start of `from_year` on, the token price falls by `decline` a year (a path by date:
// steep now, slower later).
struct price_phase {
  int from_year = 0;
  fraction decline = fraction::unchecked(0.0);
};

template <currency_type C>
struct fleet_spec {
  calendar when{};
  annual_rate discount_rate = annual_rate::unchecked(0.0);
  token_price<C> price{};  // in the calendar's first year
  fraction price_decline_per_year = fraction::unchecked(0.0);
  // Later phases of the token price's decline, in ascending years after the calendar's first:
  // from each one's year on, its decline replaces the one before (none: one decline throughout).
  std::vector<price_phase> price_phases;
  // Running costs grow from the calendar's start, period p paying (1 + e)^(p / n) of the first
  // year's: each generation's energy share at the energy rate, the rest at the opex rate, as the
  // finance section escalates a project's (both in [-0.5, 1]).
  annual_rate energy_escalation_per_year = annual_rate::unchecked(0.0);
  annual_rate opex_escalation_per_year = annual_rate::unchecked(0.0);
  std::vector<generation<C>> generations;
  std::vector<installed_cohort> installed;
  std::vector<site_power_step> site_power;  // ascending years, the first at or before the start
  refresh_rule refresh = refresh_rule::fixed_life;
  // None: each period, the power left is filled; given: each period, what the fleet in service
  // cannot make of it is bought at least cost (docs/fleet.md, "Demand").
  std::optional<fleet_demand> demand;
  // The best_npv rule enumerates every plan while there are at most this many, then decides the
  // cohorts left one at a time (each at its best date, the later ones at the end of their life):
  // fleet_plan::search says which.
  long max_plans = 200000;
};

namespace detail {

template <currency_type C>
void validate_generation(const generation<C>& g, std::size_t k) {
  const std::string at = "fleet.generations[" + std::to_string(k) + "]";
  const auto require_non_negative = [&](const char* name, double value) {
    if (!(std::isfinite(value) && value >= 0.0)) {
      throw invalid_input(at + "." + name, value, "must be finite and >= 0");
    }
  };
  require_non_negative("output", g.output.value());
  require_non_negative("running_cost", g.running_cost.value());
  require_non_negative("price", g.price.value());
  if (!(g.life_years > 0.0 && g.life_years <= 30.0)) {
    throw invalid_input(at + ".life_years", g.life_years, "must be in (0, 30] years");
  }
  if (!(g.price_decline_per_year.value() < 1.0)) {
    throw invalid_input(at + ".price_decline_per_year", g.price_decline_per_year.value(),
                        "must be in [0, 1): the share the price falls each year");
  }
  if (g.available_from && g.available_until && *g.available_until < *g.available_from) {
    throw invalid_input(
        at + ".available_until", *g.available_until,
        "must not be before available_from (" + std::to_string(*g.available_from) + ")");
  }
  for (const auto* year : {&g.available_from, &g.available_until}) {
    if (*year && !(**year >= 1900 && **year <= 2200)) {
      throw invalid_input(at + (year == &g.available_from ? ".available_from" : ".available_until"),
                          **year, "must be a year in [1900, 2200]");
    }
  }
}

}  // namespace detail

// Refuses a spec that cannot describe a fleet, naming the field, the value and the rule.
template <currency_type C>
void validate(const fleet_spec<C>& s) {
  validate(s.when);
  if (!(std::isfinite(s.price.value()) && s.price.value() >= 0.0)) {
    throw invalid_input("fleet.price_per_mtok", s.price.value() * 1e6, "must be finite and >= 0");
  }
  for (std::size_t k = 0; k < s.price_phases.size(); ++k) {
    const std::string at = "fleet.price_phases[" + std::to_string(k) + "]";
    const price_phase& phase = s.price_phases[k];
    const int after = k == 0 ? s.when.start_year : s.price_phases[k - 1].from_year;
    if (!(phase.from_year > after && phase.from_year <= 2200)) {
      throw invalid_input(
          at + ".from_year", phase.from_year,
          "must come after " +
              std::string(k == 0 ? "the calendar's first year (" : "the phase before it (") +
              std::to_string(after) + ") and be at most 2200");
    }
    if (!(phase.decline.value() >= 0.0 && phase.decline.value() < 1.0)) {
      throw invalid_input(at + ".decline", phase.decline.value(),
                          "must be in [0, 1): the share the token price falls each year");
    }
  }
  if (!(s.price_decline_per_year.value() < 1.0)) {
    throw invalid_input("fleet.price_decline_per_year", s.price_decline_per_year.value(),
                        "must be in [0, 1): the share the token price falls each year");
  }
  for (const auto& [name, rate] :
       {std::pair{"fleet.energy_escalation_per_year", s.energy_escalation_per_year.value()},
        std::pair{"fleet.opex_escalation_per_year", s.opex_escalation_per_year.value()}}) {
    if (!(rate >= -0.5 && rate <= 1.0)) {
      throw invalid_input(name, rate,
                          "must be in [-0.5, 1]: the share a running cost grows a year");
    }
  }
  if (s.generations.empty()) {
    throw invalid_input("fleet.generations.size", 0.0, "must name at least one generation");
  }
  for (std::size_t k = 0; k < s.generations.size(); ++k) {
    detail::validate_generation(s.generations[k], k);
  }
  if (s.site_power.empty()) {
    throw invalid_input("fleet.site_power_mw.size", 0.0,
                        "must give the site's power from the calendar's first year");
  }
  if (s.site_power.front().from_year > s.when.start_year) {
    throw invalid_input("fleet.site_power_mw[0].from_year", s.site_power.front().from_year,
                        "must be at or before the calendar's first year (" +
                            std::to_string(s.when.start_year) + ")");
  }
  for (std::size_t k = 0; k < s.site_power.size(); ++k) {
    const std::string at = "fleet.site_power_mw[" + std::to_string(k) + "]";
    const double mw = s.site_power[k].ceiling / units::MW;
    if (!(std::isfinite(mw) && mw > 0.0)) {
      throw invalid_input(at + ".power_mw", mw, "must be finite and > 0");
    }
    if (k > 0 && s.site_power[k].from_year <= s.site_power[k - 1].from_year) {
      throw invalid_input(at + ".from_year", s.site_power[k].from_year,
                          "must come after the step before it");
    }
    if (k > 0 && s.site_power[k].ceiling < s.site_power[k - 1].ceiling) {
      throw invalid_input(at + ".power_mw", mw,
                          "must not fall below the step before it: a phased build only grows");
    }
  }
  double installed_mw = 0.0;
  for (std::size_t k = 0; k < s.installed.size(); ++k) {
    const auto& c = s.installed[k];
    const std::string at = "fleet.installed[" + std::to_string(k) + "]";
    if (c.generation >= s.generations.size()) {
      throw invalid_input(at + ".generation", static_cast<double>(c.generation),
                          "must name one of the fleet's generations");
    }
    const double mw = c.capacity / units::MW;
    if (!(std::isfinite(mw) && mw > 0.0)) {
      throw invalid_input(at + ".power_mw", mw, "must be finite and > 0");
    }
    if (c.usable_until < s.when.start_year - 1 || c.usable_until > 2200) {
      throw invalid_input(at + ".usable_until", c.usable_until,
                          "must be a year from the one before the calendar's start to 2200");
    }
    installed_mw += mw;
  }
  const double first_ceiling = s.site_power.front().ceiling / units::MW;
  if (installed_mw > first_ceiling * (1.0 + 1e-12)) {
    throw invalid_input("fleet.installed.power_mw", installed_mw,
                        "must fit under the site's power in the first year (" +
                            tpw::detail::number_text(first_ceiling) + " MW)");
  }
  if (s.demand) {
    const double mtok = s.demand->first_year / units::Mtok;
    if (!(std::isfinite(mtok) && mtok > 0.0 && mtok <= 1e15)) {
      throw invalid_input("fleet.demand.mtok_per_year", mtok, "must be in (0, 1e15] Mtok a year");
    }
    const double g = s.demand->growth_per_year.value();
    if (!(std::isfinite(g) && g > -1.0 && g <= 10.0)) {
      throw invalid_input("fleet.demand.growth_per_year", g,
                          "must be in (-1, 10]: the share the demand grows a year");
    }
  }
  if (!(s.max_plans >= 1)) {
    throw invalid_input("fleet.max_plans", static_cast<double>(s.max_plans), "must be >= 1");
  }
}

}  // namespace tpw::fleet
