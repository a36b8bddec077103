// tpw/mc/composed_model.hpp: any model composed of declared components, built-in or a user's own,
// as a Monte Carlo model, with no list inside tpw to edit.
//
//   template <tpw::currency_type C>
//   struct network_cost {                      // the user's component, in the user's code
//     using currency = C;
//     static constexpr tpw::cost_category category = tpw::cost_category::opex;
//     static constexpr std::array<tpw::input_field, 1> fields{{
//         {{"costs.network.per_accelerator_hour", 0.0, 1e6, true, true}, "per accelerator-hour"}}};
//     TPW_HD static constexpr network_cost from_fields(const double* v) noexcept { ... }
//     TPW_HD tpw::cost_rate<C> hourly_cost(const tpw::operating_point&) const noexcept { ... }
//   };
//   tpw::mc::composed_model<USD, tpw::owned_hardware, tpw::energy_cost, tpw::opex, network_cost>
//       model(values, {{"costs.network.per_accelerator_hour",
//       tpw::mc::distribution::uniform(...)}});
//   tpw::mc::run(model, options);              // CPU; model.plan() for tpw::cuda::run,
//   tpw::mpi::run
//
// Values are named by their fields' paths: the operating point's (tpw::operating_point_fields;
// idle and provisioned power follow IT power when not given), "revenue.price_per_mtok" (optional:
// with it, revenue and margin are reported), and every component's fields. Each value must obey
// its field's rule, and each distribution must stay inside it at every value its samples can
// reach. The figures are the cost model's (cost_output_names), computed by tpw::evaluate on the
// components each sample builds with their from_fields, by the plan the GPU and MPI engines run.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/mc/cost_model.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/plan/composed_plan.hpp"
#include "tpw/mc/sampling/input_space.hpp"
#include "tpw/mc/uncertain_parameters.hpp"

namespace tpw::mc {

// A number of a composed model, named by its field's path.
struct field_value {
  std::string path;
  double value = 0.0;
};

template <currency_type C, template <class> class... Components>
class composed_model {
 public:
  using plan_type = composed_plan<Components...>;

  composed_model(const std::vector<field_value>& values, std::vector<uncertain_input> uncertain)
      : plan_(layout()), inputs_(checked_space(values, uncertain, nullptr)) {}
  // With a Spearman rank correlation matrix over the uncertain inputs, in their order.
  composed_model(const std::vector<field_value>& values, std::vector<uncertain_input> uncertain,
                 const Eigen::MatrixXd& rank_correlation)
      : plan_(layout()), inputs_(checked_space(values, uncertain, &rank_correlation)) {}

  [[nodiscard]] const input_space& inputs() const noexcept { return inputs_; }
  [[nodiscard]] std::vector<std::string> output_names() const {
    return {cost_output_names.begin(), cost_output_names.begin() + plan_.outputs()};
  }
  // Every number of the model: its path, unit and rule, in the plan's layout.
  [[nodiscard]] const std::vector<input_field>& fields() const noexcept { return fields_; }

  // The figures at the values given (each uncertain input at its distribution's median is the
  // caller's choice: pass those values).
  [[nodiscard]] std::vector<double> point_figures() const {
    std::vector<double> y(cost_output_count);
    plan_.template evaluate<C>(plan_.base.data(), y.data());
    y.resize(plan_.outputs());
    return y;
  }

  void operator()(std::span<const double> x, std::span<double> y) const noexcept {
    double v[plan_type::max_values];
    at(x.data(), 1, 0, v);
    plan_.template evaluate<C>(v, y.data());
  }

  // A batch for the engine (batch_model): input k of sample s at x[k * batch_size + s].
  void evaluate_batch(const double* x, double* y, std::size_t count) const noexcept {
    const std::uint32_t outputs = plan_.outputs();
    for (std::size_t s = 0; s < count; ++s) {
      double v[plan_type::max_values];
      double out[cost_output_count];
      at(x, batch_size, s, v);
      plan_.template evaluate<C>(v, out);
      for (std::uint32_t k = 0; k < outputs; ++k) y[k * batch_size + s] = out[k];
    }
  }

  // The model as plain data for the GPU and MPI engines. Throws invalid_input when an uncertain
  // input's distribution has no closed-form quantile (PERT, beta and empirical run on the CPU).
  [[nodiscard]] plan_type plan() const {
    plan_type plan = plan_;
    detail::plan_distributions(inputs_, plan);
    return plan;
  }

 private:
  // Sample s of inputs laid out with `stride`, as the model's values.
  void at(const double* x, std::size_t stride, std::size_t s, double* v) const noexcept {
    for (std::uint32_t k = 0; k < plan_.values; ++k) v[k] = plan_.base[k];
    for (std::uint32_t k = 0; k < plan_.inputs; ++k) v[plan_.slots[k]] = x[k * stride + s];
  }

  // The plan's layout: the operating point's fields, the price, then each component's fields,
  // one value per path.
  plan_type layout() {
    plan_type plan;
    for (const input_field& f : operating_point_fields) fields_.push_back(f);
    fields_.push_back(field_of(cost_input::price_per_mtok, "per Mtok"));
    std::size_t j = 0;
    const auto add = [&](const auto& declared) {
      for (const input_field& f : declared) {
        const auto found = find(f.rule.path);
        if (found && !same_rule(fields_[*found], f)) {
          throw invalid_input(f.rule.path, f.unit,
                              "is declared by two components with different units or rules");
        }
        plan.gather[j++] = static_cast<std::uint32_t>(found ? *found : fields_.size());
        if (!found) fields_.push_back(f);
      }
    };
    (add(Components<C>::fields), ...);
    plan.values = static_cast<std::uint32_t>(fields_.size());
    for (std::size_t k = 0; k < fields_.size(); ++k) plan.paths[k] = fields_[k].rule.path;
    return plan;
  }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view path) const {
    for (std::size_t k = 0; k < fields_.size(); ++k) {
      if (path == fields_[k].rule.path) return k;
    }
    return std::nullopt;
  }
  static bool same_rule(const input_field& a, const input_field& b) {
    return std::string_view(a.unit) == b.unit && a.rule.low == b.rule.low &&
           a.rule.high == b.rule.high && a.rule.low_included == b.rule.low_included &&
           a.rule.high_included == b.rule.high_included;
  }

  [[nodiscard]] std::string known_paths() const {
    std::string text;
    for (const input_field& f : fields_) {
      text.append(text.empty() ? "" : ", ").append(f.rule.path);
    }
    return text;
  }
  [[nodiscard]] std::size_t index_of(const std::string& path, const std::string& shown) const {
    const auto k = find(path);
    if (!k) throw invalid_input(path, shown, "is not a number of this model: " + known_paths());
    return *k;
  }

  // Sets the base values, checks them and the uncertain inputs, and returns the input space.
  input_space checked_space(const std::vector<field_value>& values,
                            const std::vector<uncertain_input>& uncertain,
                            const Eigen::MatrixXd* correlation) {
    std::vector<bool> given(fields_.size(), false);
    for (const field_value& f : values) {
      const std::size_t k = index_of(f.path, tpw::detail::number_text(f.value));
      if (given[k]) throw invalid_input(f.path, f.value, "is given twice");
      given[k] = true;
      if (!obeys(fields_[k].rule, f.value)) {
        throw invalid_input(
            f.path, f.value,
            "must be in " + range_text(fields_[k].rule) + " (" + fields_[k].unit + ")");
      }
      plan_.base[k] = f.value;
    }
    constexpr std::size_t idle = 2;
    constexpr std::size_t provisioned = 3;
    plan_.idle_follows_it = !given[idle];
    plan_.provisioned_follows_it = !given[provisioned];
    plan_.priced = given[plan_type::price_index];
    for (std::size_t k = 0; k < fields_.size(); ++k) {
      const bool optional = k == idle || k == provisioned || k == plan_type::price_index;
      if (!given[k] && !optional) {
        throw invalid_input(
            fields_[k].rule.path, "missing",
            std::string("required: a number of this model (") + fields_[k].unit + ")");
      }
    }
    // The deployment's own checks (a whole number of accelerators, idle at most IT power), with
    // the deterministic model's messages, on the built-in inputs this model shares.
    cost_parameters shadow;
    shadow.idle_given = given[idle];
    shadow.provisioned_given = given[provisioned];
    std::vector<uncertain_parameter> shadowed;
    const auto built_in = [&](std::size_t k) { return tpw::detail::built_in_index(fields_[k]); };
    for (std::size_t k = 0; k < fields_.size(); ++k) {
      if (built_in(k) < cost_input_count) shadow.values[built_in(k)] = plan_.base[k];
    }
    if (find(rule_of(cost_input::hardware_residual_fraction).path)) {
      shadow.hardware = hardware_terms::owned;
    }
    (void)deployment_of(shadow);
    if (uncertain.size() > plan_type::max_inputs) {
      throw invalid_input("uncertainty.inputs", static_cast<double>(uncertain.size()),
                          "at most one distribution per number of the model");
    }
    for (std::size_t u = 0; u < uncertain.size(); ++u) {
      const std::size_t k = index_of(uncertain[u].name, uncertain[u].dist.describe());
      if (k == 0) {
        throw invalid_input(uncertain[u].name, uncertain[u].dist.describe(),
                            "a count cannot be uncertain");
      }
      if (k == plan_type::price_index && !plan_.priced) {
        throw invalid_input(uncertain[u].name, uncertain[u].dist.describe(),
                            "give its value too (the price the point figures use)");
      }
      detail::require_inside(fields_[k].rule, uncertain[u].dist, uncertain[u].name);
      plan_.slots[u] = static_cast<std::uint32_t>(k);
      if (built_in(k) < cost_input_count) {
        shadowed.push_back({static_cast<cost_input>(built_in(k)), uncertain[u].dist});
      }
    }
    detail::require_idle_below_it(shadow, shadowed);
    detail::require_positive_hardware_line(shadow, shadowed);
    plan_.inputs = static_cast<std::uint32_t>(uncertain.size());
    return correlation ? input_space(uncertain, *correlation) : input_space(uncertain);
  }

  std::vector<input_field> fields_;
  plan_type plan_;
  input_space inputs_;
};

// Runs a composed model over its uncertain inputs on the CPU engine.
template <currency_type C, template <class> class... Components>
run_result run(const composed_model<C, Components...>& model, const run_options& options) {
  return run(model.inputs(), model, options, model.output_names());
}

}  // namespace tpw::mc
