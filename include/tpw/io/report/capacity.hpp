// tpw/io/report/capacity.hpp: the report's "capacity" section (docs/report.md): the demand, the
// service model, the target, the fleet the demand section planned and what it serves.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "tpw/io/scenario/demand.hpp"
#include "tpw/io/scenario/mix.hpp"

namespace tpw::io {

namespace detail {
// A text, or null where it is empty.
inline nlohmann::json text_or_null(const std::string& t) {
  return t.empty() ? nlohmann::json() : nlohmann::json(t);
}

inline nlohmann::json served_json(const capacity::capacity_plan& p) {
  return {{"requests_per_year", p.requests_per_year},
          {"served_tokens_per_year", p.served_tokens_per_year.value()},
          {"unserved_tokens_per_year", p.unserved_tokens_per_year.value()},
          {"unserved_share", p.unserved_share()},
          {"hours_short", p.hours_short},
          {"utilization", p.utilization}};
}
}  // namespace detail

inline nlohmann::json capacity_json(const demand_choice& c) {
  const capacity::capacity_plan& p = c.plan;
  const capacity::service_model& s = c.spec.service;
  const auto or_null = [](const auto& x) { return x ? nlohmann::json(*x) : nlohmann::json(); };
  nlohmann::json j = detail::served_json(p);
  j["demand"] = {{"source", c.source},
                 {"peak_requests_per_s", p.peak.value()},
                 {"mean_requests_per_s", p.mean.value()},
                 {"growth_per_year", c.growth_per_year},
                 {"output_cv", c.output_cv}};
  j["service"] = {{"streams_per_system", s.streams_per_system},
                  {"holding_time_s", s.holding_time.value()},
                  {"service_cv", s.service_cv},
                  {"ttft_ms", in(s.ttft, units::ms)},
                  {"tokens_per_request", s.tokens_per_request.value()},
                  {"stream_share", s.stream_share()}};
  j["target"] = {{"max_wait_s", c.spec.target.max_wait.value()},
                 {"wait_probability", c.spec.target.exceed_probability},
                 {"max_ttft_ms", or_null(c.max_ttft_ms)},
                 {"ttft_percentile", or_null(c.ttft_percentile)}};
  j["queue"] = c.queue;
  j["sizing"] = c.sizing;
  j["sized_for_year"] = c.sized_for_year;
  j["systems_for_peak"] = p.systems_for_peak;
  j["systems_wanted"] = p.systems_wanted;
  j["systems"] = p.systems;
  j["systems_up"] = p.systems_up;
  j["capped"] = p.capped;
  j["max_systems"] = or_null(c.spec.max_systems);
  j["site_power_mw"] = or_null(c.site_power_mw);
  j["system_hours"] = p.system_hours;
  j["servable_requests_per_s"] = p.servable.value();
  j["meets_target"] = p.hours_short == 0.0;
  j["peak"] = {{"occupancy", p.at_peak.occupancy},
               {"wait_probability", p.at_peak.wait_probability},
               {"wait_exceeds_target", p.at_peak.wait_exceeds(c.spec.target.max_wait)},
               {"mean_wait_s", p.at_peak.mean_wait.value()},
               {"mean_response_s", p.at_peak.mean_response.value()},
               {"ttft_ms_at_target_percentile", in(p.ttft_at_target_percentile, units::ms)}};
  j["scale"] = c.scale;
  j["sizing_scale"] = c.sizing_scale;
  if (const auto& u = c.uncertain) {
    const auto at = [&](const std::array<double, 3>& v) {
      return nlohmann::json{{"p5", v[0]}, {"p50", v[1]}, {"p95", v[2]}};
    };
    j["uncertainty"] = {{"scale", detail::text_or_null(u->scale)},
                        {"growth", detail::text_or_null(u->growth)},
                        {"output_cv", detail::text_or_null(u->output_cv)},
                        {"size_for_percentile", or_null(u->size_for_percentile)},
                        {"scale_at", at(u->scale_at)},
                        {"systems_for_peak", at(u->systems_for_peak)},
                        {"utilization", at(u->utilization)},
                        {"unserved_share", at(u->unserved_share)},
                        {"hours_short", at(u->hours_short)},
                        {"probability_peak_short", u->probability_short}};
    if (u->last_year > 1) {
      j["uncertainty"]["last_year"] = {{"year", u->last_year},
                                       {"unserved_share", at(u->last_unserved_share)},
                                       {"hours_short", at(u->last_hours_short)},
                                       {"probability_peak_short", u->last_probability_short}};
    }
  }
  if (!c.years.empty()) {
    nlohmann::json years = nlohmann::json::array();
    for (std::size_t k = 0; k < c.years.size(); ++k) {
      nlohmann::json y = detail::served_json(c.years[k]);
      y["year"] = k + 1;
      y["peak_requests_per_s"] = c.years[k].peak.value();
      y["systems_for_peak"] = c.years[k].systems_for_peak;
      years.push_back(std::move(y));
    }
    j["years"] = std::move(years);
  }
  return j;
}

// demand.candidates: every pool alone and in the least-cost mix.
inline nlohmann::json mix_json(const candidate_mix& m) {
  nlohmann::json pools = nlohmann::json::array();
  for (const mix_pool& p : m.pools) {
    pools.push_back({{"name", p.name},
                     {"source", p.source},
                     {"accelerators_per_system", p.accelerators_per_system},
                     {"interactivity_tok_s_user", p.interactivity_tok_s_user},
                     {"throughput_tok_s", p.throughput_tok_s},
                     {"streams_per_system", p.streams_per_system},
                     {"holding_time_s", p.holding_time_s},
                     {"ttft_ms", p.ttft_ms},
                     {"availability", p.availability},
                     {"facility_kw_per_system", p.facility_kw_per_system},
                     {"cost_per_system_year", p.cost_per_system_year},
                     {"alone",
                      {{"systems", p.alone_systems},
                       {"utilization", p.alone_utilization},
                       {"capped", p.alone_capped},
                       {"cost_per_year", p.alone_cost_per_year}}},
                     {"systems_up", p.systems_up},
                     {"systems", p.systems},
                     {"servable_requests_per_s", p.servable_requests_per_s},
                     {"sections_not_read", p.sections_not_read}});
  }
  return {{"peak_requests_per_s", m.peak_requests_per_s},
          {"sized_for_year", m.sized_for_year},
          {"feasible", m.feasible},
          {"reason", detail::text_or_null(m.reason)},
          {"cost_per_year", m.cost_per_year},
          {"power_mw", m.power_mw},
          {"servable_requests_per_s", m.servable_requests_per_s},
          {"cheapest_alone", detail::text_or_null(m.cheapest_alone)},
          {"cheapest_alone_cost_per_year", m.cheapest_alone.empty()
                                               ? nlohmann::json()
                                               : nlohmann::json(m.cheapest_alone_cost_per_year)},
          {"pools", std::move(pools)}};
}

}  // namespace tpw::io
