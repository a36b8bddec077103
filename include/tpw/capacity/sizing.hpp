// tpw/capacity/sizing.hpp: systems for a demand at a latency target, and what a fleet serves.
//
// A latency target bounds the wait for a stream: P(W > t) <= epsilon (a TTFT percentile target,
// TTFT_p <= x, is the same with t = x - TTFT and epsilon = 1 - p). The least number of systems
// meeting it at an hour's rate is found on the queue of that many systems' streams
// (tpw/capacity/queueing.hpp); the wait's tail falls as systems are added, so a search over
// counts finds it. Sizing rules (docs/capacity.md):
//   fixed    enough systems for the year's peak hour, then an availability margin (a spare share,
//            or failures and repair: installed = ceil(needed / availability));
//   elastic  each hour's own count, paid per system-hour (rented capacity);
//   given    a fleet of a given size, checked against the target.
// Under a site's power ceiling the fleet stops at the systems that fit; hours whose rate is above
// what the fleet serves at the target are short, and their excess requests are unserved (turned
// away, not queued).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tpw/capacity/demand.hpp"
#include "tpw/capacity/queueing.hpp"
#include "tpw/capacity/service.hpp"
#include "tpw/error.hpp"

namespace tpw::capacity {

// P(wait > max_wait) <= exceed_probability.
struct latency_target {
  duration max_wait{};
  double exceed_probability = 0.05;
};

inline void validate_target(const latency_target& t) {
  if (!std::isfinite(t.max_wait.value()) || t.max_wait.value() < 0.0) {
    throw invalid_input("demand.target.max_wait_s", t.max_wait.value(),
                        "must be finite and >= 0 (seconds)");
  }
  if (!std::isfinite(t.exceed_probability) || t.exceed_probability <= 0.0 ||
      t.exceed_probability >= 1.0) {
    throw invalid_input("demand.target.wait_probability", t.exceed_probability,
                        "must be in (0, 1): no count of systems makes the chance of waiting 0");
  }
}

// TTFT_p <= max_ttft, with the wait counted: the wait's p-quantile at most max_ttft - TTFT.
// Refused when the point's own TTFT already reaches it (no count of systems meets it).
inline latency_target ttft_percentile_target(duration max_ttft, double percentile,
                                             const service_model& s) {
  if (!std::isfinite(percentile) || percentile <= 0.0 || percentile >= 1.0) {
    throw invalid_input("demand.target.ttft_percentile", percentile,
                        "must be in (0, 1), such as 0.9 for the 90th percentile");
  }
  if (!std::isfinite(max_ttft.value()) || max_ttft <= s.ttft) {
    throw invalid_input::converted(
        "demand.target.max_ttft_ms", in(max_ttft, units::ms),
        "is not above the operating point's own TTFT (" +
            tpw::detail::converted_number_text(in(s.ttft, units::ms)) +
            " ms): no count of systems meets it; loosen it or pick a faster point");
  }
  return {max_ttft - s.ttft, 1.0 - percentile};
}

// The queue of `systems` systems' streams at `rate`.
inline queue_spec queue_of(long systems, request_rate rate, const service_model& s,
                           queue_approximation approximation) {
  if (systems > std::numeric_limits<long>::max() / s.streams_per_system) {
    throw invalid_input("capacity.systems", static_cast<double>(systems),
                        "systems * streams per system overflows a count");
  }
  return {systems * s.streams_per_system, rate, s.holding_time, s.service_cv, approximation};
}

// Whether `systems` systems meet the target at `rate` (an unstable queue never does).
inline bool meets_target(long systems, request_rate rate, const service_model& s,
                         const latency_target& t, queue_approximation approximation) {
  if (rate.value() <= 0.0) return true;
  if (systems < 1) return false;
  return wait_exceeds_or_one(queue_of(systems, rate, s, approximation), t.max_wait) <=
         t.exceed_probability;
}

namespace detail {
// The least count in (fails, meets] meeting the target, `fails` failing it and `meets` meeting it:
// the wait's tail falls as systems are added, so a bisection finds it.
inline long least_meeting(long fails, long meets, request_rate rate, const service_model& s,
                          const latency_target& t, queue_approximation approximation) {
  while (meets - fails > 1) {
    const long mid = fails + (meets - fails) / 2;
    (meets_target(mid, rate, s, t, approximation) ? meets : fails) = mid;
  }
  return meets;
}
}  // namespace detail

// The least count of systems meeting the target at `rate` (0 for no requests): from the least
// stable count, doubling a step until the target is met, then halving back.
inline long systems_for(request_rate rate, const service_model& s, const latency_target& t,
                        queue_approximation approximation) {
  validate_target(t);
  if (!std::isfinite(rate.value()) || rate.value() < 0.0) {
    throw invalid_input("demand.requests_per_s", rate.value(), "must be finite and >= 0");
  }
  if (rate.value() == 0.0) return 0;
  const double load = (rate * s.holding_time).value();
  const double least_stable = std::floor(load / static_cast<double>(s.streams_per_system)) + 1.0;
  if (!(least_stable < 1e15)) {
    throw invalid_input("demand.requests_per_s", rate.value(),
                        "needs more than 1e15 systems: outside tpw's limits");
  }
  long low = static_cast<long>(least_stable) - 1;  // fails the target (unstable or 0 systems)
  long step = 1;
  long high = low + step;
  while (!meets_target(high, rate, s, t, approximation)) {
    low = high;
    step *= 2;
    high = low + step;
  }
  return detail::least_meeting(low, high, rate, s, t, approximation);
}

// The highest rate `systems` systems serve at the target (bisection to a relative 1e-12).
inline request_rate servable_rate(long systems, const service_model& s, const latency_target& t,
                                  queue_approximation approximation) {
  validate_target(t);
  if (systems < 1) return request_rate{};
  double low = 0.0;
  double high = (static_cast<double>(systems) * s.system_request_rate()).value();  // unstable
  for (int k = 0; k < 200 && high - low > 1e-12 * high; ++k) {
    const double mid = 0.5 * (low + high);
    (meets_target(systems, request_rate::from_value(mid), s, t, approximation) ? low : high) = mid;
  }
  return request_rate::from_value(low);
}

// --- Availability -------------------------------------------------------------------------------

// A share of the installed systems held spare, in [0, 1).
struct spare_share {
  double share = 0.0;
};
// Failures and repair: each system is up mtbf / (mtbf + mttr) of the time.
struct failure_repair {
  duration mean_time_between_failures{};
  duration mean_time_to_repair{};
};
using availability_margin = std::variant<spare_share, failure_repair>;

// The share of installed systems expected up.
inline double availability_of(const availability_margin& m) {
  if (const auto* spare = std::get_if<spare_share>(&m)) {
    if (!std::isfinite(spare->share) || spare->share < 0.0 || spare->share >= 1.0) {
      throw invalid_input("demand.availability.spare_share", spare->share,
                          "must be in [0, 1): the share of installed systems held spare");
    }
    return 1.0 - spare->share;
  }
  const auto& f = std::get<failure_repair>(m);
  const double up = in(f.mean_time_between_failures, units::h);
  const double down = in(f.mean_time_to_repair, units::h);
  if (!std::isfinite(up) || up <= 0.0) {
    throw invalid_input("demand.availability.mtbf_hours", up, "must be finite and > 0 (hours)");
  }
  if (!std::isfinite(down) || down < 0.0) {
    throw invalid_input("demand.availability.mttr_hours", down, "must be finite and >= 0 (hours)");
  }
  return up / (up + down);
}

// Systems to install so that the expected systems up cover `needed`: ceil(needed / availability).
inline long installed_for(long needed, const availability_margin& m) {
  const double a = availability_of(m);
  return static_cast<long>(std::ceil(static_cast<double>(needed) / a * (1.0 - 1e-12)));
}

// The systems of an installed fleet expected up: floor(installed * availability).
inline long expected_up(long installed, const availability_margin& m) {
  const double a = availability_of(m);
  return static_cast<long>(std::floor(static_cast<double>(installed) * a * (1.0 + 1e-12)));
}

// --- A year of demand on a fleet ----------------------------------------------------------------

struct fixed_sizing {
  std::optional<availability_margin> margin;
};
struct elastic_sizing {};
struct given_fleet {
  long systems = 0;
  std::optional<availability_margin> margin;  // the share of the given systems expected up
};
using sizing_rule = std::variant<fixed_sizing, elastic_sizing, given_fleet>;

struct capacity_spec {
  capacity_spec(demand_profile demand_, service_model service_, latency_target target_)
      : demand(std::move(demand_)), service(service_), target(target_) {}

  demand_profile demand;
  service_model service;
  latency_target target;
  queue_approximation approximation = queue_approximation::allen_cunneen;
  sizing_rule rule = fixed_sizing{};
  std::optional<long> max_systems;  // the systems that fit under the site's power, when capped
};

struct capacity_plan {
  request_rate peak{};
  request_rate mean{};
  long systems_for_peak = 0;  // meeting the target at the peak hour, before any margin or cap
  long systems_wanted = 0;    // fixed: with the margin; elastic: the peak hour's count
  long systems = 0;           // installed (fixed, given) or rented at the peak hour (elastic)
  long systems_up = 0;        // fixed and given: expected up after the margin
  bool capped = false;        // the site's power stopped the fleet below systems_wanted
  double system_hours = 0.0;  // paid in the year: systems * 8760 (fixed, given) or the hours' sum
  request_rate servable{};    // fixed and given: the most the fleet serves at the target
  double requests_per_year = 0.0;
  double served_requests_per_year = 0.0;
  double unserved_requests_per_year = 0.0;
  double hours_short = 0.0;  // hours with more requests than the fleet serves at the target
  tokens served_tokens_per_year{};
  tokens unserved_tokens_per_year{};
  // The share of the paid systems' token capacity used: served tokens / (system-hours * acc * T).
  // It is the deployment's utilization: a system-hour serves its share of the hour.
  double utilization = 0.0;
  // At the peak hour on the systems serving it (rate served there): the queue's figures.
  queue_figures at_peak;
  duration ttft_at_target_percentile{};  // TTFT + the wait's (1 - epsilon)-quantile at the peak
  // Elastic: each load-duration level's count (aligned with the demand's levels()).
  std::vector<long> level_systems;

  [[nodiscard]] double unserved_share() const noexcept {
    return requests_per_year > 0.0 ? unserved_requests_per_year / requests_per_year : 0.0;
  }
};

namespace detail {
inline void fill_served(capacity_plan& p, const capacity_spec& spec) {
  p.served_requests_per_year = p.requests_per_year - p.unserved_requests_per_year;
  p.served_tokens_per_year = spec.service.tokens_per_request * p.served_requests_per_year;
  p.unserved_tokens_per_year = spec.service.tokens_per_request * p.unserved_requests_per_year;
  const double capacity = (spec.service.system_throughput * units::h).value() * p.system_hours;
  p.utilization = capacity > 0.0 ? p.served_tokens_per_year.value() / capacity : 0.0;
}

inline void fill_peak(capacity_plan& p, const capacity_spec& spec, long serving,
                      request_rate served_peak) {
  if (serving < 1 || served_peak.value() <= 0.0) return;
  p.at_peak = evaluate_queue(queue_of(serving, served_peak, spec.service, spec.approximation));
  p.ttft_at_target_percentile =
      spec.service.ttft + p.at_peak.wait_quantile(1.0 - spec.target.exceed_probability);
}

// A fleet of `installed` systems, `up` of them serving, all year.
inline void plan_fleet(capacity_plan& p, const capacity_spec& spec, long installed, long up) {
  p.systems = installed;
  p.systems_up = up;
  p.system_hours = static_cast<double>(installed) * hours_per_year;
  if (meets_target(up, p.peak, spec.service, spec.target, spec.approximation)) {
    // Every hour is met: the servable rate is at least the peak (searched only for the report).
    p.servable = servable_rate(up, spec.service, spec.target, spec.approximation);
    p.servable = request_rate::from_value(std::max(p.servable.value(), p.peak.value()));
  } else {
    p.servable = servable_rate(up, spec.service, spec.target, spec.approximation);
    const auto short_of = spec.demand.above(p.servable);
    p.hours_short = short_of.hours;
    p.unserved_requests_per_year = short_of.requests;
  }
  fill_served(p, spec);
  fill_peak(p, spec, up, request_rate::from_value(std::min(p.peak.value(), p.servable.value())));
}

inline void plan_elastic(capacity_plan& p, const capacity_spec& spec) {
  const long cap = spec.max_systems.value_or(std::numeric_limits<long>::max());
  std::optional<request_rate> at_cap;  // what the capped count serves, found once
  long above = p.systems_for_peak;     // the count at the last (higher) rate: a bound for this one
  for (const load_level& level : spec.demand.levels()) {
    const request_rate rate = request_rate::from_value(level.requests_per_s);
    long n = 0;
    if (above > 0 && level.requests_per_s > 0.0) {
      // Rates fall level by level, so counts do too: search below the last count, from the
      // count that is unstable at this rate.
      const long unstable =
          static_cast<long>(std::floor((rate * spec.service.holding_time).value() /
                                       static_cast<double>(spec.service.streams_per_system)));
      n = least_meeting(std::min(unstable, above - 1), above, rate, spec.service, spec.target,
                        spec.approximation);
    }
    above = n;
    p.level_systems.push_back(std::min(n, cap));
    if (n > cap) {
      if (!at_cap) at_cap = servable_rate(cap, spec.service, spec.target, spec.approximation);
      n = cap;
      if (level.requests_per_s > at_cap->value()) {
        p.hours_short += level.hours;
        p.unserved_requests_per_year +=
            (level.requests_per_s - at_cap->value()) * level.hours * 3600.0;
      }
      p.capped = true;
    }
    p.system_hours += static_cast<double>(n) * level.hours;
  }
  p.systems = std::min(p.systems_for_peak, cap);
  p.systems_up = p.systems;
  p.servable = at_cap ? *at_cap : p.peak;
  fill_served(p, spec);
  fill_peak(p, spec, p.systems,
            request_rate::from_value(std::min(p.peak.value(), p.servable.value())));
}
}  // namespace detail

// A year of `spec.demand` on the fleet its rule sizes (or is given), under the site's cap.
inline capacity_plan plan_capacity(const capacity_spec& spec) {
  validate_target(spec.target);
  if (spec.max_systems && *spec.max_systems < 1) {
    throw invalid_input("site.power_mw", static_cast<double>(*spec.max_systems),
                        "systems fit under the ceiling: fewer than one");
  }
  capacity_plan p;
  p.peak = spec.demand.peak();
  p.mean = spec.demand.mean();
  p.requests_per_year = spec.demand.requests_per_year();
  p.systems_for_peak = systems_for(p.peak, spec.service, spec.target, spec.approximation);
  const long cap = spec.max_systems.value_or(std::numeric_limits<long>::max());
  if (const auto* fixed = std::get_if<fixed_sizing>(&spec.rule)) {
    p.systems_wanted =
        fixed->margin ? installed_for(p.systems_for_peak, *fixed->margin) : p.systems_for_peak;
    const long installed = std::min(p.systems_wanted, cap);
    p.capped = installed < p.systems_wanted;
    detail::plan_fleet(p, spec, installed,
                       fixed->margin ? expected_up(installed, *fixed->margin) : installed);
  } else if (const auto* given = std::get_if<given_fleet>(&spec.rule)) {
    if (given->systems < 1) {
      throw invalid_input("deployment.systems", static_cast<double>(given->systems),
                          "must be >= 1");
    }
    if (given->systems > cap) {
      throw invalid_input(
          "deployment.systems", static_cast<double>(given->systems),
          "systems do not fit under the site's power: at most " + std::to_string(cap) + " do");
    }
    p.systems_wanted = given->systems;
    detail::plan_fleet(
        p, spec, given->systems,
        given->margin ? expected_up(given->systems, *given->margin) : given->systems);
  } else {
    p.systems_wanted = p.systems_for_peak;
    detail::plan_elastic(p, spec);
  }
  return p;
}

// Hour h of the year (0 to 8,759) on a planned fleet: the systems paid and the requests per
// second served (at most what they serve at the target).
struct hour_on_fleet {
  long systems = 0;
  request_rate served{};
};
inline hour_on_fleet hour_of(const capacity_spec& spec, const capacity_plan& p, int h) {
  const request_rate rate = spec.demand.at_hour(h);
  hour_on_fleet out{p.systems,
                    request_rate::from_value(std::min(rate.value(), p.servable.value()))};
  if (std::holds_alternative<elastic_sizing>(spec.rule)) {
    const auto& levels = spec.demand.levels();
    const auto level = std::partition_point(levels.begin(), levels.end(), [&](const load_level& l) {
      return l.requests_per_s > rate.value();
    });
    out.systems = p.level_systems[static_cast<std::size_t>(level - levels.begin())];
  }
  return out;
}

}  // namespace tpw::capacity
