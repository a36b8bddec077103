// tpw/mc/uncertain_parameters.hpp: which inputs of the cost model's parameters are uncertain, and
// the checks that no sample can break an input's rule: every value a distribution's samples can
// reach (its inverse CDF at the extreme uniforms a design gives) must obey the rule, and the rules
// between inputs (idle power at most IT power, a residual worth at most the price) must hold at
// the worst values reachable. No Eigen and no engine: reading a scenario needs only this.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/model/extras.hpp"
#include "tpw/model/parameters.hpp"

namespace tpw::mc {

// One uncertain input: which parameter, and its distribution.
struct uncertain_parameter {
  cost_input input;
  distribution dist;
};

// One uncertain number of the carbon section (tpw/model/extras.hpp).
struct uncertain_extra {
  extra_input input;
  distribution dist;
};

// One uncertain number of a multi-year project (tpw/finance/project_parameters.hpp): its slot
// (a project_input, or project_ramp_slot + k for year k + 1 of the utilization ramp) and its
// distribution.
struct uncertain_project_parameter {
  std::size_t slot;
  distribution dist;
};

namespace detail {

// Every value the samplers can draw from the distribution must obey the input's rule.
// Messages name `path` when given (a rule shared by several inputs), else the rule's own path.
// A project that never replaces its owned assets: each owned asset's life, at its base and at the
// least value its distribution reaches, covers the project's operating years.
inline void require_lives_cover(const cost_parameters& base,
                                const std::vector<uncertain_parameter>& list, int operating_years) {
  const auto covers = [&](bool owned, cost_input life) {
    if (!owned) return;
    double shortest = base[life];
    for (const auto& u : list) {
      if (u.input == life) shortest = std::min(shortest, u.dist.reachable_low());
    }
    tpw::detail::require_life_covers(rule_of(life).path, shortest, operating_years);
  };
  covers(base.hardware == hardware_terms::owned, cost_input::hardware_life_years);
  covers(base.facility == facility_terms::built, cost_input::facility_life_years);
}

inline void require_inside(const cost_input_rule& rule, const distribution& d,
                           const std::string& path = {}) {
  const double lo = d.reachable_low();
  const double hi = d.reachable_high();
  const bool low_ok = obeys(rule, lo);
  const bool high_ok = obeys(rule, hi);
  if (!low_ok || !high_ok) {
    throw invalid_input(
        path.empty() ? std::string(rule.path) : path, d.describe(),
        "its samples reach [" + tpw::detail::number_text(lo) + ", " + tpw::detail::number_text(hi) +
            "], " + (low_ok ? "above" : "below") + " the allowed range " + range_text(rule) +
            "; narrow it, or use a bounded distribution (uniform, triangular, PERT, beta, "
            "truncated normal)" +
            limits_note);
  }
}

// Idle power may not exceed serving power in any sample: the highest idle value must stay at or
// below the lowest serving value.
inline void require_idle_below_it(const cost_parameters& base,
                                  const std::vector<uncertain_parameter>& list) {
  if (!base.idle_given) return;
  double idle_high = base[cost_input::idle_power_kw];
  double it_low = base[cost_input::it_power_kw];
  for (const auto& u : list) {
    if (u.input == cost_input::idle_power_kw) idle_high = u.dist.reachable_high();
    if (u.input == cost_input::it_power_kw) it_low = u.dist.reachable_low();
  }
  if (idle_high > it_low) {
    throw invalid_input("deployment.idle_power_kw", idle_high,
                        "its highest value must not exceed the lowest it_power_kw (" +
                            tpw::detail::number_text(it_low) +
                            "): idle draws no more than serving");
  }
}

// With a negative cost of capital the residual's present value can exceed the price (see
// owned_hardware): checked at the worst values the samplers can draw, the highest residual
// against the lowest (1 + r)^life.
inline void require_positive_hardware_line(const cost_parameters& base,
                                           const std::vector<uncertain_parameter>& list) {
  if (base.hardware != hardware_terms::owned) return;
  double residual = base[cost_input::hardware_residual_fraction];
  double rate = base[cost_input::cost_of_capital];
  double life_low = base[cost_input::hardware_life_years];
  double life_high = life_low;
  for (const auto& u : list) {
    if (u.input == cost_input::hardware_residual_fraction) residual = u.dist.reachable_high();
    if (u.input == cost_input::cost_of_capital) rate = u.dist.reachable_low();
    if (u.input == cost_input::hardware_life_years) {
      life_low = u.dist.reachable_low();
      life_high = u.dist.reachable_high();
    }
  }
  const double growth =  // (1 + r)^life, through the model's own discount factor
      1.0 / tpw::detail::discount_factor_years(rate, rate < 0.0 ? life_high : life_low);
  if (residual > growth) {
    throw invalid_input(
        "costs.hardware.residual_fraction", residual,
        "can be worth more than the price: at a cost of capital of " +
            tpw::detail::number_text(rate) + " the residual may be at most (1 + r)^life = " +
            tpw::detail::number_text(growth) + ", or the hardware line would be negative");
  }
}

}  // namespace detail

// Checks uncertain inputs against a validated base: each one a parameter the scenario uses and
// not a count, each distribution inside its input's rule at every value its samples can reach,
// and the rules between inputs at the worst values reachable.
inline void check_uncertain_parameters(const cost_parameters& base,
                                       const std::vector<uncertain_parameter>& list) {
  for (const auto& u : list) {
    const cost_input_rule& rule = rule_of(u.input);
    if (u.input == cost_input::accelerators_per_system) {
      throw invalid_input(rule.path, u.dist.describe(), "a count cannot be uncertain");
    }
    if (!parameter_used(base, u.input)) {
      throw invalid_input(rule.path, u.dist.describe(),
                          "this input takes no part in the scenario (its cost terms are not "
                          "given), so it cannot be uncertain");
    }
    detail::require_inside(rule, u.dist);
  }
  detail::require_idle_below_it(base, list);
  detail::require_positive_hardware_line(base, list);
  // The hourly contracts' shares at the highest values their samples reach.
  double on_demand = base.on_demand ? base[cost_input::on_demand_share] : 0.0;
  double reserved = base.reserved ? base[cost_input::reserved_share] : 0.0;
  for (const auto& u : list) {
    if (u.input == cost_input::on_demand_share) on_demand = u.dist.reachable_high();
    if (u.input == cost_input::reserved_share) reserved = u.dist.reachable_high();
  }
  tpw::detail::require_contract_shares(base, on_demand, reserved);
}

}  // namespace tpw::mc
