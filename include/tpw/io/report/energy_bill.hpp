// tpw/io/report/energy_bill.hpp: the report's "energy_bill" section (docs/report.md): the
// tariff's bill on the scenario's hourly load and the effective price it sets.
#pragma once

#include <nlohmann/json.hpp>

#include "tpw/io/scenario/tariff.hpp"

namespace tpw::io {

template <currency_type C>
nlohmann::json energy_bill_json(const tariff_choice<C>& t) {
  const electricity::energy_bill<C>& b = *t.bill;
  nlohmann::json peaks = nlohmann::json::array();
  for (const power& p : b.monthly_peaks) peaks.push_back(in(p, units::MW));
  // With demand and finance: each operating year's bill, whose price the project pays that year.
  nlohmann::json years = nlohmann::json::array();
  for (std::size_t k = 0; k < t.years.size(); ++k) {
    const electricity::energy_bill<C>& y = t.years[k];
    years.push_back(
        {{"year", k + 1},
         {"energy_mwh", in(y.used, units::MWh)},
         {"demand_charges", y.demand_charges.value()},
         {"total", y.total().value()},
         {"effective_price_per_kwh", in(y.effective_price(), units::unit_of<C> / units::kWh)}});
  }
  return {{"source", t.source},
          {"energy_mwh", in(b.used, units::MWh)},
          {"energy_charges", b.energy_charges.value()},
          {"ppa_charges", b.ppa_charges.value()},
          {"surplus_credit", b.surplus_credit.value()},
          {"demand_charges", b.demand_charges.value()},
          {"total", b.total().value()},
          {"effective_price_per_kwh", in(b.effective_price(), units::unit_of<C> / units::kWh)},
          {"monthly_peak_mw", peaks},
          {"years", years}};
}

}  // namespace tpw::io
