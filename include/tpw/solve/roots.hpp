// tpw/solve/roots.hpp: every root of a figure f(x) = target over an interval of one input, by a
// scan of the interval and Boost.Math's TOMS 748 inside each bracket the scan finds.
//
// The figure may be undefined at some inputs (a project with no single IRR): the callable returns
// an empty optional there, and the scan steps over it. Two callables may be given: a cheap one
// for the scan (a Monte Carlo run on fewer samples) and the exact one that refines each bracket
// (the full run); the bracket is checked, and widened once, on the exact one before refining.
// The tolerance is on x: a root's bracket is at most tolerance * |x| wide (near zero, tolerance
// times the scan's smallest nonzero |x|). Roots closer together than one scan step may be missed:
// narrow the interval to look closer. No Eigen, no JSON, no engine.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/tools/toms748_solve.hpp>

#include "tpw/error.hpp"

namespace tpw::solve {

// Where to look for x, and how closely.
struct search_interval {
  double low = 0.0;
  double high = 1.0;
  int scan_points = 25;     // points of the scan, the ends included (at least 3)
  double tolerance = 1e-6;  // on x, relative to the root
  int max_iterations = 60;  // per root
};

// One root: x, the bracket it was narrowed to, f(x) there and the refining evaluations.
struct root {
  double x = 0.0;
  double low = 0.0;
  double high = 0.0;
  double value = 0.0;  // f(x) (target plus the residual)
  int iterations = 0;
};

// The values f takes over the scan (where it is defined): the least, the most, and the one
// closest to the target, each with its x.
struct reach {
  double least = 0.0;
  double at_least = 0.0;
  double most = 0.0;
  double at_most = 0.0;
  double closest = 0.0;
  double at_closest = 0.0;
};

struct roots_found {
  std::vector<root> roots;       // ascending in x; empty: the target is out of reach
  std::optional<reach> reached;  // empty: f is defined nowhere on the scan
  bool monotone = true;          // f rose, or fell, from each scan point to the next
  int evaluations = 0;           // of the exact figure
  int scan_evaluations = 0;      // of the scan's (the exact one's when only one is given)
  int undefined_points = 0;      // scan points where f has no value
  std::vector<std::pair<double, double>> unconfirmed;  // scan brackets the exact f did not keep
};

using figure_function = std::function<std::optional<double>(double)>;

namespace detail {

// The scan's points: geometric over a range of three decades or more that starts at zero or
// above (a price from 1e-6 to 1e9), led by zero when it starts there; even steps otherwise.
inline std::vector<double> scan_grid(double low, double high, int points) {
  std::vector<double> x;
  const auto n = static_cast<std::size_t>(std::max(points, 3));
  const double start = low > 0.0 ? low : high * 1e-9;
  if (low >= 0.0 && high > 0.0 && high / start >= 1e3) {
    const std::size_t geometric = low > 0.0 ? n : n - 1;
    if (low == 0.0) x.push_back(0.0);
    const double step = std::log(high / start) / static_cast<double>(geometric - 1);
    for (std::size_t k = 0; k < geometric; ++k) {
      x.push_back(k + 1 == geometric ? high : start * std::exp(step * static_cast<double>(k)));
    }
    return x;
  }
  for (std::size_t k = 0; k < n; ++k) {
    x.push_back(k + 1 == n
                    ? high
                    : low + (high - low) * static_cast<double>(k) / static_cast<double>(n - 1));
  }
  return x;
}

inline int sign_of(double g) noexcept {
  return g > 0.0 ? 1 : (g < 0.0 ? -1 : 0);
}

}  // namespace detail

// The roots of f(x) = target for x in [interval.low, interval.high], f the exact figure and scan
// the one the scan reads (f itself when empty). Throws invalid_input for an interval that is not
// one (low >= high, not finite), a tolerance outside (0, 0.1] or a target that is not finite.
inline roots_found find_roots(const figure_function& f, double target,
                              const search_interval& interval, const figure_function& scan = {}) {
  if (!std::isfinite(interval.low) || !std::isfinite(interval.high) ||
      !(interval.low < interval.high)) {
    throw invalid_input::shown_as("solve.between",
                                  "[" + tpw::detail::number_text(interval.low) + ", " +
                                      tpw::detail::number_text(interval.high) + "]",
                                  "must be two finite numbers, the low one first");
  }
  if (!(interval.tolerance > 0.0 && interval.tolerance <= 0.1)) {
    throw invalid_input("solve.tolerance", interval.tolerance, "must be in (0, 0.1] (on x)");
  }
  if (!std::isfinite(target)) throw invalid_input("solve.target", target, "must be finite");
  roots_found out;
  const bool two_stage = static_cast<bool>(scan);
  const auto exact = [&](double x) {
    ++out.evaluations;
    return f(x);
  };
  const auto scanned = [&](double x) {
    ++out.scan_evaluations;
    if (!two_stage) ++out.evaluations;
    return two_stage ? scan(x) : f(x);
  };

  std::vector<double> grid = detail::scan_grid(interval.low, interval.high, interval.scan_points);
  const auto scan_g = [&](double x) -> std::optional<double> {
    const std::optional<double> y = scanned(x);
    if (!y || !std::isfinite(*y)) return std::nullopt;
    return *y - target;
  };
  std::vector<std::optional<double>> g(grid.size());
  for (std::size_t k = 0; k < grid.size(); ++k) {
    g[k] = scan_g(grid[k]);
    if (!g[k]) ++out.undefined_points;
  }
  // Where the figure stops having a value between two scan points (a price by kind reaching its
  // rule, a latency target beyond the frontier), its last defined point is found by bisection
  // (to 1/4096 of the step) and scanned too: a root between it and the previous point is kept.
  std::vector<std::pair<double, std::optional<double>>> edges;
  for (std::size_t k = 0; k + 1 < grid.size(); ++k) {
    if (g[k].has_value() == g[k + 1].has_value()) continue;
    double inside = g[k] ? grid[k] : grid[k + 1];
    double outside = g[k] ? grid[k + 1] : grid[k];
    std::optional<double> value = g[k] ? g[k] : g[k + 1];
    const bool geometric = inside > 0.0 && outside > 0.0;
    for (int step = 0; step < 12; ++step) {
      const double mid = geometric ? std::sqrt(inside * outside) : 0.5 * (inside + outside);
      if (const std::optional<double> at = scan_g(mid)) {
        inside = mid;
        value = at;
      } else {
        outside = mid;
      }
    }
    if (inside != grid[k] && inside != grid[k + 1]) edges.emplace_back(inside, value);
  }
  for (const auto& [x, value] : edges) {
    const auto at = std::lower_bound(grid.begin(), grid.end(), x);
    g.insert(g.begin() + (at - grid.begin()), value);
    grid.insert(at, x);
  }
  int direction = 0;
  for (std::size_t k = 0; k < grid.size(); ++k) {
    if (!g[k]) continue;
    const double y = *g[k] + target;
    if (!out.reached) out.reached = reach{y, grid[k], y, grid[k], y, grid[k]};
    reach& r = *out.reached;
    if (y < r.least) r.least = y, r.at_least = grid[k];
    if (y > r.most) r.most = y, r.at_most = grid[k];
    if (std::abs(y - target) < std::abs(r.closest - target)) r.closest = y, r.at_closest = grid[k];
    // Monotone: every step between neighbouring defined points goes the same way.
    for (std::size_t j = k; j-- > 0;) {
      if (!g[j]) continue;
      const int step = detail::sign_of(*g[k] - *g[j]);
      if (step != 0 && direction != 0 && step != direction) out.monotone = false;
      if (step != 0) direction = step;
      break;
    }
  }

  // f(x) - target on the exact figure, memoized for the bracket checks.
  std::vector<std::pair<double, std::optional<double>>> seen;
  const auto exact_g = [&](double x) -> std::optional<double> {
    if (!two_stage) {
      for (std::size_t k = 0; k < grid.size(); ++k) {
        if (grid[k] == x) return g[k];
      }
    }
    for (const auto& [at, value] : seen) {
      if (at == x) return value;
    }
    const std::optional<double> y = exact(x);
    std::optional<double> value;
    if (y && std::isfinite(*y)) value = *y - target;
    seen.emplace_back(x, value);
    return value;
  };
  // Near zero a relative tolerance never closes: there the bracket stops at the tolerance times
  // the scan's smallest nonzero |x| (1e-6 for a price scanned from 1e-6 up).
  double smallest = std::numeric_limits<double>::infinity();
  for (const double x : grid) {
    if (x != 0.0) smallest = std::min(smallest, std::abs(x));
  }
  const double width_floor = interval.tolerance * smallest;
  const auto close_enough = [&](double a, double b) {
    return std::abs(b - a) <=
           std::max(interval.tolerance * std::max(std::abs(a), std::abs(b)), width_floor);
  };
  const auto refine = [&](double a, double b, double ga, double gb) {
    root r;
    if (ga == 0.0 || gb == 0.0) {
      r.x = r.low = r.high = ga == 0.0 ? a : b;
      r.value = target;
      out.roots.push_back(r);
      return;
    }
    std::uintmax_t iterations = static_cast<std::uintmax_t>(interval.max_iterations);
    double best = a;
    double best_g = ga;
    const auto residual = [&](double x) {
      const std::optional<double> y = exact_g(x);
      // An undefined point inside a bracket: refuse it rather than guess a side.
      if (!y) {
        throw invalid_input("solve", x,
                            "the figure has no value here, inside a bracket where it changes "
                            "sides; narrow solve.between around one side");
      }
      if (std::abs(*y) < std::abs(best_g)) best = x, best_g = *y;
      return *y;
    };
    const std::pair<double, double> bracket =
        boost::math::tools::toms748_solve(residual, a, b, ga, gb, close_enough, iterations);
    if (std::abs(gb) < std::abs(best_g)) best = b, best_g = gb;
    r.x = best;
    r.low = bracket.first;
    r.high = bracket.second;
    r.value = best_g + target;
    r.iterations = static_cast<int>(iterations);
    out.roots.push_back(r);
  };

  // Each scan step where g changes sides (or is zero) holds a root.
  std::optional<std::size_t> previous;
  for (std::size_t k = 0; k < grid.size(); ++k) {
    if (!g[k]) continue;
    const bool hit = *g[k] == 0.0 && !two_stage;
    if (hit) {
      refine(grid[k], grid[k], 0.0, 0.0);
    } else if (previous && *g[*previous] != 0.0 &&
               detail::sign_of(*g[*previous]) != detail::sign_of(*g[k])) {
      double a = grid[*previous];
      double b = grid[k];
      std::optional<double> ga = exact_g(a);
      std::optional<double> gb = exact_g(b);
      // The scan's figure is an estimate: widen once by a step each way when the exact one
      // keeps its side over the bracket.
      if (two_stage && (!ga || !gb || detail::sign_of(*ga) * detail::sign_of(*gb) > 0)) {
        a = grid[*previous > 0 ? *previous - 1 : 0];
        b = grid[std::min(k + 1, grid.size() - 1)];
        ga = exact_g(a);
        gb = exact_g(b);
      }
      if (ga && gb && detail::sign_of(*ga) * detail::sign_of(*gb) <= 0) {
        refine(a, b, *ga, *gb);
      } else {
        out.unconfirmed.emplace_back(grid[*previous], grid[k]);
      }
    }
    previous = k;
  }
  // Widened brackets may find one root twice.
  std::sort(out.roots.begin(), out.roots.end(),
            [](const root& a, const root& b) { return a.x < b.x; });
  out.roots.erase(std::unique(out.roots.begin(), out.roots.end(),
                              [&](const root& a, const root& b) { return close_enough(a.x, b.x); }),
                  out.roots.end());
  return out;
}

}  // namespace tpw::solve
