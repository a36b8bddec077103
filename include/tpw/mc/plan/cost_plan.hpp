// tpw/mc/plan/cost_plan.hpp: the cost model's parameters (tpw/model/parameters.hpp) in batches
// and as a plan, for the CPU engine and the GPU engine alike (no Eigen, no Boost.Math: nvcc
// compiles it cleanly). cost_figures_batch evaluates many samples in a loop the compiler
// vectorizes; a cost_plan adds the uncertain inputs (their slots, distributions and copula) so
// that plan_figures computes sample i from (seed, i) alone.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tpw/config.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/inverse_cdf.hpp"
#include "tpw/model/parameters.hpp"

namespace tpw::mc {

// The parameters and their evaluation, by their Monte Carlo names too.
using tpw::cost_figures;
using tpw::cost_input;
using tpw::cost_input_count;
using tpw::cost_input_rule;
using tpw::cost_input_rules;
using tpw::cost_output;
using tpw::cost_output_count;
using tpw::cost_output_names;
using tpw::cost_parameters;
using tpw::deployment_of;
using tpw::economics_figures;
using tpw::evaluate_cost_parameters;
using tpw::facility_terms;
using tpw::hardware_terms;
using tpw::has_revenue;
using tpw::obeys;
using tpw::output_index;
using tpw::parameter_used;
using tpw::range_text;
using tpw::rule_of;
using tpw::validated_parameters;

// Where a batch's parameters are: parameter c of sample s at rows[c][s].
using parameter_rows = std::array<const double*, cost_input_count>;

namespace detail {

// The figures of a batch of samples with the terms fixed at compile time (the branches on them
// fold away), so that the loop over the samples, which calls the one-sample cost_figures,
// vectorizes: output k at y[k * Stride + s].
// Priced: the base earns revenue (has_revenue). Hourly: it has an hourly contract, whose flags
// and numbers are then read from `base` and the rows; without one the loop reads only the rows
// up to the token price and every revenue flag is a constant, so it vectorizes as it did before
// contracts existed.
template <currency_type C, hardware_terms H, facility_terms F, bool Priced, bool Hourly,
          std::size_t Stride>
TPW_FLATTEN void cost_figures_of_rows(const cost_parameters& base, const parameter_rows rows,
                                      double* TPW_RESTRICT y, std::size_t count) noexcept {
  constexpr std::size_t read =
      Hourly ? cost_input_count : static_cast<std::size_t>(cost_input::price_per_mtok) + 1;
  const bool priced = base.priced;
  const bool on_demand = base.on_demand;
  const bool reserved = base.reserved;
  for (std::size_t s = 0; s < count; ++s) {
    cost_parameters p;
    p.hardware = H;
    p.facility = F;
    if constexpr (Hourly) {
      p.priced = priced;
      p.on_demand = on_demand;
      p.reserved = reserved;
    } else {
      p.priced = Priced;
    }
    p.idle_given = true;  // cost_figures_batch pointed the powers that follow IT power at its row
    p.provisioned_given = true;
    TPW_UNROLL(26)
    for (std::size_t c = 0; c < read; ++c) p.values[c] = rows[c][s];
    double out[cost_output_count];
    // cost_figures, with the revenue figures' presence known at compile time (Priced is
    // has_revenue(p): the flags are the base's).
    economics_figures<C>(evaluate_cost_parameters<C>(p), Priced, out);
    constexpr std::size_t outputs = Priced ? cost_output_count : cost_output_count - 2;
    TPW_UNROLL(10)
    for (std::size_t k = 0; k < outputs; ++k) y[k * Stride + s] = out[k];
  }
}

template <currency_type C, hardware_terms H, facility_terms F, std::size_t Stride>
void cost_figures_priced_or_not(const cost_parameters& base, const parameter_rows& rows, double* y,
                                std::size_t count) noexcept {
  if (base.on_demand || base.reserved) {
    cost_figures_of_rows<C, H, F, true, true, Stride>(base, rows, y, count);
  } else if (base.priced) {
    cost_figures_of_rows<C, H, F, true, false, Stride>(base, rows, y, count);
  } else {
    cost_figures_of_rows<C, H, F, false, false, Stride>(base, rows, y, count);
  }
}

template <currency_type C, hardware_terms H, std::size_t Stride>
void cost_figures_of_facility(const cost_parameters& base, const parameter_rows& rows, double* y,
                              std::size_t count) noexcept {
  switch (base.facility) {
    case facility_terms::built:
      return cost_figures_priced_or_not<C, H, facility_terms::built, Stride>(base, rows, y, count);
    case facility_terms::colocation:
      return cost_figures_priced_or_not<C, H, facility_terms::colocation, Stride>(base, rows, y,
                                                                                  count);
    default:
      return cost_figures_priced_or_not<C, H, facility_terms::none, Stride>(base, rows, y, count);
  }
}

}  // namespace detail

// The figures of a batch of `count` samples: parameter c of sample s at rows[c][s] (every
// parameter, uncertain or not: `base` gives only the terms and flags; the rows of powers that
// follow IT power are ignored), output k at y[k * Stride + s]. The same figures as cost_figures
// sample by sample, in a loop the compiler vectorizes (with vector math, up to its ulps).
template <currency_type C, std::size_t Stride>
void cost_figures_batch(const cost_parameters& base, parameter_rows rows, double* y,
                        std::size_t count) noexcept {
  // Idle and provisioned power follow IT power unless given: they read its row, so the loop
  // reads every power from a row, with no select on the flags (the same numbers: each power is
  // then converted by the same operations from the same value).
  const double* it = rows[static_cast<std::size_t>(cost_input::it_power_kw)];
  if (!base.idle_given) rows[static_cast<std::size_t>(cost_input::idle_power_kw)] = it;
  if (!base.provisioned_given) {
    rows[static_cast<std::size_t>(cost_input::provisioned_power_kw)] = it;
  }
  switch (base.hardware) {
    case hardware_terms::owned:
      return detail::cost_figures_of_facility<C, hardware_terms::owned, Stride>(base, rows, y,
                                                                                count);
    case hardware_terms::rented:
      return detail::cost_figures_of_facility<C, hardware_terms::rented, Stride>(base, rows, y,
                                                                                 count);
    default:
      return detail::cost_figures_of_facility<C, hardware_terms::none, Stride>(base, rows, y,
                                                                               count);
  }
}

// The cost model with its uncertain inputs as plain data (trivially copyable: it crosses to a GPU
// as it is). Every uncertain input must have a closed-form quantile (cost_model::plan() checks).
struct cost_plan {
  cost_parameters base;
  std::uint32_t inputs = 0;                          // uncertain inputs
  std::array<cost_input, cost_input_count> slots{};  // which parameter each one sets
  std::array<distribution_params, cost_input_count> dists{};
  bool correlated = false;
  std::array<double, cost_input_count * cost_input_count> cholesky{};  // inputs x inputs, row-major
  static constexpr std::size_t max_inputs = cost_input_count;
  [[nodiscard]] TPW_HD constexpr std::uint32_t outputs() const noexcept {
    return has_revenue(base) ? static_cast<std::uint32_t>(cost_output_count)
                             : static_cast<std::uint32_t>(cost_output_count - 2);
  }
  // Uncertain input k's scenario path, and figure k's name.
  [[nodiscard]] const char* input_name(std::uint32_t k) const noexcept {
    return rule_of(slots[k]).path;
  }
  [[nodiscard]] const char* output_name(std::uint32_t k) const noexcept {
    return cost_output_names[k];
  }
  // The figures with the uncertain inputs at x (in the plan's order).
  template <currency_type C>
  TPW_HD constexpr void figures_at(const double* x, double* y) const noexcept {
    cost_parameters p = base;
    for (std::uint32_t k = 0; k < inputs; ++k) p[slots[k]] = x[k];
    cost_figures<C>(p, y);
  }
  // Sample i: its inputs (x) and figures (y), as plan_figures below.
  template <currency_type C>
  TPW_HD constexpr void figures(const design_view& design, std::uint64_t i, double* x,
                                double* y) const noexcept;
};

// Sample i of a plan under a design: its uniforms, the copula, each input's inverse CDF, then the
// cost figures into y (plan.outputs() values); x receives the inputs' values. The CPU tests check
// it against the CPU engine sample by sample; the GPU engine calls it in its kernels.
// Sample i's uncertain inputs (x, in the plan's order) of a plan with at most N of them: the
// design's uniforms, the copula when correlated, each input's closed-form quantile. Every plan
// (the cost model's, a composed model's) draws through it, on any backend.
template <std::size_t N, class Plan>
TPW_HD constexpr void plan_inputs(const Plan& plan, const design_view& design, std::uint64_t i,
                                  double* x) noexcept {
  double u[N];
  design_uniforms(design, i, u, plan.inputs);
  if (plan.correlated) {
    double z[N];
    gaussian_copula(plan.cholesky.data(), plan.inputs, u, z);
  }
  for (std::uint32_t k = 0; k < plan.inputs; ++k) x[k] = closed_form_quantile(plan.dists[k], u[k]);
}

template <currency_type C>
TPW_HD constexpr void plan_figures(const cost_plan& plan, const design_view& design,
                                   std::uint64_t i, double* x, double* y) noexcept {
  plan_inputs<cost_input_count>(plan, design, i, x);
  plan.template figures_at<C>(x, y);
}

template <currency_type C>
TPW_HD constexpr void cost_plan::figures(const design_view& design, std::uint64_t i, double* x,
                                         double* y) const noexcept {
  plan_figures<C>(*this, design, i, x, y);
}

}  // namespace tpw::mc
