// tpw-whatif's figures of a study, by section, with their units: what the table prints (one small
// table per section) and what --csv writes (one column per figure). One list, so that the two
// never disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <tpw/io/report.hpp>

namespace tpw_whatif {

struct figure {
  std::string section;          // "Cost", "Finance", ...
  std::string header;           // the table's column head
  std::string key;              // the CSV column (with the unit added)
  std::string unit;             // "USD/Mtok", "share", ...
  std::optional<double> value;  // empty: the scenario does not give it
  bool percent = false;         // shown as a percentage in the table
};

// The sections in the order the table prints them.
inline const std::vector<std::string>& figure_sections() {
  static const std::vector<std::string> sections{"Cost",     "Efficiency", "Revenue",
                                                 "Workload", "Capacity",   "Energy bill",
                                                 "Finance",  "Carbon",     "Site"};
  return sections;
}

inline std::vector<figure> figures_of(const tpw::io::study& s) {
  using out = tpw::mc::cost_output;
  const std::string cur = s.input.currency;
  const auto y = tpw::io::point_figures(s);
  const auto at = [&](out k) { return y[tpw::mc::output_index(k)]; };
  const bool priced = s.point.revenue.has_value();
  const auto priced_value = [&](out k) { return priced ? std::optional(at(k)) : std::nullopt; };
  std::vector<figure> f;
  const auto add = [&](const char* section, const char* header, const char* key, std::string unit,
                       std::optional<double> value, bool percent = false) {
    f.push_back({section, header, key, std::move(unit), value, percent});
  };
  const std::string per_mtok = cur + "/Mtok";
  add("Cost", "total", "cost_per_mtok", per_mtok, at(out::cost_per_mtok));
  add("Cost", "hardware", "cost_per_mtok_hardware", per_mtok, at(out::cost_per_mtok_hardware));
  add("Cost", "facility", "cost_per_mtok_facility", per_mtok, at(out::cost_per_mtok_facility));
  add("Cost", "energy", "cost_per_mtok_energy", per_mtok, at(out::cost_per_mtok_energy));
  add("Cost", "opex", "cost_per_mtok_opex", per_mtok, at(out::cost_per_mtok_opex));
  add("Cost", (cur + "/GPU-h").c_str(), "cost_per_accelerator_hour", cur + "/accelerator-hour",
      at(out::cost_per_accelerator_hour));
  add("Efficiency", "tok/J", "tokens_per_joule", "tok/J", at(out::tokens_per_joule));
  add("Efficiency", "tok/s/MW", "tokens_per_s_per_mw", "tok/s per MW",
      at(out::tokens_per_s_per_mw));
  add("Efficiency", "tok/s/GPU", "throughput_tok_s", "tok/s per accelerator",
      s.input.base[tpw::cost_input::throughput_tok_s]);
  add("Efficiency", "tok/s/user", "interactivity_tok_s_user", "tok/s per user",
      s.input.frontier ? std::optional(s.input.frontier->chosen.interactivity.value())
                       : std::nullopt);
  add("Efficiency", "cap W", "power_cap_w", "W per accelerator",
      s.input.power_cap ? std::optional(s.input.power_cap->chosen.cap.value()) : std::nullopt);
  // The token price, or with hourly contracts its equivalent (tpw/model/contracts.hpp).
  const bool hourly = s.input.base.on_demand || s.input.base.reserved;
  add("Revenue", (cur + "/Mtok").c_str(), "price_per_mtok", per_mtok,
      !priced   ? std::nullopt
      : !hourly ? std::optional(s.input.base[tpw::cost_input::price_per_mtok])
                : std::optional(s.point.revenue->price.value() * 1e6));
  add("Revenue", (cur + "/GPU-h").c_str(), "revenue_per_accelerator_hour",
      cur + "/accelerator-hour",
      priced ? std::optional(s.point.revenue->revenue_per_accelerator_hour.value()) : std::nullopt);
  add("Revenue", "rev/MW-yr", "revenue_per_mw_year", cur + "/MW-year",
      priced_value(out::revenue_per_mw_year));
  add("Revenue", "margin", "gross_margin", "share", priced_value(out::gross_margin), true);
  if (s.mix) {
    const auto& m = *s.mix;
    const bool request = s.input.workload.has_value();
    const auto per_request = [&](std::optional<double> x) { return request ? x : std::nullopt; };
    add("Workload", "input share", "input_share", "share", m.input_share, true);
    const auto mtok = [](const auto& price) {
      return price ? std::optional(price->value() * 1e6) : std::nullopt;
    };
    add("Workload", "cost/Mtok in", "cost_per_mtok_input", per_mtok, mtok(m.cost_per_input_token));
    add("Workload", "cost/Mtok out", "cost_per_mtok_output", per_mtok,
        mtok(m.cost_per_output_token));
    add("Workload", "cost/request", "cost_per_request", cur,
        per_request(m.cost_per_request.value()));
    add("Workload", "rev/request", "revenue_per_request", cur,
        per_request(m.revenue_per_request ? std::optional(m.revenue_per_request->value())
                                          : std::nullopt));
  }
  if (const auto& demand = s.input.demand) {
    // The fleet the demand section planned (tpw/io/scenario/demand.hpp), in year 1.
    const auto& c = demand->plan;
    add("Capacity", "peak req/s", "peak_requests_per_s", "requests per s", c.peak.value());
    add("Capacity", "streams/system", "streams_per_system", "count",
        static_cast<double>(demand->spec.service.streams_per_system));
    add("Capacity", "systems at peak", "systems_for_peak", "count",
        static_cast<double>(c.systems_for_peak));
    add("Capacity", "systems", "capacity_systems", "count", static_cast<double>(c.systems));
    add("Capacity", "utilization", "derived_utilization", "share", c.utilization, true);
    add("Capacity", "P(wait>t) peak", "peak_wait_exceeds_target", "share",
        c.at_peak.wait_exceeds(demand->spec.target.max_wait), true);
    add("Capacity", "TTFT peak ms", "peak_ttft_ms_at_target_percentile", "ms",
        tpw::in(c.ttft_at_target_percentile, tpw::units::ms));
    add("Capacity", "unserved", "unserved_share", "share", c.unserved_share(), true);
    add("Capacity", "hours short", "hours_short", "hours per year", c.hours_short);
  }
  if (const auto& mix = s.input.mix) {
    // demand.candidates: the least-cost mix's cost a year, and the cheapest platform's alone.
    add("Capacity", "mix cost/yr", "mix_cost_per_year", cur + " per year",
        mix->feasible ? std::optional(mix->cost_per_year) : std::nullopt);
    add("Capacity", "best alone/yr", "cheapest_alone_cost_per_year", cur + " per year",
        mix->cheapest_alone.empty() ? std::nullopt
                                    : std::optional(mix->cheapest_alone_cost_per_year));
  }
  if (const auto& t = s.input.tariff; t && t->bill) {
    const auto& b = *t->bill;
    add("Energy bill", (cur + "/kWh").c_str(), "effective_price_per_kwh", cur + "/kWh",
        tpw::in(b.effective_price(),
                tpw::units::unit_of<tpw::io::scenario_currency> / tpw::units::kWh));
    add("Energy bill", "MWh/yr", "energy_mwh_per_year", "MWh per year",
        tpw::in(b.used, tpw::units::MWh));
    add("Energy bill", "energy", "energy_charges", cur + " per year", b.energy_charges.value());
    add("Energy bill", "demand", "demand_charges", cur + " per year", b.demand_charges.value());
    add("Energy bill", "PPA", "ppa_charges", cur + " per year", b.ppa_charges.value());
    add("Energy bill", "surplus sold", "surplus_credit", cur + " per year",
        b.surplus_credit.value());
    add("Energy bill", "total", "energy_bill", cur + " per year", b.total().value());
  }
  if (s.finance) {
    const auto& p = *s.finance;
    const auto irr = [](const tpw::irr_result& r) {
      return r.unique() ? std::optional(r.rates.front()) : std::nullopt;
    };
    add("Finance", "NPV", "project_npv", cur, p.project_npv.value());
    add("Finance", "equity NPV", "equity_npv", cur, p.equity_npv.value());
    add("Finance", "IRR", "project_irr", "share", irr(p.project_irr), true);
    add("Finance", "equity IRR", "equity_irr", "share", irr(p.equity_irr), true);
    add("Finance", "payback", "payback_years", "years", p.payback_years);
    add("Finance", "disc. payback", "discounted_payback_years", "years",
        p.discounted_payback_years);
    add("Finance", "ROI", "return_on_investment", "share", p.return_on_investment, true);
    add("Finance", "equity MOIC", "equity_moic", "x", p.equity_moic);
    add("Finance", "min DSCR", "min_dscr", "x", p.min_dscr);
    add("Finance", "revenue/capex", "revenue_multiple", "x", p.revenue_multiple);
  }
  if (s.carbon) {
    const auto& c = *s.carbon;
    add("Carbon", "operational", "operational_g_per_mtok", "gCO2e/Mtok", c.operational_g_per_mtok);
    add("Carbon", "embodied", "embodied_g_per_mtok", "gCO2e/Mtok", c.embodied_g_per_mtok);
    add("Carbon", "total", "total_g_per_mtok", "gCO2e/Mtok", c.total_g_per_mtok());
    add("Carbon", "site t/yr", "site_t_per_year", "tCO2e per year", c.site_t_per_year);
  }
  const auto& site = s.site;
  add("Site", "systems", "site_systems", "count", static_cast<double>(site.systems));
  add("Site", "accelerators", "site_accelerators", "count", static_cast<double>(site.accelerators));
  add("Site", "tokens/yr", "site_tokens_per_year", "tokens per year", site.tokens_per_year.value());
  add("Site", "cost/yr", "site_cost_per_year", cur + " per year", site.cost_per_year.value());
  add("Site", "revenue/yr", "site_revenue_per_year", cur + " per year",
      site.revenue_per_year ? std::optional(site.revenue_per_year->value()) : std::nullopt);
  return f;
}

}  // namespace tpw_whatif
