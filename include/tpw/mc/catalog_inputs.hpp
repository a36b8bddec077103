// tpw/mc/catalog_inputs.hpp: a catalog platform's estimates as Monte Carlo inputs. An estimate in
// the catalog (tpw/catalog/platforms.hpp) carries the range its source gives; as an input it is a
// PERT on that range with its value as the mode, the usual reading of "about X, between L and H".
// An exact figure (a datasheet's) is fixed.
#pragma once

#include <string_view>
#include <vector>

#include "tpw/catalog/platforms.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/mc/uncertain_parameters.hpp"
#include "tpw/model/inputs.hpp"

namespace tpw::mc {

// PERT(low, value, high) for a figure with a range, else the value fixed.
inline distribution distribution_of(const figure& f, std::string_view field = "catalog figure") {
  if (!f.has_range()) return distribution::fixed(f.value, field);
  return distribution::pert(f.low, f.value, f.high, field);
}

// The bottom-up view's estimates with a range (IT power and price per system) as uncertain inputs
// of a cost base built from the same platform (tpw::bottom_up_deployment, bottom_up_hardware),
// in the base's units: kW and the currency per system. Exact figures give no input.
inline std::vector<uncertain_parameter> uncertain_estimates(const platform& p) {
  std::vector<uncertain_parameter> out;
  if (p.system_it_power.has_range()) {  // the catalog gives it in kW, as the base holds it
    out.push_back(
        {cost_input::it_power_kw, distribution_of(p.system_it_power, "deployment.it_power_kw")});
  }
  if (p.system_price.has_range()) {
    out.push_back(
        {cost_input::hardware_price, distribution_of(p.system_price, "costs.hardware.price")});
  }
  return out;
}

}  // namespace tpw::mc
