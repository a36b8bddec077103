// When to replace a generation of hardware, on tpw::fleet: a site of 1 MW runs generation A,
// paid for (sunk) and usable to the end of 2029; generation B makes five times the tokens per MW
// and its price falls 25% a year. The same fleet under the three refresh rules, every replacement
// date priced by hand, then the fleet by the quarter, then buying to a demand at least cost
// (tests/test_fleet_demand.cpp prices it by hand). The model is in docs/fleet.md. Built and run
// by the test suite, which compares its output with fleet_refresh.output.
#include <cstdio>
#include <string>
#include <vector>

#include <tpw/fleet.hpp>

namespace units = tpw::units;
namespace fleet = tpw::fleet;
using tpw::USD;

namespace {

// To the cent.
std::string dollars(tpw::money<USD> m) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", m.value());
  return text;
}

const char* rule_name(fleet::refresh_rule r) {
  return r == fleet::refresh_rule::fixed_life         ? "fixed life"
         : r == fleet::refresh_rule::opportunity_cost ? "opportunity cost"
                                                      : "best NPV";
}

void print_plan(const fleet::fleet_spec<USD>& s, const fleet::fleet_plan<USD>& plan) {
  const auto& l = plan.ledger;
  std::printf("%-16s NPV %s USD", rule_name(plan.rule), dollars(l.npv).c_str());
  if (plan.rule == fleet::refresh_rule::best_npv) {
    std::printf(" (%s: %ld plans)", plan.search.c_str(), plan.plans);
  }
  std::printf("\n");
  for (std::size_t k = 0; k < l.cohorts.size(); ++k) {
    const fleet::cohort& c = l.cohorts[k];
    const std::string leaves = s.when.label(c.end);
    const std::string from = c.origin == fleet::cohort_origin::installed
                                 ? std::string("installed")
                                 : "bought " + s.when.label(c.first);
    std::printf("  %s %.1f MW, %s, leaves at the start of %s: capex %s, residual %s\n",
                s.generations[c.generation].name.c_str(),
                static_cast<double>(c.capacity / units::MW), from.c_str(), leaves.c_str(),
                dollars(l.cohort_capex[k]).c_str(), dollars(l.cohort_residual[k]).c_str());
  }
}

}  // namespace

int main() {
  const auto mw_year = units::MW * units::year;
  fleet::fleet_spec<USD> s;
  s.when = {.start_year = 2026, .every = fleet::step::year, .years = 8};
  s.discount_rate = tpw::annual_rate{0.10};
  s.price = 2.0 * units::usd / units::Mtok;  // falling 20% a year
  s.price_decline_per_year = tpw::fraction{0.20};

  fleet::generation<USD> a;  // installed only: no price, nothing to buy
  a.name = "A";
  a.output = 1.0e6 * units::Mtok / mw_year;
  a.running_cost = 1.0e6 * units::usd / mw_year;

  fleet::generation<USD> b;
  b.name = "B";
  b.output = 5.0e6 * units::Mtok / mw_year;
  b.running_cost = 1.2e6 * units::usd / mw_year;
  b.price = 20e6 * units::usd / units::MW;  // in 2026
  b.available_from = 2026;
  b.available_until = 2030;
  b.price_decline_per_year = tpw::fraction{0.25};
  b.life_years = 4;
  b.residual_fraction = tpw::fraction{0.10};

  s.generations = {a, b};
  s.installed = {{.generation = 0, .capacity = 1.0 * units::MW, .usable_until = 2029}};
  s.site_power = {{.from_year = 2026, .ceiling = 1.0 * units::MW}};

  // Every date for the replacement, priced as a plan written out by hand.
  std::printf("Replacing A by B (NPV per MW at the start of 2026, USD)\n");
  for (int r = 0; r <= 4; ++r) {
    fleet::cohort old{.generation = 0,
                      .capacity = 1.0 * units::MW,
                      .origin = fleet::cohort_origin::installed,
                      .first = 0,
                      .life_end = 4,
                      .end = r};
    fleet::cohort replacement{.generation = 1,
                              .capacity = 1.0 * units::MW,
                              .origin = fleet::cohort_origin::bought,
                              .first = r,
                              .life_end = r + 4,
                              .end = r + 4};
    std::printf("  at the start of %s: %s\n", s.when.label(r).c_str(),
                dollars(fleet::price_cohorts(s, {old, replacement}).npv).c_str());
  }
  fleet::cohort alone{.generation = 0,
                      .capacity = 1.0 * units::MW,
                      .origin = fleet::cohort_origin::installed,
                      .first = 0,
                      .life_end = 4,
                      .end = 4};
  std::printf("  never: %s\n\n", dollars(fleet::price_cohorts(s, {alone}).npv).c_str());

  // The rules decide.
  for (const auto rule : {fleet::refresh_rule::fixed_life, fleet::refresh_rule::opportunity_cost,
                          fleet::refresh_rule::best_npv}) {
    s.refresh = rule;
    print_plan(s, fleet::plan_fleet(s));
  }

  // The same fleet by the quarter: rates per quarter come from the annual ones.
  s.when.every = fleet::step::quarter;
  s.refresh = fleet::refresh_rule::best_npv;
  const auto quarterly = fleet::plan_fleet(s);
  std::printf("\nBy quarter (discount %.4f%% a quarter from 10%% a year):\n",
              100 * fleet::step_rate::compounding(s.discount_rate, fleet::step::quarter).value());
  print_plan(s, quarterly);
  const auto& l = quarterly.ledger;
  if (l.irr.unique()) {
    std::printf("IRR %.2f%%", 100 * l.irr.rate());
  } else {
    std::printf("IRR: %s", l.irr.reason.c_str());
  }
  if (l.payback_years) {
    std::printf("; payback %.2f years\n", *l.payback_years);
  } else {
    std::printf("; %s\n", l.payback_reason.c_str());
  }

  // Buying to a demand instead of filling the site (docs/fleet.md, "Demand"): 2 MW, A's 1 MW
  // installed, B and a cheaper, less dense C to buy, 3.0e6 Mtok asked for in 2026 growing 50% a
  // year, tokens flat at 2.00. Each year the shortfall is bought of the least levelized cost per
  // token (C), or of the densest (B) when C does not fit; what the site cannot hold is unserved.
  s.when = {2026, fleet::step::year, 4};
  s.price_decline_per_year = tpw::fraction{0.0};
  s.generations[1].price_decline_per_year = tpw::fraction{0.0};
  s.generations[1].available_until.reset();
  fleet::generation<USD> c = s.generations[1];
  c.name = "C";
  c.output = 2.0e6 * units::Mtok / mw_year;
  c.running_cost = 0.6e6 * units::usd / mw_year;
  c.price = 4e6 * units::usd / units::MW;
  s.generations.push_back(c);
  s.site_power = {{2026, 2.0 * units::MW}};
  s.demand = fleet::fleet_demand{3.0e6 * units::Mtok, tpw::annual_rate{0.5}};
  s.refresh = fleet::refresh_rule::opportunity_cost;
  const auto met = fleet::plan_fleet(s);
  std::printf("\nTo a demand of 3.0e6 Mtok growing 50%% a year on 2 MW:\n");
  print_plan(s, met);
  for (int p = 0; p < s.when.periods(); ++p) {
    const auto i = static_cast<std::size_t>(p);
    std::printf("  %s: asked %.4g Mtok, unserved %.4g Mtok\n", s.when.label(p).c_str(),
                static_cast<double>(met.ledger.demanded[i] / units::Mtok),
                static_cast<double>(met.ledger.unserved[i] / units::Mtok));
  }
}
