// tpw/model.hpp: the core cost model (units, deployment, components, evaluation). No Eigen, no
// JSON, no printing: include tpw/format.hpp to show figures, tpw/tpw.hpp for everything.
#pragma once

#include "tpw/error.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/extras.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/inputs.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/model/workload.hpp"
#include "tpw/units.hpp"
