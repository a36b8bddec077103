// tpw/io/report.hpp: a scenario's study (point figures, site, Monte Carlo statistics, tornado and
// Sobol' indices) and its JSON report (docs/report.md). Target tpw::io. Writing a report needs
// neither Eigen nor the engine; running a study is tpw/io/study.hpp.
//
// The point figures evaluate the scenario with every uncertain input at its median. The site
// packs the deployment under site.power_mw (else takes deployment.systems). The uncertainty block
// appears when an input is uncertain: the statistics of every output, and the analyses
// uncertainty.sensitivity asks for.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tpw/catalog/plausibility.hpp"
#include "tpw/finance/project.hpp"
#include "tpw/io/report/capacity.hpp"
#include "tpw/io/report/energy_bill.hpp"
#include "tpw/io/report/fleet.hpp"
#include "tpw/io/report/solve.hpp"
#include "tpw/io/scenario.hpp"
#include "tpw/mc/engine/statistics.hpp"
#include "tpw/mc/project_figures.hpp"
#include "tpw/mc/sensitivity/sobol_estimators.hpp"
#include "tpw/mc/sensitivity/tornado_bars.hpp"
#include "tpw/model/parameters.hpp"
#include "tpw/model/workload.hpp"
#include "tpw/site/site.hpp"

namespace tpw::io {

// Emissions at the point figures: operational (grid intensity * facility energy per token) and
// embodied (tpw::embodied_emissions_per_token), and the site's in a year.
struct carbon_figures {
  double operational_g_per_mtok = 0.0;
  double embodied_g_per_mtok = 0.0;
  double site_t_per_year = 0.0;
  [[nodiscard]] double total_g_per_mtok() const noexcept {
    return operational_g_per_mtok + embodied_g_per_mtok;
  }
};

struct study {
  scenario input;
  economics<scenario_currency> point;  // every uncertain input at its median
  site_plan<scenario_currency> site;
  // At the point figures, when the scenario asks: the request mix (workload or input and output
  // rates), the project over the site's systems (finance), the emissions (carbon).
  std::optional<mix_economics<scenario_currency>> mix;
  std::optional<project_finance<scenario_currency>> finance;
  std::optional<carbon_figures> carbon;
  // The point figures against tpw's measured data and price lists (tpw::check_plausibility).
  plausibility_report plausibility;
  std::optional<mc::run_result> statistics;  // when an input is uncertain
  // With a finance section: IRR and payback over the samples that have them, and the share
  // without (mc::project_optional_names order): those uncertainty.outputs names, all when it
  // names none.
  std::vector<mc::project_figure_statistics> project_figures;
  std::vector<mc::tornado> tornado;
  std::vector<mc::sobol_indices> sobol;
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  // The goal seeks of the scenario's solve section (tpw::io::solve_goals), when run.
  std::vector<solve::goal_result> solved;
  // The fleet section's plan over calendar time (tpw::fleet::plan_fleet), when the scenario has
  // one.
  std::optional<fleet::fleet_plan<scenario_currency>> fleet;
  // With fleet numbers given as distributions: the rules run on every sample.
  std::optional<fleet::fleet_statistics> fleet_statistics;
};

// A study's point figures in display units, in cost_output order (what the Monte Carlo
// engines report per sample); revenue and margin are NaN without a price.
inline std::array<double, cost_output_count> point_figures(const study& r) {
  std::array<double, cost_output_count> y;
  y.fill(std::numeric_limits<double>::quiet_NaN());
  economics_figures(r.point, r.point.revenue.has_value(), y.data());
  return y;
}

namespace detail {

// Every number of a report is finite, or the report is refused with the figure's key: a last
// check that nothing non-finite reaches a reader as `null` or `inf`.
inline void require_finite_report(const nlohmann::json& j, const std::string& path) {
  if (j.is_number_float()) {
    const double x = j.get<double>();
    if (!std::isfinite(x)) {
      throw invalid_input(path.empty() ? "report" : path, x,
                          "a report figure must be finite; the scenario's inputs give none here");
    }
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      require_finite_report(value, path.empty() ? key : path + "." + key);
    }
  } else if (j.is_array()) {
    for (std::size_t k = 0; k < j.size(); ++k) {
      require_finite_report(j[k], path + "[" + std::to_string(k) + "]");
    }
  }
}

}  // namespace detail

// The report, as docs/report.md lays it out (money in the scenario's
// currency, per Mtok, per accelerator-hour and per MW-year; power in MW; tokens per year).
// Outputs a price does not give (revenue, margin) are null; every other number is finite, or
// this throws invalid_input naming the figure.
namespace detail {
inline nlohmann::json unchecked_json(const study& r);
}  // namespace detail

inline nlohmann::json to_json(const study& r) {
  nlohmann::json j = detail::unchecked_json(r);
  detail::require_finite_report(j, "");
  return j;
}

namespace detail {
// A mix's figures: per request when the scenario gives a workload, per kind of token always.
inline nlohmann::json mix_json(const study& r) {
  const mix_economics<scenario_currency>& m = *r.mix;
  nlohmann::json j;
  j["input_share"] = m.input_share;
  // Without input (output) tokens there is no cost per input (output) token: null, not free.
  const auto per_mtok = [](const std::optional<token_price<scenario_currency>>& p) {
    return p ? nlohmann::json(p->value() * 1e6) : nlohmann::json(nullptr);
  };
  j["cost_per_mtok_input"] = per_mtok(m.cost_per_input_token);
  j["cost_per_mtok_output"] = per_mtok(m.cost_per_output_token);
  j["blended_price_per_mtok"] = nullptr;
  if (m.blended_price) j["blended_price_per_mtok"] = m.blended_price->value() * 1e6;
  if (const auto& w = r.input.workload) {
    j["input_tokens"] = w->input.value();
    j["output_tokens"] = w->output.value();
    j["cached_share"] = w->cached_share;
    j["reasoning_multiplier"] = w->reasoning_multiplier;
    j["tokens_per_request"] = m.tokens_per_request.value();
    j["cost_per_request"] = m.cost_per_request.value();
    j["revenue_per_request"] = nullptr;
    if (m.revenue_per_request) j["revenue_per_request"] = m.revenue_per_request->value();
  }
  return j;
}

// An IRR as the library finds it: every root, or none with the reason.
inline nlohmann::json irr_json(const irr_result& irr) {
  nlohmann::json j = {{"rates", irr.rates}, {"reason", nullptr}};
  if (!irr.reason.empty()) j["reason"] = irr.reason;
  return j;
}

// The yearly table's columns: key, then the year's amount.
template <class F>
void for_each_year_column(F&& f) {
  using year = project_year<scenario_currency>;
  const auto money_of = [](money<scenario_currency> year::*field) {
    return [field](const year& y) { return (y.*field).value(); };
  };
  f("year", [](const year& y) { return static_cast<double>(y.year); });
  f("utilization", [](const year& y) { return y.utilization; });
  f("tokens", [](const year& y) { return y.tokens_made.value(); });
  f("revenue", money_of(&year::revenue));
  f("fee", money_of(&year::fee));
  f("energy", money_of(&year::energy));
  f("other_opex", money_of(&year::other_opex));
  f("capex", money_of(&year::capex));
  f("residual", money_of(&year::residual));
  f("depreciation", money_of(&year::depreciation));
  f("tax", money_of(&year::tax));
  f("debt_drawn", money_of(&year::debt_drawn));
  f("interest", money_of(&year::interest));
  f("principal", money_of(&year::principal));
  f("debt_service", [](const year& y) { return y.debt_service().value(); });
  f("project_flow", money_of(&year::project_flow));
  f("equity_flow", money_of(&year::equity_flow));
  f("cumulative", money_of(&year::cumulative));
}

inline nlohmann::json optional_json(const std::optional<double>& x) {
  return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
}

inline nlohmann::json finance_json(const study& r) {
  const project_finance<scenario_currency>& p = *r.finance;
  const finance_choice& c = *r.input.finance;
  nlohmann::json j;
  j["operating_years"] = c.plan.operating_years;
  j["build_years"] = c.plan.build_years;
  j["discount_rate"] = c.terms.discount_rate;
  j["equity_discount_rate"] = c.terms.equity_discount_rate;
  j["equity_discount_rate_given"] = !c.equity_rate_is_discount_rate;
  j["discounting"] =
      c.terms.discounting == discounting_convention::mid_year ? "mid_year" : "end_of_year";
  j["replacement"] = c.plan.replacement == replacement_rule::none ? "none" : "at_end_of_life";
  j["investment"] = p.investment.value();
  j["replacement_capex"] = p.replacement_capex.value();
  j["debt"] = p.debt.value();
  j["construction_interest"] = p.construction_interest.value();
  j["construction_interest_treatment"] =
      c.terms.debt.during_construction == construction_interest::expensed ? "expensed"
                                                                          : "capitalized";
  j["project_npv"] = p.project_npv.value();
  j["equity_npv"] = p.equity_npv.value();
  j["project_irr"] = irr_json(p.project_irr);
  j["equity_irr"] = irr_json(p.equity_irr);
  j["payback_years"] = optional_json(p.payback_years);
  j["discounted_payback_years"] = optional_json(p.discounted_payback_years);
  const auto reason = [](const std::string& why) {
    return why.empty() ? nlohmann::json(nullptr) : nlohmann::json(why);
  };
  j["payback_reason"] = reason(p.payback_reason);
  j["discounted_payback_reason"] = reason(p.discounted_payback_reason);
  j["return_on_investment"] = optional_json(p.return_on_investment);
  j["equity_moic"] = optional_json(p.equity_moic);
  j["revenue_multiple"] = optional_json(p.revenue_multiple);
  j["min_dscr"] = optional_json(p.min_dscr);
  nlohmann::json years = nlohmann::json::array();
  for (const auto& y : p.years) {
    nlohmann::json row;
    for_each_year_column([&](const char* key, const auto& value) {
      if (std::string_view(key) == "year") {
        row[key] = y.year;
      } else {
        row[key] = value(y);
      }
    });
    row["dscr"] = optional_json(y.dscr);
    years.push_back(row);
  }
  j["years"] = years;
  return j;
}

inline nlohmann::json unchecked_json(const study& r) {
  using nlohmann::json;
  const economics<scenario_currency>& e = r.point;
  json j;
  j["name"] = r.input.name;
  if (!r.input.notes.empty()) j["notes"] = r.input.notes;
  j["currency"] = r.input.currency;
  if (!r.input.platform.empty()) j["platform"] = r.input.platform;
  using out = cost_output;
  const auto y = point_figures(r);
  const auto at = [&](out k) { return y[static_cast<std::size_t>(k)]; };
  j["cost_per_mtok"] = {{"total", at(out::cost_per_mtok)},
                        {"hardware", at(out::cost_per_mtok_hardware)},
                        {"facility", at(out::cost_per_mtok_facility)},
                        {"energy", at(out::cost_per_mtok_energy)},
                        {"opex", at(out::cost_per_mtok_opex)}};
  j["cost_per_accelerator_hour"] = at(out::cost_per_accelerator_hour);
  j["tokens_per_joule"] = at(out::tokens_per_joule);
  j["joules_per_token"] = e.joules_per_token.value();
  j["tokens_per_s_per_mw"] = at(out::tokens_per_s_per_mw);
  j["revenue_per_mw_year"] = nullptr;
  j["gross_margin"] = nullptr;
  if (e.revenue) {
    j["price_per_mtok"] = e.revenue->price.value() * 1e6;
    j["revenue_per_accelerator_hour"] = e.revenue->revenue_per_accelerator_hour.value();
    j["revenue_per_mw_year"] = at(out::revenue_per_mw_year);
    j["gross_margin"] = at(out::gross_margin);
  }
  if (r.input.base.on_demand || r.input.base.reserved) {
    const auto c = tpw::detail::contract_numbers_of(r.input.base);
    nlohmann::json contracts = {{"per_token_share", c.per_token_share}};
    if (r.input.base.priced) contracts["price_per_mtok"] = c.price_per_token * 1e6;
    const auto hourly = [](double per_second) { return per_second * units::seconds_per_hour; };
    if (r.input.base.on_demand) {
      contracts["on_demand"] = {{"share", c.on_demand_share},
                                {"price_per_accelerator_hour", hourly(c.on_demand_rate)}};
    }
    if (r.input.base.reserved) {
      contracts["reserved"] = {{"share", c.reserved_share},
                               {"price_per_accelerator_hour", hourly(c.reserved_rate)},
                               {"committed_share", c.committed},
                               {"overage_per_accelerator_hour", hourly(c.overage_rate)}};
    }
    j["contracts"] = contracts;
  }
  j["energy_share_of_opex"] = e.energy_share_of_opex;
  j["energy_share_of_cost"] = e.energy_share_of_cost;
  const site_plan<scenario_currency>& site = r.site;
  j["site"] = {{"systems", site.systems},
               {"accelerators", site.accelerators},
               {"tokens_per_year", site.tokens_per_year.value()},
               {"revenue_per_year", nullptr},
               {"cost_per_year", site.cost_per_year.value()},
               {"power_mw", in(site.usable_power, units::MW)},
               {"facility_power_mw", in(site.facility_power, units::MW)},
               {"stranded_power_mw", in(site.stranded_power, units::MW)}};
  if (site.revenue_per_year) j["site"]["revenue_per_year"] = site.revenue_per_year->value();
  if (r.input.frontier) {
    const frontier_choice& f = *r.input.frontier;
    j["frontier"] = {{"min_interactivity_tok_s_user", f.min_interactivity},
                     {"bound_by", f.bound_by},
                     {"interactivity_tok_s_user", f.chosen.interactivity.value()},
                     {"tpot_ms", 1000.0 / f.chosen.interactivity.value()},
                     {"throughput_tok_s", f.chosen.throughput.value()},
                     {"clamped", f.frontier.clamped(token_rate::from_value(f.min_interactivity))}};
    j["frontier"]["source"] = f.source;
    if (f.input_share) j["frontier"]["input_share"] = *f.input_share;
    if (f.max_tpot_ms) j["frontier"]["max_tpot_ms"] = *f.max_tpot_ms;
    if (f.max_ttft_ms) j["frontier"]["max_ttft_ms"] = *f.max_ttft_ms;
    if (f.chosen.ttft) j["frontier"]["ttft_ms"] = in(*f.chosen.ttft, units::ms);
  }
  if (r.input.prices) {
    j["prices_per_mtok"] = {{"input", r.input.prices->input.value() * 1e6},
                            {"cached_input", nullptr},
                            {"output", r.input.prices->output.value() * 1e6}};
    if (r.input.cached_price_given) {
      j["prices_per_mtok"]["cached_input"] = r.input.prices->cached_input.value() * 1e6;
    }
  }
  if (r.input.phase_rates) {
    j["throughput_split_tok_s"] = {{"input", r.input.phase_rates->first},
                                   {"output", r.input.phase_rates->second}};
  }
  if (const auto& cap = r.input.power_cap) {
    j["power_cap"] = {{"rule", cap->rule},
                      {"cap_w", cap->chosen.cap.value()},
                      {"throughput_tok_s", cap->chosen.throughput.value()},
                      {"power_w", cap->chosen.power_draw.value()},
                      {"overhead_w_per_accelerator", cap->overhead_w},
                      {"tokens_per_joule_accelerator",
                       cap->chosen.throughput.value() / cap->chosen.power_draw.value()}};
  }
  if (r.mix) j["workload"] = mix_json(r);
  if (!r.input.model.empty()) j["workload"]["model"] = r.input.model;
  if (!r.input.precision.empty()) j["workload"]["precision"] = r.input.precision;
  const vintage_info v = info(r.input.vintage);
  j["vintage"] = {
      {"id", v.id}, {"source", v.source}, {"date", v.date}, {"all_in_power", v.all_in_power}};
  if (r.input.inferencex_costs) {
    j["costs_from"] = {
        {"vintage", v.id},
        {"hourly_cost_per_accelerator", r.input.base[cost_input::rental_per_accelerator_hour]},
        {"it_power_kw_per_system", r.input.base[cost_input::it_power_kw]}};
  }
  json flags = json::array();
  for (const plausibility_flag& f : r.plausibility.flags) {
    flags.push_back({{"figure", f.figure},
                     {"value", f.value},
                     {"limit", f.limit},
                     {"rule", f.rule},
                     {"evidence", f.evidence}});
  }
  j["plausibility"] = {
      {"measured", r.plausibility.measured.empty() ? json(nullptr) : json(r.plausibility.measured)},
      {"unchecked", r.plausibility.unchecked},
      {"flags", flags}};
  if (r.input.demand) j["capacity"] = capacity_json(*r.input.demand);
  if (r.input.mix) j["capacity"]["mix"] = mix_json(*r.input.mix);
  if (r.input.tariff && r.input.tariff->bill) j["energy_bill"] = energy_bill_json(*r.input.tariff);
  if (!r.solved.empty()) {
    j["solve"] = nlohmann::json::array();
    for (const auto& g : r.solved) j["solve"].push_back(solve_json(g));
  }
  if (r.fleet) j["fleet"] = fleet_json(*r.input.fleet, *r.fleet, r.fleet_statistics);
  if (r.finance) j["finance"] = finance_json(r);
  if (r.carbon) {
    const carbon_choice& c = *r.input.carbon;
    j["carbon"] = {{"grid_g_per_kwh", c.grid_g_per_kwh},
                   {"embodied_kg_per_accelerator", c.embodied_kg_per_accelerator},
                   {"life_years", c.life_applies ? json(c.life_years) : json(nullptr)},
                   {"g_per_mtok",
                    {{"operational", r.carbon->operational_g_per_mtok},
                     {"embodied", r.carbon->embodied_g_per_mtok},
                     {"total", r.carbon->total_g_per_mtok()}}},
                   {"site_t_per_year", r.carbon->site_t_per_year}};
  }
  if (!r.statistics) return j;

  json u;
  u["samples"] = r.samples;
  u["seed"] = r.seed;
  u["design"] = mc::to_string(r.input.design);
  u["inputs"] = json::object();
  for (const auto& leaf : r.input.uncertain) {
    u["inputs"][rule_of(leaf.input).path] = leaf.dist.describe();
  }
  for (const auto& leaf : r.input.extra_uncertain) {
    u["inputs"][rule_of(leaf.input).path] = leaf.dist.describe();
  }
  for (const auto& leaf : r.input.project_uncertain) {
    u["inputs"][project_slot_path(leaf.slot)] = leaf.dist.describe();
  }
  // One figure's statistics as the report shows them.
  const auto statistics_json = [](const mc::output_statistics& o) {
    return json{{"mean", o.mean},
                {"sd", o.sd},
                {"standard_error", o.standard_error},
                {"min", o.min},
                {"max", o.max},
                {"p5", o.quantile(0.05)},
                {"p10", o.quantile(0.10)},
                {"p50", o.quantile(0.50)},
                {"p90", o.quantile(0.90)},
                {"p95", o.quantile(0.95)}};
  };
  u["outputs"] = json::object();
  for (const auto& o : r.statistics->outputs) u["outputs"][o.name] = statistics_json(o);
  for (const auto& f : r.project_figures) {
    json figure = {{"samples", f.evaluated}, {"share_without", f.missing_share()}};
    if (f.statistics.count > 0) figure.update(statistics_json(f.statistics));
    u["outputs"][f.statistics.name] = figure;
  }
  if (!r.input.exceedances.empty()) {
    u["exceedances"] = json::array();
    for (std::size_t k = 0; k < r.input.exceedances.size(); ++k) {
      const auto& q = r.input.exceedances[k];
      const double above = r.statistics->exceedances.at(k).probability;
      json entry = {{"figure", q.figure},
                    {q.below ? "at_or_below" : "above", q.threshold},
                    {"probability", q.below ? 1.0 - above : above}};
      // An IRR or a payback: the share of samples without one, counted in the probability.
      if (mc::detail::is_optional_project_figure(q.figure)) {
        entry["share_without"] = r.statistics->exceedances.at(k).share_without;
      }
      u["exceedances"].push_back(std::move(entry));
    }
  }
  if (!r.sobol.empty()) {
    u["sobol"] = json::object();
    for (const auto& s : r.sobol) {
      json first = json::object();
      json total = json::object();
      json first_ci = json::object();
      json total_ci = json::object();
      for (const auto& index : s.indices) {
        first[index.input] = index.first;
        total[index.input] = index.total;
        first_ci[index.input] = {index.first_low, index.first_high};
        total_ci[index.input] = {index.total_low, index.total_high};
      }
      u["sobol"][s.output] = {{"first", first},
                              {"total", total},
                              {"first_interval", first_ci},
                              {"total_interval", total_ci}};
    }
  }
  if (!r.tornado.empty()) {
    u["tornado"] = json::object();
    for (const auto& t : r.tornado) {
      json bars = json::array();
      for (const auto& bar : t.bars) {
        bars.push_back({{"input", bar.input}, {"low", bar.low}, {"high", bar.high}});
      }
      u["tornado"][t.output] = bars;
    }
  }
  j["uncertainty"] = u;
  return j;
}

}  // namespace detail

}  // namespace tpw::io
