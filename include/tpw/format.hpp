// tpw/format.hpp: quantities as the trade press writes them ("0.143 USD/Mtok",
// "2.76 M tok/s per MW", "0.95 tok/J"). Opt-in: the core model does not include it, and it does
// not use Boost.Units' own printing (the slowest part of Boost.Units to compile).
//
// A quantity is shown in a display unit: a quantity of value one in that unit, and its label.
// Several figures share a dimension (tokens per joule and tok/s per MW; an energy price and a
// revenue per MW-year), so the display unit is named by the caller, never guessed from the type.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "tpw/units/rounding.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

template <class Q>
struct display_unit {
  Q unit;             // the quantity of value one in this unit
  std::string label;  // what follows the number
};

// A number with `significant` significant digits, in fixed notation, trailing zeros trimmed;
// from a million up it is scaled and marked M, B or T ("2.76 M"); from 1e18 up and below 1e-6,
// in scientific notation.
inline std::string format_number(double value, int significant = 3) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  // From a million trillion up, or below a millionth, fixed notation would be a long run of
  // digits or zeros: scientific notation then ("3.6e+27").
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e18 || (magnitude != 0.0 && magnitude < 1e-6)) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*e", significant > 1 ? significant - 1 : 0, value);
    return text;
  }
  static constexpr struct {
    double scale;
    const char* mark;
  } scales[] = {{1e12, " T"}, {1e9, " B"}, {1e6, " M"}};
  const char* mark = "";
  for (const auto& s : scales) {
    if (std::fabs(value) >= s.scale) {
      value /= s.scale;
      mark = s.mark;
      break;
    }
  }
  int decimals = 0;
  if (value != 0.0) {
    const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(value))));
    decimals = significant - 1 - exponent;
    if (decimals < 0) decimals = 0;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string out(text);
  if (out.find('.') != std::string::npos) {
    out.erase(out.find_last_not_of('0') + 1);
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out.append(mark);
}

// Money rounded to the currency's minor unit, half to even, with thousands separators:
// "3,900,000.00 USD".
template <money_type M>
std::string format_money(const M& amount) {
  using C = currency_of<M>;
  const double rounded = round_to_minor_unit(amount).value();
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", C::minor_digits, std::fabs(rounded));
  std::string digits(text);
  const std::size_t point = digits.find('.');
  const std::size_t whole = point == std::string::npos ? digits.size() : point;
  std::string out = rounded < 0 && digits.find_first_not_of("0.") != std::string::npos ? "-" : "";
  for (std::size_t i = 0; i < whole; ++i) {
    if (i != 0 && (whole - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  out.append(digits, whole, std::string::npos);
  return out.append(" ").append(C::code);
}

template <class Q>
std::string format(const Q& quantity, const display_unit<Q>& unit, int significant = 3) {
  return format_number(in(quantity, unit.unit), significant).append(" ").append(unit.label);
}

// Display units for the figures tpw reports.
namespace display {

inline display_unit<power> kilowatts() {
  return {units::kW, "kW"};
}
inline display_unit<power> megawatts() {
  return {units::MW, "MW"};
}
inline display_unit<energy> kilowatt_hours() {
  return {units::kWh, "kWh"};
}
inline display_unit<token_rate> tokens_per_second() {
  return {units::tok / units::second, "tok/s"};
}
inline display_unit<tokens_per_energy> tokens_per_joule() {
  return {units::tok / units::J, "tok/J"};
}
inline display_unit<energy_per_token> joules_per_token() {
  return {units::J / units::tok, "J/tok"};
}
inline display_unit<throughput_density> tokens_per_s_per_mw() {
  return {units::tok / units::second / units::MW, "tok/s per MW"};
}
inline display_unit<carbon_intensity> grams_per_kwh() {
  return {units::g / units::kWh, "gCO2e/kWh"};
}
inline display_unit<emissions_per_token> grams_per_mtok() {
  return {units::g / units::Mtok, "gCO2e/Mtok"};
}
inline display_unit<mass> grams() {
  return {units::g, "gCO2e"};
}

template <currency_type C>
display_unit<token_price<C>> per_mtok() {
  return {units::unit_of<C> / units::Mtok, std::string(C::code).append("/Mtok")};
}
template <currency_type C>
display_unit<cost_rate<C>> per_hour() {
  return {units::unit_of<C> / units::hour, std::string(C::code).append("/h")};
}
template <currency_type C>
display_unit<energy_price<C>> per_kwh() {
  return {units::unit_of<C> / units::kWh, std::string(C::code).append("/kWh")};
}
template <currency_type C>
display_unit<money_per_power_time<C>> per_mw_year() {
  return {units::unit_of<C> / (units::MW * units::year), std::string(C::code).append("/MW-year")};
}
template <currency_type C>
display_unit<money_per_power_time<C>> per_kw_month() {
  return {units::unit_of<C> / (units::kW * units::month), std::string(C::code).append("/kW-month")};
}
template <currency_type C>
display_unit<money_per_power<C>> per_mw() {
  return {units::unit_of<C> / units::MW, std::string(C::code).append("/MW")};
}

}  // namespace display

// A share as a percentage: "41.2%".
inline std::string format_percent(double share, int significant = 3) {
  return format_number(share * 100.0, significant).append("%");
}

}  // namespace tpw
