// tpw/mc/demand_curve.hpp: an uncertain demand level on a fleet sized to demand, sample by sample.
// Each sample's demand is the profile times its scale x; the fleet stays as planned, so the
// sample's utilization (served tokens over the fleet's capacity) and, with a tariff, its energy
// price (the bill over the energy) follow from x through tpw::capacity::fleet_on_scaled_demand,
// without walking the hours. CPU engine only.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "tpw/capacity/scaled_demand.hpp"
#include "tpw/mc/operating_curve.hpp"

namespace tpw::mc {

template <currency_type C>
class demand_curve final : public operating_curve {
 public:
  explicit demand_curve(capacity::fleet_on_scaled_demand<C> fleet, bool priced_by_tariff)
      : fleet_(std::move(fleet)), priced_(priced_by_tariff) {}

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
    if (!priced_) return;
    // The bill's effective price must stay >= 0 (a PPA's surplus sold may bring it down).
    const double high = d.reachable_high();
    for (int k = 0; k <= 64; ++k) {
      const double x = low + (high - low) * k / 64.0;
      if (!(fleet_.bill(x).effective_price().value() >= 0.0)) {
        throw invalid_input("demand.scale", d.describe(),
                            "at " + tpw::detail::number_text(x) +
                                " the bill's effective price is below 0 (surplus sold above "
                                "every cost): the energy line must be >= 0");
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
  [[nodiscard]] const capacity::fleet_on_scaled_demand<C>& fleet() const noexcept { return fleet_; }

 private:
  capacity::fleet_on_scaled_demand<C> fleet_;
  bool priced_;
  static constexpr std::array<cost_input, 2> sets_{cost_input::utilization,
                                                   cost_input::energy_price_per_kwh};
};

}  // namespace tpw::mc
