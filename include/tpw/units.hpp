// tpw/units.hpp: tpw's unit system, named quantities, checked dimensionless types and literals.
// Formatting lives apart, in tpw/format.hpp.
#pragma once

#include "tpw/units/checked.hpp"
#include "tpw/units/literals.hpp"
#include "tpw/units/system.hpp"
