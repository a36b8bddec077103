// tpw-whatif's GPU engine (built when CUDA is): tpw::cuda::run and tpw::cuda::sobol on a
// scenario's plan, or on its project's plan (cost figures and NPVs). The
// scenario's money runs under ISO 4217's "no currency" code, as tpw::io::scenario_currency does
// (nvcc compiles this file without the io layer's JSON and Eigen).
#include <tpw/cuda/engine.cuh>
#include <tpw/mc/plan/project_plan.hpp>

tpw::mc::run_result whatif_gpu_run(const tpw::mc::cost_plan& plan,
                                   const tpw::mc::run_options& options) {
  return tpw::cuda::run<tpw::currency<"XXX">>(plan, options);
}

std::vector<tpw::mc::sobol_indices> whatif_gpu_sobol(const tpw::mc::cost_plan& plan,
                                                     const tpw::mc::sobol_options& options) {
  return tpw::cuda::sobol<tpw::currency<"XXX">>(plan, options);
}

tpw::mc::run_result whatif_gpu_run_project(const tpw::mc::project_plan& plan,
                                           const tpw::mc::run_options& options) {
  return tpw::cuda::run<tpw::currency<"XXX">>(plan, options);
}

std::vector<tpw::mc::sobol_indices> whatif_gpu_sobol_project(
    const tpw::mc::project_plan& plan, const tpw::mc::sobol_options& options) {
  return tpw::cuda::sobol<tpw::currency<"XXX">>(plan, options);
}
