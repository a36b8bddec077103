// tpw/mc/sampling/philox.hpp: the Philox4x32-10 counter-based generator (Salmon et al., SC'11), and
// the uniforms every tpw engine draws from it.
//
// A draw is a pure function of (seed, sample i, input j, stream): no state, no sequence, so any
// sample can be computed alone, by any thread, on the CPU or on a GPU, and always gives the same
// number. Plain integer arithmetic, usable in host and CUDA device code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tpw/config.hpp"

// x86 with AVX2, outside CUDA: uniform_columns draws four samples' blocks at a time (eight with
// AVX-512) with the vector unit's 32 x 32 -> 64-bit multiply (vpmuludq), which compilers do not
// pick for Philox on their own (GCC multiplies whole 64-bit lanes: vpmullq, or three multiplies).
#if defined(__AVX2__) && !defined(__CUDACC__)
#include <immintrin.h>

#include <type_traits>
#define TPW_PHILOX_AVX2 1
#endif

namespace tpw::mc {

using philox_counter = std::array<std::uint32_t, 4>;
using philox_key = std::array<std::uint32_t, 2>;

namespace detail {

inline constexpr std::uint64_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint64_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint64_t philox_w0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint64_t philox_w1 = 0xBB67AE85u;  // sqrt(3) - 1

// One round on the four 32-bit words, each held in a 64-bit integer: the same arithmetic as on
// 32-bit words (every product is 32 x 32 -> 64 bits), in a form that vector units run without
// packing and unpacking 32-bit lanes around each multiplication (half the time on x86).
TPW_HD constexpr void philox_round(std::uint64_t& c0, std::uint64_t& c1, std::uint64_t& c2,
                                   std::uint64_t& c3, std::uint64_t k0, std::uint64_t k1) noexcept {
  constexpr std::uint64_t low32 = 0xFFFFFFFFu;
  const std::uint64_t p0 = philox_m0 * c0;  // c0, c2 < 2^32: exact
  const std::uint64_t p1 = philox_m1 * c2;
  c0 = (p1 >> 32) ^ c1 ^ k0;
  c1 = p1 & low32;
  c2 = (p0 >> 32) ^ c3 ^ k1;
  c3 = p0 & low32;
}

}  // namespace detail

// Philox4x32 with 10 rounds: four 32-bit words from a 128-bit counter and a 64-bit key.
TPW_HD constexpr philox_counter philox4x32_10(philox_counter counter, philox_key key) noexcept {
  constexpr std::uint64_t low32 = 0xFFFFFFFFu;
  std::uint64_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  std::uint64_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = (k0 + detail::philox_w0) & low32;
      k1 = (k1 + detail::philox_w1) & low32;
    }
    detail::philox_round(c0, c1, c2, c3, k0, k1);
  }
  return {static_cast<std::uint32_t>(c0), static_cast<std::uint32_t>(c1),
          static_cast<std::uint32_t>(c2), static_cast<std::uint32_t>(c3)};
}

// What a draw is for: the input samples, and the other uses of randomness in tpw, each on its
// own stream so that none can repeat another's numbers.
enum class stream : std::uint32_t {
  inputs = 0,       // sample i of input j
  permutation = 1,  // Latin hypercube strata
  shift = 2,        // the random digital shift of a Sobol' design
  bootstrap = 3,    // resampling for confidence intervals
};

// The counter of block (i, m) on a stream: i fills the low 64 bits, m and the stream the rest.
// The key is the seed.
TPW_HD constexpr philox_counter draw_counter(std::uint64_t i, std::uint32_t m, stream s) noexcept {
  return {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32), m,
          static_cast<std::uint32_t>(s)};
}
TPW_HD constexpr philox_key seed_key(std::uint64_t seed) noexcept {
  return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

// Draw (i, j) on a stream: one Philox block gives 128 bits, two uniforms, so inputs 2m and 2m + 1
// of sample i share the block of counter (i, m): words 0-1 serve the even input, 2-3 the odd.
TPW_HD constexpr philox_counter draw_block(std::uint64_t seed, std::uint64_t i, std::uint32_t pair,
                                           stream s) noexcept {
  return philox4x32_10(draw_counter(i, pair, s), seed_key(seed));
}
TPW_HD constexpr std::uint64_t block_bits(const philox_counter& block, unsigned lane) noexcept {
  return (static_cast<std::uint64_t>(block[2 * lane]) << 32) | block[2 * lane + 1];
}

// 64 random bits for draw (i, j) on a stream.
TPW_HD constexpr std::uint64_t random_bits(std::uint64_t seed, std::uint64_t i, std::uint32_t j,
                                           stream s = stream::inputs) noexcept {
  return block_bits(draw_block(seed, i, j / 2, s), j % 2);
}

// A uniform in the open interval (0, 1) from 64 random bits: (k + 1/2) / 2^52 with k the top 52
// bits. Exact in a double, never 0 or 1, so every inverse CDF gets a finite argument. k is
// converted as two 26-bit halves, k = high 2^26 + low, each exact as a 32-bit signed integer: the
// same value as converting k at once, with a conversion every vector unit has (x86 before
// AVX-512 cannot convert 64-bit integers), so that a batch of draws vectorizes.
TPW_HD constexpr double open_unit_interval(std::uint64_t bits) noexcept {
  constexpr double two_to_minus_52 = 1.0 / 4503599627370496.0;
  constexpr double two_to_26 = 67108864.0;
  const auto high = static_cast<std::int32_t>(bits >> 38);
  const auto low = static_cast<std::int32_t>((bits >> 12) & 0x3FFFFFFu);
  return (static_cast<double>(high) * two_to_26 + static_cast<double>(low) + 0.5) * two_to_minus_52;
}

namespace detail {
// The open interval (0, 1) at double precision, for uniforms computed rather than drawn (Latin
// hypercube strata, the copula's normal CDF), which must stay inside it too.
inline constexpr double smallest_uniform = 1.0 / 9007199254740992.0;  // 2^-53
inline constexpr double largest_uniform = 1.0 - smallest_uniform;
TPW_HD constexpr double inside_unit_interval(double u) noexcept {
  return u < smallest_uniform ? smallest_uniform : (u > largest_uniform ? largest_uniform : u);
}
}  // namespace detail

// The uniform of sample i of input j: a pure function of (seed, i, j).
TPW_HD constexpr double uniform(std::uint64_t seed, std::uint64_t i, std::uint32_t j,
                                stream s = stream::inputs) noexcept {
  return open_unit_interval(random_bits(seed, i, j, s));
}

#ifdef TPW_PHILOX_AVX2
namespace detail {

// The vector operations philox_columns needs, on 64-bit lanes: AVX2's four, AVX-512's eight.
struct philox_avx2 {
  using words = __m256i;
  using reals = __m256d;
  static constexpr std::uint32_t width = 4;
  static words all(std::uint64_t v) noexcept {
    return _mm256_set1_epi64x(static_cast<long long>(v));
  }
  static words first_lanes(std::uint64_t i) noexcept {
    return _mm256_add_epi64(all(i), _mm256_set_epi64x(3, 2, 1, 0));
  }
  static words mul_low32(words a, words b) noexcept { return _mm256_mul_epu32(a, b); }
  static words low_half(words a) noexcept { return _mm256_and_si256(a, all(0xFFFFFFFF)); }
  static words high_half(words a) noexcept { return _mm256_srli_epi64(a, 32); }
  static words xor3(words a, words b, words c) noexcept {
#ifdef __AVX512VL__
    return _mm256_ternarylogic_epi64(a, b, c, 0x96);  // a ^ b ^ c in one instruction
#else
    return _mm256_xor_si256(_mm256_xor_si256(a, b), c);
#endif
  }
  // (2^52 + k) as a double, k = the top 52 bits of (high << 32 | low) (both under 2^32).
  static reals two_to_52_plus(words high, words low) noexcept {
    const words k = _mm256_or_si256(_mm256_slli_epi64(high, 20), _mm256_srli_epi64(low, 12));
    return _mm256_castsi256_pd(_mm256_or_si256(k, all(0x4330000000000000)));
  }
  static reals affine(reals x, double minus, double times) noexcept {
    return _mm256_mul_pd(_mm256_sub_pd(x, _mm256_set1_pd(minus)), _mm256_set1_pd(times));
  }
  static void store(double* to, reals x) noexcept {
    _mm256_storeu_pd(to, x);
  }
};

#ifdef __AVX512F__
// GCC 12.2's avx512fintrin.h trips -Wuninitialized on its own intrinsics' __Y (GCC bug 105593,
// fixed in 12.3): silenced for this struct's inlined intrinsics only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
struct philox_avx512 {
  using words = __m512i;
  using reals = __m512d;
  static constexpr std::uint32_t width = 8;
  static words all(std::uint64_t v) noexcept {
    return _mm512_set1_epi64(static_cast<long long>(v));
  }
  static words first_lanes(std::uint64_t i) noexcept {
    return _mm512_add_epi64(all(i), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
  }
  static words mul_low32(words a, words b) noexcept { return _mm512_mul_epu32(a, b); }
  static words low_half(words a) noexcept { return _mm512_and_si512(a, all(0xFFFFFFFF)); }
  static words high_half(words a) noexcept { return _mm512_srli_epi64(a, 32); }
  static words xor3(words a, words b, words c) noexcept {
    return _mm512_ternarylogic_epi64(a, b, c, 0x96);
  }
  static reals two_to_52_plus(words high, words low) noexcept {
    const words k = _mm512_or_si512(_mm512_slli_epi64(high, 20), _mm512_srli_epi64(low, 12));
    return _mm512_castsi512_pd(_mm512_or_si512(k, all(0x4330000000000000)));
  }
  static reals affine(reals x, double minus, double times) noexcept {
    return _mm512_mul_pd(_mm512_sub_pd(x, _mm512_set1_pd(minus)), _mm512_set1_pd(times));
  }
  static void store(double* to, reals x) noexcept { _mm512_storeu_pd(to, x); }
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
using philox_vector = philox_avx512;
#else
using philox_vector = philox_avx2;
#endif

// The uniforms of samples [first, first + V::width * groups) from their blocks of counter
// (i, pair) on the input stream: words 0-1 to even[s], 2-3 to odd[s] (odd may be null).
// philox4x32_10 and open_unit_interval on V::width samples at once, the same numbers: a uniform is
// (k + 1/2) 2^-52 with k the block's top 52 bits, and 2^52 + k, a double with k as its mantissa,
// less 2^52 - 1/2 is k + 1/2 exactly.
template <class V>
void philox_columns(std::uint64_t seed, std::uint64_t first, std::uint32_t groups,
                    std::uint32_t pair, double* even, double* odd) noexcept {
  using words = typename V::words;
  constexpr double two_to_52 = 4503599627370496.0;
  const words m0 = V::all(philox_m0);
  const words m1 = V::all(philox_m1);
  words key0[10];  // each round's key words
  words key1[10];
  std::uint64_t k0 = seed & 0xFFFFFFFFu;
  std::uint64_t k1 = seed >> 32;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = (k0 + philox_w0) & 0xFFFFFFFFu;
      k1 = (k1 + philox_w1) & 0xFFFFFFFFu;
    }
    key0[round] = V::all(k0);
    key1[round] = V::all(k1);
  }
  for (std::uint32_t g = 0; g < groups; ++g) {
    const words i = V::first_lanes(first + std::uint64_t{V::width} * g);
    words c0 = V::low_half(i);
    words c1 = V::high_half(i);
    words c2 = V::all(pair);
    words c3 = V::all(static_cast<std::uint64_t>(stream::inputs));
    // The words' high halves carry junk between rounds: the multiply reads only the low halves,
    // and no step moves a high half into a low one (the shifts act on products, which have no
    // junk). The words are masked once, at the end.
    for (int round = 0; round < 10; ++round) {
      const words p0 = V::mul_low32(c0, m0);
      const words p1 = V::mul_low32(c2, m1);
      c0 = V::xor3(V::high_half(p1), c1, key0[round]);
      c1 = p1;
      c2 = V::xor3(V::high_half(p0), c3, key1[round]);
      c3 = p0;
    }
    const auto uniforms = [&](words high, words low) {
      return V::affine(V::two_to_52_plus(V::low_half(high), V::low_half(low)), two_to_52 - 0.5,
                       1.0 / two_to_52);
    };
    V::store(even + V::width * g, uniforms(c0, c1));
    if (odd != nullptr) V::store(odd + V::width * g, uniforms(c2, c3));
  }
}

}  // namespace detail
#endif

// The uniforms of samples [first, first + count) for inputs [0, inputs), laid out by input: input
// j's at u + j * stride. The same numbers as uniform(seed, i, j); one loop over the samples per
// pair of inputs, so that several Philox blocks are drawn at once in vector registers.
TPW_HD constexpr void uniform_columns(std::uint64_t seed, std::uint64_t first, std::uint32_t count,
                                      std::uint32_t inputs, double* u,
                                      std::size_t stride) noexcept {
  for (std::uint32_t pair = 0; 2 * pair < inputs; ++pair) {
    double* even = u + 2 * pair * stride;
    double* odd = 2 * pair + 1 < inputs ? even + stride : nullptr;
    std::uint32_t done = 0;
#ifdef TPW_PHILOX_AVX2
    if (!std::is_constant_evaluated()) {
      using V = detail::philox_vector;
      done = count / V::width * V::width;
      detail::philox_columns<V>(seed, first, count / V::width, pair, even, odd);
    }
#endif
    if (odd) {
      for (std::uint32_t s = done; s < count; ++s) {
        const philox_counter block = draw_block(seed, first + s, pair, stream::inputs);
        even[s] = open_unit_interval(block_bits(block, 0));
        odd[s] = open_unit_interval(block_bits(block, 1));
      }
    } else {
      for (std::uint32_t s = done; s < count; ++s) {
        even[s] =
            open_unit_interval(block_bits(draw_block(seed, first + s, pair, stream::inputs), 0));
      }
    }
  }
}

// The uniforms of sample i for inputs [0, count), one Philox block per two inputs: a batch of
// one sample; the same numbers as uniform(seed, i, j) for each j.
TPW_HD constexpr void uniforms(std::uint64_t seed, std::uint64_t i, double* u,
                               std::uint32_t count) noexcept {
  uniform_columns(seed, i, 1, count, u, 1);
}

}  // namespace tpw::mc
