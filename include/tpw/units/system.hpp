// tpw/units/system.hpp: the unit system (SI, a token dimension, one dimension per currency) and
// the named quantity types tpw's models use.
//
// Storage is canonical: W, J, s, tokens and whole currency units. Display units (kW, kWh, hour,
// year, Mtok, ...) are quantities of value one in those units, so `0.08 * usd / kWh` is an energy
// price and `in(price, usd_per_mtok)` reads it back as a plain number. Only the Boost.Units
// headers that define types are included here; Boost's unit printing stays out of tpw's headers.
#pragma once

#include <boost/units/base_dimension.hpp>
#include <boost/units/base_unit.hpp>
#include <boost/units/base_units/si/kilogram.hpp>
#include <boost/units/base_units/si/meter.hpp>
#include <boost/units/base_units/si/second.hpp>
#include <boost/units/dimensionless_type.hpp>
#include <boost/units/make_system.hpp>
#include <boost/units/physical_dimensions/energy.hpp>
#include <boost/units/physical_dimensions/mass.hpp>
#include <boost/units/physical_dimensions/power.hpp>
#include <boost/units/physical_dimensions/time.hpp>
#include <boost/units/quantity.hpp>
#include <boost/units/unit.hpp>

#include <concepts>
#include <string_view>
#include <type_traits>

#include "tpw/config.hpp"

namespace tpw {

namespace bu = boost::units;

// --- Tokens -------------------------------------------------------------------------------------

// Ordinals name Boost.Units base dimensions and units; they must be unique program-wide. Boost
// uses small negative numbers for its own; tpw uses 1000 for the token and 1'000'000 + the packed
// ISO 4217 letters for currencies, so two currencies can never collide.
struct token_base_dimension : bu::base_dimension<token_base_dimension, 1000> {};
using token_dimension = token_base_dimension::dimension_type;
struct token_base_unit : bu::base_unit<token_base_unit, token_dimension, 1000> {
  static constexpr const char* name() { return "token"; }
  static constexpr const char* symbol() { return "tok"; }
};

// The physical part of tpw's system: SI mechanics (m, kg, s) plus tokens.
using physical_system = bu::make_system<bu::si::meter_base_unit, bu::si::kilogram_base_unit,
                                        bu::si::second_base_unit, token_base_unit>::type;

// --- Currencies ---------------------------------------------------------------------------------

// A three-letter ISO 4217 code usable as a template argument: tpw::currency<"GBP">.
struct currency_code {
  char letters[4];
  // NOLINTNEXTLINE(google-explicit-constructor): implicit so that currency<"GBP"> reads naturally.
  constexpr currency_code(const char (&code)[4]) : letters{code[0], code[1], code[2], '\0'} {}
  [[nodiscard]] constexpr bool is_upper_alpha() const {
    for (int i = 0; i < 3; ++i) {
      if (letters[i] < 'A' || letters[i] > 'Z') return false;
    }
    return true;
  }
  [[nodiscard]] constexpr long ordinal() const {
    return 1'000'000L + (long{letters[0]} << 16) + (long{letters[1]} << 8) + long{letters[2]};
  }
};

// One currency = one Boost.Units base dimension, so money in two currencies never mixes without an
// explicit exchange rate. Adding a currency is one line: `using GBP = tpw::currency<"GBP">;`
// (MinorDigits is the ISO 4217 minor unit: 2 for cents, 0 for JPY).
template <currency_code Code, int MinorDigits = 2>
struct currency {
  static_assert(Code.is_upper_alpha(), "a currency code is three upper-case letters (ISO 4217)");
  static_assert(MinorDigits >= 0 && MinorDigits <= 4, "ISO 4217 minor units are 0 to 4 digits");

  static constexpr std::string_view code{Code.letters, 3};
  static constexpr int minor_digits = MinorDigits;
  static constexpr long ordinal = Code.ordinal();
};

// The Boost.Units base dimension and base unit of a currency C (templates over C, so that the
// currency of any quantity type can be read back: see currency_of).
template <class C>
struct currency_base_dimension : bu::base_dimension<currency_base_dimension<C>, C::ordinal> {};
template <class C>
struct currency_base_unit
    : bu::base_unit<currency_base_unit<C>, typename currency_base_dimension<C>::dimension_type,
                    C::ordinal> {
  static constexpr const char* name() { return C::code.data(); }
  static constexpr const char* symbol() { return C::code.data(); }
};

using USD = currency<"USD">;
using EUR = currency<"EUR">;

template <class C>
concept currency_type = requires {
  { C::code } -> std::convertible_to<std::string_view>;
  { C::minor_digits } -> std::convertible_to<int>;
  { C::ordinal } -> std::convertible_to<long>;
};

// --- Named quantity types -----------------------------------------------------------------------

template <class Dimension>
using physical_quantity = bu::quantity<bu::unit<Dimension, physical_system>, double>;

using power = physical_quantity<bu::power_dimension>;
using energy = physical_quantity<bu::energy_dimension>;
using duration = physical_quantity<bu::time_dimension>;
using tokens = physical_quantity<token_dimension>;
using token_rate = decltype(tokens{} / duration{});       // tok/s
using tokens_per_energy = decltype(tokens{} / energy{});  // tok/J, = (tok/s) per W
using energy_per_token = decltype(energy{} / tokens{});   // J/tok
using throughput_density = tokens_per_energy;             // tok/s per W (shown per MW)
// Greenhouse-gas emissions as a mass of CO2-equivalent (kg, shown in g or t).
using mass = physical_quantity<bu::mass_dimension>;
using carbon_intensity = decltype(mass{} / energy{});     // kg/J (shown as gCO2e/kWh)
using emissions_per_token = decltype(mass{} / tokens{});  // kg/tok (shown as gCO2e/Mtok)

template <currency_type C>
using money = bu::quantity<typename currency_base_unit<C>::unit_type, double>;
template <currency_type C>
using cost_rate = decltype(money<C>{} / duration{});  // C/s (shown per hour)
template <currency_type C>
using energy_price = decltype(money<C>{} / energy{});  // C/J (shown per kWh)
template <currency_type C>
using token_price = decltype(money<C>{} / tokens{});  // C/tok (shown per Mtok)
template <currency_type C>
using money_per_power = decltype(money<C>{} / power{});  // C/W (build cost per MW)
// Money per unit of power per unit of time: a colocation rate (per kW-month) or revenue per
// MW-year. Dimensionally this is money per energy, the same type as energy_price.
template <currency_type C>
using money_per_power_time = decltype(money<C>{} / (power{} * duration{}));

namespace detail {
template <class DimensionList>
struct currency_in {
  using type = void;
};
template <class C, class Exponent, class Tail>
struct currency_in<bu::list<bu::dim<currency_base_dimension<C>, Exponent>, Tail>> {
  using type = C;
};
template <class Base, class Exponent, class Tail>
struct currency_in<bu::list<bu::dim<Base, Exponent>, Tail>> : currency_in<Tail> {};
}  // namespace detail

// The currency a quantity type is denominated in (void for physical quantities):
// currency_of<token_price<EUR>> is EUR.
template <class Q>
using currency_of = typename detail::currency_in<typename Q::unit_type::dimension_type>::type;

// Q is an amount of money in some currency.
template <class Q>
concept money_type = currency_type<currency_of<Q>> && std::same_as<Q, money<currency_of<Q>>>;

static_assert(std::is_same_v<decltype(power{} * duration{}), energy>);
static_assert(std::is_same_v<money_per_power_time<USD>, energy_price<USD>>);

// --- Display units: quantities of value one in each unit ----------------------------------------

namespace units {

// Sizes of the time and token display units in canonical units. Plain doubles, read by value, so
// device code can use them (it cannot take the address of the host's quantity constants below).
inline constexpr double seconds_per_hour = 3600.0;
inline constexpr double seconds_per_year = 8760.0 * 3600.0;

inline constexpr power watt = power::from_value(1.0);
inline constexpr power kilowatt = power::from_value(1e3);
inline constexpr power megawatt = power::from_value(1e6);
inline constexpr energy joule = energy::from_value(1.0);
inline constexpr energy kilowatt_hour = energy::from_value(3.6e6);
inline constexpr energy megawatt_hour = energy::from_value(3.6e9);
inline constexpr duration second = duration::from_value(1.0);
inline constexpr duration hour = duration::from_value(seconds_per_hour);
// The accounting year of tpw's definitions: 8760 hours (365 days).
inline constexpr duration year = duration::from_value(seconds_per_year);
inline constexpr duration month = duration::from_value(seconds_per_year / 12.0);
inline constexpr duration millisecond = duration::from_value(1e-3);
inline constexpr mass gram = mass::from_value(1e-3);
inline constexpr mass kilogram = mass::from_value(1.0);
inline constexpr mass tonne = mass::from_value(1e3);
inline constexpr tokens token = tokens::from_value(1.0);
inline constexpr tokens megatoken = tokens::from_value(1e6);

// Short spellings, as the trade press writes them.
inline constexpr power W = watt;
inline constexpr power kW = kilowatt;
inline constexpr power MW = megawatt;
inline constexpr energy J = joule;
inline constexpr energy kWh = kilowatt_hour;
inline constexpr energy MWh = megawatt_hour;
inline constexpr duration h = hour;
inline constexpr duration ms = millisecond;
inline constexpr mass g = gram;
inline constexpr mass kg = kilogram;
inline constexpr tokens tok = token;
inline constexpr tokens Mtok = megatoken;

// One unit of a currency: `3.5 * tpw::units::unit_of<tpw::EUR>` is 3.50 EUR.
template <currency_type C>
inline constexpr money<C> unit_of = money<C>::from_value(1.0);
inline constexpr money<USD> usd = unit_of<USD>;
inline constexpr money<EUR> eur = unit_of<EUR>;

}  // namespace units

// The value of a quantity in a display unit of the same dimension: in(p, units::kW) == 132.0.
// A unit of another dimension does not compile.
template <class Q, class U>
TPW_HD constexpr double in(const Q& quantity, const U& display_unit) noexcept {
  using ratio = decltype(quantity / display_unit);
  static_assert(std::is_same_v<typename ratio::unit_type::dimension_type, bu::dimensionless_type>,
                "in(q, unit): the display unit must have the quantity's dimension");
  return quantity.value() / display_unit.value();
}

// Builds a quantity from a number in a display unit: of(132.0, units::kW) is 132 kW.
template <class U>
TPW_HD constexpr U of(double value, const U& display_unit) noexcept {
  return U::from_value(value * display_unit.value());
}

}  // namespace tpw
