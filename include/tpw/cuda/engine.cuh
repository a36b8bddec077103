// tpw/cuda/engine.cuh: the Monte Carlo cost model on an NVIDIA GPU, giving the CPU engine's
// numbers for the same plan, sample count, seed and design.
//
// Include it from a .cu file compiled by nvcc (-std=c++20 --expt-relaxed-constexpr, sm_90 for
// H100/H200). It includes no Eigen: build the plan on the host with cost_model::plan()
// (tpw/mc/cost_model.hpp), in any translation unit, and hand it over.
//
// The algorithm (four passes: moments, exact quantiles by radix selection, expected shortfall)
// is tpw/mc/plan/radix_passes.hpp's, written once for any backend; this header gives it the CUDA
// backend: device buffers, and a pass kernel (one per plan type: mc::cost_plan, or a composed
// model's mc::composed_plan) whose threads compute their samples with the plan's figures, aggregate
// histogram updates per warp and reduce per-block sums in a fixed tree order. Sobol' indices
// (tpw::cuda::sobol) are tpw/mc/plan/sobol_passes.hpp's algorithm on the same backend.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "tpw/mc/engine/options.hpp"
#include "tpw/mc/plan/composed_plan.hpp"
#include "tpw/mc/plan/cost_plan.hpp"
#include "tpw/mc/plan/radix_passes.hpp"
#include "tpw/mc/plan/sobol_passes.hpp"
#include "tpw/mc/sensitivity/sobol_estimators.hpp"

namespace tpw::cuda {

// A CUDA runtime failure (no driver, out of memory, a failed launch).
class cuda_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct device_info {
  int count = 0;  // CUDA devices visible; 0 when there is no GPU or no driver
  std::string name;
  int major = 0;
  int minor = 0;
  int multiprocessors = 0;
};

// The first device, or count = 0. Never throws: a machine without a GPU is a normal case.
inline device_info devices() noexcept {
  device_info info;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count <= 0) {
    (void)cudaGetLastError();  // clear the sticky "no device" error
    return info;
  }
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return info;
  info.count = count;
  info.name = prop.name;
  info.major = prop.major;
  info.minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  return info;
}
inline bool available() noexcept {
  return devices().count > 0;
}

namespace detail {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw cuda_error(std::string("tpw::cuda: ") + what + ": " + cudaGetErrorString(status));
  }
}

// Device memory for n values of T, freed on scope exit.
template <class T>
class device_buffer {
 public:
  explicit device_buffer(std::size_t n) : n_(n) {
    if (n_ > 0) check(cudaMalloc(reinterpret_cast<void**>(&p_), n_ * sizeof(T)), "cudaMalloc");
  }
  explicit device_buffer(const std::vector<T>& host) : device_buffer(host.size()) { upload(host); }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  ~device_buffer() {
    if (p_) cudaFree(p_);
  }
  [[nodiscard]] T* get() const noexcept { return p_; }
  void upload(const std::vector<T>& host) {
    if (!host.empty()) {
      check(cudaMemcpy(p_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice),
            "cudaMemcpy to the device");
    }
  }
  void zero() {
    if (n_ > 0) check(cudaMemset(p_, 0, n_ * sizeof(T)), "cudaMemset");
  }
  [[nodiscard]] std::vector<T> download(std::size_t count) const {
    std::vector<T> host(count);
    if (count > 0) {
      check(cudaMemcpy(host.data(), p_, count * sizeof(T), cudaMemcpyDeviceToHost),
            "cudaMemcpy to the host");
    }
    return host;
  }

 private:
  T* p_ = nullptr;
  std::size_t n_;
};

using namespace tpw::mc::radix;

__device__ inline double block_reduce(double* shared, double value, int op) {
  // A fixed tree: the same order on every run. op 0: sum, 1: min, 2: max.
  const unsigned t = threadIdx.x;
  shared[t] = value;
  __syncthreads();
  for (unsigned stride = block_threads / 2; stride > 0; stride /= 2) {
    if (t < stride) {
      const double a = shared[t];
      const double b = shared[t + stride];
      shared[t] = op == 0 ? a + b : (op == 1 ? (b < a ? b : a) : (b > a ? b : a));
    }
    __syncthreads();
  }
  const double result = shared[0];
  __syncthreads();
  return result;
}

// The kernel's arithmetic does not depend on the currency, a compile-time tag only; and nvcc
// cannot name a kernel template whose argument is a class-type constant (as currency<"USD"> has).
// So the kernel evaluates under ISO 4217's "no currency" code, and the figures are in the plan's.
using kernel_currency = currency<"XXX">;

template <class Plan>
__global__ void __launch_bounds__(block_threads) pass_kernel(const pass_args<Plan> a) {
  __shared__ double shared[block_threads];
  const std::uint64_t begin = a.first + blockIdx.x * samples_per_block;
  const std::uint64_t end = begin + samples_per_block < a.end ? begin + samples_per_block : a.end;
  double acc[max_outputs][fields];
  reset_accumulators(acc);
  unsigned long long exceeding[max_exceedances] = {};
  const unsigned lane = threadIdx.x % 32;
  // Every lane of a warp runs the same number of iterations, so that the warp-aggregated
  // histogram updates below see full warps.
  const std::uint64_t span = end > begin ? end - begin : 0;
  const std::uint64_t rounds = (span + block_threads - 1) / block_threads;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    const std::uint64_t i = begin + r * block_threads + threadIdx.x;
    const bool active = i < end;
    unsigned long long slot[max_outputs];
    if (active) {
      if (!observe_sample<kernel_currency>(a, i, acc, exceeding, slot)) {
        atomicMin(a.first_bad, static_cast<unsigned long long>(i));
      }
    } else {
      for (unsigned k = 0; k < max_outputs; ++k) slot[k] = ~0ull;
    }
    // One atomic per distinct bin per warp: neighbouring samples share the leading digits.
    for (unsigned k = 0; k < a.outputs; ++k) {
      const unsigned peers = __match_any_sync(0xffffffffu, slot[k]);
      if (slot[k] != ~0ull && lane == static_cast<unsigned>(__ffs(static_cast<int>(peers)) - 1)) {
        atomicAdd(&a.histogram[slot[k]], static_cast<unsigned long long>(__popc(peers)));
      }
    }
  }
  for (unsigned e = 0; e < a.exceedances; ++e) {
    if (exceeding[e] > 0) atomicAdd(&a.exceeding[e], exceeding[e]);
  }
  for (unsigned k = 0; k < a.outputs; ++k) {
    for (unsigned f = 0; f < fields; ++f) {
      const double total =
          block_reduce(shared, acc[k][f], f == field_min ? 1 : (f == field_max ? 2 : 0));
      if (threadIdx.x == 0) a.block_sums[(blockIdx.x * a.outputs + k) * fields + f] = total;
    }
  }
}

// The CUDA backend of the radix engine: device buffers and the pass kernel.
struct cuda_backend {
  template <class T>
  using buffer = device_buffer<T>;
  template <currency_type, class Plan>
  void pass(const pass_args<Plan>& args, unsigned blocks) const {
    pass_kernel<Plan><<<blocks, block_threads>>>(args);
    check(cudaGetLastError(), "launching the pass kernel");
    check(cudaDeviceSynchronize(), "running the pass kernel");
  }
};

// Sobol' indices (tpw/mc/plan/sobol_passes.hpp): one thread per row evaluates A, B and AB_j; the
// sums and each bootstrap resample reduce per block in the fixed tree above.
template <class Plan>
__global__ void __launch_bounds__(block_threads) sobol_evaluate_kernel(const sobol_args<Plan> a) {
  const std::uint64_t i = a.first + blockIdx.x * std::uint64_t{block_threads} + threadIdx.x;
  if (i < a.end && !sobol_evaluate_row<kernel_currency>(a, i)) {
    atomicMin(a.first_bad, static_cast<unsigned long long>(i));
  }
}
template <class Plan>
__global__ void __launch_bounds__(block_threads) sobol_sums_kernel(const sobol_args<Plan> a) {
  __shared__ double shared[block_threads];
  sobol_block_sums(
      a, blockIdx.x, threadIdx.x, block_threads,
      [&](double v) { return block_reduce(shared, v, 0); }, threadIdx.x == 0);
}
template <class Plan>
__global__ void __launch_bounds__(block_threads) sobol_bootstrap_kernel(const sobol_args<Plan> a) {
  __shared__ double shared[block_threads];
  sobol_resample(
      a, blockIdx.x, threadIdx.x, block_threads,
      [&](double v) { return block_reduce(shared, v, 0); }, threadIdx.x == 0);
}

inline void finish_launch(const char* what) {
  check(cudaGetLastError(), what);
  check(cudaDeviceSynchronize(), what);
}
template <currency_type, class Plan>
void sobol_evaluate(cuda_backend&, const sobol_args<Plan>& a, unsigned rows) {
  sobol_evaluate_kernel<Plan><<<(rows + block_threads - 1) / block_threads, block_threads>>>(a);
  finish_launch("running the Sobol' evaluation kernel");
}
template <class Plan>
void sobol_sums(cuda_backend&, const sobol_args<Plan>& a, unsigned blocks) {
  sobol_sums_kernel<Plan><<<blocks, block_threads>>>(a);
  finish_launch("running the Sobol' sums kernel");
}
template <class Plan>
void sobol_bootstrap(cuda_backend&, const sobol_args<Plan>& a, unsigned resamples) {
  sobol_bootstrap_kernel<Plan><<<resamples, block_threads>>>(a);
  finish_launch("running the Sobol' bootstrap kernel");
}

}  // namespace detail

// Runs a plan (mc::cost_model::plan(), or mc::composed_model::plan() for a model composed of
// declared components, a user's own included) over options.samples samples on the first GPU: the
// statistics of mc::run on the CPU, to 1e-12 (the quantiles exactly, up to the last bits of each
// sample). Throws invalid_input for bad options or a non-finite output, cuda_error when no GPU can
// run it, mc::cancelled when stopped.
template <currency_type C, class Plan>
mc::run_result run(const Plan& plan, const mc::run_options& o) {
  detail::check(cudaSetDevice(0), "cudaSetDevice (is there a GPU?)");
  detail::cuda_backend backend;
  return mc::radix::run_passes<C>(backend, plan, o);
}

// Sobol' indices of every output of the plan on the first GPU: mc::sobol_analysis's indices and
// bootstrap intervals for the same plan, base samples, seed and design, to 1e-9 (the sums differ
// only in their order). The model's values stay on the GPU. Throws invalid_input for bad options
// or a correlated plan, cuda_error when no GPU can run it, mc::cancelled when stopped.
template <currency_type C, class Plan>
std::vector<mc::sobol_indices> sobol(const Plan& plan, const mc::sobol_options& o) {
  detail::check(cudaSetDevice(0), "cudaSetDevice (is there a GPU?)");
  detail::cuda_backend backend;
  return mc::radix::run_sobol<C>(backend, plan, o);
}

}  // namespace tpw::cuda
