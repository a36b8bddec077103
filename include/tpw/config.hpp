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

// TPW_FLATTEN asks the host compiler to inline every call inside a per-sample function, so that
// the figures a Monte Carlo engine does not read (and their divisions) are dropped and no result
// struct is built in memory. Device code is inlined by nvcc anyway.
#if !defined(__CUDACC__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(gnu::flatten)
#define TPW_FLATTEN [[gnu::flatten]]
#endif
#endif
#ifndef TPW_FLATTEN
#define TPW_FLATTEN
#endif

namespace tpw::detail {

// The libm functions the shared code calls: std:: on the host, the CUDA math library's global
// overloads on the device (std::pow and friends are not guaranteed to be device-callable).
#if defined(__CUDA_ARCH__)
#define TPW_LIBM(name) ::name
#else
#define TPW_LIBM(name) std::name
#endif
TPW_HD inline double log_of(double x) noexcept {
  return TPW_LIBM(log)(x);
}
TPW_HD inline double log1p_of(double x) noexcept {
  return TPW_LIBM(log1p)(x);
}
TPW_HD inline double exp_of(double x) noexcept {
  return TPW_LIBM(exp)(x);
}
TPW_HD inline double expm1_of(double x) noexcept {
  return TPW_LIBM(expm1)(x);
}
TPW_HD inline double sqrt_of(double x) noexcept {
  return TPW_LIBM(sqrt)(x);
}
TPW_HD inline double erfc_of(double x) noexcept {
  return TPW_LIBM(erfc)(x);
}

TPW_HD constexpr bool is_finite(double x) noexcept {
  // Written out so it is usable in constant expressions and on the device.
  return x == x && x - x == 0.0;
}

}  // namespace tpw::detail
