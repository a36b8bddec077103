// A fleet that meets a demand (docs/fleet.md, "Demand"): what the cohorts in service cannot make
// is bought at least levelized cost per token (the densest generation when the cheapest does not
// fit under the ceiling), cohorts run in merit order of running cost per token, and what the site
// cannot make is reported unserved. Each case is priced by hand in its comments; the purchase
// rule is checked against every choice of generation on small fleets.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <vector>

#include <tpw/fleet.hpp>

#include "support.hpp"

namespace {

namespace units = tpw::units;
using tpw::USD;
using tpw_test::message_of;
namespace fleet = tpw::fleet;

const auto mw_year = units::MW * units::year;

fleet::generation<USD> generation(const char* name, double mtok, double running,
                                  std::optional<double> price) {
  fleet::generation<USD> g;
  g.name = name;
  g.output = mtok * units::Mtok / mw_year;
  g.running_cost = running * units::usd / mw_year;
  if (price) {
    g.price = *price * units::usd / units::MW;
    g.available_from = 2026;
    g.life_years = 4;
    g.residual_fraction = tpw::fraction{0.1};
  }
  return g;
}

// 2026 to 2029 by the year, 10% discount rate, tokens at 2.00 USD per Mtok (flat), a 2 MW site.
// A: installed, 1 MW, 1.0e6 Mtok and 1.0 M USD per MW-year (1.00 USD per Mtok to run).
// B: 5.0e6 Mtok, 1.2 M USD per MW-year, 20 M USD per MW, 4 years, 10% residual.
// C: 2.0e6 Mtok, 0.6 M USD per MW-year, 4 M USD per MW, 4 years, 10% residual.
// Demand: 3.0e6 Mtok in 2026, growing 50% a year (3.0, 4.5, 6.75, 10.125 e6).
// Capital charge at 10% over 4 years with 10% residual: (1 - 0.1 / 1.1^4) * 0.1 / (1 - 1.1^-4)
// = 0.9316987 * 0.3154708 = 0.2939237. Levelized per Mtok: B (20 M * 0.2939237 + 1.2 M) / 5e6 =
// 1.415695; C (4 M * 0.2939237 + 0.6 M) / 2e6 = 0.887847: C is the cheaper, B the denser.
fleet::fleet_spec<USD> demand_case() {
  fleet::fleet_spec<USD> s;
  s.when = {2026, fleet::step::year, 4};
  s.discount_rate = tpw::annual_rate{0.10};
  s.price = 2.0 * units::usd / units::Mtok;
  s.generations = {generation("A", 1.0e6, 1.0e6, std::nullopt), generation("B", 5.0e6, 1.2e6, 20e6),
                   generation("C", 2.0e6, 0.6e6, 4e6)};
  s.installed = {{0, 1.0 * units::MW, 2029}};
  s.site_power = {{2026, 2.0 * units::MW}};
  s.demand = fleet::fleet_demand{3.0e6 * units::Mtok, tpw::annual_rate{0.5}};
  return s;
}

double mw(tpw::power p) {
  return p / units::MW;
}

double mtok(tpw::tokens t) {
  return t / units::Mtok;
}

}  // namespace

TEST_CASE("fleet.demand: fixed life buys the cheapest per token, then the site runs short") {
  const fleet::fleet_spec<USD> s = demand_case();
  const fleet::fleet_plan<USD> plan = fleet::plan_fleet(s);
  const auto& l = plan.ledger;
  // 2026: A makes 1.0e6 of the 3.0e6 asked: 2.0e6 short, C's 1.0 MW (2.0e6 / 2.0e6 per MW) fits
  // the 1 MW left. From 2027 the site is full: 4.5 - 3.0 = 1.5e6, then 3.75e6 and 7.125e6 unserved.
  REQUIRE(l.cohorts.size() == 2);
  CHECK(l.cohorts[1].generation == 2);
  CHECK(l.cohorts[1].first == 0);
  CHECK(mw(l.cohorts[1].capacity) == doctest::Approx(1.0).epsilon(1e-12));
  REQUIRE(l.unserved.size() == 4);
  CHECK(mtok(l.unserved[0]) == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(mtok(l.unserved[1]) == doctest::Approx(1.5e6).epsilon(1e-12));
  CHECK(mtok(l.unserved[3]) == doctest::Approx(7.125e6).epsilon(1e-12));
  CHECK(mtok(l.demanded[3]) == doctest::Approx(10.125e6).epsilon(1e-12));
  // Each year C makes 2.0e6 (4.0 M revenue, 0.6 M to run) and A 1.0e6 (2.0 M, 1.0 M): 4.4 M.
  // NPV = -4 M + 4.4 M * 3.1698654 (4 years at 10%) + 0.4 M residual / 1.1^4 = 10,220,613.35.
  CHECK(std::abs(l.npv.value() - 10'220'613.35) < 0.005);
  CHECK(l.running[0].value() == doctest::Approx(1.6e6).epsilon(1e-12));
}

TEST_CASE("fleet.demand: the opportunity rule retires A, and the densest fills the last MW") {
  fleet::fleet_spec<USD> s = demand_case();
  s.refresh = fleet::refresh_rule::opportunity_cost;
  const auto& l = fleet::plan_fleet(s).ledger;
  // A runs at 1.00 USD per Mtok, above C's levelized 0.887847: retired in 2026. C covers the 3.0e6
  // with 1.5 MW. 2027: 1.5e6 short needs 0.75 MW of C, 0.5 MW left: B, the densest, makes it with
  // 0.3 MW. 2028: 2.25e6 short, 0.2 MW left: 0.2 MW of B (1.0e6), 1.25e6 unserved. 2029: full,
  // 10.125 - 5.5 = 4.625e6 unserved.
  REQUIRE(l.cohorts.size() == 4);
  CHECK(l.cohorts[0].end == 0);
  CHECK(l.cohorts[1].generation == 2);
  CHECK(mw(l.cohorts[1].capacity) == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(l.cohorts[2].generation == 1);
  CHECK(mw(l.cohorts[2].capacity) == doctest::Approx(0.3).epsilon(1e-12));
  CHECK(l.cohorts[3].generation == 1);
  CHECK(mw(l.cohorts[3].capacity) == doctest::Approx(0.2).epsilon(1e-12));
  CHECK(mtok(l.unserved[2]) == doctest::Approx(1.25e6).epsilon(1e-12));
  CHECK(mtok(l.unserved[3]) == doctest::Approx(4.625e6).epsilon(1e-12));
  // Capex: C 6 M in 2026, B 6 M in 2027 and 4 M in 2028. Margins: 2026 C 3.0e6 tokens * (2 -
  // 0.3) = 5.1 M; 2027 + B 1.5e6 * (2 - 0.24) = 7.74 M; 2028 and 2029 + B 2.5e6: 9.5 M. Sales at
  // the end of 2029: C (4 years) 10% of 6 M = 0.6 M; B from 2027 at book 6 M * (1 - 0.9 * 3/4) =
  // 1.95 M; B from 2028 at 4 M * (1 - 0.9 * 2/4) = 2.2 M. NPV = -6 - 6/1.1 - 4/1.21 + 5.1/1.1 +
  // 7.74/1.21 + 9.5/1.331 + (9.5 + 4.75)/1.4641 = 13,143,159.62.
  CHECK(std::abs(l.npv.value() - 13'143'159.62) < 0.005);
  CHECK(l.capex[1].value() == doctest::Approx(6e6).epsilon(1e-12));
}

TEST_CASE("fleet.demand: cohorts run in merit order, the rest idle, when demand falls") {
  fleet::fleet_spec<USD> s = demand_case();
  s.demand = fleet::fleet_demand{3.0e6 * units::Mtok, tpw::annual_rate{-0.5}};
  const auto& l = fleet::plan_fleet(s).ledger;
  // 2026 as before (A and 1 MW of C). 2027: 1.5e6 asked; C runs first (0.30 USD per Mtok against
  // A's 1.00): 0.75 of its MW switched on, A idle. 2028: 0.75e6, C at 0.375 MW.
  REQUIRE(l.cohorts.size() == 2);
  REQUIRE(l.rows.size() == 8);
  // rows by period, then cohort: [2] A in 2027, [3] C in 2027.
  CHECK(l.rows[2].idled);
  CHECK(mw(l.rows[3].switched_on) == doctest::Approx(0.75).epsilon(1e-12));
  CHECK(l.rows[3].running.value() == doctest::Approx(0.45e6).epsilon(1e-12));
  CHECK(l.rows[3].revenue.value() == doctest::Approx(3.0e6).epsilon(1e-12));
  CHECK(mw(l.rows[5].switched_on) == doctest::Approx(0.375).epsilon(1e-12));
  // NPV = -4 M + 4.4 M / 1.1 + 2.55 M / 1.21 + 1.275 M / 1.331 + (0.6375 + 0.4) M / 1.4641.
  const double hand = -4e6 + 4.4e6 / 1.1 + 2.55e6 / 1.21 + 1.275e6 / 1.331 + 1.0375e6 / 1.4641;
  CHECK(l.npv.value() == doctest::Approx(hand).epsilon(1e-12));
  for (const auto& u : l.unserved) CHECK(mtok(u) == doctest::Approx(0.0).epsilon(1e-9));
}

TEST_CASE("fleet.demand: a cohort whose tokens cost more to run than they fetch is not run") {
  fleet::fleet_spec<USD> s = demand_case();
  s.price = 0.9 * units::usd / units::Mtok;  // under A's 1.00, over C's levelized 0.888
  const auto& l = fleet::plan_fleet(s).ledger;
  // A cannot run at a profit: C fills the 2 MW site less A's 1 MW in 2026 (2.0e6 of 3.0e6 made).
  CHECK(l.rows[0].idled);
  CHECK(mtok(l.unserved[0]) == doctest::Approx(1.0e6).epsilon(1e-12));
  s.price = 0.8 * units::usd / units::Mtok;  // under C's levelized cost: nothing worth buying
  const auto& none = fleet::plan_fleet(s).ledger;
  CHECK(none.cohorts.size() == 1);
  CHECK(mtok(none.unserved[0]) == doctest::Approx(3.0e6).epsilon(1e-12));
}

TEST_CASE("fleet.demand: the least-cost purchase against every choice of generation") {
  // A site large enough never to bind: each period's shortfall is bought of one generation. Every
  // sequence of choices (B or C at each purchase) is priced, and the rule's plan costs the least.
  // B's price flat: C is the cheaper per token every year. Falling 40% a year, B is cheaper from
  // 2028 ((7.2 M * 0.2939237 + 1.2 M) / 5e6 = 0.663 against C's 0.888); falling 60%, from 2027.
  const std::vector<std::vector<std::size_t>> bought{{2, 2, 2, 2}, {2, 2, 1, 1}, {2, 1, 1, 1}};
  const std::vector<double> declines{0.0, 0.4, 0.6};
  for (std::size_t d = 0; d < declines.size(); ++d) {
    const double b_decline = declines[d];
    fleet::fleet_spec<USD> s = demand_case();
    s.site_power = {{2026, 100.0 * units::MW}};
    s.generations[1].price_decline_per_year = tpw::fraction{b_decline};
    const auto rule = fleet::plan_fleet(s).ledger;
    const int P = s.when.periods();
    double best = -1e300;
    for (int choice = 0; choice < (1 << P); ++choice) {
      std::vector<fleet::cohort> cohorts{rule.cohorts[0]};
      double can = 1.0e6;  // A's tokens a year
      for (int p = 0; p < P; ++p) {
        const std::size_t g = (choice >> p) & 1 ? 1 : 2;
        const double asked = 3.0e6 * std::pow(1.5, p);
        const double per_mw = g == 1 ? 5.0e6 : 2.0e6;
        fleet::cohort c;
        c.generation = g;
        c.capacity = (asked - can) / per_mw * units::MW;
        c.first = p;
        c.life_end = p + 4;
        c.end = P;
        cohorts.push_back(c);
        can = asked;
      }
      best = std::max(best, fleet::price_cohorts(s, cohorts).npv.value());
    }
    INFO("B's price decline " << b_decline);
    REQUIRE(rule.cohorts.size() == 5);
    for (std::size_t k = 0; k < 4; ++k) CHECK(rule.cohorts[k + 1].generation == bought[d][k]);
    CHECK(rule.npv.value() == doctest::Approx(best).epsilon(1e-12));
  }
}

TEST_CASE("fleet.demand: best_npv is at least every rule's plan, and refusals name the field") {
  fleet::fleet_spec<USD> s = demand_case();
  s.refresh = fleet::refresh_rule::best_npv;
  const double best = fleet::plan_fleet(s).ledger.npv.value();
  for (const auto rule : {fleet::refresh_rule::fixed_life, fleet::refresh_rule::opportunity_cost}) {
    s.refresh = rule;
    CHECK(best >= fleet::plan_fleet(s).ledger.npv.value() - 1e-6);
  }
  // Monthly over 50 years, each plan is served 600 periods x up to 600 cohorts: refused up front.
  fleet::fleet_spec<USD> slow = s;
  slow.when = {2026, fleet::step::month, 50};
  slow.refresh = fleet::refresh_rule::best_npv;
  CHECK(message_of([&] { fleet::plan_fleet(slow); })
            .starts_with("fleet.refresh = 82522588800: \"best_npv\" with a demand serves each plan "
                         "period by period: up to 228848 plans x 600 periods x 601 cohorts"));
  s.demand->first_year = -1.0 * units::Mtok;
  CHECK(message_of([&] { fleet::plan_fleet(s); }) ==
        "fleet.demand.mtok_per_year = -1: must be in (0, 1e15] Mtok a year");
  s.demand->first_year = 1.0 * units::Mtok;
  s.demand->growth_per_year = tpw::annual_rate::unchecked(-1.0);
  CHECK(
      message_of([&] { fleet::plan_fleet(s); }) ==
      "fleet.demand.growth_per_year = -1: must be in (-1, 10]: the share the demand grows a year");
}

TEST_CASE("fleet.demand: the chance of unserved tokens under an uncertain demand, by hand") {
  // The fixed-life case without B, with a flat demand D uniform on [2, 4] e6 Mtok: A and at most
  // C's 1 MW (the site's 2 MW) make 3.0e6 a year, so tokens go unserved exactly when D > 3e6 (C
  // bought to D - 1e6 below it): a chance of 0.5, and the
  // mean share unserved is the integral of (1 - 3/x) over (3, 4], halved: (1 - 3 ln(4/3)) / 2 =
  // 0.0684774.
  fleet::fleet_spec<USD> s = demand_case();
  s.demand->growth_per_year = tpw::annual_rate{0.0};
  s.generations[1].available_from.reset();  // B cannot be bought
  fleet::uncertain_number d;
  d.input = fleet::fleet_input::demand_mtok_per_year;
  d.dist = tpw::mc::distribution::uniform(2.0e6, 4.0e6);
  d.path = "fleet.demand.mtok_per_year";
  const std::uint64_t n = 40'000;
  const auto one = fleet::simulate_fleet(s, {d}, n, 7, 1);
  const auto three = fleet::simulate_fleet(s, {d}, n, 7, 3);
  CHECK(one.meets_demand);
  const double se = std::sqrt(0.25 / static_cast<double>(n));
  CHECK(std::abs(one.chance_unserved - 0.5) < 4.0 * se);
  CHECK(std::abs(one.unserved_share_mean - (1.0 - 3.0 * std::log(4.0 / 3.0)) / 2.0) < 0.002);
  CHECK(one.unserved_share_mean == three.unserved_share_mean);
  CHECK(one.npv_mean == three.npv_mean);
  // C is bought in 2026 in every sample, and never again (the demand is flat).
  CHECK(one.purchases[2].share_by_period[0] == 1.0);
  CHECK(one.purchases[2].share == 1.0);
  s.demand.reset();
  CHECK(message_of([&] { fleet::simulate_fleet(s, {d}, n, 7, 1); }) ==
        "fleet.demand.mtok_per_year = 3000000: is a demand's number: give the fleet a demand "
        "(fleet_spec::demand)");
}

TEST_CASE("fleet.demand: every purchase's date under Monte Carlo, not only the first") {
  // The opportunity-rule case with the token price uniform on [1.9, 2.1]: every sample retires A
  // (1.00 USD per Mtok to run, above C's levelized 0.888), buys C in 2026 and B in 2027 and 2028
  // (as priced by hand above): B twice a sample, its first purchase in 2027.
  fleet::fleet_spec<USD> s = demand_case();
  s.refresh = fleet::refresh_rule::opportunity_cost;
  fleet::uncertain_number price;
  price.input = fleet::fleet_input::price_per_mtok;
  price.dist = tpw::mc::distribution::uniform(1.9, 2.1);
  price.path = "fleet.price_per_mtok";
  const auto st = fleet::simulate_fleet(s, {price}, 1000, 5, 2);
  CHECK(st.purchases[1].share == 2.0);
  CHECK(st.purchases[1].share_by_period[1] == 1.0);
  CHECK(st.purchases[1].share_by_period[2] == 1.0);
  CHECK(st.purchases[1].p50 == 2027.0);
  CHECK(st.first_purchase[1].share_by_period[1] == 1.0);
  CHECK(st.first_purchase[1].share_by_period[2] == 0.0);
  CHECK(st.purchases[2].share == 1.0);
  CHECK(st.installed_retired[0].share_by_period[0] == 1.0);
}
