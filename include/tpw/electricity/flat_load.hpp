// tpw/electricity/flat_load.hpp: a tariff's bill as plain numbers, and its bill on a load that is
// the same every hour of the year as a function of that load: what a Monte Carlo sample prices
// its energy by when its utilization, power or PUE is uncertain and no demand section shapes the
// load hour by hour (tpw/mc/cost_model.hpp).
//
// On a flat load L (W) the year's sums collapse: with B the PPA's block (0 without one), the
// energy bought is max(L - B, 0) every hour, so the energy charges are max(L - B, 0) * 3600 s *
// sum over the hours of the price per J; each month's peak draw from the utility is max(L - B, 0),
// so the demand charges are 12 * charge * max(L - B, 0); the block's surplus, sold, is
// max(B - L, 0) * 3600 s * the sum of the market prices; the block costs B * 8,760 h * its price.
// Without a PPA the effective price (bill over energy) does not depend on L: the mean price per J
// plus 12 * charge / 8,760 h. tests/test_capacity.cpp checks every part against bill_of on a
// constant load.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "tpw/electricity/tariff.hpp"

namespace tpw::electricity {

// A year's bill in plain numbers: the energy used in J, the parts in the currency's units.
struct bill_numbers {
  double used = 0.0;            // the facility's energy, J
  double energy_charges = 0.0;  // the energy beyond the block, at the tariff's prices
  double surplus_credit = 0.0;  // block energy above the load, sold at the market price
  double ppa_charges = 0.0;     // the block, take-or-pay
  double demand_charges = 0.0;  // on each month's peak draw from the utility
  // The bill over the energy, per J, with the prices per kWh (bought and sold) times `energy`,
  // the demand charge times `demand` and the PPA's price times `ppa`: each part is linear in its
  // price, so levels on a tariff price the same load.
  [[nodiscard]] double effective_price(double energy = 1.0, double demand = 1.0,
                                       double ppa = 1.0) const noexcept {
    return (energy * (energy_charges - surplus_credit) + demand * demand_charges +
            ppa * ppa_charges) /
           used;
  }
};

// A tariff reduced to what a flat load's bill needs. `active` false: no tariff.
struct flat_load_tariff {
  bool active = false;
  bool ppa = false;
  bool surplus_sold = false;
  double price_seconds = 0.0;   // sum over the hours of the price per J, times 3600 s
  double market_seconds = 0.0;  // the same of the market prices (a PPA's surplus sold)
  double block = 0.0;           // the PPA's block, W
  double ppa_price = 0.0;       // per J of block energy
  double demand_charge = 0.0;   // per W of each month's peak draw
  // The load's accelerators at the point (the deployment's or the site's): the flat load is
  // theirs times one accelerator's average facility power.
  double accelerators = 0.0;

  static constexpr double year_seconds = 3600.0 * hours_per_year;

  // The year's bill at a load of `load` W every hour (load > 0).
  [[nodiscard]] bill_numbers at(double load) const noexcept {
    const double bought = std::max(load - block, 0.0);
    bill_numbers b;
    b.used = load * year_seconds;
    b.energy_charges = bought * price_seconds;
    if (ppa) {
      b.ppa_charges = ppa_price * block * year_seconds;
      if (surplus_sold) b.surplus_credit = std::max(block - load, 0.0) * market_seconds;
    }
    b.demand_charges = 12.0 * demand_charge * bought;
    return b;
  }
  // The effective price per J at a load of `load` W, the tariff's levels as in
  // bill_numbers::effective_price. Without a PPA it is the same at any load (0 included).
  [[nodiscard]] double effective_price(double load, double energy = 1.0, double demand = 1.0,
                                       double ppa_level = 1.0) const noexcept {
    if (!ppa) return (energy * price_seconds + 12.0 * demand * demand_charge) / year_seconds;
    return at(load).effective_price(energy, demand, ppa_level);
  }
};

// The tariff `t` (validated) as a flat load's bill reads it, for `accelerators` accelerators.
template <currency_type C>
[[nodiscard]] flat_load_tariff flat_load_of(const tariff<C>& t, double accelerators = 0.0) {
  validate_tariff(t);
  if (!(accelerators >= 0.0) || !std::isfinite(accelerators)) {
    throw invalid_input("accelerators", accelerators,
                        "must be finite and >= 0: the accelerators drawing the flat load");
  }
  flat_load_tariff f;
  f.active = true;
  for (int h = 0; h < hours_per_year; ++h) {
    f.price_seconds += t.price_at(h).value() * 3600.0;
    if (!t.market.empty())
      f.market_seconds += t.market[static_cast<std::size_t>(h)].value() * 3600.0;
  }
  f.demand_charge = t.demand_charge.value();
  if (t.ppa) {
    f.ppa = true;
    f.surplus_sold = t.ppa->surplus_sold;
    f.block = t.ppa->block.value();
    f.ppa_price = t.ppa->price.value();
  }
  f.accelerators = accelerators;
  return f;
}

}  // namespace tpw::electricity
