#!/usr/bin/python3
"""The 8-input cost model of bench/mc_cost_model.cpp, written the way a planner writes it in numpy:
draw every input as an array of N samples, evaluate the model on whole arrays, then summarize.

Usage: mc_cost_numpy.py N SEED  ->  prints seconds, peak RSS (MB) and the statistics.
"""
import resource
import sys
import time

import numpy as np

from numpy_cost_model import draw_inputs, hourly_lines


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    x = draw_inputs(rng, n)
    hardware, facility, energy, opex, _ = hourly_lines(x)
    tokens_per_hour = x["throughput"] * 3600.0 * x["utilization"]
    cost_per_mtok = (hardware + facility + energy + opex) / tokens_per_hour * 1e6
    token_price = x["token_price"]
    margin = 1.0 - cost_per_mtok / token_price

    mean = cost_per_mtok.mean()
    sd = cost_per_mtok.std(ddof=1)
    p5, p50, p95 = np.percentile(cost_per_mtok, [5, 50, 95])
    exceed = (cost_per_mtok > token_price).mean()
    m_p5 = np.percentile(margin, 5)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"numpy seconds={seconds:.3f} peak_mb={peak_mb:.0f} mean={mean:.6f} sd={sd:.6f} "
          f"p5={p5:.6f} p50={p50:.6f} p95={p95:.6f} p_cost_above_price={exceed:.6f} "
          f"margin_p5={m_p5:.6f}")


if __name__ == "__main__":
    main()
