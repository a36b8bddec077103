// tpw/curves.hpp: throughput frontiers, power-cap curves, monotone interpolation and CSV input.
#pragma once

#include "tpw/curves/csv.hpp"
#include "tpw/curves/frontier.hpp"
#include "tpw/curves/interpolation.hpp"
#include "tpw/curves/power_cap.hpp"
