#!/usr/bin/python3
"""What `tpw-whatif --scenario bench/whatif_8_inputs.json` reports, written in numpy the way an
analyst writes it: draw each of the 8 uncertain inputs as an array of N samples (numpy's own
generators), evaluate the ten figures on whole arrays, then summarize each figure with the
statistics of the what-if report: mean, sd, standard error, min, max, P5, P10, P50, P90, P95
(linear interpolation between order statistics, as tpw does).

Usage: whatif_numpy.py N [SEED]  ->  one JSON object: seconds, peak_mb and the statistics.
The model and its inputs are those of bench/whatif_8_inputs.json (docs/report.md defines the
figures); keep the two in step.
"""
import json
import resource
import sys
import time

import numpy as np

HOURS_PER_YEAR = 8760.0


def crf(r, years):
    return r / (1.0 - (1.0 + r) ** -years)


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

    # GB200 NVL72 serving DeepSeek-R1 8k/1k, per system of 72 accelerators.
    gpus = 72.0
    it_kw, idle_kw = 132.0, 40.0
    life, residual, facility_life = 4.0, 0.1, 15.0
    software, maintenance = 4500.0, 0.03

    # The eight uncertain inputs.
    utilization = rng.triangular(0.5, 0.7, 0.85, n)
    throughput = rng.lognormal(np.log(5789.6), 0.2, n)
    rate = rng.uniform(0.05, 0.12, n)
    hw_price = rng.normal(3.9e6, 0.3e6, n)
    build_per_mw = rng.triangular(9e6, 11.7e6, 15e6, n)
    price_kwh = rng.triangular(0.04, 0.08, 0.15, n)
    pue = rng.uniform(1.1, 1.4, n)
    token_price = rng.uniform(1.5, 2.5, n)

    # The hourly cost lines per accelerator.
    hardware = (hw_price - residual * hw_price * (1 + rate) ** -life) * crf(rate, life) \
        / HOURS_PER_YEAR / gpus
    facility = build_per_mw * (it_kw / 1000.0) * crf(rate, facility_life) / HOURS_PER_YEAR / gpus
    avg_kw = (utilization * it_kw + (1 - utilization) * idle_kw) / gpus
    energy = avg_kw * pue * price_kwh
    opex = (maintenance * hw_price / gpus + software) / HOURS_PER_YEAR
    per_hour = hardware + facility + energy + opex
    mtok_per_hour = throughput * 3600.0 * utilization / 1e6
    facility_w = it_kw * 1000.0 / gpus * pue

    figures = {
        "cost_per_mtok": per_hour / mtok_per_hour,
        "cost_per_mtok.hardware": hardware / mtok_per_hour,
        "cost_per_mtok.facility": facility / mtok_per_hour,
        "cost_per_mtok.energy": energy / mtok_per_hour,
        "cost_per_mtok.opex": opex / mtok_per_hour,
        "cost_per_accelerator_hour": per_hour,
        "tokens_per_joule": utilization * throughput / (avg_kw * 1000.0 * pue),
        "tokens_per_s_per_mw": throughput * 1e6 / facility_w,
        "revenue_per_mw_year": token_price * mtok_per_hour * HOURS_PER_YEAR / (facility_w / 1e6),
    }
    figures["gross_margin"] = 1.0 - figures["cost_per_mtok"] / token_price
    outputs = {name: summarize(x) for name, x in figures.items()}

    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"samples": n, "seconds": seconds, "peak_mb": peak_mb, "outputs": outputs}))


if __name__ == "__main__":
    main()
