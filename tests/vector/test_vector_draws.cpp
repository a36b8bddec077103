// The uniforms drawn with x86 vector instructions (tpw/mc/sampling/philox.hpp: AVX2, AVX-512;
// the Latin hypercube's strata listed with AVX-512, design.hpp), against the portable code one
// draw at a time. Built twice beside the unit tests: for this
// machine's CPU (-march=native, the build tpw-whatif uses) and for AVX2 alone; each reports which
// path it compiled, and the AVX2 build skips (exit code 77) on a CPU without AVX2.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include <tpw/mc/sampling/design.hpp>
#include <tpw/mc/sampling/philox.hpp>

namespace mc = tpw::mc;

TEST_CASE("vector draws give the portable Philox's uniforms, bit for bit") {
  // Seeds with high bits set (the key's second word), first samples across 2^32 (the counter's
  // second word), counts with partial vectors and odd input counts (a pair with one input).
  bool same = true;
  std::size_t checked = 0;
  for (const std::uint64_t seed :
       {std::uint64_t{0}, std::uint64_t{42}, std::uint64_t{0xFEDCBA9876543210}}) {
    for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1000},
                                      (std::uint64_t{1} << 32) - 5, (std::uint64_t{1} << 40) + 3}) {
      for (const std::uint32_t count : {1u, 3u, 4u, 7u, 8u, 9u, 37u, 256u}) {
        for (const std::uint32_t inputs : {1u, 2u, 5u, 8u}) {
          constexpr std::size_t stride = 260;
          std::vector<double> u(inputs * stride, -1.0);
          mc::uniform_columns(seed, first, count, inputs, u.data(), stride);
          for (std::uint32_t j = 0; j < inputs; ++j) {
            for (std::uint32_t s = 0; s < count; ++s) {
              same = same && u[j * stride + s] == mc::uniform(seed, first + s, j);
              ++checked;
            }
            same = same && u[j * stride + count] == -1.0;  // nothing past the batch
          }
        }
      }
    }
  }
  CHECK(checked == 3 * 4 * (1 + 3 + 4 + 7 + 8 + 9 + 37 + 256) * (1 + 2 + 5 + 8));
  CHECK(same);
  // Through the vector path, against Random123's published Philox4x32-10 answer for counter and
  // key all zeros (seed 0, sample 0, inputs 0 and 1): 6627e8d5 e169c58d bc57ac4c 9b00dbd8, each
  // half of it a uniform (k + 1/2) / 2^52 with k its top 52 bits.
  std::vector<double> u(2 * 8);
  mc::uniform_columns(0, 0, 8, 2, u.data(), 8);
  const auto expected = [](std::uint64_t bits) {
    return (static_cast<double>(bits >> 12) + 0.5) / 4503599627370496.0;
  };
  CHECK(u[0] == expected(0x6627e8d5e169c58d));
  CHECK(u[8] == expected(0xbc57ac4c9b00dbd8));
}

TEST_CASE("a vector-drawn Latin hypercube batch gives each sample's own uniform") {
  // Sample counts whose strata walk few indices (1000003: 5% beyond n in a domain of 2^20), half
  // of them (65537, just past 2^16), and none (2^20); batches whole and partial (sixteen at a
  // time with AVX-512, the rest one by one).
  bool same = true;
  for (const std::uint64_t n :
       {std::uint64_t{1000003}, std::uint64_t{65537}, std::uint64_t{1} << 20}) {
    const mc::sample_design design(mc::design_kind::latin_hypercube, n, 8, 99);
    for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{256}, (n - 1) / 256 * 256}) {
      const auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(256, n - first));
      std::vector<double> u(8 * 256);
      design.uniform_columns(first, count, u.data(), 256);
      for (std::uint32_t j = 0; j < 8; ++j) {
        for (std::uint32_t s = 0; s < count; ++s) {
          same = same && u[j * 256 + s] == design.uniform(first + s, j);
        }
      }
    }
  }
  CHECK(same);
}

int main(int argc, char** argv) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  if (!__builtin_cpu_supports("avx2")) {
    std::puts("this CPU has no AVX2: the vector draws are not run here");
    return 77;
  }
#endif
#ifdef TPW_PHILOX_AVX2
#ifdef __AVX512F__
  std::puts("vector draws: AVX-512, eight samples a vector");
#else
  std::puts("vector draws: AVX2, four samples a vector");
#endif
#else
  std::puts("vector draws: none compiled (portable Philox only)");
#endif
  return doctest::Context(argc, argv).run();
}
