// The CUDA tests' main: without a GPU they exit with 77, which CTest reports as skipped (never as
// passed); with one they run and name the device.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "gpu_runs.hpp"

int main(int argc, char** argv) {
  if (tpw_test::gpu_count() == 0) {
    std::printf("tpw_cuda_tests: no CUDA device here; the GPU tests are skipped\n");
    return 77;
  }
  std::printf("tpw_cuda_tests: on %s\n", tpw_test::gpu_name().c_str());
  doctest::Context context(argc, argv);
  return context.run();
}
