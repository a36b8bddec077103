// The catalog as typed inputs: figures as quantities, measured points as a frontier (and when a
// target is clamped to its first point), estimates as Monte Carlo inputs, the rental-spread flag,
// and docs/catalog.md checked against the catalog itself.
#include <doctest/doctest.h>

#include "support.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <tpw/catalog.hpp>
#include <tpw/mc/catalog_inputs.hpp>
#include <tpw/site.hpp>
#include <tpw/units.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;
using namespace tpw::literals;
namespace units = tpw::units;

TEST_CASE("catalog figures as quantities the compiler checks") {
  const tpw::platform& gb200 = tpw::find_platform("gb200-nvl72");
  CHECK(in(tpw::it_power_of(gb200), units::kW) == gb200.system_it_power.value);
  CHECK(in(tpw::rated_power_of(gb200), units::W) == gb200.accelerator_power.value);
  CHECK(tpw::price_of(gb200).value() == gb200.system_price.value);
  CHECK(in(tpw::rental_price_of(gb200), units::usd / units::hour) ==
        gb200.inferencex_2026_07.hourly_rental.value);
  // A figure read as a quantity of another kind is refused, naming its unit.
  CHECK(message_of([&] { (void)tpw::quantity_of<tpw::power>(gb200.system_price, "price"); }) ==
        "price = \"USD\": is not a unit of power (W, kW) this reader knows");
}

TEST_CASE("measured points to a frontier in one call, and a target below them is clamped") {
  const tpw::measured_frontier& m =
      *tpw::find_measured("gb200-nvl72", "deepseek-r1", 8192, 1024, "fp8");
  const tpw::throughput_frontier f = tpw::frontier_of(m);
  REQUIRE(f.points().size() == m.points.size());
  for (std::size_t k = 0; k < m.points.size(); ++k) {
    CHECK(f.points()[k].interactivity.value() == m.points[k].interactivity);
    CHECK(f.points()[k].throughput.value() == m.points[k].throughput);
    // At a measured point, the frontier gives its throughput.
    CHECK(f.throughput_at(f.points()[k].interactivity).value() ==
          Approx(m.points[k].throughput).epsilon(1e-12));
  }
  const auto first = f.min_interactivity();
  CHECK(first.value() == m.points.front().interactivity);
  // Below the first point: clamped to it, and said so.
  const auto slower = tpw::token_rate::from_value(first.value() / 2.0);
  CHECK(f.clamped(slower));
  CHECK_FALSE(f.clamped(first));
  CHECK(f.throughput_at(slower).value() == f.throughput_at(first).value());
  const auto at = tpw::evaluate_at_slo(
      tpw::bottom_up_deployment(tpw::find_platform("gb200-nvl72"), 1.0_tok_per_s,
                                tpw::fraction{0.7}, tpw::pue{1.2}),
      f, slower, 2.0_USD / units::Mtok,
      tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh}));
  CHECK(at.clamped);
  CHECK_FALSE(tpw::evaluate_at_slo(
                  tpw::bottom_up_deployment(tpw::find_platform("gb200-nvl72"), 1.0_tok_per_s,
                                            tpw::fraction{0.7}, tpw::pue{1.2}),
                  f, first, 2.0_USD / units::Mtok,
                  tpw::energy_cost<tpw::USD>({.price = 0.08_USD / units::kWh}))
                  .clamped);
}

TEST_CASE("a catalog estimate's range as a PERT input, an exact figure fixed") {
  const tpw::platform& gb200 = tpw::find_platform("gb200-nvl72");
  // The rack's price: about 3.2 M, between 3.1 and 3.3 M (press estimates).
  REQUIRE(gb200.system_price.has_range());
  const auto price = mc::distribution_of(gb200.system_price, "costs.hardware.price");
  CHECK(price.reachable_low() >= 3.1e6);
  CHECK(price.reachable_high() <= 3.3e6);
  // PERT's mean: (low + 4 mode + high) / 6.
  CHECK(price.mean() == Approx((3.1e6 + 4 * 3.2e6 + 3.3e6) / 6.0).epsilon(1e-12));
  const auto exact = mc::distribution_of(tpw::find_platform("h100").accelerator_power);
  CHECK(exact.reachable_low() == exact.reachable_high());
  const auto inputs = mc::uncertain_estimates(gb200);
  REQUIRE(inputs.size() == 2);
  CHECK(inputs[0].input == tpw::cost_input::it_power_kw);
  CHECK(inputs[1].input == tpw::cost_input::hardware_price);
}

TEST_CASE("revenue per accelerator-hour far above the market rental price is flagged") {
  // GB200 NVL72 rents at 4.00 USD per GPU-hour (retail, 2026-07): flagged above 8.00.
  tpw::plausibility_input in;
  in.platform = "gb200-nvl72";
  in.revenue_per_accelerator_hour = 23.5;
  const auto r = tpw::check_plausibility(in);
  REQUIRE(r.flags.size() == 1);
  CHECK(r.flags[0].figure == "revenue_per_accelerator_hour");
  CHECK(r.flags[0].limit == 8.0);
  CHECK(r.flags[0].rule == "more than 2x the platform's market rental price");
  CHECK(r.flags[0].evidence.starts_with("NVIDIA GB200 NVL72 rents at 4 USD per accelerator-hour"));
  // The control: at 7.99, no flag; in another currency, said unchecked.
  in.revenue_per_accelerator_hour = 7.99;
  CHECK(tpw::check_plausibility(in).flags.empty());
  in.revenue_per_accelerator_hour = 23.5;
  in.currency = "EUR";
  const auto eur = tpw::check_plausibility(in);
  CHECK(eur.flags.empty());
  CHECK(eur.unchecked.front().starts_with(
      "revenue per accelerator-hour: the rental prices are in USD"));
}

TEST_CASE("a site's usable power is public: its ceiling less the headroom") {
  CHECK(in(tpw::usable_power({100.0 * units::MW, tpw::fraction{0.1}}), units::MW) ==
        Approx(90.0).epsilon(1e-15));
}

TEST_CASE("docs/catalog.md lists every platform of the catalog with its figures") {
  std::ostringstream table;
  table << "| id | platform | accelerators per system | IT power per system (kW) | price per "
           "system (USD) | retail rental (USD per accelerator-hour, 2026-07) |\n"
        << "|---|---|---|---|---|---|\n";
  for (const tpw::platform& p : tpw::platforms()) {
    table << "| `" << p.id << "` | " << p.name << " | " << p.accelerators_per_system << " | "
          << tpw::detail::number_text(p.system_it_power.value)
          << (p.system_it_power.has_range() ? " (estimate)" : "") << " | "
          << tpw::detail::number_text(p.system_price.value)
          << (p.system_price.has_range() ? " (estimate)" : "") << " | "
          << tpw::detail::number_text(p.inferencex_2026_07.hourly_rental.value) << " |\n";
  }
  std::ifstream file(std::string(TPW_DOCS) + "/catalog.md");
  REQUIRE(file);
  std::stringstream doc;
  doc << file.rdbuf();
  INFO("docs/catalog.md must hold this table verbatim:\n" << table.str());
  CHECK(doc.str().find(table.str()) != std::string::npos);
}
