// tpw/curves/power_cap.hpp: power-cap (Max-Q) curves: what an accelerator makes and draws at
// each power cap, the cap that maximizes tokens per joule, and the cap that maximizes a site's
// tokens (so its revenue) under a utility power ceiling.
//
// Capping an accelerator below its rated power costs some throughput but usually less than the
// power it saves, and a lower cap provisions less power per accelerator, so more accelerators fit
// under the same ceiling. Both optima are read from measured points, interpolated monotonically
// (Steffen); a cap outside the measured range is an error, never an extrapolation.
//
// CSV columns (see tpw/curves/csv.hpp): power_cap_w, throughput_tok_s_gpu, power_w_gpu; rows by
// strictly increasing cap.
#pragma once

#include <boost/math/tools/minima.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/curves/csv.hpp"
#include "tpw/curves/interpolation.hpp"
#include "tpw/error.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/site/site.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

struct power_cap_point {
  power cap{};
  token_rate throughput{};  // per accelerator at this cap
  power power_draw{};       // measured per accelerator at this cap (at most the cap, roughly)
};

class power_cap_curve {
 public:
  explicit power_cap_curve(std::vector<power_cap_point> points,
                           std::string_view source = "power_cap_curve")
      : source_(source), points_(std::move(points)) {
    if (points_.size() < 2) {
      throw invalid_input(source_ + ".points", static_cast<double>(points_.size()),
                          "a power-cap curve needs at least 2 points");
    }
    std::vector<double> x;
    std::vector<double> t;
    std::vector<double> p;
    for (std::size_t i = 0; i < points_.size(); ++i) {
      const std::string row = source_ + ".points[" + std::to_string(i) + "]";
      const auto& point = points_[i];
      detail::require_measured(row + ".power_cap_w", point.cap, units::W, "W");
      detail::require_measured(row + ".throughput_tok_s_gpu", point.throughput,
                               units::tok / units::second, "tok/s");
      detail::require_measured(row + ".power_w_gpu", point.power_draw, units::W, "W");
      if (i > 0) {
        detail::require_above_previous(row + ".power_cap_w", point.cap.value(),
                                       points_[i - 1].cap.value(), "cap", "cap");
      }
      x.push_back(point.cap.value());
      t.push_back(point.throughput.value());
      p.push_back(point.power_draw.value());
    }
    throughput_.emplace(x, std::move(t));
    power_.emplace(std::move(x), std::move(p));
  }

  static power_cap_curve from_csv(std::string_view text, std::string_view source) {
    const csv_table table =
        parse_csv(text, source, {"power_cap_w", "throughput_tok_s_gpu", "power_w_gpu"});
    const auto c = table.column("power_cap_w");
    const auto t = table.column("throughput_tok_s_gpu");
    const auto p = table.column("power_w_gpu");
    if (!c || !t || !p) {
      const char* missing = !c   ? "(no column power_cap_w)"
                            : !t ? "(no column throughput_tok_s_gpu)"
                                 : "(no column power_w_gpu)";
      throw invalid_input::shown_as(
          std::string(source) + " header", missing,
          "needs columns power_cap_w, throughput_tok_s_gpu and power_w_gpu");
    }
    std::vector<power_cap_point> points;
    for (const auto& row : table.rows) {
      points.push_back(
          {of(row[*c], units::W), of(row[*t], units::tok / units::second), of(row[*p], units::W)});
    }
    return table.build([&] { return power_cap_curve(std::move(points), source); });
  }

  [[nodiscard]] const std::vector<power_cap_point>& points() const noexcept { return points_; }
  [[nodiscard]] power min_cap() const noexcept { return points_.front().cap; }
  [[nodiscard]] power max_cap() const noexcept { return points_.back().cap; }

  [[nodiscard]] power_cap_point at(power cap) const {
    const double c = checked(cap);
    return {cap, token_rate::from_value((*throughput_)(c)), power::from_value((*power_)(c))};
  }
  // Tokens per joule of the accelerator at a cap (throughput over measured draw).
  [[nodiscard]] tokens_per_energy tokens_per_joule_at(power cap) const {
    const power_cap_point p = at(cap);
    return p.throughput / p.power_draw;
  }

 private:
  [[nodiscard]] double checked(power cap) const {
    const double c = cap.value();
    if (!detail::is_finite(c) || c < throughput_->low() || c > throughput_->high()) {
      throw invalid_input("power_cap_w", c,
                          "is outside the measured caps of " + source_ + " [" +
                              detail::number_text(throughput_->low()) + ", " +
                              detail::number_text(throughput_->high()) + "] W");
    }
    return c;
  }

  std::string source_;
  std::vector<power_cap_point> points_;
  std::optional<monotone_interpolant> throughput_;
  std::optional<monotone_interpolant> power_;
};

// The cap that maximizes the accelerator's tokens per joule ("Max-Q"): the best of a fine scan
// of the measured range, refined with Brent's method (Boost.Math) inside the best scan cell.
inline power_cap_point max_q_cap(const power_cap_curve& curve) {
  const double low = curve.min_cap().value();
  const double high = curve.max_cap().value();
  const auto efficiency = [&](double c) {
    return curve.tokens_per_joule_at(power::from_value(c)).value();
  };
  constexpr int steps = 2000;
  int best = 0;
  double best_value = efficiency(low);
  for (int i = 1; i <= steps; ++i) {
    const double value = efficiency(low + (high - low) * i / steps);
    if (value > best_value) {
      best_value = value;
      best = i;
    }
  }
  const double left = low + (high - low) * std::max(best - 1, 0) / steps;
  const double right = low + (high - low) * std::min(best + 1, steps) / steps;
  const auto [cap, negated] =
      boost::math::tools::brent_find_minima([&](double c) { return -efficiency(c); }, left, right,
                                            std::numeric_limits<double>::digits / 2);
  const double chosen = -negated >= best_value ? cap : low + (high - low) * best / steps;
  return curve.at(power::from_value(chosen));
}

// A site whose accelerators all run at one power cap. Each accelerator is provisioned for its cap
// plus its share of the rest of the system (CPUs, network, fans): the overhead.
struct capped_site_spec {
  power ceiling{};  // utility power, > 0
  fraction headroom = fraction::unchecked(0.0);
  tpw::pue pue = tpw::pue::unchecked(1.0);
  long accelerators_per_system = 1;
  power overhead_per_accelerator{};  // provisioned IT power beside the accelerator's cap, >= 0
};

struct capped_site_choice {
  power_cap_point point;  // the cap and what an accelerator makes and draws there
  long systems = 0;
  long accelerators = 0;
  token_rate site_throughput{};  // accelerators * throughput while serving
};

// The cap that maximizes the site's throughput (so its tokens and revenue, utilization and price
// being equal) under the ceiling. Systems at cap c: floor(usable / ((c + overhead) *
// accelerators_per_system * PUE)). For a given number of systems the best cap is the highest that
// still fits them (throughput never falls with the cap on a measured curve), so the candidates are
// the highest cap and, for each whole number of systems, the cap at which exactly that many fit:
// an exact search, no sampling.
inline capped_site_choice best_cap_for_site(const power_cap_curve& curve,
                                            const capped_site_spec& site) {
  const power usable = detail::usable_power({site.ceiling, site.headroom});
  detail::require_non_negative("site.overhead_per_accelerator_w", site.overhead_per_accelerator,
                               units::W, "W");
  detail::require_count("site.accelerators_per_system",
                        static_cast<double>(site.accelerators_per_system));
  const double per_cap = static_cast<double>(site.accelerators_per_system) * site.pue.value();
  const auto systems_at = [&](power cap) {
    return systems_that_fit(usable, (cap + site.overhead_per_accelerator) * per_cap);
  };
  const power low = curve.min_cap();
  const power high = curve.max_cap();
  const long fewest = systems_at(high);
  const long most = systems_at(low);
  if (most < 1) {
    throw invalid_input::converted("site.power_mw", in(site.ceiling, units::MW),
                                   "is below one system even at the lowest measured cap");
  }
  capped_site_choice best;
  const auto consider = [&](power cap) {
    const long systems = systems_at(cap);
    if (systems < 1) return;
    const power_cap_point point = curve.at(cap);
    const long accelerators = systems * site.accelerators_per_system;
    const token_rate total = point.throughput * static_cast<double>(accelerators);
    if (best.systems == 0 || total > best.site_throughput) {
      best = {point, systems, accelerators, total};
    }
  };
  consider(high);
  for (long n = std::max(fewest, 1L); n <= most; ++n) {
    const power cap = usable / (static_cast<double>(n) * per_cap) - site.overhead_per_accelerator;
    if (cap >= low && cap <= high) consider(cap);
  }
  return best;
}

}  // namespace tpw
