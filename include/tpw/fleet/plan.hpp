// tpw/fleet/plan.hpp: a fleet's cohorts over the calendar, priced period by period
// (price_cohorts), or decided by the purchase and refresh rules (plan_fleet). docs/fleet.md
// states the model: capex at the start of a period, the period's margin at its end, a cohort idled
// in any period its margin is negative, one sold when it leaves at its straight-line book value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/finance/measures.hpp"
#include "tpw/fleet/calendar.hpp"
#include "tpw/fleet/spec.hpp"
#include "tpw/model/formulas.hpp"

namespace tpw::fleet {

enum class cohort_origin { installed, bought };

// One purchase (or the installed fleet's share of one generation): in service from the start of
// period `first` until the start of period `end`, when it leaves (retired, its life over, or the
// calendar's end, where it is valued at its book value).
struct cohort {
  std::size_t generation = 0;
  power capacity{};
  cohort_origin origin = cohort_origin::bought;
  int first = 0;     // bought at the start of this period (0 for an installed cohort)
  int life_end = 0;  // the period its life ends, which may lie past the calendar
  int end = 0;       // the period it leaves: first < end <= min(life_end, periods)

  // Retired before its life was over, within the calendar.
  [[nodiscard]] bool retired_early(int periods) const noexcept {
    return end < std::min(life_end, periods);
  }
};

// A cohort in one period: what it made and cost. Capex is paid at the period's start, the rest at
// its end; the residual is the cohort's sale as it leaves at the end of this period.
template <currency_type C>
struct cohort_period {
  int period = 0;
  std::size_t cohort = 0;
  tokens made{};
  money<C> revenue{};
  money<C> running{};
  money<C> capex{};
  money<C> residual{};
  // The MW running: all of it, or none when idled; with a demand, the MW the merit order needs.
  power switched_on{};
  bool idled = false;  // nothing of it ran: its margin was negative, or the demand did not need it
};

template <currency_type C>
struct fleet_ledger {
  calendar when{};
  std::vector<cohort> cohorts;
  std::vector<money<C>> cohort_capex;     // what each cohort cost (0 for an installed one)
  std::vector<money<C>> cohort_residual;  // what each brought as it left
  std::vector<money<C>> cohort_npv;       // each cohort's flows at the fleet's start
  std::vector<cohort_period<C>> rows;     // by period, then cohort
  // By period (0 .. periods - 1).
  std::vector<power> ceiling;
  std::vector<power> in_service;
  std::vector<tokens> made;
  std::vector<money<C>> revenue, running, capex, residual;
  // With a demand (fleet_spec::demand), by period: the tokens asked for and those not made.
  std::vector<tokens> demanded, unserved;
  // The net flow at each period boundary t = 0 .. periods: capex at a period's start, margins and
  // sales at its end.
  std::vector<money<C>> net;
  money<C> npv{};
  irr_result irr;  // annual rates
  std::optional<double> payback_years;
  std::string payback_reason;  // empty with a payback

  // Years a cohort serves within the calendar.
  [[nodiscard]] double service_years(std::size_t k) const noexcept {
    return static_cast<double>(cohorts[k].end - cohorts[k].first) / when.per_year();
  }
};

template <currency_type C>
struct fleet_plan {
  fleet_ledger<C> ledger;
  refresh_rule rule = refresh_rule::fixed_life;
  // best_npv: "exhaustive" when every plan was enumerated, "sequential" when there were more than
  // fleet_spec::max_plans; "rule" for the other rules.
  std::string search = "rule";
  long plans = 1;  // plans priced (best_npv: the enumeration's, then the sequence's)
};

namespace detail {

// Every per-MW figure of the spec by generation and period, in SI values per watt, computed once:
// a plan is then priced in O(1) a cohort from the prefix sums.
struct fleet_tables {
  int periods = 0;
  std::size_t generations = 0;
  double step_discount = 0.0;   // per period
  std::vector<double> tokens;   // [g * periods + p] per W in period p, at availability
  std::vector<double> revenue;  // per W
  // [g * periods + p] per W in period p: the generation's running cost, its energy share
  // escalated at the energy rate and the rest at the opex rate from the calendar's start.
  std::vector<double> running;
  std::vector<double> price;  // per W, a new one at the start of p (its price path)
  std::vector<char> sold;     // whether it can be bought at the start of p
  // [g * (periods + 1) + p]: the margins kept before p (a negative one idles: 0), per W,
  // discounted to t = 0: the sum of max(margin, 0) v^(k + 1) over k < p.
  std::vector<double> kept_prefix;
  std::vector<int> life;               // periods, by generation
  std::vector<double> residual_share;  // by generation
  std::vector<double> ceiling;         // W, by period
  std::vector<double> discount;        // v^t, t = 0 .. periods
  std::vector<double> token_price;     // per token, by period
  // By period: (1 + e)^(years since the start) for the energy and the opex escalation.
  std::vector<double> energy_growth, opex_growth;
  // By generation: a purchase's capital charge per period as a share of its price, (1 - residual
  // share (1 + q)^-L) CRF(q, L) with q the step's rate and L its life in periods.
  std::vector<double> capital_charge;
  // By period: the generation to buy then, -1 (without a demand: the largest value of a purchase
  // kept for its life, when positive; the first generation on a tie), and that value per W.
  std::vector<int> buy;
  std::vector<double> buy_value;
  // With a demand: the tokens asked for in each period, and the generation with the most tokens
  // per W among those worth buying then (bought when the cheapest cannot fit), -1.
  std::vector<double> demand;
  double demand_total = 0.0;  // over the calendar
  std::vector<int> buy_densest;
  // Scratch for serving a period (tables are a worker's own): each cohort's share switched on,
  // the merit order, and the tokens a priced plan left unserved.
  mutable std::vector<double> on;
  mutable std::vector<double> cost;  // each cohort's running cost per token in the period
  mutable std::vector<std::size_t> order;
  mutable double unserved = 0.0;
  // What fill_tables computed with exponentials and logarithms, and the inputs it came from: a
  // Monte Carlo sample whose draws leave them unchanged (the discount rate, a generation's life,
  // residual or price decline) reuses them. Keyed on the calendar and the generations' count too.
  struct derived_memo {
    int start_year = 0, years = 0, every = -1;
    std::size_t generations = 0;
    double discount_rate = std::numeric_limits<double>::quiet_NaN();
    double energy_rate = std::numeric_limits<double>::quiet_NaN();  // the escalations
    double opex_rate = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> charge_rate, charge_residual, charge;  // by generation
    std::vector<int> charge_life;
    std::vector<double> decline, reference, hardware_first, hardware_step;  // by generation
    // By generation, the software gain and the years it can be bought, and from them by cell the
    // gain's factor (grown) and whether it is for sale (fleet_tables::sold).
    std::vector<double> gain;
    std::vector<int> sold_from, sold_until;
    std::vector<double> grown;
  } memo;

  [[nodiscard]] bool meets_demand() const noexcept { return !demand.empty(); }
  [[nodiscard]] std::size_t at(std::size_t g, int p) const noexcept {
    return g * static_cast<std::size_t>(periods) + static_cast<std::size_t>(p);
  }
  [[nodiscard]] double margin(std::size_t g, int p) const noexcept {
    return revenue[at(g, p)] - running[at(g, p)];
  }
  [[nodiscard]] bool for_sale(std::size_t g, int p) const noexcept { return sold[at(g, p)] != 0; }
  // Kept margins of generation g over [first, end), discounted to t = 0, per W.
  [[nodiscard]] double kept_between(std::size_t g, int first, int end) const noexcept {
    const std::size_t row = g * static_cast<std::size_t>(periods + 1);
    return kept_prefix[row + static_cast<std::size_t>(end)] -
           kept_prefix[row + static_cast<std::size_t>(first)];
  }
  // What a cohort of generation g bought at `first` is worth per W as it leaves at `end`: when
  // it leaves within the calendar (its life over, or retired early), its residual share of what
  // it cost (what used hardware of it fetches); at the calendar's end with life left, its
  // straight-line book value (the fleet's terminal value).
  [[nodiscard]] double value_leaving(std::size_t g, int first, int end) const noexcept {
    const double paid = price[at(g, first)];
    const int served = end - first;
    if (end < periods || served >= life[g]) return residual_share[g] * paid;
    return paid * (1.0 - (1.0 - residual_share[g]) * served / life[g]);
  }
  // A token's running cost made by a cohort of g in p (infinite when it makes none).
  [[nodiscard]] double cash_per_token(std::size_t g, int p) const noexcept {
    const double made = tokens[at(g, p)];
    return made > 0.0 ? running[at(g, p)] / made : std::numeric_limits<double>::infinity();
  }
  // A token's full cost from g bought at p: its capital charge and running cost per period over
  // what it makes then (the levelized cost the demand's purchase rule ranks by).
  [[nodiscard]] double levelized_per_token(std::size_t g, int p) const noexcept {
    const double made = tokens[at(g, p)];
    return made > 0.0 ? (price[at(g, p)] * capital_charge[g] + running[at(g, p)]) / made
                      : std::numeric_limits<double>::infinity();
  }
};

inline void least_cost_purchases(fleet_tables& t, int p);

// Without a demand, generation g's row in t.buy: for each period it is for sale, the value per W
// at t = 0 of buying it then and keeping it for its life (or to the calendar's end), its kept
// margins, price and sale (cohort_npv's terms, one period after another); g is bought at p when
// its value is above every earlier generation's and positive.
inline void best_purchases(fleet_tables& t, std::size_t g) {
  const int P = t.periods;
  for (int p = 0; p < P; ++p) {
    const std::size_t i = t.at(g, p);
    if (t.sold[i] == 0) continue;
    const int end = std::min(p + t.life[g], P);
    const double v = t.kept_between(g, p, end) -
                     t.price[i] * t.discount[static_cast<std::size_t>(p)] +
                     t.value_leaving(g, p, end) * t.discount[static_cast<std::size_t>(end)];
    const auto pi = static_cast<std::size_t>(p);
    if (v > t.buy_value[pi]) {
      t.buy_value[pi] = v;
      t.buy[pi] = static_cast<int>(g);
    }
  }
}

template <currency_type C>
void fill_tables(const fleet_spec<C>& s, fleet_tables& t) {
  const calendar& when = s.when;
  const int P = when.periods();
  t.periods = P;
  t.generations = s.generations.size();
  fleet_tables::derived_memo& memo = t.memo;
  const bool same_shape = memo.start_year == when.start_year && memo.years == when.years &&
                          memo.every == static_cast<int>(when.every) &&
                          memo.generations == t.generations;
  if (!same_shape) {
    memo = fleet_tables::derived_memo{};
    memo.start_year = when.start_year;
    memo.years = when.years;
    memo.every = static_cast<int>(when.every);
    memo.generations = t.generations;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (auto* v : {&memo.charge_rate, &memo.charge_residual, &memo.charge, &memo.decline,
                    &memo.reference, &memo.hardware_first, &memo.hardware_step, &memo.gain}) {
      v->assign(t.generations, nan);
    }
    memo.charge_life.assign(t.generations, -1);
    memo.sold_from.assign(t.generations, 0);
    memo.sold_until.assign(t.generations, 0);
    memo.grown.assign(t.generations * static_cast<std::size_t>(when.periods()), 0.0);
  }
  const bool same_rate = same_shape && memo.discount_rate == s.discount_rate.value();
  if (!same_rate) {
    memo.discount_rate = s.discount_rate.value();
    t.step_discount = step_rate::compounding(s.discount_rate, when.every).value();
  }
  const double step_seconds = when.length().value();
  const auto cells = t.generations * static_cast<std::size_t>(P);
  // Every cell is written below: sized, not cleared.
  t.tokens.resize(cells);
  t.revenue.resize(cells);
  t.running.resize(cells);
  t.price.resize(cells);
  t.sold.resize(cells);
  t.kept_prefix.resize(t.generations * static_cast<std::size_t>(P + 1));
  t.life.resize(t.generations);
  t.residual_share.resize(t.generations);
  t.capital_charge.resize(t.generations);
  // Paths by period as running products of one step's factor (a Monte Carlo sample fills these
  // tables: a few exponentials a generation, not three a cell).
  const double n = when.per_year();
  if (!same_rate) {
    const double step_discount = 1.0 / (1.0 + t.step_discount);
    t.discount.resize(static_cast<std::size_t>(P + 1));
    t.discount[0] = 1.0;
    for (int k = 1; k <= P; ++k) {
      t.discount[static_cast<std::size_t>(k)] =
          t.discount[static_cast<std::size_t>(k - 1)] * step_discount;
    }
  }
  t.token_price.resize(static_cast<std::size_t>(P));
  // The token price's path: each period's price times one step of the decline in effect in its
  // year (the first decline, then each phase's from its year on).
  const auto falling = [&](fraction d) { return 1.0 - step_rate::decline(d, when.every).value(); };
  double token_step = falling(s.price_decline_per_year);
  std::size_t passed = 0;  // the phases begun
  t.token_price[0] = s.price.value();
  for (int p = 1; p < P; ++p) {
    if (passed < s.price_phases.size() &&
        s.price_phases[passed].from_year <= when.start_year + (p - 1) / when.per_year()) {
      const int year = when.start_year + (p - 1) / when.per_year();
      while (passed < s.price_phases.size() && s.price_phases[passed].from_year <= year) ++passed;
      token_step = falling(s.price_phases[passed - 1].decline);
    }
    t.token_price[static_cast<std::size_t>(p)] =
        t.token_price[static_cast<std::size_t>(p - 1)] * token_step;
  }
  // Running costs escalate from the calendar's start: energy at one rate, the rest at another
  // (recomputed only when a sample's draws change a rate).
  const double energy_rate = s.energy_escalation_per_year.value();
  const double opex_rate = s.opex_escalation_per_year.value();
  if (!(memo.energy_rate == energy_rate && memo.opex_rate == opex_rate)) {
    const double energy_step =
        1.0 + step_rate::compounding(s.energy_escalation_per_year, when.every).value();
    const double opex_step =
        1.0 + step_rate::compounding(s.opex_escalation_per_year, when.every).value();
    t.energy_growth.resize(static_cast<std::size_t>(P));
    t.opex_growth.resize(static_cast<std::size_t>(P));
    t.energy_growth[0] = 1.0;
    t.opex_growth[0] = 1.0;
    for (int p = 1; p < P; ++p) {
      const auto pi = static_cast<std::size_t>(p);
      t.energy_growth[pi] = t.energy_growth[pi - 1] * energy_step;
      t.opex_growth[pi] = t.opex_growth[pi - 1] * opex_step;
    }
    memo.energy_rate = energy_rate;
    memo.opex_rate = opex_rate;
  }
  t.buy.assign(static_cast<std::size_t>(P), -1);
  t.buy_value.assign(static_cast<std::size_t>(P), 0.0);
  for (std::size_t g = 0; g < t.generations; ++g) {
    const generation<C>& gen = s.generations[g];
    t.life[g] = std::max(1, static_cast<int>(std::lround(gen.life_years * when.per_year())));
    t.residual_share[g] = gen.residual_fraction.value();
    // The model's own discount factor and CRF over the life in periods, at the step's rate.
    const double q = t.step_discount;
    if (!(memo.charge_rate[g] == q && memo.charge_life[g] == t.life[g] &&
          memo.charge_residual[g] == t.residual_share[g])) {
      const double exponent = tpw::detail::growth_exponent(q, t.life[g]);
      memo.charge[g] =
          (1.0 - t.residual_share[g] * tpw::detail::discount_factor_of_exponent(exponent)) *
          tpw::detail::capital_recovery_factor_of_exponent(q, t.life[g], exponent);
      memo.charge_rate[g] = q;
      memo.charge_life[g] = t.life[g];
      memo.charge_residual[g] = t.residual_share[g];
    }
    t.capital_charge[g] = memo.charge[g];
    const double reference = gen.available_from ? *gen.available_from : when.start_year;
    const double gain_rate = gen.throughput_gain_per_year.value();
    const int from = gen.available_from ? *gen.available_from : std::numeric_limits<int>::min();
    const int until = gen.available_until ? *gen.available_until : std::numeric_limits<int>::max();
    if (!(memo.gain[g] == gain_rate && memo.sold_from[g] == from && memo.sold_until[g] == until)) {
      const double gain = gain_rate == 0.0 ? 0.0 : std::log1p(gain_rate);
      for (int p = 0; p < P; ++p) {
        const std::size_t i = t.at(g, p);
        const double date = when.date_of(p);
        memo.grown[i] =
            gain == 0.0 || date <= reference ? 1.0 : std::exp(gain * (date - reference));
        const int year = when.start_year + p / when.per_year();
        t.sold[i] = gen.available_from && year >= from && year <= until ? 1 : 0;
      }
      memo.gain[g] = gain_rate;
      memo.sold_from[g] = from;
      memo.sold_until[g] = until;
    }
    if (!(memo.decline[g] == gen.price_decline_per_year.value() &&
          memo.reference[g] == reference)) {
      const double hardware_fall = std::log1p(-gen.price_decline_per_year.value());
      memo.hardware_step[g] = std::exp(hardware_fall / n);
      memo.hardware_first[g] = std::exp(hardware_fall * (when.date_of(0) - reference));
      memo.decline[g] = gen.price_decline_per_year.value();
      memo.reference[g] = reference;
    }
    const double hardware_step = memo.hardware_step[g];
    double price = gen.price.value() * memo.hardware_first[g];
    const double made = gen.output.value() * step_seconds * gen.availability.value();
    const double running = gen.running_cost.value() * step_seconds;
    const double energy_share = gen.energy_share.value();
    // Each cell's figures in locals, then stored: the prefix sum and the margin never wait on a
    // value just written to memory (the tables may alias as far as the compiler knows).
    const std::size_t row = g * static_cast<std::size_t>(P + 1);
    double prefix = 0.0;
    t.kept_prefix[row] = 0.0;
    for (int p = 0; p < P; ++p) {
      const std::size_t i = t.at(g, p);
      const auto pi = static_cast<std::size_t>(p);
      const double tokens = made * memo.grown[i];
      const double revenue = tokens * t.token_price[pi];
      const double running_cost =
          running * (energy_share * t.energy_growth[pi] + (1.0 - energy_share) * t.opex_growth[pi]);
      t.tokens[i] = tokens;
      t.revenue[i] = revenue;
      t.running[i] = running_cost;
      t.price[i] = price;
      price *= hardware_step;
      prefix += std::max(0.0, revenue - running_cost) * t.discount[pi + 1];  // margin kept
      t.kept_prefix[row + pi + 1] = prefix;
    }
    if (!s.demand) best_purchases(t, g);
  }
  t.ceiling.assign(static_cast<std::size_t>(P), 0.0);
  for (int p = 0; p < P; ++p) {
    const double date = when.date_of(p);
    for (const auto& phase : s.site_power) {
      if (phase.from_year <= date + 1e-9)
        t.ceiling[static_cast<std::size_t>(p)] = phase.ceiling.value();
    }
  }
  if (s.demand) {
    // Tokens asked for in each period: a year's at the step's share, growing by the step's rate.
    const double grow = step_rate::compounding(s.demand->growth_per_year, when.every).value();
    t.demand.resize(static_cast<std::size_t>(P));
    double asked = s.demand->first_year.value() / n;
    t.demand_total = 0.0;
    for (int p = 0; p < P; ++p) {
      t.demand[static_cast<std::size_t>(p)] = asked;
      t.demand_total += asked;
      asked *= 1.0 + grow;
    }
    t.buy_densest.assign(static_cast<std::size_t>(P), -1);
    for (int p = 0; p < P; ++p) least_cost_purchases(t, p);
  } else {
    t.demand.clear();
    t.buy_densest.clear();
  }
}

// The tables of a spec (fill_tables reuses a set's storage, for a Monte Carlo run's samples).
template <currency_type C>
fleet_tables tables_of(const fleet_spec<C>& s) {
  fleet_tables t;
  fill_tables(s, t);
  return t;
}

// A bought cohort's price and sale discounted to the fleet's start (t = 0), SI value; 0 for an
// installed one (sunk).
inline double capital_value(const fleet_tables& t, const cohort& c) {
  if (c.end <= c.first || c.origin != cohort_origin::bought) return 0.0;
  const double price = t.price[t.at(c.generation, c.first)];
  return (-price * t.discount[static_cast<std::size_t>(c.first)] +
          t.value_leaving(c.generation, c.first, c.end) *
              t.discount[static_cast<std::size_t>(c.end)]) *
         c.capacity.value();
}

// A cohort's flows discounted to the fleet's start (t = 0), SI value, without a demand (a
// cohort's margins then depend on no other cohort).
inline double cohort_npv(const fleet_tables& t, const cohort& c) {
  if (c.end <= c.first) return 0.0;
  return t.kept_between(c.generation, c.first, c.end) * c.capacity.value() + capital_value(t, c);
}

// The share of each cohort's MW switched on in period p, into t.on (0 for one not in service);
// returns the tokens asked for and not made. Without a demand a cohort runs whole unless its
// margin is negative. With one, the cohorts whose running cost per token is within the token
// price run in merit order (the least running cost per token first) until the period's demand
// is made: the least running cost that makes it, as running cost is linear in the MW switched on.
inline double serve_period(const fleet_tables& t, const std::vector<cohort>& cohorts, int p) {
  t.on.assign(cohorts.size(), 0.0);
  if (!t.meets_demand()) {
    for (std::size_t k = 0; k < cohorts.size(); ++k) {
      const cohort& c = cohorts[k];
      if (c.first <= p && p < c.end && t.margin(c.generation, p) >= 0.0) t.on[k] = 1.0;
    }
    return 0.0;
  }
  const double price = t.token_price[static_cast<std::size_t>(p)];
  t.order.clear();
  t.cost.assign(cohorts.size(), 0.0);
  for (std::size_t k = 0; k < cohorts.size(); ++k) {
    const cohort& c = cohorts[k];
    if (!(c.first <= p && p < c.end)) continue;
    t.cost[k] = t.cash_per_token(c.generation, p);
    if (t.cost[k] <= price) t.order.push_back(k);
  }
  // Insertion sort: a handful of cohorts, and a tie keeps the older first.
  for (std::size_t i = 1; i < t.order.size(); ++i) {
    const std::size_t k = t.order[i];
    std::size_t j = i;
    while (j > 0 && t.cost[t.order[j - 1]] > t.cost[k]) {
      t.order[j] = t.order[j - 1];
      --j;
    }
    t.order[j] = k;
  }
  double need = t.demand[static_cast<std::size_t>(p)];
  for (const std::size_t k : t.order) {
    if (need <= 0.0) break;
    const double can = t.tokens[t.at(cohorts[k].generation, p)] * cohorts[k].capacity.value();
    const double take = std::min(can, need);
    t.on[k] = take / can;
    need -= take;
  }
  // What is left of the demand below a billionth of it is rounding, not tokens unserved.
  return need > 1e-9 * t.demand[static_cast<std::size_t>(p)] ? need : 0.0;
}

// The value of a plan at t = 0 serving a demand: every cohort's capital value, and each period's
// margins of the MW switched on; t.unserved gets the tokens left unserved over the calendar.
inline double demand_npv(const fleet_tables& t, const std::vector<cohort>& cohorts) {
  double sum = 0.0;
  for (const cohort& c : cohorts) sum += capital_value(t, c);
  t.unserved = 0.0;
  for (int p = 0; p < t.periods; ++p) {
    t.unserved += serve_period(t, cohorts, p);
    double margin = 0.0;
    for (std::size_t k = 0; k < cohorts.size(); ++k) {
      if (t.on[k] > 0.0) {
        margin += t.on[k] * cohorts[k].capacity.value() * t.margin(cohorts[k].generation, p);
      }
    }
    sum += margin * t.discount[static_cast<std::size_t>(p + 1)];
  }
  return sum;
}

inline double plan_npv(const fleet_tables& t, const std::vector<cohort>& cohorts) {
  if (t.meets_demand()) return demand_npv(t, cohorts);
  double sum = 0.0;
  for (const cohort& c : cohorts) sum += cohort_npv(t, c);
  return sum;
}

// With a demand, at p: t.buy the generation worth buying with the least levelized cost per token
// (within the token price; the first on a tie), t.buy_densest the one of those with the most
// tokens per W.
inline void least_cost_purchases(fleet_tables& t, int p) {
  int cheapest = -1;
  int densest = -1;
  const double price = t.token_price[static_cast<std::size_t>(p)];
  for (std::size_t g = 0; g < t.generations; ++g) {
    const double cost = t.levelized_per_token(g, p);
    if (!t.for_sale(g, p) || !(cost <= price)) continue;
    if (cheapest < 0 || cost < t.levelized_per_token(static_cast<std::size_t>(cheapest), p)) {
      cheapest = static_cast<int>(g);
    }
    if (densest < 0 ||
        t.tokens[t.at(g, p)] > t.tokens[t.at(static_cast<std::size_t>(densest), p)]) {
      densest = static_cast<int>(g);
    }
  }
  t.buy[static_cast<std::size_t>(p)] = cheapest;
  t.buy_densest[static_cast<std::size_t>(p)] = densest;
}

// A MW's margin in p net of the capital charge of buying generation g then: the price, less the
// residual's present value, spread over its life at the step's rate, per period.
inline double margin_net_of_capital(const fleet_tables& t, std::size_t g, int p) {
  return t.margin(g, p) - t.price[t.at(g, p)] * t.capital_charge[g];
}

// A purchase of `watts` of generation g at the start of p, appended to the run: it leaves at
// decided[k] when the caller fixed the k-th cohort's end, else at the end of its life (or of the
// calendar).
inline void buy_cohort(const fleet_tables& t, const std::vector<int>& decided,
                       std::vector<cohort>& cohorts, std::size_t g, double watts, int p) {
  cohort c;
  c.generation = g;
  c.capacity = power::from_value(watts);
  c.first = p;
  c.life_end = p + t.life[g];
  const std::size_t k = cohorts.size();
  c.end = k < decided.size() ? decided[k] : std::min(c.life_end, t.periods);
  cohorts.push_back(c);
}

// continue_rules with a demand: at each period's start, the opportunity rule retires a cohort
// whose running cost per token is above the levelized cost per token of the cheapest generation
// worth buying; then what the cohorts in service (those running within the token price) cannot
// make of the period's demand is bought of that generation, or, when its MW do not fit under
// the ceiling, of the one worth buying with the most tokens per W, up to the power left.
inline void continue_demand_rules(const fleet_tables& t, refresh_rule rule,
                                  const std::vector<int>& decided, std::vector<cohort>& cohorts,
                                  int from) {
  for (int p = from; p < t.periods; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    const int buy = t.buy[pi];
    if (rule == refresh_rule::opportunity_cost && buy >= 0) {
      const double best_new = t.levelized_per_token(static_cast<std::size_t>(buy), p);
      for (std::size_t k = decided.size(); k < cohorts.size(); ++k) {
        cohort& c = cohorts[k];
        const bool eligible =
            c.first <= p && p < c.end && (c.origin == cohort_origin::installed || c.first < p);
        if (eligible && best_new < t.cash_per_token(c.generation, p)) c.end = p;
      }
    }
    double live = 0.0;
    double can = 0.0;
    for (const cohort& c : cohorts) {
      if (!(c.first <= p && p < c.end)) continue;
      live += c.capacity.value();
      if (t.cash_per_token(c.generation, p) <= t.token_price[pi]) {
        can += t.tokens[t.at(c.generation, p)] * c.capacity.value();
      }
    }
    const double ceiling = t.ceiling[pi];
    const double left = ceiling - live;
    const double short_of = t.demand[pi] - can;
    if (buy < 0 || !(short_of > 1e-9 * t.demand[pi]) || !(left > 1e-9 * ceiling)) continue;
    auto g = static_cast<std::size_t>(buy);
    double watts = short_of / t.tokens[t.at(g, p)];
    if (watts > left) {
      g = static_cast<std::size_t>(t.buy_densest[pi]);
      watts = std::min(left, short_of / t.tokens[t.at(g, p)]);
    }
    buy_cohort(t, decided, cohorts, g, watts, p);
  }
}

// The rules, run period by period. `decided[k]` fixes the end of the k-th cohort created (in the
// order the rules create them: installed first, then at most one purchase a period); cohorts past
// it end with their life (or by the opportunity rule). continue_rules goes on from period `from`
// with `cohorts` as a run left them at its start (a prefix of the run).
inline void continue_rules(const fleet_tables& t, refresh_rule rule,
                           const std::vector<int>& decided, std::vector<cohort>& cohorts,
                           int from) {
  const int P = t.periods;
  if (t.meets_demand()) {
    continue_demand_rules(t, rule, decided, cohorts, from);
    return;
  }
  for (int p = from; p < P; ++p) {
    const int buy = t.buy[static_cast<std::size_t>(p)];
    if (rule == refresh_rule::opportunity_cost && buy >= 0) {
      double best_new = -std::numeric_limits<double>::infinity();
      for (std::size_t g = 0; g < t.generations; ++g) {
        if (t.for_sale(g, p)) best_new = std::max(best_new, margin_net_of_capital(t, g, p));
      }
      for (std::size_t k = decided.size(); k < cohorts.size(); ++k) {
        cohort& c = cohorts[k];
        const bool eligible =
            c.first <= p && p < c.end && (c.origin == cohort_origin::installed || c.first < p);
        if (eligible && best_new > std::max(0.0, t.margin(c.generation, p))) c.end = p;
      }
    }
    double live = 0.0;
    for (const cohort& c : cohorts) {
      if (c.first <= p && p < c.end) live += c.capacity.value();
    }
    const double ceiling = t.ceiling[static_cast<std::size_t>(p)];
    const double left = ceiling - live;
    if (buy >= 0 && left > 1e-9 * ceiling) {
      buy_cohort(t, decided, cohorts, static_cast<std::size_t>(buy), left, p);
    }
  }
}

template <currency_type C>
void run_rules(const fleet_spec<C>& s, const fleet_tables& t, refresh_rule rule,
               const std::vector<int>& decided, std::vector<cohort>& cohorts) {
  cohorts.clear();
  for (const installed_cohort& i : s.installed) {
    cohort c;
    c.generation = i.generation;
    c.capacity = i.capacity;
    c.origin = cohort_origin::installed;
    c.first = 0;
    c.life_end = std::max(0, (i.usable_until + 1 - s.when.start_year) * s.when.per_year());
    const std::size_t k = cohorts.size();
    c.end = k < decided.size() ? decided[k] : std::min(c.life_end, t.periods);
    cohorts.push_back(c);
  }
  continue_rules(t, rule, decided, cohorts, 0);
}

template <currency_type C>
std::vector<cohort> run_rules(const fleet_spec<C>& s, const fleet_tables& t, refresh_rule rule,
                              const std::vector<int>& decided) {
  std::vector<cohort> cohorts;
  run_rules(s, t, rule, decided, cohorts);
  return cohorts;
}

// best_npv: every plan (each cohort's end, in the order the rules create them) enumerated while
// there are at most max_plans; the best, or nothing when the enumeration stopped.
template <currency_type C>
struct npv_search {
  const fleet_spec<C>& spec;
  const fleet_tables& tables;
  long plans = 0;
  bool stopped = false;
  double best = -std::numeric_limits<double>::infinity();
  std::vector<int> best_ends;
  // A child run per depth, its storage reused (a deque: growing it keeps the runs in place).
  std::deque<std::vector<cohort>> buffers;

  // The ends a cohort may take: retired at any period start it is in service, or at its life's
  // end (the calendar's end when that is later); the latest first, so a tie keeps it longest.
  std::pair<int, int> ends_of(const cohort& c) const {
    const int latest = std::min(c.life_end, tables.periods);
    const int earliest = c.origin == cohort_origin::installed ? 0 : c.first + 1;
    return {earliest, std::max(earliest, latest)};
  }

  // The plans below `decided`, given `run`, the run those decisions give (later cohorts kept for
  // their life). A child run is the parent's up to the decided cohort's purchase, continued from
  // the period after it (an installed cohort's from the start): cohorts are created in time order,
  // so nothing before that period changes.
  void enumerate(std::vector<int>& decided, const std::vector<cohort>& run) {
    const std::size_t k = decided.size();
    if (run.size() == k) {
      if (++plans > spec.max_plans) {
        stopped = true;
        return;
      }
      const double v = plan_npv(tables, run);
      if (v > best) {
        best = v;
        best_ends = decided;
      }
      return;
    }
    if (buffers.size() <= k) buffers.resize(k + 1);
    const auto [earliest, latest] = ends_of(run[k]);
    const bool installed = run[k].origin == cohort_origin::installed;
    for (int e = latest; e >= earliest && !stopped; --e) {
      decided.push_back(e);
      std::vector<cohort>& child = buffers[k];
      if (installed) {
        run_rules(spec, tables, refresh_rule::fixed_life, decided, child);
      } else {
        child.assign(run.begin(), run.begin() + static_cast<std::ptrdiff_t>(k) + 1);
        child[k].end = e;
        continue_rules(tables, refresh_rule::fixed_life, decided, child, run[k].first + 1);
      }
      enumerate(decided, child);
      decided.pop_back();
    }
  }
  void enumerate() {
    std::vector<int> decided;
    std::vector<cohort> run;
    run_rules(spec, tables, refresh_rule::fixed_life, decided, run);
    enumerate(decided, run);
  }

  // One cohort at a time, in order: each at its best end with the later ones at their life's end.
  std::vector<int> sequential() {
    std::vector<int> decided;
    for (;;) {
      const std::vector<cohort> cohorts =
          run_rules(spec, tables, refresh_rule::fixed_life, decided);
      if (cohorts.size() == decided.size()) return decided;
      const auto [earliest, latest] = ends_of(cohorts[decided.size()]);
      double best_here = -std::numeric_limits<double>::infinity();
      int best_end = latest;
      decided.push_back(latest);
      for (int e = latest; e >= earliest; --e) {
        decided.back() = e;
        ++plans;
        const double v =
            plan_npv(tables, run_rules(spec, tables, refresh_rule::fixed_life, decided));
        if (v > best_here) {
          best_here = v;
          best_end = e;
        }
      }
      decided.back() = best_end;
    }
  }
};

// The most cohort-periods best_npv may serve with a demand (each plan is served period by period,
// periods x cohorts; about 2.5 ns each, measured: under half a minute).
inline constexpr double max_demand_search_cells = 1e10;

// best_npv with a demand prices each plan period by period, cohort by cohort: refused before it
// starts when the search could serve more than max_demand_search_cells (at most one purchase a
// period: cohorts <= installed + periods; the enumeration's max_plans, then the sequence's
// cohorts x life in periods).
template <currency_type C>
void require_demand_search_bounded(const fleet_spec<C>& s, const fleet_tables& t) {
  const double periods = t.periods;
  const double cohorts = static_cast<double>(s.installed.size()) + periods;
  const int longest = *std::max_element(t.life.begin(), t.life.end());
  const double plans =
      static_cast<double>(s.max_plans) + cohorts * std::min<double>(longest, periods);
  const double cells = plans * periods * cohorts;
  if (cells > max_demand_search_cells) {
    throw invalid_input("fleet.refresh", cells,
                        "\"best_npv\" with a demand serves each plan period by period: up to " +
                            tpw::detail::number_text(plans) + " plans x " +
                            tpw::detail::number_text(periods) + " periods x " +
                            tpw::detail::number_text(cohorts) +
                            " cohorts must stay within 1e10: use a longer step or fewer years, a "
                            "lower fleet.max_plans, or \"opportunity_cost\"");
  }
}

// How the rules went: best_npv's search ("exhaustive" or "sequential") and the plans it priced.
struct rule_outcome {
  std::string_view search = "rule";
  long plans = 1;
};

// The cohorts the spec's rules give, into `cohorts` (its storage reused).
template <currency_type C>
rule_outcome plan_cohorts(const fleet_spec<C>& s, const fleet_tables& t,
                          std::vector<cohort>& cohorts) {
  rule_outcome how;
  std::vector<int> decided;
  if (s.refresh == refresh_rule::best_npv) {
    if (t.meets_demand()) require_demand_search_bounded(s, t);
    npv_search<C> search{s, t, 0, false, -std::numeric_limits<double>::infinity(), {}, {}};
    search.enumerate();
    if (search.stopped) {
      // The plans counted are every one priced: the enumeration's max_plans, then the sequence's.
      decided = search.sequential();
      how.search = "sequential";
    } else {
      decided = search.best_ends;
      how.search = "exhaustive";
    }
    how.plans = search.plans;
  }
  const refresh_rule rule =
      s.refresh == refresh_rule::best_npv ? refresh_rule::fixed_life : s.refresh;
  run_rules(s, t, rule, decided, cohorts);
  return how;
}

template <currency_type C>
fleet_ledger<C> ledger_of(const fleet_spec<C>& s, const fleet_tables& t,
                          std::vector<cohort> cohorts) {
  const int P = t.periods;
  const auto periods = static_cast<std::size_t>(P);
  fleet_ledger<C> l;
  l.when = s.when;
  l.ceiling.resize(periods);
  l.in_service.assign(periods, power{});
  l.made.assign(periods, tokens{});
  l.revenue.assign(periods, money<C>{});
  l.running.assign(periods, money<C>{});
  l.capex.assign(periods, money<C>{});
  l.residual.assign(periods, money<C>{});
  std::vector<double> net(periods + 1, 0.0);
  for (int p = 0; p < P; ++p) {
    l.ceiling[static_cast<std::size_t>(p)] =
        power::from_value(t.ceiling[static_cast<std::size_t>(p)]);
  }
  const auto M = [](double v) { return money<C>::from_value(v); };
  for (std::size_t k = 0; k < cohorts.size(); ++k) {
    const cohort& c = cohorts[k];
    const double w = c.capacity.value();
    const bool bought = c.origin == cohort_origin::bought;
    const double price = bought ? t.price[t.at(c.generation, c.first)] : 0.0;
    const double capex = price * w;
    const double sale =
        bought && c.end > c.first ? t.value_leaving(c.generation, c.first, c.end) * w : 0.0;
    l.cohort_capex.push_back(M(capex));
    l.cohort_residual.push_back(M(sale));
    l.cohort_npv.push_back(M(t.meets_demand() ? capital_value(t, c) : cohort_npv(t, c)));
    if (bought) net[static_cast<std::size_t>(c.first)] -= capex;
    if (c.end > c.first) net[static_cast<std::size_t>(c.end)] += sale;
  }
  for (int p = 0; p < P; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    const double unserved = serve_period(t, cohorts, p);
    if (t.meets_demand()) {
      l.demanded.push_back(tokens::from_value(t.demand[pi]));
      l.unserved.push_back(tokens::from_value(unserved));
    }
    for (std::size_t k = 0; k < cohorts.size(); ++k) {
      const cohort& c = cohorts[k];
      if (!(c.first <= p && p < c.end)) continue;
      const double w = c.capacity.value() * t.on[k];
      const std::size_t i = t.at(c.generation, p);
      cohort_period<C> row;
      row.period = p;
      row.cohort = k;
      row.idled = !(t.on[k] > 0.0);
      if (!row.idled) {
        row.switched_on = power::from_value(w);
        row.made = tokens::from_value(t.tokens[i] * w);
        row.revenue = M(t.revenue[i] * w);
        row.running = M(t.running[i] * w);
        if (t.meets_demand()) {
          l.cohort_npv[k] += M((t.revenue[i] - t.running[i]) * w * t.discount[pi + 1]);
        }
      }
      if (p == c.first) row.capex = l.cohort_capex[k];
      if (p + 1 == c.end) row.residual = l.cohort_residual[k];
      l.in_service[pi] += c.capacity;
      l.made[pi] += row.made;
      l.revenue[pi] += row.revenue;
      l.running[pi] += row.running;
      l.capex[pi] += row.capex;
      l.residual[pi] += row.residual;
      net[pi + 1] += row.revenue.value() - row.running.value();
      l.rows.push_back(row);
    }
  }
  l.net.reserve(net.size());
  for (const double v : net) l.net.push_back(M(v));
  l.npv = M(tpw::detail::npv_value(net, t.step_discount));
  l.irr = tpw::detail::irr_of(net);
  for (double& r : l.irr.rates) r = step_rate::annualized(r, s.when.every);
  const tpw::detail::payback_scan payback = tpw::detail::payback_value(net);
  if (payback.years) {
    l.payback_years = *payback.years / s.when.per_year();
  } else {
    l.payback_reason = payback.recovered_before
                           ? "the cumulative flows reach zero in " +
                                 s.when.label(static_cast<int>(payback.recovered_year) - 1) +
                                 " but fall below it again"
                           : "the cumulative flows never reach zero";
  }
  l.cohorts = std::move(cohorts);
  return l;
}

}  // namespace detail

// With a demand: the share of the calendar's tokens asked for that the fleet did not make (0
// without one).
template <currency_type C>
double unserved_share(const fleet_ledger<C>& l) {
  double asked = 0.0;
  double short_of = 0.0;
  for (std::size_t p = 0; p < l.demanded.size(); ++p) {
    asked += l.demanded[p].value();
    short_of += l.unserved[p].value();
  }
  return asked > 0.0 ? short_of / asked : 0.0;
}

// Prices a plan written by hand: each cohort's periods, checked against the spec (its generation,
// when it can be bought, its life, the site's power in every period).
template <currency_type C>
fleet_ledger<C> price_cohorts(const fleet_spec<C>& s, const std::vector<cohort>& cohorts) {
  validate(s);
  const detail::fleet_tables t = detail::tables_of(s);
  const int P = t.periods;
  for (std::size_t k = 0; k < cohorts.size(); ++k) {
    const cohort& c = cohorts[k];
    const std::string at = "cohorts[" + std::to_string(k) + "]";
    if (c.generation >= t.generations) {
      throw invalid_input(at + ".generation", static_cast<double>(c.generation),
                          "must name one of the fleet's generations");
    }
    const double mw = c.capacity / units::MW;
    if (!(std::isfinite(mw) && mw > 0.0)) {
      throw invalid_input(at + ".capacity_mw", mw, "must be finite and > 0");
    }
    if (!(c.first >= 0 && c.first < P)) {
      throw invalid_input(at + ".first", c.first, "must be a period of the calendar");
    }
    if (!(c.end >= c.first && c.end <= std::min(c.life_end, P))) {
      throw invalid_input(at + ".end", c.end,
                          "must be from first to the end of its life or of the calendar");
    }
    if (c.origin == cohort_origin::bought) {
      if (!t.for_sale(c.generation, c.first)) {
        throw invalid_input(at + ".first", c.first,
                            "its generation cannot be bought then (" + s.when.label(c.first) + ")");
      }
      if (c.life_end != c.first + t.life[c.generation]) {
        throw invalid_input(at + ".life_end", c.life_end,
                            "must be first plus its generation's life in periods");
      }
    }
  }
  for (int p = 0; p < P; ++p) {
    double live = 0.0;
    for (const cohort& c : cohorts) {
      if (c.first <= p && p < c.end) live += c.capacity.value();
    }
    const double ceiling = t.ceiling[static_cast<std::size_t>(p)];
    if (live > ceiling * (1.0 + 1e-12)) {
      throw invalid_input("cohorts.capacity_mw", live / 1e6,
                          "must fit under the site's power in " + s.when.label(p) + " (" +
                              tpw::detail::number_text(ceiling / 1e6) + " MW)");
    }
  }
  return detail::ledger_of(s, t, cohorts);
}

// The fleet the rules build: installed cohorts first; at the start of each period, the power left
// under the site's ceiling is bought of the generation whose purchase is worth most (when one is
// for sale and its value is positive), or, with a demand, what the cohorts in service cannot make
// of it is bought at least cost (continue_demand_rules); cohorts leave by the spec's refresh rule.
template <currency_type C>
fleet_plan<C> plan_fleet(const fleet_spec<C>& s) {
  validate(s);
  const detail::fleet_tables t = detail::tables_of(s);
  fleet_plan<C> out;
  out.rule = s.refresh;
  std::vector<cohort> cohorts;
  const detail::rule_outcome how = detail::plan_cohorts(s, t, cohorts);
  out.search = how.search;
  out.plans = how.plans;
  out.ledger = detail::ledger_of(s, t, std::move(cohorts));
  return out;
}

}  // namespace tpw::fleet
