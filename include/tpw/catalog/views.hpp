// tpw/catalog/views.hpp: a catalog platform as a deployment and cost components, in either view.
#pragma once

#include <optional>

#include "tpw/catalog/platforms.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

enum class inferencex_tier { hyperscaler, neocloud, rental };

inline const figure& hourly_cost_figure(const platform& p, inferencex_tier tier) noexcept {
  switch (tier) {
    case inferencex_tier::hyperscaler:
      return p.hourly_hyperscaler;
    case inferencex_tier::neocloud:
      return p.hourly_neocloud;
    case inferencex_tier::rental:
      return p.hourly_rental;
  }
  return p.hourly_hyperscaler;
}

// The InferenceX view: one accelerator provisioned at its all-in power (which already holds the
// facility's overhead, so PUE 1), drawing it whenever it is on. At utilization 1 (InferenceX's
// assumption) evaluate() gives exactly their pair: $/Mtok = $/h / (T * 3600 / 1e6) and
// tok/s per MW = T * 1000 / kW.
inline deployment::spec inferencex_deployment(const platform& p, token_rate throughput,
                                              fraction utilization = fraction::unchecked(1.0)) {
  return {.accelerators_per_system = 1,
          .systems = 1,
          .it_power = of(p.all_in_power.value, units::kW),
          .idle_power = std::nullopt,
          .provisioned_power = std::nullopt,
          .pue = pue::unchecked(1.0),
          .utilization = utilization,
          .throughput = throughput};
}

inline rented_hardware<USD> inferencex_hourly_cost(const platform& p, inferencex_tier tier) {
  return rented_hardware<USD>(
      {.rental_per_accelerator = of(hourly_cost_figure(p, tier).value, units::usd / units::hour)});
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
