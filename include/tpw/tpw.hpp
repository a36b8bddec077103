// tpw/tpw.hpp: the umbrella header, everything tpw offers.
#pragma once

#include "tpw/format.hpp"
#include "tpw/model.hpp"
