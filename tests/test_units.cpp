// Units: the system, named quantity types, display units, literals and currencies.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>

#include <tpw/units.hpp>

using namespace tpw::literals;
namespace units = tpw::units;

using GBP = tpw::currency<"GBP">;  // a user's currency: one line
using JPY = tpw::currency<"JPY", 0>;

// Products and quotients of named quantities land exactly on the named types.
static_assert(std::is_same_v<decltype(tpw::power{} * tpw::duration{}), tpw::energy>);
static_assert(std::is_same_v<decltype(tpw::energy{} / tpw::duration{}), tpw::power>);
static_assert(std::is_same_v<decltype(tpw::token_rate{} / tpw::power{}), tpw::tokens_per_energy>);
static_assert(std::is_same_v<decltype(tpw::energy_price<tpw::USD>{} * tpw::power{}),
                             tpw::cost_rate<tpw::USD>>);
static_assert(
    std::is_same_v<decltype(tpw::cost_rate<tpw::USD>{} * tpw::duration{}), tpw::money<tpw::USD>>);
static_assert(
    std::is_same_v<decltype(tpw::token_price<tpw::EUR>{} * tpw::tokens{}), tpw::money<tpw::EUR>>);
static_assert(
    std::is_same_v<decltype(tpw::money_per_power<GBP>{} * tpw::power{}), tpw::money<GBP>>);
static_assert(
    std::is_same_v<decltype(tpw::cost_rate<GBP>{} / tpw::token_rate{}), tpw::token_price<GBP>>);
static_assert(std::is_same_v<tpw::currency_of<tpw::token_price<tpw::EUR>>, tpw::EUR>);
static_assert(std::is_same_v<tpw::currency_of<tpw::money<GBP>>, GBP>);
static_assert(std::is_same_v<tpw::currency_of<tpw::power>, void>);
static_assert(tpw::money_type<tpw::money<JPY>>);
static_assert(!tpw::money_type<tpw::cost_rate<tpw::USD>>);
static_assert(!std::is_same_v<tpw::money<tpw::USD>, tpw::money<GBP>>);
// Quantities are literal types: usable in constant expressions.
static_assert(tpw::in(132.0_kW, units::kW) == 132.0);
static_assert(tpw::in(2.0_h, units::second) == 7200.0);

TEST_CASE("display units are the canonical unit times their size") {
  // 1 kWh = 1000 W * 3600 s = 3.6e6 J; 1 MWh = 3.6e9 J; a year is 8760 h = 31,536,000 s.
  CHECK(units::kWh.value() == 3.6e6);
  CHECK(units::MWh.value() == 3.6e9);
  CHECK(units::year.value() == 31'536'000.0);
  CHECK(units::month.value() == 31'536'000.0 / 12.0);
  CHECK(units::Mtok.value() == 1e6);
  CHECK(units::MW.value() == 1e6);
}

TEST_CASE("literals store canonical values") {
  CHECK((132.0_kW).value() == 132'000.0);
  CHECK((1_MW).value() == 1e6);
  CHECK((2.0_kWh).value() == 7.2e6);
  CHECK((1.5_h).value() == 5400.0);
  CHECK((4_yr).value() == 4 * 31'536'000.0);
  CHECK((3_Mtok).value() == 3e6);
  CHECK((5789.6_tok_per_s).value() == 5789.6);
  CHECK((3'900'000_USD).value() == 3.9e6);
  CHECK((2.5_EUR).value() == 2.5);
}

TEST_CASE("in() and of() convert through display units") {
  // 0.08 USD/kWh = 0.08 / 3.6e6 USD/J.
  const auto price = 0.08_USD / units::kWh;
  CHECK(price.value() == doctest::Approx(0.08 / 3.6e6).epsilon(1e-15));
  CHECK(tpw::in(price, units::usd / units::kWh) == doctest::Approx(0.08).epsilon(1e-15));
  // 2 USD/Mtok is 2e-6 USD/tok.
  CHECK(tpw::in(2.0_USD / units::Mtok, units::usd / units::tok) ==
        doctest::Approx(2e-6).epsilon(1e-15));
  CHECK(tpw::of(184.0, units::usd / (units::kW * units::month)).value() ==
        doctest::Approx(184.0 / (1000.0 * 2628000.0)).epsilon(1e-15));
  // Energy = power * time: 132 kW for 1 h is 132 kWh.
  CHECK(tpw::in(132.0_kW * 1.0_h, units::kWh) == doctest::Approx(132.0));
}

TEST_CASE("a user's currency is one line and carries its code and minor unit") {
  CHECK(GBP::code == "GBP");
  CHECK(GBP::minor_digits == 2);
  CHECK(JPY::minor_digits == 0);
  const tpw::money<GBP> pounds = 12.5 * units::unit_of<GBP>;
  const tpw::cost_rate<GBP> rate = pounds / units::hour;
  CHECK(tpw::in(rate * 2.0_h, units::unit_of<GBP>) == doctest::Approx(25.0));
}
