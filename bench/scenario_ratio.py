#!/usr/bin/python3
"""Two scenario files timed side by side as whole tpw-whatif processes, taking turns so that a busy
spell of the machine slows both sides of a pair: what the first costs over the second. Each pair's
ratio is printed, then the median, with each side's peak memory. Also subtracts each side's time
at 1,000 samples (reading the file, planning, the tables) to give the ratio per sample.

Usage: scenario_ratio.py TPW_WHATIF A.json B.json [N ...] [--turns K]
  N: sample counts (default 1e6 1e7); K: pairs per N (default 3).
Example (the elastic fleet on 8,760 hourly rates over a 24-hour profile):
  bench/scenario_ratio.py build/release/examples/tpw-whatif bench/demand_8760_elastic.json \\
      bench/demand_24h_elastic.json 1e6 1e7 --turns 5
"""
import statistics
import subprocess
import sys
import time


def wall(command):
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"{command[0]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def peak_mb(command):
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, check=True)
    return int(proc.stderr.decode().strip().splitlines()[-1]) / 1024.0


def main():
    args = sys.argv[1:]
    turns = 3
    if "--turns" in args:
        k = args.index("--turns")
        turns = int(args[k + 1])
        del args[k:k + 2]
    if len(args) < 3:
        sys.exit(__doc__)
    whatif, a, b = args[:3]
    counts = [int(float(n)) for n in args[3:]] or [1000000, 10000000]
    cmd = lambda f, n: [whatif, "--scenario", f, "--samples", str(n), "--json"]
    base = {f: min(wall(cmd(f, 1000)) for _ in range(3)) for f in (a, b)}
    print(f"{a} over {b}; fixed cost (1,000 samples) {base[a]:.3f} s and {base[b]:.3f} s")
    for n in counts:
        ta, tb = [], []
        for _ in range(turns):
            ta.append(wall(cmd(a, n)))
            tb.append(wall(cmd(b, n)))
        ratios = [x / y for x, y in zip(ta, tb)]
        per_sample = [(x - base[a]) / (y - base[b]) for x, y in zip(ta, tb)]
        print(f"N={n:.0e}: {min(ta):.3f} to {max(ta):.3f} s against {min(tb):.3f} to {max(tb):.3f} s; "
              f"pair ratios {', '.join(f'{r:.2f}' for r in ratios)} (median "
              f"{statistics.median(ratios):.2f}); per sample, the fixed cost apart, median "
              f"{statistics.median(per_sample):.2f}; peak {peak_mb(cmd(a, n)):.0f} MB and "
              f"{peak_mb(cmd(b, n)):.0f} MB")


if __name__ == "__main__":
    main()
