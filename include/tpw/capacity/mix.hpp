// tpw/capacity/mix.hpp: the least-cost mix of candidate platforms that meets a peak rate at a
// latency target under a site's power (docs/capacity.md, "The least-cost mix").
//
// Each platform's systems form their own pool (its own queue: a request is served where it is
// routed), and the router sends each pool at most what it serves at the target, so n_k systems of
// platform k up carry servable_k(n_k) and a mix meets the peak when the pools' servable rates add
// up to it. A pool with an availability margin installs m_k = installed_for(n_k, margin) systems
// to have n_k up. The mix minimizes the sum of m_k times each platform's cost per system-year
// (the caller's figure: tpw::evaluate's hourly cost at the utilization it expects, times a year)
// subject to the installed systems' facility power fitting under the site's. Exact search (m_k
// grows with n_k): every count of the first K - 1 platforms up to what alone would serve the peak
// (or fit), pruned once its cost passes the best found, and the least count of the last platform
// that covers the rest (systems_for on the rest: the platform with the most counts goes last).
// least_cost_mix_brute_force enumerates every count of every platform; the tests compare the two.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tpw/capacity/sizing.hpp"
#include "tpw/error.hpp"
#include "tpw/units/system.hpp"

namespace tpw::capacity {

template <currency_type C>
struct mix_candidate {
  std::string name;
  service_model service;              // its operating point and the request mix
  power facility_power_per_system{};  // provisioned IT power * PUE
  money<C> cost_per_system_year{};    // what a system costs a year
  // Its own target where it differs from mix_spec's (a TTFT percentile converted with this
  // platform's own TTFT: ttft_percentile_target); none: mix_spec's.
  std::optional<latency_target> target{};
  // Its systems' availability (a spare share, or failures and repair); none: every system up.
  std::optional<availability_margin> margin{};
};

struct mix_spec {
  request_rate peak{};
  latency_target target;
  queue_approximation approximation = queue_approximation::allen_cunneen;
  std::optional<power> site_power;  // usable power for the pools; none: unbounded
};

template <currency_type C>
struct mix_plan {
  bool feasible = false;
  std::string reason;           // why not, when not feasible
  std::vector<long> systems;    // per candidate, in their order: the systems up that serve
  std::vector<long> installed;  // the systems installed for them (the margin's; = systems without)
  money<C> cost{};              // a year, on the installed systems
  power power_used{};           // the installed systems' facility power
  request_rate servable{};      // what the mix serves at the target, in all
  std::vector<request_rate> servable_each;  // what each pool serves at its target
};

namespace detail {
template <currency_type C>
const latency_target& target_of(const mix_candidate<C>& c, const mix_spec& spec) noexcept {
  return c.target ? *c.target : spec.target;
}

// servable_k(n) for n = 0 ... bound: what n systems up serve at the candidate's target.
template <currency_type C>
std::vector<double> servable_table(const mix_candidate<C>& c, const mix_spec& spec, long bound) {
  std::vector<double> table(static_cast<std::size_t>(bound) + 1, 0.0);
  for (long n = 1; n <= bound; ++n) {
    table[static_cast<std::size_t>(n)] =
        servable_rate(n, c.service, target_of(c, spec), spec.approximation).value();
  }
  return table;
}

// The systems installed to have n up.
template <currency_type C>
long installed_of(const mix_candidate<C>& c, long n) {
  return c.margin ? installed_for(n, *c.margin) : n;
}

template <currency_type C>
void validate_mix(const std::vector<mix_candidate<C>>& candidates, const mix_spec& spec) {
  if (candidates.empty()) {
    throw invalid_input("capacity.candidates", 0.0, "a mix needs at least one candidate");
  }
  validate_target(spec.target);
  if (!std::isfinite(spec.peak.value()) || spec.peak.value() <= 0.0) {
    throw invalid_input("demand.requests_per_s", spec.peak.value(), "must be finite and > 0");
  }
  for (const auto& c : candidates) {
    if (c.target) validate_target(*c.target);
    if (c.margin) availability_of(*c.margin);
    if (!(c.facility_power_per_system.value() > 0.0) ||
        !std::isfinite(c.facility_power_per_system.value())) {
      throw invalid_input("capacity.candidates." + c.name + ".facility_power_kw",
                          in(c.facility_power_per_system, units::kW), "must be finite and > 0");
    }
    if (!(c.cost_per_system_year.value() >= 0.0) ||
        !std::isfinite(c.cost_per_system_year.value())) {
      throw invalid_input("capacity.candidates." + c.name + ".cost_per_system_year",
                          c.cost_per_system_year.value(), "must be finite and >= 0");
    }
  }
}

// The most systems of one candidate worth considering: those that alone meet the peak, or the
// most up whose installed systems fit under the site's power when fewer.
template <currency_type C>
long candidate_bound(const mix_candidate<C>& c, const mix_spec& spec) {
  long bound = systems_for(spec.peak, c.service, target_of(c, spec), spec.approximation);
  if (spec.site_power) {
    const double fit =
        std::floor(spec.site_power->value() / c.facility_power_per_system.value() * (1.0 + 1e-9));
    const long installable = static_cast<long>(std::min(fit, 1e12));
    while (bound > 0 && installed_of(c, bound) > installable) --bound;
  }
  return bound;
}

// A mix found: `up` systems of each candidate, pool k serving tables[k][up[k]] (the last pool
// `last`, when the search keeps no table for it).
template <currency_type C>
void record_mix(mix_plan<C>& plan, const std::vector<mix_candidate<C>>& candidates,
                const std::vector<long>& up, double cost, double drawn,
                const std::vector<std::vector<double>>& tables, std::optional<double> last = {}) {
  plan.feasible = true;
  plan.systems = up;
  plan.installed.resize(up.size());
  plan.servable_each.resize(up.size());
  double served = 0.0;
  for (std::size_t i = 0; i < up.size(); ++i) {
    plan.installed[i] = installed_of(candidates[i], up[i]);
    const double each =
        last && i + 1 == up.size() ? *last : tables[i][static_cast<std::size_t>(up[i])];
    plan.servable_each[i] = request_rate::from_value(each);
    served += each;
  }
  plan.cost = money<C>::from_value(cost);
  plan.power_used = power::from_value(drawn);
  plan.servable = request_rate::from_value(served);
}
}  // namespace detail

// The most mixes least_cost_mix walks (each a search for the last candidate's least count).
inline constexpr double max_mix_search = 1e7;

// The least-cost mix (ties go to the first found in the search's order, which puts the candidate
// with the most counts last). Refuses a search of more than max_mix_search mixes.
template <currency_type C>
mix_plan<C> least_cost_mix(const std::vector<mix_candidate<C>>& candidates, const mix_spec& spec) {
  detail::validate_mix(candidates, spec);
  const std::size_t k = candidates.size();
  std::vector<long> bounds(k);
  std::vector<std::vector<double>> servable(k);
  for (std::size_t i = 0; i < k; ++i) bounds[i] = detail::candidate_bound(candidates[i], spec);
  // The search walks every count of all but the last candidate: the one with the most counts
  // goes last (the plan is given back in the caller's order).
  const auto widest = static_cast<std::size_t>(
      std::max_element(bounds.rbegin(), bounds.rend()).base() - bounds.begin() - 1);
  if (widest + 1 != k) {
    std::vector<mix_candidate<C>> reordered = candidates;
    std::rotate(reordered.begin() + static_cast<std::ptrdiff_t>(widest),
                reordered.begin() + static_cast<std::ptrdiff_t>(widest) + 1, reordered.end());
    mix_plan<C> plan = least_cost_mix(reordered, spec);
    for (auto* v : {&plan.systems, &plan.installed}) {
      std::rotate(v->begin() + static_cast<std::ptrdiff_t>(widest), v->end() - 1, v->end());
    }
    std::rotate(plan.servable_each.begin() + static_cast<std::ptrdiff_t>(widest),
                plan.servable_each.end() - 1, plan.servable_each.end());
    return plan;
  }
  double searched = 1.0;
  for (std::size_t i = 0; i + 1 < k; ++i) searched *= static_cast<double>(bounds[i] + 1);
  if (searched > max_mix_search) {
    throw invalid_input("capacity.candidates", searched,
                        "mixes to search (every count of each candidate but the one with the "
                        "most): above 1e7; give fewer candidates, or fewer systems per peak");
  }
  // The last candidate needs no table: each leaf asks for the least count that serves the rest.
  for (std::size_t i = 0; i + 1 < k; ++i) {
    servable[i] = detail::servable_table(candidates[i], spec, bounds[i]);
  }
  const double peak = spec.peak.value();
  const double site =
      spec.site_power ? spec.site_power->value() : std::numeric_limits<double>::infinity();
  mix_plan<C> best;
  double best_cost = std::numeric_limits<double>::infinity();
  std::vector<long> counts(k, 0);
  // Depth-first over the first k - 1 candidates; the last one covers the rest.
  const auto search = [&](auto&& self, std::size_t i, double served, double cost,
                          double drawn) -> void {
    if (cost >= best_cost || drawn > site * (1.0 + 1e-12)) return;
    if (i + 1 == k) {
      const auto& c = candidates[i];
      const double rest = peak - served;
      const long n = rest <= 0.0 ? 0
                                 : systems_for(request_rate::from_value(rest), c.service,
                                               detail::target_of(c, spec), spec.approximation);
      if (n > bounds[i]) return;
      const auto m = static_cast<double>(detail::installed_of(c, n));
      const double total = cost + m * c.cost_per_system_year.value();
      const double power_used = drawn + m * c.facility_power_per_system.value();
      if (total < best_cost && power_used <= site * (1.0 + 1e-12)) {
        best_cost = total;
        counts[i] = n;
        detail::record_mix(
            best, candidates, counts, total, power_used, servable,
            servable_rate(n, c.service, detail::target_of(c, spec), spec.approximation).value());
      }
      return;
    }
    const auto& c = candidates[i];
    for (long n = 0; n <= bounds[i]; ++n) {
      counts[i] = n;
      const auto m = static_cast<double>(detail::installed_of(c, n));
      self(self, i + 1, served + servable[i][static_cast<std::size_t>(n)],
           cost + m * c.cost_per_system_year.value(),
           drawn + m * c.facility_power_per_system.value());
      if (served + servable[i][static_cast<std::size_t>(n)] >= peak) break;  // more only costs
    }
    counts[i] = 0;
  };
  search(search, 0, 0.0, 0.0, 0.0);
  if (!best.feasible) {
    best.reason = "no mix of the candidates meets " + tpw::detail::number_text(peak) +
                  " requests a second at the target within the site's power";
    best.systems.assign(k, 0);
    best.installed.assign(k, 0);
    best.servable_each.assign(k, request_rate{});
  }
  return best;
}

// The same by enumerating every count of systems up of every candidate up to `bound` each: the
// reference.
template <currency_type C>
mix_plan<C> least_cost_mix_brute_force(const std::vector<mix_candidate<C>>& candidates,
                                       const mix_spec& spec, long bound) {
  detail::validate_mix(candidates, spec);
  const std::size_t k = candidates.size();
  std::vector<std::vector<double>> servable(k);
  for (std::size_t i = 0; i < k; ++i) {
    servable[i] = detail::servable_table(candidates[i], spec, bound);
  }
  const double site =
      spec.site_power ? spec.site_power->value() : std::numeric_limits<double>::infinity();
  mix_plan<C> best;
  best.systems.assign(k, 0);
  best.installed.assign(k, 0);
  best.servable_each.assign(k, request_rate{});
  double best_cost = std::numeric_limits<double>::infinity();
  std::vector<long> counts(k, 0);
  while (true) {
    double served = 0.0;
    double cost = 0.0;
    double drawn = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      served += servable[i][static_cast<std::size_t>(counts[i])];
      const auto m = static_cast<double>(detail::installed_of(candidates[i], counts[i]));
      cost += m * candidates[i].cost_per_system_year.value();
      drawn += m * candidates[i].facility_power_per_system.value();
    }
    if (served >= spec.peak.value() && drawn <= site * (1.0 + 1e-12) && cost < best_cost) {
      best_cost = cost;
      detail::record_mix(best, candidates, counts, cost, drawn, servable);
    }
    std::size_t i = 0;
    while (i < k && counts[i] == bound) counts[i++] = 0;
    if (i == k) break;
    ++counts[i];
  }
  return best;
}

}  // namespace tpw::capacity
