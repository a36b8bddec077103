// tpw/finance/project_parameters.hpp: a multi-year project's numbers as plain data, each with its
// scenario path and rule, so that any of them can be uncertain (tpw/mc/project_model.hpp): the
// price decline, the cost escalations, the discount rates, the fee, the tax rate, the debt's share
// and rate, a replacement's price decline, and each year of the utilization ramp. Whole numbers
// (years, terms, tax lives) and the depreciation method stay fixed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "tpw/error.hpp"
#include "tpw/finance/cash_flows.hpp"
#include "tpw/finance/project.hpp"
#include "tpw/finance/project_lines.hpp"
#include "tpw/model/parameters.hpp"

namespace tpw {

// The project's numbers that may be uncertain; the ramp's years follow, utilization_ramp[k] at
// project_ramp_slot + k.
enum class project_input : std::uint32_t {
  price_decline_per_year,
  energy_escalation,
  opex_escalation,
  discount_rate,
  equity_discount_rate,
  revenue_fee_share,
  tax_rate,
  debt_share,
  debt_rate,
  hardware_price_decline,
};
inline constexpr std::size_t project_ramp_slot = 10;
inline constexpr std::size_t max_ramp_years = 100;
inline constexpr std::size_t project_slot_count = project_ramp_slot + max_ramp_years;

// Each number's path and rule (the scenario reader's; cost_input_rule's shape).
inline constexpr std::array<cost_input_rule, project_ramp_slot> project_input_rules{{
    {"finance.price_decline_per_year", 0.0, 1.0, true, false},
    {"finance.energy_escalation", -0.5, 1.0, true, true},
    {"finance.opex_escalation", -0.5, 1.0, true, true},
    {"finance.discount_rate", -0.5, 1.0, true, true},
    {"finance.equity_discount_rate", -0.5, 1.0, true, true},
    {"finance.revenue_fee_share", 0.0, 1.0, true, false},
    {"finance.tax.rate", 0.0, 1.0, true, false},
    {"finance.debt.share", 0.0, 1.0, true, true},
    {"finance.debt.rate", 0.0, 1.0, true, true},
    {"finance.hardware_price_decline_per_year", 0.0, 1.0, true, false},
}};
inline constexpr cost_input_rule ramp_rule{"finance.utilization_ramp[k]", 1e-6, 1.0, true, true};

// A slot's scenario path: "finance.discount_rate", "finance.utilization_ramp[2]".
inline std::string project_slot_path(std::size_t slot) {
  if (slot < project_ramp_slot) return project_input_rules[slot].path;
  return "finance.utilization_ramp[" + std::to_string(slot - project_ramp_slot) + "]";
}
inline const cost_input_rule& project_slot_rule(std::size_t slot) noexcept {
  return slot < project_ramp_slot ? project_input_rules[slot] : ramp_rule;
}

// A project's figures as the Monte Carlo reports them: the NPVs every sample has, then the
// figures a sample may lack (no IRR, never paid back).
inline constexpr std::array<const char*, 6> project_figure_names{
    "project_npv", "equity_npv",    "project_irr",
    "equity_irr",  "payback_years", "discounted_payback_years"};

// A project as plain numbers: the timeline, the terms whose numbers are fixed (tax method and
// lives, the debt's term), and every number that may be uncertain, by slot.
struct project_parameters {
  int build_years = 0;
  int operating_years = 1;
  int ramp_size = 0;
  project_terms terms{};  // its rates are read from `values`
  std::array<double, project_slot_count> values{};
  // The energy price ramp (per joule, operating years 1 .. energy_price_size; cash_flow_plan's
  // energy_price_ramp): fixed numbers, or set sample by sample by a demand curve.
  int energy_price_size = 0;
  std::array<double, max_ramp_years> energy_price{};
  // Rates a scenario leaves to their defaults follow what they default to, sample by sample
  // (terms_at): the discount rate is the cost of capital, the equity's the discount rate.
  bool discount_rate_is_cost_of_capital = false;
  bool equity_rate_is_discount_rate = false;
  replacement_rule replacement = replacement_rule::at_end_of_life;

  TPW_HD double& operator[](project_input k) noexcept {
    return values[static_cast<std::size_t>(k)];
  }
  TPW_HD double operator[](project_input k) const noexcept {
    return values[static_cast<std::size_t>(k)];
  }

  // The terms with this project's numbers.
  [[nodiscard]] TPW_HD project_terms terms_now() const noexcept {
    project_terms t = terms;
    t.discount_rate = (*this)[project_input::discount_rate];
    t.equity_discount_rate = (*this)[project_input::equity_discount_rate];
    t.revenue_fee_share = (*this)[project_input::revenue_fee_share];
    t.energy_escalation = (*this)[project_input::energy_escalation];
    t.opex_escalation = (*this)[project_input::opex_escalation];
    t.tax.rate = (*this)[project_input::tax_rate];
    t.debt.share = (*this)[project_input::debt_share];
    t.debt.rate = (*this)[project_input::debt_rate];
    return t;
  }

  // The terms of a sample whose cost of capital is `cost_of_capital`: terms_now() with the rates
  // that follow another one set from it.
  [[nodiscard]] TPW_HD project_terms terms_at(double cost_of_capital) const noexcept {
    project_terms t = terms_now();
    if (discount_rate_is_cost_of_capital) t.discount_rate = cost_of_capital;
    if (equity_rate_is_discount_rate) t.equity_discount_rate = t.discount_rate;
    return t;
  }

  // The plan's numbers (the ramp read from `values`), at a price per token.
  [[nodiscard]] TPW_HD detail::project_plan_numbers plan_numbers(
      double price_per_token) const noexcept {
    detail::project_plan_numbers p;
    p.build_years = build_years;
    p.operating_years = operating_years;
    p.ramp = values.data() + project_ramp_slot;
    p.ramp_size = ramp_size;
    p.energy_price = energy_price.data();
    p.energy_price_size = energy_price_size;
    p.price_per_token = price_per_token;
    p.price_decline = (*this)[project_input::price_decline_per_year];
    p.hardware_price_decline = (*this)[project_input::hardware_price_decline];
    return p;
  }
};

// The parameters of a plan and its terms (the plan's price is the cost model's).
template <currency_type C>
project_parameters project_parameters_of(const cash_flow_plan<C>& plan,
                                         const project_terms& terms) {
  project_parameters p;
  p.build_years = plan.build_years;
  p.operating_years = plan.operating_years;
  p.ramp_size = static_cast<int>(plan.utilization_ramp.size());
  p.terms = terms;
  p[project_input::price_decline_per_year] = plan.price_decline_per_year.value();
  p[project_input::energy_escalation] = terms.energy_escalation;
  p[project_input::opex_escalation] = terms.opex_escalation;
  p[project_input::discount_rate] = terms.discount_rate;
  p[project_input::equity_discount_rate] = terms.equity_discount_rate;
  p[project_input::revenue_fee_share] = terms.revenue_fee_share;
  p[project_input::tax_rate] = terms.tax.rate;
  p[project_input::debt_share] = terms.debt.share;
  p[project_input::debt_rate] = terms.debt.rate;
  p[project_input::hardware_price_decline] = plan.hardware_price_decline_per_year.value();
  p.replacement = plan.replacement;
  for (std::size_t k = 0; k < plan.utilization_ramp.size(); ++k) {
    p.values[project_ramp_slot + k] = plan.utilization_ramp[k].value();
  }
  p.energy_price_size = static_cast<int>(plan.energy_price_ramp.size());
  for (std::size_t k = 0; k < plan.energy_price_ramp.size(); ++k) {
    p.energy_price[k] = plan.energy_price_ramp[k].value();
  }
  return p;
}

// Each operating year's tax depreciation of an asset costing 1, by the terms' method over `life`
// years (tax depreciation is proportional to the cost: the written-off value is zero).
inline std::array<double, max_ramp_years> unit_tax_schedule(int life, const tax_terms& tax,
                                                            int operating_years) {
  std::array<double, max_ramp_years> out{};
  using X = currency<"XXX">;
  const auto charges =
      detail::tax_schedule<X>(money<X>::from_value(1.0), life, tax, operating_years);
  for (std::size_t k = 0; k < charges.size(); ++k) out[k] = charges[k].value();
  return out;
}

}  // namespace tpw
