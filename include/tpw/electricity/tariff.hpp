// tpw/electricity/tariff.hpp: the energy bill of an hourly load under a time-of-use tariff, a
// monthly demand charge and a power-purchase agreement (docs/capacity.md, "Energy priced on the
// hourly load").
//
// The year is 8,760 hours, 365 days from January 1st (no leap day), hour h in month m(h) at hour of
// day h mod 24. In each hour the facility draws L_h (kW):
//   - a PPA delivers a block of B MW every hour at its fixed price, take-or-pay: the bill pays
//     B * 8,760 h * price whatever the load; block energy above the load is sold at that hour's
//     market price when the agreement says so (and a market series is given), or lost;
//   - the rest, max(L_h - B, 0), is bought at the tariff: the time-of-use price of month m(h) and
//     hour h mod 24, or the hour's market price when an hourly series is given;
//   - the utility's demand charge is billed per kW of each month's highest hourly draw from it,
//     max over the month of max(L_h - B, 0).
// The effective price is the bill over the energy used; the cost model's energy line at that
// price is the bill.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/units/system.hpp"

namespace tpw::electricity {

inline constexpr int hours_per_year = 8760;
inline constexpr std::array<int, 12> days_in_month{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// The month (0 = January) of hour h of the year.
constexpr int month_of_hour(int h) noexcept {
  int day = h / 24;
  int m = 0;
  while (m < 11 && day >= days_in_month[static_cast<std::size_t>(m)]) {
    day -= days_in_month[static_cast<std::size_t>(m)];
    ++m;
  }
  return m;
}

template <currency_type C>
struct power_purchase_agreement {
  power block{};              // delivered every hour
  energy_price<C> price{};    // per unit of block energy
  bool surplus_sold = false;  // block energy above the load sold at the hour's market price
};

template <currency_type C>
struct tariff {
  // Price per unit of energy bought: 1 (flat), 24 (by hour of day) or 288 (month by month, 24
  // hours each, January first). Ignored where `market` is given.
  std::vector<energy_price<C>> time_of_use;
  // 8,760 hourly market prices (may be negative): the energy beyond the PPA is bought at them,
  // and a PPA's surplus sold at them.
  std::vector<energy_price<C>> market;
  money_per_power<C> demand_charge{};  // per unit of each month's peak draw from the utility
  std::optional<power_purchase_agreement<C>> ppa;

  [[nodiscard]] energy_price<C> price_at(int h) const noexcept {
    if (!market.empty()) return market[static_cast<std::size_t>(h)];
    switch (time_of_use.size()) {
      case 1:
        return time_of_use[0];
      case 24:
        return time_of_use[static_cast<std::size_t>(h % 24)];
      default:
        return time_of_use[static_cast<std::size_t>(month_of_hour(h) * 24 + h % 24)];
    }
  }
};

template <currency_type C>
struct energy_bill {
  energy used{};                          // the facility's energy in the year
  money<C> energy_charges{};              // the energy beyond the PPA's block, at the tariff
  money<C> ppa_charges{};                 // the block, take-or-pay
  money<C> surplus_credit{};              // block energy above the load, sold
  money<C> demand_charges{};              // per month, on the utility's peak
  std::array<power, 12> monthly_peaks{};  // the highest hourly draw from the utility
  [[nodiscard]] money<C> total() const noexcept {
    return energy_charges + ppa_charges + demand_charges - surplus_credit;
  }
  // The bill over the energy used.
  [[nodiscard]] energy_price<C> effective_price() const noexcept { return total() / used; }
};

template <currency_type C>
void validate_tariff(const tariff<C>& t) {
  const auto per_kwh = units::unit_of<C> / units::kWh;
  const std::size_t n = t.time_of_use.size();
  if (t.market.empty() && n != 1 && n != 24 && n != 288) {
    throw invalid_input("costs.energy.tariff.price_per_kwh", static_cast<double>(n),
                        "prices given: give 1 (flat), 24 (by hour of day) or 12 x 24 (by month "
                        "and hour)");
  }
  if (!t.market.empty() && n != 0) {
    throw invalid_input("costs.energy.tariff.price_per_kwh", static_cast<double>(n),
                        "prices given beside an hourly market series: the energy beyond the PPA "
                        "is bought at one or the other");
  }
  for (std::size_t k = 0; k < n; ++k) {
    const double x = in(t.time_of_use[k], per_kwh);
    if (!std::isfinite(x) || x < 0.0 || x > 1e6) {
      throw invalid_input::converted("costs.energy.tariff.price_per_kwh[" + std::to_string(k) + "]",
                                     x, "must be in [0, 1000000] per kWh");
    }
  }
  if (!t.market.empty() && t.market.size() != static_cast<std::size_t>(hours_per_year)) {
    throw invalid_input("costs.energy.tariff.market_csv", static_cast<double>(t.market.size()),
                        "prices given; an hourly series needs exactly 8760 (one per hour)");
  }
  for (std::size_t k = 0; k < t.market.size(); ++k) {
    const double x = in(t.market[k], per_kwh);
    if (!std::isfinite(x) || std::abs(x) > 1e3) {
      throw invalid_input::converted("costs.energy.tariff.market_csv[" + std::to_string(k) + "]", x,
                                     "must be in [-1000, 1000] per kWh");
    }
  }
  const double charge = in(t.demand_charge, units::unit_of<C> / units::kW);
  if (!std::isfinite(charge) || charge < 0.0 || charge > 1e6) {
    throw invalid_input::converted("costs.energy.tariff.demand_charge_per_kw_month", charge,
                                   "must be in [0, 1000000] per kW-month");
  }
  if (t.ppa) {
    const double block = in(t.ppa->block, units::MW);
    if (!std::isfinite(block) || block < 0.0 || block > 1e6) {
      throw invalid_input::converted("costs.energy.tariff.ppa.block_mw", block,
                                     "must be in [0, 1000000] MW");
    }
    const double price = in(t.ppa->price, units::unit_of<C> / units::MWh);
    if (!std::isfinite(price) || price < 0.0 || price > 1e6) {
      throw invalid_input::converted("costs.energy.tariff.ppa.price_per_mwh", price,
                                     "must be in [0, 1000000] per MWh");
    }
    if (t.ppa->surplus_sold && t.market.empty()) {
      throw invalid_input("costs.energy.tariff.ppa.surplus", std::string("sold"),
                          "surplus is sold at the hour's market price: give market_csv, or "
                          "\"lost\"");
    }
  }
}

// The bill of an 8,760-hour load (facility power each hour) under a tariff.
template <currency_type C>
energy_bill<C> bill_of(std::span<const power> load, const tariff<C>& t) {
  validate_tariff(t);
  if (load.size() != static_cast<std::size_t>(hours_per_year)) {
    throw invalid_input("capacity.hourly_load", static_cast<double>(load.size()),
                        "hours given; a year's load needs exactly 8760");
  }
  energy_bill<C> b;
  const power block = t.ppa ? t.ppa->block : power{};
  for (int h = 0; h < hours_per_year; ++h) {
    const power l = load[static_cast<std::size_t>(h)];
    if (!(l.value() >= 0.0) || !std::isfinite(l.value())) {
      throw invalid_input::converted("capacity.hourly_load[" + std::to_string(h) + "]",
                                     in(l, units::kW), "must be finite and >= 0 kW");
    }
    b.used += l * units::h;
    const power drawn = l > block ? l - block : power{};
    b.energy_charges += t.price_at(h) * (drawn * units::h);
    auto& peak = b.monthly_peaks[static_cast<std::size_t>(month_of_hour(h))];
    peak = std::max(peak, drawn);
    if (t.ppa && t.ppa->surplus_sold && block > l) {
      b.surplus_credit += t.market[static_cast<std::size_t>(h)] * ((block - l) * units::h);
    }
  }
  if (t.ppa) b.ppa_charges = t.ppa->price * (block * units::year);
  for (const power& peak : b.monthly_peaks) b.demand_charges += t.demand_charge * peak;
  return b;
}

}  // namespace tpw::electricity
