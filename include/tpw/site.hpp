// tpw/site.hpp: power-capped site planning.
#pragma once

#include "tpw/site/site.hpp"
