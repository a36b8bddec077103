// Zero overhead: tpw's unit-safe evaluation against the same formulas hand-written on raw doubles,
// over the same 4096 deployments, in one run. Prints the ratio of the two times per evaluation.
// Target: ratio <= 1.05 at -O2.   ./bench_zero_overhead [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <tpw/model.hpp>

namespace {

using namespace tpw::literals;
namespace units = tpw::units;
using tpw::USD;

constexpr std::size_t deployments = 4096;

// Inputs as plain numbers, drawn once; both engines read the same ones.
struct inputs {
  double throughput, utilization, active_w, idle_w, pue;
};

const std::vector<inputs>& cases() {
  static const std::vector<inputs> all = [] {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<inputs> v(deployments);
    for (auto& c : v) {
      c = {100.0 + 10'000.0 * u(rng), 0.2 + 0.8 * u(rng), 1000.0 + 1000.0 * u(rng),
           200.0 + 300.0 * u(rng), 1.05 + 0.5 * u(rng)};
    }
    return v;
  }();
  return all;
}

// The sum of every figure the evaluation reports, so the optimizer cannot drop any of them.
template <class E>
double checksum(const E& e) {
  return e.cost_per_token.total.value() + e.cost_per_token.hardware.value() +
         e.cost_per_token.facility.value() + e.cost_per_token.energy.value() +
         e.cost_per_token.opex.value() + e.cost_per_accelerator_hour.value() +
         e.tokens_per_joule.value() + e.joules_per_token.value() +
         e.tokens_per_s_per_power.value() + e.energy_share_of_opex + e.energy_share_of_cost;
}

void unit_safe(benchmark::State& state) {
  const tpw::annual_rate r{0.08};
  // Non-const and escaped: the optimizer must read the parameters, as it must for the baseline.
  tpw::owned_hardware<USD> hardware({.price_per_system = 3.9e6_USD,
                                     .life = 4.0_yr,
                                     .residual_fraction = tpw::fraction{0.1},
                                     .cost_of_capital = r});
  tpw::built_facility<USD> facility(
      {.build_cost = 11.7e6_USD / units::MW, .life = 15.0_yr, .cost_of_capital = r});
  tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});
  tpw::opex<USD> opex({.maintenance_fraction_per_year = tpw::fraction{0.03},
                       .hardware_price_per_system = 3.9e6_USD,
                       .software_per_accelerator = 4500.0_USD / units::year});
  benchmark::DoNotOptimize(hardware);
  benchmark::DoNotOptimize(facility);
  benchmark::DoNotOptimize(energy);
  benchmark::DoNotOptimize(opex);
  const auto& all = cases();
  for (auto _ : state) {
    double sum = 0.0;
    for (const inputs& c : all) {
      const tpw::operating_point op{tpw::token_rate::from_value(c.throughput),
                                    tpw::fraction::unchecked(c.utilization),
                                    tpw::power::from_value(c.active_w),
                                    tpw::power::from_value(c.idle_w),
                                    tpw::power::from_value(c.active_w),
                                    tpw::pue::unchecked(c.pue),
                                    72.0};
      sum += checksum(tpw::evaluate(op, hardware, facility, energy, opex));
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long>(all.size()));
}

// The same formulas as a careful user would write them on doubles (W, J, s, USD).
double crf(double r, double years) {
  return r == 0.0 ? 1.0 / years : r / -std::expm1(-years * std::log1p(r));
}

void raw_doubles(benchmark::State& state) {
  const double year_s = 8760.0 * 3600.0;
  double r = 0.08, price = 3.9e6, life = 4.0 * year_s, residual = 0.1;
  double build_per_w = 11.7, facility_life = 15.0 * year_s, usd_per_j = 0.08 / 3.6e6;
  double maintenance = 0.03, software = 4500.0 / year_s;
  for (double* parameter : {&r, &price, &life, &residual, &build_per_w, &facility_life, &usd_per_j,
                            &maintenance, &software}) {
    benchmark::DoNotOptimize(*parameter);
  }
  const auto& all = cases();
  for (auto _ : state) {
    double sum = 0.0;
    for (const inputs& c : all) {
      const double gpu_price = price / 72.0;
      const double years = life / year_s;
      const double hw =
          (gpu_price - residual * gpu_price * std::pow(1.0 + r, -years)) * crf(r, years) / year_s;
      const double fac = build_per_w * c.active_w * crf(r, facility_life / year_s) / year_s;
      const double avg_w = c.utilization * c.active_w + (1.0 - c.utilization) * c.idle_w;
      const double en = avg_w * c.pue * usd_per_j;
      const double op = maintenance * gpu_price / year_s + software;
      const double total = hw + fac + en + op;
      const double tok_s = c.throughput * c.utilization;
      const double tokens_per_joule = tok_s / (avg_w * c.pue);
      // The same eleven figures as checksum() adds for tpw.
      sum += total / tok_s + hw / tok_s + fac / tok_s + en / tok_s + op / tok_s + total * 3600.0 +
             tokens_per_joule + 1.0 / tokens_per_joule + c.throughput / (c.active_w * c.pue) +
             en / (en + fac + op) + en / total;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long>(all.size()));
}

BENCHMARK(raw_doubles)->Name("raw_doubles");
BENCHMARK(unit_safe)->Name("tpw_unit_safe");

// Keeps the fastest time per iteration of each benchmark (over repetitions) for the ratio.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> best;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.iterations == 0) continue;
      const double per_iteration = run.real_accumulated_time / static_cast<double>(run.iterations);
      const std::string name = run.run_name.function_name;
      if (!best.count(name) || per_iteration < best[name]) best[name] = per_iteration;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (reporter.best.count("raw_doubles") && reporter.best.count("tpw_unit_safe")) {
    const double raw = reporter.best["raw_doubles"] / deployments * 1e9;
    const double safe = reporter.best["tpw_unit_safe"] / deployments * 1e9;
    std::printf(
        "\nper evaluation: raw doubles %.2f ns, tpw unit-safe %.2f ns, ratio %.3f "
        "(target <= 1.05)\n",
        raw, safe, safe / raw);
  }
  benchmark::Shutdown();
  return 0;
}
