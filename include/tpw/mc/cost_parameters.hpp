// tpw/mc/cost_parameters.hpp: the cost model's plain data and its one-sample evaluation, for the
// CPU engine and the GPU engine alike (no Eigen, no Boost.Math: nvcc compiles it cleanly).
//
// cost_parameters is a plain struct of numbers in the units a scenario file writes them in (kW,
// per kWh, per MW, years, ...): it crosses to a GPU as it is. evaluate_cost_parameters turns one
// into an operating point and cost components and calls tpw::evaluate, the same formulas as the
// deterministic model: nothing is written twice. A cost_plan adds the uncertain inputs (their
// slots, distributions and copula) so that plan_figures computes sample i from (seed, i) alone.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "tpw/config.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/inverse_cdf.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw::mc {

// Every number of a deployment and its costs, in scenario units.
enum class cost_input : std::uint32_t {
  accelerators_per_system,        // deployment.accelerators_per_system (a count: never uncertain)
  it_power_kw,                    // per system, while serving
  idle_power_kw,                  // per system; follows it_power_kw unless given
  provisioned_power_kw,           // per system; follows it_power_kw unless given
  utilization,                    // (0, 1]
  throughput_tok_s,               // per accelerator while serving
  cost_of_capital,                // annual
  hardware_price,                 // per system (owned)
  hardware_life_years,            // (owned)
  hardware_residual_fraction,     // (owned)
  rental_per_accelerator_hour,    // (rented)
  facility_build_per_mw,          // (built)
  facility_life_years,            // (built)
  colocation_per_kw_month,        // (colocation)
  energy_price_per_kwh,           //
  pue,                            // costs.energy.pue
  maintenance_fraction_per_year,  // of the hardware price
  software_per_accelerator_year,  //
  other_per_accelerator_year,     //
  price_per_mtok,                 // revenue.price_per_mtok (optional)
};
inline constexpr std::size_t cost_input_count = 20;
static_assert(static_cast<std::size_t>(cost_input::price_per_mtok) + 1 == cost_input_count,
              "cost_input_count counts cost_input");

enum class hardware_terms : std::uint8_t { none, owned, rented };
enum class facility_terms : std::uint8_t { none, built, colocation };

// One input's scenario path and the range its values must stay in. Every range is finite: its
// bounds are wide enough for any real deployment (a system of 1 W to 1 GW, a price up to 1e12 in
// any currency) and narrow enough that no figure of the model can overflow, underflow to a
// division by zero or turn negative (docs/scenario-limits.md gives each bound and why).
struct cost_input_rule {
  const char* path;
  double low;
  double high;
  bool low_included;
  bool high_included;
};

inline constexpr std::array<cost_input_rule, cost_input_count> cost_input_rules{{
    {"deployment.accelerators_per_system", 1.0, 1e6, true, true},
    {"deployment.it_power_kw", 1e-3, 1e6, true, true},
    {"deployment.idle_power_kw", 0.0, 1e6, true, true},
    {"deployment.provisioned_power_kw", 1e-3, 1e6, true, true},
    {"deployment.utilization", 1e-6, 1.0, true, true},
    {"deployment.throughput_tok_s", 1e-6, 1e9, true, true},
    {"costs.cost_of_capital", -0.5, 1.0, true, true},
    {"costs.hardware.price", 0.0, 1e12, true, true},
    {"costs.hardware.life_years", 0.1, 100.0, true, true},
    {"costs.hardware.residual_fraction", 0.0, 1.0, true, true},
    {"costs.hardware.rental_per_accelerator_hour", 0.0, 1e6, true, true},
    {"costs.facility.build_per_mw", 0.0, 1e12, true, true},
    {"costs.facility.life_years", 0.1, 100.0, true, true},
    {"costs.facility.colocation_per_kw_month", 0.0, 1e6, true, true},
    {"costs.energy.price_per_kwh", 0.0, 1e6, true, true},
    {"costs.energy.pue", 1.0, 10.0, true, true},
    {"costs.opex.maintenance_fraction_per_year", 0.0, 1.0, true, true},
    {"costs.opex.software_per_accelerator_year", 0.0, 1e9, true, true},
    {"costs.opex.other_per_accelerator_year", 0.0, 1e9, true, true},
    {"revenue.price_per_mtok", 1e-6, 1e9, true, true},
}};

// Whether x obeys a rule (false for NaN).
TPW_HD constexpr bool obeys(const cost_input_rule& rule, double x) noexcept {
  const bool low_ok = rule.low_included ? x >= rule.low : x > rule.low;
  const bool high_ok = rule.high_included ? x <= rule.high : x < rule.high;
  return low_ok && high_ok;
}

inline const cost_input_rule& rule_of(cost_input input) noexcept {
  return cost_input_rules[static_cast<std::size_t>(input)];
}

// A plain struct: what the cost model reads, one sample at a time, on a CPU or a GPU.
struct cost_parameters {
  std::array<double, cost_input_count> values{};
  hardware_terms hardware = hardware_terms::none;
  facility_terms facility = facility_terms::none;
  bool idle_given = false;         // else idle power = it power
  bool provisioned_given = false;  // else provisioned power = it power
  bool priced = false;             // a token price is given: revenue and margin are reported

  TPW_HD constexpr double& operator[](cost_input k) noexcept {
    return values[static_cast<std::size_t>(k)];
  }
  TPW_HD constexpr double operator[](cost_input k) const noexcept {
    return values[static_cast<std::size_t>(k)];
  }
};

// The figures the cost model reports per sample, in display units: cost per Mtok (total and per
// line) and per accelerator-hour in the scenario's currency, tok/J, tok/s per MW, and with a
// price, revenue per MW-year and gross margin.
enum class cost_output : std::uint32_t {
  cost_per_mtok,
  cost_per_mtok_hardware,
  cost_per_mtok_facility,
  cost_per_mtok_energy,
  cost_per_mtok_opex,
  cost_per_accelerator_hour,
  tokens_per_joule,
  tokens_per_s_per_mw,
  revenue_per_mw_year,
  gross_margin,
};
inline constexpr std::size_t cost_output_count = 10;
static_assert(static_cast<std::size_t>(cost_output::gross_margin) + 1 == cost_output_count,
              "cost_output_count counts cost_output");

// An output's position among the figures (y[output_index(cost_output::tokens_per_joule)]).
TPW_HD constexpr std::size_t output_index(cost_output k) noexcept {
  return static_cast<std::size_t>(k);
}
inline constexpr std::array<const char*, cost_output_count> cost_output_names{
    "cost_per_mtok",        "cost_per_mtok.hardware", "cost_per_mtok.facility",
    "cost_per_mtok.energy", "cost_per_mtok.opex",     "cost_per_accelerator_hour",
    "tokens_per_joule",     "tokens_per_s_per_mw",    "revenue_per_mw_year",
    "gross_margin"};

namespace detail {

// Scenario units to tpw's canonical SI storage, read off the unit system as plain numbers (device
// code cannot refer to the host's unit constants).
inline constexpr double watts_per_kw = units::kilowatt.value();
inline constexpr double joules_per_kwh = units::kilowatt_hour.value();
inline constexpr double seconds_per_hour = units::seconds_per_hour;
inline constexpr double seconds_per_year = units::seconds_per_year;

TPW_HD constexpr operating_point operating_point_of(const cost_parameters& p) noexcept {
  const double per_system = p[cost_input::accelerators_per_system];
  const double it = p[cost_input::it_power_kw] * watts_per_kw / per_system;
  const double idle = p.idle_given ? p[cost_input::idle_power_kw] * watts_per_kw / per_system : it;
  const double provisioned =
      p.provisioned_given ? p[cost_input::provisioned_power_kw] * watts_per_kw / per_system : it;
  return {token_rate::from_value(p[cost_input::throughput_tok_s]),
          fraction::unchecked(p[cost_input::utilization]),
          power::from_value(it),
          power::from_value(idle),
          power::from_value(provisioned),
          pue::unchecked(p[cost_input::pue]),
          per_system};
}

template <currency_type C, class Hardware, class Facility>
TPW_HD constexpr economics<C> evaluate_with(const cost_parameters& p, const operating_point& op,
                                            const Hardware* hardware,
                                            const Facility* facility) noexcept {
  const auto energy = energy_cost<C>::unchecked(
      {energy_price<C>::from_value(p[cost_input::energy_price_per_kwh] / joules_per_kwh)});
  const auto running = opex<C>::unchecked(
      {fraction::unchecked(p[cost_input::maintenance_fraction_per_year]),
       money<C>::from_value(p.hardware == hardware_terms::owned ? p[cost_input::hardware_price]
                                                                : 0.0),
       cost_rate<C>::from_value(p[cost_input::software_per_accelerator_year] / seconds_per_year),
       cost_rate<C>::from_value(p[cost_input::other_per_accelerator_year] / seconds_per_year)});
  const auto price = token_price<C>::from_value(p[cost_input::price_per_mtok] / 1e6);
  const auto run = [&](const auto&... components) {
    return p.priced ? evaluate(op, price, components..., energy, running)
                    : evaluate(op, components..., energy, running);
  };
  static_assert(Hardware::category == cost_category::hardware &&
                Facility::category == cost_category::facility);
  if (hardware && facility) return run(*hardware, *facility);
  if (hardware) return run(*hardware);
  if (facility) return run(*facility);
  return run();
}

}  // namespace detail

// The shared evaluation: one sample's parameters to tpw::economics, through tpw::evaluate.
// `p` must satisfy the rules above (cost_model checks them up front).
template <currency_type C>
TPW_HD constexpr economics<C> evaluate_cost_parameters(const cost_parameters& p) noexcept {
  const operating_point op = detail::operating_point_of(p);
  const annual_rate r = annual_rate::unchecked(p[cost_input::cost_of_capital]);
  const auto owned = owned_hardware<C>::unchecked(
      {money<C>::from_value(p[cost_input::hardware_price]),
       duration::from_value(p[cost_input::hardware_life_years] * detail::seconds_per_year),
       fraction::unchecked(p[cost_input::hardware_residual_fraction]), r});
  const auto rented = rented_hardware<C>::unchecked({cost_rate<C>::from_value(
      p[cost_input::rental_per_accelerator_hour] / detail::seconds_per_hour)});
  const auto built = built_facility<C>::unchecked(
      {money_per_power<C>::from_value(p[cost_input::facility_build_per_mw] / 1e6),
       duration::from_value(p[cost_input::facility_life_years] * detail::seconds_per_year), r});
  const auto colo = colocation<C>::unchecked({money_per_power_time<C>::from_value(
      p[cost_input::colocation_per_kw_month] / detail::watts_per_kw /
      (detail::seconds_per_year / 12.0))});
  const bool has_facility = p.facility != facility_terms::none;
  if (p.hardware == hardware_terms::rented) {
    return p.facility == facility_terms::colocation
               ? detail::evaluate_with<C>(p, op, &rented, &colo)
               : detail::evaluate_with<C>(p, op, &rented, has_facility ? &built : nullptr);
  }
  const owned_hardware<C>* hw = p.hardware == hardware_terms::owned ? &owned : nullptr;
  return p.facility == facility_terms::colocation
             ? detail::evaluate_with<C>(p, op, hw, &colo)
             : detail::evaluate_with<C>(p, op, hw, has_facility ? &built : nullptr);
}

// An evaluation's figures in display units, in cost_output order (per Mtok, per hour, tok/J,
// tok/s per MW, per MW-year); with no price (`priced` false), the last two are not written. The
// Monte Carlo engines and the reports (tpw/io) read the figures through this one conversion.
template <currency_type C>
TPW_HD constexpr void economics_figures(const economics<C>& e, bool priced, double* y) noexcept {
  using out = cost_output;
  y[output_index(out::cost_per_mtok)] = e.cost_per_token.total.value() * 1e6;
  y[output_index(out::cost_per_mtok_hardware)] = e.cost_per_token.hardware.value() * 1e6;
  y[output_index(out::cost_per_mtok_facility)] = e.cost_per_token.facility.value() * 1e6;
  y[output_index(out::cost_per_mtok_energy)] = e.cost_per_token.energy.value() * 1e6;
  y[output_index(out::cost_per_mtok_opex)] = e.cost_per_token.opex.value() * 1e6;
  y[output_index(out::cost_per_accelerator_hour)] = e.cost_per_accelerator_hour.value();
  y[output_index(out::tokens_per_joule)] = e.tokens_per_joule.value();
  y[output_index(out::tokens_per_s_per_mw)] = e.tokens_per_s_per_power.value() * 1e6;
  if (priced) {
    y[output_index(out::revenue_per_mw_year)] =
        e.revenue->revenue_per_power_time.value() * 1e6 * detail::seconds_per_year;
    y[output_index(out::gross_margin)] = e.revenue->gross_margin;
  }
}

// One sample's figures in display units, in cost_output order; with no price, the last two are
// not written.
template <currency_type C>
TPW_FLATTEN TPW_HD constexpr void cost_figures(const cost_parameters& p, double* y) noexcept {
  economics_figures<C>(evaluate_cost_parameters<C>(p), p.priced, y);
}

// Where a batch's parameters are: parameter c of sample s at rows[c][s].
using parameter_rows = std::array<const double*, cost_input_count>;

namespace detail {

// The figures of a batch of samples with the terms fixed at compile time (the branches on them
// fold away), so that the loop over the samples, which calls the one-sample cost_figures,
// vectorizes: output k at y[k * Stride + s].
template <currency_type C, hardware_terms H, facility_terms F, bool Priced, std::size_t Stride>
TPW_FLATTEN void cost_figures_of_rows(const parameter_rows rows, double* TPW_RESTRICT y,
                                      std::size_t count) noexcept {
  for (std::size_t s = 0; s < count; ++s) {
    cost_parameters p;
    p.hardware = H;
    p.facility = F;
    p.priced = Priced;
    p.idle_given = true;  // cost_figures_batch pointed the powers that follow IT power at its row
    p.provisioned_given = true;
    TPW_UNROLL(20)
    for (std::size_t c = 0; c < cost_input_count; ++c) p.values[c] = rows[c][s];
    double out[cost_output_count];
    cost_figures<C>(p, out);
    constexpr std::size_t outputs = Priced ? cost_output_count : cost_output_count - 2;
    TPW_UNROLL(10)
    for (std::size_t k = 0; k < outputs; ++k) y[k * Stride + s] = out[k];
  }
}

template <currency_type C, hardware_terms H, facility_terms F, std::size_t Stride>
void cost_figures_priced_or_not(const cost_parameters& base, const parameter_rows& rows, double* y,
                                std::size_t count) noexcept {
  if (base.priced) {
    cost_figures_of_rows<C, H, F, true, Stride>(rows, y, count);
  } else {
    cost_figures_of_rows<C, H, F, false, Stride>(rows, y, count);
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
  [[nodiscard]] TPW_HD constexpr std::uint32_t outputs() const noexcept {
    return base.priced ? static_cast<std::uint32_t>(cost_output_count)
                       : static_cast<std::uint32_t>(cost_output_count - 2);
  }
};

// Sample i of a plan under a design: its uniforms, the copula, each input's inverse CDF, then the
// cost figures into y (plan.outputs() values); x receives the inputs' values. The CPU tests check
// it against the CPU engine sample by sample; the GPU engine calls it in its kernels.
template <currency_type C>
TPW_HD constexpr void plan_figures(const cost_plan& plan, const design_view& design,
                                   std::uint64_t i, double* x, double* y) noexcept {
  double u[cost_input_count];
  design_uniforms(design, i, u, plan.inputs);
  if (plan.correlated) {
    double z[cost_input_count];
    gaussian_copula(plan.cholesky.data(), plan.inputs, u, z);
  }
  cost_parameters p = plan.base;
  for (std::uint32_t k = 0; k < plan.inputs; ++k) {
    x[k] = closed_form_quantile(plan.dists[k], u[k]);
    p[plan.slots[k]] = x[k];
  }
  cost_figures<C>(p, y);
}

}  // namespace tpw::mc
