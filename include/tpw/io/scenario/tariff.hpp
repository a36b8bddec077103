// tpw/io/scenario/tariff.hpp: the scenario's "costs.energy.tariff" (docs/scenario.md, "costs"):
// a time-of-use price, a monthly demand charge, a power-purchase agreement and an hourly market
// price series, read into a tpw::electricity::tariff. The bill is priced on the scenario's hourly
// load once the fleet is known (tpw/io/scenario.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/curves/csv.hpp"
#include "tpw/electricity.hpp"
#include "tpw/io/file.hpp"
#include "tpw/io/scenario/csv_column.hpp"
#include "tpw/io/scenario/fields.hpp"
#include "tpw/model/extras.hpp"

namespace tpw::io {

template <currency_type C>
struct tariff_choice {
  // At the point values: the prices per kWh times `level`, the demand charge and PPA price at
  // their point values (medians where they are distributions).
  electricity::tariff<C> tariff;
  // As a demand curve reads it (tpw/mc/demand_curve.hpp): the prices per kWh as written, a demand
  // charge of 1 per kW-month and a PPA price of 1 per MWh, so that the three levels a sample takes
  // are the level, the charge per kW-month and the price per MWh.
  electricity::tariff<C> unit;
  double level = 1.0;          // costs.energy.tariff.level
  double demand_charge = 0.0;  // per kW-month
  double ppa_price_per_mwh = 0.0;
  // Without a demand section: the accelerators drawing the flat load (the site's or the
  // deployment's systems times the accelerators per system).
  double load_accelerators = 0.0;
  std::string source;                               // "time_of_use" or the market file's name
  std::optional<electricity::energy_bill<C>> bill;  // on the scenario's hourly load
  // With demand and finance: each operating year's bill on that year's load (the first is `bill`),
  // whose effective prices are the project's energy price ramp.
  std::vector<electricity::energy_bill<C>> years;
};

namespace detail {

template <currency_type C>
std::vector<energy_price<C>> time_of_use_at(const json& value) {
  const std::string path = "costs.energy.tariff.price_per_kwh";
  const auto per_kwh = units::unit_of<C> / units::kWh;
  const auto price = [&](const json& x, const std::string& at) {
    return bounded_at(x, at, 0.0, 1e6, "per kWh") * per_kwh;
  };
  std::vector<energy_price<C>> prices;
  if (value.is_number()) return {price(value, path)};
  const std::string_view rule =
      "must be a price per kWh, 24 (one per hour of the day) or 12 arrays of 24 (one per month, "
      "January first)";
  if (!value.is_array() || (value.size() != 24 && value.size() != 12)) refuse(path, value, rule);
  if (value.size() == 24 && value[0].is_number()) {
    for (std::size_t h = 0; h < 24; ++h) {
      prices.push_back(price(value[h], path + "[" + std::to_string(h) + "]"));
    }
    return prices;
  }
  for (std::size_t m = 0; m < value.size(); ++m) {
    const std::string month = path + "[" + std::to_string(m) + "]";
    if (!value[m].is_array() || value[m].size() != 24) refuse(month, value[m], rule);
    for (std::size_t h = 0; h < 24; ++h) {
      prices.push_back(price(value[m][h], month + "[" + std::to_string(h) + "]"));
    }
  }
  if (prices.size() != 288) refuse(path, value, rule);
  return prices;
}

template <currency_type C>
std::vector<energy_price<C>> market_prices_at(const json& value, const named_files& files,
                                              std::string& source) {
  const csv_column csv = csv_column_at(value, "costs.energy.tariff.market_csv", files,
                                       "price_per_mwh", "market price", source);
  const csv_table& table = csv.table;
  const std::size_t column = csv.index;
  if (table.rows.size() != static_cast<std::size_t>(electricity::hours_per_year)) {
    throw invalid_input(source, static_cast<double>(table.rows.size()),
                        "prices given; an hourly series needs exactly 8760 (one per hour)");
  }
  std::vector<energy_price<C>> prices;
  for (std::size_t k = 0; k < table.rows.size(); ++k) {
    const double x = table.rows[k][column];
    if (!(x >= -1e6 && x <= 1e6)) {
      throw invalid_input(table.cell_name(k, column), x, "must be in [-1000000, 1000000] per MWh");
    }
    prices.push_back(x * (units::unit_of<C> / units::MWh));
  }
  return prices;
}

}  // namespace detail

// A number that may be a distribution (the scenario's reader: it keeps the distribution and gives
// the point value), read from `value` for the extra input named, with its meaning for an error.
using tariff_number_reader =
    std::function<double(const nlohmann::json& value, extra_input input, std::string_view meaning)>;

// Reads costs.energy.tariff; its level, demand charge and PPA price through `number`.
template <currency_type C>
tariff_choice<C> read_tariff(const nlohmann::json& j, const named_files& files,
                             const tariff_number_reader& number) {
  namespace d = detail;
  const d::json& t =
      d::object_at(j, "costs.energy.tariff",
                   {"price_per_kwh", "market_csv", "level", "demand_charge_per_kw_month", "ppa"});
  tariff_choice<C> c;
  c.source = "time_of_use";
  if (t.contains("price_per_kwh") == t.contains("market_csv")) {
    d::refuse(t.contains("market_csv") ? "costs.energy.tariff.market_csv"
                                       : "costs.energy.tariff.price_per_kwh",
              t.contains("market_csv") ? t["market_csv"] : d::json(nullptr),
              "give the price of the energy bought as price_per_kwh (time of use) or as "
              "market_csv (8760 hourly prices), one of the two");
  }
  if (t.contains("price_per_kwh")) c.tariff.time_of_use = d::time_of_use_at<C>(t["price_per_kwh"]);
  if (t.contains("market_csv")) {
    c.tariff.market = d::market_prices_at<C>(t["market_csv"], files, c.source);
  }
  if (t.contains("level")) {
    c.level = number(t["level"], extra_input::tariff_level, "times every price per kWh");
  }
  if (t.contains("demand_charge_per_kw_month")) {
    c.demand_charge = number(t["demand_charge_per_kw_month"], extra_input::demand_charge_level,
                             "per kW of each month's peak");
  }
  if (t.contains("ppa")) {
    const d::json& p =
        d::object_at(t["ppa"], "costs.energy.tariff.ppa", {"block_mw", "price_per_mwh", "surplus"});
    const auto need = [&](const char* key) -> const d::json& {
      if (!p.contains(key)) {
        d::refuse_missing(std::string("costs.energy.tariff.ppa.") + key,
                          "required with a PPA: block_mw and price_per_mwh");
      }
      return p[key];
    };
    electricity::power_purchase_agreement<C> ppa;
    ppa.block = d::bounded_at(need("block_mw"), "costs.energy.tariff.ppa.block_mw", 0.0, 1e6,
                              "MW delivered every hour") *
                units::MW;
    c.ppa_price_per_mwh = number(need("price_per_mwh"), extra_input::ppa_price_level, "per MWh");
    if (p.contains("surplus")) {
      const std::string_view rule =
          "must be \"lost\" (block energy above the load is paid and unused; the default) or "
          "\"sold\" (at the hour's market price)";
      const std::string surplus = d::text_at(p["surplus"], "costs.energy.tariff.ppa.surplus", rule);
      if (surplus != "lost" && surplus != "sold") {
        d::refuse("costs.energy.tariff.ppa.surplus", p["surplus"], rule);
      }
      ppa.surplus_sold = surplus == "sold";
    }
    c.tariff.ppa = ppa;
  }
  // The tariff at level 1 with unit charges, then at the point values.
  const auto per_kw_month = units::unit_of<C> / units::kW;
  const auto per_mwh = units::unit_of<C> / units::MWh;
  c.tariff.demand_charge = 1.0 * per_kw_month;
  if (c.tariff.ppa) c.tariff.ppa->price = 1.0 * per_mwh;
  electricity::validate_tariff(c.tariff);
  c.unit = c.tariff;
  for (auto* prices : {&c.tariff.time_of_use, &c.tariff.market}) {
    for (auto& price : *prices) price = price * c.level;
  }
  c.tariff.demand_charge = c.demand_charge * per_kw_month;
  if (c.tariff.ppa) c.tariff.ppa->price = c.ppa_price_per_mwh * per_mwh;
  electricity::validate_tariff(c.tariff);
  return c;
}

}  // namespace tpw::io
