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
#include <optional>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/finance/cash_flows.hpp"
#include "tpw/finance/depreciation.hpp"
#include "tpw/finance/measures.hpp"
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

// Income tax on a year's income, using and feeding the losses carried forward.
template <currency_type C>
money<C> tax_on(money<C> income, double rate, money<C>& losses) {
  if (income.value() < 0.0) {
    losses -= income;
    return money<C>{};
  }
  const money<C> used = std::min(losses, income);
  losses -= used;
  return (income - used) * rate;
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

// The project's table and measures from the cash view (project_cash_flows) and the terms.
template <currency_type C>
project_finance<C> finance_project(const cash_flows<C>& flows, const project_terms& terms) {
  detail::validate_terms(terms);
  detail::require_cash_view(flows);
  const auto years = flows.capex.size();
  const int n = flows.operating_years;
  const int build = flows.build_years;
  project_finance<C> out;
  out.years.resize(years);
  out.investment = flows.investment();
  out.roi_multiple = flows.roi_multiple();

  // Tax depreciation by operating year, and the tax book value left at the end.
  const auto hardware =
      detail::tax_schedule<C>(flows.hardware_capex, terms.tax.hardware_years, terms.tax, n);
  const auto facility =
      detail::tax_schedule<C>(flows.facility_capex, terms.tax.facility_years, terms.tax, n);
  money<C> written_off{};
  for (int k = 0; k < n; ++k) {
    written_off += hardware[static_cast<std::size_t>(k)] + facility[static_cast<std::size_t>(k)];
  }
  const money<C> book_left = out.investment - written_off;

  // Debt: drawn with the capex, interest capitalized during the build, then level payments.
  money<C> balance{};
  for (std::size_t t = 0; t < years; ++t) {
    out.years[t].debt_drawn = flows.capex[t] * terms.debt.share;
  }
  for (int t = 0; t < build; ++t) {
    balance += out.years[static_cast<std::size_t>(t)].debt_drawn;
    balance *= 1.0 + terms.debt.rate;
  }
  balance += out.years[static_cast<std::size_t>(build)].debt_drawn;
  out.debt = money<C>{};
  for (const auto& y : out.years) out.debt += y.debt_drawn;
  const double r = terms.debt.rate;
  const int term = terms.debt.term_years;
  const money<C> payment = r == 0.0 ? balance / static_cast<double>(term)
                                    : balance * (r / -std::expm1(-term * std::log1p(r)));

  money<C> losses{};
  money<C> project_losses{};
  money<C> cumulative{};
  for (std::size_t t = 0; t < years; ++t) {
    project_year<C>& y = out.years[t];
    y.year = static_cast<int>(t);
    y.utilization = flows.utilization[t];
    y.tokens_made = flows.tokens_made[t];
    y.revenue = flows.revenue[t];
    y.capex = flows.capex[t];
    y.residual = flows.residual[t];
    const int k = static_cast<int>(t) - build;  // operating year, 1..n
    if (k >= 1) {
      y.fee = flows.revenue[t] * terms.revenue_fee_share;
      y.energy = flows.energy[t] * std::pow(1.0 + terms.energy_escalation, k - 1);
      y.other_opex = flows.operating[t] * std::pow(1.0 + terms.opex_escalation, k - 1);
      y.depreciation =
          hardware[static_cast<std::size_t>(k - 1)] + facility[static_cast<std::size_t>(k - 1)];
      if (k <= term) {
        y.interest = balance * r;
        y.principal = payment - y.interest;
      }
      if (k == n) y.principal = balance;  // the last payment, or what the term leaves
      balance -= y.principal;
      const money<C> gain = k == n ? y.residual - book_left : money<C>{};
      const money<C> operating =
          y.revenue - y.fee - y.energy - y.other_opex - y.depreciation + gain;
      y.tax = detail::tax_on<C>(operating - y.interest, terms.tax.rate, losses);
      const money<C> project_tax = detail::tax_on<C>(operating, terms.tax.rate, project_losses);
      const money<C> cash = y.revenue - y.fee - y.energy - y.other_opex - y.capex + y.residual;
      y.project_flow = cash - project_tax;
      y.equity_flow = cash + y.debt_drawn - y.interest - y.principal - y.tax;
    } else {
      y.project_flow = -y.capex;
      y.equity_flow = y.debt_drawn - y.capex;
    }
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
