// tpw-whatif-mpi: tpw-whatif with its Monte Carlo shared across MPI ranks (built when CMake finds
// MPI). Every rank runs the program on the same arguments; the statistics of each scenario (its
// cost figures, and a project's NPVs) and their Sobol' indices are computed by tpw::mpi::run and
// tpw::mpi::sobol, each rank taking its share of the samples, and the first rank prints the report
// and writes the charts and CSV files. The report is the same, to the last digit, on any number
// of ranks.
//
//   mpirun -np 4 ./build/release/examples/tpw-whatif-mpi [tpw-whatif's options, but --gpu]
//
// A rank is one thread: --threads defaults to 1 here (start one rank per core). The tornado and a
// project's IRR and payback are computed by every rank alike, on its threads.
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include <tpw/mpi/engine.hpp>

#include "whatif/app.hpp"

namespace {

// A stream that keeps nothing: what the other ranks would print.
struct null_buffer : std::streambuf {
  int overflow(int c) override { return c; }
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  tpw_whatif::remove_temporary_files_on_signal();  // Ctrl-C leaves no .part file behind

  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--threads") == args.end()) {
    args.insert(args.end(), {"--threads", "1"});
  }
  using C = tpw::io::scenario_currency;
  tpw_whatif::process p;
  p.engine.run = [](const tpw::mc::cost_plan& plan, const tpw::mc::run_options& o) {
    return tpw::mpi::run<C>(MPI_COMM_WORLD, plan, o);
  };
  p.engine.run_project = [](const tpw::mc::project_plan& plan, const tpw::mc::run_options& o) {
    return tpw::mpi::run<C>(MPI_COMM_WORLD, plan, o);
  };
  p.engine.sobol = [](const tpw::mc::cost_plan& plan, const tpw::mc::sobol_options& o) {
    return tpw::mpi::sobol<C>(MPI_COMM_WORLD, plan, o);
  };
  p.engine.sobol_project = [](const tpw::mc::project_plan& plan, const tpw::mc::sobol_options& o) {
    return tpw::mpi::sobol<C>(MPI_COMM_WORLD, plan, o);
  };
  p.writes = rank == 0;
  p.all_passed = [](bool passed) {
    int all = passed ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all == 1;
  };

  null_buffer nothing;
  std::ostream quiet(&nothing);
  int status = 0;
  if (rank == 0) {
    status = tpw_whatif::run_whatif(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1, {}, p);
    if ((std::fflush(stdout) != 0 || std::ferror(stdout) != 0) && status == 0) {
      std::cerr << "tpw-whatif: cannot write the report to standard output\n";
      status = 1;
    }
  } else {
    status = tpw_whatif::run_whatif(args, quiet, quiet, false, {}, p);
  }
  MPI_Finalize();
  return status;
}
