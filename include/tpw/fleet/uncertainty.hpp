// tpw/fleet/uncertainty.hpp: a fleet under Monte Carlo (docs/fleet.md, "Uncertainty"): numbers of
// the spec (the token price and its decline, the discount rate, a generation's output, running
// cost, price, price decline, software gain, residual, availability) drawn from distributions,
// the rules run on every sample, and the distributions of the fleet's NPV, of each installed
// cohort's retirement, of each generation's first purchase and of its economic life.
//
// Sample i's number j is the inverse CDF of Philox draw (seed, i, j): a run is the same on any
// number of threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/fleet/plan.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/mc/sampling/philox.hpp"
#include "tpw/model/validate.hpp"

namespace tpw::fleet {

// The numbers of a spec a distribution may stand for (in the units a scenario file writes them).
enum class fleet_input {
  price_per_mtok,            // token price in the first year, per Mtok
  price_decline_per_year,    // the token price's
  discount_rate,             // annual
  mtok_per_mw_year,          // a generation's output
  running_cost_per_mw_year,  // a generation's
  price_per_mw,              // a generation's, in its first year
  generation_price_decline,  // a generation's price decline per year
  throughput_gain_per_year,  // a generation's software gain
  residual_fraction,         // a generation's
  availability,              // a generation's
};

// A number's range: [low, high], an end excluded where said.
struct fleet_input_rule {
  double low, high;
  bool low_included, high_included;
  const char* meaning;
};

[[nodiscard]] constexpr fleet_input_rule rule_of(fleet_input i) noexcept {
  switch (i) {
    case fleet_input::price_per_mtok:
      return {0.0, 1e6, true, true, "per Mtok"};
    case fleet_input::price_decline_per_year:
    case fleet_input::generation_price_decline:
      return {0.0, 1.0, true, false, "the share a price falls a year"};
    case fleet_input::discount_rate:
      return {-1.0, 1.0, false, true, "an annual rate"};
    case fleet_input::mtok_per_mw_year:
      return {0.0, 1e10, false, true, "Mtok per MW-year"};
    case fleet_input::running_cost_per_mw_year:
      return {0.0, 1e10, true, true, "per MW-year"};
    case fleet_input::price_per_mw:
      return {0.0, 1e11, true, true, "per MW"};
    case fleet_input::throughput_gain_per_year:
      return {0.0, 10.0, true, true, "the share its tokens grow a year (software)"};
    case fleet_input::residual_fraction:
      return {0.0, 1.0, true, true, "a share of its price"};
    case fleet_input::availability:
      return {0.0, 1.0, false, true, "the share of its capacity up"};
  }
  return {0.0, 0.0, true, true, ""};
}

[[nodiscard]] constexpr bool is_generation_input(fleet_input i) noexcept {
  return i != fleet_input::price_per_mtok && i != fleet_input::price_decline_per_year &&
         i != fleet_input::discount_rate;
}

// One uncertain number: which, of which generation (for a generation's), its distribution, and
// its path as the scenario writes it (for messages and reports).
struct uncertain_number {
  fleet_input input = fleet_input::price_decline_per_year;
  std::size_t generation = 0;
  mc::distribution dist = mc::distribution::fixed(0.0);
  std::string path;
};

// Sets a number of the spec, in the units a scenario writes it.
template <currency_type C>
void set_number(fleet_spec<C>& s, fleet_input i, std::size_t g, double x) {
  const auto per_mw_year = units::MW * units::year;
  switch (i) {
    case fleet_input::price_per_mtok:
      s.price = token_price<C>::from_value(x / 1e6);
      return;
    case fleet_input::price_decline_per_year:
      s.price_decline_per_year = fraction::unchecked(x);
      return;
    case fleet_input::discount_rate:
      s.discount_rate = annual_rate::unchecked(x);
      return;
    default:
      break;
  }
  generation<C>& gen = s.generations[g];
  switch (i) {
    case fleet_input::mtok_per_mw_year:
      gen.output = x * units::Mtok / per_mw_year;
      return;
    case fleet_input::running_cost_per_mw_year:
      gen.running_cost = money<C>::from_value(x) / per_mw_year;
      return;
    case fleet_input::price_per_mw:
      gen.price = money<C>::from_value(x) / units::MW;
      return;
    case fleet_input::generation_price_decline:
      gen.price_decline_per_year = fraction::unchecked(x);
      return;
    case fleet_input::throughput_gain_per_year:
      gen.throughput_gain_per_year = annual_rate::unchecked(x);
      return;
    case fleet_input::residual_fraction:
      gen.residual_fraction = fraction::unchecked(x);
      return;
    case fleet_input::availability:
      gen.availability = fraction::unchecked(x);
      return;
    default:
      return;
  }
}

// Refuses a distribution that can reach outside its number's range, naming its path.
inline void require_inside(const uncertain_number& u) {
  const fleet_input_rule r = rule_of(u.input);
  const double low = u.dist.reachable_low();
  const double high = u.dist.reachable_high();
  const bool ok = (r.low_included ? low >= r.low : low > r.low) &&
                  (r.high_included ? high <= r.high : high < r.high);
  if (!ok) {
    throw invalid_input(
        u.path, low,
        "its distribution reaches [" + tpw::detail::number_text(low) + ", " +
            tpw::detail::number_text(high) + "], outside " +
            tpw::detail::interval_text(r.low, r.high, r.low_included, r.high_included) + ": " +
            r.meaning);
  }
}

// A date or a length over the samples where it happens: the share of samples, then its mean and
// percentiles over those samples (zeros when the share is 0).
struct event_statistics {
  double share = 0.0;
  double mean = 0.0, p5 = 0.0, p50 = 0.0, p95 = 0.0;
  // For a date: the share of samples in which it falls at the start of each period (index p);
  // for a length: the share in which it lasts p periods.
  std::vector<double> share_by_period;
};

struct fleet_statistics {
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> inputs;  // the uncertain numbers' paths
  double npv_mean = 0.0, npv_sd = 0.0, npv_p5 = 0.0, npv_p50 = 0.0, npv_p95 = 0.0;
  double chance_npv_negative = 0.0;
  // By installed cohort: the date it leaves (a year, 2028.25 for the start of 2028's second
  // quarter) when before the end of its usable life (the share is the chance it is retired early).
  std::vector<event_statistics> installed_retired;
  // By generation: the date of its first purchase (the share: the chance it is bought at all).
  std::vector<event_statistics> first_purchase;
  // By generation: the years its first purchase serves, when it leaves within the calendar (the
  // share: the chance it does): the generation's economic life.
  std::vector<event_statistics> economic_life;
};

namespace detail {

inline event_statistics event_summary(std::vector<double>& values, std::uint64_t samples) {
  event_statistics e;
  if (values.empty() || samples == 0) return e;
  e.share = static_cast<double>(values.size()) / static_cast<double>(samples);
  double sum = 0.0;
  for (const double v : values) sum += v;
  e.mean = sum / static_cast<double>(values.size());
  std::sort(values.begin(), values.end());
  // The empirical quantile: the value at rank ceil(p n) (the lower median for p = 0.5).
  const auto at = [&](double p) {
    const auto n = values.size();
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
    return values[std::min(n - 1, rank == 0 ? 0 : rank - 1)];
  };
  e.p5 = at(0.05);
  e.p50 = at(0.5);
  e.p95 = at(0.95);
  return e;
}

// What one sample gives: its NPV and, by installed cohort and generation, its dates (NaN when the
// event does not happen).
struct fleet_sample {
  double npv = 0.0;
  std::vector<double> retired, first_purchase, life;
};

}  // namespace detail

// The fleet's rules run on `samples` draws of the uncertain numbers (each also checked against
// its range); threads 0 means the machine's. Throws invalid_input for a spec or a distribution
// the rules cannot take.
template <currency_type C>
fleet_statistics simulate_fleet(const fleet_spec<C>& base,
                                const std::vector<uncertain_number>& numbers, std::uint64_t samples,
                                std::uint64_t seed, unsigned threads = 0) {
  validate(base);
  if (samples < 2 || samples > 100'000'000) {
    throw invalid_input("uncertainty.samples", static_cast<double>(samples),
                        "a fleet's Monte Carlo needs 2 to 100,000,000 samples");
  }
  for (const auto& u : numbers) {
    if (is_generation_input(u.input) && u.generation >= base.generations.size()) {
      throw invalid_input(u.path, static_cast<double>(u.generation),
                          "must name one of the fleet's generations");
    }
    require_inside(u);
  }
  const std::size_t installed = base.installed.size();
  const std::size_t generations = base.generations.size();
  const int periods = base.when.periods();
  const double per_year = base.when.per_year();
  // Per sample: NPV, then retirement dates, first purchase dates, economic lives (NaN: none).
  const std::size_t width = 1 + installed + 2 * generations;
  std::vector<double> results(samples * width);

  const auto run = [&](std::uint64_t first, std::uint64_t last) {
    fleet_spec<C> s = base;
    detail::fleet_tables t;
    std::vector<cohort> cohorts;
    for (std::uint64_t i = first; i < last; ++i) {
      for (std::size_t j = 0; j < numbers.size(); ++j) {
        const double u =
            mc::open_unit_interval(mc::random_bits(seed, i, static_cast<std::uint32_t>(j)));
        set_number(s, numbers[j].input, numbers[j].generation, numbers[j].dist.quantile(u));
      }
      detail::fill_tables(s, t);
      (void)detail::plan_cohorts(s, t, cohorts);
      double* row = results.data() + i * width;
      row[0] = detail::plan_npv(t, cohorts);
      std::fill(row + 1, row + width, std::numeric_limits<double>::quiet_NaN());
      for (std::size_t k = 0; k < installed && k < cohorts.size(); ++k) {
        if (cohorts[k].retired_early(periods)) row[1 + k] = base.when.date_of(cohorts[k].end);
      }
      for (std::size_t k = installed; k < cohorts.size(); ++k) {
        const cohort& c = cohorts[k];
        double& bought = row[1 + installed + c.generation];
        if (!std::isnan(bought)) continue;  // its generation's first purchase came earlier
        bought = base.when.date_of(c.first);
        if (c.end < periods) {
          row[1 + installed + generations + c.generation] = (c.end - c.first) / per_year;
        }
      }
    }
  };
  unsigned n = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  n = static_cast<unsigned>(std::min<std::uint64_t>(n, samples));
  std::vector<std::thread> pool;
  const std::uint64_t chunk = (samples + n - 1) / n;
  for (unsigned k = 1; k < n; ++k) {
    const std::uint64_t first = std::min(samples, k * chunk);
    pool.emplace_back(run, first, std::min(samples, first + chunk));
  }
  run(0, std::min(samples, chunk));
  for (auto& th : pool) th.join();

  fleet_statistics out;
  out.samples = samples;
  out.seed = seed;
  for (const auto& u : numbers) out.inputs.push_back(u.path);
  std::vector<double> column;
  column.reserve(samples);
  const auto gather = [&](std::size_t c) {
    column.clear();
    for (std::uint64_t i = 0; i < samples; ++i) {
      const double v = results[i * width + c];
      if (!std::isnan(v)) column.push_back(v);
    }
  };
  gather(0);
  double sum = 0.0, squares = 0.0, negative = 0.0;
  for (const double v : column) {
    sum += v;
    negative += v < 0.0 ? 1.0 : 0.0;
  }
  out.npv_mean = sum / static_cast<double>(samples);
  for (const double v : column) squares += (v - out.npv_mean) * (v - out.npv_mean);
  out.npv_sd = std::sqrt(squares / static_cast<double>(samples - 1));
  out.chance_npv_negative = negative / static_cast<double>(samples);
  const event_statistics npv = detail::event_summary(column, samples);
  out.npv_p5 = npv.p5;
  out.npv_p50 = npv.p50;
  out.npv_p95 = npv.p95;
  // A date's share by period (dates are period starts, date_of(p) exactly), or a length's by
  // periods served (origin 0 for a length).
  const auto dated = [&](std::size_t c, double origin) {
    gather(c);
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(periods) + 1, 0);
    for (const double v : column) {
      const auto p = static_cast<std::size_t>(std::lround((v - origin) * per_year));
      if (p < counts.size()) ++counts[p];
    }
    std::vector<double> shares;
    for (const std::uint64_t c : counts) {
      shares.push_back(static_cast<double>(c) / static_cast<double>(samples));
    }
    event_statistics e = detail::event_summary(column, samples);
    e.share_by_period = std::move(shares);
    return e;
  };
  const double start = base.when.start_year;
  for (std::size_t k = 0; k < installed; ++k) out.installed_retired.push_back(dated(1 + k, start));
  for (std::size_t g = 0; g < generations; ++g) {
    out.first_purchase.push_back(dated(1 + installed + g, start));
  }
  for (std::size_t g = 0; g < generations; ++g) {
    out.economic_life.push_back(dated(1 + installed + generations + g, 0.0));
  }
  return out;
}

}  // namespace tpw::fleet
