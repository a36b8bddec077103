// tpw/mc/operating_curve.hpp: the operating point as a function of one uncertain number, sample by
// sample: the latency target on a measured throughput frontier, or the power cap on a power-cap
// curve. The cost model (tpw/mc/cost_model.hpp) asks a curve for each sample's throughput (and, for
// a power cap, its IT and provisioned power); the point figures take the curve at the number's
// median. CPU engine only: a plan for the GPU and MPI engines carries a fixed operating point.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <utility>

#include "tpw/curves/frontier.hpp"
#include "tpw/curves/power_cap.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/model/extras.hpp"
#include "tpw/model/parameters.hpp"

namespace tpw {
struct project_parameters;  // tpw/finance/project_parameters.hpp
}  // namespace tpw

namespace tpw::mc {

// The most cost inputs a curve sets.
inline constexpr std::size_t max_curve_inputs = 3;

class operating_curve {
 public:
  operating_curve() = default;
  operating_curve(const operating_curve&) = default;
  operating_curve& operator=(const operating_curve&) = default;
  virtual ~operating_curve() = default;
  // The number that moves the point: a latency target (is_latency_target) or the power cap.
  [[nodiscard]] virtual extra_input input() const noexcept = 0;
  // The cost inputs the curve sets.
  [[nodiscard]] virtual std::span<const cost_input> sets() const noexcept = 0;
  // Throws invalid_input, naming the number's path and the reachable values, when a value the
  // distribution can reach is off the curve.
  virtual void require_within(const distribution& d) const = 0;
  // Throws invalid_input when the numbers the curve reads, each anywhere in [low, high] (its
  // reachable values; one value where it is not uncertain), can reach a point the curve cannot
  // price; require_within checked each number alone. Most curves have nothing left to check.
  virtual void require_box(const extra_parameters& /*low*/,
                           const extra_parameters& /*high*/) const {}
  // Sets p's inputs at the number's value x (checked by require_within); `drawn` is the sample's
  // throughput before the curve moves it (its uncertain value, or the base's).
  virtual void set(double x, double drawn, cost_parameters& p) const noexcept = 0;
  // Whether the curve reads the sample's number k: its own number, and for a demand's fleet
  // priced by a tariff the tariff's levels too.
  [[nodiscard]] virtual bool reads(extra_input k) const noexcept { return k == input(); }
  // Sets p's inputs at a sample's numbers e (each it reads, checked beforehand): for most curves
  // set at e's value of input().
  virtual void set_at(const extra_parameters& e, double drawn, cost_parameters& p) const noexcept {
    set(e[input()], drawn, p);
  }
  // Sets what the curve moves in a sample's extras e (its numbers set), given the sample's
  // parameters p (the curve's inputs set): an elastic fleet's site rents its own share of the
  // year. Most curves move none.
  virtual void set_extras(extra_parameters& /*e*/, const cost_parameters& /*p*/) const noexcept {}
  // Whether the curve also moves a project's yearly numbers (set_project): a demand level and its
  // growth move each operating year's utilization and energy price.
  [[nodiscard]] virtual bool moves_project() const noexcept { return false; }
  // Sets the project's numbers the curve moves at a sample's numbers e (its number, and for a
  // demand its growth, checked beforehand); a curve that moves none leaves q.
  virtual void set_project(const extra_parameters& /*e*/,
                           project_parameters& /*q*/) const noexcept {}
};

// A latency target on a measured frontier, as one of three numbers (each alone): the least
// interactivity (tok/s per user), the most time per output token (t ms is 1000 / t tok/s per
// user) or the most time to the first token (the least interactivity whose interpolated TTFT
// meets it, tpw::throughput_frontier::min_interactivity_for_ttft). The drawn throughput is the
// frontier's at the base target times any throughput factor, so a sample's throughput is the
// drawn one times the frontier's at the sample's target over the frontier's at the base target:
// at the base target, the drawn one exactly.
class frontier_curve final : public operating_curve {
 public:
  frontier_curve(throughput_frontier frontier, extra_input target, double base_value)
      : frontier_(std::move(frontier)), target_(target) {
    if (!is_latency_target(target)) {
      throw invalid_input("frontier", rule_of(target).path, "is not a latency target");
    }
    if (target == extra_input::max_ttft_ms && !frontier_.has_ttft()) {
      throw invalid_input(path(), base_value, "the frontier's points carry no time to first token");
    }
    base_ = frontier_.throughput_at(interactivity(base_value), path()).value();
    if (!(base_ > 0.0)) {
      throw invalid_input(path(), base_value, "the frontier's throughput there is not above 0");
    }
  }
  [[nodiscard]] extra_input input() const noexcept override { return target_; }
  [[nodiscard]] std::span<const cost_input> sets() const noexcept override { return sets_; }
  void require_within(const distribution& d) const override {
    // The strictest reachable target asks the most interactivity: the highest least
    // interactivity, the lowest time per token or to the first token.
    const bool least = target_ == extra_input::min_interactivity;
    const double strictest = least ? d.reachable_high() : d.reachable_low();
    const double fastest = frontier_.max_interactivity().value();
    const std::string reach = "its samples reach " + tpw::detail::number_text(strictest) +
                              (least ? " tok/s per user" : " ms");
    if (target_ == extra_input::max_ttft_ms) {
      try {
        (void)interactivity(strictest);
      } catch (const invalid_input& e) {
        throw invalid_input(path(), d.describe(), reach + ": " + e.rule());
      }
      return;
    }
    const double asked = least ? strictest : 1000.0 / strictest;
    if (asked > fastest) {
      throw invalid_input(
          path(), d.describe(),
          reach + (least ? "" : " (" + tpw::detail::number_text(asked) + " tok/s per user)") +
              ", beyond the frontier's fastest measured point (" +
              tpw::detail::number_text(fastest) + " tok/s per user)");
    }
  }
  // (Noexcept: require_within checked every reachable value.)
  void set(double x, double drawn, cost_parameters& p) const noexcept override {
    p[cost_input::throughput_tok_s] =
        drawn * (frontier_.throughput_at(interactivity(x)).value() / base_);
  }

 private:
  // The least interactivity the target's value x asks.
  [[nodiscard]] token_rate interactivity(double x) const {
    switch (target_) {
      case extra_input::max_tpot_ms:
        return token_rate::from_value(1000.0 / x);
      case extra_input::max_ttft_ms:
        return frontier_.min_interactivity_for_ttft(
            x * units::ms, frontier_.points().front().interactivity, path());
      default:
        return token_rate::from_value(x);
    }
  }
  [[nodiscard]] std::string path() const { return rule_of(target_).path; }
  static constexpr std::array<cost_input, 1> sets_{cost_input::throughput_tok_s};
  throughput_frontier frontier_;
  extra_input target_;
  double base_ = 0.0;  // tok/s per accelerator at the base target
};

// A power cap (W per accelerator) on a measured power-cap curve: the curve's throughput and draw at
// the sample's cap; a system's IT power is (draw + overhead) per accelerator and its provisioned
// power (cap + overhead) per accelerator, as the point figures take them.
class power_cap_operating_curve final : public operating_curve {
 public:
  power_cap_operating_curve(power_cap_curve curve, double overhead_w,
                            double accelerators_per_system)
      : curve_(std::move(curve)), overhead_w_(overhead_w), per_system_(accelerators_per_system) {}
  [[nodiscard]] extra_input input() const noexcept override { return extra_input::power_cap; }
  [[nodiscard]] std::span<const cost_input> sets() const noexcept override { return sets_; }
  void require_within(const distribution& d) const override {
    const double low = curve_.min_cap().value();
    const double high = curve_.max_cap().value();
    if (d.reachable_low() < low || d.reachable_high() > high) {
      throw invalid_input(rule_of(extra_input::power_cap).path, d.describe(),
                          "its samples reach [" + tpw::detail::number_text(d.reachable_low()) +
                              ", " + tpw::detail::number_text(d.reachable_high()) +
                              "] W, outside the curve's measured caps [" +
                              tpw::detail::number_text(low) + ", " +
                              tpw::detail::number_text(high) + "]");
    }
  }
  void set(double x, double, cost_parameters& p) const noexcept override {
    set_point(curve_.at(power::from_value(x)), overhead_w_, per_system_, p);
  }
  // What a point of the curve sets (the scenario's point figures and every sample alike): its
  // throughput, a system's IT power (draw + overhead per accelerator) and provisioned power (cap
  // + overhead per accelerator), in kW.
  static void set_point(const power_cap_point& at, double overhead_w, double per_system,
                        cost_parameters& p) noexcept {
    p[cost_input::throughput_tok_s] = at.throughput.value();
    p[cost_input::it_power_kw] = (at.power_draw.value() + overhead_w) * per_system / 1e3;
    p[cost_input::provisioned_power_kw] = (at.cap.value() + overhead_w) * per_system / 1e3;
  }

 private:
  static constexpr std::array<cost_input, 3> sets_{
      cost_input::throughput_tok_s, cost_input::it_power_kw, cost_input::provisioned_power_kw};
  power_cap_curve curve_;
  double overhead_w_;
  double per_system_;
};

}  // namespace tpw::mc
