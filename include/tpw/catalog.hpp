// tpw/catalog.hpp: the built-in platform catalog and its deployment views.
#pragma once

#include "tpw/catalog/measured.hpp"
#include "tpw/catalog/platforms.hpp"
#include "tpw/catalog/plausibility.hpp"
#include "tpw/catalog/views.hpp"
