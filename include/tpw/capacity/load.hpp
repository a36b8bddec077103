// tpw/capacity/load.hpp: a planned fleet's facility power, hour by hour.
//
// In hour h the paid systems n_h serve r_h requests a second of I + O * m tokens: their busy share
// is u_h = r_h (I + O * m) / (n_h * acc * T), and they draw n_h (u_h P_active + (1 - u_h) P_idle)
// * PUE, P per system. Summed over the year this is the energy line's (u P_active + (1 - u)
// P_idle) * PUE at the plan's utilization u, which is the mean of u_h weighted by n_h.
#pragma once

#include <vector>

#include "tpw/capacity/sizing.hpp"
#include "tpw/error.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/units/system.hpp"

namespace tpw::capacity {

// What one system draws.
struct system_power {
  power active{};  // IT power while serving
  power idle{};    // IT power while not serving
  double pue = 1.0;
};

// The facility's power in each of the year's 8,760 hours.
inline std::vector<power> hourly_facility_load(const capacity_spec& spec, const capacity_plan& p,
                                               const system_power& draw) {
  if (!(draw.active.value() > 0.0) || !(draw.idle.value() >= 0.0) || draw.idle > draw.active ||
      !(draw.pue >= 1.0)) {
    throw invalid_input("capacity.system_power", draw.active.value(),
                        "needs active power > 0, idle power in [0, active] and a PUE >= 1");
  }
  std::vector<power> load(hours_per_year);
  for (int h = 0; h < hours_per_year; ++h) {
    const hour_on_fleet at = hour_of(spec, p, h);
    if (at.systems == 0) continue;
    const double n = static_cast<double>(at.systems);
    const double busy =
        (at.served * spec.service.tokens_per_request / (spec.service.system_throughput * n))
            .value();
    // One system as an operating point at the hour's busy share: the energy line's formula.
    const operating_point system{spec.service.system_throughput,
                                 fraction::unchecked(busy),
                                 draw.active,
                                 draw.idle,
                                 draw.active,
                                 pue::unchecked(draw.pue),
                                 1.0};
    load[static_cast<std::size_t>(h)] = n * average_facility_power(system);
  }
  return load;
}

}  // namespace tpw::capacity
