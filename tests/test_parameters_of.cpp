// A cost base from typed terms (tpw::parameters_of) and the refusal of a value the model would not
// read: the Monte Carlo models' input cannot be built with a forgotten flag.
#include <doctest/doctest.h>

#include "mc_models.hpp"
#include "support.hpp"

#include <cstddef>
#include <string>

#include <tpw/mc/cost_model.hpp>
#include <tpw/model.hpp>
#include <tpw/model/contracts.hpp>
#include <tpw/model/parameters_of.hpp>

namespace mc = tpw::mc;
using tpw_test::message_of;

namespace {

using namespace tpw::literals;
namespace units = tpw::units;

// The GB200 NVL72 rack of tests/mc_models.hpp's gb200(), as typed terms.
const tpw::deployment::spec rack{.accelerators_per_system = 72,
                                 .it_power = 132.0_kW,
                                 .idle_power = 40.0_kW,
                                 .pue = tpw::pue{1.2},
                                 .utilization = tpw::fraction{0.7},
                                 .throughput = 5789.6_tok_per_s};
const tpw::annual_rate wacc{0.08};
tpw::owned_hardware<tpw::USD> owned() {
  return tpw::owned_hardware<tpw::USD>({.price_per_system = 3.9e6_USD,
                                        .life = 4.0_yr,
                                        .residual_fraction = tpw::fraction{0.1},
                                        .cost_of_capital = wacc});
}
tpw::built_facility<tpw::USD> built() {
  return tpw::built_facility<tpw::USD>(
      {.build_cost = 11.7e6_USD / units::MW, .life = 15.0_yr, .cost_of_capital = wacc});
}
tpw::energy_cost<tpw::USD> energy() {
  return tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh});
}
tpw::opex<tpw::USD> running(double price_per_system = 3.9e6) {
  return tpw::opex<tpw::USD>({.maintenance_fraction_per_year = tpw::fraction{0.03},
                              .hardware_price_per_system = price_per_system * units::usd,
                              .software_per_accelerator = 4500.0_USD / units::year});
}
const auto two_usd_per_mtok = 2.0_USD / (1e6 * units::tok);

}  // namespace

TEST_CASE("parameters_of: typed terms give the hand-filled base, slot for slot and flag for flag") {
  const mc::cost_parameters typed =
      tpw::parameters_of<tpw::USD>(rack, owned(), built(), energy(), running(), two_usd_per_mtok);
  const mc::cost_parameters hand = tpw_test::gb200();
  CHECK(typed.hardware == hand.hardware);
  CHECK(typed.facility == hand.facility);
  CHECK(typed.idle_given == hand.idle_given);
  CHECK(typed.provisioned_given == hand.provisioned_given);
  CHECK(typed.priced == hand.priced);
  for (std::size_t k = 0; k < tpw::cost_input_count; ++k) {
    CAPTURE(tpw::cost_input_rules[k].path);
    // Through the units and back: 2.0 USD/Mtok is 2e-6 USD/tok times 1e6, and so on.
    CHECK(typed.values[k] == doctest::Approx(hand.values[k]).epsilon(1e-14));
  }
  // The same figures from the cost model: 0.196 USD/Mtok is the README's rack (the consumer
  // test's figure): hardware 3.9e6 over 4 years at 8% less a 10% residual, and so on.
  const mc::cost_model<tpw::USD> model(
      typed, {{tpw::cost_input::utilization, mc::distribution::uniform(0.6, 0.8)}});
  std::vector<double> y(model.output_names().size());
  const double x[] = {0.7};
  model(x, y);
  CHECK(y[0] == doctest::Approx(0.196).epsilon(0.003));
}

TEST_CASE("parameters_of: rented hardware in colocation, no idle power, no price") {
  const tpw::rented_hardware<tpw::USD> rent({.rental_per_accelerator = 2.5_USD / units::hour});
  const tpw::colocation<tpw::USD> colo({.rate = 180.0_USD / (units::kW * units::month)});
  tpw::deployment::spec spec = rack;
  spec.idle_power.reset();
  spec.provisioned_power = 140.0_kW;
  const mc::cost_parameters p = tpw::parameters_of<tpw::USD>(spec, energy(), colo, rent);
  using k = tpw::cost_input;
  CHECK(p.hardware == tpw::hardware_terms::rented);
  CHECK(p.facility == tpw::facility_terms::colocation);
  CHECK_FALSE(p.idle_given);
  CHECK(p.provisioned_given);
  CHECK_FALSE(p.priced);
  CHECK(p[k::rental_per_accelerator_hour] == doctest::Approx(2.5).epsilon(1e-14));
  CHECK(p[k::colocation_per_kw_month] == doctest::Approx(180.0).epsilon(1e-14));
  CHECK(p[k::provisioned_power_kw] == doctest::Approx(140.0).epsilon(1e-14));
  CHECK(p[k::idle_power_kw] == 0.0);   // not read, so not written
  CHECK(p[k::hardware_price] == 0.0);  // rented: no owned terms
  CHECK(p[k::price_per_mtok] == 0.0);  // no price: no revenue
}

TEST_CASE("parameters_of refuses terms that disagree") {
  // Two costs of capital.
  const tpw::built_facility<tpw::USD> at_ten({.build_cost = 11.7e6_USD / units::MW,
                                              .life = 15.0_yr,
                                              .cost_of_capital = tpw::annual_rate{0.10}});
  CHECK(message_of([&] { (void)tpw::parameters_of<tpw::USD>(rack, owned(), at_ten, energy()); }) ==
        "costs.cost_of_capital = 0.1: differs between the hardware (0.08) and the built facility: "
        "a base has one cost of capital");
  // Maintenance on a price other than the one paid.
  CHECK(message_of([&] {
          (void)tpw::parameters_of<tpw::USD>(rack, owned(), energy(), running(4.0e6));
        }).starts_with("costs.hardware.price = 4000000: opex's hardware_price_per_system differs"));
  // Maintenance on rented hardware, which the model never charges.
  const tpw::rented_hardware<tpw::USD> rent({.rental_per_accelerator = 2.5_USD / units::hour});
  CHECK(message_of([&] { (void)tpw::parameters_of<tpw::USD>(rack, rent, energy(), running()); })
            .starts_with("costs.opex.maintenance_fraction_per_year = 0.03: is a share of an owned "
                         "system's price, and the hardware is not owned"));
}

TEST_CASE("a value set without its flag is refused, naming the input, not silently dropped") {
  using k = tpw::cost_input;
  // The idle power without idle_given would be the IT power (P50 NPV 1.46 M became 1.00 M USD).
  mc::cost_parameters idle = tpw_test::gb200();
  idle.idle_given = false;
  CHECK(message_of([&] {
          (void)mc::cost_model<tpw::USD>(idle,
                                         {{k::utilization, mc::distribution::uniform(0.6, 0.8)}});
        }) ==
        "deployment.idle_power_kw = 40: is given but the model would not read it: idle_given is "
        "false (the idle power would be the IT power): set idle_given, or leave the value 0 "
        "(tpw::parameters_of builds a base from typed terms)");
  // A price without `priced` would drop all revenue (P50 NPV -38 M USD).
  mc::cost_parameters unpriced = tpw_test::gb200();
  unpriced.priced = false;
  CHECK(message_of([&] { (void)tpw::validated_parameters<tpw::USD>(unpriced); })
            .starts_with("revenue.price_per_mtok = 2: is given but the model would not read it: "
                         "priced is false (no revenue would be counted): set priced"));
  // A rental rate beside owned hardware.
  mc::cost_parameters both = tpw_test::gb200();
  both[k::rental_per_accelerator_hour] = 2.5;
  CHECK(message_of([&] { (void)tpw::validated_parameters<tpw::USD>(both); })
            .starts_with("costs.hardware.rental_per_accelerator_hour = 2.5: is given but the model "
                         "would not read it: the hardware is owned"));
  // The controls: with the flag (or the value cleared) each is accepted.
  idle.idle_given = true;
  CHECK_NOTHROW((void)tpw::validated_parameters<tpw::USD>(idle));
  unpriced[k::price_per_mtok] = 0.0;
  CHECK_NOTHROW((void)tpw::validated_parameters<tpw::USD>(unpriced));
}

TEST_CASE("parameters_of: revenue contracts set their flags and numbers together") {
  const tpw::revenue_contracts<tpw::USD> contracts(
      {.per_token = 2.0_USD / units::Mtok,
       .on_demand = tpw::on_demand_contract<tpw::USD>{tpw::fraction{0.2}, 4.0_USD / units::hour},
       .reserved = tpw::reserved_contract<tpw::USD>{tpw::fraction{0.5}, 3.0_USD / units::hour,
                                                    tpw::fraction{0.8}, 3.5_USD / units::hour}});
  const mc::cost_parameters p =
      tpw::parameters_of<tpw::USD>(rack, owned(), energy(), running(), contracts);
  using k = tpw::cost_input;
  CHECK(p.priced);
  CHECK(p.on_demand);
  CHECK(p.reserved);
  CHECK(p[k::price_per_mtok] == doctest::Approx(2.0).epsilon(1e-14));
  CHECK(p[k::on_demand_share] == 0.2);
  CHECK(p[k::on_demand_per_accelerator_hour] == doctest::Approx(4.0).epsilon(1e-14));
  CHECK(p[k::reserved_share] == 0.5);
  CHECK(p[k::reserved_per_accelerator_hour] == doctest::Approx(3.0).epsilon(1e-14));
  CHECK(p[k::reserved_committed_share] == 0.8);
  CHECK(p[k::reserved_overage_per_accelerator_hour] == doctest::Approx(3.5).epsilon(1e-14));
  // The base's figures are the typed evaluation's: revenue per accelerator-hour 0.3 u T p + ...
  const auto typed = tpw::evaluate(tpw::deployment(rack), contracts, owned(), energy(), running());
  const auto from_base = tpw::evaluate_cost_parameters<tpw::USD>(p);
  CHECK(from_base.revenue->revenue_per_accelerator_hour.value() ==
        doctest::Approx(typed.revenue->revenue_per_accelerator_hour.value()).epsilon(1e-13));
  CHECK(from_base.revenue->gross_margin ==
        doctest::Approx(typed.revenue->gross_margin).epsilon(1e-13));
}
