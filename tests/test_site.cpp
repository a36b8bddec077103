// Power-capped sites: packing under a ceiling (floor, stranded power), yearly figures, ranking.
#include <doctest/doctest.h>

#include "support.hpp"

#include <vector>

#include <tpw/model.hpp>
#include <tpw/site.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::USD;
using tpw_test::message_of;

namespace {
// A 72-GPU rack provisioned for 132 kW at PUE 1.2: 158.4 kW of utility power per rack.
tpw::deployment::spec rack() {
  return {.accelerators_per_system = 72,
          .it_power = 132.0_kW,
          .pue = tpw::pue{1.2},
          .utilization = tpw::fraction{0.5},
          .throughput = 1000.0_tok_per_s};
}
const tpw::rented_hardware<USD> rent({.rental_per_accelerator = 2.0_USD / units::hour});
}  // namespace

TEST_CASE("systems under a ceiling: the floor, and the power stranded") {
  const tpw::deployment d(rack());
  // 100,000 kW / 158.4 kW = 631.3: 631 racks, 45,432 GPUs, 99,950.4 kW used, 49.6 kW stranded.
  const auto plan =
      tpw::plan_site(d, tpw::site_spec{.ceiling = 100.0_MW}, 1.0_USD / units::Mtok, rent);
  CHECK(plan.systems == 631);
  CHECK(plan.accelerators == 45432);
  CHECK(tpw::in(plan.facility_power, units::kW) == Approx(99950.4).epsilon(1e-12));
  CHECK(tpw::in(plan.stranded_power, units::kW) == Approx(49.6).epsilon(1e-9));
  // Tokens: 45,432 * 1,000 tok/s * 0.5 * 31,536,000 s = 7.16372e14 a year; at 1 USD/Mtok that is
  // 716.37 M USD. Cost: 45,432 * 2 USD * 8760 h = 795.97 M USD.
  CHECK(tpw::in(plan.tokens_per_year, units::tok) == Approx(45432.0 * 500.0 * 31536000.0));
  CHECK(tpw::in(*plan.revenue_per_year, units::usd) ==
        Approx(45432.0 * 500.0 * 31536000.0 / 1e6).epsilon(1e-12));
  CHECK(tpw::in(plan.cost_per_year, units::usd) == Approx(45432.0 * 2.0 * 8760.0).epsilon(1e-12));
  // 5% headroom: 95,000 / 158.4 = 599.7, so 599 racks.
  CHECK(tpw::systems_under_ceiling(d, {.ceiling = 100.0_MW, .headroom = tpw::fraction{0.05}}) ==
        599);
  // Without a ceiling: the deployment's own systems.
  auto two = rack();
  two.systems = 2;
  const auto own = tpw::plan_site(tpw::deployment(two), 1.0_USD / units::Mtok, rent);
  CHECK(own.systems == 2);
  CHECK(tpw::in(own.stranded_power, units::W) == 0.0);
}

TEST_CASE("a ceiling that is an exact multiple of a system fits them all") {
  // 0.3 MW / 0.1 MW is 2.9999999999999996 in binary; three systems fit.
  const tpw::deployment d({.accelerators_per_system = 1,
                           .it_power = 100.0_kW,
                           .pue = tpw::pue{1.0},
                           .utilization = tpw::fraction{1.0},
                           .throughput = 1.0_tok_per_s});
  CHECK(tpw::systems_under_ceiling(d, {.ceiling = tpw::of(0.1 + 0.2, units::MW)}) == 3);
}

TEST_CASE("a ceiling below one system is refused") {
  const tpw::deployment d(rack());
  CHECK(message_of([&] { (void)tpw::systems_under_ceiling(d, {.ceiling = 0.1_MW}); }) ==
        "site.power_mw = 0.1: is below one system, which needs 0.1584 MW (provisioned IT power * "
        "PUE) beside the headroom");
  CHECK(message_of([&] { (void)tpw::systems_under_ceiling(d, {.ceiling = -1.0_MW}); }) ==
        "site.power_mw = -1: must be > 0 MW");
  CHECK(message_of([&] {
          (void)tpw::systems_under_ceiling(d, {.ceiling = 1.0_MW, .headroom = tpw::fraction{1.0}});
        }).find("site.headroom = 1: must be below 1") == 0);
}

TEST_CASE("platforms compared under one ceiling") {
  // A: 72 GPUs at 132 kW, 1,000 tok/s, 2 USD/h. B: 8 GPUs at 14.3 kW, 400 tok/s, 1 USD/h.
  // Per GPU, A is 1.83 kW * 1.2 = 2.2 kW of utility power, B 1.7875 * 1.2 = 2.145 kW.
  // Cost per Mtok at u = 0.5: A 2 / 1.8 = 1.11 USD, B 1 / 0.72 = 1.39 USD.
  // Tokens per joule: A 500 / (1833.3 * 1.2) = 0.227, B 200 / (1787.5 * 1.2) = 0.093.
  const tpw::deployment a(rack());
  const tpw::deployment b({.accelerators_per_system = 8,
                           .it_power = 14.3_kW,
                           .pue = tpw::pue{1.2},
                           .utilization = tpw::fraction{0.5},
                           .throughput = 400.0_tok_per_s});
  const tpw::rented_hardware<USD> cheap({.rental_per_accelerator = 1.0_USD / units::hour});
  const tpw::site_spec site{.ceiling = 100.0_MW};
  const auto price = 1.0_USD / units::Mtok;
  std::vector<tpw::named_site_plan<USD>> plans{{"B", tpw::plan_site(b, site, price, cheap)},
                                               {"A", tpw::plan_site(a, site, price, rent)}};
  const auto ranking = tpw::rank_sites<USD>(plans);
  CHECK(plans[ranking.most_revenue].platform == "A");
  CHECK(plans[ranking.most_tokens_per_joule].platform == "A");
  CHECK(plans[ranking.lowest_cost_per_mtok].platform == "A");
  // B is cheaper per hour but not per token: B's hourly cost is half, its throughput 0.4 of A's.
  plans.push_back({"A without price", tpw::plan_site(a, site, rent)});
  CHECK(message_of([&] { (void)tpw::rank_sites<USD>(plans); }) ==
        "site.platforms[2].revenue = 0: ranking by revenue needs every plan evaluated at a token "
        "price");
}
