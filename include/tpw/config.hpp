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

// TPW_NOINLINE keeps a function out of its callers, where a host compiler's inlining would cost
// its loops their vectorized form (the engine's per-batch observation of pass 1).
#if !defined(__CUDACC__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(gnu::noinline)
#define TPW_NOINLINE [[gnu::noinline]]
#endif
#endif
#ifndef TPW_NOINLINE
#define TPW_NOINLINE
#endif

// TPW_WIDE_VECTORS lets GCC use 512-bit vectors in a function's loops over integers (the Latin
// hypercube's strata), where its tuning for AVX-512 CPUs stops at 256 bits; elsewhere nothing.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__AVX512F__)
#define TPW_WIDE_VECTORS __attribute__((target("prefer-vector-width=512")))
#else
#define TPW_WIDE_VECTORS
#endif

// TPW_UNROLL(n) asks GCC to unroll the loop that follows n times (a loop over a struct's fields
// inside a batch loop, so that the batch loop vectorizes); other compilers decide alone.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define TPW_PRAGMA(text) _Pragma(#text)
#define TPW_UNROLL(n) TPW_PRAGMA(GCC unroll n)
#else
#define TPW_UNROLL(n)
#endif

// TPW_RESTRICT promises that a pointer's data is reached through no other pointer in scope, so
// that the loops over a batch of samples vectorize without run-time overlap checks.
#define TPW_RESTRICT __restrict__

// TPW_VECTOR_MATH (define it before including tpw, with GCC on x86-64 glibc) lets the compiler
// call glibc's vector math library (libmvec, linked through libm) for exp, log, log1p and expm1
// in the Monte Carlo engine's batch loops. glibc declares those vector variants only under
// -ffast-math, which tpw does not need and should not impose; this declares them alone. Results
// then differ from the scalar functions' by a few ulps (libmvec's bound is 4), still a pure
// function of (seed, sample). It takes effect with -fno-math-errno (and, without AVX-512,
// -fno-trapping-math) and an -march with vector units; see docs/monte-carlo.md, "Fast Monte Carlo".
#if defined(TPW_VECTOR_MATH) && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__GLIBC__) && !defined(__CUDACC__) && !defined(__FAST_MATH__)
extern "C" {
__attribute__((simd("notinbranch"))) double exp(double) noexcept;
__attribute__((simd("notinbranch"))) double log(double) noexcept;
__attribute__((simd("notinbranch"))) double log1p(double) noexcept;
__attribute__((simd("notinbranch"))) double expm1(double) noexcept;
}
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
