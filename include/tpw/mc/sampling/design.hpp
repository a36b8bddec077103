// tpw/mc/sampling/design.hpp: sampling designs, the uniforms that feed every inverse CDF.
//
// A design gives u(i, j), the uniform of sample i of coordinate j, as a pure function of
// (seed, i, j): plain Monte Carlo draws it from Philox; a Latin hypercube puts sample i of
// coordinate j in stratum pi_j(i) of N, with pi_j a random permutation computed on the fly (a
// keyed integer bijection with cycle walking, so no table of N entries is ever stored); a Sobol'
// design takes point i of the Sobol' sequence (Joe-Kuo direction numbers, from Boost.Random) under
// a random digital shift drawn from the seed, so that different seeds give independent randomized
// quasi-Monte Carlo replicates. Any sample can be computed alone, by any thread.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/random/sobol.hpp>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/sampling/philox.hpp"

namespace tpw::mc {

enum class design_kind { monte_carlo, latin_hypercube, sobol };

inline const char* to_string(design_kind kind) noexcept {
  switch (kind) {
    case design_kind::monte_carlo:
      return "monte_carlo";
    case design_kind::latin_hypercube:
      return "latin_hypercube";
    case design_kind::sobol:
      return "sobol";
  }
  return "?";
}

namespace detail {

// A pseudo-random permutation of [0, n), keyed by (seed, coordinate), for the Latin hypercube's
// strata. Over the domain [0, 2^bits), the smallest power of two that holds n, four rounds each
// XOR a key, multiply by an odd key and fold the high half onto the low half (x ^= x >> shift):
// each step is a bijection of the domain, so their composition is one. A value that lands outside
// [0, n) is mapped again (cycle walking: its cycle passes through [0, n), so the walk ends), which
// keeps the whole a bijection of [0, n); with the domain under 2n, under half the values walk.
// The keys come from Philox once per coordinate; a round is a handful of integer operations, so
// a batch of indices is permuted in a vectorized loop.
struct permutation_keys {
  std::uint64_t n = 1;
  std::uint64_t mask = 1;
  unsigned shift = 1;
  std::uint64_t x[4] = {};
  std::uint64_t m[4] = {};
};

TPW_HD constexpr permutation_keys make_permutation_keys(std::uint64_t n, std::uint64_t seed,
                                                        std::uint32_t coordinate) noexcept {
  permutation_keys k;
  k.n = n;
  unsigned bits = 1;
  while (bits < 64 && (std::uint64_t{1} << bits) < n) ++bits;
  k.mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  k.shift = (bits + 1) / 2;
  for (std::uint32_t round = 0; round < 4; ++round) {
    const philox_counter block = draw_block(seed, coordinate, round, stream::permutation);
    k.x[round] = block_bits(block, 0) & k.mask;
    k.m[round] = block_bits(block, 1) | 1u;
  }
  return k;
}

// One application of the keyed bijection of [0, 2^bits), in integers of type T: a domain of up
// to 32 bits takes 32-bit arithmetic (twice the lanes of a vector unit) and gives the same values,
// since every step keeps only the low bits.
template <class T>
TPW_HD constexpr T permute_once_as(T v, const permutation_keys& k) noexcept {
  const auto mask = static_cast<T>(k.mask);
  for (unsigned round = 0; round < 4; ++round) {
    v = static_cast<T>(((v ^ static_cast<T>(k.x[round])) * static_cast<T>(k.m[round])) & mask);
    v ^= static_cast<T>(v >> k.shift);
  }
  return v;
}
TPW_HD constexpr std::uint64_t permute_once(std::uint64_t v, const permutation_keys& k) noexcept {
  return permute_once_as<std::uint64_t>(v, k);
}

TPW_HD constexpr std::uint64_t permute_index(std::uint64_t i, const permutation_keys& k) noexcept {
  std::uint64_t v = permute_once(i, k);
  while (v >= k.n) v = permute_once(v, k);
  return v;
}

TPW_HD constexpr std::uint64_t permute_index(std::uint64_t i, std::uint64_t n, std::uint64_t seed,
                                             std::uint32_t coordinate) noexcept {
  return permute_index(i, make_permutation_keys(n, seed, coordinate));
}

// The strata of samples [first, first + count), count <= 256, into out, in integers of type T:
// every index is mapped once in a vectorizable loop; the few beyond n (listed without a branch)
// are then mapped again until none is, each round over only those still beyond.
template <class T>
TPW_HD constexpr void permute_batch(std::uint64_t first, std::uint32_t count,
                                    const permutation_keys& k, T* out) noexcept {
  const auto n = static_cast<T>(k.n - 1);  // v >= k.n as v > n - 1: fits T when k.n = 2^32
  for (std::uint32_t s = 0; s < count; ++s) {
    out[s] = permute_once_as<T>(static_cast<T>(first + s), k);
  }
  std::uint32_t walking[256];
  std::uint32_t beyond = 0;
  std::uint32_t listed = 0;  // the indices below it are listed
#if defined(__AVX512F__) && !defined(__CUDACC__)
  if constexpr (sizeof(T) == 4) {
    // Sixteen at a time with AVX-512's compress, the same list in the same order.
    if (!std::is_constant_evaluated()) {
      const __m512i limit = _mm512_set1_epi32(static_cast<int>(n));
      const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
      for (; listed + 16 <= count; listed += 16) {
        const __mmask16 over = _mm512_cmpgt_epu32_mask(_mm512_loadu_si512(out + listed), limit);
        const __m512i index = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(listed)), lanes);
        _mm512_mask_compressstoreu_epi32(walking + beyond, over, index);
        beyond += static_cast<std::uint32_t>(std::popcount(static_cast<unsigned>(over)));
      }
    }
  }
#endif
  for (std::uint32_t s = listed; s < count; ++s) {
    walking[beyond] = s;
    beyond += out[s] > n ? 1u : 0u;
  }
  while (beyond > 0) {
    std::uint32_t still = 0;
    for (std::uint32_t j = 0; j < beyond; ++j) {
      const std::uint32_t s = walking[j];
      out[s] = permute_once_as<T>(out[s], k);
      walking[still] = s;
      still += out[s] > n ? 1u : 0u;
    }
    beyond = still;
  }
}

// The strata of samples [first, first + count), count <= 256, into out: the same values as
// permute_index, in 32-bit integers when the domain allows.
TPW_HD constexpr void permute_indices(std::uint64_t first, std::uint32_t count,
                                      const permutation_keys& k, std::uint64_t* out) noexcept {
  if (k.mask > 0xFFFFFFFFu) {
    permute_batch<std::uint64_t>(first, count, k, out);
    return;
  }
  std::uint32_t narrow[256];  // permute_batch writes [0, count)
  permute_batch<std::uint32_t>(first, count, k, narrow);
  for (std::uint32_t s = 0; s < count; ++s) out[s] = narrow[s];
}

}  // namespace detail

// The Sobol' direction numbers of Boost.Random's tables (Joe and Kuo), 32 bits per dimension,
// read off Boost's own generator: the point at sequence index 2^(k+1) - 1 has Gray code 2^k, so it
// is direction number k itself.
inline std::vector<std::uint32_t> sobol_direction_numbers(std::uint32_t dimensions) {
  std::vector<std::uint32_t> directions(static_cast<std::size_t>(dimensions) * 32);
  boost::random::sobol_engine<std::uint32_t, 32> engine(dimensions);
  for (unsigned k = 0; k < 32; ++k) {
    // seed(m) positions Boost's engine so that its next point is sequence index m + 1.
    engine.seed((std::uint64_t{1} << (k + 1)) - 2);
    for (std::uint32_t j = 0; j < dimensions; ++j) {
      directions[static_cast<std::size_t>(j) * 32 + k] = engine();
    }
  }
  return directions;
}

// Point i, coordinate j of the Sobol' sequence from its direction numbers: the XOR of the
// direction numbers selected by the bits of i's Gray code.
TPW_HD constexpr std::uint32_t sobol_point(const std::uint32_t* directions_of_coordinate,
                                           std::uint64_t i) noexcept {
  std::uint64_t gray = i ^ (i >> 1);
  std::uint32_t x = 0;
  for (unsigned k = 0; gray != 0; ++k, gray >>= 1) {
    if (gray & 1u) x ^= directions_of_coordinate[k];
  }
  return x;
}

// A Sobol' point's coordinate under its digital shift, as a uniform in (0, 1).
TPW_HD constexpr double sobol_uniform(std::uint32_t x, std::uint32_t shift) noexcept {
  return (static_cast<double>(x ^ shift) + 0.5) * (1.0 / 4294967296.0);
}

// A design as plain data, for code that runs on a GPU too: the Sobol' tables are pointers (to
// host or device memory) of 32 direction numbers per coordinate and one shift per coordinate.
struct design_view {
  design_kind kind = design_kind::monte_carlo;
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  const std::uint32_t* directions = nullptr;
  const std::uint32_t* shifts = nullptr;
};

// The uniform of sample i, coordinate j, in the open interval (0, 1): the one definition of every
// design, shared by the CPU and GPU engines.
TPW_HD constexpr double design_uniform(const design_view& d, std::uint64_t i,
                                       std::uint32_t j) noexcept {
  switch (d.kind) {
    case design_kind::latin_hypercube: {
      const auto stratum = static_cast<double>(
          static_cast<std::int64_t>(detail::permute_index(i, d.samples, d.seed, j)));
      const double u =
          (stratum + mc::uniform(d.seed, i, j)) * (1.0 / static_cast<double>(d.samples));
      return detail::inside_unit_interval(u);
    }
    case design_kind::sobol: {
      return sobol_uniform(sobol_point(d.directions + static_cast<std::size_t>(j) * 32, i),
                           d.shifts[j]);
    }
    default:
      return mc::uniform(d.seed, i, j);
  }
}

namespace detail {

// A Latin hypercube's batch (count <= 256) for design_uniform_columns: the jitter inside each
// stratum is the plain Monte Carlo uniform of (i, j). `keys`: coordinate j's permutation keys at
// keys[j], or null to make them here (sample_design keeps them).
TPW_WIDE_VECTORS TPW_HD constexpr void latin_hypercube_columns(
    const design_view& d, std::uint64_t first, std::uint32_t count, std::uint32_t dimensions,
    double* u, std::size_t stride, const permutation_keys* keys) noexcept {
  uniform_columns(d.seed, first, count, dimensions, u, stride);
  const double scale = 1.0 / static_cast<double>(d.samples);
  for (std::uint32_t j = 0; j < dimensions; ++j) {
    std::uint64_t strata[256];
    permute_indices(first, count,
                    keys != nullptr ? keys[j] : make_permutation_keys(d.samples, d.seed, j),
                    strata);
    double* row = u + j * stride;
    for (std::uint32_t s = 0; s < count; ++s) {
      row[s] = inside_unit_interval(
          (static_cast<double>(static_cast<std::int64_t>(strata[s])) + row[s]) * scale);
    }
  }
}

}  // namespace detail

// The uniforms of samples [first, first + count) for coordinates [0, dimensions), laid out by
// coordinate (coordinate j's at u + j * stride): the same numbers as design_uniform. Plain Monte
// Carlo draws them in vectorizable loops (uniform_columns).
TPW_HD constexpr void design_uniform_columns(const design_view& d, std::uint64_t first,
                                             std::uint32_t count, std::uint32_t dimensions,
                                             double* u, std::size_t stride) noexcept {
  if (d.kind == design_kind::monte_carlo) {
    uniform_columns(d.seed, first, count, dimensions, u, stride);
    return;
  }
  if (d.kind == design_kind::latin_hypercube && count <= 256) {
    detail::latin_hypercube_columns(d, first, count, dimensions, u, stride, nullptr);
    return;
  }
  if (d.kind == design_kind::sobol) {
    // Point first by its Gray code, then each next one by the Gray-code recurrence: points i - 1
    // and i differ by direction number countr_zero(i), one XOR a point.
    for (std::uint32_t j = 0; j < dimensions; ++j) {
      const std::uint32_t* directions = d.directions + static_cast<std::size_t>(j) * 32;
      std::uint32_t x = sobol_point(directions, first);
      double* row = u + j * stride;
      for (std::uint32_t s = 0; s < count; ++s) {
        if (s > 0) x ^= directions[std::countr_zero(first + s)];
        row[s] = sobol_uniform(x, d.shifts[j]);
      }
    }
    return;
  }
  for (std::uint32_t j = 0; j < dimensions; ++j) {
    for (std::uint32_t s = 0; s < count; ++s) u[j * stride + s] = design_uniform(d, first + s, j);
  }
}

// The uniforms of sample i for coordinates [0, count): a batch of one sample.
TPW_HD constexpr void design_uniforms(const design_view& d, std::uint64_t i, double* u,
                                      std::uint32_t count) noexcept {
  design_uniform_columns(d, i, 1, count, u, 1);
}

// A design over `dimensions` coordinates and `samples` points. For Sobol' indices, the
// coordinates are 2d: A's row i is coordinates [0, d) of point i and B's row i is [d, 2d), the
// two halves of one point, never two consecutive points.
class sample_design {
 public:
  sample_design(design_kind kind, std::uint64_t samples, std::uint32_t dimensions,
                std::uint64_t seed)
      : kind_(kind), samples_(samples), dimensions_(dimensions), seed_(seed) {
    if (samples == 0) throw invalid_input("uncertainty.samples", 0.0, "must be at least 1");
    if (kind == design_kind::sobol) {
      if (samples > (std::uint64_t{1} << 32)) {
        throw invalid_input("uncertainty.samples", static_cast<double>(samples),
                            "a Sobol' design holds at most 2^32 points");
      }
      constexpr std::uint32_t most = boost::random::default_sobol_table::max_dimension;
      if (dimensions > most) {
        throw invalid_input(
            "uncertainty.dimensions", static_cast<double>(dimensions),
            "Boost's Sobol' tables hold at most " + std::to_string(most) + " dimensions");
      }
      directions_ = sobol_direction_numbers(dimensions);
      shifts_.resize(dimensions);
      for (std::uint32_t j = 0; j < dimensions; ++j) {
        shifts_[j] = static_cast<std::uint32_t>(random_bits(seed, 0, j, stream::shift) >> 32);
      }
    }
    if (kind == design_kind::latin_hypercube) {
      for (std::uint32_t j = 0; j < dimensions; ++j) {
        strata_keys_.push_back(detail::make_permutation_keys(samples, seed, j));
      }
    }
  }

  [[nodiscard]] design_kind kind() const noexcept { return kind_; }
  [[nodiscard]] std::uint64_t samples() const noexcept { return samples_; }
  [[nodiscard]] std::uint32_t dimensions() const noexcept { return dimensions_; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

  // The uniforms of sample i for coordinates [0, u.size()).
  void uniforms(std::uint64_t i, std::span<double> u) const noexcept {
    design_uniforms(view(), i, u.data(), static_cast<std::uint32_t>(u.size()));
  }

  // The uniforms of samples [first, first + count), laid out by coordinate: coordinate j's at
  // u + j * stride.
  void uniform_columns(std::uint64_t first, std::uint32_t count, double* u,
                       std::size_t stride) const noexcept {
    if (kind_ == design_kind::latin_hypercube && count <= 256) {
      detail::latin_hypercube_columns(view(), first, count, dimensions_, u, stride,
                                      strata_keys_.data());
      return;
    }
    design_uniform_columns(view(), first, count, dimensions_, u, stride);
  }

  // The uniform of sample i, coordinate j, in the open interval (0, 1).
  [[nodiscard]] double uniform(std::uint64_t i, std::uint32_t j) const noexcept {
    return design_uniform(view(), i, j);
  }

  // The plain form, valid while this design lives (its Sobol' tables stay here).
  [[nodiscard]] design_view view() const noexcept {
    return {kind_, samples_, seed_, directions_.data(), shifts_.data()};
  }
  [[nodiscard]] const std::vector<std::uint32_t>& directions() const noexcept {
    return directions_;
  }
  [[nodiscard]] const std::vector<std::uint32_t>& shifts() const noexcept { return shifts_; }

 private:
  design_kind kind_;
  std::uint64_t samples_;
  std::uint32_t dimensions_;
  std::uint64_t seed_;
  std::vector<std::uint32_t> directions_;  // Sobol': 32 per coordinate
  std::vector<std::uint32_t> shifts_;      // Sobol': the random digital shift per coordinate
  std::vector<detail::permutation_keys> strata_keys_;  // Latin hypercube: per coordinate
};

}  // namespace tpw::mc
