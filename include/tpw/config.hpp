// tpw/config.hpp: portability macros shared by host and CUDA device code.
#pragma once

#include <cmath>

// TPW_HD marks the shared formulas so that nvcc compiles them for host and device alike; the
// deterministic evaluation, the CPU Monte Carlo and the CUDA Monte Carlo all call the same code.
#if defined(__CUDACC__)
#define TPW_HD __host__ __device__
#else
#define TPW_HD
#endif

namespace tpw::detail {

// std::pow is not guaranteed to be callable from device code; ::pow is, under nvcc.
TPW_HD inline double power_of(double base, double exponent) noexcept {
#if defined(__CUDA_ARCH__)
  return ::pow(base, exponent);
#else
  return std::pow(base, exponent);
#endif
}

TPW_HD constexpr bool is_finite(double x) noexcept {
  // Written out so it is usable in constant expressions and on the device.
  return x == x && x - x == 0.0;
}

}  // namespace tpw::detail
