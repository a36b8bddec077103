// Deployment, components and evaluation: composition, validation of every field, and a user's
// own component type.
#include <doctest/doctest.h>

#include "support.hpp"

#include <string>

#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::EUR;
using tpw::USD;

using tpw_test::infinity;
using tpw_test::message_of;
using tpw_test::not_a_number;

namespace {
constexpr double rel = 1e-12;

tpw::deployment::spec rack_spec() {
  return {.accelerators_per_system = 72,
          .it_power = 132.0_kW,
          .idle_power = 40.0_kW,
          .pue = tpw::pue{1.2},
          .utilization = tpw::fraction{0.7},
          .throughput = 5789.6_tok_per_s};
}

const tpw::annual_rate wacc{0.08};
const tpw::owned_hardware<USD> hardware({.price_per_system = 3.9e6_USD,
                                         .life = 4.0_yr,
                                         .residual_fraction = tpw::fraction{0.1},
                                         .cost_of_capital = wacc});
const tpw::built_facility<USD> facility({.build_cost = 11.7e6_USD / units::MW,
                                         .life = 15.0_yr,
                                         .cost_of_capital = wacc});
const tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});
const tpw::opex<USD> opex({.maintenance_fraction_per_year = tpw::fraction{0.03},
                           .hardware_price_per_system = 3.9e6_USD,
                           .software_per_accelerator = 4500.0_USD / units::year});

double usd_per_mtok(tpw::token_price<USD> p) {
  return tpw::in(p, units::usd / units::Mtok);
}
double usd_per_hour(tpw::cost_rate<USD> c) {
  return tpw::in(c, units::usd / units::hour);
}
}  // namespace

TEST_CASE("the reference rack, evaluated in full") {
  const tpw::deployment rack(rack_spec());
  CHECK(rack.accelerators() == 72);
  const auto e = tpw::evaluate(rack, 2.0_USD / units::Mtok, hardware, facility, energy, opex);
  // Per GPU-hour (see test_formulas.cpp): hardware 1.7296772, facility 0.2860723,
  // energy 0.1392, opex 0.6992009; total 2.8541505 USD/h.
  CHECK(usd_per_hour(e.hourly_cost.hardware) == Approx(1.7296772317885551).epsilon(rel));
  CHECK(usd_per_hour(e.hourly_cost.facility) == Approx(0.28607234462073383).epsilon(rel));
  CHECK(usd_per_hour(e.hourly_cost.energy) == Approx(0.1392).epsilon(rel));
  CHECK(usd_per_hour(e.hourly_cost.opex) == Approx(0.6992009132420092).epsilon(rel));
  CHECK(usd_per_hour(e.hourly_cost.total) == Approx(2.854150489651298).epsilon(rel));
  CHECK(tpw::in(e.cost_per_accelerator_hour, units::usd) == Approx(2.854150489651298).epsilon(rel));
  // Per Mtok: each / 14.589792 Mtok per hour.
  CHECK(usd_per_mtok(e.cost_per_token.total) == Approx(0.19562653735236926).epsilon(rel));
  CHECK(usd_per_mtok(e.cost_per_token.hardware) == Approx(0.11855393358510903).epsilon(rel));
  CHECK(usd_per_mtok(e.cost_per_token.facility) == Approx(0.019607705484816634).epsilon(rel));
  CHECK(usd_per_mtok(e.cost_per_token.energy) == Approx(0.009540917375655527).epsilon(rel));
  CHECK(usd_per_mtok(e.cost_per_token.opex) == Approx(0.04792398090678806).epsilon(rel));
  // 2.3291494 tok/J; J/tok is its inverse, 0.4293438.
  CHECK(tpw::in(e.tokens_per_joule, units::tok / units::J) ==
        Approx(2.329149425287356).epsilon(rel));
  CHECK(tpw::in(e.joules_per_token, units::J / units::tok) ==
        Approx(1.0 / 2.329149425287356).epsilon(rel));
  CHECK(tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW) ==
        Approx(2'631'636.3636363638).epsilon(rel));
  // Energy share of opex: 0.1392 / (0.1392 + 0.2860723 + 0.6992009) = 0.1237913;
  // of cost: 0.1392 / 2.8541505 = 0.0487711.
  CHECK(e.energy_share_of_opex == Approx(0.12379129430305333).epsilon(rel));
  CHECK(e.energy_share_of_cost == Approx(0.048771079347328515).epsilon(rel));
  REQUIRE(e.revenue.has_value());
  CHECK(tpw::in(e.revenue->revenue_per_power_time, units::usd / (units::MW * units::year)) ==
        Approx(116'187'798.1090909).epsilon(rel));
  CHECK(e.revenue->gross_margin == Approx(0.9021867313238153).epsilon(rel));
}

TEST_CASE("components may be given in any order and any subset") {
  const tpw::deployment rack(rack_spec());
  const auto all = tpw::evaluate(rack, opex, energy, hardware, facility);
  CHECK(usd_per_hour(all.hourly_cost.total) == Approx(2.854150489651298).epsilon(rel));
  CHECK_FALSE(all.revenue.has_value());
  // Rented hardware alone: 3.30 USD per GPU-hour is the whole cost; no energy, facility or opex
  // costs, so the energy shares are 0 rather than 0/0.
  const auto rented = tpw::evaluate(
      rack, tpw::rented_hardware<USD>({.rental_per_accelerator = 3.30_USD / units::hour}));
  CHECK(usd_per_hour(rented.hourly_cost.total) == Approx(3.30).epsilon(rel));
  CHECK(rented.energy_share_of_opex == 0.0);
  CHECK(rented.energy_share_of_cost == 0.0);
  // Colocation: 184 USD/kW-month for 1.8333 kW is 0.4621005 USD/h of facility cost.
  const auto colo =
      tpw::evaluate(rack, tpw::colocation<USD>({.rate = 184.0_USD / (units::kW * units::month)}));
  CHECK(usd_per_hour(colo.hourly_cost.facility) == Approx(0.4621004566210046).epsilon(rel));
  // Two components of one category add up.
  const auto both = tpw::evaluate(rack, energy, energy);
  CHECK(usd_per_hour(both.hourly_cost.energy) == Approx(2 * 0.1392).epsilon(rel));
}

TEST_CASE("provisioned power defaults to IT power and sets the facility and density figures") {
  auto spec = rack_spec();
  spec.provisioned_power = 150.0_kW;
  const tpw::deployment rack(spec);
  // 11.7 USD/W * 150000/72 W * CRF(0.08, 15) / 8760 = 0.2860723 * 150 / 132.
  const auto e = tpw::evaluate(rack, facility);
  CHECK(usd_per_hour(e.hourly_cost.facility) ==
        Approx(0.28607234462073383 * 150.0 / 132.0).epsilon(rel));
  // tok/s per MW: 5789.6 * 1e6 / (2083.33 * 1.2) = 2,315,840.
  CHECK(tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW) ==
        Approx(2'315'840.0).epsilon(rel));
}

// A user's own component: insurance at 1% of the hardware price a year, reported as opex.
struct insurance {
  using currency = USD;
  static constexpr tpw::cost_category category = tpw::cost_category::opex;
  tpw::money<USD> price_per_system;
  tpw::cost_rate<USD> hourly_cost(const tpw::operating_point& op) const noexcept {
    return 0.01 * price_per_system / op.accelerators_per_system / units::year;
  }
};
static_assert(tpw::cost_component<insurance>);

TEST_CASE("a user's component type joins the evaluation") {
  const tpw::deployment rack(rack_spec());
  const auto e = tpw::evaluate(rack, opex, insurance{3.9e6_USD});
  // 0.6992009 + 0.01 * 54,166.67 / 8760 = 0.6992009 + 0.0618341 = 0.7610350 USD/h.
  CHECK(usd_per_hour(e.hourly_cost.opex) ==
        Approx(0.6992009132420092 + 541.6666666666666 / 8760.0).epsilon(rel));
}

// Components in two currencies cannot be evaluated together.
template <class... Cs>
concept evaluable = requires(const tpw::deployment& d, const Cs&... cs) {
  tpw::evaluate(d, cs...);
};
static_assert(evaluable<tpw::energy_cost<USD>, tpw::opex<USD>>);
static_assert(!evaluable<tpw::energy_cost<USD>, tpw::opex<EUR>>);
static_assert(!evaluable<>);

TEST_CASE("unchecked components, for engines, cost the same as validated ones") {
  const tpw::deployment rack(rack_spec());
  const auto& op = rack.point();
  const auto same = [&](const auto& validated, const auto& unchecked) {
    CHECK(usd_per_hour(unchecked.hourly_cost(op)) == usd_per_hour(validated.hourly_cost(op)));
  };
  using owned = tpw::owned_hardware<USD>;
  same(hardware, owned::unchecked(hardware.parameters()));
  same(facility, tpw::built_facility<USD>::unchecked(facility.parameters()));
  same(energy, tpw::energy_cost<USD>::unchecked(energy.parameters()));
  same(opex, tpw::opex<USD>::unchecked(opex.parameters()));
  const tpw::colocation<USD> colo({.rate = 184.0_USD / (units::kW * units::month)});
  same(colo, tpw::colocation<USD>::unchecked(colo.parameters()));
  const tpw::rented_hardware<USD> rent({.rental_per_accelerator = 2.0_USD / units::hour});
  same(rent, tpw::rented_hardware<USD>::unchecked(rent.parameters()));
}

TEST_CASE("deployment validation names every field") {
  const auto with = [](auto edit) {
    return message_of([&] {
      auto spec = rack_spec();
      edit(spec);
      (void)tpw::deployment(spec);
    });
  };
  CHECK(with([](auto&) {}) == "(no error)");
  CHECK(with([](auto& s) { s.accelerators_per_system = 0; }) ==
        "deployment.accelerators_per_system = 0: must be a whole number >= 1");
  CHECK(with([](auto& s) { s.systems = -2; }) ==
        "deployment.systems = -2: must be a whole number >= 1");
  CHECK(with([](auto& s) { s.it_power = 0.0_kW; }) == "deployment.it_power_kw = 0: must be > 0 kW");
  CHECK(with([](auto& s) { s.it_power = -5.0_kW; }) ==
        "deployment.it_power_kw = -5: must be > 0 kW");
  CHECK(with([](auto& s) { s.it_power = tpw::of(not_a_number, units::kW); }) ==
        "deployment.it_power_kw = nan: must be a finite number");
  CHECK(with([](auto& s) { s.idle_power = -1.0_kW; }) ==
        "deployment.idle_power_kw = -1: must be >= 0 kW");
  CHECK(with([](auto& s) { s.idle_power = 140.0_kW; }) ==
        "deployment.idle_power_kw = 140: must not exceed it_power_kw (idle draws no more than "
        "serving)");
  CHECK(with([](auto& s) { s.provisioned_power = 0.0_kW; }) ==
        "deployment.provisioned_power_kw = 0: must be > 0 kW");
  CHECK(with([](auto& s) { s.utilization = tpw::fraction{0.0}; }) ==
        "deployment.utilization = 0: must be in (0, 1]: at zero utilization no tokens are made");
  CHECK(with([](auto& s) { s.throughput = 0.0_tok_per_s; }) ==
        "deployment.throughput_tok_s = 0: must be > 0 tok/s");
  CHECK(with([](auto& s) { s.throughput = tpw::of(infinity, units::tok / units::second); }) ==
        "deployment.throughput_tok_s = inf: must be a finite number");
}

TEST_CASE("component validation names every field") {
  CHECK(message_of([] {
          (void)tpw::owned_hardware<USD>({.price_per_system = -1.0_USD, .life = 4.0_yr});
        }) == "costs.hardware.price = -1: must be >= 0 USD");
  CHECK(message_of([] {
          (void)tpw::owned_hardware<USD>(
              {.price_per_system = tpw::of(not_a_number, units::usd), .life = 4.0_yr});
        }) == "costs.hardware.price = nan: must be a finite number");
  CHECK(message_of([] {
          (void)tpw::owned_hardware<USD>({.price_per_system = 1.0_USD, .life = 0.0_yr});
        }) == "costs.hardware.life_years = 0: must be > 0 years");
  CHECK(message_of([] {
          (void)tpw::owned_hardware<USD>(
              {.price_per_system = 1.0_USD,
               .life = 4.0_yr,
               .residual_fraction = tpw::fraction(1.5, "costs.hardware.residual_fraction")});
        }) == "costs.hardware.residual_fraction = 1.5: must be a fraction in [0, 1]");
  CHECK(message_of([] {
          (void)tpw::rented_hardware<USD>({.rental_per_accelerator = -2.0_USD / units::hour});
        }) == "costs.hardware.rental_per_accelerator_hour = -2: must be >= 0 per accelerator-hour");
  CHECK(message_of([] {
          (void)tpw::built_facility<USD>({.build_cost = -1e6_USD / units::MW, .life = 15.0_yr});
        }) == "costs.facility.build_per_mw = -1000000: must be >= 0 per MW");
  CHECK(message_of([] {
          (void)tpw::built_facility<USD>({.build_cost = 1e6_USD / units::MW, .life = -1.0_yr});
        }) == "costs.facility.life_years = -1: must be > 0 years");
  CHECK(message_of([] {
          (void)tpw::colocation<USD>({.rate = -184.0_USD / (units::kW * units::month)});
        }) == "costs.facility.colocation_per_kw_month = -184: must be >= 0 per kW-month");
  CHECK(message_of([] { (void)tpw::energy_cost<USD>({.price = -0.08_USD / units::kWh}); }) ==
        "costs.energy.price_per_kwh = -0.08: must be >= 0 per kWh");
  CHECK(message_of([] {
          (void)tpw::energy_cost<USD>({.price = tpw::of(infinity, units::usd / units::kWh)});
        }) == "costs.energy.price_per_kwh = inf: must be a finite number");
  CHECK(message_of([] { (void)tpw::opex<USD>({.hardware_price_per_system = -3.0_USD}); }) ==
        "costs.hardware.price = -3: must be >= 0 USD");
  CHECK(message_of([] {
          (void)tpw::opex<USD>({.software_per_accelerator = -4500.0_USD / units::year});
        }) ==
        "costs.opex.software_per_accelerator_year = -4500: must be >= 0 per accelerator-year");
  CHECK(message_of([] {
          (void)tpw::opex<USD>({.other_per_accelerator = -1.0_USD / units::year});
        }) == "costs.opex.other_per_accelerator_year = -1: must be >= 0 per accelerator-year");
}

TEST_CASE("evaluation at a token price refuses a price that is not > 0") {
  const tpw::deployment rack(rack_spec());
  CHECK(message_of([&] { (void)tpw::evaluate(rack, 0.0_USD / units::Mtok, energy); }) ==
        "revenue.price_per_mtok = 0: must be > 0 per Mtok");
  CHECK(message_of([&] {
          (void)tpw::evaluate(rack, tpw::of(not_a_number, units::usd / units::Mtok), energy);
        }) == "revenue.price_per_mtok = nan: must be a finite number");
}
