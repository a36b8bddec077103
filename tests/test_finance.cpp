// Finance: NPV, IRR, payback, cash flows of a deployment, depreciation and rounding of money,
// each against a hand computation.
#include <doctest/doctest.h>

#include "support.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

#include <tpw/finance.hpp>
#include <tpw/format.hpp>
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::USD;
using tpw_test::infinity;
using tpw_test::message_of;
using tpw_test::not_a_number;

namespace {
using flows_t = std::vector<tpw::money<USD>>;

flows_t usd(std::initializer_list<double> amounts) {
  flows_t flows;
  for (double a : amounts) flows.push_back(a * units::usd);
  return flows;
}
double dollars(tpw::money<USD> m) {
  return tpw::in(m, units::usd);
}
}  // namespace

TEST_CASE("NPV discounts the flow of year t by (1 + r)^t") {
  // -100 + 30 / 1.1 + 40 / 1.21 + 50 / 1.331 = -100 + 27.272727 + 33.057851 + 37.565740
  //   = -2.1036814
  CHECK(dollars(tpw::net_present_value(tpw::annual_rate{0.1}, usd({-100, 30, 40, 50}))) ==
        Approx(-2.10368144252444).epsilon(1e-12));
  // At r = 0 it is the plain sum.
  CHECK(dollars(tpw::net_present_value(tpw::annual_rate{0.0}, usd({-100, 30, 40, 50}))) == 20.0);
  CHECK(message_of([] { (void)tpw::net_present_value(tpw::annual_rate{0.1}, flows_t{}); }) ==
        "cash_flows.size = 0: needs at least 1 year");
  CHECK(message_of([] {
          (void)tpw::net_present_value(tpw::annual_rate{0.1}, usd({-100, not_a_number}));
        }) == "cash_flows[1] = nan: must be a finite amount");
}

TEST_CASE("IRR: the rate where the NPV is zero") {
  // -100 then +110 a year later: 10%. -100, 0, +121: (1.1)^2 = 1.21, 10% again.
  CHECK(tpw::internal_rate_of_return(usd({-100, 110})).rate() == Approx(0.1).epsilon(1e-14));
  CHECK(tpw::internal_rate_of_return(usd({-100, 0, 121})).rate() == Approx(0.1).epsilon(1e-14));
  // -100, 30, 40, 50: NPV(8.8963395%) = 0 (bisection to 1e-15 by hand in Python).
  const auto r = tpw::internal_rate_of_return(usd({-100, 30, 40, 50}));
  REQUIRE(r.unique());
  CHECK(r.rate() == Approx(0.08896339469335).epsilon(1e-12));
  CHECK(dollars(tpw::net_present_value(tpw::annual_rate{r.rate()}, usd({-100, 30, 40, 50}))) ==
        Approx(0.0).epsilon(1e-9).scale(100));
  // A loss: -100, 50, 40 has a negative IRR: 100 x^2 - 50 x - 40 = 0 with x = 1 + r.
  // x = (50 + sqrt(2500 + 16000)) / 200 = 0.9300735, r = -6.99265%.
  CHECK(tpw::internal_rate_of_return(usd({-100, 50, 40})).rate() ==
        Approx((50 + std::sqrt(18500.0)) / 200 - 1).epsilon(1e-12));
}

TEST_CASE("IRR: no IRR where the flows never change sign, never a NaN") {
  for (const auto& flows : {usd({100, 50, 20}), usd({-100, -50, 0}), usd({0, 0})}) {
    const auto r = tpw::internal_rate_of_return(flows);
    CHECK_FALSE(r.exists());
    CHECK(r.reason.find("never change sign") != std::string::npos);
    CHECK(message_of([&] { (void)r.rate(); }).find("irr.rates = 0: no IRR exists") == 0);
  }
  CHECK(message_of([] { (void)tpw::internal_rate_of_return(usd({-100})); }) ==
        "cash_flows.size = 1: needs at least 2 years");
}

TEST_CASE(
    "IRR: the search skips only spans proven free of roots: it finds what a full scan finds") {
  // The search bisects a grid of 4001 rates and skips a span whose NPV bounds exclude zero; a
  // scan of every cell of the same grid, written here as the reference, must find the same
  // rates, bit for bit, on random series with up to five sign changes, roots close together
  // and exact zeros.
  const auto full_scan = [](const flows_t& flows) {
    std::vector<double> rates;
    if (tpw::detail::sign_changes_of(flows) == 0) return rates;  // no IRR, as documented
    constexpr int steps = 4000;
    const auto& grid = tpw::detail::irr_grid();  // e^z - 1, z in 4000 parts of [log 0.01, log 101]
    REQUIRE(grid.size() == steps + 1);
    CHECK(grid.front() == Approx(-0.99).epsilon(1e-14));
    CHECK(grid.back() == Approx(100.0).epsilon(1e-14));
    const auto rate_at = [&](int i) { return grid[static_cast<std::size_t>(i)]; };
    const auto npv = [&](double r) { return tpw::detail::npv_value(flows, r); };
    double r_previous = rate_at(0);
    double npv_previous = npv(r_previous);
    if (npv_previous == 0.0) rates.push_back(r_previous);
    for (int i = 1; i <= steps; ++i) {
      const double r = rate_at(i);
      const double value = npv(r);
      if (value == 0.0) {
        rates.push_back(r);
      } else if (npv_previous != 0.0 && (value > 0.0) != (npv_previous > 0.0)) {
        std::uintmax_t iterations = 200;
        const auto [low, high] = boost::math::tools::toms748_solve(
            npv, r_previous, r, npv_previous, value, boost::math::tools::eps_tolerance<double>(52),
            iterations);
        rates.push_back(low + (high - low) / 2.0);
      }
      r_previous = r;
      npv_previous = value;
    }
    return rates;
  };
  std::uint64_t state = 12345;
  const auto next = [&] {  // a 64-bit LCG, uniform in [0, 1)
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  int several = 0;
  for (int k = 0; k < 3000; ++k) {
    flows_t flows;
    const int years = 2 + static_cast<int>(next() * 15);
    for (int t = 0; t < years; ++t) {
      const double x = next();
      // Mostly small flows of either sign, a few large, some exactly zero.
      flows.push_back((x < 0.1 ? 0.0 : (next() - 0.5) * (x > 0.9 ? 1000.0 : 10.0)) * units::usd);
    }
    const auto found = tpw::internal_rate_of_return(flows);
    CAPTURE(k);
    CHECK(found.rates == full_scan(flows));
    several += found.rates.size() > 1;
  }
  // Products of (1 + r - 1.10)(1 + r - 1.11)(1 + r - 1.5): three IRRs 1 point apart and one far.
  const flows_t close = usd({1.0, -3.71, 4.536, -1.8315});
  CHECK(tpw::internal_rate_of_return(close).rates == full_scan(close));
  CHECK(tpw::internal_rate_of_return(close).rates.size() == 3);
  CHECK(several > 10);
}

TEST_CASE("IRR: several sign changes, several IRRs, all reported") {
  // -100, +230, -132: -100 x^2 + 230 x - 132 = 0 with x = 1 + r gives x = (230 -+ 10) / 200,
  // so r = 10% and r = 20%; neither alone describes the project.
  const auto r = tpw::internal_rate_of_return(usd({-100, 230, -132}));
  REQUIRE(r.rates.size() == 2);
  CHECK(r.rates[0] == Approx(0.1).epsilon(1e-12));
  CHECK(r.rates[1] == Approx(0.2).epsilon(1e-12));
  CHECK_FALSE(r.unique());
  CHECK(message_of([&] { (void)r.rate(); }) ==
        "irr.rates = 2: the flows change sign 2 times and have 2 IRRs: no single IRR describes "
        "them; use the NPV");
  // Two sign changes and no IRR at all: -100 x^2 + 150 x - 60 has no real root (150^2 < 4 * 6000).
  const auto none = tpw::internal_rate_of_return(usd({-100, 150, -60}));
  CHECK_FALSE(none.exists());
  CHECK(none.reason == "no IRR exists between -99% and +10,000% per year");
}

TEST_CASE("payback in fractional years") {
  // Cumulative -100, -70, -30, +20: paid back 30 / 50 of the way through year 3: 2.6 years.
  CHECK(*tpw::payback_period(usd({-100, 30, 40, 50})) == Approx(2.6).epsilon(1e-15));
  CHECK(*tpw::payback_period(usd({-100, 100})) == 1.0);
  CHECK(*tpw::payback_period(usd({0, 10})) == 0.0);
  CHECK_FALSE(tpw::payback_period(usd({-100, 10, 10})).has_value());
  // Discounted at 10%: -100, 54.545, 49.587: cumulative -45.455 after year 1, so
  // 1 + 45.4545 / 49.5868 = 1.916667 years.
  CHECK(*tpw::discounted_payback_period(tpw::annual_rate{0.1}, usd({-100, 60, 60})) ==
        Approx(1.0 + (100 - 60 / 1.1) / (60 / 1.21)).epsilon(1e-14));
  CHECK_FALSE(
      tpw::discounted_payback_period(tpw::annual_rate{0.1}, usd({-100, 30, 40, 50})).has_value());
}

namespace {
// One accelerator: 1 kW serving, 0.5 kW idle, PUE 1.25, 50% utilization, 1,000 tok/s.
tpw::deployment small() {
  return tpw::deployment({.accelerators_per_system = 1,
                          .it_power = 1.0_kW,
                          .idle_power = 0.5_kW,
                          .pue = tpw::pue{1.25},
                          .utilization = tpw::fraction{0.5},
                          .throughput = 1000.0_tok_per_s});
}
const tpw::owned_hardware<USD> gpu({.price_per_system = 10000.0_USD,
                                    .life = 4.0_yr,
                                    .residual_fraction = tpw::fraction{0.1}});
const tpw::energy_cost<USD> power_bill({.price = 0.10_USD / units::kWh});
const tpw::opex<USD> software({.hardware_price_per_system = 10000.0_USD,
                               .software_per_accelerator = 876.0_USD / units::year});

tpw::cash_flow_plan<USD> plan() {
  return {.operating_years = 4,
          .utilization_ramp = {tpw::fraction{0.25}},
          .price = 1.0_USD / units::Mtok,
          .price_decline_per_year = tpw::fraction{0.1}};
}
}  // namespace

TEST_CASE("cash flows of a deployment: capex, ramp, price decline, residual") {
  const auto f = tpw::project_cash_flows(small(), plan(), gpu, power_bill, software);
  REQUIRE(f.net.size() == 5);
  // Year 1 at u = 0.25: 1000 * 0.25 * 31,536,000 s = 7.884e9 tok = 7,884 USD at 1 USD/Mtok.
  // Energy (0.25 * 1 + 0.75 * 0.5) * 1.25 = 0.78125 kW * 8760 h * 0.10 = 684.375 USD.
  CHECK(f.utilization[1] == 0.25);
  CHECK(dollars(f.revenue[1]) == Approx(7884.0).epsilon(1e-12));
  CHECK(dollars(f.energy[1]) == Approx(684.375).epsilon(1e-12));
  CHECK(dollars(f.operating[1]) == Approx(876.0).epsilon(1e-12));
  // Year 2 at the deployment's 0.5: 15,768 USD of tokens at 0.9 USD/Mtok = 14,191.2; energy
  // 0.9375 kW * 876 = 821.25. Years 3 and 4: 15,768 * 0.81 and * 0.729.
  CHECK(dollars(f.revenue[2]) == Approx(14191.2).epsilon(1e-12));
  CHECK(dollars(f.energy[2]) == Approx(821.25).epsilon(1e-12));
  CHECK(dollars(f.revenue[3]) == Approx(12772.08).epsilon(1e-12));
  CHECK(dollars(f.revenue[4]) == Approx(11494.872).epsilon(1e-12));
  // Capex 10,000 at t = 0; at the end of its 4-year life the GPU is worth 10% = 1,000.
  CHECK(dollars(f.capex[0]) == 10000.0);
  CHECK(dollars(f.residual[4]) == Approx(1000.0).epsilon(1e-12));
  // Net: -10,000; 6,323.625; 12,493.95; 11,074.83; 10,797.622.
  const double net[] = {-10000.0, 6323.625, 12493.95, 11074.83, 10797.622};
  for (std::size_t t = 0; t < 5; ++t) CHECK(dollars(f.net[t]) == Approx(net[t]).epsilon(1e-12));
  // ROI multiple: 46,342.152 of revenue over 10,000 invested.
  CHECK(*f.revenue_multiple() == Approx(4.6342152).epsilon(1e-12));
  // Payback: 1 + 3,676.375 / 12,493.95 years.
  CHECK(*tpw::payback_period(f.net) == Approx(1.0 + 3676.375 / 12493.95).epsilon(1e-12));
}

TEST_CASE("cash flows: a build period spreads capex and delays revenue; rent is running cost") {
  const tpw::built_facility<USD> hall({.build_cost = 12.0e6_USD / units::MW, .life = 15.0_yr});
  auto p = plan();
  p.build_years = 2;
  const auto f = tpw::project_cash_flows(small(), p, gpu, hall, power_bill);
  REQUIRE(f.net.size() == 7);
  // Facility: 12 USD per W * 1,000 W = 12,000; with the GPU, 22,000 paid 11,000 at t = 0 and 1.
  CHECK(dollars(f.facility_capex) == Approx(12000.0).epsilon(1e-12));
  CHECK(dollars(f.capex[0]) == Approx(11000.0).epsilon(1e-12));
  CHECK(dollars(f.capex[1]) == Approx(11000.0).epsilon(1e-12));
  CHECK(dollars(f.capex[2]) == 0.0);
  CHECK(dollars(f.revenue[2]) == 0.0);
  CHECK(dollars(f.revenue[3]) == Approx(7884.0).epsilon(1e-12));  // operating year 1 is t = 3
  // After 4 of 15 years the hall keeps 11/15 of its cost: 8,800; the GPU its 1,000.
  CHECK(dollars(f.residual[6]) == Approx(8800.0 + 1000.0).epsilon(1e-12));

  const tpw::rented_hardware<USD> rented({.rental_per_accelerator = 2.0_USD / units::hour});
  const auto r = tpw::project_cash_flows(small(), plan(), rented);
  CHECK(dollars(r.operating[1]) == Approx(17520.0).epsilon(1e-12));  // 2 USD * 8760 h
  CHECK_FALSE(r.revenue_multiple().has_value());
}

TEST_CASE("cash flows: an energy price ramp prices each year's energy at its own price") {
  // Year 1 at u = 0.25 draws 0.78125 kW (684.375 USD at 0.10); year 2 at u = 0.5 draws 0.9375 kW
  // (8,212.5 kWh). A ramp of 0.12 and 0.09 per kWh: 0.78125 x 8,760 x 0.12 = 821.25 and
  // 8,212.5 x 0.09 = 739.125; years 3 and 4, past the ramp, at the component's 0.10: 821.25.
  auto p = plan();
  p.energy_price_ramp = {0.12_USD / units::kWh, 0.09_USD / units::kWh};
  const auto f = tpw::project_cash_flows(small(), p, gpu, power_bill, software);
  CHECK(dollars(f.energy[1]) == Approx(821.25).epsilon(1e-12));
  CHECK(dollars(f.energy[2]) == Approx(739.125).epsilon(1e-12));
  CHECK(dollars(f.energy[3]) == Approx(821.25).epsilon(1e-12));
  CHECK(dollars(f.energy[4]) == Approx(821.25).epsilon(1e-12));
  // Every other line is the plan's without the ramp.
  const auto flat = tpw::project_cash_flows(small(), plan(), gpu, power_bill, software);
  for (std::size_t t = 0; t < 5; ++t) {
    CHECK(f.revenue[t] == flat.revenue[t]);
    CHECK(f.operating[t] == flat.operating[t]);
  }
  // A ramp longer than the utilization's: year 3 at the deployment's 0.5 and 0.2 per kWh.
  p.energy_price_ramp.push_back(0.2_USD / units::kWh);
  CHECK(dollars(tpw::project_cash_flows(small(), p, gpu, power_bill).energy[3]) ==
        Approx(1642.5).epsilon(1e-12));
  // Refused by field.
  p.energy_price_ramp.assign(5, 0.1_USD / units::kWh);
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu); }) ==
        "finance.energy_price_ramp.size = 5: must not be longer than operating_years");
  p.energy_price_ramp = {0.1_USD / units::kWh, -0.01_USD / units::kWh};
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu); }) ==
        "finance.energy_price_ramp[1] = -0.01: must be >= 0 per kWh");
}

TEST_CASE("cash flows: bad plans are refused by field") {
  auto p = plan();
  p.operating_years = 0;
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu); }) ==
        "finance.operating_years = 0: must be a whole number of years in 1..100");
  p = plan();
  p.build_years = -1;
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu); }) ==
        "finance.build_years = -1: must be a whole number of years in 0..20");
  p = plan();
  p.price = -1.0_USD / units::Mtok;
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu); }) ==
        "finance.price_per_mtok = -1: must be >= 0 per Mtok");
  p = plan();
  p.utilization_ramp.assign(5, tpw::fraction{0.5});
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu); }) ==
        "finance.utilization_ramp.size = 5: must not be longer than operating_years");
}

TEST_CASE("depreciation schedules: straight line, declining balance, sum of years' digits") {
  const auto schedule = [](tpw::depreciation_method m) {
    std::vector<double> out;
    for (auto d : tpw::depreciation_schedule<USD>(
             {.cost = 10000.0_USD, .salvage = 1000.0_USD, .life_years = 5, .method = m})) {
      out.push_back(dollars(d));
    }
    return out;
  };
  // (10,000 - 1,000) / 5 = 1,800 a year.
  CHECK(schedule(tpw::depreciation_method::straight_line) ==
        std::vector<double>{1800, 1800, 1800, 1800, 1800});
  // 9,000 * 5/15, 4/15, 3/15, 2/15, 1/15.
  const auto syd = schedule(tpw::depreciation_method::sum_of_years_digits);
  const double expected_syd[] = {3000, 2400, 1800, 1200, 600};
  for (std::size_t i = 0; i < 5; ++i) CHECK(syd[i] == Approx(expected_syd[i]).epsilon(1e-14));
  // Double-declining: 40% of book: 4,000 (book 6,000), 2,400 (3,600), 1,440 (2,160), then 40% of
  // 2,160 = 864 beats straight line (2,160 - 1,000) / 2 = 580; year 5 takes the last 296 down to
  // salvage (40% of 1,296 would go below it).
  const auto ddb = schedule(tpw::depreciation_method::declining_balance);
  const double expected_ddb[] = {4000, 2400, 1440, 864, 296};
  for (std::size_t i = 0; i < 5; ++i) CHECK(ddb[i] == Approx(expected_ddb[i]).epsilon(1e-14));
  // 150% declining balance on a 4-year asset with no salvage: 37.5% of book, switching to straight
  // line when that is more: 3,750 (6,250), 2,343.75 (3,906.25), then straight line 1,953.125 twice.
  const auto db150 =
      tpw::depreciation_schedule<USD>({.cost = 10000.0_USD,
                                       .life_years = 4,
                                       .method = tpw::depreciation_method::declining_balance,
                                       .declining_factor = 1.5});
  const double expected_150[] = {3750, 2343.75, 1953.125, 1953.125};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(dollars(db150[i]) == Approx(expected_150[i]).epsilon(1e-14));
  }

  CHECK(message_of([] {
          (void)tpw::depreciation_schedule<USD>(
              {.cost = 100.0_USD, .salvage = 200.0_USD, .life_years = 5});
        }).find("depreciation.salvage = 200: must not exceed the cost") == 0);
  CHECK(message_of([] {
          (void)tpw::depreciation_schedule<USD>({.cost = 100.0_USD, .life_years = 0});
        }) == "depreciation.life_years = 0: must be a whole number in 1..100");
}

TEST_CASE("income statement: EBITDA and EBIT beside the cash view") {
  const auto f = tpw::project_cash_flows(small(), plan(), gpu, power_bill, software);
  // The GPU over a 6-year accounting life, straight line to 1,000: 1,500 a year.
  const auto statement = tpw::income_statement(
      f, tpw::depreciation_schedule<USD>(
             {.cost = f.hardware_capex, .salvage = 1000.0_USD, .life_years = 6}));
  REQUIRE(statement.size() == 4);
  // Year 1: 7,884 - 684.375 - 876 = 6,323.625 EBITDA; EBIT 4,823.625.
  CHECK(dollars(statement[0].ebitda) == Approx(6323.625).epsilon(1e-12));
  CHECK(dollars(statement[0].depreciation) == Approx(1500.0).epsilon(1e-12));
  CHECK(dollars(statement[0].ebit) == Approx(4823.625).epsilon(1e-12));
  CHECK(statement[3].year == 4);
  const auto both =
      tpw::combined_schedule(tpw::depreciation_schedule<USD>({.cost = 600.0_USD, .life_years = 2}),
                             tpw::depreciation_schedule<USD>({.cost = 300.0_USD, .life_years = 3}));
  CHECK(both.size() == 3);
  CHECK(dollars(both[0]) == 400.0);
  CHECK(dollars(both[2]) == 100.0);
}

TEST_CASE("money in reports: rounded to the minor unit, half to even") {
  const auto cents = [](double amount) {
    return dollars(tpw::round_to_minor_unit(amount * units::usd));
  };
  CHECK(cents(0.125) == 0.12);  // tie: to the even cent
  CHECK(cents(0.375) == 0.38);  // tie: to the even cent
  CHECK(cents(-0.125) == -0.12);
  CHECK(cents(2.675) == 2.68);  // the decimal 2.675 is a tie, though its double is just below
  CHECK(cents(1.005) == 1.00);  // a tie, to the even 100 cents
  CHECK(cents(1234.565) == 1234.56);
  CHECK(cents(0.1 + 0.2) == 0.3);
  CHECK(cents(0.126) == 0.13);
  CHECK(cents(-0.004) == 0.0);
  using JPY = tpw::currency<"JPY", 0>;
  const auto yen = [](double amount) {
    return tpw::round_to_minor_unit(amount * tpw::units::unit_of<JPY>).value();
  };
  CHECK(yen(2.5) == 2.0);
  CHECK(yen(3.5) == 4.0);
  CHECK(tpw::format_money(0.125 * units::usd) == "0.12 USD");
  CHECK(tpw::format_money(-0.004 * units::usd) == "0.00 USD");
  CHECK(tpw::format_money(1234567.885 * units::usd) == "1,234,567.88 USD");
  CHECK(std::isinf(tpw::round_to_minor_unit(infinity * units::usd).value()));
}

namespace {
// A two-year project by hand: 1,000 of hardware at t = 0; each year 800 of revenue, 100 of energy
// and 50 of other running costs; 200 of residual value at the end.
tpw::cash_flows<USD> two_year_flows() {
  tpw::cash_flows<USD> f;
  f.build_years = 0;
  f.operating_years = 2;
  f.hardware_capex = 1000.0_USD;
  f.utilization = {0.0, 0.7, 0.7};
  f.tokens_made = {0.0_tok, 1e9 * units::tok, 1e9 * units::tok};
  f.capex = {1000.0_USD, 0.0_USD, 0.0_USD};
  f.revenue = {0.0_USD, 800.0_USD, 800.0_USD};
  f.energy = {0.0_USD, 100.0_USD, 100.0_USD};
  f.operating = {0.0_USD, 50.0_USD, 50.0_USD};
  f.residual = {0.0_USD, 0.0_USD, 200.0_USD};
  f.net = {-1000.0_USD, 650.0_USD, 850.0_USD};
  return f;
}
double usd(tpw::money<USD> m) {
  return m.value();
}
// The two-year project's terms: 10% rates, a 10% fee, energy escalating 10%, 25% tax over a
// 2-year tax life, 60% of capex on debt at 10% over 2 years.
tpw::project_terms two_year_terms() {
  tpw::project_terms terms;
  terms.discount_rate = 0.10;
  terms.equity_discount_rate = 0.10;
  terms.revenue_fee_share = 0.10;
  terms.energy_escalation = 0.10;
  terms.tax = {.rate = 0.25, .hardware_years = 2};
  terms.debt = {.share = 0.6, .rate = 0.10, .term_years = 2};
  return terms;
}
}  // namespace

TEST_CASE("a two-year project with a fee, escalation, tax and debt, line by line") {
  const tpw::project_terms terms = two_year_terms();
  const auto p = tpw::finance_project(two_year_flows(), terms);
  REQUIRE(p.years.size() == 3);
  const auto& y0 = p.years[0];
  const auto& y1 = p.years[1];
  const auto& y2 = p.years[2];
  // Debt: 60% of 1,000 = 600 drawn at t = 0. Level payment 600 * 0.1 / (1 - 1.1^-2) = 345.714286.
  const double payment = 600.0 * 0.1 / (1.0 - 1.0 / 1.21);
  CHECK(usd(p.debt) == Approx(600.0).epsilon(1e-15));
  CHECK(usd(y0.debt_drawn) == Approx(600.0).epsilon(1e-15));
  CHECK(usd(y1.interest) == Approx(60.0).epsilon(1e-14));
  CHECK(usd(y1.principal) == Approx(payment - 60.0).epsilon(1e-14));
  CHECK(usd(y2.interest) == Approx((600.0 - (payment - 60.0)) * 0.1).epsilon(1e-14));
  CHECK(usd(y1.debt_service() + y2.debt_service()) == Approx(2.0 * payment).epsilon(1e-14));
  // Year 1: fee 80, energy 100, other 50: EBITDA 570. Tax depreciation 1,000 / 2 = 500.
  // Taxable 570 - 500 - 60 of interest = 10: tax 2.5. Unlevered: 70, tax 17.5.
  CHECK(usd(y1.fee) == Approx(80.0).epsilon(1e-15));
  CHECK(usd(y1.energy) == Approx(100.0).epsilon(1e-15));
  CHECK(usd(y1.depreciation) == Approx(500.0).epsilon(1e-15));
  CHECK(usd(y1.tax) == Approx(2.5).epsilon(1e-13));
  CHECK(usd(y1.project_flow) == Approx(570.0 - 17.5).epsilon(1e-14));
  CHECK(usd(y1.equity_flow) == Approx(570.0 - payment - 2.5).epsilon(1e-14));
  // Year 2: energy escalates 10%: 110; EBITDA 560. Book value 0, so the 200 of residual is a
  // gain. Interest 31.428571: taxable 560 - 500 - 31.428571 + 200 = 228.571429, tax 57.142857.
  // Unlevered: 260, tax 65.
  const double interest2 = (600.0 - (payment - 60.0)) * 0.1;
  CHECK(usd(y2.energy) == Approx(110.0).epsilon(1e-15));
  CHECK(usd(y2.tax) == Approx((260.0 - interest2) * 0.25).epsilon(1e-13));
  CHECK(usd(y2.project_flow) == Approx(560.0 + 200.0 - 65.0).epsilon(1e-14));
  CHECK(usd(y2.equity_flow) == Approx(760.0 - payment - (260.0 - interest2) * 0.25).epsilon(1e-14));
  // Project flows -1,000, 552.5, 695; equity flows -400, 221.79, 357.14.
  CHECK(usd(y0.project_flow) == -1000.0);
  CHECK(usd(y0.equity_flow) == Approx(-400.0).epsilon(1e-15));
  CHECK(usd(y2.cumulative) ==
        Approx(-400.0 + usd(y1.equity_flow) + usd(y2.equity_flow)).epsilon(1e-14));
  // NPV at 10%: -1,000 + 552.5 / 1.1 + 695 / 1.21 = 76.6529; equity -400 + 221.79 / 1.1 + ...
  CHECK(usd(p.project_npv) == Approx(-1000.0 + 552.5 / 1.1 + 695.0 / 1.21).epsilon(1e-13));
  CHECK(usd(p.equity_npv) ==
        Approx(-400.0 + usd(y1.equity_flow) / 1.1 + usd(y2.equity_flow) / 1.21).epsilon(1e-13));
  // IRR: -1,000 + 552.5 x + 695 x^2 = 0 in x = 1 / (1 + r).
  const double x = (-552.5 + std::sqrt(552.5 * 552.5 + 4.0 * 695.0 * 1000.0)) / (2.0 * 695.0);
  CHECK(p.project_irr.rate() == Approx(1.0 / x - 1.0).epsilon(1e-12));
  // Payback: cumulative -1,000, -447.5, +247.5: 1 + 447.5 / 695 years.
  CHECK(*p.payback_years == Approx(1.0 + 447.5 / 695.0).epsilon(1e-14));
  CHECK(*p.revenue_multiple == Approx(1.6).epsilon(1e-15));
}

TEST_CASE("with no fee, tax, escalation or debt, project flows are the cash view's") {
  const auto flows = two_year_flows();
  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.08;
  const auto p = tpw::finance_project(flows, terms);
  for (std::size_t t = 0; t < 3; ++t) {
    CHECK(usd(p.years[t].project_flow) == usd(flows.net[t]));
    CHECK(usd(p.years[t].equity_flow) == usd(flows.net[t]));
  }
  CHECK(usd(p.project_npv) == usd(tpw::net_present_value(tpw::annual_rate{0.08}, flows.net)));
  // A loss is carried forward: at 50% tax with a one-year tax life, year 1 earns 650 before the
  // 1,000 of depreciation: -350, no tax, 350 carried. Year 2: 650 + 200 of gain - 350 = 500,
  // taxed 250.
  terms.tax = {.rate = 0.5, .hardware_years = 1};
  const auto taxed = tpw::finance_project(flows, terms);
  CHECK(usd(taxed.years[1].tax) == 0.0);
  CHECK(usd(taxed.years[2].tax) == Approx(250.0).epsilon(1e-15));
  // A term longer than the project: the balance left is repaid in the last year.
  terms.tax = {};
  terms.debt = {.share = 1.0, .rate = 0.0, .term_years = 10};
  const auto long_debt = tpw::finance_project(flows, terms);
  CHECK(usd(long_debt.years[1].principal) == Approx(100.0).epsilon(1e-15));
  CHECK(usd(long_debt.years[2].principal) == Approx(900.0).epsilon(1e-15));
}

TEST_CASE("project terms are refused by field") {
  tpw::project_terms terms;
  terms.revenue_fee_share = 1.0;
  CHECK(message_of([&] { (void)tpw::finance_project(two_year_flows(), terms); }) ==
        "finance.revenue_fee_share = 1: must be in [0, 1): the share of revenue paid as a fee");
  terms = {};
  terms.debt.term_years = 0;
  CHECK(message_of([&] { (void)tpw::finance_project(two_year_flows(), terms); }) ==
        "finance.debt.term_years = 0: must be a whole number of years in 1..100");
  auto short_flows = two_year_flows();
  short_flows.energy.pop_back();
  CHECK(message_of([&] { (void)tpw::finance_project(short_flows, {}); }) ==
        "cash_flows.energy.size = 2: must hold one amount per year, build_years + "
        "operating_years + 1 = 3");
  terms = {};
  terms.tax.rate = not_a_number;
  CHECK(message_of([&] { (void)tpw::finance_project(two_year_flows(), terms); }) ==
        "finance.tax.rate = nan: must be in [0, 1): an income tax rate");
}

// --- The conventions a finance team signs (docs/definitions.md, "Project finance conventions") --

TEST_CASE("payback: none with the reason when the flows never recover, or recover and fall back") {
  // Rented hardware losing 1.06 M a year with nothing invested: the cumulative flows are 0, then
  // below zero to the end. No payback (it used to read 0 years).
  const auto never = usd({0, -1.06e6, -1.06e6, -1.06e6});
  CHECK_FALSE(tpw::payback_period(never).has_value());
  CHECK_FALSE(tpw::discounted_payback_period(tpw::annual_rate{0.1}, never).has_value());
  CHECK(tpw::payback_reason(never) ==
        "the cumulative flows never reach zero and end at -3180000.00: the project does not pay "
        "back");
  // Recovered once: cumulative -100, -70, -30, +20: 2 + 30 / 50 = 2.6 years, no reason.
  CHECK(*tpw::payback_period(usd({-100, 30, 40, 50})) == Approx(2.6).epsilon(1e-15));
  CHECK(tpw::payback_reason(usd({-100, 30, 40, 50})).empty());
  // Recovered, then below zero again to the end (a replacement's capex): -100, -40, +20, -30.
  const auto fell_back = usd({-100, 60, 60, -50});
  CHECK_FALSE(tpw::payback_period(fell_back).has_value());
  CHECK(tpw::payback_reason(fell_back) ==
        "the cumulative flows reach zero in year 2 but fall below it again and end at -30.00: "
        "the project does not pay back");
  // Recovered, fell back, recovered for good: -100, -40, +20, -30, +10: the last crossing,
  // 3 + 30 / 40 = 3.75 years.
  CHECK(*tpw::payback_period(usd({-100, 60, 60, -50, 40})) == Approx(3.75).epsilon(1e-15));
  // Never below zero: nothing to recover, 0 years.
  CHECK(*tpw::payback_period(usd({0, 10})) == 0.0);
  CHECK(*tpw::payback_period(usd({5, 10})) == 0.0);
}

TEST_CASE("ROI is net cash back over cash in; the MOIC cash back over cash in") {
  // -100, +30, +90: net 20 over 100 in: 0.2; 120 back over 100 in: 1.2x.
  CHECK(*tpw::return_on_investment(usd({-100, 30, 90})) == Approx(0.2).epsilon(1e-15));
  CHECK(*tpw::multiple_on_invested_capital(usd({-100, 30, 90})) == Approx(1.2).epsilon(1e-15));
  // Never recovers: 0, -1, -1: net -2 over 2 in: -1 (all lost); nothing back: 0x.
  CHECK(*tpw::return_on_investment(usd({0, -1, -1})) == -1.0);
  CHECK(*tpw::multiple_on_invested_capital(usd({0, -1, -1})) == 0.0);
  // Recovers then falls back: -100, 60, 60, -50: net -30 over 150 in: -0.2; 120 / 150 = 0.8x.
  CHECK(*tpw::return_on_investment(usd({-100, 60, 60, -50})) == Approx(-0.2).epsilon(1e-15));
  CHECK(*tpw::multiple_on_invested_capital(usd({-100, 60, 60, -50})) == Approx(0.8).epsilon(1e-15));
  // Nothing put in: neither exists.
  CHECK_FALSE(tpw::return_on_investment(usd({0, 10})).has_value());
  CHECK_FALSE(tpw::multiple_on_invested_capital(usd({0, 10})).has_value());
}

TEST_CASE("a six-year project with a four-year hardware life, line by line: bought again") {
  // The GPU (10,000, 4-year life, 10% residual) serves operating years 1-4; at the end of year 4
  // (t = 4) it is sold at its residual, 1,000, and a new one bought at 10,000 * 0.8^4 = 4,096
  // (its price falling 20% a year). At the end of year 6 the second has served 2 of its 4 years:
  // worth 1 - 0.9 * 2 / 4 = 0.55 of its price, 2,252.80.
  auto p = plan();
  p.operating_years = 6;
  p.utilization_ramp = {};
  p.price_decline_per_year = tpw::fraction{0.0};
  p.hardware_price_decline_per_year = tpw::fraction{0.2};
  const auto f = tpw::project_cash_flows(small(), p, gpu, power_bill);
  REQUIRE(f.net.size() == 7);
  CHECK(f.hardware_service_years == 4);
  CHECK(dollars(f.capex[0]) == 10000.0);
  CHECK(dollars(f.capex[4]) == Approx(4096.0).epsilon(1e-14));
  CHECK(dollars(f.hardware_purchases[4]) == Approx(4096.0).epsilon(1e-14));
  CHECK(dollars(f.residual[4]) == Approx(1000.0).epsilon(1e-14));
  CHECK(dollars(f.residual[6]) == Approx(4096.0 * 0.55).epsilon(1e-14));
  for (int t : {1, 2, 3, 5}) CHECK(dollars(f.capex[static_cast<std::size_t>(t)]) == 0.0);
  // A year at u = 0.5: 15,768 of revenue, 821.25 of energy: 14,946.75 before capital.
  const double cash = 15768.0 - 821.25;
  CHECK(dollars(f.net[1]) == Approx(cash).epsilon(1e-14));
  CHECK(dollars(f.net[4]) == Approx(cash + 1000.0 - 4096.0).epsilon(1e-14));
  CHECK(dollars(f.net[6]) == Approx(cash + 2252.8).epsilon(1e-14));

  // Tax at 25% with a 3-year straight-line tax life. First GPU: 3,333.33 in years 1-3, book 0 when
  // sold: a gain of 1,000 in year 4. Second: 4,096 / 3 = 1,365.33 in years 5 and 6, book 1,365.33
  // when the project ends: a gain of 2,252.80 - 1,365.33 = 887.47 in year 6.
  tpw::project_terms terms;
  terms.discount_rate = 0.1;
  terms.equity_discount_rate = 0.1;
  terms.tax = {.rate = 0.25, .hardware_years = 3};
  const auto r = tpw::finance_project(f, terms);
  const double first = 10000.0 / 3.0;
  const double second = 4096.0 / 3.0;
  const double tax[] = {0.0,
                        (cash - first) * 0.25,
                        (cash - first) * 0.25,
                        (cash - first) * 0.25,
                        (cash + 1000.0) * 0.25,
                        (cash - second) * 0.25,
                        (cash - second + (2252.8 - second)) * 0.25};
  const double depreciation[] = {0.0, first, first, first, 0.0, second, second};
  for (std::size_t t = 0; t < 7; ++t) {
    CAPTURE(t);
    CHECK(dollars(r.years[t].depreciation) == Approx(depreciation[t]).epsilon(1e-14));
    CHECK(dollars(r.years[t].tax) == Approx(tax[t]).epsilon(1e-13));
    CHECK(dollars(r.years[t].project_flow) == Approx(dollars(f.net[t]) - tax[t]).epsilon(1e-13));
  }
  CHECK(dollars(r.investment) == 10000.0);
  CHECK(dollars(r.replacement_capex) == Approx(4096.0).epsilon(1e-14));
  // The NPV of those flows at 10%, summed by hand.
  double npv = 0.0;
  for (std::size_t t = 0; t < 7; ++t) {
    npv += (dollars(f.net[t]) - tax[t]) / std::pow(1.1, static_cast<double>(t));
  }
  CHECK(dollars(r.project_npv) == Approx(npv).epsilon(1e-13));

  // A life of 4.4 years serves 4 (rounded half up); 4.5 serves 5, sold at the end of year 5 at
  // its residual (its life is over), the second bought then serving 1 of 4.5 years.
  const tpw::owned_hardware<USD> longer(
      {.price_per_system = 10000.0_USD, .life = 4.5_yr, .residual_fraction = tpw::fraction{0.1}});
  const auto g = tpw::project_cash_flows(small(), p, longer, power_bill);
  CHECK(g.hardware_service_years == 5);
  CHECK(dollars(g.residual[5]) == Approx(1000.0).epsilon(1e-14));
  CHECK(dollars(g.capex[5]) == Approx(10000.0 * std::pow(0.8, 5)).epsilon(1e-14));
  CHECK(dollars(g.residual[6]) ==
        Approx(10000.0 * std::pow(0.8, 5) * (1.0 - 0.9 / 4.5)).epsilon(1e-14));

  // Asked for no replacement, a project longer than the life is refused.
  p.replacement = tpw::replacement_rule::none;
  CHECK(message_of([&] { (void)tpw::project_cash_flows(small(), p, gpu, power_bill); }) ==
        "costs.hardware.life_years = 4: is shorter than finance.operating_years (6) and "
        "finance.replacement is \"none\": replace the asset at the end of its life (the default), "
        "or run the project no longer than the life");
  p.operating_years = 4;
  CHECK(tpw::project_cash_flows(small(), p, gpu, power_bill).capex.size() == 5);
}

namespace {
// A level loan's principal in year k and balance after it, in long double from the closed form.
long double closed_principal(long double b, long double r, int term, int k) {
  if (r == 0.0L) return b / term;
  return b * r / std::expm1(term * std::log1p(r)) * std::exp((k - 1) * std::log1p(r));
}
long double closed_balance(long double b, long double r, int term, int k) {
  if (r == 0.0L) return b * (term - k) / term;
  return b * (1.0L - std::expm1(k * std::log1p(r)) / std::expm1(term * std::log1p(r)));
}
// 1,000,000 borrowed at t = 0 against `years` operating years of 300,000 of revenue.
tpw::cash_flows<USD> loan_flows(int years) {
  tpw::cash_flows<USD> f;
  f.operating_years = years;
  f.hardware_capex = 1.0e6_USD;
  const auto n = static_cast<std::size_t>(years + 1);
  f.utilization.assign(n, 1.0);
  f.tokens_made.assign(n, 0.0_tok);
  f.capex.assign(n, 0.0_USD);
  f.capex[0] = 1.0e6_USD;
  f.revenue.assign(n, 300000.0_USD);
  f.revenue[0] = 0.0_USD;
  f.energy.assign(n, 0.0_USD);
  f.operating.assign(n, 0.0_USD);
  f.residual.assign(n, 0.0_USD);
  return f;
}
}  // namespace

TEST_CASE("the loan is level and exact: closed-form principal, zero balance at the term's end") {
  // 100% over 60 years in a 100-year project: principal in year k is 1e6 / (2^60 - 1) * 2^(k-1)
  // (tiny at first, half the loan in year 60), the balance exactly zero after year 60, nothing
  // left for year 100 (it used to repay the whole loan there).
  tpw::project_terms terms;
  terms.debt = {.share = 1.0, .rate = 1.0, .term_years = 60};
  const auto p = tpw::finance_project(loan_flows(100), terms);
  long double repaid = 0.0L;
  for (int k = 1; k <= 60; ++k) {
    CAPTURE(k);
    const auto& y = p.years[static_cast<std::size_t>(k)];
    const long double principal = closed_principal(1.0e6L, 1.0L, 60, k);
    CHECK(dollars(y.principal) == Approx(static_cast<double>(principal)).epsilon(1e-12));
    CHECK(dollars(y.interest) ==
          Approx(static_cast<double>(closed_balance(1.0e6L, 1.0L, 60, k - 1))).epsilon(1e-12));
    repaid += dollars(y.principal);
  }
  CHECK(static_cast<double>(repaid) == Approx(1.0e6).epsilon(1e-12));
  for (int k = 61; k <= 100; ++k) {
    CHECK(dollars(p.years[static_cast<std::size_t>(k)].principal) == 0.0);
    CHECK(dollars(p.years[static_cast<std::size_t>(k)].interest) == 0.0);
  }

  // A sweep of rates and terms within the limits, each year against the closed form to 1e-9.
  for (const double rate : {0.0, 1e-9, 1e-4, 0.01, 0.05, 0.1, 0.3, 0.7, 1.0}) {
    for (const int term : {1, 2, 5, 10, 30, 60, 100}) {
      CAPTURE(rate);
      CAPTURE(term);
      terms.debt = {.share = 1.0, .rate = rate, .term_years = term};
      const auto q = tpw::finance_project(loan_flows(100), terms);
      bool agree = true;
      for (int k = 1; k <= term; ++k) {
        const auto& y = q.years[static_cast<std::size_t>(k)];
        const double principal = static_cast<double>(closed_principal(1.0e6L, rate, term, k));
        const double interest =
            rate * static_cast<double>(closed_balance(1.0e6L, rate, term, k - 1));
        agree = agree && std::abs(dollars(y.principal) - principal) <= 1e-9 * principal &&
                std::abs(dollars(y.interest) - interest) <= 1e-9 * interest + 1e-300;
      }
      CHECK(agree);
      if (term < 100) {
        CHECK(dollars(q.years[static_cast<std::size_t>(term + 1)].principal) == 0.0);
      }
    }
  }

  // Half on a 3-year loan in a 10-year project: the equity puts in 500 at t = 0 and takes out
  // every year after; the balance is exactly zero after year 3, so its flows change sign once and
  // have one IRR.
  terms.debt = {.share = 0.5, .rate = 0.08, .term_years = 3};
  const auto short_loan = tpw::finance_project(loan_flows(10), terms);
  CHECK(dollars(short_loan.years[4].principal) == 0.0);
  CHECK(short_loan.equity_irr.unique());
}

TEST_CASE("interest during construction: capitalized into the depreciable basis, or expensed") {
  // A build year: 1,000 of capex at t = 0, all on debt at 10%: 100 of interest accrues by the start
  // of operation (t = 1), so 1,100 is owed. Two operating years of 800 revenue, 150 of costs.
  tpw::cash_flows<USD> f;
  f.build_years = 1;
  f.operating_years = 2;
  f.hardware_capex = 1000.0_USD;
  f.utilization = {0.0, 0.0, 1.0, 1.0};
  f.tokens_made.assign(4, 0.0_tok);
  f.capex = {1000.0_USD, 0.0_USD, 0.0_USD, 0.0_USD};
  f.revenue = {0.0_USD, 0.0_USD, 800.0_USD, 800.0_USD};
  f.energy = {0.0_USD, 0.0_USD, 100.0_USD, 100.0_USD};
  f.operating = {0.0_USD, 0.0_USD, 50.0_USD, 50.0_USD};
  f.residual.assign(4, 0.0_USD);
  tpw::project_terms terms;
  terms.tax = {.rate = 0.25, .hardware_years = 3};
  terms.debt = {.share = 1.0, .rate = 0.1, .term_years = 2};
  const auto c = tpw::finance_project(f, terms);
  CHECK(dollars(c.construction_interest) == Approx(100.0).epsilon(1e-13));
  // Level payment on 1,100: 1,100 * 0.1 / (1 - 1.1^-2) = 633.81; interest 110, then 52.38.
  const double payment = 1100.0 * 0.1 / (1.0 - 1.0 / 1.21);
  const double interest2 = (1100.0 - (payment - 110.0)) * 0.1;
  CHECK(dollars(c.years[2].interest) == Approx(110.0).epsilon(1e-13));
  CHECK(dollars(c.years[3].interest) == Approx(interest2).epsilon(1e-13));
  // Capitalized: the 100 is depreciated with the hardware, 33.33 a year over its 3-year tax life,
  // and the 33.33 left deducted when the project ends (the hardware's book 333.33 too).
  // Year 1: 650 - 333.33 - 110 - 33.33 = 173.33, tax 43.33. Year 2: 650 - 333.33 - 333.33 - 52.38
  // - 66.67 < 0: no tax.
  CHECK(dollars(c.years[2].tax) == Approx((650.0 - 1000.0 / 3 - 110.0 - 100.0 / 3) * 0.25));
  CHECK(dollars(c.years[3].tax) == 0.0);
  // The project's own (unlevered) tax knows no interest: year 1: (650 - 333.33) * 25% = 79.17.
  CHECK(dollars(c.years[2].project_flow) == Approx(650.0 - (650.0 - 1000.0 / 3) * 0.25));
  // Expensed: the 100 deducted at once, in year 1: 650 - 333.33 - 110 - 100 = 106.67, tax 26.67.
  terms.debt.during_construction = tpw::construction_interest::expensed;
  const auto e = tpw::finance_project(f, terms);
  CHECK(dollars(e.years[2].tax) == Approx((650.0 - 1000.0 / 3 - 110.0 - 100.0) * 0.25));
  CHECK(dollars(e.years[3].tax) == 0.0);
}

TEST_CASE("discounting at the end of the year or at mid-year; the IRR under each") {
  // -1,000 at t = 0, then 600 a year of running cash for 2 years, 200 of residual at the end.
  // End of year at 10%: -1,000 + 600 / 1.1 + 800 / 1.21. Mid-year: the running 600s at 0.5 and
  // 1.5, the residual at 2: -1,000 + 600 / 1.1^0.5 + 600 / 1.1^1.5 + 200 / 1.21.
  auto f = two_year_flows();
  f.revenue = {0.0_USD, 600.0_USD, 600.0_USD};
  f.energy.assign(3, 0.0_USD);
  f.operating.assign(3, 0.0_USD);
  tpw::project_terms terms;
  terms.discount_rate = 0.1;
  terms.equity_discount_rate = 0.1;
  const auto end = tpw::finance_project(f, terms);
  CHECK(usd(end.project_npv) == Approx(-1000.0 + 600.0 / 1.1 + 800.0 / 1.21).epsilon(1e-14));
  terms.discounting = tpw::discounting_convention::mid_year;
  const auto mid = tpw::finance_project(f, terms);
  const auto mid_npv = [](double r) {
    return -1000.0 + 600.0 / std::sqrt(1.0 + r) + 600.0 / std::pow(1.0 + r, 1.5) +
           200.0 / ((1.0 + r) * (1.0 + r));
  };
  CHECK(usd(mid.project_npv) == Approx(mid_npv(0.1)).epsilon(1e-14));
  CHECK(usd(mid.equity_npv) == Approx(mid_npv(0.1)).epsilon(1e-14));
  // The IRR under mid-year makes the mid-year NPV zero; the flows and payback are the same.
  REQUIRE(mid.project_irr.unique());
  CHECK(mid_npv(mid.project_irr.rate()) == Approx(0.0).scale(1000.0).epsilon(1e-10));
  CHECK(mid.project_irr.rate() > end.project_irr.rate());
  CHECK(*mid.payback_years == *end.payback_years);
  // Discounted payback: -1,000 + 600 / 1.1^0.5 = -427.93 after year 1; year 2 brings
  // 600 / 1.1^1.5 + 200 / 1.21 = 520.07 + 165.29: 1 + 427.93 / 685.36 years.
  const double after_one = -1000.0 + 600.0 / std::sqrt(1.1);
  CHECK(*mid.discounted_payback_years ==
        Approx(1.0 + -after_one / (600.0 / std::pow(1.1, 1.5) + 200.0 / 1.21)).epsilon(1e-13));
}

TEST_CASE("debt-service coverage by year and its minimum") {
  // The two-year project with debt above: year 1's cash available for debt service is its
  // EBITDA less its tax, 570 - 2.5 = 567.5, over the level payment 345.71: 1.6415.
  tpw::project_terms terms = two_year_terms();
  const auto p = tpw::finance_project(two_year_flows(), terms);
  const double payment = 600.0 * 0.1 / (1.0 - 1.0 / 1.21);
  CHECK_FALSE(p.years[0].dscr.has_value());
  REQUIRE(p.years[1].dscr);
  CHECK(*p.years[1].dscr == Approx(567.5 / payment).epsilon(1e-13));
  // Year 2: 560 + 200 of residual - its tax, over the same payment.
  REQUIRE(p.years[2].dscr);
  CHECK(*p.years[2].dscr == Approx((760.0 - usd(p.years[2].tax)) / payment).epsilon(1e-13));
  CHECK(*p.min_dscr == std::min(*p.years[1].dscr, *p.years[2].dscr));
  // ROI of the project flows -1,000, 552.5, 695: 247.5 / 1,000; the equity's MOIC.
  CHECK(*p.return_on_investment == Approx(0.2475).epsilon(1e-13));
  CHECK(*p.equity_moic ==
        Approx((usd(p.years[1].equity_flow) + usd(p.years[2].equity_flow)) / 400.0).epsilon(1e-13));
  // Without debt there is no coverage to show.
  terms.debt = {};
  CHECK_FALSE(tpw::finance_project(two_year_flows(), terms).min_dscr.has_value());
}

TEST_CASE("a hand-made cash view's purchases are refused where no purchase can fall") {
  auto p = plan();
  p.operating_years = 6;
  p.utilization_ramp = {};
  auto f = tpw::project_cash_flows(small(), p, gpu, power_bill);
  CHECK(tpw::finance_project(f, {}).replacement_capex.value() == Approx(10000.0).epsilon(1e-14));
  f.hardware_purchases[3] = 500.0_USD;  // the GPU serves 4 years: nothing is bought at t = 3
  CHECK(message_of([&] { (void)tpw::finance_project(f, {}); }) ==
        "cash_flows.hardware_purchases[3] = 500: must be a finite amount >= 0, bought in a build "
        "year or at the end of every 4 operating years (the purchase's service) before the last");
  f.hardware_purchases.pop_back();
  CHECK(message_of([&] { (void)tpw::finance_project(f, {}); }) ==
        "cash_flows.hardware_purchases.size = 6: must hold one amount per year, build_years + "
        "operating_years + 1 = 7");
}
