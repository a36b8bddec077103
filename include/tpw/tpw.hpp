// tpw/tpw.hpp: the umbrella header, everything tpw offers.
#pragma once

#include "tpw/catalog.hpp"
#include "tpw/curves.hpp"
#include "tpw/finance.hpp"
#include "tpw/format.hpp"
#include "tpw/model.hpp"
#include "tpw/site.hpp"
