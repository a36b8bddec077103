// tpw/mc/demand_curve.hpp: an uncertain demand level on a fleet sized to demand, sample by sample.
// Each sample's demand is the profile times its scale x; the fleet stays as planned, so the
// sample's utilization (served tokens over the fleet's capacity) and, with a tariff, its energy
// price (the bill over the energy) follow from x through tpw::capacity::fleet_on_scaled_demand,
// without walking the hours. An elastic fleet rents each hour's own count at the sample's demand:
// its utilization is over those system-hours, and the site's yearly figures scale with them
// (set_extras). With a project (project_years), the curve also sets each operating
// year's utilization and energy price on the same fleet, year k's demand being the sample's grown
// by (1 + growth)^(k - 1): the project's ramps follow the sample's demand. Priced by a tariff,
// the curve also reads the tariff's levels (extra_input::tariff_level, demand_charge_level and,
// with a PPA, ppa_price_level: multipliers on its prices per kWh, its demand charge and its PPA's
// price), so they may be uncertain too. On a fixed or given fleet the output length's variability
// may be uncertain as well (extra_input::demand_output_cv, set_output_variability): each sample's
// fleet then serves at most what the same systems serve at its own cv. CPU engine only.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "tpw/capacity/output_variability.hpp"
#include "tpw/capacity/scaled_demand.hpp"
#include "tpw/finance/project_parameters.hpp"
#include "tpw/mc/operating_curve.hpp"

namespace tpw::mc {

template <currency_type C>
class demand_curve final : public operating_curve {
 public:
  explicit demand_curve(capacity::fleet_on_scaled_demand<C> fleet, bool priced_by_tariff)
      : fleet_(std::move(fleet)), priced_(priced_by_tariff) {
    if (priced_ && !fleet_.has_tariff()) {
      throw invalid_input::shown_as("costs.energy.tariff", "(none)",
                                    "a demand curve priced by a tariff needs its fleet built with "
                                    "one");
    }
  }
  // The same curve moving a project of `years` operating years (1 .. 100) whose demand grows by
  // a sample's demand.growth_per_year a year, in [growth_low, growth_high] (> -1; one number when
  // it is not uncertain): set_project writes the utilization ramp and, priced by a tariff, the
  // energy price ramp, for every operating year.
  demand_curve(capacity::fleet_on_scaled_demand<C> fleet, bool priced_by_tariff, int years,
               double growth_low, double growth_high)
      : demand_curve(std::move(fleet), priced_by_tariff) {
    if (fleet_.elastic()) {
      throw invalid_input("demand.sizing", std::string("elastic"),
                          "a project owns a fixed fleet: an elastic fleet's curve moves one year");
    }
    if (years < 1 || years > static_cast<int>(max_ramp_years)) {
      throw invalid_input("finance.operating_years", years, "must be in 1..100");
    }
    for (const double g : {growth_low, growth_high}) {
      if (!(g > -1.0) || !std::isfinite(g) || growth_low > growth_high) {
        throw invalid_input("demand.growth_per_year", g,
                            "must be finite and > -1 (a range: low <= high)");
      }
    }
    years_ = years;
    growth_low_ = growth_low;
    growth_high_ = growth_high;
  }

  // The tariff's levels where they are not a sample's (require_within and set take the scale
  // alone): on its prices per kWh, its demand charge and its PPA's price, 1 each unless set. A
  // cost model's samples take them from its extra_parameters, which start at 1 too.
  void set_base_levels(double energy, double demand_charge, double ppa_price) {
    const std::array<double, 3> given{energy, demand_charge, ppa_price};
    for (std::size_t k = 0; k < 3; ++k) {
      const cost_input_rule& rule = rule_of(levels_[k]);
      if (!obeys(rule, given[k])) {
        throw invalid_input(rule.path, given[k], "must be in " + range_text(rule));
      }
      base_levels_[levels_[k]] = given[k];
    }
  }

  // The output length's variability moves what the fleet serves (a fixed or given fleet only:
  // an elastic fleet's counts are tabulated at one). Samples read extra_input::demand_output_cv,
  // which must stay in [servable.low(), servable.high()] (require_box).
  void set_output_variability(capacity::servable_by_output_cv servable) {
    if (fleet_.elastic()) {
      throw invalid_input("demand.sizing", std::string("elastic"),
                          "an uncertain output variability moves what a fixed or given fleet "
                          "serves: an elastic fleet's hourly counts are tabulated at one");
    }
    servable_ = std::move(servable);
  }

  [[nodiscard]] extra_input input() const noexcept override { return extra_input::demand_scale; }
  [[nodiscard]] std::span<const cost_input> sets() const noexcept override {
    return {sets_.data(), priced_ ? 2u : 1u};
  }
  void require_within(const distribution& d) const override {
    const double low = d.reachable_low();
    if (!(low > 0.0)) {
      throw invalid_input("demand.scale", d.describe(),
                          "its samples reach " + tpw::detail::number_text(low) +
                              ": a demand scale must stay above 0 (no requests serve nothing)");
    }
    if (fleet_.elastic() && d.reachable_high() > fleet_.highest_scale()) {
      throw invalid_input("demand.scale", d.describe(),
                          "its samples reach " + tpw::detail::number_text(d.reachable_high()) +
                              ", above the highest scale the elastic fleet was tabulated for (" +
                              tpw::detail::number_text(fleet_.highest_scale()) +
                              ", capacity::fleet_on_scaled_demand's highest_scale)");
    }
    require_bills_within("demand.scale", d.describe(), low, d.reachable_high());
  }
  // The bill's effective price must stay >= 0 (a PPA's surplus sold may bring it down) at every
  // demand a sample's project years reach from scales in [low, high]; a refusal names `path`, the
  // uncertain number, shown as `shown`; at the base levels.
  void require_bills_within(const std::string& path, const std::string& shown, double low,
                            double high) const {
    require_bills_within(path, shown, low, high, base_levels_);
  }
  // At the tariff's levels in `levels`.
  void require_bills_within(const std::string& path, const std::string& shown, double low,
                            double high, const extra_parameters& levels) const {
    if (!priced_) return;
    // What the fleet serves: the plan's, or the least and most over the output variability's
    // reach (the load grows with it).
    const double most_served = servable_ ? (*servable_)(servable_->low()) : fleet_.most_served();
    const double least_served = servable_ ? (*servable_)(servable_->high()) : fleet_.most_served();
    const double most = std::max({1.0, capacity::growth_factor(growth_low_, years_),
                                  capacity::growth_factor(growth_high_, years_)});
    const double least = std::min({1.0, capacity::growth_factor(growth_low_, years_),
                                   capacity::growth_factor(growth_high_, years_)});
    low *= least;
    high *= most;
    for (int k = 0; k <= 64; ++k) {
      const double x = low + (high - low) * k / 64.0;
      if (!(price_of(fleet_.year_at(x, most_served), levels) >= 0.0 &&
            price_of(fleet_.year_at(x, least_served), levels) >= 0.0)) {
        throw invalid_input::shown_as(
            path, shown,
            "at " + tpw::detail::number_text(x) +
                " times the written demand the bill's effective price is below 0 (surplus sold "
                "above every cost): the energy line must be >= 0");
      }
    }
  }
  [[nodiscard]] bool reads(extra_input k) const noexcept override {
    if (k == extra_input::demand_scale) return true;
    if (k == extra_input::demand_output_cv) return servable_.has_value();
    if (!priced_) return false;
    return k == extra_input::ppa_price_level ? fleet_.has_ppa() : is_tariff_level(k);
  }
  // The bill's effective price at every corner of the box the scale (grown over a project's
  // years) and the tariff's levels reach; it is linear in each level and checked at 65 scales.
  void require_box(const extra_parameters& low, const extra_parameters& high) const override {
    if (!(low[extra_input::demand_scale] > 0.0)) {
      throw invalid_input(rule_of(extra_input::demand_scale).path, low[extra_input::demand_scale],
                          "must be above 0: a sample's demand is the profile times it (a cost "
                          "model's extra_parameters give it where it is not uncertain)");
    }
    if (fleet_.elastic() && high[extra_input::demand_scale] > fleet_.highest_scale()) {
      throw invalid_input(rule_of(extra_input::demand_scale).path, high[extra_input::demand_scale],
                          "is above the highest scale the elastic fleet was tabulated for (" +
                              tpw::detail::number_text(fleet_.highest_scale()) + ")");
    }
    if (servable_) {
      const auto cv = extra_input::demand_output_cv;
      for (const double v : {low[cv], high[cv]}) {
        if (!(v >= servable_->low() && v <= servable_->high())) {
          throw invalid_input(rule_of(cv).path, v,
                              "is outside the range its servable rates were found for (" +
                                  tpw::detail::number_text(servable_->low()) + " to " +
                                  tpw::detail::number_text(servable_->high()) +
                                  ", capacity::servable_by_output_cv)");
        }
      }
    }
    if (!priced_) return;
    for (unsigned corner = 0; corner < 8; ++corner) {
      extra_parameters e = low;
      for (unsigned k = 0; k < 3; ++k) {
        const auto level = levels_[k];
        e[level] = (corner >> k) & 1U ? high[level] : low[level];
      }
      require_bills_within("costs.energy.tariff", describe_levels(e),
                           low[extra_input::demand_scale], high[extra_input::demand_scale], e);
    }
  }
  void set(double x, double drawn, cost_parameters& p) const noexcept override {
    extra_parameters e = base_levels_;
    e[extra_input::demand_scale] = x;
    set_at(e, drawn, p);
  }
  void set_at(const extra_parameters& e, double, cost_parameters& p) const noexcept override {
    const auto year = fleet_.year_at(e[extra_input::demand_scale], servable_at(e));
    p[cost_input::utilization] = year.utilization;
    if (priced_) p[cost_input::energy_price_per_kwh] = per_kwh(price_of(year, e));
  }
  // An elastic fleet's site rents paid_hours(x) system-hours, not the plan's: its accelerators
  // (the site's at the plan's share of the year) scale with them. They are the served tokens over
  // the utilization set (one search, where paid_hours counts each count's hours again).
  void set_extras(extra_parameters& e, const cost_parameters& p) const noexcept override {
    if (!fleet_.elastic() || !(fleet_.planned_hours() > 0.0)) return;
    e.site_accelerators *=
        fleet_.paid_hours_at(e[extra_input::demand_scale], p[cost_input::utilization]) /
        fleet_.planned_hours();
  }
  [[nodiscard]] bool moves_project() const noexcept override { return years_ > 0; }
  // Operating year k's utilization (and energy price, priced by a tariff) at year 1's scale x
  // grown by (1 + growth)^(k - 1), x and growth the sample's.
  void set_project(const extra_parameters& e, project_parameters& q) const noexcept override {
    if (years_ == 0) return;
    q.ramp_size = years_;
    q.energy_price_size = priced_ ? years_ : 0;
    const double step = 1.0 + e[extra_input::demand_growth];
    const double servable = servable_at(e);
    double grown = e[extra_input::demand_scale];
    for (int k = 0; k < years_; ++k) {
      const auto at = static_cast<std::size_t>(k);
      const auto year = fleet_.year_at(grown, servable);
      q.values[project_ramp_slot + at] = year.utilization;
      if (priced_) q.energy_price[at] = price_of(year, e);
      grown *= step;
    }
  }
  [[nodiscard]] const capacity::fleet_on_scaled_demand<C>& fleet() const noexcept { return fleet_; }

 private:
  // The most the fleet serves at the target in a sample: at its output variability where that
  // is uncertain, else the plan's (an elastic fleet's year reads its own counts).
  [[nodiscard]] double servable_at(const extra_parameters& e) const noexcept {
    return servable_ ? (*servable_)(e[extra_input::demand_output_cv]) : fleet_.most_served();
  }
  // The bill's effective price (the currency per J) of a year at a sample's tariff levels.
  [[nodiscard]] static double price_of(
      const typename capacity::fleet_on_scaled_demand<C>::year_numbers& year,
      const extra_parameters& e) noexcept {
    return year.effective_price(e[extra_input::tariff_level], e[extra_input::demand_charge_level],
                                e[extra_input::ppa_price_level]);
  }
  [[nodiscard]] static double per_kwh(double per_joule) noexcept {
    return per_joule * tpw::detail::joules_per_kwh;
  }
  [[nodiscard]] static std::string describe_levels(const extra_parameters& e) {
    std::string out = "(levels";
    for (const auto level : levels_) {
      out += ' ';  // (appended apart: GCC 12 warns falsely on " " + a string at -O2)
      out += tpw::detail::number_text(e[level]);
    }
    return out + " on the prices per kWh, the demand charge and the PPA's price)";
  }
  static constexpr std::array<extra_input, 3> levels_{
      extra_input::tariff_level, extra_input::demand_charge_level, extra_input::ppa_price_level};
  capacity::fleet_on_scaled_demand<C> fleet_;
  bool priced_;
  int years_ = 0;                 // a project's operating years, 0 without one
  extra_parameters base_levels_;  // only the tariff's levels are read
  double growth_low_ = 0.0;
  double growth_high_ = 0.0;
  std::optional<capacity::servable_by_output_cv> servable_;  // with an uncertain output cv
  static constexpr std::array<cost_input, 2> sets_{cost_input::utilization,
                                                   cost_input::energy_price_per_kwh};
};

}  // namespace tpw::mc
