// tpw/model/operating_point.hpp: the per-accelerator physical facts every formula reads.
#pragma once

#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// One accelerator as deployed: what it makes while serving, how often it serves, what it draws.
// A plain aggregate with no validation of its own: tpw::deployment validates its inputs and
// produces one; Monte Carlo engines fill one per sample from inputs validated up front.
struct operating_point {
  token_rate throughput;           // T: tokens per second while serving
  fraction utilization;            // u: the share of hours spent serving
  power active_power;              // IT power while serving
  power idle_power;                // IT power while not serving
  power provisioned_power;         // IT power provisioned (facility sizing)
  pue facility_pue;                // facility power / IT power
  double accelerators_per_system;  // divides a system's price and power
};

}  // namespace tpw
