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

// Every input varies per deployment, as in a Monte Carlo run, so that neither engine can hoist
// work out of its loop. Plain numbers in W, s, USD; both engines read the same ones.
struct inputs {
  double throughput, utilization, active_w, idle_w, pue;
  double accelerators_per_system, price, life_years, residual, cost_of_capital;
  double build_usd_per_w, facility_life_years, usd_per_kwh;
  double maintenance, opex_price, software_per_year, other_per_year;
};

const std::vector<inputs>& cases() {
  static const std::vector<inputs> all = [] {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<inputs> v(deployments);
    for (auto& c : v) {
      const double price = 2e6 + 2e6 * u(rng);
      c = {100.0 + 10'000.0 * u(rng),
           0.2 + 0.8 * u(rng),
           1000.0 + 1000.0 * u(rng),
           200.0 + 300.0 * u(rng),
           1.05 + 0.5 * u(rng),
           72.0,
           price,
           3.0 + 3.0 * u(rng),
           0.2 * u(rng),
           0.15 * u(rng),
           9.0 + 6.0 * u(rng),
           10.0 + 10.0 * u(rng),
           0.04 + 0.1 * u(rng),
           0.05 * u(rng),
           price,
           2000.0 + 4000.0 * u(rng),
           1000.0 * u(rng)};
    }
    return v;
  }();
  return all;
}

// One deployment as tpw's validated types, built before timing starts.
struct tpw_case {
  tpw::operating_point op;
  tpw::owned_hardware<USD> hardware;
  tpw::built_facility<USD> facility;
  tpw::energy_cost<USD> energy;
  tpw::opex<USD> opex;
};

tpw_case to_tpw(const inputs& c) {
  const tpw::annual_rate r{c.cost_of_capital};
  return {{tpw::of(c.throughput, units::tok / units::second), tpw::fraction{c.utilization},
           tpw::of(c.active_w, units::W), tpw::of(c.idle_w, units::W),
           tpw::of(c.active_w, units::W), tpw::pue{c.pue}, c.accelerators_per_system},
          tpw::owned_hardware<USD>({.price_per_system = tpw::of(c.price, units::usd),
                                    .life = tpw::of(c.life_years, units::year),
                                    .residual_fraction = tpw::fraction{c.residual},
                                    .cost_of_capital = r}),
          tpw::built_facility<USD>({.build_cost = tpw::of(c.build_usd_per_w, units::usd / units::W),
                                    .life = tpw::of(c.facility_life_years, units::year),
                                    .cost_of_capital = r}),
          tpw::energy_cost<USD>({.price = tpw::of(c.usd_per_kwh, units::usd / units::kWh)}),
          tpw::opex<USD>(
              {.maintenance_fraction_per_year = tpw::fraction{c.maintenance},
               .hardware_price_per_system = tpw::of(c.opex_price, units::usd),
               .software_per_accelerator = tpw::of(c.software_per_year, units::usd / units::year),
               .other_per_accelerator = tpw::of(c.other_per_year, units::usd / units::year)})};
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
  std::vector<tpw_case> all;
  for (const inputs& c : cases()) all.push_back(to_tpw(c));
  for (auto _ : state) {
    double sum = 0.0;
    for (const tpw_case& c : all) {
      sum += checksum(tpw::evaluate(c.op, c.hardware, c.facility, c.energy, c.opex));
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long>(all.size()));
}

// The same formulas as a careful user would write them on doubles (W, J, s, USD).
double crf(double r, double years) {
  return r == 0.0 ? 1.0 / years : r / -std::expm1(-years * std::log1p(r));
}

// The raw engine's inputs, stored canonically as tpw stores them (s, USD/J, USD/s, USD/W), so
// that the two engines differ only in their types.
struct raw_case {
  double throughput, utilization, active_w, idle_w, pue, accelerators_per_system;
  double price, life_s, residual, cost_of_capital, build_usd_per_w, facility_life_s, usd_per_j;
  double maintenance, opex_price, software_per_s, other_per_s;
};

void raw_doubles(benchmark::State& state) {
  const double year_s = 8760.0 * 3600.0;
  std::vector<raw_case> all;
  for (const inputs& c : cases()) {
    all.push_back({c.throughput, c.utilization, c.active_w, c.idle_w, c.pue,
                   c.accelerators_per_system, c.price, c.life_years * year_s, c.residual,
                   c.cost_of_capital, c.build_usd_per_w, c.facility_life_years * year_s,
                   c.usd_per_kwh / 3.6e6, c.maintenance, c.opex_price, c.software_per_year / year_s,
                   c.other_per_year / year_s});
  }
  for (auto _ : state) {
    double sum = 0.0;
    for (const raw_case& c : all) {
      const double gpu_price = c.price / c.accelerators_per_system;
      const double years = c.life_s / year_s;
      // (1 + r)^-L and the CRF from one exponent, as the careful user writes it when both are due.
      const double g = -years * std::log1p(c.cost_of_capital);
      const double hw_crf =
          c.cost_of_capital == 0.0 ? 1.0 / years : c.cost_of_capital / -std::expm1(g);
      const double hw = (gpu_price - c.residual * gpu_price * std::exp(g)) * hw_crf / year_s;
      const double fac = c.build_usd_per_w * c.active_w *
                         crf(c.cost_of_capital, c.facility_life_s / year_s) / year_s;
      const double avg_w = c.utilization * c.active_w + (1.0 - c.utilization) * c.idle_w;
      const double en = avg_w * c.pue * c.usd_per_j;
      const double op = c.maintenance * (c.opex_price / c.accelerators_per_system) / year_s +
                        c.software_per_s + c.other_per_s;
      const double total = hw + fac + en + op;
      const double tok_s = c.throughput * c.utilization;
      const double tokens_per_joule = tok_s / (avg_w * c.pue);
      // The same eleven figures as checksum() adds for tpw.
      sum += total / tok_s + hw / tok_s + fac / tok_s + en / tok_s + op / tok_s + total * 3600.0 +
             tokens_per_joule + 1.0 / tokens_per_joule + c.throughput / (c.active_w * c.pue) +
             (en + fac + op == 0.0 ? 0.0 : en / (en + fac + op)) +
             (total == 0.0 ? 0.0 : en / total);
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
