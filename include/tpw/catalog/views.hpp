// tpw/catalog/views.hpp: a catalog platform as a deployment and cost components, in either view.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tpw/catalog/measured.hpp"
#include "tpw/catalog/platforms.hpp"
#include "tpw/curves/frontier.hpp"
#include "tpw/error.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// A catalog figure as a quantity the compiler checks, read by its unit: power from "W" or "kW",
// money from "USD", a rate per accelerator-hour from "USD/h". A figure in another unit than the
// quantity's is refused, naming it.
template <class Q>
Q quantity_of(const figure& f, std::string_view field = "catalog figure") {
  const auto refuse = [&](const char* wanted) {
    throw invalid_input(field, std::string(f.unit),
                        std::string("is not a unit of ") + wanted + " this reader knows");
  };
  if constexpr (std::is_same_v<Q, power>) {
    if (f.unit == "W") return of(f.value, units::W);
    if (f.unit == "kW") return of(f.value, units::kW);
    refuse("power (W, kW)");
  } else if constexpr (std::is_same_v<Q, money<USD>>) {
    if (f.unit == "USD") return of(f.value, units::usd);
    refuse("money (USD)");
  } else if constexpr (std::is_same_v<Q, cost_rate<USD>>) {
    if (f.unit == "USD/h") return of(f.value, units::usd / units::hour);
    refuse("a rate per hour (USD/h)");
  } else {
    static_assert(std::is_same_v<Q, power>,
                  "quantity_of reads power, money<USD> or cost_rate<USD>");
  }
  return Q{};
}

// A platform's bottom-up figures as quantities: rated power per accelerator, IT power and price
// per system.
inline power rated_power_of(const platform& p) {
  return quantity_of<power>(p.accelerator_power, "accelerator_power");
}
inline power it_power_of(const platform& p) {
  return quantity_of<power>(p.system_it_power, "system_it_power");
}
inline money<USD> price_of(const platform& p) {
  return quantity_of<money<USD>>(p.system_price, "system_price");
}
// Its market rental price per accelerator-hour (the current InferenceX vintage's retail rate).
inline cost_rate<USD> rental_price_of(const platform& p) {
  return quantity_of<cost_rate<USD>>(p.inferencex(current_inferencex_vintage).hourly_rental,
                                     "hourly_rental");
}

// A measured frontier of the catalog (tpw/catalog/measured.hpp) as a throughput frontier, named by
// its platform and workload in messages.
inline throughput_frontier frontier_of(const measured_frontier& m) {
  std::vector<frontier_point> points;
  for (const measured_point& p : m.points) {
    points.push_back({token_rate::from_value(p.interactivity), token_rate::from_value(p.throughput),
                      std::nullopt, std::nullopt});
  }
  return throughput_frontier(std::move(points), std::string(m.platform) + " " + m.workload_text());
}

// hyperscaler: owned at hyperscale; neocloud: owned as a neocloud (the 2025 vintage only);
// rental: the 2025 vintage's 3-year rental, the 2026-07 vintage's retail rate.
enum class inferencex_tier { hyperscaler, neocloud, rental };

// A tier's hourly cost in a vintage; the neocloud tier of a vintage without one is refused.
inline const figure& hourly_cost_figure(const platform& p, inferencex_tier tier,
                                        inferencex_vintage v = current_inferencex_vintage) {
  const inferencex_set& set = p.inferencex(v);
  switch (tier) {
    case inferencex_tier::hyperscaler:
      return set.hourly_owned;
    case inferencex_tier::neocloud:
      if (!set.hourly_neocloud) {
        throw invalid_input("inferencex.tier", "neocloud",
                            std::string("is not a tier of the ") + std::string(info(v).id) +
                                " vintage (hyperscaler or rental)");
      }
      return *set.hourly_neocloud;
    case inferencex_tier::rental:
      return set.hourly_rental;
  }
  return set.hourly_owned;
}

// The InferenceX view: one accelerator provisioned at its all-in power, drawing it whenever it is
// on. The 2025 vintage's all-in power holds the facility's overhead (PUE 1); the 2026-07
// vintage's does not, so the site's PUE applies (`facility_pue`, which the 2025 vintage ignores).
// At utilization 1 (InferenceX's assumption) evaluate() gives exactly their pair:
// $/Mtok = $/h / (T * 3600 / 1e6) and tok/s per MW = T * 1000 / (kW * PUE).
inline deployment::spec inferencex_deployment(const platform& p, token_rate throughput,
                                              fraction utilization = fraction::unchecked(1.0),
                                              inferencex_vintage v = current_inferencex_vintage,
                                              pue facility_pue = pue::unchecked(1.0)) {
  return {.accelerators_per_system = 1,
          .systems = 1,
          .it_power = of(p.inferencex(v).all_in_power.value, units::kW),
          .idle_power = std::nullopt,
          .provisioned_power = std::nullopt,
          .pue = info(v).includes_facility ? pue::unchecked(1.0) : facility_pue,
          .utilization = utilization,
          .throughput = throughput};
}

inline rented_hardware<USD> inferencex_hourly_cost(
    const platform& p, inferencex_tier tier, inferencex_vintage v = current_inferencex_vintage) {
  return rented_hardware<USD>({.rental_per_accelerator = of(hourly_cost_figure(p, tier, v).value,
                                                            units::usd / units::hour)});
}

// The bottom-up view: the platform's systems at their IT power, in a facility at `facility_pue`.
inline deployment::spec bottom_up_deployment(const platform& p, token_rate throughput,
                                             fraction utilization, pue facility_pue,
                                             std::optional<power> idle_power = std::nullopt) {
  return {.accelerators_per_system = p.accelerators_per_system,
          .systems = 1,
          .it_power = of(p.system_it_power.value, units::kW),
          .idle_power = idle_power,
          .provisioned_power = std::nullopt,
          .pue = facility_pue,
          .utilization = utilization,
          .throughput = throughput};
}

inline owned_hardware<USD> bottom_up_hardware(const platform& p, duration life,
                                              fraction residual_fraction,
                                              annual_rate cost_of_capital) {
  return owned_hardware<USD>({.price_per_system = of(p.system_price.value, units::usd),
                              .life = life,
                              .residual_fraction = residual_fraction,
                              .cost_of_capital = cost_of_capital});
}

}  // namespace tpw
