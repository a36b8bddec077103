// tpw/units/literals.hpp: user-defined literals for tpw's quantities, in tpw::literals.
//   using namespace tpw::literals;
//   auto p = 132.0_kW;  auto price = 0.08_USD / tpw::units::kWh;  auto t = 5789.6_tok_per_s;
#pragma once

#include "tpw/units/system.hpp"

namespace tpw::literals {

#define TPW_DEFINE_LITERAL(suffix, quantity_type, unit_value)                  \
  constexpr quantity_type operator""_##suffix(long double v) noexcept {        \
    return quantity_type::from_value(static_cast<double>(v) * (unit_value));   \
  }                                                                            \
  constexpr quantity_type operator""_##suffix(unsigned long long v) noexcept { \
    return quantity_type::from_value(static_cast<double>(v) * (unit_value));   \
  }

TPW_DEFINE_LITERAL(W, power, 1.0)
TPW_DEFINE_LITERAL(kW, power, 1e3)
TPW_DEFINE_LITERAL(MW, power, 1e6)
TPW_DEFINE_LITERAL(J, energy, 1.0)
TPW_DEFINE_LITERAL(kWh, energy, 3.6e6)
TPW_DEFINE_LITERAL(MWh, energy, 3.6e9)
TPW_DEFINE_LITERAL(s, duration, 1.0)
TPW_DEFINE_LITERAL(h, duration, 3600.0)
TPW_DEFINE_LITERAL(yr, duration, 8760.0 * 3600.0)
TPW_DEFINE_LITERAL(tok, tokens, 1.0)
TPW_DEFINE_LITERAL(Mtok, tokens, 1e6)
TPW_DEFINE_LITERAL(tok_per_s, token_rate, 1.0)
TPW_DEFINE_LITERAL(g, mass, 1e-3)
TPW_DEFINE_LITERAL(kg, mass, 1.0)
TPW_DEFINE_LITERAL(USD, money<USD>, 1.0)
TPW_DEFINE_LITERAL(EUR, money<EUR>, 1.0)

#undef TPW_DEFINE_LITERAL

}  // namespace tpw::literals
