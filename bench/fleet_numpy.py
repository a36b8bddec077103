#!/usr/bin/python3
"""bench/fleet_10y_4_inputs.json's fleet as an analyst writes it in numpy: the four uncertain
inputs drawn for all samples at once, the per-MW tables by generation and period on arrays of
samples, then the opportunity-cost rule period by period over cohort slots (the installed cohort
and at most one purchase a period), with tpw's model (docs/fleet.md): a purchase fills the power
left with the generation whose purchase is worth most when positive; a cohort leaves when the best
new generation's margin net of its capital charge beats its own cash margin; idled when its margin
is negative; sold at its residual share as it leaves in the calendar, at its book value at the end.
Same inputs and distributions as the scenario file; its own draws (plain Monte Carlo).

Usage: fleet_numpy.py N SEED   prints JSON: {"outputs": {"fleet_npv": {mean, standard_error, sd,
p5, p50, p95}}, "installed_retired_by_period": [...], "first_purchase_share": [...]}
"""
import json
import sys

import numpy as np


def main():
    n, seed = int(float(sys.argv[1])), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    token_decline = rng.uniform(0.1, 0.3, n)
    b_decline = rng.uniform(0.15, 0.4, n)
    c_output = rng.uniform(6e7, 1.1e8, n)
    d_output = rng.uniform(1e8, 2e8, n)

    start, per_year, years, rate, p0, ceiling = 2026, 1, 10, 0.08, 1.0, 10.0
    periods = years * per_year
    q = (1 + rate) ** (1 / per_year) - 1
    v = (1 + q) ** -np.arange(periods + 1.0)
    ones = np.ones(n)
    # name, output (Mtok/MW-yr), running (USD/MW-yr), price (USD/MW), from, decline, life, residual
    gens = [
        ("A", 5e6 * ones, 3e6, 0.0, None, 0.0 * ones, 4, 0.0),
        ("B", 4.5e7 * ones, 5e6, 2e7, 2026, b_decline, 4, 0.1),
        ("C", c_output, 5.5e6, 2.6e7, 2028, 0.285 * ones, 4, 0.1),
        ("D", d_output, 6e6, 3.2e7, 2030, 0.285 * ones, 4, 0.1),
    ]
    G = len(gens)
    date = start + np.arange(periods) / per_year
    token_price = p0 * (1 - token_decline)[None, :] ** (np.arange(periods)[:, None] / per_year)
    margin = np.empty((G, periods, n))
    price = np.zeros((G, periods, n))
    sold = np.zeros((G, periods), dtype=bool)
    life = np.array([round(g[6] * per_year) for g in gens])
    residual = np.array([g[7] for g in gens])
    for g, (_, output, running, first_price, available, decline, _, _) in enumerate(gens):
        margin[g] = output[None, :] / per_year * token_price - running / per_year
        reference = available if available is not None else start
        price[g] = first_price * (1 - decline)[None, :] ** (date - reference)[:, None]
        if available is not None:
            sold[g] = np.floor(date) >= available
    kept = np.maximum(margin, 0.0) * v[None, 1:, None]
    prefix = np.concatenate([np.zeros((G, 1, n)), np.cumsum(kept, axis=1)], axis=1)

    def value_leaving(g, first, end, paid):
        served = end - first
        book = paid * (1 - (1 - residual[g]) * np.minimum(served, life[g]) / life[g])
        return np.where((end < periods) | (served >= life[g]), residual[g] * paid, book)

    # The value per MW of buying g at p and keeping it for its life (or to the end).
    value = np.full((G, periods, n), -np.inf)
    net_new = np.full((G, periods, n), -np.inf)
    for g in range(G):
        L = life[g]
        recovery = q / (1 - (1 + q) ** -L) if q != 0 else 1 / L
        for p in range(periods):
            if not sold[g, p]:
                continue
            end = min(p + L, periods)
            paid = price[g, p]
            value[g, p] = (prefix[g, end] - prefix[g, p] - paid * v[p]
                           + value_leaving(g, p, end, paid) * v[end])
            net_new[g, p] = margin[g, p] - (paid - residual[g] * paid * (1 + q) ** -L) * recovery
    best_value = value.max(axis=0)
    buy = np.where(best_value > 0, value.argmax(axis=0), -1)  # (periods, n); first on ties
    best_new = net_new.max(axis=0)

    slots = 1 + periods
    gen = np.zeros((slots, n), dtype=np.int64)
    cap = np.zeros((slots, n))
    first = np.zeros((slots, n), dtype=np.int64)
    end = np.zeros((slots, n), dtype=np.int64)
    bought = np.zeros((slots, n), dtype=bool)
    cap[0] = 10.0
    installed_end = (2028 + 1 - start) * per_year
    end[0] = min(installed_end, periods)
    idx = np.arange(n)
    for p in range(periods):
        can_buy = buy[p] >= 0
        for k in range(p + 1):  # slot k > 0 holds the purchase of period k - 1
            live = (first[k] <= p) & (p < end[k]) & (cap[k] > 0) & ((k == 0) | (first[k] < p))
            own = np.maximum(margin[gen[k], p, idx], 0.0)
            retire = can_buy & live & (best_new[p] > own)
            end[k] = np.where(retire, p, end[k])
        in_service = np.zeros(n)
        for k in range(p + 1):
            in_service += np.where((first[k] <= p) & (p < end[k]), cap[k], 0.0)
        left = ceiling - in_service
        new = can_buy & (left > 1e-9 * ceiling)
        g_new = np.where(new, buy[p], 0)
        slot = p + 1
        gen[slot] = g_new
        cap[slot] = np.where(new, left, 0.0)
        first[slot] = p
        end[slot] = np.where(new, np.minimum(p + life[g_new], periods), p)
        bought[slot] = new

    npv = np.zeros(n)
    for k in range(slots):
        g, f, e = gen[k], first[k], end[k]
        serves = e > f
        run = prefix[g, e, idx] - prefix[g, f, idx]
        paid = price[g, f, idx]
        sale = np.zeros(n)
        for h in range(G):
            mask = g == h
            if mask.any():
                sale[mask] = value_leaving(h, f[mask], e[mask], paid[mask])
        capital = np.where(bought[k], -paid * v[f] + sale * v[e], 0.0)
        npv += np.where(serves, cap[k] * (run + capital), 0.0)

    retired = np.bincount(end[0][end[0] < min(installed_end, periods)], minlength=periods)
    first_share = []
    for h in range(G):
        any_bought = np.zeros(n, dtype=bool)
        for k in range(1, slots):
            any_bought |= bought[k] & (gen[k] == h)
        first_share.append(float(any_bought.mean()))
    sd = float(npv.std(ddof=1))
    p5, p50, p95 = np.quantile(npv, [0.05, 0.5, 0.95])
    print(json.dumps({
        "outputs": {"fleet_npv": {"mean": float(npv.mean()), "standard_error": sd / np.sqrt(n),
                                  "sd": sd, "p5": float(p5), "p50": float(p50), "p95": float(p95)}},
        "installed_retired_by_period": (retired / n).tolist(),
        "first_purchase_share": first_share,
    }))


if __name__ == "__main__":
    main()
