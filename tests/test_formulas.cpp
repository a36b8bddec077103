// Every formula against a hand computation. H = 8760 h. The reference deployment is one
// GB200 NVL72 rack: 72 GPUs, 132 kW IT and 40 kW idle per rack, PUE 1.2, u = 0.7,
// T = 5789.6 tok/s per GPU; per GPU: P_active = 132000 / 72 = 1833.33 W, P_idle = 555.56 W.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::USD;

namespace {
constexpr double rel = 1e-12;

tpw::operating_point rack_gpu() {
  return {5789.6_tok_per_s,
          tpw::fraction{0.7},
          132.0_kW / 72.0,
          40.0_kW / 72.0,
          132.0_kW / 72.0,
          tpw::pue{1.2},
          72.0};
}
}  // namespace

TEST_CASE("capital recovery factor") {
  // CRF(0.08, 4) = 0.08 / (1 - 1.08^-4) = 0.08 / (1 - 0.7350298528) = 0.3019208045.
  CHECK(tpw::capital_recovery_factor(tpw::annual_rate{0.08}, 4.0_yr) ==
        Approx(0.3019208044540392).epsilon(rel));
  // CRF(0.1, 10) = 0.1 / (1 - 1.1^-10) = 0.1 / 0.6144567106 = 0.1627453949.
  CHECK(tpw::capital_recovery_factor(tpw::annual_rate{0.1}, 10.0_yr) ==
        Approx(0.16274539488251152).epsilon(rel));
  // CRF(0, 5) = 1 / 5: straight line.
  CHECK(tpw::capital_recovery_factor(tpw::annual_rate{0.0}, 5.0_yr) == 0.2);
  // Continuity at r -> 0: CRF(1e-12, 5) = 1/5 * (1 + r * (L + 1) / 2 + ...) = 0.2000000000006.
  CHECK(tpw::capital_recovery_factor(tpw::annual_rate{1e-12}, 5.0_yr) ==
        Approx(0.2 * (1.0 + 1e-12 * 3.0)).epsilon(1e-14));
}

TEST_CASE("discount factor") {
  // (1 + 0.08)^-4 = 1 / 1.36048896 = 0.7350298528; at r = 0 nothing is discounted.
  CHECK(tpw::discount_factor(tpw::annual_rate{0.08}, 4.0_yr) ==
        Approx(0.7350298527964533).epsilon(rel));
  CHECK(tpw::discount_factor(tpw::annual_rate{0.0}, 4.0_yr) == 1.0);
  // It is computed as e^g with g = -L ln(1 + r), the exponent the CRF shares: within 1e-14 of
  // pow(1 + r, -L) from r = -0.5 to 1 and L = 0.5 to 50 years (measured: 4.2e-15 at worst, where
  // |g| = 35 and the error of g carries into e^g).
  double worst = 0.0;
  for (const double r : {-0.5, -1e-9, 1e-9, 0.03, 0.08, 0.5, 1.0}) {
    for (const double years : {0.5, 1.0, 4.0, 15.0, 50.0}) {
      const double exact = std::pow(1.0 + r, -years);
      const double d = tpw::discount_factor(tpw::annual_rate{r}, years * units::year);
      worst = std::max(worst, std::abs(d - exact) / exact);
    }
  }
  CHECK(worst < 1e-14);
  CHECK(worst > 0.0);  // the two computations do differ: the check above is not vacuous
}

TEST_CASE("owned hardware") {
  // Straight line: 40,000 USD per GPU over 4 years, no residual, r = 0:
  // 40000 / 4 = 10,000 USD a year; / 8760 h = 1.1415525114 USD/h.
  const auto straight = tpw::owned_hardware_cost_rate<USD>(40'000.0_USD, tpw::fraction{0.0},
                                                           tpw::annual_rate{0.0}, 4.0_yr);
  CHECK(tpw::in(straight, units::usd / units::hour) == Approx(10'000.0 / 8760.0).epsilon(rel));
  // With capital and residual: price 3.9e6 / 72 = 54,166.67 USD, residual 10%, r = 8%, L = 4:
  // (54166.67 - 5416.67 * 1.08^-4) * CRF(0.08, 4) / 8760
  // = (54166.67 - 3981.41) * 0.3019208 / 8760 = 1.7296772318 USD/h.
  const auto owned = tpw::owned_hardware_cost_rate<USD>(3.9e6_USD / 72.0, tpw::fraction{0.1},
                                                        tpw::annual_rate{0.08}, 4.0_yr);
  CHECK(tpw::in(owned, units::usd / units::hour) == Approx(1.7296772317885551).epsilon(rel));
}

TEST_CASE("facility, built and colocated") {
  // Built: 11.7 USD/W * 1833.33 W = 21,450 USD; * CRF(0.08, 15) = 0.1168295449 -> 2505.99
  // USD/yr; / 8760 = 0.2860723446 USD/h.
  const auto built = tpw::built_facility_cost_rate<USD>(11.7e6_USD / units::MW, 132.0_kW / 72.0,
                                                        tpw::annual_rate{0.08}, 15.0_yr);
  CHECK(tpw::in(built, units::usd / units::hour) == Approx(0.28607234462073383).epsilon(rel));
  // Colocation: 184 USD per kW-month * 1.8333 kW * 12 / 8760 = 0.4621004566 USD/h.
  const auto colo =
      tpw::colocation_cost_rate<USD>(184.0_USD / (units::kW * units::month), 132.0_kW / 72.0);
  CHECK(tpw::in(colo, units::usd / units::hour) == Approx(0.4621004566210046).epsilon(rel));
}

TEST_CASE("energy") {
  const auto op = rack_gpu();
  // Average IT power: 0.7 * 1833.33 + 0.3 * 555.56 = 1283.33 + 166.67 = 1450 W.
  CHECK(tpw::in(tpw::average_it_power(op), units::W) == Approx(1450.0).epsilon(rel));
  // Energy: 1.450 kW * 1.2 * 0.08 USD/kWh = 0.1392 USD/h.
  const auto energy = tpw::energy_cost_rate<USD>(op, 0.08_USD / units::kWh);
  CHECK(tpw::in(energy, units::usd / units::hour) == Approx(0.1392).epsilon(rel));
}

TEST_CASE("opex") {
  // (0.03 * 54,166.67 + 4500 + 0) / 8760 = (1625 + 4500) / 8760 = 0.6992009132 USD/h.
  const auto opex = tpw::opex_cost_rate<USD>(tpw::fraction{0.03}, 3.9e6_USD / 72.0,
                                             4500.0_USD / units::year, 0.0_USD / units::year);
  CHECK(tpw::in(opex, units::usd / units::hour) == Approx(0.6992009132420092).epsilon(rel));
}

TEST_CASE("tokens, efficiency and revenue") {
  const auto op = rack_gpu();
  // Tokens per hour: 5789.6 * 3600 * 0.7 = 14,589,792.
  CHECK(tpw::in(tpw::average_token_rate(op) * units::hour, units::tok) ==
        Approx(14'589'792.0).epsilon(rel));
  // Cost per Mtok at 2.854150 USD/h: 2.854150 / 14.589792 Mtok = 0.1956265374 USD/Mtok.
  const auto cost = tpw::of(2.854150489651298, units::usd / units::hour);
  CHECK(tpw::in(tpw::cost_per_token<USD>(cost, op), units::usd / units::Mtok) ==
        Approx(0.19562653735236926).epsilon(rel));
  // Tokens per joule: 0.7 * 5789.6 / (1450 * 1.2) = 4052.72 / 1740 = 2.3291494253 tok/J.
  CHECK(tpw::in(tpw::tokens_per_joule(op), units::tok / units::J) ==
        Approx(2.329149425287356).epsilon(rel));
  // tok/s per MW: 5789.6 * 1e6 / (1833.33 * 1.2) = 2,631,636.36.
  CHECK(tpw::in(tpw::tokens_per_s_per_power(op), units::tok / units::second / units::MW) ==
        Approx(2'631'636.3636363638).epsilon(rel));
  // Revenue per MW-year at 2 USD/Mtok: 2 * 5789.6 * 0.7 * 3600 * 8760 / 1e6 / (0.0018333 * 1.2)
  // = 255,613.8 / 0.0022 = 116,187,798.1 USD/MW-year.
  const auto revenue = tpw::revenue_per_power_time<USD>(op, 2.0_USD / units::Mtok);
  CHECK(tpw::in(revenue, units::usd / (units::MW * units::year)) ==
        Approx(116'187'798.1090909).epsilon(rel));
  // Gross margin: 1 - 0.19562654 / 2 = 0.9021867313.
  CHECK(tpw::gross_margin<USD>(tpw::cost_per_token<USD>(cost, op), 2.0_USD / units::Mtok) ==
        Approx(0.9021867313238153).epsilon(rel));
}

TEST_CASE("InferenceX identity: $/Mtok = $/hr / (T * 3600 / 1e6), tok/s/MW = T * 1000 / kW") {
  // An all-in hourly cost and an all-in power per GPU, at u = 1 and PUE = 1.
  struct platform {
    double usd_per_hour, kw, tok_s;
  };
  const platform rows[] = {{1.41, 1.73, 90.0},
                           {2.65, 2.10, 6000.0},
                           {1.95, 2.17, 27'000.0},
                           {1.30, 1.73, 1234.5},
                           {1.48, 2.65, 3210.0}};
  for (const auto& row : rows) {
    const tpw::operating_point op{tpw::of(row.tok_s, units::tok / units::second),
                                  tpw::fraction{1.0},
                                  tpw::of(row.kw, units::kW),
                                  tpw::of(row.kw, units::kW),
                                  tpw::of(row.kw, units::kW),
                                  tpw::pue{1.0},
                                  1.0};
    const auto hourly = tpw::of(row.usd_per_hour, units::usd / units::hour);
    CHECK(tpw::in(tpw::cost_per_token<USD>(hourly, op), units::usd / units::Mtok) ==
          Approx(row.usd_per_hour / (row.tok_s * 3600.0 / 1e6)).epsilon(rel));
    CHECK(tpw::in(tpw::tokens_per_s_per_power(op), units::tok / units::second / units::MW) ==
          Approx(row.tok_s * 1000.0 / row.kw).epsilon(rel));
    // J/token = kW * 1000 / T.
    CHECK(tpw::in(1.0 / tpw::tokens_per_joule(op), units::J / units::tok) ==
          Approx(row.kw * 1000.0 / row.tok_s).epsilon(rel));
  }
}
