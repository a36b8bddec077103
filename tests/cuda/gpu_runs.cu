// The GPU side of the CUDA tests: thin wrappers over tpw::cuda, compiled by nvcc.
#include "gpu_runs.hpp"

#include <tpw/cuda/engine.cuh>

namespace tpw_test {

int gpu_count() {
  return tpw::cuda::devices().count;
}
std::string gpu_name() {
  return tpw::cuda::devices().name;
}

tpw::mc::run_result gpu_run(const tpw::mc::cost_plan& plan, const tpw::mc::run_options& options) {
  return tpw::cuda::run<tpw::USD>(plan, options);
}

tpw::mc::run_result gpu_run(const network_plan& plan, const tpw::mc::run_options& options) {
  return tpw::cuda::run<tpw::USD>(plan, options);
}

tpw::mc::run_result gpu_run(const tpw::mc::project_plan& plan,
                            const tpw::mc::run_options& options) {
  return tpw::cuda::run<tpw::USD>(plan, options);
}

std::vector<tpw::mc::sobol_indices> gpu_sobol(const tpw::mc::cost_plan& plan,
                                              const tpw::mc::sobol_options& options) {
  return tpw::cuda::sobol<tpw::USD>(plan, options);
}

namespace {
__global__ void uniforms_kernel(tpw::mc::design_view design, std::uint64_t samples,
                                std::uint32_t dimensions, double* u) {
  const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (i >= samples) return;
  for (std::uint32_t j = 0; j < dimensions; ++j) {
    u[i * dimensions + j] = tpw::mc::design_uniform(design, i, j);
  }
}
}  // namespace

std::vector<double> gpu_uniforms(tpw::mc::design_kind kind, std::uint64_t samples,
                                 std::uint32_t dimensions, std::uint64_t seed) {
  namespace cd = tpw::cuda::detail;
  const tpw::mc::sample_design design(kind, samples, dimensions, seed);
  cd::device_buffer<std::uint32_t> directions(design.directions());
  cd::device_buffer<std::uint32_t> shifts(design.shifts());
  cd::device_buffer<double> u(samples * dimensions);
  tpw::mc::design_view view = design.view();
  view.directions = directions.get();
  view.shifts = shifts.get();
  const auto blocks = static_cast<unsigned>((samples + 255) / 256);
  uniforms_kernel<<<blocks, 256>>>(view, samples, dimensions, u.get());
  cd::check(cudaGetLastError(), "launching the uniforms kernel");
  cd::check(cudaDeviceSynchronize(), "running the uniforms kernel");
  return u.download(samples * dimensions);
}

}  // namespace tpw_test
