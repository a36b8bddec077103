// tpw/mc/sensitivity.hpp: which input drives the answer, every analysis in one include.
//   - tornado.hpp: each input alone from its P10 to its P90, the others at their medians;
//   - regression.hpp: SRC and SRRC, standardized regression coefficients (Eigen);
//   - sobol_analysis.hpp: Sobol' first and total indices with bootstrap intervals.
#pragma once

#include "tpw/mc/sensitivity/regression.hpp"
#include "tpw/mc/sensitivity/sobol_analysis.hpp"
#include "tpw/mc/sensitivity/tornado.hpp"
