// tpw/finance/project.hpp: a project's yearly cash flows as a finance team models them, on top of
// the cash view (tpw/finance/cash_flows.hpp): a fee on revenue, cost escalation, income tax with
// tax depreciation, and debt; with project and equity NPV, IRR, payback and the yearly table.
//
// Timeline as in cash_flows: capex at t = 0 .. build_years - 1 (all at t = 0 without a build
// period), operating year k ends at t = build_years + k, the residual value comes at the end.
//
// - Fee: a share of each year's revenue (a model licence, a revenue share).
// - Escalation: operating year k pays energy * (1 + e_energy)^(k - 1) and every other running cost
//   (rental, colocation, maintenance, software, other) * (1 + e_opex)^(k - 1).
// - Tax depreciation: owned hardware and a built facility are written off from the first operating
//   year over their tax lives by the chosen method, to zero; what is not written off by the end is
//   the tax book value, and the residual value above it is a taxable gain (below it, a loss).
// - Income tax: rate * taxable income, with losses carried forward without limit; taxable income
//   is revenue - fee - energy - other running costs - depreciation - interest (+ the gain at the
//   end). The project's own flows are taxed without the interest (the unlevered view).
// - Debt: a share of each capex installment, drawn with it; interest during the build is added to
//   the balance; level payments (an annuity) over the term from the first operating year; any
//   balance left at the last operating year is repaid then.
//
// Project flow = revenue - fee - energy - opex - capex + residual - unlevered tax.
// Equity flow  = revenue - fee - energy - opex - capex + residual + debt drawn - interest
//                - principal - tax.
// The project NPV discounts project flows at the discount rate, the equity NPV equity flows at the
// equity discount rate; payback and discounted payback read the project flows.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/finance/cash_flows.hpp"
#include "tpw/finance/depreciation.hpp"
#include "tpw/finance/measures.hpp"
#include "tpw/finance/project_lines.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

struct tax_terms {
  double rate = 0.0;  // income tax rate, [0, 1)
  depreciation_method method = depreciation_method::straight_line;
  double declining_factor = 2.0;  // declining balance only
  int hardware_years = 1;         // tax life of owned hardware, 1..100
  int facility_years = 1;         // tax life of a built facility, 1..100
};

struct debt_terms {
  double share = 0.0;  // of capex, [0, 1]
  double rate = 0.0;   // annual interest, [0, 1]
  int term_years = 1;  // level payments over this many operating years, 1..100
};

struct project_terms {
  double discount_rate = 0.0;         // annual, for the project NPV: (-1, 1]
  double equity_discount_rate = 0.0;  // annual, for the equity NPV: (-1, 1]
  double revenue_fee_share = 0.0;     // [0, 1)
  double energy_escalation = 0.0;     // per year, [-0.5, 1]
  double opex_escalation = 0.0;       // per year, [-0.5, 1]
  tax_terms tax{};
  debt_terms debt{};
};

// One year of the table; costs positive, flows signed.
template <currency_type C>
struct project_year {
  int year = 0;  // t
  double utilization = 0.0;
  tokens tokens_made{};
  money<C> revenue{};
  money<C> fee{};
  money<C> energy{};
  money<C> other_opex{};
  money<C> capex{};
  money<C> residual{};
  money<C> depreciation{};  // tax depreciation
  money<C> debt_drawn{};
  money<C> interest{};
  money<C> principal{};
  money<C> tax{};           // paid (with the interest deducted)
  money<C> project_flow{};  // unlevered, after its own tax
  money<C> equity_flow{};   // what the owners put in and take out
  money<C> cumulative{};    // of the equity flows

  [[nodiscard]] money<C> debt_service() const noexcept { return interest + principal; }
};

template <currency_type C>
struct project_finance {
  std::vector<project_year<C>> years;
  money<C> investment{};  // capex in total
  money<C> debt{};        // drawn in total
  money<C> project_npv{};
  money<C> equity_npv{};
  irr_result project_irr;
  irr_result equity_irr;
  std::optional<double> payback_years;             // project flows; empty: never
  std::optional<double> discounted_payback_years;  // at the discount rate
  std::optional<double> roi_multiple;              // revenue in total / investment

  [[nodiscard]] std::vector<money<C>> project_flows() const {
    return line(&project_year<C>::project_flow);
  }
  [[nodiscard]] std::vector<money<C>> equity_flows() const {
    return line(&project_year<C>::equity_flow);
  }

 private:
  [[nodiscard]] std::vector<money<C>> line(money<C> project_year<C>::*field) const {
    std::vector<money<C>> out;
    out.reserve(years.size());
    for (const auto& y : years) out.push_back(y.*field);
    return out;
  }
};

namespace detail {

inline void require_in(const char* field, double x, double low, double high, bool low_included,
                       bool high_included, const char* meaning) {
  const bool ok =
      is_finite(x) && (low_included ? x >= low : x > low) && (high_included ? x <= high : x < high);
  if (!ok) {
    const std::string rule = std::string("must be in ")
                                 .append(interval_text(low, high, low_included, high_included))
                                 .append(": ")
                                 .append(meaning);
    throw invalid_input(field, x, rule);
  }
}

inline void validate_terms(const project_terms& t) {
  require_in("finance.discount_rate", t.discount_rate, -1.0, 1.0, false, true, "an annual rate");
  require_in("finance.equity_discount_rate", t.equity_discount_rate, -1.0, 1.0, false, true,
             "an annual rate");
  require_in("finance.revenue_fee_share", t.revenue_fee_share, 0.0, 1.0, true, false,
             "the share of revenue paid as a fee");
  require_in("finance.energy_escalation", t.energy_escalation, -0.5, 1.0, true, true,
             "the yearly growth of energy costs");
  require_in("finance.opex_escalation", t.opex_escalation, -0.5, 1.0, true, true,
             "the yearly growth of running costs other than energy");
  require_in("finance.tax.rate", t.tax.rate, 0.0, 1.0, true, false, "an income tax rate");
  require_years("finance.tax.hardware_years", t.tax.hardware_years);
  require_years("finance.tax.facility_years", t.tax.facility_years);
  if (t.tax.method == depreciation_method::declining_balance) {
    require_in("finance.tax.declining_factor", t.tax.declining_factor, 0.0, 10.0, false, true,
               "2 is double-declining balance");
  }
  require_in("finance.debt.share", t.debt.share, 0.0, 1.0, true, true, "the share of capex");
  require_in("finance.debt.rate", t.debt.rate, 0.0, 1.0, true, true, "an annual interest rate");
  require_years("finance.debt.term_years", t.debt.term_years);
}

// Tax depreciation of an asset placed in service at the first operating year, charged in
// operating years 1 .. operating_years (later charges fall past the horizon).
template <currency_type C>
std::vector<money<C>> tax_schedule(money<C> cost, int life, const tax_terms& tax,
                                   int operating_years) {
  std::vector<money<C>> charges(static_cast<std::size_t>(operating_years), money<C>{});
  if (cost.value() <= 0.0) return charges;
  const auto schedule =
      depreciation_schedule<C>({cost, money<C>{}, life, tax.method, tax.declining_factor});
  for (std::size_t k = 0; k < charges.size() && k < schedule.size(); ++k) charges[k] = schedule[k];
  return charges;
}

// The cash view as project_cash_flows makes it: every line one amount per year t = 0 .. build +
// operating years (a hand-made one is checked the same way).
template <currency_type C>
void require_cash_view(const cash_flows<C>& flows) {
  require_years("cash_flows.operating_years", flows.operating_years);
  require_years("cash_flows.build_years", flows.build_years, 0, 20);
  const auto years = static_cast<std::size_t>(flows.build_years + flows.operating_years + 1);
  const auto same = [&](const char* line, std::size_t size) {
    if (size != years) {
      throw invalid_input(std::string("cash_flows.").append(line).append(".size"),
                          static_cast<double>(size),
                          "must hold one amount per year, build_years + operating_years + 1 = " +
                              std::to_string(years));
    }
  };
  same("utilization", flows.utilization.size());
  same("tokens_made", flows.tokens_made.size());
  same("capex", flows.capex.size());
  same("revenue", flows.revenue.size());
  same("energy", flows.energy.size());
  same("operating", flows.operating.size());
  same("residual", flows.residual.size());
}

}  // namespace detail

namespace detail {

// The project's and the equity's flows each year from the cash view and the terms, given each
// operating year's tax depreciation of the hardware and the facility (hardware[k - 1] in year k);
// with `shown`, also the table's other lines. The one place the fee, escalation, tax and debt
// formulas are written: finance_project and the Monte Carlo project model call it.
TPW_HD inline void project_flows_of(const project_lines& l, const project_terms& terms,
                                    const double* hardware, const double* facility, double* project,
                                    double* equity, project_detail* shown) noexcept {
  const int years = l.years();
  const int n = l.operating_years;
  const int build = l.build_years;
  double written_off = 0.0;
  for (int k = 0; k < n; ++k) written_off += hardware[k] + facility[k];
  const double book_left = l.hardware_capex + l.facility_capex - written_off;

  // Debt: drawn with the capex, interest capitalized during the build, then level payments.
  const double share = terms.debt.share;
  const double r = terms.debt.rate;
  double balance = 0.0;
  for (int t = 0; t < build; ++t) {
    balance += l.capex[t] * share;
    balance *= 1.0 + r;
  }
  balance += l.capex[build] * share;
  const int term = terms.debt.term_years;
  const double payment = r == 0.0 ? balance / static_cast<double>(term)
                                  : balance * (r / -expm1_of(-term * log1p_of(r)));

  double losses = 0.0;
  double project_losses = 0.0;
  double energy_growth = 1.0;  // (1 + escalation)^(k - 1)
  double opex_growth = 1.0;
  double debt = 0.0;
  // Income tax on a year's income, using and feeding the losses carried forward: a loss adds to
  // them, a profit uses them first. Written without branches (a sample's years change sign
  // unpredictably); the same numbers as if (income < 0) { carried -= income; return 0; }.
  const auto tax_on = [&](double income, double& carried) {
    const double profit = income > 0.0 ? income : 0.0;
    const double loss = income < 0.0 ? -income : 0.0;
    const double used = carried < profit ? carried : profit;
    carried += loss - used;
    return (profit - used) * terms.tax.rate;
  };
  for (int t = 0; t < years; ++t) {
    const double drawn = l.capex[t] * share;
    debt += drawn;
    const int k = t - build;  // operating year, 1..n
    double fee = 0.0, energy = 0.0, other = 0.0, depreciation = 0.0, interest = 0.0,
           principal = 0.0, tax = 0.0;
    if (k >= 1) {
      fee = l.revenue[t] * terms.revenue_fee_share;
      energy = l.energy[t] * energy_growth;
      other = l.operating[t] * opex_growth;
      energy_growth *= 1.0 + terms.energy_escalation;
      opex_growth *= 1.0 + terms.opex_escalation;
      depreciation = hardware[k - 1] + facility[k - 1];
      if (k <= term) {
        interest = balance * r;
        principal = payment - interest;
      }
      if (k == n) principal = balance;  // the last payment, or what the term leaves
      balance -= principal;
      const double gain = k == n ? l.residual[t] - book_left : 0.0;
      const double operating = l.revenue[t] - fee - energy - other - depreciation + gain;
      tax = tax_on(operating - interest, losses);
      const double project_tax = tax_on(operating, project_losses);
      const double cash = l.revenue[t] - fee - energy - other - l.capex[t] + l.residual[t];
      project[t] = cash - project_tax;
      equity[t] = cash + drawn - interest - principal - tax;
    } else {
      project[t] = -l.capex[t];
      equity[t] = drawn - l.capex[t];
    }
    if (shown != nullptr) {
      shown->fee[t] = fee;
      shown->energy[t] = energy;
      shown->other_opex[t] = other;
      shown->depreciation[t] = depreciation;
      shown->debt_drawn[t] = drawn;
      shown->interest[t] = interest;
      shown->principal[t] = principal;
      shown->tax[t] = tax;
    }
  }
  if (shown != nullptr) shown->debt = debt;
}

}  // namespace detail

// The project's table and measures from the cash view (project_cash_flows) and the terms.
template <currency_type C>
project_finance<C> finance_project(const cash_flows<C>& flows, const project_terms& terms) {
  detail::validate_terms(terms);
  detail::require_cash_view(flows);
  const auto years = flows.capex.size();
  const int n = flows.operating_years;
  project_finance<C> out;
  out.years.resize(years);
  out.investment = flows.investment();
  out.roi_multiple = flows.roi_multiple();

  const auto lines = std::make_unique<detail::project_lines>();
  lines->build_years = flows.build_years;
  lines->operating_years = n;
  lines->hardware_capex = flows.hardware_capex.value();
  lines->facility_capex = flows.facility_capex.value();
  for (std::size_t t = 0; t < years; ++t) {
    lines->utilization[t] = flows.utilization[t];
    lines->tokens[t] = flows.tokens_made[t].value();
    lines->capex[t] = flows.capex[t].value();
    lines->revenue[t] = flows.revenue[t].value();
    lines->energy[t] = flows.energy[t].value();
    lines->operating[t] = flows.operating[t].value();
    lines->residual[t] = flows.residual[t].value();
  }
  // Tax depreciation by operating year.
  const auto plain = [n](const std::vector<money<C>>& schedule) {
    std::vector<double> out(static_cast<std::size_t>(n));
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = schedule[k].value();
    return out;
  };
  const auto hardware =
      plain(detail::tax_schedule<C>(flows.hardware_capex, terms.tax.hardware_years, terms.tax, n));
  const auto facility =
      plain(detail::tax_schedule<C>(flows.facility_capex, terms.tax.facility_years, terms.tax, n));
  std::vector<double> project_flow(years);
  std::vector<double> equity_flow(years);
  const auto shown = std::make_unique<detail::project_detail>();
  detail::project_flows_of(*lines, terms, hardware.data(), facility.data(), project_flow.data(),
                           equity_flow.data(), shown.get());
  out.debt = money<C>::from_value(shown->debt);
  money<C> cumulative{};
  for (std::size_t t = 0; t < years; ++t) {
    project_year<C>& y = out.years[t];
    const auto m = [](double x) { return money<C>::from_value(x); };
    y.year = static_cast<int>(t);
    y.utilization = flows.utilization[t];
    y.tokens_made = flows.tokens_made[t];
    y.revenue = flows.revenue[t];
    y.capex = flows.capex[t];
    y.residual = flows.residual[t];
    y.fee = m(shown->fee[t]);
    y.energy = m(shown->energy[t]);
    y.other_opex = m(shown->other_opex[t]);
    y.depreciation = m(shown->depreciation[t]);
    y.debt_drawn = m(shown->debt_drawn[t]);
    y.interest = m(shown->interest[t]);
    y.principal = m(shown->principal[t]);
    y.tax = m(shown->tax[t]);
    y.project_flow = m(project_flow[t]);
    y.equity_flow = m(equity_flow[t]);
    cumulative += y.equity_flow;
    y.cumulative = cumulative;
  }

  const auto project = out.project_flows();
  const auto equity = out.equity_flows();
  out.project_npv = net_present_value(annual_rate::unchecked(terms.discount_rate), project);
  out.equity_npv = net_present_value(annual_rate::unchecked(terms.equity_discount_rate), equity);
  out.project_irr = internal_rate_of_return(project);
  out.equity_irr = internal_rate_of_return(equity);
  out.payback_years = payback_period(project);
  out.discounted_payback_years =
      discounted_payback_period(annual_rate::unchecked(terms.discount_rate), project);
  return out;
}

}  // namespace tpw
