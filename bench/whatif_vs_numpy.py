#!/usr/bin/python3
"""What a user runs, timed as a whole process: tpw-whatif on bench/whatif_8_inputs.json (8 uncertain
inputs, every figure, the default Latin hypercube design, every core) against bench/whatif_numpy.py,
which computes the same thirteen figures and statistics with numpy. The two take turns, so that a busy
spell of the machine slows both sides of a pair; each pair's ratio is printed, then the median.

Usage: whatif_vs_numpy.py TPW_WHATIF [N ...] [--turns K] [--scenario FILE] [--numpy-up-to N]
                          [--npv | --demand | --demand-walk | --demand-tariff | --fleet]
  N: sample counts (default 1e6 1e7 1e8); numpy runs only up to --numpy-up-to (default 1e8) and
  only where its arrays fit in this machine's memory (about 210 bytes a sample).
  --npv: the project benchmark instead: bench/npv_10y_8_inputs.json (a 10-year project, 8
  uncertain inputs, its NPV) against bench/npv_numpy.py, compared on the mean project NPV.
  --demand: the demand benchmark instead: bench/demand_8760_4_inputs.json (a fleet sized to 8,760
  hours of demand, 4 uncertain inputs, a time-of-use bill) against bench/demand_numpy.py; and
  tpw-whatif on bench/demand_24h_4_inputs.json (the same with a 24-hour profile) beside it, whose
  ratio is what the 8,760 hours cost a sample. --demand-walk: the same against demand_numpy.py
  --walk, which walks each sample's 8,760 hours instead of using prefix sums. --demand-tariff:
  bench/demand_8760_tariff_4_inputs.json (the same fleet with four uncertain demand and tariff
  inputs: the demand scale, the tariff's level, its demand charge and a PPA's price) against
  demand_numpy.py --tariff, with bench/demand_24h_tariff_4_inputs.json beside it.
  --fleet: the fleet benchmark instead: bench/fleet_10y_4_inputs.json (a 10 MW fleet over ten
  years, four generations, the opportunity-cost refresh rule run on every sample, 4 uncertain
  inputs) against bench/fleet_numpy.py, compared on the mean fleet NPV.
Prints, for each N: both wall times, both peak memories (resident set), the ratios, tpw's time
per sample, and the two programs' mean cost per Mtok (they draw different samples: they agree
within a few standard errors).
"""
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(command):
    """Wall seconds and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{command[0]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, out.decode()


def peak_mb(command):
    """Runs a command under /usr/bin/time -f %M: its own peak resident set, in MB."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, check=True)
    return int(proc.stderr.decode().strip().splitlines()[-1]) / 1024.0


def memory_mb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    whatif = args.pop(0)
    turns, scenario, numpy_up_to, counts = 3, os.path.join(HERE, "whatif_8_inputs.json"), 1e8, []
    numpy_program, figure = "whatif_numpy.py", "cost_per_mtok"
    profile_24h = None
    numpy_args = []
    bytes_per_sample = 210.0
    tpw_mean_of = None  # where tpw's report holds the compared mean (default: uncertainty.outputs)
    while args:
        a = args.pop(0)
        if a == "--turns":
            turns = int(args.pop(0))
        elif a == "--scenario":
            scenario = args.pop(0)
        elif a == "--numpy-up-to":
            numpy_up_to = float(args.pop(0))
        elif a == "--npv":
            scenario = os.path.join(HERE, "npv_10y_8_inputs.json")
            numpy_program, figure = "npv_numpy.py", "project_npv"
        elif a == "--fleet":
            scenario = os.path.join(HERE, "fleet_10y_4_inputs.json")
            numpy_program, figure = "fleet_numpy.py", "fleet_npv"
            bytes_per_sample = 3000.0  # its (generation, period, sample) tables
            tpw_mean_of = lambda report: report["fleet"]["uncertainty"]["npv"]["mean"]
        elif a in ("--demand", "--demand-walk"):
            scenario = os.path.join(HERE, "demand_8760_4_inputs.json")
            numpy_program = "demand_numpy.py"
            profile_24h = os.path.join(HERE, "demand_24h_4_inputs.json")
            numpy_args = ["--walk"] if a == "--demand-walk" else []
        elif a == "--demand-tariff":
            scenario = os.path.join(HERE, "demand_8760_tariff_4_inputs.json")
            numpy_program = "demand_numpy.py"
            profile_24h = os.path.join(HERE, "demand_24h_tariff_4_inputs.json")
            numpy_args = ["--tariff"]
        else:
            counts.append(int(float(a)))
    counts = counts or [10**6, 10**7, 10**8]
    numpy = ["/usr/bin/python3", os.path.join(HERE, numpy_program)]
    print(f"tpw-whatif: {whatif} --scenario {scenario}; numpy: {' '.join(numpy + numpy_args)}; "
          f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    for n in counts:
        tpw_cmd = [whatif, "--scenario", scenario, "--samples", str(n), "--json"]
        np_cmd = numpy + [str(n), "42"] + numpy_args
        with_numpy = n <= numpy_up_to and n * bytes_per_sample / 1e6 < 0.8 * memory_mb()
        run(tpw_cmd)  # untimed: the first run loads the program and wakes the cores
        tpw_times, np_times, day_times = [], [], []
        day_cmd = [whatif, "--scenario", profile_24h, "--samples", str(n), "--json"] if profile_24h else None
        for _ in range(turns):
            wall, out = run(tpw_cmd)
            tpw_times.append(wall)
            if day_cmd:
                day_times.append(run(day_cmd)[0])
            report = json.loads(out)
            tpw_mean = (tpw_mean_of(report) if tpw_mean_of
                        else report["uncertainty"]["outputs"][figure]["mean"])
            if with_numpy:
                wall, out = run(np_cmd)
                np_times.append(wall)
                np_out = json.loads(out)["outputs"][figure]
        tpw_peak = peak_mb(tpw_cmd)
        line = (f"N={n:.0e}: tpw-whatif {min(tpw_times):.3f} to {max(tpw_times):.3f} s "
                f"({1e9 * statistics.median(tpw_times) / n:.1f} ns a sample), peak {tpw_peak:.0f} MB")
        if with_numpy:
            ratios = [b / a for a, b in zip(tpw_times, np_times)]
            np_peak = peak_mb(np_cmd)
            line += (f"; numpy {min(np_times):.3f} to {max(np_times):.3f} s, peak {np_peak:.0f} MB; "
                     f"pair ratios {', '.join(f'{r:.1f}' for r in ratios)}: tpw-whatif "
                     f"{statistics.median(ratios):.1f}x faster (median), "
                     f"{min(np_times) / min(tpw_times):.1f}x best against best, "
                     f"{np_peak / tpw_peak:.0f}x less memory; mean {figure} {tpw_mean:.6g} "
                     f"(tpw) and {np_out['mean']:.6g} +- {np_out['standard_error']:.3g} (numpy)")
        else:
            line += "; numpy not run (its arrays would not fit in memory, or above --numpy-up-to)"
        if day_times:
            day_ratios = [a / b for a, b in zip(tpw_times, day_times)]
            line += (f"; the 24-hour profile {min(day_times):.3f} to {max(day_times):.3f} s: 8,760 "
                     f"hours over 24, pair ratios {', '.join(f'{r:.2f}' for r in day_ratios)} "
                     f"(median {statistics.median(day_ratios):.2f})")
        print(line, flush=True)


if __name__ == "__main__":
    main()
