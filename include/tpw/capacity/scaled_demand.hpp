// tpw/capacity/scaled_demand.hpp: a planned fleet's year as a function of a demand scale x (every
// hour's rate times x), in time that does not grow with the hours: what a Monte Carlo sample of an
// uncertain demand level costs.
//
// The fleet is fixed (sized or given): it serves min(x r_h, S) requests a second in hour h, S the
// most it serves at the target. Served requests and hours short come from the load-duration
// curve's prefix sums (demand_profile::above at S / x). The hourly load is affine in what is
// served, L_h = A + B min(x r_h, S) with A = n P_idle PUE and B = (P_active - P_idle) PUE (I + O m)
// / (acc T), so over the hours sorted by rate every sum the bill needs (the energy bought, at each
// hour's price; a PPA block's surplus at the market price; each month's peak) is a prefix sum
// split at two binary searches: where x r_h passes S, and where the load passes the block.
// tests/test_capacity.cpp checks it against the hour-by-hour walk (hourly_facility_load and
// electricity::bill_of).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <numeric>
#include <optional>
#include <vector>

#include "tpw/capacity/load.hpp"
#include "tpw/capacity/sizing.hpp"
#include "tpw/electricity/tariff.hpp"
#include "tpw/error.hpp"

namespace tpw::capacity {

template <currency_type C>
class fleet_on_scaled_demand {
 public:
  // `spec.demand` is the profile at scale 1; `plan` a fixed or given fleet planned on some scale
  // of it (its systems and the rate S they serve at the target are what stay fixed).
  fleet_on_scaled_demand(const capacity_spec& spec, const capacity_plan& plan,
                         const system_power& draw,
                         std::optional<electricity::tariff<C>> tariff = std::nullopt)
      : demand_(spec.demand),
        servable_(plan.servable.value()),
        tokens_(spec.service.tokens_per_request.value()),
        capacity_tokens_(spec.service.system_throughput.value() * 3600.0 * plan.system_hours),
        tariff_(std::move(tariff)) {
    if (std::holds_alternative<elastic_sizing>(spec.rule)) {
      throw invalid_input("demand.sizing", std::string("elastic"),
                          "a fleet that follows demand hour by hour is not a fixed fleet: scale "
                          "the demand of a fixed or given fleet");
    }
    const double n = static_cast<double>(plan.systems);
    idle_ = (n * draw.idle * draw.pue).value();
    per_served_ = ((draw.active - draw.idle) * draw.pue * spec.service.tokens_per_request /
                   spec.service.system_throughput)
                      .value();
    if (!tariff_) return;
    electricity::validate_tariff(*tariff_);
    std::vector<int> order(electricity::hours_per_year);  // hours by rate, highest first
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return demand_.at_hour(a).value() > demand_.at_hour(b).value();
    });
    const std::size_t hours = order.size();
    rate_.resize(hours);
    for (auto* sums : {&rates_, &price_, &price_rate_, &market_, &market_rate_}) {
      sums->assign(hours + 1, 0.0);
    }
    for (std::size_t k = 0; k < hours; ++k) {
      const int h = order[k];
      const double r = demand_.at_hour(h).value();
      const double price = tariff_->price_at(h).value();
      const double market =
          tariff_->market.empty() ? 0.0 : tariff_->market[static_cast<std::size_t>(h)].value();
      rate_[k] = r;
      rates_[k + 1] = rates_[k] + r;
      price_[k + 1] = price_[k] + price;
      price_rate_[k + 1] = price_rate_[k] + price * r;
      market_[k + 1] = market_[k] + market;
      market_rate_[k + 1] = market_rate_[k] + market * r;
      auto& top = month_peak_rate_[static_cast<std::size_t>(electricity::month_of_hour(h))];
      top = std::max(top, r);
    }
  }

  // Requests served in the year at scale x (> 0), and those turned away.
  [[nodiscard]] double served_requests(double x) const noexcept {
    return x * (demand_.requests_per_year() - demand_.above(rate_below(x)).requests);
  }
  [[nodiscard]] double unserved_share(double x) const noexcept {
    return 1.0 - served_requests(x) / (x * demand_.requests_per_year());
  }
  [[nodiscard]] double hours_short(double x) const noexcept {
    return demand_.above(rate_below(x)).hours;
  }
  // Served tokens over the paid systems' token capacity.
  [[nodiscard]] double utilization(double x) const noexcept {
    return served_requests(x) * tokens_ / capacity_tokens_;
  }

  // The year's energy bill at scale x, with the tariff given.
  [[nodiscard]] electricity::energy_bill<C> bill(double x) const {
    if (!tariff_) {
      throw invalid_input("costs.energy.tariff", std::string("(none)"), "a bill needs a tariff");
    }
    const double second_per_hour = 3600.0;
    const double block = tariff_->ppa ? tariff_->ppa->block.value() : 0.0;
    const std::size_t n = rate_.size();
    const std::size_t capped = first_not_above(servable_ / x);
    // Hours whose load passes the block: served above (block - A) / B.
    std::size_t drawing = n;
    const double threshold = per_served_ > 0.0 ? (block - idle_) / per_served_ : -1.0;
    if (threshold >= 0.0) drawing = servable_ > threshold ? first_not_above(threshold / x) : 0;
    if (per_served_ <= 0.0 && idle_ <= block) drawing = 0;
    const auto served_sum = [&](std::size_t a, std::size_t b, const std::vector<double>& f,
                                const std::vector<double>& fr) {
      const std::size_t split = std::clamp(capped, a, b);
      return servable_ * (f[split] - f[a]) + x * (fr[b] - fr[split]);
    };
    electricity::energy_bill<C> out;
    // Served over the year: S in each capped hour, x r_h in the others.
    const double served =
        servable_ * static_cast<double>(capped) + x * (rates_[n] - rates_[capped]);
    const double used = static_cast<double>(n) * idle_ + per_served_ * served;
    out.used = energy::from_value(used * second_per_hour);
    out.energy_charges =
        money<C>::from_value(((idle_ - block) * price_[drawing] +
                              per_served_ * served_sum(0, drawing, price_, price_rate_)) *
                             second_per_hour);
    if (tariff_->ppa) {
      out.ppa_charges = tariff_->ppa->price * (tariff_->ppa->block * units::year);
      if (tariff_->ppa->surplus_sold) {
        out.surplus_credit =
            money<C>::from_value(((block - idle_) * (market_[n] - market_[drawing]) -
                                  per_served_ * served_sum(drawing, n, market_, market_rate_)) *
                                 second_per_hour);
      }
    }
    for (std::size_t m = 0; m < 12; ++m) {
      const double load = idle_ + per_served_ * std::min(x * month_peak_rate_[m], servable_);
      out.monthly_peaks[m] = power::from_value(std::max(load - block, 0.0));
      out.demand_charges += tariff_->demand_charge * out.monthly_peaks[m];
    }
    return out;
  }

 private:
  // The rate at scale 1 above which an hour is short at scale x.
  [[nodiscard]] request_rate rate_below(double x) const noexcept {
    return request_rate::from_value(servable_ / x);
  }
  // The sorted hours with a rate above `rate` come first: how many.
  [[nodiscard]] std::size_t first_not_above(double rate) const noexcept {
    return static_cast<std::size_t>(
        std::partition_point(rate_.begin(), rate_.end(), [rate](double r) { return r > rate; }) -
        rate_.begin());
  }

  demand_profile demand_;
  double servable_ = 0.0;
  double tokens_ = 0.0;
  double capacity_tokens_ = 0.0;  // the paid systems' tokens in a year
  double idle_ = 0.0;             // A: the fleet's load serving nothing, W
  double per_served_ = 0.0;       // B: W per request a second served
  std::optional<electricity::tariff<C>> tariff_;
  std::vector<double> rate_;  // the hours' rates at scale 1, highest first
  // Prefix sums over those hours: of the rate, the price, price * rate, the market price and
  // market price * rate.
  std::vector<double> rates_, price_, price_rate_, market_, market_rate_;
  std::array<double, 12> month_peak_rate_{};
};

}  // namespace tpw::capacity
