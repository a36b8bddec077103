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
// AVX-512) in vector words with the vector unit's 32 x 32 -> 64-bit multiply (vpmuludq), which
// compilers do not pick for Philox on their own (GCC multiplies whole 64-bit lanes: vpmullq, or
// three multiplies). The rounds are the scalar ones (philox_rounds), on GCC/Clang vector words.
#if defined(__AVX2__) && !defined(__CUDACC__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <cstring>
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

// Each round's key words from a 64-bit key: the key, then each round the Weyl constants added
// (in 32 bits).
struct philox_round_keys {
  std::uint64_t k0[10] = {};
  std::uint64_t k1[10] = {};
};
TPW_HD constexpr philox_round_keys philox_keys(std::uint64_t k0, std::uint64_t k1) noexcept {
  philox_round_keys keys;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = (k0 + philox_w0) & 0xFFFFFFFFu;
      k1 = (k1 + philox_w1) & 0xFFFFFFFFu;
    }
    keys.k0[round] = k0;
    keys.k1[round] = k1;
  }
  return keys;
}

// The low 32 bits of a times b (b < 2^32): 32 x 32 -> 64 bits, exact.
TPW_HD constexpr std::uint64_t mul_low32(std::uint64_t a, std::uint64_t b) noexcept {
  return (a & 0xFFFFFFFFu) * b;
}

#ifdef TPW_PHILOX_AVX2
// Vector words of 64-bit lanes (GCC/Clang vector extensions: +, ^, &, >> act lane by lane, a
// scalar operand on every lane), and the one operation they need from intrinsics.
#ifdef __AVX512F__
using philox_words = std::uint64_t __attribute__((vector_size(64)));
using philox_reals = double __attribute__((vector_size(64)));
// GCC 12.2's avx512fintrin.h trips -Wmaybe-uninitialized on its own intrinsic's __Y (GCC bug
// 105593, fixed in 12.3): silenced for this call only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
inline philox_words mul_low32(philox_words a, philox_words b) noexcept {
  return (philox_words)_mm512_mul_epu32((__m512i)a, (__m512i)b);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#else
using philox_words = std::uint64_t __attribute__((vector_size(32)));
using philox_reals = double __attribute__((vector_size(32)));
inline philox_words mul_low32(philox_words a, philox_words b) noexcept {
  return (philox_words)_mm256_mul_epu32((__m256i)a, (__m256i)b);
}
#endif
#endif

// Philox's ten rounds on the four 32-bit words of a block, each held in a 64-bit integer (W is
// std::uint64_t), or of several blocks at once in vector words (uniform_columns on x86): the one
// place the round is written. The same arithmetic as on 32-bit words, in a form vector units run
// without packing 32-bit lanes around each multiplication. Between rounds the words' high halves
// carry junk: the multiply reads only the low halves, and no step moves a high half into a low
// one (the shifts act on products, which have none); the words are masked once, at the end.
template <class W>
TPW_HD constexpr void philox_rounds(W& c0, W& c1, W& c2, W& c3,
                                    const philox_round_keys& keys) noexcept {
  constexpr std::uint64_t low32 = 0xFFFFFFFFu;
  for (int round = 0; round < 10; ++round) {
    const W p0 = mul_low32(c0, W{} + philox_m0);
    const W p1 = mul_low32(c2, W{} + philox_m1);
    c0 = (p1 >> 32) ^ c1 ^ keys.k0[round];
    c1 = p1;
    c2 = (p0 >> 32) ^ c3 ^ keys.k1[round];
    c3 = p0;
  }
  c0 &= low32;
  c1 &= low32;
  c2 &= low32;
  c3 &= low32;
}

}  // namespace detail

// Philox4x32 with 10 rounds: four 32-bit words from a 128-bit counter and a 64-bit key.
TPW_HD constexpr philox_counter philox4x32_10(philox_counter counter, philox_key key) noexcept {
  std::uint64_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  detail::philox_rounds(c0, c1, c2, c3, detail::philox_keys(key[0], key[1]));
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

inline constexpr std::uint32_t philox_width = sizeof(philox_words) / sizeof(std::uint64_t);

// The uniforms of samples [first, first + philox_width * groups) from their blocks of counter
// (i, pair) on the input stream (draw_block): words 0-1 to even[s], 2-3 to odd[s] (odd may be
// null), philox_width samples at once. The same numbers as open_unit_interval: a uniform is
// (k + 1/2) 2^-52 with k the block's top 52 bits, and 2^52 + k (a double whose mantissa is k)
// less 2^52 - 1/2 is k + 1/2 exactly.
inline void philox_columns(std::uint64_t seed, std::uint64_t first, std::uint32_t groups,
                           std::uint32_t pair, double* even, double* odd) noexcept {
  constexpr double two_to_52 = 4503599627370496.0;
  const philox_round_keys keys = philox_keys(seed & 0xFFFFFFFFu, seed >> 32);
  philox_words lanes{};
  for (std::uint32_t l = 0; l < philox_width; ++l) lanes[l] = l;
  const auto store = [&](double* to, philox_words high, philox_words low) {
    const philox_words k = (high << 20) | (low >> 12);
    const auto x = (philox_reals)(k | 0x4330000000000000u);  // the double 2^52 + k
    const philox_reals u = (x - (two_to_52 - 0.5)) * (1.0 / two_to_52);
    std::memcpy(to, &u, sizeof u);
  };
  for (std::uint32_t g = 0; g < groups; ++g) {
    const philox_words i = lanes + (first + std::uint64_t{philox_width} * g);
    philox_words c0 = i & 0xFFFFFFFFu;
    philox_words c1 = i >> 32;
    philox_words c2 = philox_words{} + pair;
    philox_words c3 = philox_words{} + static_cast<std::uint64_t>(stream::inputs);
    philox_rounds(c0, c1, c2, c3, keys);
    store(even + philox_width * g, c0, c1);
    if (odd != nullptr) store(odd + philox_width * g, c2, c3);
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
      done = count / detail::philox_width * detail::philox_width;
      detail::philox_columns(seed, first, count / detail::philox_width, pair, even, odd);
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
