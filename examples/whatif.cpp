// tpw-whatif: the what-if program. With no arguments it runs its built-in default study (five
// platforms serving DeepSeek-R1 at a 100 MW site, with uncertainty) and prints a table; with
// --scenario files it compares them; --json prints the JSON report (docs/report.md); --charts draws
// them. See examples/whatif/app.hpp (the program) and --help.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "whatif/app.hpp"

#ifdef TPW_WHATIF_CUDA
// whatif_gpu.cu: tpw::cuda::run and tpw::cuda::sobol on the scenario's plan, or its project's.
tpw::mc::run_result whatif_gpu_run(const tpw::mc::cost_plan& plan,
                                   const tpw::mc::run_options& options);
std::vector<tpw::mc::sobol_indices> whatif_gpu_sobol(const tpw::mc::cost_plan& plan,
                                                     const tpw::mc::sobol_options& options);
tpw::mc::run_result whatif_gpu_run_project(const tpw::mc::project_plan& plan,
                                           const tpw::mc::run_options& options);
std::vector<tpw::mc::sobol_indices> whatif_gpu_sobol_project(const tpw::mc::project_plan& plan,
                                                             const tpw::mc::sobol_options& options);
#endif

int main(int argc, char** argv) {
  tpw_whatif::remove_temporary_files_on_signal();  // Ctrl-C leaves no .part file behind
  const std::vector<std::string> args(argv + 1, argv + argc);
  tpw_whatif::gpu_engine gpu;
#ifdef TPW_WHATIF_CUDA
  gpu = {whatif_gpu_run, whatif_gpu_sobol, whatif_gpu_run_project, whatif_gpu_sobol_project};
#endif
  const int status =
      tpw_whatif::run_whatif(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1, gpu);
  // What the C library still holds for stdout must reach it too.
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    if (status == 0) std::cerr << "tpw-whatif: cannot write the report to standard output\n";
    return status == 0 ? 1 : status;
  }
  return status;
}
