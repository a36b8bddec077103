// tpw/units/rounding.hpp: money rounded to its currency's minor unit, half to even, for reports.
// Internal arithmetic stays in full precision; only what is shown or exported is rounded.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "tpw/units/system.hpp"

namespace tpw {

// Rounds an amount to the currency's minor unit (cents for USD, whole yen for JPY), ties to even
// ("banker's rounding"): 0.125 USD -> 0.12, 0.375 USD -> 0.38.
//
// The amount is read as the decimal it stands for, at 15 significant digits (what a double holds
// for any decimal): 2.675 is the 2.675 a user typed, not the binary 2.67499999999999982..., and a
// sum of cents that lands a hair off a half cent is still a tie. Non-finite amounts are returned
// unchanged; reports never hold them, since every input is validated.
template <money_type M>
M round_to_minor_unit(const M& amount) noexcept {
  const double value = amount.value();
  if (!std::isfinite(value)) return amount;
  const double scale = std::pow(10.0, currency_of<M>::minor_digits);
  char text[40];
  std::snprintf(text, sizeof text, "%.15g", value * scale);
  const double minor_units = std::strtod(text, nullptr);
  const double below = std::floor(minor_units);
  const double excess = minor_units - below;
  double rounded = excess < 0.5 ? below : below + 1.0;
  if (excess == 0.5) rounded = std::fmod(below, 2.0) == 0.0 ? below : below + 1.0;
  return M::from_value(rounded / scale + 0.0);  // + 0.0: no "-0.00"
}

}  // namespace tpw
