#!/usr/bin/python3
"""What `tpw-whatif --scenario bench/demand_8760_4_inputs.json` reports, written in numpy: a fleet
of GB200 NVL72 racks sized for the P90 of an uncertain demand scale on a year of hourly request
rates (bench/demand_8760.csv), with Erlang C and the Allen-Cunneen correction; then, per sample,
the demand scale, the cost of capital, the hardware price and the facility's build cost drawn
from numpy's generators, each sample's utilization and time-of-use bill (with a demand charge)
from prefix sums over the hours sorted by rate (searchsorted on whole arrays), the cost lines and
the figures, summarized with the statistics of the what-if report.

Usage: demand_numpy.py N [SEED] [--walk | --tariff]  ->  one JSON object: seconds, peak_mb, the
fleet and the statistics. --tariff: bench/demand_8760_tariff_4_inputs.json instead: the cost of
capital, hardware price and build cost fixed, and the tariff's level, its demand charge and a 12 MW
PPA's price uncertain beside the demand scale (the energy beyond the block at the tariff, each
month's peak above it charged). --walk computes each sample's utilization and bill the direct way instead, over
the 8,760 hours (samples in chunks of 256, hours as the second axis), as the model reads before
one sees the prefix sums. Keep it in step with bench/demand_8760_4_inputs.json (docs/capacity.md defines the
model).
"""
import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np

from numpy_cost_model import crf, report_figures
from whatif_numpy import summarize

HERE = os.path.dirname(os.path.abspath(__file__))
HOURS = 8760
GPUS, IT_KW, IDLE_KW, PUE = 72.0, 132.0, 40.0, 1.2
THROUGHPUT, INTERACTIVITY, TTFT = 5789.6, 75.0, 0.7
INPUT, OUTPUT, OUTPUT_CV = 8192.0, 1024.0, 1.0
MAX_TTFT, PERCENTILE = 2.0, 0.9
SCALE_SIGMA, SIZE_FOR = 0.15, 0.9
LIFE, RESIDUAL, FACILITY_LIFE = 4.0, 0.1, 15.0
SOFTWARE, MAINTENANCE, TOKEN_PRICE = 4500.0, 0.03, 2.0
TOU = [0.06] * 8 + [0.07] * 4 + [0.08] * 2 + [0.10] * 6 + [0.07] * 2 + [0.06] * 2
DEMAND_CHARGE = 12.0  # per kW-month
PPA_KW = 12000.0  # --tariff: the PPA's block
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def erlang_c(c, a):
    """Erlang C from the Poisson pmf and cdf in logs: B = P(N = c) / P(N <= c)."""
    k = np.arange(c + 1, dtype=float)
    log_pmf = k * math.log(a) - a - np.concatenate(([0.0], np.cumsum(np.log(k[1:]))))
    top = log_pmf.max()
    pmf = np.exp(log_pmf - top)
    b = pmf[-1] / pmf.sum()
    return c * b / (c - a * (1.0 - b))


def wait_exceeds(systems, rate, streams, hold, cs):
    c = systems * streams
    a = rate * hold
    if a >= c:
        return 1.0
    factor = (1.0 + cs * cs) / 2.0
    return erlang_c(c, a) * math.exp(-(c / hold - rate) * (MAX_TTFT - TTFT) / factor)


def main():
    args = [a for a in sys.argv[1:] if a not in ("--walk", "--tariff")]
    walk = "--walk" in sys.argv[1:]
    tariff = "--tariff" in sys.argv[1:]
    n = int(float(args[0])) if args else 1_000_000
    seed = int(args[1]) if len(args) > 1 else 42
    start = time.perf_counter()
    rates = np.loadtxt(os.path.join(HERE, "demand_8760.csv"), comments="#", skiprows=4)

    # The service model and the fleet: sized for the scale's P90 at the peak hour.
    tokens = INPUT + OUTPUT
    hold = TTFT + OUTPUT / INTERACTIVITY
    streams = math.floor(GPUS * THROUGHPUT * hold / tokens * (1 + 1e-9))
    cs = (OUTPUT / INTERACTIVITY) / hold * OUTPUT_CV
    eps = 1.0 - PERCENTILE
    sizing_scale = math.exp(SCALE_SIGMA * statistics.NormalDist().inv_cdf(SIZE_FOR))
    peak = rates.max() * sizing_scale
    systems = math.floor(peak * hold / streams) + 1
    while wait_exceeds(systems, peak, streams, hold, cs) > eps:
        systems += 1
    low, high = 0.0, systems * streams / hold
    for _ in range(200):
        if high - low <= 1e-12 * high:
            break
        mid = 0.5 * (low + high)
        if wait_exceeds(systems, mid, streams, hold, cs) <= eps:
            low = mid
        else:
            high = mid
    servable = low

    # The hours sorted by rate, highest first, with prefix sums for the bill.
    hod = np.arange(HOURS) % 24
    month = np.repeat(np.arange(12), np.array(DAYS_IN_MONTH) * 24)
    price = np.array(TOU)[hod]
    order = np.argsort(-rates, kind="stable")
    r_sorted = rates[order]
    p_sorted = price[order]
    prefix = lambda v: np.concatenate(([0.0], np.cumsum(v)))
    rate_sum, price_sum, price_rate_sum = prefix(r_sorted), prefix(p_sorted), prefix(p_sorted * r_sorted)
    month_peak = np.array([rates[month == m].max() for m in range(12)])
    neg_sorted = -r_sorted  # ascending, for searchsorted
    idle_kw = systems * IDLE_KW * PUE
    per_served_kw = (IT_KW - IDLE_KW) * PUE * tokens / (GPUS * THROUGHPUT)
    capacity_tokens = systems * GPUS * THROUGHPUT * 3600.0 * HOURS

    rng = np.random.default_rng(seed)
    x = rng.lognormal(0.0, SCALE_SIGMA, n)
    if tariff:
        rate, hw_price, build = 0.08, 3.9e6, 11.7e6
        level = rng.triangular(0.8, 1.0, 1.3, n)
        demand_charge = rng.uniform(8.0, 16.0, n)
        ppa_per_kwh = rng.uniform(40.0, 70.0, n) / 1000.0
    else:
        rate = rng.uniform(0.05, 0.12, n)
        hw_price = rng.normal(3.9e6, 0.3e6, n)
        build = rng.triangular(9e6, 11.7e6, 15e6, n)

    if tariff:
        # Per sample: the hours capped (x r_h > S) and those drawing beyond the block (the served
        # rate above (block - A) / B) come first in the sorted hours.
        capped = np.searchsorted(neg_sorted, -servable / x, side="left")
        served_rate_hours = servable * capped + x * (rate_sum[-1] - rate_sum[capped])
        utilization = served_rate_hours * 3600.0 * tokens / capacity_tokens
        used_kwh = HOURS * idle_kw + per_served_kw * served_rate_hours
        threshold = (PPA_KW - idle_kw) / per_served_kw
        if threshold < 0:
            drawing = np.full(n, HOURS)
        elif servable > threshold:
            drawing = np.searchsorted(neg_sorted, -threshold / x, side="left")
        else:
            drawing = np.zeros(n, dtype=int)
        split = np.minimum(capped, drawing)
        beyond = (idle_kw - PPA_KW) * price_sum[drawing] + per_served_kw * (
            servable * price_sum[split] + x * (price_rate_sum[drawing] - price_rate_sum[split]))
        peaks = np.maximum(idle_kw + per_served_kw * np.minimum(np.outer(x, month_peak), servable)
                           - PPA_KW, 0.0)
        effective = (level * beyond + ppa_per_kwh * PPA_KW * HOURS
                     + demand_charge * peaks.sum(axis=1)) / used_kwh
    elif walk:
        # Each sample's hours: what the fleet serves, the load, the bill, the months' peaks.
        utilization = np.empty(n)
        effective = np.empty(n)
        for a in range(0, n, 256):
            b = min(n, a + 256)
            served = np.minimum(np.outer(x[a:b], rates), servable)
            load = idle_kw + per_served_kw * served
            utilization[a:b] = served.sum(axis=1) * 3600.0 * tokens / capacity_tokens
            monthly = np.maximum.reduceat(load, np.cumsum([0] + [d * 24 for d in DAYS_IN_MONTH[:-1]]), axis=1)
            bill = load @ price + DEMAND_CHARGE * monthly.sum(axis=1)
            effective[a:b] = bill / load.sum(axis=1)
    else:
        # Per sample: the hours capped at what the fleet serves (x r_h > S) come first.
        capped = np.searchsorted(neg_sorted, -servable / x, side="left")
        served_rate_hours = servable * capped + x * (rate_sum[-1] - rate_sum[capped])
        utilization = served_rate_hours * 3600.0 * tokens / capacity_tokens
        used_kwh = HOURS * idle_kw + per_served_kw * served_rate_hours
        energy_charges = idle_kw * price_sum[-1] + per_served_kw * (
            servable * price_sum[capped] + x * (price_rate_sum[-1] - price_rate_sum[capped]))
        peaks = idle_kw + per_served_kw * np.minimum(np.outer(x, month_peak), servable)
        effective = (energy_charges + DEMAND_CHARGE * peaks.sum(axis=1)) / used_kwh

    # The cost lines per accelerator-hour and the figures.
    hardware = (hw_price - RESIDUAL * hw_price * (1 + rate) ** -LIFE) * crf(rate, LIFE) / HOURS / GPUS
    facility = build * (IT_KW / 1000.0) * crf(rate, FACILITY_LIFE) / HOURS / GPUS
    avg_kw = (utilization * IT_KW + (1 - utilization) * IDLE_KW) / GPUS
    energy = avg_kw * PUE * effective
    opex = (MAINTENANCE * hw_price / GPUS + SOFTWARE) / HOURS
    figures = report_figures((hardware, facility, energy, opex), utilization, THROUGHPUT, avg_kw,
                             PUE, TOKEN_PRICE, GPUS * systems)
    outputs = {name: summarize(v) for name, v in figures.items()}

    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"samples": n, "seconds": seconds, "peak_mb": peak_mb, "systems": systems,
                      "servable_requests_per_s": servable, "outputs": outputs}))


if __name__ == "__main__":
    main()
