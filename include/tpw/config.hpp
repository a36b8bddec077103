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

// The same for the other libm functions the shared code calls.
TPW_HD inline double log_of(double x) noexcept {
#if defined(__CUDA_ARCH__)
  return ::log(x);
#else
  return std::log(x);
#endif
}
TPW_HD inline double exp_of(double x) noexcept {
#if defined(__CUDA_ARCH__)
  return ::exp(x);
#else
  return std::exp(x);
#endif
}
TPW_HD inline double sqrt_of(double x) noexcept {
#if defined(__CUDA_ARCH__)
  return ::sqrt(x);
#else
  return std::sqrt(x);
#endif
}
TPW_HD inline double erfc_of(double x) noexcept {
#if defined(__CUDA_ARCH__)
  return ::erfc(x);
#else
  return std::erfc(x);
#endif
}

TPW_HD constexpr bool is_finite(double x) noexcept {
  // Written out so it is usable in constant expressions and on the device.
  return x == x && x - x == 0.0;
}

}  // namespace tpw::detail
