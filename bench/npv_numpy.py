#!/usr/bin/python3
"""The NPV of bench/npv_10y_8_inputs.json's project as an analyst writes it in numpy: every input
drawn for all samples at once, then a loop over the ten operating years on arrays of samples, with
the same formulas tpw uses (docs/definitions.md): a ramp year, a falling price, energy at the
year's utilization, colocation and opex, the hardware (5-year life) sold at its 10% residual and
bought again at the end of year 5 at a price 20% a year lower, straight-line tax depreciation of
each purchase over 5 years, 21% tax with losses carried forward, each sale's residual taxed as a
gain. Same inputs and distributions as the scenario file; its own draws (plain Monte Carlo).

Usage: npv_numpy.py N SEED   prints JSON: {"outputs": {"project_npv": {mean, standard_error, sd,
p5, p10, p50, p90, p95}}, "p_npv_at_or_below_0": ...}
"""
import json
import sys

import numpy as np

SECONDS_PER_YEAR = 365 * 86400.0


def main():
    n, seed = int(float(sys.argv[1])), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    price = rng.uniform(1.0, 2.5, n) / 1e6  # per token
    decline = rng.uniform(0.1, 0.3, n)
    utilization = rng.triangular(0.5, 0.7, 0.85, n)
    ramp = rng.uniform(0.2, 0.5, n)
    energy_price = rng.triangular(0.04, 0.08, 0.15, n) / 3.6e6  # per J
    throughput = rng.lognormal(np.log(5789.6), 0.2, n)  # tok/s per accelerator
    system_price = rng.normal(3.9e6, 3e5, n)
    rate = rng.uniform(0.06, 0.12, n)

    per_system, systems = 72, 10
    accelerators = per_system * systems
    active, idle, pue = 132e3 / per_system, 40e3 / per_system, 1.25  # W per accelerator
    colocation = 150.0 * 12 / 1000.0 * active * accelerators  # a year
    capex = system_price * systems
    opex = (0.03 * system_price / per_system + 4500.0) * accelerators  # a year
    years, tax_rate, tax_life = 10, 0.21, 5
    replacement = capex * 0.8**5  # bought at the end of year 5, its price 20% a year lower
    first_sale = 0.1 * capex  # straight-line value after the 5-year life
    last_sale = 0.1 * replacement

    npv = -capex
    losses = np.zeros(n)
    discount = np.ones(n)
    price_now = price.copy()
    for k in range(1, years + 1):
        u = ramp if k == 1 else utilization
        tokens = throughput * u * SECONDS_PER_YEAR * accelerators
        revenue = price_now * tokens
        energy = (u * active + (1 - u) * idle) * pue * energy_price * SECONDS_PER_YEAR * accelerators
        running = colocation + opex
        depreciation = capex / tax_life if k <= 5 else replacement / tax_life
        sale = first_sale if k == 5 else (last_sale if k == years else 0.0)
        income = revenue - energy - running - depreciation + sale  # book 0 when sold: all gain
        used = np.minimum(losses, np.maximum(income, 0.0))
        losses = np.where(income < 0, losses - income, losses - used)
        tax = np.where(income < 0, 0.0, (income - used) * tax_rate)
        flow = revenue - energy - running - tax + sale - (replacement if k == 5 else 0.0)
        discount = discount / (1 + rate)
        npv = npv + flow * discount
        price_now = price_now * (1 - decline)

    q = np.percentile(npv, [5, 10, 50, 90, 95])
    sd = float(np.std(npv, ddof=1))
    print(json.dumps({"outputs": {"project_npv": {
        "mean": float(np.mean(npv)), "sd": sd, "standard_error": sd / np.sqrt(n),
        "p5": q[0], "p10": q[1], "p50": q[2], "p90": q[3], "p95": q[4]}},
        "p_npv_at_or_below_0": float(np.mean(npv <= 0))}))


if __name__ == "__main__":
    main()
