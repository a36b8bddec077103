#!/usr/bin/python3
"""The 8-input cost model of bench/mc_cost_model.cpp, written the way a planner writes it in numpy:
draw every input as an array of N samples, evaluate the model on whole arrays, then summarize.

Usage: mc_cost_numpy.py N SEED  ->  prints seconds, peak RSS (MB) and the statistics.
"""
import resource
import sys
import time

import numpy as np

HOURS_PER_YEAR = 8760.0


def crf(r, years):
    return r / (1.0 - (1.0 + r) ** -years)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
    start = time.perf_counter()
    rng = np.random.default_rng(seed)

    # GB200 NVL72 serving DeepSeek-R1 (docs/scenario.md's example), per system of 72 GPUs.
    gpus = 72.0
    it_kw, idle_kw = 132.0, 40.0
    life, residual, facility_life = 4.0, 0.1, 15.0
    software, maintenance = 4500.0, 0.03

    # The eight uncertain inputs.
    utilization = rng.triangular(0.5, 0.7, 0.85, n)
    throughput = rng.lognormal(np.log(5789.6), 0.2, n)
    price_kwh = rng.triangular(0.04, 0.08, 0.15, n)
    pue = rng.uniform(1.1, 1.4, n)
    hw_price = rng.normal(3.9e6, 0.3e6, n)
    rate = rng.uniform(0.05, 0.12, n)
    build_per_mw = rng.triangular(9e6, 11.7e6, 15e6, n)
    token_price = rng.uniform(1.5, 2.5, n)

    # Per GPU-hour costs.
    hardware = (hw_price - residual * hw_price * (1 + rate) ** -life) * crf(rate, life) / HOURS_PER_YEAR / gpus
    facility = build_per_mw * (it_kw / 1000.0) * crf(rate, facility_life) / HOURS_PER_YEAR / gpus
    avg_kw = (utilization * it_kw + (1 - utilization) * idle_kw) / gpus
    energy = avg_kw * pue * price_kwh
    opex = (maintenance * hw_price / gpus + software) / HOURS_PER_YEAR
    tokens_per_hour = throughput * 3600.0 * utilization
    cost_per_mtok = (hardware + facility + energy + opex) / tokens_per_hour * 1e6
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
