// Monte Carlo across MPI ranks: a GB200 NVL72 rack serving DeepSeek-R1 with uncertain
// utilization, throughput, power price, PUE and hardware price, 10 million samples shared by the
// ranks. Run it with any number of ranks: it prints the same numbers, to the last digit.
//
//   mpirun -np 4 ./build/release/examples/tpw-example-mc_mpi [SAMPLES]
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <tpw/mc/cost_model.hpp>
#include <tpw/mpi/engine.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int status = 0;
  try {
    namespace mc = tpw::mc;
    using mc::cost_input;
    using d = mc::distribution;
    mc::cost_parameters p;
    p[cost_input::accelerators_per_system] = 72;
    p[cost_input::it_power_kw] = 132;
    p[cost_input::idle_power_kw] = 40;
    p.idle_given = true;
    p[cost_input::utilization] = 0.7;
    p[cost_input::throughput_tok_s] = 5789.6;
    p[cost_input::cost_of_capital] = 0.08;
    p.hardware = mc::hardware_terms::owned;
    p[cost_input::hardware_price] = 3.9e6;
    p[cost_input::hardware_life_years] = 4;
    p[cost_input::hardware_residual_fraction] = 0.1;
    p.facility = mc::facility_terms::built;
    p[cost_input::facility_build_per_mw] = 11.7e6;
    p[cost_input::facility_life_years] = 15;
    p[cost_input::energy_price_per_kwh] = 0.08;
    p[cost_input::pue] = 1.2;
    p[cost_input::maintenance_fraction_per_year] = 0.03;
    p[cost_input::software_per_accelerator_year] = 4500;
    p.priced = true;
    p[cost_input::price_per_mtok] = 2.0;
    const mc::cost_model<tpw::USD> model(
        p, {{cost_input::utilization, d::triangular(0.5, 0.7, 0.85)},
            {cost_input::throughput_tok_s, d::lognormal(5789.6, 0.2)},
            {cost_input::energy_price_per_kwh, d::triangular(0.04, 0.08, 0.15)},
            {cost_input::pue, d::uniform(1.1, 1.4)},
            {cost_input::hardware_price, d::truncated_normal(3.9e6, 0.3e6, 0.0, 1e300)}});

    mc::run_options o;
    o.samples = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
    o.seed = 2026;
    o.design = mc::design_kind::latin_hypercube;
    o.exceedances = {{"cost_per_mtok", 0.25, 0.0}};
    const mc::run_result r = tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o);

    if (rank == 0) {
      std::printf("%llu samples (Latin hypercube, seed 2026)\n",
                  static_cast<unsigned long long>(o.samples));
      std::printf("%-22s %12s %12s %12s %12s\n", "output", "mean", "P5", "P50", "P95");
      for (const char* name : {"cost_per_mtok", "tokens_per_joule", "gross_margin"}) {
        const mc::output_statistics& s = r.output(name);
        std::printf("%-22s %12.6f %12.6f %12.6f %12.6f\n", name, s.mean, s.quantile(0.05),
                    s.quantile(0.5), s.quantile(0.95));
      }
      std::printf("P(cost per Mtok > 0.25 USD) = %.7f\n", r.exceedances[0].probability);
      std::fprintf(stderr, "(%d MPI ranks)\n", size);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
    status = 1;
  }
  MPI_Finalize();
  return status;
}
