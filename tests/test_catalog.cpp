// The platform catalog: provenance on every figure, both views, overrides, unknown names.
#include <doctest/doctest.h>

#include "support.hpp"

#include <set>
#include <string>

#include <tpw/catalog.hpp>
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw_test::message_of;

TEST_CASE("the catalog holds the nine platforms asked for, each figure with its provenance") {
  std::set<std::string> ids;
  for (const auto& p : tpw::platforms()) ids.emplace(p.id);
  CHECK(ids == std::set<std::string>{"h100", "h200", "b200", "b300", "gb200-nvl72", "gb300-nvl72",
                                     "mi300x", "mi325x", "mi355x"});
  for (const auto& p : tpw::platforms()) {
    CAPTURE(p.id);
    CHECK(p.accelerators_per_system >= 1);
    for (const tpw::figure* f :
         {&p.accelerator_power, &p.system_it_power, &p.system_price, &p.all_in_power,
          &p.hourly_hyperscaler, &p.hourly_neocloud, &p.hourly_rental}) {
      CHECK(f->value > 0.0);
      CHECK_FALSE(f->unit.empty());
      CHECK_FALSE(f->source.empty());
      CHECK(f->date.size() >= 4);
      CHECK(f->low <= f->value);
      CHECK(f->value <= f->high);
      // Estimates carry a range; exact figures do not.
      CHECK(f->has_range() == (f->label == tpw::figure_label::estimate));
    }
    // A system's IT power covers at least its accelerators' rated power.
    CHECK(p.system_it_power.value * 1e3 >=
          p.accelerator_power.value * static_cast<double>(p.accelerators_per_system));
  }
}

TEST_CASE("the InferenceX view reproduces its metric pair exactly") {
  // H200 at 90 tok/s/GPU, hyperscaler tier: 1.41 / (90 * 3600 / 1e6) = 4.3519 USD/Mtok;
  // 90 * 1000 / 1.73 = 52,023 tok/s per MW; J/tok = 1.73 * 1000 / 90 = 19.22.
  const auto& h200 = tpw::find_platform("h200");
  const tpw::deployment d(tpw::inferencex_deployment(h200, 90.0_tok_per_s));
  const auto e =
      tpw::evaluate(d, tpw::inferencex_hourly_cost(h200, tpw::inferencex_tier::hyperscaler));
  CHECK(tpw::in(e.cost_per_token.total, units::usd / units::Mtok) ==
        Approx(1.41 / (90 * 3600 / 1e6)).epsilon(1e-12));
  CHECK(tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW) ==
        Approx(90 * 1000 / 1.73).epsilon(1e-12));
  CHECK(tpw::in(e.joules_per_token, units::J / units::tok) ==
        Approx(1.73 * 1000 / 90).epsilon(1e-12));
  CHECK(tpw::hourly_cost_figure(h200, tpw::inferencex_tier::rental).value == 1.60);
}

TEST_CASE("the bottom-up view and overrides") {
  auto rack = tpw::find_platform("gb200-nvl72");
  // The user's own quote replaces the estimate, keeping the unit, with the user's source.
  rack.system_price = rack.system_price.overridden(3.9e6, "our quote", "2026-11");
  CHECK(rack.system_price.label == tpw::figure_label::user);
  CHECK(rack.system_price.unit == "USD");
  CHECK(tpw::label_name(rack.system_price.label) == "user");
  CHECK_FALSE(rack.system_price.has_range());
  const tpw::deployment d(tpw::bottom_up_deployment(rack, 5789.6_tok_per_s, tpw::fraction{0.7},
                                                    tpw::pue{1.2}, 40.0_kW));
  CHECK(d.accelerators() == 72);
  CHECK(tpw::in(d.point().active_power, units::W) == Approx(132000.0 / 72).epsilon(1e-15));
  // 3.9 M over 4 years at 8% with 10% residual: 1.7296772 USD per GPU-hour (see test_model).
  const auto hw = tpw::bottom_up_hardware(rack, 4.0_yr, tpw::fraction{0.1}, tpw::annual_rate{0.08});
  CHECK(tpw::in(hw.hourly_cost(d.point()), units::usd / units::hour) ==
        Approx(1.7296772317885551).epsilon(1e-12));
  // The catalog itself is unchanged.
  CHECK(tpw::find_platform("gb200-nvl72").system_price.value == 3.2e6);
}

TEST_CASE("an unknown platform is refused with the known ones") {
  CHECK(message_of([] { (void)tpw::find_platform("gb400"); }) ==
        "platform = \"gb400\": is not in the catalog; known platforms: h100, h200, b200, b300, "
        "gb200-nvl72, gb300-nvl72, mi300x, mi325x, mi355x");
}
