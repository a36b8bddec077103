// tpw/mc/cost_model.hpp: the built-in cost model as a Monte Carlo model, with every numeric input
// of a deployment and its costs open to uncertainty.
//
// The plain parameters and the one-sample evaluation live in cost_parameters.hpp (shared with the
// GPU engine); this header adds validation, the uncertain inputs and the run. Inputs are named by
// their scenario paths.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/cost_parameters.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/mc/sampling/input_space.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw::mc {

// The deployment a base describes (systems of them), through tpw's validating constructors: the
// messages name the scenario paths.
inline deployment deployment_of(const cost_parameters& p, long systems = 1) {
  const auto kw = [](double v) { return of(v, units::kW); };
  tpw::detail::require_count("deployment.accelerators_per_system",
                             p[cost_input::accelerators_per_system]);
  const auto optional_kw = [&](bool given, cost_input k) {
    return given ? std::optional<power>(kw(p[k])) : std::nullopt;
  };
  return deployment(
      {.accelerators_per_system = static_cast<long>(p[cost_input::accelerators_per_system]),
       .systems = systems,
       .it_power = kw(p[cost_input::it_power_kw]),
       .idle_power = optional_kw(p.idle_given, cost_input::idle_power_kw),
       .provisioned_power = optional_kw(p.provisioned_given, cost_input::provisioned_power_kw),
       .pue = tpw::pue(p[cost_input::pue], "costs.energy.pue"),
       .utilization = fraction(p[cost_input::utilization], "deployment.utilization"),
       .throughput = of(p[cost_input::throughput_tok_s], units::tok / units::second)});
}

// The cost model with its uncertain inputs: a base scenario, validated by tpw's own constructors
// (so errors read as for a deterministic deployment), and a distribution for each uncertain
// input, whose values must stay within that input's rule.
template <currency_type C>
class cost_model {
 public:
  struct uncertain {
    cost_input input;
    distribution dist;
  };

  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs)
      : base_(validated(base)),
        inputs_(make_space(base_, uncertain_inputs, nullptr)),
        base_rows_(base_rows(base_)) {
    for (const auto& u : uncertain_inputs) slots_.push_back(u.input);
  }
  // With a Spearman rank correlation matrix over the uncertain inputs, in their order.
  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs,
             const Eigen::MatrixXd& rank_correlation)
      : base_(validated(base)),
        inputs_(make_space(base_, uncertain_inputs, &rank_correlation)),
        base_rows_(base_rows(base_)) {
    for (const auto& u : uncertain_inputs) slots_.push_back(u.input);
  }

  [[nodiscard]] const input_space& inputs() const noexcept { return inputs_; }
  [[nodiscard]] const cost_parameters& base() const noexcept { return base_; }
  [[nodiscard]] std::vector<std::string> output_names() const {
    return {cost_output_names.begin(),
            cost_output_names.begin() + (base_.priced ? cost_output_count : cost_output_count - 2)};
  }

  // The parameters of one sample: the base with the uncertain inputs set to x.
  [[nodiscard]] cost_parameters parameters_at(std::span<const double> x) const noexcept {
    cost_parameters p = base_;
    for (std::size_t k = 0; k < slots_.size(); ++k) p[slots_[k]] = x[k];
    return p;
  }

  void operator()(std::span<const double> x, std::span<double> y) const noexcept {
    cost_figures<C>(parameters_at(x), y.data());
  }

  // A batch for the engine (batch_model): uncertain input k of sample s at x[k * batch_size + s],
  // output k at y[k * batch_size + s]. cost_figures_batch reads each parameter from a row: an
  // uncertain input's row of x, or the base value repeated in the model's own constant rows.
  void evaluate_batch(const double* x, double* y, std::size_t count) const noexcept {
    parameter_rows rows;
    for (std::size_t c = 0; c < cost_input_count; ++c) rows[c] = base_rows_.data() + c * batch_size;
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      rows[static_cast<std::size_t>(slots_[k])] = x + k * batch_size;
    }
    cost_figures_batch<C, batch_size>(base_, rows, y, count);
  }

  // The model as plain data for the GPU engine. Throws invalid_input when an uncertain input's
  // distribution has no closed-form quantile (PERT, beta and empirical inputs run on the CPU).
  [[nodiscard]] cost_plan plan() const {
    if (slots_.size() > cost_input_count) {
      throw invalid_input("uncertainty.inputs", static_cast<double>(slots_.size()),
                          "a plan holds at most one distribution per cost input");
    }
    cost_plan plan;
    plan.base = base_;
    plan.inputs = static_cast<std::uint32_t>(slots_.size());
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      const distribution& d = inputs_[k].dist;
      if (!has_closed_form(d.kind())) {
        throw invalid_input(inputs_[k].name, d.describe(),
                            "the GPU engine samples fixed, uniform, triangular, normal, truncated "
                            "normal and lognormal inputs; run PERT, beta and empirical ones on the "
                            "CPU engine");
      }
      plan.slots[k] = slots_[k];
      plan.dists[k] = d.params();
    }
    plan.correlated = inputs_.correlated();
    std::copy(inputs_.cholesky().begin(), inputs_.cholesky().end(), plan.cholesky.begin());
    return plan;
  }

  // Checks a base through tpw's validating types, so the messages are the deterministic
  // model's own; returns it.
  static cost_parameters validated(const cost_parameters& p) {
    (void)deployment_of(p);
    const annual_rate r(p[cost_input::cost_of_capital], "costs.cost_of_capital");
    if (p.hardware == hardware_terms::owned) {
      (void)owned_hardware<C>(
          {of(p[cost_input::hardware_price], units::unit_of<C>),
           of(p[cost_input::hardware_life_years], units::year),
           fraction(p[cost_input::hardware_residual_fraction], "costs.hardware.residual_fraction"),
           r});
    } else if (p.hardware == hardware_terms::rented) {
      (void)rented_hardware<C>(
          {of(p[cost_input::rental_per_accelerator_hour], units::unit_of<C> / units::hour)});
    }
    if (p.facility == facility_terms::built) {
      (void)built_facility<C>(
          {of(p[cost_input::facility_build_per_mw], units::unit_of<C> / units::MW),
           of(p[cost_input::facility_life_years], units::year), r});
    } else if (p.facility == facility_terms::colocation) {
      (void)colocation<C>({of(p[cost_input::colocation_per_kw_month],
                              units::unit_of<C> / (units::kW * units::month))});
    }
    (void)energy_cost<C>({of(p[cost_input::energy_price_per_kwh], units::unit_of<C> / units::kWh)});
    (void)opex<C>(
        {fraction(p[cost_input::maintenance_fraction_per_year],
                  "costs.opex.maintenance_fraction_per_year"),
         of(p[cost_input::hardware_price], units::unit_of<C>),
         of(p[cost_input::software_per_accelerator_year], units::unit_of<C> / units::year),
         of(p[cost_input::other_per_accelerator_year], units::unit_of<C> / units::year)});
    if (p.priced) {
      const double price = p[cost_input::price_per_mtok];
      if (!tpw::detail::is_finite(price) || price <= 0.0) {
        throw invalid_input("revenue.price_per_mtok", price, "must be > 0 per Mtok");
      }
    }
    // Then tpw's limits, which keep every figure finite (the constructors above only check
    // signs and ranges of meaning).
    for (std::size_t k = 0; k < cost_input_count; ++k) {
      const auto input = static_cast<cost_input>(k);
      if (!used(p, input)) continue;
      const cost_input_rule& rule = rule_of(input);
      if (!obeys(rule, p[input])) {
        throw invalid_input(rule.path, p[input], "must be in " + range_text(rule) + limits_note);
      }
    }
    return p;
  }

  // A rule's range as messages show it: "[0.001, 1000000]".
  static std::string range_text(const cost_input_rule& rule) {
    return (rule.low_included ? "[" : "(") + tpw::detail::number_text(rule.low) + ", " +
           tpw::detail::number_text(rule.high) + (rule.high_included ? "]" : ")");
  }

 private:
  // Each parameter's base value repeated batch_size times: the rows a batch reads its certain
  // parameters from.
  static std::vector<double> base_rows(const cost_parameters& p) {
    std::vector<double> rows(cost_input_count * batch_size);
    for (std::size_t c = 0; c < cost_input_count; ++c) {
      std::fill_n(rows.begin() + static_cast<std::ptrdiff_t>(c * batch_size), batch_size,
                  p.values[c]);
    }
    return rows;
  }

  // Whether an input takes part in this scenario's model at all.
  static bool used(const cost_parameters& p, cost_input k) {
    switch (k) {
      case cost_input::idle_power_kw:
        return p.idle_given;
      case cost_input::provisioned_power_kw:
        return p.provisioned_given;
      case cost_input::hardware_price:
      case cost_input::hardware_life_years:
      case cost_input::hardware_residual_fraction:
        return p.hardware == hardware_terms::owned;
      case cost_input::rental_per_accelerator_hour:
        return p.hardware == hardware_terms::rented;
      case cost_input::facility_build_per_mw:
      case cost_input::facility_life_years:
        return p.facility == facility_terms::built;
      case cost_input::colocation_per_kw_month:
        return p.facility == facility_terms::colocation;
      case cost_input::price_per_mtok:
        return p.priced;
      default:
        return true;
    }
  }

  static input_space make_space(const cost_parameters& base, const std::vector<uncertain>& list,
                                const Eigen::MatrixXd* correlation) {
    std::vector<uncertain_input> inputs;
    for (const auto& u : list) {
      const cost_input_rule& rule = rule_of(u.input);
      if (u.input == cost_input::accelerators_per_system) {
        throw invalid_input(rule.path, u.dist.describe(), "a count cannot be uncertain");
      }
      if (!used(base, u.input)) {
        throw invalid_input(rule.path, u.dist.describe(),
                            "this input takes no part in the scenario (its cost terms are not "
                            "given), so it cannot be uncertain");
      }
      require_inside(rule, u.dist);
      inputs.push_back({rule.path, u.dist});
    }
    require_idle_below_it(base, list);
    require_positive_hardware_line(base, list);
    return correlation ? input_space(std::move(inputs), *correlation)
                       : input_space(std::move(inputs));
  }

  // Every value the samplers can draw from the distribution (its reachable range, the inverse CDF
  // at the extreme uniforms) must obey the input's rule, checked here once so that no sample can
  // break it.
  static void require_inside(const cost_input_rule& rule, const distribution& d) {
    const double lo = d.reachable_low();
    const double hi = d.reachable_high();
    const bool low_ok = obeys(rule, lo);
    const bool high_ok = obeys(rule, hi);
    if (!low_ok || !high_ok) {
      throw invalid_input(
          rule.path, d.describe(),
          "its samples reach [" + tpw::detail::number_text(lo) + ", " +
              tpw::detail::number_text(hi) + "], " + (low_ok ? "above" : "below") +
              " the allowed range " + range_text(rule) +
              "; narrow it, or use a bounded distribution (uniform, triangular, PERT, beta, "
              "truncated normal)" +
              limits_note);
    }
  }

  static constexpr const char* limits_note = " (tpw's limits: docs/scenario-limits.md)";

  // With a negative cost of capital the residual's present value can exceed the price (see
  // owned_hardware): checked at the worst values the samplers can draw, the highest residual
  // against the lowest (1 + r)^life.
  static void require_positive_hardware_line(const cost_parameters& base,
                                             const std::vector<uncertain>& list) {
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
    const double growth = std::pow(1.0 + rate, rate < 0.0 ? life_high : life_low);
    if (residual > growth) {
      throw invalid_input(
          "costs.hardware.residual_fraction", residual,
          "can be worth more than the price: at a cost of capital of " +
              tpw::detail::number_text(rate) + " the residual may be at most (1 + r)^life = " +
              tpw::detail::number_text(growth) + ", or the hardware line would be negative");
    }
  }

  // Idle power may not exceed serving power in any sample: the highest idle value must stay at
  // or below the lowest serving value.
  static void require_idle_below_it(const cost_parameters& base,
                                    const std::vector<uncertain>& list) {
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
                              "): idle draws no more than "
                              "serving");
    }
  }

  cost_parameters base_;
  input_space inputs_;
  std::vector<double> base_rows_;
  std::vector<cost_input> slots_;
};

// Runs the cost model over its uncertain inputs.
template <currency_type C>
run_result run(const cost_model<C>& model, const run_options& options) {
  return run(model.inputs(), model, options, model.output_names());
}

}  // namespace tpw::mc
