// tpw/mc.hpp: the Monte Carlo layer in one include (target tpw::mc): the built-in cost model over
// uncertain inputs, the engine and the sensitivity analyses. Its parts, by job:
//   - tpw/mc/sampling/: Philox, the designs, the distributions and their inverse CDFs, the input
//     space and its Gaussian copula;
//   - tpw/mc/engine/: the engine, its options, threads, streaming statistics and quantile tree;
//   - tpw/mc/sensitivity/: tornado, regression coefficients, Sobol' indices and their estimators;
//   - tpw/mc/plan/: the cost model as plain data and the passes the GPU and MPI engines share.
#pragma once

#include "tpw/mc/composed_model.hpp"
#include "tpw/mc/cost_model.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/sensitivity.hpp"
