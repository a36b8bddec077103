// tpw/electricity.hpp: energy priced on the hourly load (tpw::electricity): time-of-use tariffs,
// monthly demand charges and power-purchase agreements, and the bill of an hourly load.
#pragma once

#include "tpw/electricity/flat_load.hpp"
#include "tpw/electricity/tariff.hpp"
