// Fleets over calendar time: the calendar's step rates, the worked case (replacing an
// installed generation A by B, per MW) to the cent, the refresh rules against each other and
// against a brute force over every plan, a phased build, one cohort against the finance
// section's NPV, and the refusals.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <tpw/finance.hpp>
#include <tpw/fleet.hpp>
#include <tpw/model.hpp>

#include "support.hpp"

namespace {

namespace units = tpw::units;
using tpw::USD;
using tpw_test::message_of;
namespace fleet = tpw::fleet;

const auto mw_year = units::MW * units::year;

double usd(tpw::money<USD> m) {
  return m.value();
}

// The worked case, per MW: A installed and sunk (1.0e6 Mtok and 1.0 M USD running cost
// per MW-year, usable to the end of 2029); B 5.0e6 Mtok and 1.2 M USD per MW-year, 20 M USD per MW
// in 2026 falling 25% a year, a 4-year life, 10% residual, to be had 2026 to 2030; tokens at 2.00
// USD per Mtok in 2026 falling 20% a year; 10% discount rate; 2026 to 2033 (B bought in 2030
// serves to the end of 2033).
fleet::fleet_spec<USD> worked_case() {
  fleet::fleet_spec<USD> s;
  s.when = {2026, fleet::step::year, 8};
  s.discount_rate = tpw::annual_rate{0.10};
  s.price = 2.0 * units::usd / units::Mtok;
  s.price_decline_per_year = tpw::fraction{0.2};
  fleet::generation<USD> a;
  a.name = "A";
  a.output = 1.0e6 * units::Mtok / mw_year;
  a.running_cost = 1.0e6 * units::usd / mw_year;
  fleet::generation<USD> b;
  b.name = "B";
  b.output = 5.0e6 * units::Mtok / mw_year;
  b.running_cost = 1.2e6 * units::usd / mw_year;
  b.price = 20e6 * units::usd / units::MW;
  b.available_from = 2026;
  b.available_until = 2030;
  b.price_decline_per_year = tpw::fraction{0.25};
  b.life_years = 4;
  b.residual_fraction = tpw::fraction{0.1};
  s.generations = {a, b};
  s.installed = {{0, 1.0 * units::MW, 2029}};
  s.site_power = {{2026, 1.0 * units::MW}};
  return s;
}

fleet::cohort installed_a(int end) {
  fleet::cohort a;
  a.generation = 0;
  a.capacity = 1.0 * units::MW;
  a.origin = fleet::cohort_origin::installed;
  a.life_end = 4;
  a.end = end;
  return a;
}

fleet::cohort bought(std::size_t generation, int first, int life, int end, double mw = 1.0) {
  fleet::cohort c;
  c.generation = generation;
  c.capacity = mw * units::MW;
  c.first = first;
  c.life_end = first + life;
  c.end = end;
  return c;
}

// fleet.one_with_today's project: 100 systems of 8 accelerators, 10 kW each at PUE 1.2 (1.2 MW of
// facility power), 4 years of owned hardware with a 10% residual, colocation, energy and opex;
// tokens at 1.5 USD per Mtok falling 20% a year; its cash flows, and the fleet of one generation
// that is the same deployment per MW (its energy's share of the running cost too), at 8%.
struct one_cohort {
  tpw::cash_flows<USD> flows;
  fleet::fleet_spec<USD> spec;
};
one_cohort one_cohort_case() {
  const tpw::deployment d({.accelerators_per_system = 8,
                           .systems = 100,
                           .it_power = 10.0 * units::kW,
                           .idle_power = 4.0 * units::kW,
                           .pue = tpw::pue{1.2},
                           .utilization = tpw::fraction{0.6},
                           .throughput = 1500.0 * units::tok / units::second});
  const tpw::owned_hardware<USD> hardware({.price_per_system = 300000.0 * units::usd,
                                           .life = 4.0 * units::year,
                                           .residual_fraction = tpw::fraction{0.1},
                                           .cost_of_capital = tpw::annual_rate{0.08}});
  const tpw::colocation<USD> colo({.rate = 150.0 * units::usd / (units::kW * units::month)});
  const tpw::energy_cost<USD> energy({.price = 0.08 * units::usd / units::kWh});
  tpw::cash_flow_plan<USD> plan;
  plan.operating_years = 4;
  plan.price = 1.5 * units::usd / units::Mtok;
  plan.price_decline_per_year = tpw::fraction{0.2};
  one_cohort out{tpw::project_cash_flows(d, plan, hardware, colo, energy), {}};
  const auto& flows = out.flows;
  const auto facility = 1.2 * units::MW;
  fleet::fleet_spec<USD>& s = out.spec;
  s.when = {2026, fleet::step::year, 4};
  s.discount_rate = tpw::annual_rate{0.08};
  s.price = plan.price;
  s.price_decline_per_year = plan.price_decline_per_year;
  fleet::generation<USD> g;
  g.name = "this deployment";
  g.output = flows.tokens_made[1] / (facility * units::year);
  const auto running = flows.energy[1] + flows.operating[1];
  g.running_cost = running / (facility * units::year);
  g.energy_share = tpw::fraction{flows.energy[1] / running};
  g.price = flows.hardware_capex / facility;
  g.available_from = 2026;
  g.available_until = 2026;
  g.life_years = 4;
  g.residual_fraction = tpw::fraction{0.1};
  s.generations = {g};
  s.site_power = {{2026, facility}};
  return out;
}

}  // namespace

TEST_CASE("fleet.calendar: a step's rates come from the annual ones, and periods are dated") {
  // A quarter of 10% a year: 1.1^(1/4) - 1 = 0.0241137; a quarter of a 25% yearly decline:
  // 1 - 0.75^(1/4) = 0.0693951; a month of 10%: 1.1^(1/12) - 1 = 0.00797414.
  const tpw::annual_rate ten{0.10};
  CHECK(fleet::step_rate::compounding(ten, fleet::step::quarter).value() ==
        doctest::Approx(0.0241136890).epsilon(1e-9));
  CHECK(fleet::step_rate::decline(tpw::fraction{0.25}, fleet::step::quarter).value() ==
        doctest::Approx(0.0693951409).epsilon(1e-9));
  CHECK(fleet::step_rate::compounding(ten, fleet::step::month).value() ==
        doctest::Approx(0.0079741404).epsilon(1e-9));
  CHECK(fleet::step_rate::compounding(ten, fleet::step::year).value() == doctest::Approx(0.10));
  CHECK(fleet::step_rate::annualized(0.0241136890, fleet::step::quarter) ==
        doctest::Approx(0.10).epsilon(1e-9));
  const fleet::calendar q{2026, fleet::step::quarter, 2};
  CHECK(q.periods() == 8);
  CHECK(q.label(0) == "2026-Q1");
  CHECK(q.label(5) == "2027-Q2");
  CHECK(q.date_of(5) == 2027.25);
  CHECK(q.first_period_of(2027) == 4);
  const fleet::calendar m{2026, fleet::step::month, 1};
  CHECK(m.label(11) == "2026-12");
  CHECK(fleet::calendar{2026, fleet::step::year, 3}.label(2) == "2028");
  // A rate per step is not an annual rate: step_rate has no constructor from a number, so
  // tpw::annual_rate cannot be given a quarterly rate by mistake through it (no conversion).
  static_assert(!std::is_constructible_v<fleet::step_rate, double>);
  static_assert(!std::is_convertible_v<fleet::step_rate, tpw::annual_rate>);
}

TEST_CASE(
    "fleet.worked_case: replacing A by B, the NPV of each date to the cent; best_npv picks 2028") {
  const auto s = worked_case();
  // By hand, A alone: margins 2.00 - 1.00 = 1.00 M, 1.60 - 1 = 0.60, 1.28 - 1 = 0.28,
  // 1.024 - 1 = 0.024 M in 2026..2029: 1/1.1 + 0.6/1.1^2 + 0.28/1.1^3 + 0.024/1.1^4 = 1,631,719.14.
  // Replacing at 2026: -20 + 8.8/1.1 + 6.8/1.1^2 + 5.2/1.1^3 + (3.92 + 2.0)/1.1^4 = 1,570,111.33.
  const double expected[] = {1570111.33, 2206381.83, 2297208.51, 2086409.18, 1723175.44};
  for (int r = 0; r <= 4; ++r) {
    CAPTURE(r);
    const auto l = fleet::price_cohorts(s, {installed_a(r), bought(1, r, 4, r + 4)});
    CHECK(std::abs(usd(l.npv) - expected[r]) < 0.005);
  }
  const auto never = fleet::price_cohorts(s, {installed_a(4)});
  CHECK(std::abs(usd(never.npv) - 1631719.14) < 0.005);
  // B bought in 2028 for 20 * 0.75^2 = 11.25 M, sold at 10% of that at the end of 2031.
  const auto l2028 = fleet::price_cohorts(s, {installed_a(2), bought(1, 2, 4, 6)});
  CHECK(usd(l2028.cohort_capex[1]) == doctest::Approx(11.25e6));
  CHECK(usd(l2028.cohort_residual[1]) == doctest::Approx(1.125e6));
  CHECK(usd(l2028.net[2]) == doctest::Approx(0.6e6 - 11.25e6));
  CHECK(l2028.in_service[7] / units::MW == 0.0);

  auto npv_rule = s;
  npv_rule.refresh = fleet::refresh_rule::best_npv;
  const auto best = fleet::plan_fleet(npv_rule);
  CHECK(best.search == "exhaustive");
  REQUIRE(best.ledger.cohorts.size() == 2);
  CHECK(best.ledger.cohorts[0].end == 2);  // A leaves at the start of 2028
  CHECK(best.ledger.cohorts[1].first == 2);
  CHECK(best.ledger.cohorts[1].end == 6);
  CHECK(std::abs(usd(best.ledger.npv) - 2297208.51) < 0.005);
  CHECK(best.ledger.service_years(1) == 4.0);

  // Fixed life: A to the end of 2029, then B bought in 2030 (its purchase is worth more than
  // nothing): the 2030 figure.
  const auto fixed = fleet::plan_fleet(s);
  REQUIRE(fixed.ledger.cohorts.size() == 2);
  CHECK(fixed.ledger.cohorts[1].first == 4);
  CHECK(std::abs(usd(fixed.ledger.npv) - 1723175.44) < 0.005);

  // The opportunity-cost rule retires A in 2026: B's margin there, 8.8 M, less its capital
  // charge (20 - 2 / 1.1^4) * CRF(10%, 4) = 18.634 * 0.315471 = 5.878 M, is 2.922 M, above A's
  // 1.0 M. It compares one year's earnings and misses what the NPV rule sees: B's price falls
  // 25% a year, so waiting two years saves 8.75 M of capex for 1.45 M of margin forgone
  // (0.909 + 0.496 discounted from A, against B's larger margins in those years).
  auto opportunity = s;
  opportunity.refresh = fleet::refresh_rule::opportunity_cost;
  const auto o = fleet::plan_fleet(opportunity);
  CHECK(o.ledger.cohorts[0].end == 0);
  CHECK(o.ledger.cohorts[1].first == 0);
  CHECK(usd(o.ledger.npv) < usd(best.ledger.npv));
}

TEST_CASE(
    "fleet.rules_agree: with flat prices both rules replace A at once; with falling token prices "
    "they part") {
  // Token price and B's price flat: B bought in 2026 earns 5 * 2 - 1.2 = 8.8 M a year for four
  // years and sells for 2 M: -20 + 8.8 * 3.169865 + 2 / 1.1^4 = 9,260,664.80; A would earn 1 M.
  // Nothing is gained by waiting, and B's margin net of its capital charge (2.922 M) beats A's.
  auto s = worked_case();
  s.price_decline_per_year = tpw::fraction{0.0};
  s.generations[1].price_decline_per_year = tpw::fraction{0.0};
  s.generations[1].available_until = 2026;  // one purchase only
  s.refresh = fleet::refresh_rule::opportunity_cost;
  const auto o = fleet::plan_fleet(s);
  s.refresh = fleet::refresh_rule::best_npv;
  const auto n = fleet::plan_fleet(s);
  const double annuity = 1 / 1.1 + 1 / 1.1 / 1.1 + std::pow(1.1, -3) + std::pow(1.1, -4);
  const double by_hand = -20e6 + 8.8e6 * annuity + 2e6 * std::pow(1.1, -4);
  CHECK(o.ledger.cohorts[0].end == 0);
  CHECK(n.ledger.cohorts[0].end == 0);
  CHECK(usd(n.ledger.npv) == doctest::Approx(by_hand).epsilon(1e-12));
  CHECK(usd(o.ledger.npv) == doctest::Approx(by_hand).epsilon(1e-12));

  // Token price falling 20% a year again: the NPV rule keeps A (1,631,719.14 against
  // 1,570,111.33 for B at once), the opportunity rule still replaces it in 2026: its capital
  // charge spreads B's price over four years as if 2026's margin lasted, while it falls.
  s.price_decline_per_year = tpw::fraction{0.2};
  s.refresh = fleet::refresh_rule::opportunity_cost;
  CHECK(fleet::plan_fleet(s).ledger.cohorts[0].end == 0);
  s.refresh = fleet::refresh_rule::best_npv;
  const auto kept = fleet::plan_fleet(s);
  CHECK(kept.ledger.cohorts.size() == 1);
  CHECK(std::abs(usd(kept.ledger.npv) - 1631719.14) < 0.005);
}

namespace {

// A plan's NPV written out from the model's definitions (docs/fleet.md), apart from the library's
// tables: in period p (date t = p / n years), a MW of g makes output * (1/n year) * availability
// Mtok sold at P0 (1 - d)^t, less its running cost for 1/n year, idled when that is negative; a
// purchase costs price (1 - d_g)^(t - from) a MW at the period's start and brings its residual
// share of that when it leaves in the calendar, its book value at the calendar's end.
double npv_by_hand(const fleet::fleet_spec<USD>& s, const std::vector<fleet::cohort>& plan) {
  const double n = s.when.per_year();
  const double q = std::pow(1.0 + s.discount_rate.value(), 1.0 / n);  // 1 + the step's rate
  const double p0 = s.price.value() * 1e6;                            // USD per Mtok
  double npv = 0.0;
  for (const auto& c : plan) {
    const auto& g = s.generations[c.generation];
    const double mw = c.capacity / units::MW;
    const double mtok_year = static_cast<double>(g.output * mw_year / units::Mtok);
    const double running_year = (g.running_cost * mw_year).value();
    for (int p = c.first; p < c.end; ++p) {
      const double revenue = mtok_year / n * g.availability.value() * p0 *
                             std::pow(1 - s.price_decline_per_year.value(), p / n);
      npv += std::max(0.0, revenue - running_year / n) * mw * std::pow(q, -(p + 1));
    }
    if (c.origin == fleet::cohort_origin::bought) {
      const double from = *g.available_from;
      const double paid =
          (g.price * units::MW).value() * mw *
          std::pow(1 - g.price_decline_per_year.value(), s.when.start_year + c.first / n - from);
      const double life = std::lround(g.life_years * n);
      const double served = c.end - c.first;
      const double sale = c.end < s.when.periods() || served >= life
                              ? g.residual_fraction.value() * paid
                              : paid * (1 - (1 - g.residual_fraction.value()) * served / life);
      npv += -paid * std::pow(q, -c.first) + sale * std::pow(q, -c.end);
    }
  }
  return npv;
}

// Every plan on a site of one MW, without the rules: at each date the site is free, leave it
// empty to the end, or buy any generation for sale then and keep it any number of whole periods
// of its life; the installed cohort retired at any date. Priced by npv_by_hand.
double brute_force_best(const fleet::fleet_spec<USD>& s) {
  const int P = s.when.periods();
  double best = -1e300;
  std::vector<fleet::cohort> plan;
  std::function<void(int)> from = [&](int p) {
    best = std::max(best, npv_by_hand(s, plan));
    if (p >= P) return;
    for (std::size_t g = 0; g < s.generations.size(); ++g) {
      const auto& gen = s.generations[g];
      const int year = s.when.start_year + p / s.when.per_year();
      if (!gen.available_from || year < *gen.available_from ||
          (gen.available_until && year > *gen.available_until)) {
        continue;
      }
      const int life = static_cast<int>(std::lround(gen.life_years * s.when.per_year()));
      for (int end = p + 1; end <= std::min(p + life, P); ++end) {
        plan.push_back(bought(g, p, life, end));
        from(end);
        plan.pop_back();
      }
    }
  };
  const int life_a = (s.installed[0].usable_until + 1 - s.when.start_year) * s.when.per_year();
  for (int r = 0; r <= std::min(life_a, P); ++r) {
    plan = {installed_a(r)};
    plan[0].life_end = life_a;
    from(r);
  }
  return best;
}

}  // namespace

TEST_CASE("fleet.brute_force: best_npv equals the best of every plan on small fleets") {
  auto s = worked_case();
  s.refresh = fleet::refresh_rule::best_npv;
  SUBCASE("the worked case") {
    // The hand formula and the ledger agree on a plan.
    const std::vector<fleet::cohort> plan{installed_a(2), bought(1, 2, 4, 6)};
    CHECK(npv_by_hand(s, plan) == doctest::Approx(usd(fleet::price_cohorts(s, plan).npv)));
    const double brute = brute_force_best(s);
    CHECK(std::abs(brute - 2297208.51) < 0.005);
    CHECK(usd(fleet::plan_fleet(s).ledger.npv) == doctest::Approx(brute).epsilon(1e-12));
  }
  SUBCASE("a third generation C from 2028, twice B's tokens at 1.5x its price") {
    fleet::generation<USD> c = s.generations[1];
    c.name = "C";
    c.output = 10.0e6 * units::Mtok / mw_year;
    c.running_cost = 1.5e6 * units::usd / mw_year;
    c.price = 30e6 * units::usd / units::MW;
    c.available_from = 2028;
    c.available_until = 2031;
    s.generations.push_back(c);
    s.when.years = 7;
    const auto plan = fleet::plan_fleet(s);
    CHECK(plan.search == "exhaustive");
    CHECK(usd(plan.ledger.npv) == doctest::Approx(brute_force_best(s)).epsilon(1e-12));
  }
  SUBCASE("half-year of quarters: a quarterly step") {
    s.when = {2026, fleet::step::quarter, 5};
    s.installed[0].usable_until = 2027;
    s.generations[1].life_years = 2;
    const auto plan = fleet::plan_fleet(s);
    CHECK(usd(plan.ledger.npv) == doctest::Approx(brute_force_best(s)).epsilon(1e-12));
  }
}

TEST_CASE("fleet.sequential: past max_plans the cohorts are decided one at a time") {
  auto s = worked_case();
  s.refresh = fleet::refresh_rule::best_npv;
  s.max_plans = 3;
  const auto plan = fleet::plan_fleet(s);
  CHECK(plan.search == "sequential");
  CHECK(plan.ledger.cohorts[0].end == 2);  // A's best date with B kept for its life: 2028
  CHECK(std::abs(usd(plan.ledger.npv) - 2297208.51) < 0.005);
}

TEST_CASE("fleet.quarterly: A alone by the quarter, against the sum written out") {
  // Quarter k (0..15) makes 1e6 / 4 Mtok at 2 * 0.8^(k/4) USD and costs 0.25 M USD to run,
  // idled when that is negative; its flow comes at the quarter's end, discounted
  // 1.1^(-(k + 1) / 4).
  auto s = worked_case();
  s.when.every = fleet::step::quarter;
  s.generations[1].available_from = 2040;  // not to be had
  s.generations[1].available_until.reset();
  const auto l = fleet::plan_fleet(s).ledger;
  double by_hand = 0.0;
  int idled = 0;
  for (int k = 0; k < 16; ++k) {
    const double margin = 0.25e6 * 2.0 * std::pow(0.8, k / 4.0) - 0.25e6;
    if (margin < 0) ++idled;
    by_hand += std::max(0.0, margin) * std::pow(1.1, -(k + 1) / 4.0);
  }
  CHECK(idled > 0);
  CHECK(usd(l.npv) == doctest::Approx(by_hand).epsilon(1e-12));
  CHECK(l.rows.size() == 16);
  int idled_rows = 0;
  for (const auto& row : l.rows) idled_rows += row.idled ? 1 : 0;
  CHECK(idled_rows == idled);
  CHECK(l.payback_years == 0.0);  // nothing paid out
}

TEST_CASE("fleet.site_power: a phased build is filled as it opens and never exceeded") {
  // 1 MW of A to the end of 2027; the site grows to 3 MW in 2028 and 4 MW in 2030. B fills
  // what is free each year: 2 MW in 2028 (A's MW and the new 2), then A's freed MW... every period
  // at or under the ceiling.
  auto s = worked_case();
  s.installed[0].usable_until = 2027;
  s.site_power = {{2026, 1.0 * units::MW}, {2028, 3.0 * units::MW}, {2030, 4.0 * units::MW}};
  const auto l = fleet::plan_fleet(s).ledger;
  for (int p = 0; p < s.when.periods(); ++p) {
    CAPTURE(p);
    CHECK(l.in_service[static_cast<std::size_t>(p)] <=
          l.ceiling[static_cast<std::size_t>(p)] * (1 + 1e-12));
  }
  CHECK(l.ceiling[2] / units::MW == 3.0);
  CHECK(l.in_service[2] / units::MW == doctest::Approx(3.0));
  CHECK(l.in_service[4] / units::MW == doctest::Approx(4.0));
  // A written-out plan over the ceiling is refused, naming the period.
  CHECK(message_of([&] {
          (void)fleet::price_cohorts(s, {installed_a(2), bought(1, 0, 4, 4)});
        }) == "cohorts.capacity_mw = 2: must fit under the site's power in 2026 (1 MW)");
}

TEST_CASE("fleet.one_with_today: one cohort, no refresh, gives the finance NPV to the cent") {
  // one_cohort_case: the project's flows and the fleet of the same deployment per MW.
  const auto [flows, s] = one_cohort_case();
  const auto finance_npv = tpw::net_present_value(tpw::annual_rate{0.08}, flows.net);
  const auto l = fleet::plan_fleet(s).ledger;
  REQUIRE(l.cohorts.size() == 1);
  CHECK(std::abs(usd(l.npv) - usd(finance_npv)) < 0.005);
  CHECK(usd(l.npv) != 0.0);
  for (std::size_t t = 0; t < 5; ++t) CHECK(usd(l.net[t]) == doctest::Approx(usd(flows.net[t])));
}

TEST_CASE("fleet.escalation: running costs grow from the start, energy and the rest apart") {
  // A alone (B not to be had), half its running cost energy: energy +10% a year, the rest flat.
  // Year k pays 1.0 M x (0.5 x 1.1^k + 0.5): 1.0, 1.05, 1.105, 1.1655 M against revenue 2.0,
  // 1.6, 1.28, 1.024 M: margins 1.0, 0.55, 0.175 and -0.1415 (2029 idled), so the NPV is
  // 1.0 / 1.1 + 0.55 / 1.1^2 + 0.175 / 1.1^3 = 1,495,116.45.
  auto s = worked_case();
  s.generations[1].available_from = 2040;  // not to be had
  s.generations[1].available_until.reset();
  s.generations[0].energy_share = tpw::fraction{0.5};
  s.energy_escalation_per_year = tpw::annual_rate{0.10};
  const auto l = fleet::plan_fleet(s).ledger;
  CHECK(usd(l.npv) == doctest::Approx(1.0e6 / 1.1 + 0.55e6 / 1.21 + 0.175e6 / 1.331));
  CHECK(std::abs(usd(l.npv) - 1495116.45) < 0.005);
  REQUIRE(l.rows.size() == 4);
  CHECK(usd(l.rows[2].running) == doctest::Approx(1.105e6));
  CHECK(l.rows[3].idled);
  CHECK(usd(l.rows[3].running) == 0.0);
  // The same growth on every cost: 10% on both rates is 10% on the whole, whatever the share.
  s.opex_escalation_per_year = tpw::annual_rate{0.10};
  s.generations[0].energy_share = tpw::fraction{0.3};
  const double both = 1.0e6 / 1.1 + 0.5e6 / 1.21 + 0.07e6 / 1.331;  // 2029: 1.024 < 1.331
  CHECK(usd(fleet::plan_fleet(s).ledger.npv) == doctest::Approx(both).epsilon(1e-12));
  // By the quarter: quarter k pays 0.25 M x 1.1^(k / 4), compounded within the year.
  s.when.every = fleet::step::quarter;
  double by_hand = 0.0;
  for (int k = 0; k < 16; ++k) {
    const double margin = 0.25e6 * 2.0 * std::pow(0.8, k / 4.0) - 0.25e6 * std::pow(1.1, k / 4.0);
    by_hand += std::max(0.0, margin) * std::pow(1.1, -(k + 1) / 4.0);
  }
  CHECK(usd(fleet::plan_fleet(s).ledger.npv) == doctest::Approx(by_hand).epsilon(1e-12));
  // Falling costs (a negative rate) are allowed down to -50% a year; below, refused.
  s.opex_escalation_per_year = tpw::annual_rate{-0.6};
  CHECK(message_of([&] { (void)fleet::plan_fleet(s); }) ==
        "fleet.opex_escalation_per_year = -0.6: must be in [-0.5, 1]: the share a running cost "
        "grows a year");
}

TEST_CASE("fleet.price_phases: the token price's path by date, against sums written out") {
  // A alone (B not to be had). Tokens fall 20% a year, then not at all from 2028: revenue 2.0,
  // 1.6, 1.28 and 1.28 M, margins 1.0, 0.6, 0.28 and 0.28 M (2029 no longer idled):
  // 1.0 / 1.1 + 0.6 / 1.1^2 + 0.28 / 1.1^3 + 0.28 / 1.1^4 = 1,806,570.59.
  auto s = worked_case();
  s.generations[1].available_from = 2040;
  s.generations[1].available_until.reset();
  s.price_phases = {{2028, tpw::fraction{0.0}}};
  const double flat = 1.0e6 / 1.1 + 0.6e6 / 1.21 + 0.28e6 / 1.331 + 0.28e6 / 1.4641;
  CHECK(usd(fleet::plan_fleet(s).ledger.npv) == doctest::Approx(flat).epsilon(1e-12));
  CHECK(std::abs(flat - 1806570.59) < 0.005);
  // Two phases: 50% in 2027, 10% from 2028: 2.0, 1.6, 0.8, 0.72 M; only 2026 and 2027 earn.
  s.price_phases = {{2027, tpw::fraction{0.5}}, {2028, tpw::fraction{0.1}}};
  CHECK(usd(fleet::plan_fleet(s).ledger.npv) ==
        doctest::Approx(1.0e6 / 1.1 + 0.6e6 / 1.21).epsilon(1e-12));
  // By the quarter: quarter k's price is 2 x 0.8^(min(k, 8) / 4), flat from 2028's first.
  s.price_phases = {{2028, tpw::fraction{0.0}}};
  s.when.every = fleet::step::quarter;
  double by_hand = 0.0;
  for (int k = 0; k < 16; ++k) {
    const double margin = 0.25e6 * 2.0 * std::pow(0.8, std::min(k, 8) / 4.0) - 0.25e6;
    by_hand += std::max(0.0, margin) * std::pow(1.1, -(k + 1) / 4.0);
  }
  CHECK(usd(fleet::plan_fleet(s).ledger.npv) == doctest::Approx(by_hand).epsilon(1e-12));
  s.when.every = fleet::step::year;
  // Under Monte Carlo, the 2028 phase's decline d uniform on [0, 0.2]: 2029's margin
  // 1.28 (1 - d) - 1 stays positive, so the mean NPV is the NPV at d = 0.1 (2029 earns 0.152 M).
  fleet::uncertain_number later;
  later.input = fleet::fleet_input::price_phase_decline;
  later.phase = 0;
  later.dist = tpw::mc::distribution::uniform(0.0, 0.2);
  later.path = "fleet.price_decline_per_year[1].decline";
  const std::uint64_t n = 20000;
  const auto st = fleet::simulate_fleet(s, {later}, n, 9, 2);
  const double mean = 1.0e6 / 1.1 + 0.6e6 / 1.21 + 0.28e6 / 1.331 + 0.152e6 / 1.4641;
  CHECK(st.npv_sd > 1e4);
  CHECK(std::abs(st.npv_mean - mean) < 4.0 * st.npv_sd / std::sqrt(static_cast<double>(n)));
  later.phase = 1;
  CHECK(message_of([&] { (void)fleet::simulate_fleet(s, {later}, 100, 1, 1); }) ==
        "fleet.price_decline_per_year[1].decline = 1: must name one of the fleet's price phases");
  // Refused: a phase not after the calendar's start, or not after the one before; a decline of 1.
  s.price_phases = {{2026, tpw::fraction{0.1}}};
  CHECK(message_of([&] { (void)fleet::plan_fleet(s); }) ==
        "fleet.price_phases[0].from_year = 2026: must come after the calendar's first year (2026) "
        "and be at most 2200");
  s.price_phases = {{2028, tpw::fraction{0.1}}, {2028, tpw::fraction{0.0}}};
  CHECK(message_of([&] { (void)fleet::plan_fleet(s); }) ==
        "fleet.price_phases[1].from_year = 2028: must come after the phase before it (2028) and "
        "be at most 2200");
  s.price_phases = {{2028, tpw::fraction::unchecked(1.0)}};
  CHECK(message_of([&] { (void)fleet::plan_fleet(s); }) ==
        "fleet.price_phases[0].decline = 1: must be in [0, 1): the share the token price falls "
        "each year");
}

TEST_CASE("fleet.one_with_today: with the finance section's escalation, its NPV to the cent") {
  // one_cohort_case; the project's energy escalates 3% a year and its other running costs 5%
  // (tpw::finance_project); the fleet's generation carries the energy's share of its running
  // cost and the same two rates.
  auto [flows, s] = one_cohort_case();
  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.08;
  terms.energy_escalation = 0.03;
  terms.opex_escalation = 0.05;
  const auto project = tpw::finance_project(flows, terms);

  s.energy_escalation_per_year = tpw::annual_rate{0.03};
  s.opex_escalation_per_year = tpw::annual_rate{0.05};
  const auto l = fleet::plan_fleet(s).ledger;
  REQUIRE(l.cohorts.size() == 1);
  CHECK(std::abs(usd(l.npv) - usd(project.project_npv)) < 0.005);
  const auto without = tpw::finance_project(
      flows, tpw::project_terms{.discount_rate = 0.08, .equity_discount_rate = 0.08});
  CHECK(usd(project.project_npv) < usd(without.project_npv) - 1e5);  // escalation costs
  const auto project_flows = project.project_flows();
  for (std::size_t t = 0; t < 5; ++t) {
    CHECK(usd(l.net[t]) == doctest::Approx(usd(project_flows[t])));
  }
}

TEST_CASE("fleet.irr_payback: annual rates from a quarterly ledger, payback in years") {
  auto s = worked_case();
  s.when = {2026, fleet::step::quarter, 4};
  s.installed.clear();
  s.generations[1].available_until = 2026;
  const auto l = fleet::plan_fleet(s).ledger;
  REQUIRE(l.irr.unique());
  const double per_quarter =
      fleet::step_rate::compounding(tpw::annual_rate{l.irr.rate()}, fleet::step::quarter).value();
  std::vector<double> net;
  for (const auto& m : l.net) net.push_back(usd(m));
  CHECK(std::abs(tpw::detail::npv_value(net, per_quarter)) < 1e-3);
  REQUIRE(l.payback_years);
  CHECK(*l.payback_years > 0.0);
  CHECK(*l.payback_years < 4.0);
}

TEST_CASE("fleet.refusals: each names the field, the value and the rule") {
  const auto s = worked_case();
  const auto refused = [&](auto change) {
    auto bad = s;
    change(bad);
    return message_of([&] { (void)fleet::plan_fleet(bad); });
  };
  CHECK(message_of([] { (void)fleet::step_from_name("fleet.step", "week"); }) ==
        "fleet.step = \"week\": must be \"year\", \"quarter\" or \"month\"");
  CHECK(refused([](auto& b) { b.when.years = 0; }) ==
        "fleet.years = 0: must be a whole number of years in [1, 50]");
  CHECK(refused([](auto& b) { b.generations[1].life_years = 0; }) ==
        "fleet.generations[1].life_years = 0: must be in (0, 30] years");
  CHECK(refused([](auto& b) { b.generations[1].available_until = 2025; }) ==
        "fleet.generations[1].available_until = 2025: must not be before available_from (2026)");
  CHECK(refused([](auto& b) {
          b.site_power = {{2026, 2.0 * units::MW}, {2028, 1.0 * units::MW}};
        }) ==
        "fleet.site_power_mw[1].power_mw = 1: must not fall below the step before it: a "
        "phased build only grows");
  CHECK(refused([](auto& b) { b.site_power[0].from_year = 2027; }) ==
        "fleet.site_power_mw[0].from_year = 2027: must be at or before the calendar's first year "
        "(2026)");
  CHECK(refused([](auto& b) { b.installed[0].capacity = 1.5 * units::MW; }) ==
        "fleet.installed.power_mw = 1.5: must fit under the site's power in the first year (1 MW)");
  CHECK(refused([](auto& b) { b.installed[0].generation = 7; }) ==
        "fleet.installed[0].generation = 7: must name one of the fleet's generations");
  CHECK(refused([](auto& b) { b.generations.clear(); }) ==
        "fleet.generations.size = 0: must name at least one generation");
  CHECK(message_of([&] {
          (void)fleet::price_cohorts(s, {installed_a(0), bought(0, 0, 4, 4)});
        }) == "cohorts[1].first = 0: its generation cannot be bought then (2026)");
  CHECK(message_of([&] {
          (void)fleet::price_cohorts(s, {installed_a(0), bought(1, 0, 4, 5)});
        }) == "cohorts[1].end = 5: must be from first to the end of its life or of the calendar");
}

TEST_CASE("fleet.monte_carlo: the chance A is retired at once, against its threshold by hand") {
  // Opportunity-cost rule, B's 2026 price P uniform on [10, 40] M USD per MW. In 2026 buying B
  // pays when -P + S + 0.1 P / 1.1^4 > 0, S = 8.8/1.1 + 6.8/1.1^2 + 5.2/1.1^3 + 3.92/1.1^4 =
  // 20.204078 M: P < S / (1 - 0.1 / 1.1^4) = 21.685 M. B's net margin then beats A's 1.0 M
  // (8.8 - 0.29392 P > 1 for P < 26.5 M), so A leaves in 2026 exactly when P < 21.685 M:
  // a chance of (21.685 - 10) / 30 = 0.3895.
  auto s = worked_case();
  s.refresh = fleet::refresh_rule::opportunity_cost;
  fleet::uncertain_number price;
  price.input = fleet::fleet_input::price_per_mw;
  price.generation = 1;
  price.dist = tpw::mc::distribution::uniform(10e6, 40e6);
  price.path = "fleet.generations[1].price_per_mw";
  const double v4 = std::pow(1.1, -4);
  const double S = 8.8 / 1.1 + 6.8 / 1.21 + 5.2 / 1.331 + 3.92 * v4;
  const double threshold = S / (1 - 0.1 * v4) * 1e6;
  const double expected = (threshold - 10e6) / 30e6;
  CHECK(expected == doctest::Approx(0.3895).epsilon(1e-3));
  const std::uint64_t n = 40000;
  const auto one = fleet::simulate_fleet(s, {price}, n, 7, 1);
  REQUIRE(one.installed_retired.size() == 1);
  const double share = one.installed_retired[0].share_by_period[0];
  const double sigma = std::sqrt(expected * (1 - expected) / static_cast<double>(n));
  CHECK(std::abs(share - expected) < 4 * sigma);
  // B is bought in 2026 in exactly those samples.
  CHECK(one.first_purchase[1].share_by_period[0] == share);
  CHECK(one.first_purchase[0].share == 0.0);  // A cannot be bought
  // The same on 3 threads, bit for bit.
  const auto three = fleet::simulate_fleet(s, {price}, n, 7, 3);
  CHECK(three.npv_mean == one.npv_mean);
  CHECK(three.npv_p95 == one.npv_p95);
  CHECK(three.installed_retired[0].share_by_period == one.installed_retired[0].share_by_period);
  // At the median price (25 M) the point plan keeps A past 2026.
  auto at_median = s;
  at_median.generations[1].price = 25e6 * units::usd / units::MW;
  CHECK(fleet::plan_fleet(at_median).ledger.cohorts[0].end > 0);
}

TEST_CASE("fleet.monte_carlo: an uncertain escalation, the mean NPV against its integral") {
  // A alone for 2026 to 2029, its whole running cost escalating at e ~ uniform(0, 0.2): year k
  // earns max(0, 2 x 0.8^k - (1 + e)^k) M USD, discounted 1.1^-(k + 1). Its mean over e is
  // 1.0 and 0.5 for k = 0, 1; for k = 2 and 3 the margin is positive below
  // e* = c^(1/k) - 1 (c = 1.28, 1.024), and its integral is c e* - ((1 + e*)^(k+1) - 1) / (k+1).
  auto s = worked_case();
  s.generations[1].available_from = 2040;
  s.generations[1].available_until.reset();
  fleet::uncertain_number up;
  up.input = fleet::fleet_input::opex_escalation;
  up.dist = tpw::mc::distribution::uniform(0.0, 0.2);
  up.path = "fleet.opex_escalation_per_year";
  double mean = 1.0 / 1.1 + 0.5 / 1.21;
  for (int k = 2; k <= 3; ++k) {
    const double c = 2.0 * std::pow(0.8, k);
    const double star = std::pow(c, 1.0 / k) - 1.0;
    const double integral = c * star - (std::pow(1.0 + star, k + 1) - 1.0) / (k + 1);
    mean += integral / 0.2 / std::pow(1.1, k + 1);
  }
  mean *= 1e6;
  const std::uint64_t n = 100000;
  const auto st = fleet::simulate_fleet(s, {up}, n, 11, 2);
  CHECK(st.inputs == std::vector<std::string>{"fleet.opex_escalation_per_year"});
  CHECK(std::abs(st.npv_mean - mean) < 4.0 * st.npv_sd / std::sqrt(static_cast<double>(n)));
  CHECK(st.npv_sd > 1e4);  // the escalation moves it
  // The NPV falls as e rises, so its median is the NPV at e's median, 0.1: margins 1.0, 0.5,
  // 0.07 and 2029 idled.
  const double at_median = (1.0 / 1.1 + 0.5 / 1.21 + 0.07 / 1.331) * 1e6;
  CHECK(st.npv_p50 == doctest::Approx(at_median).epsilon(2e-3));
  // The energy's rate moves nothing when no running cost is energy.
  up.input = fleet::fleet_input::energy_escalation;
  up.path = "fleet.energy_escalation_per_year";
  const auto none = fleet::simulate_fleet(s, {up}, 1000, 11, 1);
  CHECK(none.npv_sd < 1e-6);  // rounding in the sums only
  CHECK(none.npv_mean == doctest::Approx(usd(fleet::plan_fleet(s).ledger.npv)));
  // Its range is the spec's: [-0.5, 1].
  up.dist = tpw::mc::distribution::uniform(-0.6, 0.2);
  CHECK(message_of([&] {
          (void)fleet::simulate_fleet(s, {up}, 100, 1, 1);
        }).find("outside [-0.5, 1]") != std::string::npos);
}

TEST_CASE("fleet.monte_carlo: every purchase's economic life, not only the first's") {
  // No installed fleet; B alone, a 2-year life, to be had 2026 to 2033 at a flat 10 M USD per
  // MW: fixed life buys it in 2026, 2028, 2030 and 2032 in every sample (the last pays at the
  // steepest token price decline, 5% a year: 6.15 / 1.1 + 5.78 / 1.1^2 - 10 + 1 / 1.1^2 > 0 M).
  // The first three leave within the calendar after 2 years, the last at its end (valued at
  // book): three lives of 2 years a sample, one of them the first's.
  auto s = worked_case();
  s.installed.clear();
  s.generations[1].available_until = 2033;
  s.generations[1].price_decline_per_year = tpw::fraction{0.0};
  s.generations[1].price = 10e6 * units::usd / units::MW;
  s.generations[1].life_years = 2;
  fleet::uncertain_number decline;
  decline.input = fleet::fleet_input::price_decline_per_year;
  decline.dist = tpw::mc::distribution::uniform(0.0, 0.05);
  decline.path = "fleet.price_decline_per_year";
  const auto st = fleet::simulate_fleet(s, {decline}, 2000, 5, 2);
  REQUIRE(st.purchases[1].share == 4.0);
  CHECK(st.purchases[1].share_by_period[0] == 1.0);
  CHECK(st.purchases[1].share_by_period[6] == 1.0);
  CHECK(st.economic_life[1].share == 1.0);
  CHECK(st.economic_life[1].mean == 2.0);
  const auto& every = st.every_life[1];
  CHECK(every.share == 3.0);
  CHECK(every.share_by_period[2] == 3.0);
  CHECK(every.mean == 2.0);
  CHECK(every.p5 == 2.0);
  CHECK(every.p95 == 2.0);
  CHECK(st.every_life[0].share == 0.0);  // A is never bought
}

TEST_CASE("fleet.monte_carlo: a distribution reaching outside its number's range is refused") {
  auto s = worked_case();
  fleet::uncertain_number decline;
  decline.input = fleet::fleet_input::price_decline_per_year;
  decline.dist = tpw::mc::distribution::normal(0.2, 0.1);
  decline.path = "fleet.price_decline_per_year";
  const std::string m = message_of([&] { (void)fleet::simulate_fleet(s, {decline}, 100, 1, 1); });
  CHECK(m.find("fleet.price_decline_per_year") == 0);
  CHECK(m.find("outside [0, 1)") != std::string::npos);
  decline.dist = tpw::mc::distribution::uniform(0.1, 0.3);
  CHECK(message_of([&] { (void)fleet::simulate_fleet(s, {decline}, 1, 1, 1); }) ==
        "uncertainty.samples = 1: a fleet's Monte Carlo needs 2 to 100,000,000 samples");
  // best_npv by the quarter prices 61,442 plans at the point: 100,000 samples would be 6.1e9.
  s.when.every = fleet::step::quarter;
  s.refresh = fleet::refresh_rule::best_npv;
  CHECK(message_of([&] { (void)fleet::simulate_fleet(s, {decline}, 100000, 1, 1); }) ==
        "uncertainty.samples = 100000: with fleet.refresh \"best_npv\" each sample prices about "
        "61442 plans (the point plan's count), and plans x samples must stay within 2e9: lower "
        "the samples, or fleet.max_plans, or use a longer step or fewer years");
}
