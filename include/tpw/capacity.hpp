// tpw/capacity.hpp: sizing to demand (tpw::capacity): request traffic over a year, the service
// model from an operating point, queueing (Erlang C and the Allen-Cunneen M/G/c correction),
// fixed, elastic and given fleets under a site's power, and a planned fleet's year as a function
// of a demand scale (fleet_on_scaled_demand: what a Monte Carlo sample reads). docs/capacity.md
// states the model.
#pragma once

#include "tpw/capacity/demand.hpp"
#include "tpw/capacity/load.hpp"
#include "tpw/capacity/mix.hpp"
#include "tpw/capacity/output_variability.hpp"
#include "tpw/capacity/queueing.hpp"
#include "tpw/capacity/scaled_demand.hpp"
#include "tpw/capacity/service.hpp"
#include "tpw/capacity/sizing.hpp"
