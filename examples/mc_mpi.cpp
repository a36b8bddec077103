// Monte Carlo across MPI ranks: a GB200 NVL72 rack serving DeepSeek-R1 with uncertain
// utilization, throughput, power price, PUE and hardware price, 10 million samples shared by the
// ranks. Run it with any number of ranks: it prints the same numbers, to the last digit.
//
//   mpirun -np 4 ./build/release/examples/tpw-example-mc_mpi [SAMPLES]
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <tpw/io/study.hpp>
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
    // docs/scenario.md's example scenario with five uncertain inputs (the rack price around the
    // catalog's 3.1-3.3 M USD press range), read as a scenario file is.
    const tpw::io::scenario s = tpw::io::parse_scenario(R"({
      "name": "GB200 NVL72, DeepSeek-R1 8k/1k",
      "deployment": {"accelerators_per_system": 72, "it_power_kw": 132, "idle_power_kw": 40,
                     "utilization": {"dist": "triangular", "low": 0.5, "mode": 0.7, "high": 0.85},
                     "throughput_tok_s": {"dist": "lognormal", "median": 5789.6, "sigma": 0.2}},
      "costs": {
        "cost_of_capital": 0.08,
        "hardware": {"price": {"dist": "truncated_normal", "mean": 3.2e6, "sd": 0.1e6, "low": 0},
                     "life_years": 4, "residual_fraction": 0.1},
        "facility": {"build_per_mw": 11.7e6, "life_years": 15},
        "energy": {"price_per_kwh": {"dist": "triangular", "low": 0.04, "mode": 0.08, "high": 0.15},
                   "pue": {"dist": "uniform", "low": 1.1, "high": 1.4}},
        "opex": {"maintenance_fraction_per_year": 0.03, "software_per_accelerator_year": 4500}
      },
      "revenue": {"price_per_mtok": 2.0}
    })");
    const tpw::io::scenario_model model = tpw::io::model_of(s);

    mc::run_options o;
    o.samples = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
    o.seed = 2026;
    o.design = mc::design_kind::latin_hypercube;
    o.exceedances = {{"cost_per_mtok", 0.25, 0.0}};
    const mc::run_result r =
        tpw::mpi::run<tpw::io::scenario_currency>(MPI_COMM_WORLD, model.plan(), o);

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
