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
#include <span>
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

// What becomes of the interest accrued on the debt during the build years.
enum class construction_interest {
  capitalized,  // added to the cost of the first purchases and depreciated with them (the default)
  expensed,     // deducted as it accrues: a loss carried forward into the first operating year
};

struct debt_terms {
  double share = 0.0;  // of the first purchases' capex, [0, 1]
  double rate = 0.0;   // annual interest, [0, 1]
  int term_years = 1;  // level payments over this many operating years, 1..100
  construction_interest during_construction = construction_interest::capitalized;
};

// When a year's flows are discounted.
enum class discounting_convention {
  end_of_year,  // every row of the table at its point t (the default)
  mid_year,     // an operating year's running flows at its middle, t - 1/2; capex and residual
                // (sales) at their points
};

struct project_terms {
  double discount_rate = 0.0;         // annual, for the project NPV: (-1, 1]
  double equity_discount_rate = 0.0;  // annual, for the equity NPV: (-1, 1]
  double revenue_fee_share = 0.0;     // [0, 1)
  double energy_escalation = 0.0;     // per year, [-0.5, 1]
  double opex_escalation = 0.0;       // per year, [-0.5, 1]
  tax_terms tax{};
  debt_terms debt{};
  discounting_convention discounting = discounting_convention::end_of_year;
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
  // Debt-service coverage: the cash available for debt service (equity flow + debt service -
  // debt drawn) over the debt service, in a year with debt service; empty otherwise.
  std::optional<double> dscr;

  [[nodiscard]] money<C> debt_service() const noexcept { return interest + principal; }
};

template <currency_type C>
struct project_finance {
  std::vector<project_year<C>> years;
  money<C> investment{};             // the first purchases' capex
  money<C> replacement_capex{};      // the purchases after them, in total
  money<C> debt{};                   // drawn in total
  money<C> construction_interest{};  // accrued on the debt during the build years
  money<C> project_npv{};
  money<C> equity_npv{};
  irr_result project_irr;
  irr_result equity_irr;
  std::optional<double> payback_years;             // project flows; empty: never (see the reason)
  std::optional<double> discounted_payback_years;  // at the discount rate
  std::string payback_reason;                      // why there is none; empty when there is
  std::string discounted_payback_reason;
  // Net cash back over cash in, of the project's flows (tpw::return_on_investment).
  std::optional<double> return_on_investment;
  // Cash back over cash in, of the equity's flows (tpw::multiple_on_invested_capital).
  std::optional<double> equity_moic;
  // Revenue in total over the first investment (the trade press's "15x"; not a return).
  std::optional<double> revenue_multiple;
  std::optional<double> min_dscr;  // the least yearly debt-service coverage; empty without debt

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

// A project's tax lines per operating year k = 1 .. n, lane s at [(k - 1) * Lanes + s]: the tax
// depreciation of the hardware and of the facility, the tax book value of what is sold at the end
// of year k (a replaced purchase, and every purchase at the end of the last year), and the
// deduction of one unit of interest during construction (capitalized: spread over the first
// purchases as their depreciation, what is left deducted when they are sold; expensed: all in
// year 1).
struct tax_view {
  const double* hardware = nullptr;
  const double* facility = nullptr;
  const double* book_sold = nullptr;
  const double* construction_interest = nullptr;
};

// One asset's purchases (bought: the lines' amounts by year t) written off by `unit` (the tax
// depreciation of an asset costing 1, by year of service) from the year each is placed in
// service until it is sold, `service[s]` years later or at the end: charges into `charges`, the
// book value left at the sale into `book_sold`. With weight[s] != 0, weight[s] times the first
// purchase's own stream per unit of cost (its charges, then its book at the sale) is added to
// `first_unit`. A purchase is bought where replace_asset buys it: the first in the build years,
// then every service[s] years. Lanes with the same service (the usual case: a life that is not
// uncertain) are written together, lanes innermost.
template <int Lanes>
TPW_HD void asset_tax_lines(const basic_project_lines<Lanes>& l, const double* bought,
                            const int* service, const double* unit, double* charges,
                            double* book_sold, double* first_unit, const double* weight) noexcept {
  const int n = l.operating_years;
  const int build = l.build_years;
  // The purchases of lanes [from, to), all serving `years`, with cost[s] placed in service at k0.
  const auto write_off = [&](int from, int to, int years, int k0, const double* cost, double* into,
                             double* book) {
    const int last = k0 + years - 1 < n ? k0 + years - 1 : n;
    double written = 0.0;
    for (int k = k0; k <= last; ++k) {
      const double u = unit[k - k0];
      written += u;
      for (int s = from; s < to; ++s) into[(k - 1) * Lanes + s] += cost[s] * u;
    }
    for (int s = from; s < to; ++s) book[(last - 1) * Lanes + s] += cost[s] * (1.0 - written);
  };
  const auto lanes = [&](int from, int to, int years) {
    double first[Lanes];
    bool weighted = false;
    for (int s = from; s < to; ++s) {
      first[s] = 0.0;
      for (int t = 0; t <= build; ++t) first[s] += bought[t * Lanes + s];
      weighted = weighted || weight[s] != 0.0;
    }
    write_off(from, to, years, 1, first, charges, book_sold);
    if (first_unit != nullptr && weighted)
      write_off(from, to, years, 1, weight, first_unit, first_unit);
    for (int m = years; m < n; m += years) {
      write_off(from, to, years, m + 1, bought + (build + m) * Lanes, charges, book_sold);
    }
  };
  bool uniform = true;
  for (int s = 1; s < Lanes; ++s) uniform = uniform && service[s] == service[0];
  if (uniform) {
    lanes(0, Lanes, service[0]);
  } else {
    for (int s = 0; s < Lanes; ++s) lanes(s, s + 1, service[s]);
  }
}

// The tax lines of Lanes projects (tax_view's, written to the four arrays of n * Lanes), from
// their lines, the unit schedules of the hardware and the facility (unit_tax_schedule) and their
// terms. The one place purchases become tax depreciation: finance_project and the Monte Carlo
// project model call it.
template <int Lanes>
TPW_HD void project_tax_lines(const basic_project_lines<Lanes>& l, const project_terms* terms,
                              const double* hardware_unit, const double* facility_unit,
                              double* hardware, double* facility, double* book_sold,
                              double* construction) noexcept {
  const int n = l.operating_years;
  for (int i = 0; i < n * Lanes; ++i) {
    hardware[i] = 0.0;
    facility[i] = 0.0;
    book_sold[i] = 0.0;
    construction[i] = 0.0;
  }
  double hardware_weight[Lanes];
  double facility_weight[Lanes];
  for (int s = 0; s < Lanes; ++s) {
    const double first = l.hardware_capex[s] + l.facility_capex[s];
    const bool capitalized =
        terms[s].debt.during_construction == construction_interest::capitalized;
    hardware_weight[s] = !capitalized || first <= 0.0 ? 0.0 : l.hardware_capex[s] / first;
    facility_weight[s] = !capitalized || first <= 0.0 ? 0.0 : l.facility_capex[s] / first;
  }
  asset_tax_lines(l, l.hardware_bought, l.hardware_service, hardware_unit, hardware, book_sold,
                  construction, hardware_weight);
  asset_tax_lines(l, l.facility_bought, l.facility_service, facility_unit, facility, book_sold,
                  construction, facility_weight);
  for (int s = 0; s < Lanes; ++s) {
    if (terms[s].debt.during_construction == construction_interest::expensed) construction[s] = 1.0;
  }
}

// A level loan's schedule, exact at any rate: `balance` at the start of operation repaid over
// `term` years by equal payments, principal in year k = balance * r / ((1 + r)^term - 1) *
// (1 + r)^(k - 1) (the closed form, never the payment less a rounded interest), the term's last
// year repaying what is left, so the balance is exactly zero after it.
struct level_loan {
  double balance = 0.0;         // outstanding
  double next_principal = 0.0;  // principal due in the coming year of the term
  double growth = 1.0;          // 1 + r

  TPW_HD static level_loan of(double amount, double r, int term) noexcept {
    level_loan loan;
    loan.balance = amount;
    loan.growth = 1.0 + r;
    loan.next_principal =
        r == 0.0 ? amount / static_cast<double>(term) : amount * (r / expm1_of(term * log1p_of(r)));
    return loan;
  }
};

// The project's and the equity's flows each year from the cash view and the terms, given each
// operating year's tax lines (tax_view; hardware[k - 1] in year k); with `shown`, also the
// table's other lines. The one place the fee, escalation, tax and debt formulas are written:
// finance_project and the Monte Carlo project model call it.
//
// Lanes projects at once (see basic_project_lines): lane s has terms[s], its tax lines at
// [(k - 1) * Lanes + s] and its flows at project[t * Lanes + s]; the lanes share the timeline and
// the debt's term. Each lane's numbers are those it would have on its own; running the lanes'
// years together lets a core overlap their dependency chains (the debt's balance, the losses
// carried forward), which one project's years cannot. `shown` only with one lane. With Equity
// false, only the project's flows: the equity's (its debt, interest and tax) are skipped, for a
// caller that reads no equity figure.
template <int Lanes, bool Equity = true>
TPW_HD void project_lane_flows(const basic_project_lines<Lanes>& l, const project_terms* terms,
                               const tax_view& taxes, double* project, double* equity,
                               project_detail* shown) noexcept {
  static_assert(Lanes >= 1);
  static_assert(Equity || Lanes > 1, "the table (one lane) shows the equity's lines");
  const int n = l.operating_years;
  const int build = l.build_years;
  const int term = terms[0].debt.term_years;

  // Per lane: the debt (drawn with the first purchases, interest capitalized during the build,
  // then a level loan) and the running state below.
  double share[Lanes], r[Lanes], construction[Lanes];
  level_loan loan[Lanes];
  double fee_share[Lanes], energy_escalation[Lanes], opex_escalation[Lanes], tax_rate[Lanes];
  double losses[Lanes], project_losses[Lanes], debt[Lanes];
  double energy_growth[Lanes], opex_growth[Lanes];  // (1 + escalation)^(k - 1)
  for (int s = 0; s < Lanes; ++s) {
    share[s] = terms[s].debt.share;
    r[s] = terms[s].debt.rate;
    construction[s] = 0.0;
    if constexpr (Equity) {
      double b = 0.0;
      double drawn = 0.0;
      for (int t = 0; t < build; ++t) {
        b += l.capex[t * Lanes + s] * share[s];
        drawn += l.capex[t * Lanes + s] * share[s];
        b *= 1.0 + r[s];
      }
      b += l.capex[build * Lanes + s] * share[s];
      drawn += l.capex[build * Lanes + s] * share[s];
      construction[s] = b - drawn;
      loan[s] = level_loan::of(b, r[s], term);
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
      project[t * Lanes + s] = 0.0 - capex;  // +0, not -0, in a year without capex
      if constexpr (Equity) equity[t * Lanes + s] = drawn - capex;
      show(t, 0.0, 0.0, 0.0, 0.0, drawn, 0.0, 0.0, 0.0);
    }
  }
  // The operating years, k = 1 .. n. Within a year the lanes run the same branch-free code.
  // Replacements are paid from the year's cash, not drawn.
  for (int k = 1; k <= n; ++k) {
    const int t = build + k;
    const bool paying = k <= term;
    const bool closing = k == term || k == n;  // the term's last year, or the project's
    const double* revenue = l.revenue + t * Lanes;
    const double* energy_cost = l.energy + t * Lanes;
    const double* operating_cost = l.operating + t * Lanes;
    const double* capex = l.capex + t * Lanes;
    const double* residual = l.residual + t * Lanes;
    const double* hardware_charge = taxes.hardware + (k - 1) * Lanes;
    const double* facility_charge = taxes.facility + (k - 1) * Lanes;
    const double* book_sold = taxes.book_sold + (k - 1) * Lanes;
    const double* construction_unit = taxes.construction_interest + (k - 1) * Lanes;
    for (int s = 0; s < Lanes; ++s) {
      const double fee = revenue[s] * fee_share[s];
      const double energy = energy_cost[s] * energy_growth[s];
      const double other = operating_cost[s] * opex_growth[s];
      energy_growth[s] *= 1.0 + energy_escalation[s];
      opex_growth[s] *= 1.0 + opex_escalation[s];
      const double depreciation = hardware_charge[s] + facility_charge[s];
      const double gain = residual[s] - book_sold[s];
      const double operating = revenue[s] - fee - energy - other - depreciation + gain;
      const double project_tax = tax_on(operating, project_losses[s], tax_rate[s]);
      const double cash = revenue[s] - fee - energy - other - capex[s] + residual[s];
      project[t * Lanes + s] = cash - project_tax;
      if constexpr (Equity) {
        level_loan& d = loan[s];
        const double interest = d.balance * r[s];  // zero once the loan is repaid
        // The term's principal (closed form), or what is left in its last year or the project's.
        const double principal = closing ? d.balance : (paying ? d.next_principal : 0.0);
        d.balance -= principal;
        d.next_principal *= d.growth;
        const double deducted = interest + construction[s] * construction_unit[s];
        const double tax = tax_on(operating - deducted, losses[s], tax_rate[s]);
        equity[t * Lanes + s] = cash - interest - principal - tax;
        show(t, fee, energy, other, depreciation, 0.0, interest, principal, tax);
      }
    }
  }
  if constexpr (Lanes == 1) {
    if (shown != nullptr) {
      shown->debt = debt[0];
      shown->construction_interest = construction[0];
    }
  } else {
    (void)shown;
  }
}

// One project's flows (project_lane_flows with one lane).
TPW_HD inline void project_flows_of(const project_lines& l, const project_terms& terms,
                                    const tax_view& taxes, double* project, double* equity,
                                    project_detail* shown) noexcept {
  project_lane_flows(l, &terms, taxes, project, equity, shown);
}

}  // namespace detail

namespace detail {

// A cash view's purchases line, or the first purchase alone when the view gives none. A line
// given holds one amount a year, bought in the build years or at the end of every `service`
// operating years before the last (where project_cash_flows buys them).
template <currency_type C>
void purchases_into(const cash_flows<C>& flows, const std::vector<money<C>>& line, money<C> first,
                    int service, const char* field, double* out) {
  if (!line.empty()) {
    const auto years = static_cast<std::size_t>(flows.build_years + flows.operating_years + 1);
    if (line.size() != years) {
      throw invalid_input(std::string("cash_flows.").append(field).append(".size"),
                          static_cast<double>(line.size()),
                          "must hold one amount per year, build_years + operating_years + 1 = " +
                              std::to_string(years));
    }
    for (std::size_t t = 0; t < line.size(); ++t) {
      const double x = line[t].value();
      const int m = static_cast<int>(t) - flows.build_years;
      const bool when = m <= 0 || (m % service == 0 && m < flows.operating_years);
      if (!is_finite(x) || x < 0.0 || (x != 0.0 && !when)) {
        throw invalid_input(
            std::string("cash_flows.")
                .append(field)
                .append("[")
                .append(std::to_string(t))
                .append("]"),
            x,
            "must be a finite amount >= 0, bought in a build year or at the end of every " +
                std::to_string(service) +
                " operating years (the purchase's service) before the last");
      }
      out[t] = x;
    }
    return;
  }
  out[0] = first.value();
  for (int t = 1; t < flows.build_years + flows.operating_years + 1; ++t) out[t] = 0.0;
}

// The NPV of a project's flows at r under a convention: capital[t] is the part of flow[t] that
// stays at its point under the mid-year convention (the capex and the sales); the rows up to
// build_years are points.
inline double convention_npv(const double* flow, const double* capital, int years, int build,
                             double r, discounting_convention c) {
  double npv = 0.0;
  const double half = c == discounting_convention::mid_year ? std::sqrt(1.0 + r) : 1.0;
  lane_npvs<1>(
      years,
      [&](int t, int) { return t <= build ? flow[t] : mid_year_flow(flow[t], capital[t], half); },
      &r, &npv);
  return npv;
}

// The IRR under a convention: with mid_year, the roots of the half-year series (the capital part
// of row t at half-year 2t, its running part at 2t - 1), each annualized.
inline irr_result convention_irr(const double* flow, const double* capital, int years, int build,
                                 discounting_convention c) {
  if (c == discounting_convention::end_of_year) {
    return irr_of(std::span<const double>(flow, static_cast<std::size_t>(years)));
  }
  std::vector<double> halves(static_cast<std::size_t>(2 * years - 1), 0.0);
  for (int t = 0; t < years; ++t) {
    const auto at = static_cast<std::size_t>(2 * t);
    if (t <= build) {
      halves[at] = flow[t];
    } else {
      halves[at] = capital[t];
      halves[at - 1] = flow[t] - capital[t];
    }
  }
  irr_result r = irr_of(halves);
  for (double& rate : r.rates) rate = (1.0 + rate) * (1.0 + rate) - 1.0;
  return r;
}

// The discounted payback under a convention (mid_year: running parts at t - 1/2).
inline payback_scan convention_discounted_payback(const double* flow, const double* capital,
                                                  int years, int build, double r,
                                                  discounting_convention c) {
  const double half = c == discounting_convention::mid_year ? std::sqrt(1.0 + r) : 1.0;
  double discount = 1.0;
  return payback_of(static_cast<std::size_t>(years), [&](std::size_t i) {
    const int t = static_cast<int>(i);
    const double f = (t <= build ? flow[t] : mid_year_flow(flow[t], capital[t], half)) * discount;
    discount /= 1.0 + r;
    return f;
  });
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
  out.replacement_capex = flows.total_capex() - flows.investment();
  if (out.replacement_capex.value() < 1e-9 * out.investment.value()) {
    out.replacement_capex = money<C>{};
  }
  out.revenue_multiple = flows.revenue_multiple();

  const auto lines = std::make_unique<detail::project_lines>();
  lines->build_years = build;
  lines->operating_years = n;
  lines->hardware_capex[0] = flows.hardware_capex.value();
  lines->facility_capex[0] = flows.facility_capex.value();
  const auto service = [n](int years_of_service) {
    return years_of_service >= 1 && years_of_service < n ? years_of_service : n;
  };
  lines->hardware_service[0] = service(flows.hardware_service_years);
  lines->facility_service[0] = service(flows.facility_service_years);
  detail::purchases_into(flows, flows.hardware_purchases, flows.hardware_capex,
                         lines->hardware_service[0], "hardware_purchases", lines->hardware_bought);
  detail::purchases_into(flows, flows.facility_purchases, flows.facility_capex,
                         lines->facility_service[0], "facility_purchases", lines->facility_bought);
  for (std::size_t t = 0; t < years; ++t) {
    lines->utilization[t] = flows.utilization[t];
    lines->tokens[t] = flows.tokens_made[t].value();
    lines->capex[t] = flows.capex[t].value();
    lines->revenue[t] = flows.revenue[t].value();
    lines->energy[t] = flows.energy[t].value();
    lines->operating[t] = flows.operating[t].value();
    lines->residual[t] = flows.residual[t].value();
  }
  // Tax lines by operating year.
  const auto unit_of = [&](int life) {
    std::vector<double> unit(static_cast<std::size_t>(n), 0.0);
    const auto charges = detail::tax_schedule<C>(money<C>::from_value(1.0), life, terms.tax, n);
    for (std::size_t k = 0; k < unit.size(); ++k) unit[k] = charges[k].value();
    return unit;
  };
  const auto hardware_unit = unit_of(terms.tax.hardware_years);
  const auto facility_unit = unit_of(terms.tax.facility_years);
  const auto size = static_cast<std::size_t>(n);
  std::vector<double> hardware(size), facility(size), book_sold(size), construction(size);
  detail::project_tax_lines(*lines, &terms, hardware_unit.data(), facility_unit.data(),
                            hardware.data(), facility.data(), book_sold.data(),
                            construction.data());
  std::vector<double> project_flow(years);
  std::vector<double> equity_flow(years);
  const auto shown = std::make_unique<detail::project_detail>();
  detail::project_flows_of(
      *lines, terms, {hardware.data(), facility.data(), book_sold.data(), construction.data()},
      project_flow.data(), equity_flow.data(), shown.get());
  out.debt = money<C>::from_value(shown->debt);
  out.construction_interest = money<C>::from_value(shown->construction_interest);
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
    const double service_due = shown->interest[t] + shown->principal[t];
    if (service_due > 0.0) {
      y.dscr = (equity_flow[t] + service_due - shown->debt_drawn[t]) / service_due;
      if (!out.min_dscr || *y.dscr < *out.min_dscr) out.min_dscr = y.dscr;
    }
  }

  std::vector<double> capital(years);
  for (std::size_t t = 0; t < years; ++t) capital[t] = lines->residual[t] - lines->capex[t];
  const int count = static_cast<int>(years);
  const auto c = terms.discounting;
  out.project_npv = money<C>::from_value(detail::convention_npv(
      project_flow.data(), capital.data(), count, build, terms.discount_rate, c));
  out.equity_npv = money<C>::from_value(detail::convention_npv(
      equity_flow.data(), capital.data(), count, build, terms.equity_discount_rate, c));
  out.project_irr = detail::convention_irr(project_flow.data(), capital.data(), count, build, c);
  out.equity_irr = detail::convention_irr(equity_flow.data(), capital.data(), count, build, c);
  const detail::payback_scan payback = detail::payback_value(project_flow);
  const detail::payback_scan discounted = detail::convention_discounted_payback(
      project_flow.data(), capital.data(), count, build, terms.discount_rate, c);
  out.payback_years = payback.years;
  out.payback_reason = detail::payback_reason(payback);
  out.discounted_payback_years = discounted.years;
  out.discounted_payback_reason = detail::payback_reason(discounted);
  out.return_on_investment = detail::return_on_investment_value(project_flow);
  out.equity_moic = detail::multiple_on_invested_capital_value(equity_flow);
  return out;
}

}  // namespace tpw
