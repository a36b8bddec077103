// The GPU side of the CUDA tests, compiled by nvcc (gpu_runs.cu); the test cases themselves are
// host C++ (test_cuda.cpp), which builds the models with Eigen and runs the CPU engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tpw/mc/engine/options.hpp>
#include <tpw/mc/plan/composed_plan.hpp>
#include <tpw/mc/plan/cost_plan.hpp>
#include <tpw/mc/plan/project_plan.hpp>
#include <tpw/mc/sensitivity/sobol_estimators.hpp>

#include "../network_cost.hpp"

namespace tpw_test {

// The number of CUDA devices and the first one's name ("" when there is none).
int gpu_count();
std::string gpu_name();

// tpw::cuda::run on the GPU.
tpw::mc::run_result gpu_run(const tpw::mc::cost_plan& plan, const tpw::mc::run_options& options);

// The built-in lines plus a user's own component (tests/network_cost.hpp), compiled into the GPU
// engine: tpw::cuda::run on the GPU.
using network_plan = tpw::mc::composed_plan<tpw::owned_hardware, tpw::built_facility,
                                            tpw::energy_cost, tpw::opex, network_cost>;
tpw::mc::run_result gpu_run(const network_plan& plan, const tpw::mc::run_options& options);

// A multi-year project's plan (cost figures and NPVs): tpw::cuda::run on the GPU.
tpw::mc::run_result gpu_run(const tpw::mc::project_plan& plan, const tpw::mc::run_options& options);

// tpw::cuda::sobol on the GPU.
std::vector<tpw::mc::sobol_indices> gpu_sobol(const tpw::mc::cost_plan& plan,
                                              const tpw::mc::sobol_options& options);

// The design's uniforms of samples [0, samples) x coordinates [0, dimensions), computed on the
// GPU by mc::design_uniform, row-major.
std::vector<double> gpu_uniforms(tpw::mc::design_kind kind, std::uint64_t samples,
                                 std::uint32_t dimensions, std::uint64_t seed);

}  // namespace tpw_test
