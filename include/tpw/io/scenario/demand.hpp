// tpw/io/scenario/demand.hpp: the scenario's "demand" section (docs/scenario.md, "demand"): the
// request traffic, the latency target, the sizing rule and the availability margin, read into a
// tpw::capacity::capacity_spec and planned on the deployment's operating point.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tpw/capacity.hpp"
#include "tpw/curves/csv.hpp"
#include "tpw/io/file.hpp"
#include "tpw/io/scenario/csv_column.hpp"
#include "tpw/io/scenario/fields.hpp"

namespace tpw::io {

// What the rest of the scenario gives the demand section: the operating point and request mix,
// the systems that fit under the site's power, a given fleet, and the project's years.
struct demand_context {
  long accelerators_per_system = 0;
  double throughput_tok_s = 0.0;                 // per accelerator at the operating point
  std::optional<double> frontier_interactivity;  // tok/s per user at the frontier's point
  std::optional<double> frontier_ttft_ms;        // the frontier point's TTFT, when measured
  std::optional<request_shape> shape;            // the workload
  std::optional<long> max_systems;               // under site.power_mw
  std::optional<long> given_systems;             // deployment.systems
  int operating_years = 0;                       // finance's, 0 without a finance section
  double scale = 1.0;         // demand.scale's point value: every hour's rate times it
  double sizing_scale = 1.0;  // the scale the fleet is sized for (demand.size_for_percentile)
  // demand.growth_per_year's point value when the scenario read it (a distribution's median);
  // otherwise read from the section.
  std::optional<double> growth_per_year;
  // demand.output_cv's point value when the scenario read it (a distribution's median).
  std::optional<double> output_cv;
};

// With demand.scale a distribution: what the planned fleet meets across it, at the distribution's
// quantiles (every figure is monotone in the scale, so these are exact).
struct demand_uncertainty {
  std::string scale;      // the distribution, described (empty: the scale is a number)
  std::string growth;     // demand.growth_per_year's, in a project (empty: a number)
  std::string output_cv;  // demand.output_cv's (empty: a number)
  std::optional<double> size_for_percentile;
  std::array<double, 3> probabilities{0.05, 0.5, 0.95};
  std::array<double, 3> scale_at{}, systems_for_peak{}, utilization{}, unserved_share{},
      hours_short{};
  double probability_short = 0.0;  // that the peak hour is short: P(x * peak > what it serves)
  // With a project of several years: the same in its last year (year `last_year`, demand grown by
  // (1 + growth)^(last_year - 1)), on the same fleet.
  int last_year = 1;
  std::array<double, 3> last_unserved_share{}, last_hours_short{};
  double last_probability_short = 0.0;
};

struct demand_choice {
  explicit demand_choice(capacity::capacity_spec spec_) : spec(std::move(spec_)) {}

  capacity::capacity_spec spec;  // year 1's demand
  capacity::capacity_plan plan;  // year 1 on the fleet
  std::string source;            // "requests_per_s", "profile_24h", "weekly" or "csv"
  std::string sizing;            // "fixed", "elastic" or "given"
  std::string queue;             // "allen_cunneen" or "erlang_c"
  double growth_per_year = 0.0;
  double output_cv = 1.0;
  std::optional<double> max_ttft_ms;  // a TTFT percentile target, when given so
  std::optional<double> ttft_percentile;
  // With finance: each operating year on the same fleet (sized for the largest year's peak).
  std::vector<capacity::capacity_plan> years;
  int sized_for_year = 1;
  std::optional<double> site_power_mw;  // the site's ceiling, which capped the fleet
  double site_headroom = 0.0;
  // The traffic as written (scale 1), and demand.scale's point value: spec.demand is it scaled.
  std::optional<capacity::demand_profile> written;
  double scale = 1.0;
  double sizing_scale = 1.0;
  // With demand.scale a distribution: what the fleet meets across it.
  std::optional<demand_uncertainty> uncertain;

  // Operating year k's demand (k = 1, 2, ...): year 1's grown by growth_per_year, on the fleet.
  [[nodiscard]] capacity::capacity_spec year_spec(int k) const {
    capacity::capacity_spec year = spec;
    year.demand = spec.demand.scaled(capacity::growth_factor(growth_per_year, k));
    return year;
  }

  // The share of the year the fleet is paid for: 1 for an installed fleet, the rented
  // system-hours over systems * 8760 for an elastic one.
  [[nodiscard]] double paid_share() const noexcept {
    return plan.systems > 0
               ? plan.system_hours / (static_cast<double>(plan.systems) * capacity::hours_per_year)
               : 0.0;
  }
};

namespace detail {

inline std::vector<double> rates_at(const json& value, const std::string& path) {
  if (!value.is_array())
    refuse(path, value, "must be an array of requests per second, one per hour");
  std::vector<double> rates;
  for (std::size_t k = 0; k < value.size(); ++k) {
    rates.push_back(number_at(value[k], path + "[" + std::to_string(k) + "]"));
  }
  return rates;
}

inline capacity::demand_profile demand_profile_at(const json& d, const named_files& files,
                                                  std::string& source) {
  const int given = static_cast<int>(d.contains("requests_per_s")) +
                    static_cast<int>(d.contains("profile_24h")) +
                    static_cast<int>(d.contains("weekday_24h") || d.contains("weekend_24h")) +
                    static_cast<int>(d.contains("csv"));
  const std::string_view one =
      "give the traffic one way: requests_per_s, profile_24h, weekday_24h with weekend_24h, or "
      "csv (8760 hourly rates)";
  if (given != 1) {
    if (given == 0) refuse_missing("demand.requests_per_s", one);
    refuse("demand", d, one);
  }
  if (d.contains("requests_per_s")) {
    source = "requests_per_s";
    return capacity::demand_profile::constant(
        number_at(d["requests_per_s"], "demand.requests_per_s") * capacity::per_second);
  }
  if (d.contains("profile_24h")) {
    source = "profile_24h";
    return capacity::demand_profile::daily(rates_at(d["profile_24h"], "demand.profile_24h"));
  }
  if (d.contains("csv")) {
    source = "csv";
    std::string shown_name;
    const csv_column csv =
        csv_column_at(d["csv"], "demand.csv", files, "requests_per_s", "demand", shown_name);
    std::vector<double> rates;
    for (const auto& row : csv.table.rows) rates.push_back(row[csv.index]);
    return csv.table.build([&] { return capacity::demand_profile::hourly(rates, shown_name); });
  }
  source = "weekly";
  if (!d.contains("weekday_24h") || !d.contains("weekend_24h")) {
    refuse_missing(d.contains("weekday_24h") ? "demand.weekend_24h" : "demand.weekday_24h",
                   "weekday_24h and weekend_24h come together: 24 rates each");
  }
  return capacity::demand_profile::weekly(rates_at(d["weekday_24h"], "demand.weekday_24h"),
                                          rates_at(d["weekend_24h"], "demand.weekend_24h"));
}

inline capacity::availability_margin availability_at(const json& value) {
  const json& a =
      object_at(value, "demand.availability", {"spare_share", "mtbf_hours", "mttr_hours"});
  if (a.contains("spare_share")) {
    if (a.contains("mtbf_hours") || a.contains("mttr_hours")) {
      refuse("demand.availability", a,
             "give a spare_share or mtbf_hours with mttr_hours, not both");
    }
    return capacity::spare_share{bounded_at(a["spare_share"], "demand.availability.spare_share",
                                            0.0, 1.0, "the share of installed systems held spare",
                                            true, false)};
  }
  if (!a.contains("mtbf_hours") || !a.contains("mttr_hours")) {
    refuse_missing(a.contains("mtbf_hours") ? "demand.availability.mttr_hours"
                                            : "demand.availability.mtbf_hours",
                   "give a spare_share, or mtbf_hours with mttr_hours");
  }
  return capacity::failure_repair{
      bounded_at(a["mtbf_hours"], "demand.availability.mtbf_hours", 0.0, 1e7,
                 "hours between failures", false) *
          units::h,
      bounded_at(a["mttr_hours"], "demand.availability.mttr_hours", 0.0, 1e6, "hours to repair") *
          units::h};
}

inline capacity::latency_target target_at(const json& value, const capacity::service_model& s,
                                          demand_choice& c) {
  const json& t = object_at(value, "demand.target",
                            {"max_wait_s", "wait_probability", "max_ttft_ms", "ttft_percentile"});
  const bool wait = t.contains("max_wait_s") || t.contains("wait_probability");
  const bool ttft = t.contains("max_ttft_ms") || t.contains("ttft_percentile");
  const std::string_view rule =
      "give max_wait_s with wait_probability (P(wait > t) <= p), or max_ttft_ms with "
      "ttft_percentile (the TTFT percentile, wait included)";
  if (wait == ttft) refuse("demand.target", t, rule);
  const auto need = [&](const char* key) -> const json& {
    if (!t.contains(key)) refuse_missing(std::string("demand.target.") + key, rule);
    return t[key];
  };
  if (wait) {
    return {bounded_at(need("max_wait_s"), "demand.target.max_wait_s", 0.0, 86400.0, "seconds") *
                units::second,
            bounded_at(need("wait_probability"), "demand.target.wait_probability", 0.0, 1.0,
                       "the chance a request waits longer", false, false)};
  }
  c.max_ttft_ms =
      bounded_at(need("max_ttft_ms"), "demand.target.max_ttft_ms", 0.0, 8.64e7, "ms", false);
  c.ttft_percentile = bounded_at(need("ttft_percentile"), "demand.target.ttft_percentile", 0.0, 1.0,
                                 "such as 0.9", false, false);
  return capacity::ttft_percentile_target(*c.max_ttft_ms * units::ms, *c.ttft_percentile, s);
}

inline capacity::service_model service_at(const json& d, const demand_context& x,
                                          double output_cv) {
  capacity::service_spec spec;
  spec.accelerators_per_system = x.accelerators_per_system;
  spec.throughput = token_rate::from_value(x.throughput_tok_s);
  if (!x.shape) {
    refuse_missing("workload", "required with demand: the input and output tokens of a request");
  }
  spec.shape = *x.shape;
  spec.output_cv = output_cv;
  const auto from_frontier = [&](const char* key, const std::optional<double>& frontier,
                                 const char* what) {
    const std::string path = std::string("demand.") + key;
    if (frontier && d.contains(key)) {
      refuse(path, d[key], std::string("the frontier's point gives the ") + what + ": not both");
    }
    if (frontier) return *frontier;
    if (!d.contains(key)) {
      refuse_missing(path, std::string("required: the operating point's ") + what +
                               " (a frontier with it gives it)");
    }
    return bounded_at(d[key], path, 0.0, 1e9, what, std::string_view(key) == "ttft_ms");
  };
  spec.interactivity = token_rate::from_value(
      from_frontier("interactivity_tok_s_user", x.frontier_interactivity, "output tok/s per user"));
  spec.ttft = from_frontier("ttft_ms", x.frontier_ttft_ms, "time to first token in ms") * units::ms;
  return capacity::service_from(spec);
}

}  // namespace detail

// Reads the demand section and plans the fleet for it. Every refusal names the field.
inline demand_choice read_demand(const nlohmann::json& j, const named_files& files,
                                 const demand_context& x) {
  namespace d = detail;
  const d::json& s = d::object_at(
      j, "demand",
      {"requests_per_s", "profile_24h", "weekday_24h", "weekend_24h", "csv", "growth_per_year",
       "output_cv", "interactivity_tok_s_user", "ttft_ms", "target", "queue", "sizing",
       "availability", "scale", "size_for_percentile", "candidates"});
  std::string source;
  const capacity::demand_profile written = d::demand_profile_at(s, files, source);
  const capacity::demand_profile profile = written.scaled(x.scale);
  demand_choice c(capacity::capacity_spec(profile, {}, {}));
  c.source = source;
  c.written = written;
  c.scale = x.scale;
  c.sizing_scale = x.sizing_scale;
  if (x.growth_per_year) {
    c.growth_per_year = *x.growth_per_year;
  } else if (s.contains("growth_per_year")) {
    c.growth_per_year = d::bounded_at(s["growth_per_year"], "demand.growth_per_year", -1.0, 10.0,
                                      "the yearly growth of every hour's rate", false);
  }
  if (x.output_cv) {
    c.output_cv = *x.output_cv;
  } else if (s.contains("output_cv")) {
    c.output_cv = d::bounded_at(s["output_cv"], "demand.output_cv", 0.0, 10.0,
                                "the output length's standard deviation over its mean");
  }
  c.spec.service = d::service_at(s, x, c.output_cv);
  if (!s.contains("target")) {
    d::refuse_missing("demand.target",
                      "required: {\"max_wait_s\", \"wait_probability\"} or {\"max_ttft_ms\", "
                      "\"ttft_percentile\"}");
  }
  c.spec.target = d::target_at(s["target"], c.spec.service, c);
  c.queue = "allen_cunneen";
  if (s.contains("queue")) {
    const std::string_view rule =
        "must be \"allen_cunneen\" (M/G/c, the output length's variability counted; the default) "
        "or \"erlang_c\" (M/M/c, exponential service)";
    c.queue = d::text_at(s["queue"], "demand.queue", rule);
    if (c.queue != "allen_cunneen" && c.queue != "erlang_c")
      d::refuse("demand.queue", s["queue"], rule);
  }
  c.spec.approximation = c.queue == "erlang_c" ? capacity::queue_approximation::erlang_c
                                               : capacity::queue_approximation::allen_cunneen;
  c.sizing = x.given_systems ? "given" : "fixed";
  if (s.contains("sizing")) {
    const std::string_view rule =
        "must be \"fixed\" (enough systems for the peak hour; the default), \"elastic\" (each "
        "hour's own count, rented) or \"given\" (deployment.systems, checked)";
    c.sizing = d::text_at(s["sizing"], "demand.sizing", rule);
    if (c.sizing != "fixed" && c.sizing != "elastic" && c.sizing != "given") {
      d::refuse("demand.sizing", s["sizing"], rule);
    }
  }
  if (x.given_systems && c.sizing != "given") {
    throw invalid_input("deployment.systems", static_cast<double>(*x.given_systems),
                        "the demand section sizes the fleet (demand.sizing \"" + c.sizing +
                            "\"): remove deployment.systems, or set demand.sizing to \"given\"");
  }
  if (!x.given_systems && c.sizing == "given") {
    d::refuse_missing("deployment.systems", "required with demand.sizing \"given\": the fleet");
  }
  std::optional<capacity::availability_margin> margin;
  if (s.contains("availability")) {
    if (c.sizing == "elastic") {
      d::refuse("demand.availability", s["availability"],
                "applies to fixed and given fleets: rented capacity is replaced when it fails");
    }
    margin = d::availability_at(s["availability"]);
  }
  c.spec.max_systems = x.max_systems;
  if (c.sizing == "elastic") {
    c.spec.rule = capacity::elastic_sizing{};
  } else if (c.sizing == "given") {
    c.spec.rule = capacity::given_fleet{*x.given_systems, margin};
  } else {
    c.spec.rule = capacity::fixed_sizing{margin};
  }
  // The fleet is sized once, for the largest year (the last when demand grows, with a project)
  // at the sizing scale; each operating year (year 1 alone without a project) is planned on it.
  const int years = std::max(1, x.operating_years);
  const auto factor = [&](int year) { return capacity::growth_factor(c.growth_per_year, year); };
  c.sized_for_year = c.growth_per_year > 0.0 ? years : 1;
  if (c.sizing == "elastic") {
    c.plan = capacity::plan_capacity(c.spec);
    return c;
  }
  capacity::capacity_spec sizing = c.spec;
  sizing.demand = written.scaled(x.sizing_scale * factor(c.sized_for_year));
  const capacity::capacity_plan sized = capacity::plan_capacity(sizing);
  capacity::capacity_spec year = c.spec;
  year.rule = capacity::given_fleet{sized.systems, margin};
  year.max_systems = std::nullopt;
  for (int k = 1; k <= years; ++k) {
    year.demand = profile.scaled(factor(k));
    c.years.push_back(capacity::plan_capacity(year));
    c.years.back().systems_wanted = sized.systems_wanted;
    c.years.back().capped = sized.capped;
  }
  c.plan = c.years.front();
  if (x.operating_years == 0) c.years.clear();
  // The fleet as planned serves the spec's demand: keep the rule that sized it, with its count.
  c.spec.rule = year.rule;
  return c;
}

}  // namespace tpw::io
