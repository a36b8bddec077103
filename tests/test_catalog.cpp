// The platform catalog: provenance on every figure, both views, overrides, unknown names.
#include <doctest/doctest.h>

#include "support.hpp"

#include <set>
#include <string>
#include <vector>

#include <tpw/catalog.hpp>
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw_test::message_of;

TEST_CASE("the catalog holds its twelve platforms, each figure with its provenance") {
  std::set<std::string> ids;
  for (const auto& p : tpw::platforms()) ids.emplace(p.id);
  CHECK(ids == std::set<std::string>{"h100", "h200", "b200", "b300", "gb200-nvl72", "gb300-nvl72",
                                     "mi300x", "mi325x", "mi355x", "vera-rubin-nvl72", "tpu7x",
                                     "rtx-pro-6000"});
  const std::set<std::string> newer{"vera-rubin-nvl72", "tpu7x", "rtx-pro-6000"};
  for (const auto& p : tpw::platforms()) {
    CAPTURE(p.id);
    CHECK(p.accelerators_per_system >= 1);
    const auto& now = p.inferencex_2026_07;
    CHECK_FALSE(now.hourly_neocloud.has_value());
    std::vector<const tpw::figure*> figures{&p.accelerator_power, &p.system_it_power,
                                            &p.system_price,      &now.all_in_power,
                                            &now.hourly_owned,    &now.hourly_rental};
    // The platforms newer than the 2025 vintage have no figures in it, and say so.
    REQUIRE(p.inferencex_2025.has_value() == (newer.count(std::string(p.id)) == 0));
    if (const auto& old = p.inferencex_2025) {
      REQUIRE(old->hourly_neocloud.has_value());
      figures.insert(figures.end(), {&old->all_in_power, &old->hourly_owned, &*old->hourly_neocloud,
                                     &old->hourly_rental});
    } else {
      CHECK(message_of([&] { (void)p.inferencex(tpw::inferencex_vintage::v2025); }) ==
            "vintage = \"inferencex-2025\": has no figures for " + std::string(p.id) +
                ", which is newer than it: use inferencex-2026-07");
    }
    for (const tpw::figure* f : figures) {
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
  // 2025 vintage, H200 at 90 tok/s/GPU, hyperscaler tier: 1.41 / (90 * 3600 / 1e6) = 4.3519
  // USD/Mtok; 90 * 1000 / 1.73 = 52,023 tok/s per MW; J/tok = 1.73 * 1000 / 90 = 19.22.
  const auto& h200 = tpw::find_platform("h200");
  constexpr auto v2025 = tpw::inferencex_vintage::v2025;
  const tpw::deployment d(
      tpw::inferencex_deployment(h200, 90.0_tok_per_s, tpw::fraction{1.0}, v2025));
  const auto e =
      tpw::evaluate(d, tpw::inferencex_hourly_cost(h200, tpw::inferencex_tier::hyperscaler, v2025));
  CHECK(tpw::in(e.cost_per_token.total, units::usd / units::Mtok) ==
        Approx(1.41 / (90 * 3600 / 1e6)).epsilon(1e-12));
  CHECK(tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW) ==
        Approx(90 * 1000 / 1.73).epsilon(1e-12));
  CHECK(tpw::in(e.joules_per_token, units::J / units::tok) ==
        Approx(1.73 * 1000 / 90).epsilon(1e-12));
  CHECK(tpw::hourly_cost_figure(h200, tpw::inferencex_tier::rental, v2025).value == 1.60);
}

TEST_CASE("the July 2026 InferenceX vintage: the public registry's figures, PUE on top") {
  // SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as InferenceX's hardware
  // registry lists them: all-in kW per GPU, owned at hyperscale and retail USD per GPU-hour.
  struct row {
    const char* id;
    double kw, owned, retail;
  };
  for (const row r : {row{"h100", 1.37, 1.17, 2.00}, row{"h200", 1.37, 1.22, 2.90},
                      row{"b200", 1.71, 1.73, 3.70}, row{"b300", 1.90, 2.26, 4.25},
                      row{"gb200-nvl72", 1.87, 1.86, 4.00}, row{"gb300-nvl72", 2.12, 2.31, 5.00},
                      row{"mi300x", 1.39, 0.95, 1.30}, row{"mi325x", 1.69, 1.10, 1.60},
                      row{"mi355x", 2.09, 1.50, 2.90}, row{"vera-rubin-nvl72", 3.3, 3.61, 8.50},
                      row{"tpu7x", 1.207, 1.21, 2.00}, row{"rtx-pro-6000", 0.975, 0.68, 0.52}}) {
    CAPTURE(r.id);
    const auto& set = tpw::find_platform(r.id).inferencex();  // the current vintage by default
    CHECK(set.all_in_power.value == r.kw);
    CHECK(set.hourly_owned.value == r.owned);
    CHECK(set.hourly_rental.value == r.retail);
    CHECK(set.all_in_power.date == "2026-07");
  }
  const auto now = tpw::info(tpw::current_inferencex_vintage);
  CHECK(now.id == "inferencex-2026-07");
  CHECK_FALSE(now.includes_facility);
  CHECK(tpw::info(tpw::inferencex_vintage::v2025).includes_facility);
  // Its all-in power leaves out the facility, so the site's PUE applies: GB200 NVL72 at 5,790
  // tok/s/GPU, PUE 1.2: 1.86 / (5,790 * 3600 / 1e6) = 0.08924 USD/Mtok; 5,790 * 1000 /
  // (1.87 * 1.2) = 2.580 M tok/s per MW.
  const auto& gb200 = tpw::find_platform("gb200-nvl72");
  const tpw::deployment d(tpw::inferencex_deployment(
      gb200, 5790.0_tok_per_s, tpw::fraction{1.0}, tpw::current_inferencex_vintage, tpw::pue{1.2}));
  const auto e =
      tpw::evaluate(d, tpw::inferencex_hourly_cost(gb200, tpw::inferencex_tier::hyperscaler));
  CHECK(tpw::in(e.cost_per_token.total, units::usd / units::Mtok) ==
        Approx(1.86 / (5790 * 3600 / 1e6)).epsilon(1e-12));
  CHECK(tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW) ==
        Approx(5790 * 1000 / (1.87 * 1.2)).epsilon(1e-12));
  CHECK(message_of([&] { (void)tpw::hourly_cost_figure(gb200, tpw::inferencex_tier::neocloud); }) ==
        "inferencex.tier = \"neocloud\": is not a tier of the inferencex-2026-07 vintage "
        "(hyperscaler or rental)");
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
        "gb200-nvl72, gb300-nvl72, mi300x, mi325x, mi355x, vera-rubin-nvl72, tpu7x, rtx-pro-6000");
}
