// tpw/capacity/scaled_demand.hpp: a planned fleet's year as a function of a demand scale x (every
// hour's rate times x), in time that does not grow with the hours: what a Monte Carlo sample of an
// uncertain demand level costs.
//
// A fixed fleet (sized or given) serves min(x r_h, S) requests a second in hour h, S the most it
// serves at the target. An elastic fleet rents each hour's least count n(x r_h) that meets the
// target (capped under the site's power, where S is what the cap serves): n(r) = 1 + the number of
// counts k >= 1 whose servable rate S_k is below r (0 for no traffic), so the year's paid
// system-hours are the hours with traffic plus, for each k up to the peak's count, the hours
// whose x r_h passes S_k: one search per count, the S_k tabulated once up to the count that the
// highest scale's peak needs. Its load is n_h P_idle PUE + B served_h, summed the same way. Served
// requests and hours short come from prefix sums over the hours sorted by rate, split where x r_h
// passes S. The hourly load is affine in what is served, L_h = A + B min(x r_h, S) with A = n
// P_idle PUE and B = (P_active - P_idle) PUE (I + O m) / (acc T), so over the hours sorted by rate
// every sum the bill needs (the energy bought, at each hour's price; a PPA block's surplus at the
// market price; each month's peak) is a prefix sum split at two binary searches: where x r_h passes
// S, and where the load passes the block. Each search starts from a table of where the sorted rates
// cross evenly spaced values, so it reads a handful of neighbouring hours instead of halving over
// the year. year_at gives a sample's utilization and bill in plain numbers from those searches;
// bill() the same with its units and each month's peak. tests/test_capacity.cpp checks it against
// the hour-by-hour walk (hourly_facility_load and electricity::bill_of).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "tpw/capacity/load.hpp"
#include "tpw/capacity/sizing.hpp"
#include "tpw/electricity/flat_load.hpp"
#include "tpw/electricity/tariff.hpp"
#include "tpw/error.hpp"

namespace tpw::capacity {

template <currency_type C>
class fleet_on_scaled_demand {
 public:
  // `spec.demand` is the profile at scale 1; `plan` a fixed or given fleet planned on some scale
  // of it (its systems and the rate S they serve at the target are what stay fixed).
  // An elastic plan (spec.rule elastic_sizing) is followed up to `highest_scale` times the
  // demand (>= 1): its counts' servable rates are tabulated that far, and year_at refuses nothing
  // beyond (demand_curve::require_within checks a scale's reach against highest_scale()).
  fleet_on_scaled_demand(const capacity_spec& spec, const capacity_plan& plan,
                         const system_power& draw,
                         std::optional<electricity::tariff<C>> tariff = std::nullopt,
                         double highest_scale = 1.0)
      : servable_(plan.servable.value()),
        tokens_(spec.service.tokens_per_request.value()),
        system_tokens_(spec.service.system_throughput.value() * 3600.0),
        capacity_tokens_(system_tokens_ * plan.system_hours),
        paid_hours_(plan.system_hours),
        tariff_(std::move(tariff)) {
    const double n = static_cast<double>(plan.systems);
    elastic_ = std::holds_alternative<elastic_sizing>(spec.rule);
    if (elastic_) {
      if (!(highest_scale >= 1.0) || !std::isfinite(highest_scale) || highest_scale > 1e3) {
        throw invalid_input("demand.scale", highest_scale,
                            "is the highest scale an elastic fleet is followed to: in [1, 1000]");
      }
      highest_scale_ = highest_scale;
      const long wanted = systems_for(spec.demand.peak() * highest_scale, spec.service, spec.target,
                                      spec.approximation);
      const long cap = spec.max_systems.value_or(std::numeric_limits<long>::max());
      if (std::min(wanted, cap) > max_elastic_counts) {
        throw invalid_input("demand.scale", highest_scale,
                            "times the peak needs " + std::to_string(std::min(wanted, cap)) +
                                " systems; an elastic fleet under Monte Carlo is tabulated up "
                                "to " +
                                std::to_string(max_elastic_counts));
      }
      const long counts = std::min(wanted, cap);
      for (long k = 1; k <= counts; ++k) {
        steps_.push_back(servable_rate(k, spec.service, spec.target, spec.approximation).value());
      }
      // Short only under the cap: then the cap's servable rate bounds every hour.
      // (The largest double otherwise: x r_h never passes it, and times no capped hour it is 0.)
      servable_ = wanted > cap ? steps_.back() : std::numeric_limits<double>::max();
    }
    idle_system_ = (draw.idle * draw.pue).value();
    idle_ = elastic_ ? 0.0 : n * idle_system_;
    per_served_ = ((draw.active - draw.idle) * draw.pue * spec.service.tokens_per_request /
                   spec.service.system_throughput)
                      .value();
    if (tariff_) electricity::validate_tariff(*tariff_);
    std::vector<int> order(electricity::hours_per_year);  // hours by rate, highest first
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return spec.demand.at_hour(a).value() > spec.demand.at_hour(b).value();
    });
    const std::size_t hours = order.size();
    rate_.resize(hours);
    for (auto* sums : {&rates_, &price_, &price_rate_, &market_, &market_rate_}) {
      sums->assign(hours + 1, 0.0);
    }
    for (std::size_t k = 0; k < hours; ++k) {
      const int h = order[k];
      const double r = spec.demand.at_hour(h).value();
      rate_[k] = r;
      rates_[k + 1] = rates_[k] + r;
      auto& top = month_peak_rate_[static_cast<std::size_t>(electricity::month_of_hour(h))];
      top = std::max(top, r);
      if (!tariff_) continue;
      const double price = tariff_->price_at(h).value();
      const double market =
          tariff_->market.empty() ? 0.0 : tariff_->market[static_cast<std::size_t>(h)].value();
      price_[k + 1] = price_[k] + price;
      price_rate_[k + 1] = price_rate_[k] + price * r;
      market_[k + 1] = market_[k] + market;
      market_rate_[k + 1] = market_rate_[k] + market * r;
    }
    // The search table: bucket b covers the rates in [top - (b + 1) w, top - b w]; crossing_[b]
    // counts the hours above its upper edge.
    top_rate_ = rate_.front();
    bucket_width_ = (top_rate_ - rate_.back()) / static_cast<double>(buckets);
    per_bucket_width_ = bucket_width_ > 0.0 ? 1.0 / bucket_width_ : 0.0;
    crossing_.resize(buckets + 2);
    for (std::size_t b = 0; b <= buckets; ++b) crossing_[b] = count_above(edge(b), 0, hours);
    crossing_[buckets + 1] = hours;
    // The distinct rates with traffic, each a run of the sorted hours: where each run starts.
    for (std::size_t k = 0; k < hours && rate_[k] > 0.0; ++k) {
      if (k == 0 || rate_[k] != rate_[k - 1]) level_start_.push_back(k);
    }
    level_start_.push_back(count_above(0.0, 0, hours));
    if (elastic_ && !(tariff_ && tariff_->ppa)) tabulate_steps();
    if (tariff_ && tariff_->ppa) {
      ppa_charges_ = (tariff_->ppa->price * (tariff_->ppa->block * units::year)).value();
    }
  }

  // A year at scale x in plain numbers (SI: J, W, the currency's units), what a Monte Carlo
  // sample reads: the utilization, and with a tariff the bill's parts. The energy beyond the
  // PPA's block and the surplus sold are at the tariff's prices per kWh, the demand charges at its
  // demand charge and the block at its PPA price, so a level on each (a multiplier) prices the
  // same load: effective_price(levels).
  struct year_numbers : electricity::bill_numbers {
    double utilization = 0.0;
  };
  [[nodiscard]] year_numbers year_at(double x) const noexcept {
    return elastic_ ? elastic_year_at(x) : year_at(x, servable_);
  }
  // A fixed fleet's year at scale x where it serves at most `servable` requests a second (> 0)
  // at the target instead of the plan's: a sample whose output variability moves what the same
  // systems serve (servable_by_output_cv). An elastic fleet's counts are the plan's own: its
  // year_at(x).
  [[nodiscard]] year_numbers year_at(double x, double servable) const noexcept {
    if (elastic_) return elastic_year_at(x);
    year_numbers out;
    const std::size_t n = rate_.size();
    const served_hours at = served_at(x, servable);  // (no structured binding: the lambda reads it)
    const std::size_t capped = at.capped;
    const double served = at.served;
    out.utilization = served * second_per_hour * tokens_ / capacity_tokens_;
    if (!tariff_) return out;
    const double block = tariff_->ppa ? tariff_->ppa->block.value() : 0.0;
    // Hours whose load passes the block: served above (block - A) / B.
    std::size_t drawing = n;
    if (tariff_->ppa) {
      const double threshold = per_served_ > 0.0 ? (block - idle_) / per_served_ : -1.0;
      if (threshold >= 0.0) drawing = servable > threshold ? first_not_above(threshold / x) : 0;
      if (per_served_ <= 0.0 && idle_ <= block) drawing = 0;
    }
    const auto served_sum = [&](std::size_t a, std::size_t b, const std::vector<double>& f,
                                const std::vector<double>& fr) {
      const std::size_t split = std::clamp(capped, a, b);
      return servable * (f[split] - f[a]) + x * (fr[b] - fr[split]);
    };
    out.used = (static_cast<double>(n) * idle_ + per_served_ * served) * second_per_hour;
    out.energy_charges = ((idle_ - block) * price_[drawing] +
                          per_served_ * served_sum(0, drawing, price_, price_rate_)) *
                         second_per_hour;
    if (tariff_->ppa) {
      out.ppa_charges = ppa_charges_;
      if (tariff_->ppa->surplus_sold) {
        out.surplus_credit = ((block - idle_) * (market_[n] - market_[drawing]) -
                              per_served_ * served_sum(drawing, n, market_, market_rate_)) *
                             second_per_hour;
      }
    }
    out.demand_charges = demand_charges_at(x, block, servable);
    return out;
  }

  [[nodiscard]] bool has_tariff() const noexcept { return tariff_.has_value(); }
  [[nodiscard]] bool elastic() const noexcept { return elastic_; }
  // The highest scale an elastic fleet is followed to (1 for a fixed fleet, which has no bound).
  [[nodiscard]] double highest_scale() const noexcept { return highest_scale_; }
  // The most the fleet serves at the target, requests a second: a fixed fleet's, an elastic one's
  // under the site's cap (the largest double where no scale up to highest_scale() reaches it).
  [[nodiscard]] double most_served() const noexcept { return servable_; }
  // The system-hours paid in the year at scale x: the fleet's all year, or an elastic fleet's
  // hours' counts.
  [[nodiscard]] double paid_hours(double x) const noexcept {
    return elastic_ ? elastic_counts(x, 0).hours : paid_hours_;
  }
  // The same from the utilization at scale x (year_at(x).utilization, > 0): the served tokens
  // over a system-hour's tokens at that share.
  [[nodiscard]] double paid_hours_at(double x, double utilization) const noexcept {
    if (!elastic_) return paid_hours_;
    return served_at(x, servable_).served * second_per_hour * tokens_ /
           (system_tokens_ * utilization);
  }
  // An elastic fleet without a PPA: the scale up to which a sample's sums are one search in the
  // table of steps (tabulate_steps); beyond it (or 0: no table) they are counted.
  [[nodiscard]] double tabulated_reach() const noexcept { return stepped_ ? step_reach_ : 0.0; }
  // The system-hours paid at the scale the plan was made on.
  [[nodiscard]] double planned_hours() const noexcept { return paid_hours_; }
  [[nodiscard]] bool has_ppa() const noexcept { return tariff_ && tariff_->ppa.has_value(); }

  // Requests served in the year at scale x (> 0), and those turned away.
  [[nodiscard]] double served_requests(double x) const noexcept {
    return served_at(x, servable_).served * second_per_hour;
  }
  [[nodiscard]] double unserved_share(double x) const noexcept {
    return 1.0 - served_at(x, servable_).served / (x * rates_.back());
  }
  // The hours short: those whose rate x r_h passes what the fleet serves.
  [[nodiscard]] double hours_short(double x) const noexcept {
    return static_cast<double>(served_at(x, servable_).capped);
  }
  // Served tokens over the paid systems' token capacity.
  [[nodiscard]] double utilization(double x) const noexcept { return year_at(x).utilization; }

  // The year's energy bill at scale x, with the tariff given.
  [[nodiscard]] electricity::energy_bill<C> bill(double x) const {
    if (!tariff_) {
      throw invalid_input("costs.energy.tariff", std::string("(none)"), "a bill needs a tariff");
    }
    const year_numbers y = year_at(x);
    electricity::energy_bill<C> out;
    out.used = energy::from_value(y.used);
    out.energy_charges = money<C>::from_value(y.energy_charges);
    out.ppa_charges = money<C>::from_value(y.ppa_charges);
    out.surplus_credit = money<C>::from_value(y.surplus_credit);
    const double block = tariff_->ppa ? tariff_->ppa->block.value() : 0.0;
    for (std::size_t m = 0; m < 12; ++m) {
      out.monthly_peaks[m] = power::from_value(month_peak(m, x, block, servable_));
      out.demand_charges += tariff_->demand_charge * out.monthly_peaks[m];
    }
    return out;
  }

 private:
  static constexpr double second_per_hour = 3600.0;
  // The hours capped at scale x (x r_h > S, the hours short) and the requests a second served,
  // summed over the hours: S in each capped hour, x r_h in the others.
  struct served_hours {
    std::size_t capped = 0;
    double served = 0.0;
  };
  [[nodiscard]] served_hours served_at(double x, double servable) const noexcept {
    const std::size_t n = rate_.size();
    const std::size_t capped = first_not_above(servable / x);
    return {capped, servable * static_cast<double>(capped) + x * (rates_[n] - rates_[capped])};
  }
  static constexpr std::size_t buckets = 1024;
  static constexpr long max_elastic_counts = 200000;

  // An elastic fleet's count at a rate of r requests a second (r >= 0): 0 without traffic, else
  // the least count whose servable rate reaches r, at most the table's last (the cap's).
  [[nodiscard]] double count_at(double r) const noexcept {
    if (!(r > 0.0)) return 0.0;
    const auto below = std::lower_bound(steps_.begin(), steps_.end(), r) - steps_.begin();
    return static_cast<double>(std::min<std::ptrdiff_t>(below + 1, std::ssize(steps_)));
  }
  // Sums over the hours of an elastic fleet's counts at scale x, hour h counting n(x r_h): the
  // system-hours, and with a tariff the counts times each hour's price, over the hours drawing
  // beyond a PPA's block (the first `drawing` sorted hours), and times the market price over the
  // others.
  struct count_sums {
    double hours = 0.0;
    double priced = 0.0;  // sum over h < drawing of price_h n_h
    double market = 0.0;  // sum over h >= drawing of market_h n_h
  };
  // Two ways to the same sums, the cheaper taken: by count (a search for each count up to the
  // peak's, as many as it rents) or by rate (a search in the counts' table for each distinct
  // rate: few for a daily or weekly profile, up to 8,760 for an hourly series).
  [[nodiscard]] count_sums elastic_counts(double x, std::size_t drawing) const noexcept {
    if (stepped_ && x <= step_reach_) {
      // Where a PPA does not split the hours: the steps passed below x, one search.
      const std::size_t passed = steps_passed(x);
      const std::size_t traffic = level_start_.back();
      const step_sums& below = step_table_[passed];
      return {static_cast<double>(traffic + below.hours), price_[traffic] + below.priced, 0.0};
    }
    const std::size_t levels = level_start_.size() - 1;
    const auto at_peak = static_cast<std::size_t>(count_at(x * top_rate_));
    const auto table_depth = static_cast<std::size_t>(std::bit_width(steps_.size()));
    if (levels * table_depth < 4 * at_peak) return counts_by_rate(x, drawing);
    count_sums out;
    const bool priced = tariff_.has_value();
    const bool sold = priced && tariff_->ppa && tariff_->ppa->surplus_sold;
    // Hours with n_h >= 1 (traffic), then those with n_h >= k + 2, x r_h above S_(k+1).
    const auto add = [&](std::size_t above) {
      out.hours += static_cast<double>(above);
      if (!priced) return;
      out.priced += price_[std::min(above, drawing)];
      if (sold) out.market += market_[std::max(above, drawing)] - market_[drawing];
    };
    add(first_not_above(0.0));
    for (std::size_t k = 0; k + 1 < steps_.size(); ++k) {
      const std::size_t above = first_not_above(steps_[k] / x);
      if (above == 0) break;
      add(above);
    }
    return out;
  }
  // A third way, built once where a PPA does not split the hours: as x grows, distinct rate r
  // (w hours, their prices summing to P) rents one more system each time x passes S_k / r. Those
  // steps up to highest_scale (or as far as max_steps of them go), sorted, with the hours and
  // priced hours they add up to each: a sample below that scale is one search away from its sums,
  // whatever the profile's length.
  void tabulate_steps() {
    if (steps_.empty()) return;
    // The steps below scale t: for each distinct rate r, the counts k whose S_k < t r.
    const auto steps_below = [&](double t) {
      std::size_t count = 0;
      for (std::size_t j = 0; j + 1 < level_start_.size(); ++j) {
        count += static_cast<std::size_t>(
            std::lower_bound(steps_.begin(), steps_.end() - 1, t * rate_[level_start_[j]]) -
            steps_.begin());
      }
      return count;
    };
    // Up to highest_scale, or to the scale where max_steps run out (samples beyond it count).
    double top_step = highest_scale_;
    if (steps_below(top_step) > max_steps) {
      double low = 0.0;
      for (int k = 0; k < 60; ++k) {
        const double mid = 0.5 * (low + top_step);
        (steps_below(mid) <= max_steps ? low : top_step) = mid;
      }
      top_step = low;
    }
    const std::size_t count = steps_below(top_step);
    if (count == 0) return;
    struct step {
      double at;
      std::size_t level;
    };
    std::vector<step> all;
    all.reserve(count);
    for (std::size_t j = 0; j + 1 < level_start_.size(); ++j) {
      const double r = rate_[level_start_[j]];
      for (std::size_t k = 0; k + 1 < steps_.size() && steps_[k] < top_step * r; ++k) {
        all.push_back({steps_[k] / r, j});
      }
    }
    std::sort(all.begin(), all.end(), [](const step& a, const step& b) { return a.at < b.at; });
    // Entry i: step i's scale and the sums of the steps before it; the last, past every step,
    // their totals.
    step_table_.resize(all.size() + 1);
    for (std::size_t i = 0; i < all.size(); ++i) {
      const std::size_t a = level_start_[all[i].level];
      const std::size_t b = level_start_[all[i].level + 1];
      step_table_[i].at = all[i].at;
      step_table_[i + 1].hours = step_table_[i].hours + static_cast<std::uint32_t>(b - a);
      step_table_[i + 1].priced = step_table_[i].priced + (price_[b] - price_[a]);
    }
    step_table_.back().at = std::numeric_limits<double>::infinity();
    step_reach_ = top_step;
    // Where the steps cross evenly spaced scales, so that a search reads a few neighbours.
    step_bucket_.resize(step_buckets + 1);
    for (std::size_t b = 0; b <= step_buckets; ++b) {
      step_bucket_[b] = first_step_from(step_edge(b), 0, step_table_.size() - 1);
    }
    stepped_ = true;
  }
  static constexpr std::size_t step_buckets = std::size_t{1} << 14;
  [[nodiscard]] double step_edge(std::size_t b) const noexcept {
    return step_reach_ * static_cast<double>(b) / static_cast<double>(step_buckets);
  }
  // The steps below scale x (0 < x <= step_reach_): those in buckets wholly below it, then a
  // search in its own.
  [[nodiscard]] std::size_t steps_passed(double x) const noexcept {
    auto b = static_cast<std::size_t>(x / step_reach_ * static_cast<double>(step_buckets));
    b = std::min(b, step_buckets - 1);
    while (b > 0 && x < step_edge(b)) --b;  // the rounding of b, either way
    while (b + 1 < step_buckets && x > step_edge(b + 1)) ++b;
    return first_step_from(x, step_bucket_[b], step_bucket_[b + 1]);
  }
  // The first step in [first, last) at or above scale x (last if none).
  [[nodiscard]] std::size_t first_step_from(double x, std::size_t first,
                                            std::size_t last) const noexcept {
    const auto begin = step_table_.begin();
    return static_cast<std::size_t>(
        std::lower_bound(begin + static_cast<std::ptrdiff_t>(first),
                         begin + static_cast<std::ptrdiff_t>(last), x,
                         [](const step_sums& s, double v) { return s.at < v; }) -
        begin);
  }
  // The same sums over the distinct rates: each run of hours [a, b) at one rate rents one count.
  [[nodiscard]] count_sums counts_by_rate(double x, std::size_t drawing) const noexcept {
    count_sums out;
    const bool priced = tariff_.has_value();
    const bool sold = priced && tariff_->ppa && tariff_->ppa->surplus_sold;
    for (std::size_t j = 0; j + 1 < level_start_.size(); ++j) {
      const std::size_t a = level_start_[j];
      const std::size_t b = level_start_[j + 1];
      const double n = count_at(x * rate_[a]);
      out.hours += n * static_cast<double>(b - a);
      if (!priced) continue;
      out.priced += n * (price_[std::min(b, drawing)] - price_[std::min(a, drawing)]);
      if (sold) out.market += n * (market_[std::max(b, drawing)] - market_[std::max(a, drawing)]);
    }
    return out;
  }
  // An elastic fleet's year at scale x (year_at's, hour by hour counts).
  [[nodiscard]] year_numbers elastic_year_at(double x) const noexcept {
    year_numbers out;
    const std::size_t n = rate_.size();
    const served_hours at = served_at(x, servable_);
    const std::size_t capped = at.capped;
    const double served = at.served;
    const double block = tariff_ && tariff_->ppa ? tariff_->ppa->block.value() : 0.0;
    // The load in an hour at rate r (scale 1), monotone in r.
    // Hours drawing beyond the block: a prefix of the sorted hours.
    std::size_t drawing = n;
    if (tariff_ && tariff_->ppa) {
      drawing = static_cast<std::size_t>(
          std::partition_point(rate_.begin(), rate_.end(),
                               [&](double r) { return load_at(x * r, servable_) > block; }) -
          rate_.begin());
    }
    const count_sums counts = elastic_counts(x, drawing);
    out.utilization = counts.hours > 0.0
                          ? served * second_per_hour * tokens_ / (system_tokens_ * counts.hours)
                          : 0.0;
    out.used = (idle_system_ * counts.hours + per_served_ * served) * second_per_hour;
    if (!tariff_) return out;
    const auto served_sum = [&](std::size_t a, std::size_t b, const std::vector<double>& f,
                                const std::vector<double>& fr) {
      const std::size_t split = std::clamp(capped, a, b);
      return servable_ * (f[split] - f[a]) + x * (fr[b] - fr[split]);
    };
    out.energy_charges = (idle_system_ * counts.priced - block * price_[drawing] +
                          per_served_ * served_sum(0, drawing, price_, price_rate_)) *
                         second_per_hour;
    if (tariff_->ppa) {
      out.ppa_charges = ppa_charges_;
      if (tariff_->ppa->surplus_sold) {
        out.surplus_credit =
            (block * (market_[n] - market_[drawing]) - idle_system_ * counts.market -
             per_served_ * served_sum(drawing, n, market_, market_rate_)) *
            second_per_hour;
      }
    }
    out.demand_charges = demand_charges_at(x, block, servable_);
    return out;
  }
  // Month m's peak draw from the utility at scale x (W): the fleet's load in its busiest hour,
  // less the PPA's block.
  [[nodiscard]] double month_peak(std::size_t m, double x, double block,
                                  double servable) const noexcept {
    return std::max(load_at(x * month_peak_rate_[m], servable) - block, 0.0);
  }
  // The fleet's load (W) in an hour whose scaled rate is r: its idle draw (an elastic fleet's
  // count at r) and its draw for what it serves.
  [[nodiscard]] double load_at(double r, double servable) const noexcept {
    return (elastic_ ? idle_system_ * count_at(r) : idle_) + per_served_ * std::min(r, servable);
  }
  // The year's demand charges at scale x: each month's peak above the block.
  [[nodiscard]] double demand_charges_at(double x, double block, double servable) const noexcept {
    double peaks = 0.0;
    for (std::size_t m = 0; m < 12; ++m) peaks += month_peak(m, x, block, servable);
    return tariff_->demand_charge.value() * peaks;
  }
  // The upper edge of search bucket b.
  [[nodiscard]] double edge(std::size_t b) const noexcept {
    return top_rate_ - static_cast<double>(b) * bucket_width_;
  }
  // How many of the sorted hours in [first, last) have a rate above `rate` (those come first).
  [[nodiscard]] std::size_t count_above(double rate, std::size_t first,
                                        std::size_t last) const noexcept {
    const auto begin = rate_.begin() + static_cast<std::ptrdiff_t>(first);
    const auto end = rate_.begin() + static_cast<std::ptrdiff_t>(last);
    return static_cast<std::size_t>(
        std::partition_point(begin, end, [rate](double r) { return r > rate; }) - rate_.begin());
  }
  // The sorted hours with a rate above `rate`: how many. A rate in bucket b (between edge(b + 1)
  // and edge(b)) has crossing_[b] of them at least and crossing_[b + 1] at most.
  [[nodiscard]] std::size_t first_not_above(double rate) const noexcept {
    if (!(rate < top_rate_)) return 0;
    if (!(bucket_width_ > 0.0)) return rate_.size();  // every hour at the top rate, rate below it
    const double at = (top_rate_ - rate) * per_bucket_width_;
    std::size_t b = at < static_cast<double>(buckets) ? static_cast<std::size_t>(at) : buckets;
    while (b > 0 && rate > edge(b)) --b;  // the rounding of `at`, either way
    while (b < buckets && rate < edge(b + 1)) ++b;
    const std::size_t first = crossing_[b];
    const std::size_t last = crossing_[b + 1];
    if (last - first > 16) return count_above(rate, first, last);
    // A few hours: counted without branches.
    std::size_t above = first;
    for (std::size_t k = first; k < last; ++k) above += rate_[k] > rate ? 1 : 0;
    return above;
  }

  double servable_ = 0.0;
  double tokens_ = 0.0;
  double system_tokens_ = 0.0;    // a system's tokens in an hour at full load
  double capacity_tokens_ = 0.0;  // the paid systems' tokens in a year
  double paid_hours_ = 0.0;       // the plan's system-hours
  bool elastic_ = false;
  double highest_scale_ = 1.0;
  std::vector<double> steps_;  // elastic: the servable rate of 1, 2, ... systems
  // Where each distinct rate above 0 starts in the sorted hours, and where they end.
  std::vector<std::size_t> level_start_;
  // tabulate_steps: the scales where a rate rents one more system, sorted, and the hours and
  // priced hours (price times hours) those below each add; at most max_steps of them.
  // (Hours fit 32 bits: 8,760 times at most max_elastic_counts.)
  static constexpr std::size_t max_steps = std::size_t{1} << 20;
  bool stepped_ = false;
  double step_reach_ = 0.0;  // the steps tabulated are those below this scale
  // Side by side, so that the search's last read holds the sums (price_ is all 0 without a
  // tariff, and so is priced).
  struct step_sums {
    double at = 0.0;
    double priced = 0.0;
    std::uint32_t hours = 0;
  };
  std::vector<step_sums> step_table_;
  std::vector<std::size_t> step_bucket_;
  double idle_system_ = 0.0;  // one system's idle draw with the PUE, W
  double idle_ = 0.0;         // A: the fleet's load serving nothing, W
  double per_served_ = 0.0;   // B: W per request a second served
  std::optional<electricity::tariff<C>> tariff_;
  std::vector<double> rate_;  // the hours' rates at scale 1, highest first
  // Prefix sums over those hours: of the rate, the price, price * rate, the market price and
  // market price * rate.
  std::vector<double> rates_, price_, price_rate_, market_, market_rate_;
  std::array<double, 12> month_peak_rate_{};
  double top_rate_ = 0.0;      // the highest hourly rate at scale 1
  double bucket_width_ = 0.0;  // the search table's step in rate
  double per_bucket_width_ = 0.0;
  double ppa_charges_ = 0.0;  // the block's take-or-pay charges a year (the currency)
  std::vector<std::size_t> crossing_;
};

}  // namespace tpw::capacity
