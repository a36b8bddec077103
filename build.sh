#!/usr/bin/env bash
# tpw's two commands, and the checks CI adds:
#   ./build.sh demo          build and run the what-if program on its built-in default study
#   ./build.sh test [PRESET] build and run every test (PRESET: dev (default), release, asan, clang)
#   ./build.sh format-check  fail on any clang-format difference in the tree (CI runs it)
# Installs the Debian packages tpw needs when they are missing (as root), or prints the command.
set -euo pipefail
cd "$(dirname "$0")"

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }

# A package is present when dpkg says so, or when what tpw needs from it is already there (a
# non-Debian system, or a copy installed by hand): PACKAGE:FILE-OR-COMMAND pairs.
# With --optional first, a missing package is only reported when it cannot be installed: the
# parts of tpw that need it (the MPI path) are then not built.
ensure_packages() {
  local optional=false
  if [ "${1:-}" = --optional ]; then
    optional=true
    shift
  fi
  local missing=()
  for entry in "$@"; do
    local pkg=${entry%%:*} provides=${entry#*:}
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      continue
    fi
    if [ -e "/usr/include/$provides" ] || [ -e "/usr/local/include/$provides" ] ||
      command -v "$provides" >/dev/null 2>&1; then
      continue
    fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "build.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif $optional; then
    echo "build.sh: optional packages missing (the parts that need them are skipped): install" \
      "them with: sudo apt-get install -y ${missing[*]}" >&2
  else
    echo "build.sh: missing packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

action=${1:-}
preset=${2:-dev}
if [ "$action" = format-check ]; then
  ensure_packages clang-format:clang-format
  # Every C++ and CUDA source git tracks, against the project's .clang-format.
  git ls-files -z '*.hpp' '*.cpp' '*.cu' '*.cuh' | xargs -0 clang-format --dry-run --Werror
  echo "build.sh: every source is formatted ($(clang-format --version))"
  exit 0
fi
packages=(libboost-dev:boost/units/quantity.hpp libeigen3-dev:eigen3/Eigen/Core
  doctest-dev:doctest/doctest.h nlohmann-json3-dev:nlohmann/json.hpp)
[ "$preset" = clang ] && packages+=(clang:clang++)
command -v ninja >/dev/null || packages+=(make:make)
ensure_packages "${packages[@]}"
# The test suite also runs the MPI path (Open MPI) and draws the what-if charts (gnuplot), when
# they can be had.
if [ "$action" = test ]; then
  ensure_packages --optional libopenmpi-dev:mpi.h openmpi-bin:mpirun gnuplot-nox:gnuplot
fi

# Ninja when it is there, Make otherwise; a build folder keeps the generator it was made with.
if [ -z "${CMAKE_GENERATOR:-}" ] && command -v ninja >/dev/null; then export CMAKE_GENERATOR=Ninja; fi
jobs=$(nproc 2>/dev/null || echo 2)

case "$action" in
  demo)
    cmake --preset release >/dev/null
    cmake --build --preset release --target tpw-whatif --parallel "$jobs" >/dev/null
    ./build/release/examples/tpw-whatif
    ;;
  test)
    cmake --preset "$preset"
    cmake --build --preset "$preset" --parallel "$jobs"
    ctest --preset "$preset" --parallel "$jobs"
    ;;
  *)
    usage
    exit 2
    ;;
esac
