// tpw/curves/frontier.hpp: the throughput frontier of a platform serving a model, and the
// operating point a service-level objective picks on it.
//
// Benchmarks such as InferenceX measure, for each batch size or concurrency, the interactivity a
// user sees (output tok/s per user) and the throughput of an accelerator (tok/s per accelerator),
// sometimes with the power it drew. More interactivity costs throughput, so the useful points form
// a Pareto frontier, decreasing in interactivity, and tpw interpolates it monotonically (Steffen).
//
// Outside the measured range: below the lowest measured interactivity the frontier is clamped to
// its first point (serving users faster than they asked for is allowed; tpw does not guess the
// extra throughput a slower service might give); above the highest it is unreachable, an error.
//
// CSV columns (see tpw/curves/csv.hpp for the format):
//   interactivity_tok_s_user, throughput_tok_s_gpu [, power_w_gpu] [, ttft_ms]
// Rows are sorted by strictly increasing interactivity; an optional column, when present, is
// given on every row. The time to first token is interpolated the same way; a limit on it picks
// the least interactivity that meets it (min_interactivity_for_ttft).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/curves/csv.hpp"
#include "tpw/curves/interpolation.hpp"
#include "tpw/error.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

struct frontier_point {
  token_rate interactivity{};       // output tok/s seen by one user
  token_rate throughput{};          // tok/s per accelerator
  std::optional<power> power_draw;  // measured power per accelerator, when known
  std::optional<duration> ttft{};   // time to first token (a benchmark's median or p90), when known
};

class throughput_frontier {
 public:
  // Points sorted by strictly increasing interactivity, at least two; `source` names them in
  // messages ("h200-dsr1.csv"). Points dominated by one with more interactivity and at least as
  // much throughput are dropped (see dropped()).
  explicit throughput_frontier(std::vector<frontier_point> points,
                               std::string_view source = "frontier")
      : source_(source) {
    validate(points);
    double best_to_the_right = -1.0;
    std::vector<frontier_point> kept;
    for (std::size_t i = points.size(); i-- > 0;) {
      if (points[i].throughput.value() > best_to_the_right) {
        best_to_the_right = points[i].throughput.value();
        kept.push_back(points[i]);
      } else {
        dropped_.insert(dropped_.begin(), points[i]);
      }
    }
    points_.assign(kept.rbegin(), kept.rend());
    if (points_.size() < 2) {
      throw invalid_input(source_ + ".points", static_cast<double>(points_.size()),
                          "Pareto-optimal point(s) left; a frontier needs at least 2");
    }
    std::vector<double> x;
    std::vector<double> y;
    std::vector<double> p;
    std::vector<double> t;
    for (const auto& point : points_) {
      x.push_back(point.interactivity.value());
      y.push_back(point.throughput.value());
      if (point.power_draw) p.push_back(point.power_draw->value());
      if (point.ttft) t.push_back(point.ttft->value());
    }
    throughput_.emplace(x, std::move(y));
    if (!t.empty()) {
      // The least TTFT up to each point: the first point meeting a limit is a binary search.
      ttft_prefix_min_.resize(t.size());
      for (std::size_t i = 0; i < t.size(); ++i) {
        ttft_prefix_min_[i] = i == 0 ? t[0] : std::min(ttft_prefix_min_[i - 1], t[i]);
      }
      ttft_.emplace(x, std::move(t));
    }
    if (!p.empty()) power_.emplace(std::move(x), std::move(p));
  }

  // From CSV text with the documented columns; `source` is the file's name.
  static throughput_frontier from_csv(std::string_view text, std::string_view source) {
    const csv_table table =
        parse_csv(text, source,
                  {"interactivity_tok_s_user", "throughput_tok_s_gpu", "power_w_gpu", "ttft_ms"});
    const auto x = table.column("interactivity_tok_s_user");
    const auto y = table.column("throughput_tok_s_gpu");
    const auto p = table.column("power_w_gpu");
    const auto t = table.column("ttft_ms");
    if (!x || !y) {
      throw invalid_input::shown_as(
          std::string(source) + " header",
          !x ? "(no column interactivity_tok_s_user)" : "(no column throughput_tok_s_gpu)",
          "needs columns interactivity_tok_s_user and throughput_tok_s_gpu (and optionally "
          "power_w_gpu, ttft_ms)");
    }
    std::vector<frontier_point> points;
    for (const auto& row : table.rows) {
      frontier_point point{of(row[*x], units::tok / units::second),
                           of(row[*y], units::tok / units::second), std::nullopt};
      if (p) point.power_draw = of(row[*p], units::W);
      if (t) point.ttft = of(row[*t], units::ms);
      points.push_back(point);
    }
    return table.build([&] { return throughput_frontier(std::move(points), source); });
  }

  // The Pareto-optimal points, by increasing interactivity (and decreasing throughput).
  [[nodiscard]] const std::vector<frontier_point>& points() const noexcept { return points_; }
  [[nodiscard]] const std::vector<frontier_point>& dropped() const noexcept { return dropped_; }
  [[nodiscard]] bool has_power() const noexcept { return power_.has_value(); }
  [[nodiscard]] bool has_ttft() const noexcept { return ttft_.has_value(); }
  [[nodiscard]] token_rate max_interactivity() const noexcept {
    return points_.back().interactivity;
  }
  [[nodiscard]] token_rate min_interactivity() const noexcept {
    return points_.front().interactivity;
  }
  // Whether a target falls below the first measured point, where the frontier is clamped to it:
  // users are served faster than asked, at that point's throughput (two platforms compared at one
  // such target are then compared at different operating points).
  [[nodiscard]] bool clamped(token_rate interactivity) const noexcept {
    return interactivity < points_.front().interactivity;
  }

  // The throughput per accelerator when every user gets at least `interactivity`; `field` names
  // the SLO in messages.
  [[nodiscard]] token_rate throughput_at(token_rate interactivity,
                                         std::string_view field = default_slo_field) const {
    return token_rate::from_value((*throughput_)(checked(interactivity, field)));
  }
  // The measured power per accelerator there, when the frontier has it.
  [[nodiscard]] std::optional<power> power_at(token_rate interactivity,
                                              std::string_view field = default_slo_field) const {
    if (!power_) return std::nullopt;
    return power::from_value((*power_)(checked(interactivity, field)));
  }
  // The time to first token there, when the frontier has it.
  [[nodiscard]] std::optional<duration> ttft_at(token_rate interactivity,
                                                std::string_view field = default_slo_field) const {
    if (!ttft_) return std::nullopt;
    return duration::from_value((*ttft_)(checked(interactivity, field)));
  }
  // The operating point a minimum interactivity (an SLO) picks.
  [[nodiscard]] frontier_point at_slo(token_rate min_interactivity,
                                      std::string_view field = default_slo_field) const {
    return {min_interactivity, throughput_at(min_interactivity, field),
            power_at(min_interactivity, field), ttft_at(min_interactivity, field)};
  }

  // The least interactivity, at or above `from`, whose interpolated time to first token is at
  // most `limit`: throughput falls with interactivity, so that point serves the most tokens. The
  // interpolant is monotone between measured points, so each interval holds at most one crossing,
  // found by bisection to the last bit. Throws naming `field` when no point meets the limit or
  // the frontier carries no TTFT.
  [[nodiscard]] token_rate min_interactivity_for_ttft(duration limit, token_rate from,
                                                      std::string_view field) const {
    const double max = limit.value();
    if (!ttft_) {
      throw invalid_input(field, in(limit, units::ms),
                          "the frontier's points carry no time to first token");
    }
    if (!detail::is_finite(max) || max <= 0.0) {
      throw invalid_input(field, in(limit, units::ms), "must be a finite number of ms > 0");
    }
    const auto& f = *ttft_;
    double a = std::max(checked(from, field), f.low());
    if (f(a) <= max) return from;  // a is `from`, or below the range the first point
    // The points after a; when none before them meets the limit (always so from the first point,
    // as a Monte Carlo sample asks), the first that does is found by binary search on the least
    // TTFT so far, so a sample costs a logarithm of the frontier's length, not a scan of it.
    auto start = std::upper_bound(points_.begin(), points_.end(), a, [](double v, const auto& p) {
      return v < p.interactivity.value();
    });
    const auto first = static_cast<std::size_t>(start - points_.begin());
    if (first == 0 || ttft_prefix_min_[first - 1] > max) {
      const auto meets =
          std::partition_point(ttft_prefix_min_.begin() + static_cast<std::ptrdiff_t>(first),
                               ttft_prefix_min_.end(), [max](double least) { return least > max; });
      start += meets - (ttft_prefix_min_.begin() + static_cast<std::ptrdiff_t>(first));
      if (start != points_.begin() && start != points_.end() &&
          std::prev(start)->interactivity.value() > a) {
        a = std::prev(start)->interactivity.value();
      }
    }
    for (auto point = start; point != points_.end(); ++point) {
      const double b = point->interactivity.value();
      if (b <= a) continue;
      if (f(b) <= max) {
        double lo = a;  // f(lo) > max
        double hi = b;  // f(hi) <= max
        while (true) {
          const double mid = lo + (hi - lo) / 2.0;
          if (mid <= lo || mid >= hi) break;
          (f(mid) <= max ? hi : lo) = mid;
        }
        return token_rate::from_value(hi);
      }
      a = b;
    }
    double lowest = f(a);
    for (const auto& point : points_) lowest = std::min(lowest, point.ttft->value());
    // (every point's, since none at or above `from` meets the limit)
    throw invalid_input(field, in(limit, units::ms),
                        "no point of " + source_ + " at or above " +
                            detail::number_text(from.value()) +
                            " tok/s per user meets it: the lowest time to first token on it is " +
                            detail::number_text(lowest * 1e3) + " ms");
  }
  static constexpr std::string_view default_slo_field = "slo.min_interactivity_tok_s_user";

 private:
  void validate(const std::vector<frontier_point>& points) const {
    if (points.size() < 2) {
      throw invalid_input(source_ + ".points", static_cast<double>(points.size()),
                          "a frontier needs at least 2 points");
    }
    const bool with_power = points.front().power_draw.has_value();
    const bool with_ttft = points.front().ttft.has_value();
    for (std::size_t i = 0; i < points.size(); ++i) {
      const std::string row = source_ + ".points[" + std::to_string(i) + "]";
      const auto& point = points[i];
      detail::require_measured(row + ".interactivity_tok_s_user", point.interactivity,
                               units::tok / units::second, "tok/s");
      detail::require_measured(row + ".throughput_tok_s_gpu", point.throughput,
                               units::tok / units::second, "tok/s");
      if (point.power_draw.has_value() != with_power) {
        throw invalid_input(row + ".power_w_gpu",
                            point.power_draw ? point.power_draw->value() : 0.0,
                            "power must be given on every point or on none");
      }
      if (point.power_draw) {
        detail::require_measured(row + ".power_w_gpu", *point.power_draw, units::W, "W");
      }
      if (point.ttft.has_value() != with_ttft) {
        throw invalid_input(row + ".ttft_ms", point.ttft ? in(*point.ttft, units::ms) : 0.0,
                            "the time to first token must be given on every point or on none");
      }
      if (point.ttft) detail::require_measured(row + ".ttft_ms", *point.ttft, units::ms, "ms");
      if (i > 0) {
        detail::require_above_previous(
            row + ".interactivity_tok_s_user", point.interactivity.value(),
            points[i - 1].interactivity.value(), "interactivity", "increasing interactivity");
      }
    }
  }

  [[nodiscard]] double checked(token_rate interactivity, std::string_view field) const {
    const double x = interactivity.value();
    if (!detail::is_finite(x) || x <= 0.0) {
      throw invalid_input(field, x, "must be a finite number > 0");
    }
    if (x > throughput_->high()) {
      throw invalid_input(field, x,
                          "is unreachable: the fastest measured point of " + source_ + " is " +
                              detail::number_text(throughput_->high()) + " tok/s per user");
    }
    return x;  // below the range the interpolant clamps to the first point
  }

  std::string source_;
  std::vector<frontier_point> points_;
  std::vector<frontier_point> dropped_;
  std::optional<monotone_interpolant> throughput_;
  std::optional<monotone_interpolant> power_;
  std::optional<monotone_interpolant> ttft_;
  std::vector<double> ttft_prefix_min_;  // per point, the least TTFT up to it
};

// The figures at the operating point an SLO picks: the deployment serves at the frontier's
// throughput for that interactivity (its power figures are left as given: measured GPU power and
// provisioned all-in power are different boundaries).
template <currency_type C>
struct slo_economics {
  frontier_point point;
  economics<C> figures;
  bool clamped = false;  // the SLO is below the first measured point (throughput_frontier::clamped)
};

template <cost_component First, cost_component... Rest>
slo_economics<typename First::currency> evaluate_at_slo(
    deployment::spec spec, const throughput_frontier& frontier, token_rate min_interactivity,
    token_price<typename First::currency> price, const First& first,
    const Rest&... rest) requires detail::same_currency<First, Rest...> {
  const frontier_point point = frontier.at_slo(min_interactivity);
  spec.throughput = point.throughput;
  return {point, evaluate(deployment(spec), price, first, rest...),
          frontier.clamped(min_interactivity)};
}

}  // namespace tpw
