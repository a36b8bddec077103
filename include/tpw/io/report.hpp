// tpw/io/report.hpp: a scenario's study (point figures, site, Monte Carlo statistics, tornado and
// Sobol' indices) and its JSON report, docs/report.md's keys. Target tpw::io.
//
// The point figures evaluate the scenario with every uncertain input at its median, through
// tpw::evaluate (mc::evaluate_cost_parameters). The site packs the deployment under
// site.power_mw (else takes deployment.systems). The uncertainty block appears when an input is
// uncertain: mean, sd, standard error, P5/P50/P95 of every output, and the analyses
// uncertainty.sensitivity asks for.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

#include "tpw/io/scenario.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/sensitivity.hpp"
#include "tpw/site/site.hpp"

namespace tpw::io {

// Runs a study's statistics elsewhere (a GPU: tpw::cuda::run and tpw::cuda::sobol), given the
// cost model's plan; each one left empty runs on the CPU.
struct plan_engine {
  std::function<mc::run_result(const mc::cost_plan&, const mc::run_options&)> run;
  std::function<std::vector<mc::sobol_indices>(const mc::cost_plan&, const mc::sobol_options&)>
      sobol;
  [[nodiscard]] bool empty() const noexcept { return !run && !sobol; }
};

struct study_options {
  std::optional<std::uint64_t> samples;  // override the scenario's
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;  // 0: every hardware thread
  // The memory a study may take, in bytes (0: the machine's physical memory); a Sobol' analysis
  // that needs more is refused before anything runs.
  std::uint64_t memory_limit = 0;
  bool percentiles = false;  // also compute P1..P99 (for a distribution chart)
  plan_engine engine;        // empty: the CPU engine
  std::function<void(const mc::progress&)> on_progress;
};

struct study {
  scenario input;
  economics<scenario_currency> point;  // every uncertain input at its median
  site_plan<scenario_currency> site;
  std::optional<mc::run_result> statistics;  // when an input is uncertain
  std::vector<mc::tornado> tornado;
  std::vector<mc::sobol_indices> sobol;
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
};

// The probabilities every study reports (P5, P50, P95), plus the tails the charts mark.
inline std::vector<double> study_probabilities() {
  return {0.05, 0.10, 0.50, 0.90, 0.95};
}

// A study's point figures in display units, in mc::cost_output order (what the Monte Carlo
// engines report per sample); revenue and margin are NaN without a price.
inline std::array<double, mc::cost_output_count> point_figures(const study& r) {
  std::array<double, mc::cost_output_count> y;
  y.fill(std::numeric_limits<double>::quiet_NaN());
  mc::economics_figures(r.point, r.point.revenue.has_value(), y.data());
  return y;
}

namespace detail {

// The machine's physical memory in bytes (0 when the system does not say).
inline std::uint64_t physical_memory() noexcept {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGE_SIZE)
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0) {
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
  }
#endif
  return 0;
}

inline std::string gigabytes(double bytes) {
  return tpw::detail::converted_number_text(std::round(bytes / 1e7) / 100.0) + " GB";
}

// The Sobol' analysis keeps every model value, (d + 2) N of them per output, and each thread a
// bootstrap resample's N rows: 8 N ((d + 2) outputs + threads) bytes. Refused up front when that
// is more than the limit, with the largest N that fits.
inline void require_sobol_memory(const scenario& s, std::size_t outputs, unsigned threads,
                                 std::uint64_t limit) {
  if (limit == 0) limit = physical_memory();
  if (limit == 0) return;
  const double d = static_cast<double>(s.uncertain.size());
  const double per_sample =
      8.0 * ((d + 2.0) * static_cast<double>(outputs) + static_cast<double>(threads));
  const double need = per_sample * static_cast<double>(s.sobol_samples);
  if (need <= static_cast<double>(limit)) return;
  throw invalid_input(
      "uncertainty.sobol_samples", static_cast<double>(s.sobol_samples),
      "the Sobol' analysis would need about " + gigabytes(need) + " (" +
          tpw::detail::number_text(per_sample) + " bytes per base sample), above the " +
          gigabytes(static_cast<double>(limit)) + " this machine has; use at most " +
          tpw::detail::number_text(std::floor(static_cast<double>(limit) / per_sample)));
}

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

// Evaluates a scenario: throws invalid_input (a site below one system, bad options, a Sobol'
// analysis larger than memory) or mc::cancelled.
inline study run_study(const scenario& s, const study_options& options = {}) {
  study out{s,
            {},
            {},
            std::nullopt,
            {},
            {},
            options.samples.value_or(s.samples),
            options.seed.value_or(s.seed)};
  s.validate();
  if (s.sobol && !s.uncertain.empty()) {
    detail::require_sobol_memory(s,
                                 s.base.priced ? mc::cost_output_count : mc::cost_output_count - 2,
                                 mc::detail::thread_count(options.threads), options.memory_limit);
  }
  const deployment d = mc::deployment_of(s.base, s.systems);
  out.point = mc::evaluate_cost_parameters<scenario_currency>(s.base);
  if (s.site_power_mw) {
    const site_spec site{*s.site_power_mw * units::MW, fraction{s.site_headroom}};
    const long systems = systems_under_ceiling(d, site);
    out.site =
        tpw::detail::site_figures(d, systems, site.ceiling * site.headroom.complement(), out.point);
  } else {
    out.site = tpw::detail::site_figures(
        d, d.systems(), facility_power_per_system(d) * static_cast<double>(d.systems()), out.point);
  }
  if (s.uncertain.empty()) return out;
  const scenario_model model = s.model();

  mc::run_options o;
  o.samples = out.samples;
  o.seed = out.seed;
  o.design = s.design;
  o.threads = options.threads;
  o.probabilities = study_probabilities();
  if (options.percentiles) {
    for (int k = 1; k <= 99; ++k) o.probabilities.push_back(k / 100.0);
    std::sort(o.probabilities.begin(), o.probabilities.end());
    o.probabilities.erase(std::unique(o.probabilities.begin(), o.probabilities.end(),
                                      [](double a, double b) { return std::abs(a - b) < 1e-12; }),
                          o.probabilities.end());
  }
  o.on_progress = options.on_progress;
  out.statistics = options.engine.run ? options.engine.run(model.plan(), o) : mc::run(model, o);
  if (s.tornado) out.tornado = mc::tornado_analysis(model.inputs(), model, model.output_names());
  if (s.sobol) {
    mc::sobol_options so;
    so.base_samples = s.sobol_samples;
    so.seed = out.seed;
    so.threads = options.threads;
    so.bootstrap = 100;
    out.sobol = options.engine.sobol
                    ? options.engine.sobol(model.plan(), so)
                    : mc::sobol_analysis(model.inputs(), model, so, model.output_names());
  }
  return out;
}

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
inline nlohmann::json unchecked_json(const study& r) {
  using nlohmann::json;
  const economics<scenario_currency>& e = r.point;
  json j;
  j["name"] = r.input.name;
  j["currency"] = r.input.currency;
  if (!r.input.platform.empty()) j["platform"] = r.input.platform;
  using out = mc::cost_output;
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
    j["revenue_per_mw_year"] = at(out::revenue_per_mw_year);
    j["gross_margin"] = at(out::gross_margin);
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
    j["frontier"] = {{"min_interactivity_tok_s_user", r.input.frontier->min_interactivity},
                     {"interactivity_tok_s_user", r.input.frontier->chosen.interactivity.value()},
                     {"throughput_tok_s", r.input.frontier->chosen.throughput.value()}};
  }
  if (!r.statistics) return j;

  json u;
  u["samples"] = r.samples;
  u["seed"] = r.seed;
  u["design"] = mc::to_string(r.input.design);
  u["inputs"] = json::object();
  for (const auto& leaf : r.input.uncertain) {
    u["inputs"][mc::rule_of(leaf.input).path] = leaf.dist.describe();
  }
  u["outputs"] = json::object();
  for (const auto& o : r.statistics->outputs) {
    u["outputs"][o.name] = {{"mean", o.mean},
                            {"sd", o.sd},
                            {"standard_error", o.standard_error},
                            {"min", o.min},
                            {"max", o.max},
                            {"p5", o.quantile(0.05)},
                            {"p10", o.quantile(0.10)},
                            {"p50", o.quantile(0.50)},
                            {"p90", o.quantile(0.90)},
                            {"p95", o.quantile(0.95)}};
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
