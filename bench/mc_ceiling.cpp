// How fast the 8-input cost model of bench_mc_cost_model could run on this CPU: tpw's engine
// against a hand-vectorized baseline, same run, same threads, same Philox draws.
//
//   bench_mc_ceiling [N] [THREADS]     (default 10,240,000 samples, 2 threads)
//
// The baseline is NOT tpw code and is not how tpw should be written: it is the model of
// bench/mc_cost_numpy.py typed out on raw doubles, in batches of samples laid out so that GCC
// vectorizes every step (the inverse CDFs, the cost formulas; the draws are tpw's own batch of
// Philox uniforms, uniform_columns) and calls glibc's vector
// math library (libmvec) for exp, log, log1p and expm1. It keeps only what numpy's program keeps
// of the statistics (a mean and two coarse histograms), checks no finiteness, and its normal
// quantile omits AS 241's far tails (p below 1e-11 or so, which this seed does not reach in a way
// that moves the mean). So it is a lower bound on the time an engine of tpw's guarantees can take:
// the ratio says how far the engine, itself vectorized in batches since, is from that bound.
// Built only with GCC on x86-64, with tpw::mc_fast (TPW_VECTOR_MATH, -fno-math-errno) and
// -march=native, so that both sides call libmvec.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <tpw/mc/cost_model.hpp>

#include "../tests/mc_models.hpp"

namespace mc = tpw::mc;

namespace {

constexpr int batch = 256;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Both branches computed, one kept: what lets the loop vectorize (each helper is inlined into it).
[[gnu::always_inline]] inline double triangular(double u, double a, double c, double b) {
  const double w = b - a;
  const double low = a + std::sqrt(u * w * (c - a));
  const double high = b - std::sqrt((1.0 - u) * w * (b - c));
  return u < (c - a) / w ? low : high;
}

// AS 241's central and intermediate regions (see the header comment for the far tails).
[[gnu::always_inline]] inline double normal_quantile(double p) {
  const double q = p - 0.5;
  const double r = 0.180625 - q * q;
  const double central =
      q *
      (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
           45921.953931549871457) *
              r +
          13731.693765509461125) *
             r +
         1971.5909503065514427) *
            r +
        133.14166789178437745) *
           r +
       3.387132872796366608) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
           21213.794301586595867) *
              r +
          5394.1960214247511077) *
             r +
         687.1870074920579083) *
            r +
        42.313330701600911252) *
           r +
       1.0);
  const double s = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p)) - 1.6;
  const double middle =
      (((((((s * 7.7454501427834140764e-4 + .0227238449892691845833) * s + .24178072517745061177) *
               s +
           1.27045825245236838258) *
              s +
          3.64784832476320460504) *
             s +
         5.7694972214606914055) *
            s +
        4.6303378461565452959) *
           s +
       1.42343711074968357734) /
      (((((((s * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * s +
            .0151986665636164571966) *
               s +
           .14810397642748007459) *
              s +
          .68976733498510000455) *
             s +
         1.6763848301838038494) *
            s +
        2.05319162663775882187) *
           s +
       1.0);
  return std::fabs(q) <= 0.425 ? central : (q < 0.0 ? -middle : middle);
}

struct sums {
  double cost = 0.0;
  std::vector<std::uint32_t> histogram = std::vector<std::uint32_t>(4096, 0);
};

void baseline(std::uint64_t seed, std::uint64_t first, std::uint64_t last, sums& out) {
  alignas(64) double u[8][batch];
  alignas(64) double cost[batch];
  alignas(64) double margin[batch];
  const double hours = 8760.0, gpus = 72.0, it_kw = 132.0, idle_kw = 40.0;
  for (std::uint64_t i0 = first; i0 < last; i0 += batch) {
    mc::uniform_columns(seed, i0, batch, 8, &u[0][0], batch);  // tpw's own draws
    for (int s = 0; s < batch; ++s) {
      const double utilization = triangular(u[0][s], 0.5, 0.7, 0.85);
      const double throughput = std::exp(std::log(5789.6) + 0.2 * normal_quantile(u[1][s]));
      const double per_kwh = triangular(u[2][s], 0.04, 0.08, 0.15);
      const double pue = 1.1 + 0.3 * u[3][s];
      const double price = 3.9e6 + 0.3e6 * normal_quantile(u[4][s]);
      const double r = 0.05 + 0.07 * u[5][s];
      const double build = triangular(u[6][s], 9e6, 11.7e6, 15e6);
      const double token_price = 1.5 + u[7][s];
      const double g4 = -4.0 * std::log1p(r);
      const double g15 = -15.0 * std::log1p(r);
      const double hardware =
          (price - 0.1 * price * std::exp(g4)) * (r / -std::expm1(g4)) / hours / gpus;
      const double facility = build * (it_kw / 1000.0) * (r / -std::expm1(g15)) / hours / gpus;
      const double energy =
          (utilization * it_kw + (1.0 - utilization) * idle_kw) / gpus * pue * per_kwh;
      const double opex = (0.03 * price / gpus + 4500.0) / hours;
      cost[s] = (hardware + facility + energy + opex) / (throughput * 3600.0 * utilization) * 1e6;
      margin[s] = 1.0 - cost[s] / token_price;
    }
    for (int s = 0; s < batch; ++s) out.cost += cost[s];
    for (int s = 0; s < batch; ++s) {
      const int b = static_cast<int>((cost[s] - 0.05) * 10000.0);
      ++out.histogram[static_cast<std::size_t>(b < 0 ? 0 : (b > 2047 ? 2047 : b))];
      const int c = static_cast<int>((margin[s] + 0.5) * 1000.0);
      ++out.histogram[2048 + static_cast<std::size_t>(c < 0 ? 0 : (c > 2047 ? 2047 : c))];
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t n =
      (argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'240'000) / (2 * batch) * (2 * batch);
  const unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 2;

  const auto model = tpw_test::eight_inputs(false);
  mc::run_options o = tpw_test::numpy_program_options(n);
  o.threads = threads;
  // Both warm (a core that has idled needs a few hundred milliseconds of work to reach full
  // speed): an untimed engine run, then three turns each; the best of each side.
  (void)mc::run(model, o);
  double tpw_seconds = 1e300;
  double seconds = 1e300;
  double mean = 0.0;
  double total = 0.0;
  for (int turn = 0; turn < 3; ++turn) {
    const auto tpw_start = std::chrono::steady_clock::now();
    const auto r = mc::run(model, o);
    tpw_seconds = std::min(tpw_seconds, seconds_since(tpw_start));
    mean = r.output("cost_per_mtok").mean;

    const auto start = std::chrono::steady_clock::now();
    std::vector<sums> parts(threads);
    std::vector<std::thread> workers;
    const std::uint64_t share = n / threads / batch * batch;
    for (unsigned t = 0; t < threads; ++t) {
      const std::uint64_t first = share * t;
      const std::uint64_t last = t + 1 == threads ? n : share * (t + 1);
      workers.emplace_back(
          [&parts, &o, first, last, t] { baseline(o.seed, first, last, parts[t]); });
    }
    for (auto& w : workers) w.join();
    seconds = std::min(seconds, seconds_since(start));
    total = 0.0;
    for (const sums& p : parts) total += p.cost;
  }

  const double per_sample = 1e9 * static_cast<double>(threads) / static_cast<double>(n);
  std::printf("%llu samples, %u threads\n", static_cast<unsigned long long>(n), threads);
  std::printf("tpw engine, best of 3:  %.3f s (%.0f ns per sample per thread), mean %.9f\n",
              tpw_seconds, tpw_seconds * per_sample, mean);
  std::printf("vectorized baseline:    %.3f s (%.0f ns per sample per thread), mean %.9f\n",
              seconds, seconds * per_sample, total / static_cast<double>(n));
  std::printf("tpw / baseline: %.1fx (how much faster fully vectorized code is on this CPU)\n",
              tpw_seconds / seconds);
  return 0;
}
