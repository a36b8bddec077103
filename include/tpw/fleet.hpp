// tpw/fleet.hpp: fleets over calendar time: a calendar with a step, generations of hardware per
// MW, cohorts bought to fill the site's power, refresh rules and the fleet's cash flows
// (docs/fleet.md), and the fleet under Monte Carlo.
#pragma once

#include "tpw/fleet/calendar.hpp"
#include "tpw/fleet/plan.hpp"
#include "tpw/fleet/spec.hpp"
#include "tpw/fleet/uncertainty.hpp"
