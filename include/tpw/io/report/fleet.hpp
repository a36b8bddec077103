// tpw/io/report/fleet.hpp: the report's "fleet" section (docs/report.md): the calendar and rule,
// the fleet's NPV, IRR and payback, each cohort (when bought, when it left, what it cost, brought
// and was worth) and each period's totals.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "tpw/fleet.hpp"
#include "tpw/io/scenario/fleet.hpp"

namespace tpw::io {

[[nodiscard]] inline std::string_view refresh_name(fleet::refresh_rule r) noexcept {
  return r == fleet::refresh_rule::fixed_life         ? "fixed_life"
         : r == fleet::refresh_rule::opportunity_cost ? "opportunity_cost"
                                                      : "best_npv";
}

// When a cohort leaves: the period it leaves at the start of (the one after the calendar's last
// when it serves to the end).
template <currency_type C>
std::string leaves_label(const fleet::fleet_ledger<C>& l, const fleet::cohort& c) {
  return l.when.label(c.end);
}

// A date's or a length's distribution: the share of samples where it happens, its mean and
// percentiles there, and its share by period (a date's labelled by the period, a length's by its
// years).
inline nlohmann::json event_json(const fleet::event_statistics& e, const fleet::calendar& when,
                                 bool length = false) {
  nlohmann::json out = {{"share", e.share}};
  if (e.share > 0.0) {
    out["mean"] = e.mean;
    out["p5"] = e.p5;
    out["p50"] = e.p50;
    out["p95"] = e.p95;
  }
  if (!e.share_by_period.empty()) {
    nlohmann::json by = nlohmann::json::object();
    for (std::size_t p = 0; p < e.share_by_period.size(); ++p) {
      if (e.share_by_period[p] <= 0.0) continue;
      by[length ? tpw::detail::number_text(static_cast<double>(p) / when.per_year())
                : when.label(static_cast<int>(p))] = e.share_by_period[p];
    }
    out[length ? "by_years" : "by_period"] = by;
  }
  return out;
}

template <currency_type C>
nlohmann::json fleet_uncertainty_json(const fleet_choice<C>& choice,
                                      const fleet::fleet_statistics& st) {
  using nlohmann::json;
  const auto& s = choice.spec;
  json installed = json::array();
  for (std::size_t k = 0; k < st.installed_retired.size(); ++k) {
    json e = event_json(st.installed_retired[k], s.when);
    e["generation"] = s.generations[s.installed[k].generation].name;
    installed.push_back(e);
  }
  json generations = json::array();
  for (std::size_t g = 0; g < s.generations.size(); ++g) {
    generations.push_back({{"name", s.generations[g].name},
                           {"first_purchase", event_json(st.first_purchase[g], s.when)},
                           {"purchases", event_json(st.purchases[g], s.when)},
                           {"economic_life_years", event_json(st.economic_life[g], s.when, true)},
                           {"every_life_years", event_json(st.every_life[g], s.when, true)}});
  }
  json out = {{"samples", st.samples},
              {"seed", st.seed},
              {"inputs", st.inputs},
              {"npv",
               {{"mean", st.npv_mean},
                {"sd", st.npv_sd},
                {"p5", st.npv_p5},
                {"p50", st.npv_p50},
                {"p95", st.npv_p95}}},
              {"chance_npv_negative", st.chance_npv_negative},
              {"installed_retired", installed},
              {"generations", generations}};
  if (st.meets_demand) {
    out["unserved_share_mean"] = st.unserved_share_mean;
    out["chance_unserved"] = st.chance_unserved;
  }
  return out;
}

template <currency_type C>
nlohmann::json fleet_json(const fleet_choice<C>& choice, const fleet::fleet_plan<C>& plan,
                          const std::optional<fleet::fleet_statistics>& statistics = {}) {
  using nlohmann::json;
  const fleet::fleet_ledger<C>& l = plan.ledger;
  const fleet::fleet_spec<C>& s = choice.spec;
  const auto mw = [](power p) -> double { return p / units::MW; };
  json generations = json::array();
  for (std::size_t g = 0; g < s.generations.size(); ++g) {
    const auto& gen = s.generations[g];
    const auto per_mw_year = units::MW * units::year;
    json item = {{"name", gen.name},
                 {"source", choice.sources[g]},
                 {"mtok_per_mw_year", static_cast<double>(gen.output * per_mw_year / units::Mtok)},
                 {"running_cost_per_mw_year", (gen.running_cost * per_mw_year).value()},
                 {"price_per_mw", (gen.price * units::MW).value()},
                 {"life_years", gen.life_years},
                 {"residual_fraction", gen.residual_fraction.value()},
                 {"energy_share", gen.energy_share.value()}};
    if (gen.available_from) item["available_from"] = *gen.available_from;
    if (gen.available_until) item["available_until"] = *gen.available_until;
    generations.push_back(item);
  }
  json cohorts = json::array();
  for (std::size_t k = 0; k < l.cohorts.size(); ++k) {
    const fleet::cohort& c = l.cohorts[k];
    const bool installed = c.origin == fleet::cohort_origin::installed;
    cohorts.push_back({{"generation", s.generations[c.generation].name},
                       {"origin", installed ? "installed" : "bought"},
                       {"from", l.when.label(std::min(c.first, l.when.periods() - 1))},
                       {"leaves", leaves_label(l, c)},
                       {"retired_early", c.retired_early(l.when.periods())},
                       {"power_mw", mw(c.capacity)},
                       {"service_years", l.service_years(k)},
                       {"capex", l.cohort_capex[k].value()},
                       {"residual", l.cohort_residual[k].value()},
                       {"npv", l.cohort_npv[k].value()}});
  }
  json periods = json::array();
  for (int p = 0; p < l.when.periods(); ++p) {
    const auto i = static_cast<std::size_t>(p);
    periods.push_back({{"period", l.when.label(p)},
                       {"ceiling_mw", mw(l.ceiling[i])},
                       {"in_service_mw", mw(l.in_service[i])},
                       {"mtok", static_cast<double>(l.made[i] / units::Mtok)},
                       {"revenue", l.revenue[i].value()},
                       {"running_cost", l.running[i].value()},
                       {"capex", l.capex[i].value()},
                       {"residual", l.residual[i].value()}});
    if (!l.demanded.empty()) {
      periods.back()["demand_mtok"] = static_cast<double>(l.demanded[i] / units::Mtok);
      periods.back()["unserved_mtok"] = static_cast<double>(l.unserved[i] / units::Mtok);
    }
  }
  json net = json::array();
  for (const auto& m : l.net) net.push_back(m.value());
  json phases = json::array();
  for (const auto& phase : s.price_phases) {
    phases.push_back({{"from_year", phase.from_year}, {"decline", phase.decline.value()}});
  }
  json out = {{"start_year", s.when.start_year},
              {"step", fleet::step_name(s.when.every)},
              {"years", s.when.years},
              {"discount_rate", s.discount_rate.value()},
              {"price_per_mtok", s.price.value() * 1e6},
              {"price_decline_per_year", s.price_decline_per_year.value()},
              {"price_phases", phases},
              {"energy_escalation_per_year", s.energy_escalation_per_year.value()},
              {"opex_escalation_per_year", s.opex_escalation_per_year.value()},
              {"refresh", refresh_name(plan.rule)},
              {"search", plan.search},
              {"plans", plan.plans},
              {"npv", l.npv.value()},
              {"generations", generations},
              {"cohorts", cohorts},
              {"periods", periods},
              {"net", net}};
  if (l.irr.unique()) {
    out["irr"] = l.irr.rate();
  } else {
    out["irr"] = nullptr;
    out["irr_reason"] = l.irr.reason;
  }
  if (s.demand) {
    out["demand"] = {{"mtok_per_year", static_cast<double>(s.demand->first_year / units::Mtok)},
                     {"growth_per_year", s.demand->growth_per_year.value()},
                     {"unserved_share", tpw::fleet::unserved_share(l)}};
  }
  if (statistics) out["uncertainty"] = fleet_uncertainty_json(choice, *statistics);
  if (l.payback_years) {
    out["payback_years"] = *l.payback_years;
  } else {
    out["payback_years"] = nullptr;
    out["payback_reason"] = l.payback_reason;
  }
  return out;
}

}  // namespace tpw::io
