#!/usr/bin/python3
"""What `tpw-whatif --scenario bench/whatif_8_inputs.json` reports, written in numpy the way an
analyst writes it: draw each of the 8 uncertain inputs as an array of N samples (numpy's own
generators), evaluate the thirteen figures (the cost model's ten, and the site's tokens, cost and
revenue a year) on whole arrays, then summarize each figure with the
statistics of the what-if report: mean, sd, standard error, min, max, P5, P10, P50, P90, P95
(linear interpolation between order statistics, as tpw does).

Usage: whatif_numpy.py N [SEED]  ->  one JSON object: seconds, peak_mb and the statistics.
The model and its inputs (bench/numpy_cost_model.py) are those of bench/whatif_8_inputs.json
(docs/report.md defines the figures); keep the two in step.
"""
import json
import resource
import sys
import time

import numpy as np

from numpy_cost_model import GPUS, draw_inputs, hourly_lines, report_figures


def summarize(x):
    p = np.percentile(x, [5, 10, 50, 90, 95])
    sd = x.std(ddof=1)
    return {"mean": float(x.mean()), "sd": float(sd), "standard_error": float(sd / np.sqrt(x.size)),
            "min": float(x.min()), "max": float(x.max()), "p5": float(p[0]), "p10": float(p[1]),
            "p50": float(p[2]), "p90": float(p[3]), "p95": float(p[4])}


def main():
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
    start = time.perf_counter()
    rng = np.random.default_rng(seed)

    x = draw_inputs(rng, n)
    utilization, throughput, pue = x["utilization"], x["throughput"], x["pue"]
    hardware, facility, energy, opex, avg_kw = hourly_lines(x)
    # One system of GPUS accelerators.
    figures = report_figures((hardware, facility, energy, opex), utilization, throughput, avg_kw,
                             pue, x["token_price"], GPUS)
    outputs = {name: summarize(x) for name, x in figures.items()}

    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"samples": n, "seconds": seconds, "peak_mb": peak_mb, "outputs": outputs}))


if __name__ == "__main__":
    main()
