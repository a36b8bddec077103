// tpw/mc/demand_curve.hpp: an uncertain demand level on a fleet sized to demand, sample by sample.
// Each sample's demand is the profile times its scale x; the fleet stays as planned, so the
// sample's utilization (served tokens over the fleet's capacity) and, with a tariff, its energy
// price (the bill over the energy) follow from x through tpw::capacity::fleet_on_scaled_demand,
// without walking the hours. With a project (project_years), the curve also sets each operating
// year's utilization and energy price on the same fleet, year k's demand being the sample's grown
// by (1 + growth)^(k - 1): the project's ramps follow the sample's demand. CPU engine only.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "tpw/capacity/scaled_demand.hpp"
#include "tpw/finance/project_parameters.hpp"
#include "tpw/mc/operating_curve.hpp"

namespace tpw::mc {

template <currency_type C>
class demand_curve final : public operating_curve {
 public:
  explicit demand_curve(capacity::fleet_on_scaled_demand<C> fleet, bool priced_by_tariff)
      : fleet_(std::move(fleet)), priced_(priced_by_tariff) {}
  // The same curve moving a project of `years` operating years (1 .. 100) whose demand grows by
  // a sample's demand.growth_per_year a year, in [growth_low, growth_high] (> -1; one number when
  // it is not uncertain): set_project writes the utilization ramp and, priced by a tariff, the
  // energy price ramp, for every operating year.
  demand_curve(capacity::fleet_on_scaled_demand<C> fleet, bool priced_by_tariff, int years,
               double growth_low, double growth_high)
      : demand_curve(std::move(fleet), priced_by_tariff) {
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
    require_bills_within("demand.scale", d.describe(), low, d.reachable_high());
  }
  // The bill's effective price must stay >= 0 (a PPA's surplus sold may bring it down) at every
  // demand a sample's project years reach from scales in [low, high]; a refusal names `path`, the
  // uncertain number, shown as `shown`.
  void require_bills_within(const std::string& path, const std::string& shown, double low,
                            double high) const {
    if (!priced_) return;
    const double most = std::max({1.0, capacity::growth_factor(growth_low_, years_),
                                  capacity::growth_factor(growth_high_, years_)});
    const double least = std::min({1.0, capacity::growth_factor(growth_low_, years_),
                                   capacity::growth_factor(growth_high_, years_)});
    low *= least;
    high *= most;
    for (int k = 0; k <= 64; ++k) {
      const double x = low + (high - low) * k / 64.0;
      if (!(fleet_.bill(x).effective_price().value() >= 0.0)) {
        throw invalid_input(path, shown,
                            "at " + tpw::detail::number_text(x) +
                                " times the written demand the bill's effective price is below 0 "
                                "(surplus sold above every cost): the energy line must be >= 0");
      }
    }
  }
  void set(double x, double, cost_parameters& p) const noexcept override {
    p[cost_input::utilization] = fleet_.utilization(x);
    if (priced_) {
      p[cost_input::energy_price_per_kwh] =
          in(fleet_.bill(x).effective_price(), units::unit_of<C> / units::kWh);
    }
  }
  [[nodiscard]] bool moves_project() const noexcept override { return years_ > 0; }
  // Operating year k's utilization (and energy price, priced by a tariff) at year 1's scale x
  // grown by (1 + growth)^(k - 1), x and growth the sample's.
  void set_project(const extra_parameters& e, project_parameters& q) const noexcept override {
    if (years_ == 0) return;
    q.ramp_size = years_;
    q.energy_price_size = priced_ ? years_ : 0;
    const double step = 1.0 + e[extra_input::demand_growth];
    double grown = e[extra_input::demand_scale];
    for (int k = 0; k < years_; ++k) {
      const auto at = static_cast<std::size_t>(k);
      q.values[project_ramp_slot + at] = fleet_.utilization(grown);
      if (priced_) q.energy_price[at] = fleet_.bill(grown).effective_price().value();
      grown *= step;
    }
  }
  [[nodiscard]] const capacity::fleet_on_scaled_demand<C>& fleet() const noexcept { return fleet_; }

 private:
  capacity::fleet_on_scaled_demand<C> fleet_;
  bool priced_;
  int years_ = 0;  // a project's operating years, 0 without one
  double growth_low_ = 0.0;
  double growth_high_ = 0.0;
  static constexpr std::array<cost_input, 2> sets_{cost_input::utilization,
                                                   cost_input::energy_price_per_kwh};
};

}  // namespace tpw::mc
