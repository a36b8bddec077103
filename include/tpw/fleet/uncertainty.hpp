// tpw/fleet/uncertainty.hpp: a fleet under Monte Carlo (docs/fleet.md, "Uncertainty"): numbers of
// the spec (the token price and its decline, the discount rate, the running costs' escalation, a
// generation's output, running cost, price, price decline, software gain, residual, availability;
// the demand's first year and growth) drawn from distributions, the rules run on every sample, and
// the distributions of the fleet's NPV, of each installed cohort's retirement, of each generation's
// first purchase and of its economic life, and with a demand the share left unserved.
//
// Sample i's number j is the inverse CDF of Philox draw (seed, i, j): a run is the same on any
// number of threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/fleet/plan.hpp"
#include "tpw/mc/engine/parallel.hpp"
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
  demand_mtok_per_year,      // the demand's first year (fleet_spec::demand)
  demand_growth_per_year,    // the demand's
  energy_escalation,         // running costs' energy share: its growth a year
  opex_escalation,           // the rest of running costs: its growth a year
  price_phase_decline,       // a later phase's token price decline (uncertain_number::phase)
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
    case fleet_input::price_phase_decline:
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
    case fleet_input::demand_mtok_per_year:
      return {0.0, 1e15, false, true, "Mtok asked for in the first year"};
    case fleet_input::demand_growth_per_year:
      return {-1.0, 10.0, false, true, "the share the demand grows a year"};
    case fleet_input::energy_escalation:
    case fleet_input::opex_escalation:
      return {-0.5, 1.0, true, true, "the share a running cost grows a year"};
  }
  return {0.0, 0.0, true, true, ""};
}

[[nodiscard]] constexpr bool is_demand_input(fleet_input i) noexcept {
  return i == fleet_input::demand_mtok_per_year || i == fleet_input::demand_growth_per_year;
}

[[nodiscard]] constexpr bool is_generation_input(fleet_input i) noexcept {
  return i != fleet_input::price_per_mtok && i != fleet_input::price_decline_per_year &&
         i != fleet_input::discount_rate && i != fleet_input::energy_escalation &&
         i != fleet_input::opex_escalation && i != fleet_input::price_phase_decline &&
         !is_demand_input(i);
}

// One uncertain number: which, of which generation (for a generation's), its distribution, and
// its path as the scenario writes it (for messages and reports).
struct uncertain_number {
  fleet_input input = fleet_input::price_decline_per_year;
  std::size_t generation = 0;
  std::size_t phase = 0;  // for price_phase_decline: which of fleet_spec::price_phases
  mc::distribution dist = mc::distribution::fixed(0.0);
  std::string path;
};

// Sets a number of the spec, in the units a scenario writes it; g is the generation (the phase,
// for price_phase_decline).
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
    case fleet_input::energy_escalation:
      s.energy_escalation_per_year = annual_rate::unchecked(x);
      return;
    case fleet_input::opex_escalation:
      s.opex_escalation_per_year = annual_rate::unchecked(x);
      return;
    case fleet_input::price_phase_decline:
      s.price_phases[g].decline = fraction::unchecked(x);  // g: the phase
      return;
    default:
      break;
  }
  if (is_demand_input(i)) {
    if (!s.demand) throw invalid_input("fleet.demand", x, "must be given to set a demand's number");
    if (i == fleet_input::demand_mtok_per_year) {
      s.demand->first_year = x * units::Mtok;
    } else {
      s.demand->growth_per_year = annual_rate::unchecked(x);
    }
    return;
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
  // By generation, every purchase of it (a rule buys at most once a period): share_by_period[p] is
  // the share of samples that buy it at the start of p; `share` is the mean number of purchases a
  // sample, and the mean and percentiles are those of every purchase's date.
  std::vector<event_statistics> purchases;
  // By generation: the years its first purchase serves, when it leaves within the calendar (the
  // share: the chance it does): the generation's economic life.
  std::vector<event_statistics> economic_life;
  // By generation, the years every purchase of it serves, when it leaves within the calendar:
  // share_by_period[p] is the mean number of its purchases a sample that serve p periods, `share`
  // the mean number that leave within the calendar, and the mean and percentiles are over them
  // (a later purchase's life, which a newer generation may cut shorter than the first's).
  std::vector<event_statistics> every_life;
  // With a demand: the mean share of the calendar's tokens asked for that the fleet does not
  // make, and the chance it leaves any unserved (more than a billionth of them).
  bool meets_demand = false;
  double unserved_share_mean = 0.0;
  double chance_unserved = 0.0;
  // What fleet_npv_asks asked, in its order: the NPV's quantiles, and the chance it is at most
  // each threshold.
  std::vector<double> npv_quantiles;
  std::vector<double> npv_chance_at_most;
};

// More of the NPV's distribution than P5, P50 and P95 (a goal seek on the fleet's NPV asks for
// these): quantiles at any probability in [0, 1] (the value at rank ceil(p n), as the others),
// and P(NPV <= x) at any threshold.
struct fleet_npv_asks {
  std::vector<double> quantiles;
  std::vector<double> at_most;
};

namespace detail {

// The position of the value at rank ceil(p n) (the lower median for p = 0.5) among n values.
inline std::size_t quantile_rank(std::size_t n, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
  return std::min(n - 1, rank == 0 ? 0 : rank - 1);
}

// The empirical quantiles of a set of values at that rank, each found by selection in the part
// above the one before (no sort).
inline void quantiles_of(std::vector<double>& values, double& p5, double& p50, double& p95) {
  auto from = values.begin();
  const auto at = [&](double p) {
    const auto k = values.begin() + static_cast<std::ptrdiff_t>(quantile_rank(values.size(), p));
    std::nth_element(from, k, values.end());
    from = k;
    return *k;
  };
  p5 = at(0.05);
  p50 = at(0.5);
  p95 = at(0.95);
}

// One quantile by the same rank, by selection over all the values (their order changes).
inline double quantile_at(std::vector<double>& values, double p) {
  const auto k = values.begin() + static_cast<std::ptrdiff_t>(quantile_rank(values.size(), p));
  std::nth_element(values.begin(), k, values.end());
  return *k;
}

// A date or a length that falls on whole periods, from its count by period (index p: a date at
// origin + p / n years, a length of p / n years): the quantiles by the same rank rule.
inline event_statistics event_of_counts(const std::vector<std::uint64_t>& counts,
                                        std::uint64_t samples, double origin, double per_year) {
  event_statistics e;
  std::uint64_t total = 0;
  double sum = 0.0;
  for (std::size_t p = 0; p < counts.size(); ++p) {
    total += counts[p];
    sum += static_cast<double>(counts[p]) * (origin + static_cast<double>(p) / per_year);
    e.share_by_period.push_back(static_cast<double>(counts[p]) / static_cast<double>(samples));
  }
  if (total == 0) return e;
  e.share = static_cast<double>(total) / static_cast<double>(samples);
  e.mean = sum / static_cast<double>(total);
  const auto at = [&](double q) {
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total))));
    std::uint64_t cumulative = 0;
    for (std::size_t p = 0; p < counts.size(); ++p) {
      cumulative += counts[p];
      if (cumulative >= rank) return origin + static_cast<double>(p) / per_year;
    }
    return origin + static_cast<double>(counts.size() - 1) / per_year;
  };
  e.p5 = at(0.05);
  e.p50 = at(0.5);
  e.p95 = at(0.95);
  return e;
}

// A thread's counts: by installed cohort, the period it is retired in (when early); by
// generation, the period of its first purchase and the periods that purchase serves (when it
// leaves within the calendar). Integers, so that the merged counts do not depend on the threads.
struct fleet_counts {
  std::vector<std::vector<std::uint64_t>> retired, first_purchase, life, purchases, lives;
  fleet_counts(std::size_t installed, std::size_t generations, int periods)
      : retired(installed, std::vector<std::uint64_t>(static_cast<std::size_t>(periods) + 1)),
        first_purchase(generations,
                       std::vector<std::uint64_t>(static_cast<std::size_t>(periods) + 1)),
        life(generations, std::vector<std::uint64_t>(static_cast<std::size_t>(periods) + 1)),
        purchases(generations, std::vector<std::uint64_t>(static_cast<std::size_t>(periods) + 1)),
        lives(generations, std::vector<std::uint64_t>(static_cast<std::size_t>(periods) + 1)) {}
  void add(const fleet_counts& o) {
    const auto merge = [](auto& mine, const auto& theirs) {
      for (std::size_t k = 0; k < mine.size(); ++k) {
        for (std::size_t p = 0; p < mine[k].size(); ++p) mine[k][p] += theirs[k][p];
      }
    };
    merge(retired, o.retired);
    merge(first_purchase, o.first_purchase);
    merge(life, o.life);
    merge(purchases, o.purchases);
    merge(lives, o.lives);
  }
};

}  // namespace detail

// The most plans a Monte Carlo run of the best_npv rule may price, samples times the point plan's
// count (about 100 ns a plan: some minutes on two cores).
inline constexpr double max_plans_priced = 2e9;

// The fleet's rules run on `samples` draws of the uncertain numbers (each also checked against
// its range); threads 0 means the machine's; `asks`, more of the NPV's distribution. Throws
// invalid_input for a spec or a distribution the rules cannot take.
template <currency_type C>
fleet_statistics simulate_fleet(const fleet_spec<C>& base,
                                const std::vector<uncertain_number>& numbers, std::uint64_t samples,
                                std::uint64_t seed, unsigned threads = 0,
                                const fleet_npv_asks& asks = {}) {
  validate(base);
  for (const double p : asks.quantiles) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw invalid_input("fleet NPV quantile", p, "must be a probability in [0, 1]");
    }
  }
  for (const double x : asks.at_most) {
    if (!std::isfinite(x)) {
      throw invalid_input("fleet NPV threshold", x, "must be finite");
    }
  }
  if (samples < 2 || samples > 100'000'000) {
    throw invalid_input("uncertainty.samples", static_cast<double>(samples),
                        "a fleet's Monte Carlo needs 2 to 100,000,000 samples");
  }
  for (const auto& u : numbers) {
    if (is_generation_input(u.input) && u.generation >= base.generations.size()) {
      throw invalid_input(u.path, static_cast<double>(u.generation),
                          "must name one of the fleet's generations");
    }
    if (u.input == fleet_input::price_phase_decline && u.phase >= base.price_phases.size()) {
      throw invalid_input(u.path, static_cast<double>(u.phase),
                          "must name one of the fleet's price phases");
    }
    if (is_demand_input(u.input) && !base.demand) {
      throw invalid_input(u.path, u.dist.quantile(0.5),
                          "is a demand's number: give the fleet a demand (fleet_spec::demand)");
    }
    require_inside(u);
  }
  if (base.refresh == refresh_rule::best_npv) {
    // The search prices a few plans a sample, or thousands: bound the run before it starts, by
    // the point plan's count (a file must not hold a machine for hours).
    std::vector<cohort> point;
    const long plans = detail::plan_cohorts(base, detail::tables_of(base), point).plans;
    // With a demand a plan is served period by period: about P x K / 64 times a plan without one
    // (measured: 170 ns a plan at 8 periods and 8 cohorts, as much as a plan priced per cohort).
    const double per_plan = base.demand
                                ? std::max(1.0, static_cast<double>(base.when.periods()) *
                                                    static_cast<double>(point.size()) / 64.0)
                                : 1.0;
    const double work = static_cast<double>(plans) * static_cast<double>(samples) * per_plan;
    if (work > max_plans_priced) {
      throw invalid_input(
          "uncertainty.samples", static_cast<double>(samples),
          "with fleet.refresh \"best_npv\" each sample prices about " + std::to_string(plans) +
              " plans (the point plan's count)" +
              (per_plan > 1.0 ? ", each served period by period (" +
                                    tpw::detail::number_text(per_plan) + " plans' work)"
                              : std::string()) +
              ", and plans x samples must stay within 2e9: "
              "lower the samples, or fleet.max_plans, or use a longer step or fewer years");
    }
  }
  const std::size_t installed = base.installed.size();
  const std::size_t generations = base.generations.size();
  const int periods = base.when.periods();
  const double per_year = base.when.per_year();
  // Each sample's NPV; its dates and lengths counted by period, a set of counts a thread.
  std::vector<double> npv(samples);
  // The engine's thread policy (mc::thread_lease: 0 takes the threads no other run holds) and its
  // chunked runner; each worker keeps its own spec, tables and counts.
  const mc::thread_lease lease(threads);
  const unsigned workers = lease.count();
  struct worker_state {
    fleet_spec<C> spec;
    detail::fleet_tables tables;
    std::vector<cohort> cohorts;
    std::vector<char> bought;
    detail::fleet_counts counts;
  };
  std::vector<worker_state> state(
      workers, worker_state{base,
                            {},
                            {},
                            std::vector<char>(generations),
                            detail::fleet_counts(installed, generations, periods)});
  constexpr std::uint64_t chunk = 4096;
  const std::uint64_t chunks = (samples + chunk - 1) / chunk;
  // With a demand, each chunk's sum of unserved shares and count of samples short, added in
  // chunk order: the same on any number of threads.
  std::vector<double> unserved_by_chunk(base.demand ? chunks : 0);
  std::vector<std::uint64_t> short_by_chunk(base.demand ? chunks : 0);
  const auto work = [&](std::uint64_t c, unsigned worker) {
    worker_state& w = state[worker];
    fleet_spec<C>& s = w.spec;
    detail::fleet_tables& t = w.tables;
    std::vector<cohort>& cohorts = w.cohorts;
    detail::fleet_counts& mine = w.counts;
    for (std::uint64_t i = c * chunk; i < std::min(samples, (c + 1) * chunk); ++i) {
      for (std::size_t j = 0; j < numbers.size(); ++j) {
        const double u =
            mc::open_unit_interval(mc::random_bits(seed, i, static_cast<std::uint32_t>(j)));
        const uncertain_number& number = numbers[j];
        set_number(
            s, number.input,
            number.input == fleet_input::price_phase_decline ? number.phase : number.generation,
            number.dist.quantile(u));
      }
      detail::fill_tables(s, t);
      (void)detail::plan_cohorts(s, t, cohorts);
      npv[i] = detail::plan_npv(t, cohorts);
      if (t.meets_demand()) {
        const double share = t.unserved / t.demand_total;
        unserved_by_chunk[c] += share;
        short_by_chunk[c] += share > 1e-9 ? 1 : 0;
      }
      for (std::size_t k = 0; k < installed && k < cohorts.size(); ++k) {
        if (cohorts[k].retired_early(periods)) {
          ++mine.retired[k][static_cast<std::size_t>(cohorts[k].end)];
        }
      }
      std::fill(w.bought.begin(), w.bought.end(), 0);
      for (std::size_t k = installed; k < cohorts.size(); ++k) {
        const cohort& co = cohorts[k];
        ++mine.purchases[co.generation][static_cast<std::size_t>(co.first)];
        if (co.end < periods)
          ++mine.lives[co.generation][static_cast<std::size_t>(co.end - co.first)];
        if (w.bought[co.generation] != 0) continue;  // its generation's first purchase came earlier
        w.bought[co.generation] = 1;
        ++mine.first_purchase[co.generation][static_cast<std::size_t>(co.first)];
        if (co.end < periods) {
          ++mine.life[co.generation][static_cast<std::size_t>(co.end - co.first)];
        }
      }
    }
  };
  mc::detail::run_in_rounds(chunks, workers, chunks, std::stop_token{}, work,
                            [](std::uint64_t, std::uint64_t) {});
  detail::fleet_counts counts = std::move(state[0].counts);
  for (unsigned k = 1; k < workers; ++k) counts.add(state[k].counts);

  fleet_statistics out;
  out.samples = samples;
  out.seed = seed;
  for (const auto& u : numbers) out.inputs.push_back(u.path);
  double sum = 0.0;
  std::uint64_t negative = 0;
  for (const double v : npv) {
    sum += v;
    negative += v < 0.0 ? 1 : 0;
  }
  out.npv_mean = sum / static_cast<double>(samples);
  double squares = 0.0;
  for (const double v : npv) squares += (v - out.npv_mean) * (v - out.npv_mean);
  out.npv_sd = std::sqrt(squares / static_cast<double>(samples - 1));
  out.chance_npv_negative = static_cast<double>(negative) / static_cast<double>(samples);
  for (const double x : asks.at_most) {
    const auto below = std::count_if(npv.begin(), npv.end(), [x](double v) { return v <= x; });
    out.npv_chance_at_most.push_back(static_cast<double>(below) / static_cast<double>(samples));
  }
  detail::quantiles_of(npv, out.npv_p5, out.npv_p50, out.npv_p95);
  for (const double p : asks.quantiles) {
    out.npv_quantiles.push_back(detail::quantile_at(npv, p));
  }
  if (base.demand) {
    out.meets_demand = true;
    double unserved = 0.0;
    std::uint64_t short_of = 0;
    for (std::uint64_t c = 0; c < chunks; ++c) {
      unserved += unserved_by_chunk[c];
      short_of += short_by_chunk[c];
    }
    out.unserved_share_mean = unserved / static_cast<double>(samples);
    out.chance_unserved = static_cast<double>(short_of) / static_cast<double>(samples);
  }
  const double start = base.when.start_year;
  const auto& c = counts;
  for (std::size_t k = 0; k < installed; ++k) {
    out.installed_retired.push_back(
        detail::event_of_counts(c.retired[k], samples, start, per_year));
  }
  for (std::size_t g = 0; g < generations; ++g) {
    out.first_purchase.push_back(
        detail::event_of_counts(c.first_purchase[g], samples, start, per_year));
  }
  for (std::size_t g = 0; g < generations; ++g) {
    out.purchases.push_back(detail::event_of_counts(c.purchases[g], samples, start, per_year));
  }
  for (std::size_t g = 0; g < generations; ++g) {
    out.economic_life.push_back(detail::event_of_counts(c.life[g], samples, 0.0, per_year));
    out.every_life.push_back(detail::event_of_counts(c.lives[g], samples, 0.0, per_year));
  }
  return out;
}

}  // namespace tpw::fleet
