// tpw/finance.hpp: multi-year cash flows, NPV, IRR, payback, depreciation and rounding of money.
#pragma once

#include "tpw/finance/cash_flows.hpp"
#include "tpw/finance/depreciation.hpp"
#include "tpw/finance/measures.hpp"
#include "tpw/finance/project.hpp"
#include "tpw/units/rounding.hpp"
