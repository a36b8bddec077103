#!/usr/bin/env bash
# Cost to include: seconds to compile (-O2, -c) a file that evaluates one deployment through the
# core header tpw/model.hpp, and through the umbrella tpw/tpw.hpp, against a baseline file that
# does the same arithmetic on doubles with no tpw at all. Best of 3 runs each, in one run.
# Target: core <= 1.5 s on the project's 2-core machines.
#   bench/compile_time.sh [compiler] [include-dir]
set -euo pipefail
cxx=${1:-c++}
include=${2:-$(cd "$(dirname "$0")/.." && pwd)/include}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/baseline.cpp" <<'CPP'
#include <cmath>
#include <cstdio>
int main() {
  const double usd_per_hour = 3.9e6 / 72 * 0.3019 / 8760 + 1.45 * 1.2 * 0.08;
  std::printf("%g\n", usd_per_hour / (5789.6 * 0.7 * 3600 / 1e6));
}
CPP
for header in model tpw; do
  cat >"$work/$header.cpp" <<CPP
#include <cstdio>
#include <tpw/$header.hpp>
int main() {
  using namespace tpw::literals;
  const tpw::deployment rack({.accelerators_per_system = 72, .it_power = 132.0_kW,
                              .idle_power = 40.0_kW, .pue = tpw::pue{1.2},
                              .utilization = tpw::fraction{0.7}, .throughput = 5789.6_tok_per_s});
  const auto e = tpw::evaluate(rack,
      tpw::owned_hardware<tpw::USD>({.price_per_system = 3.9e6_USD, .life = 4.0_yr,
                                     .cost_of_capital = tpw::annual_rate{0.08}}),
      tpw::energy_cost<tpw::USD>({.price = 0.08_USD / tpw::units::kWh}));
  std::printf("%g\n", tpw::in(e.cost_per_token.total, tpw::units::usd / tpw::units::Mtok));
}
CPP
done

best_of_3() {
  local best=""
  for _ in 1 2 3; do
    local start end t
    start=$(date +%s.%N)
    "$cxx" -std=c++20 -O2 -I"$include" -c "$work/$1.cpp" -o "$work/$1.o"
    end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  printf '%.3f' "$best"
}

base=$(best_of_3 baseline)
core=$(best_of_3 model)
umbrella=$(best_of_3 tpw)
echo "compiler: $("$cxx" --version | head -n 1)"
printf 'baseline (no tpw)    %6.3f s\n' "$base"
printf 'core tpw/model.hpp   %6.3f s   ratio %.2f   (target <= 1.5 s)\n' "$core" \
  "$(awk -v a="$core" -v b="$base" 'BEGIN { print a / b }')"
printf 'umbrella tpw/tpw.hpp %6.3f s   ratio %.2f\n' "$umbrella" "$(awk -v a="$umbrella" -v b="$base" 'BEGIN { print a / b }')"
