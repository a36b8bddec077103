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
//
// Lanes projects at once (see basic_project_lines): lane s has terms[s], its depreciation at
// hardware[(k - 1) * Lanes + s] and its flows at project[t * Lanes + s]; the lanes share the
// timeline and the debt's term. Each lane's numbers are those it would have on its own; running
// the lanes' years together lets a core overlap their dependency chains (the debt's balance, the
// losses carried forward), which one project's years cannot. `shown` only with one lane. With
// Equity false, only the project's flows: the equity's (its debt, interest and tax) are skipped,
// for a caller that reads no equity figure.
template <int Lanes, bool Equity = true>
TPW_HD void project_lane_flows(const basic_project_lines<Lanes>& l, const project_terms* terms,
                               const double* hardware, const double* facility, double* project,
                               double* equity, project_detail* shown) noexcept {
  static_assert(Lanes >= 1);
  static_assert(Equity || Lanes > 1, "the table (one lane) shows the equity's lines");
  const int n = l.operating_years;
  const int build = l.build_years;
  const int term = terms[0].debt.term_years;

  // Per lane: the book value left at the end, the debt (drawn with the capex, interest
  // capitalized during the build, then level payments), and the running state below.
  double book_left[Lanes], share[Lanes], r[Lanes], balance[Lanes], payment[Lanes];
  double fee_share[Lanes], energy_escalation[Lanes], opex_escalation[Lanes], tax_rate[Lanes];
  double losses[Lanes], project_losses[Lanes], debt[Lanes];
  double energy_growth[Lanes], opex_growth[Lanes];  // (1 + escalation)^(k - 1)
  double written_off[Lanes];  // each lane's years in order, the lanes side by side
  for (int s = 0; s < Lanes; ++s) written_off[s] = 0.0;
  for (int k = 0; k < n; ++k) {
    for (int s = 0; s < Lanes; ++s) {
      written_off[s] += hardware[k * Lanes + s] + facility[k * Lanes + s];
    }
  }
  for (int s = 0; s < Lanes; ++s) {
    book_left[s] = l.hardware_capex[s] + l.facility_capex[s] - written_off[s];
    share[s] = terms[s].debt.share;
    r[s] = terms[s].debt.rate;
    if constexpr (Equity) {
      double b = 0.0;
      for (int t = 0; t < build; ++t) {
        b += l.capex[t * Lanes + s] * share[s];
        b *= 1.0 + r[s];
      }
      b += l.capex[build * Lanes + s] * share[s];
      balance[s] = b;
      payment[s] = r[s] == 0.0 ? b / static_cast<double>(term)
                               : b * (r[s] / -expm1_of(-term * log1p_of(r[s])));
    }
    fee_share[s] = terms[s].revenue_fee_share;
    energy_escalation[s] = terms[s].energy_escalation;
    opex_escalation[s] = terms[s].opex_escalation;
    tax_rate[s] = terms[s].tax.rate;
    losses[s] = 0.0;
    project_losses[s] = 0.0;
    debt[s] = 0.0;
    energy_growth[s] = 1.0;
    opex_growth[s] = 1.0;
  }
  // Income tax on a year's income, using and feeding the losses carried forward: a loss adds to
  // them, a profit uses them first. Written without branches (a sample's years change sign
  // unpredictably); the same numbers as if (income < 0) { carried -= income; return 0; }.
  const auto tax_on = [](double income, double& carried, double rate) {
    const double profit = income > 0.0 ? income : 0.0;
    const double loss = income < 0.0 ? -income : 0.0;
    const double used = carried < profit ? carried : profit;
    carried += loss - used;
    return (profit - used) * rate;
  };
  // What the table shows of year t, lane 0.
  const auto show = [&](int t, double fee, double energy, double other, double depreciation,
                        double drawn, double interest, double principal, double tax) {
    if constexpr (Lanes == 1) {
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
  };
  // The build years and year 0: capex, part of it drawn as debt.
  for (int t = 0; t <= build; ++t) {
    for (int s = 0; s < Lanes; ++s) {
      const double capex = l.capex[t * Lanes + s];
      const double drawn = capex * share[s];
      debt[s] += drawn;
      project[t * Lanes + s] = -capex;
      if constexpr (Equity) equity[t * Lanes + s] = drawn - capex;
      show(t, 0.0, 0.0, 0.0, 0.0, drawn, 0.0, 0.0, 0.0);
    }
  }
  // The operating years, k = 1 .. n. Within a year the lanes run the same branch-free code.
  for (int k = 1; k <= n; ++k) {
    const int t = build + k;
    const bool paying = k <= term;
    const bool last = k == n;
    const double* revenue = l.revenue + t * Lanes;
    const double* energy_cost = l.energy + t * Lanes;
    const double* operating_cost = l.operating + t * Lanes;
    const double* capex = l.capex + t * Lanes;
    const double* residual = l.residual + t * Lanes;
    const double* hardware_charge = hardware + (k - 1) * Lanes;
    const double* facility_charge = facility + (k - 1) * Lanes;
    for (int s = 0; s < Lanes; ++s) {
      const double fee = revenue[s] * fee_share[s];
      const double energy = energy_cost[s] * energy_growth[s];
      const double other = operating_cost[s] * opex_growth[s];
      energy_growth[s] *= 1.0 + energy_escalation[s];
      opex_growth[s] *= 1.0 + opex_escalation[s];
      const double depreciation = hardware_charge[s] + facility_charge[s];
      const double gain = last ? residual[s] - book_left[s] : 0.0;
      const double operating = revenue[s] - fee - energy - other - depreciation + gain;
      const double project_tax = tax_on(operating, project_losses[s], tax_rate[s]);
      const double cash = revenue[s] - fee - energy - other - capex[s] + residual[s];
      project[t * Lanes + s] = cash - project_tax;
      if constexpr (Equity) {
        const double drawn = capex[s] * share[s];
        debt[s] += drawn;
        const double interest = paying ? balance[s] * r[s] : 0.0;
        // The last payment, or what the term leaves.
        const double principal = last ? balance[s] : (paying ? payment[s] - interest : 0.0);
        balance[s] -= principal;
        const double tax = tax_on(operating - interest, losses[s], tax_rate[s]);
        equity[t * Lanes + s] = cash + drawn - interest - principal - tax;
        show(t, fee, energy, other, depreciation, drawn, interest, principal, tax);
      }
    }
  }
  if constexpr (Lanes == 1) {
    if (shown != nullptr) shown->debt = debt[0];
  } else {
    (void)shown;
  }
}

// One project's flows (project_lane_flows with one lane).
TPW_HD inline void project_flows_of(const project_lines& l, const project_terms& terms,
                                    const double* hardware, const double* facility, double* project,
                                    double* equity, project_detail* shown) noexcept {
  project_lane_flows(l, &terms, hardware, facility, project, equity, shown);
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
  lines->hardware_capex[0] = flows.hardware_capex.value();
  lines->facility_capex[0] = flows.facility_capex.value();
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
    std::vector<double> values(static_cast<std::size_t>(n));
    for (std::size_t k = 0; k < values.size(); ++k) values[k] = schedule[k].value();
    return values;
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
