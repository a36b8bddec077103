"""The 8-input cost model of the benchmarks, in numpy, shared by mc_cost_numpy.py and
whatif_numpy.py: GB200 NVL72 serving DeepSeek-R1 8k/1k (docs/scenario.md's example), per system
of 72 accelerators, with the inputs of bench/whatif_8_inputs.json. docs/report.md defines the
figures.
"""
import numpy as np

HOURS_PER_YEAR = 8760.0
GPUS = 72.0
IT_KW, IDLE_KW = 132.0, 40.0
LIFE, RESIDUAL, FACILITY_LIFE = 4.0, 0.1, 15.0
SOFTWARE, MAINTENANCE = 4500.0, 0.03


def crf(r, years):
    return r / (1.0 - (1.0 + r) ** -years)


def draw_inputs(rng, n):
    """The eight uncertain inputs, N samples each, from numpy's own generators."""
    return {
        "utilization": rng.triangular(0.5, 0.7, 0.85, n),
        "throughput": rng.lognormal(np.log(5789.6), 0.2, n),
        "price_kwh": rng.triangular(0.04, 0.08, 0.15, n),
        "pue": rng.uniform(1.1, 1.4, n),
        "hw_price": rng.normal(3.9e6, 0.3e6, n),
        "rate": rng.uniform(0.05, 0.12, n),
        "build_per_mw": rng.triangular(9e6, 11.7e6, 15e6, n),
        "token_price": rng.uniform(1.5, 2.5, n),
    }


def hourly_lines(x):
    """The hourly cost lines per accelerator (hardware, facility, energy, opex) and the average
    power per accelerator in kW."""
    rate, hw_price = x["rate"], x["hw_price"]
    hardware = (hw_price - RESIDUAL * hw_price * (1 + rate) ** -LIFE) * crf(rate, LIFE) \
        / HOURS_PER_YEAR / GPUS
    facility = x["build_per_mw"] * (IT_KW / 1000.0) * crf(rate, FACILITY_LIFE) / HOURS_PER_YEAR / GPUS
    avg_kw = (x["utilization"] * IT_KW + (1 - x["utilization"]) * IDLE_KW) / GPUS
    energy = avg_kw * x["pue"] * x["price_kwh"]
    opex = (MAINTENANCE * hw_price / GPUS + SOFTWARE) / HOURS_PER_YEAR
    return hardware, facility, energy, opex, avg_kw


def report_figures(lines, utilization, throughput, avg_kw, pue, token_price, accelerators):
    """The what-if report's thirteen figures per sample, from the hourly cost lines per
    accelerator (hardware, facility, energy, opex), over a site of `accelerators`."""
    hardware, facility, energy, opex = lines
    per_hour = hardware + facility + energy + opex
    mtok_per_hour = throughput * 3600.0 * utilization / 1e6
    facility_w = IT_KW * 1000.0 / GPUS * pue
    figures = {
        "cost_per_mtok": per_hour / mtok_per_hour,
        "cost_per_mtok.hardware": hardware / mtok_per_hour,
        "cost_per_mtok.facility": facility / mtok_per_hour,
        "cost_per_mtok.energy": energy / mtok_per_hour,
        "cost_per_mtok.opex": opex / mtok_per_hour,
        "cost_per_accelerator_hour": per_hour,
        "tokens_per_joule": utilization * throughput / (avg_kw * 1000.0 * pue),
        # Constant where the throughput and PUE are: an array of samples either way.
        "tokens_per_s_per_mw": np.broadcast_to(throughput * 1e6 / facility_w, np.shape(per_hour)),
        "revenue_per_mw_year": token_price * mtok_per_hour * HOURS_PER_YEAR / (facility_w / 1e6),
    }
    figures["gross_margin"] = 1.0 - figures["cost_per_mtok"] / token_price
    # The site: a year of 8,760 hours of its accelerators.
    site_mtok = mtok_per_hour * HOURS_PER_YEAR * accelerators
    figures["site_tokens_per_year"] = site_mtok * 1e6
    figures["site_cost_per_year"] = figures["cost_per_mtok"] * site_mtok
    figures["site_revenue_per_year"] = token_price * site_mtok
    return figures
