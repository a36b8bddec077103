// tpw/capacity/queueing.hpp: waiting for a free stream, by Erlang C (M/M/c) and the Allen-Cunneen
// correction for service times that are not exponential (M/G/c). docs/capacity.md states the
// model and its assumptions.
//
// c servers (a fleet's concurrent streams), requests arriving as a Poisson process at rate lambda,
// each holding a stream for a service time of mean S: the offered load is a = lambda S Erlangs,
// the occupancy rho = a / c, and the queue is stable only while a < c. Erlang C, the probability
// that a request waits at all, is
//   C(c, a) = c B / (c - a (1 - B)),   B = Erlang B = P(N = c) / P(N <= c), N ~ Poisson(a),
// and under M/M/c the wait W has P(W > t) = C exp(-(c/S - lambda) t) and mean C S / (c - a).
// With a service-time coefficient of variation cs, Allen-Cunneen scales the mean wait by
// (1 + cs^2) / 2; tpw keeps the waiting share C and takes the wait of those who wait exponential
// with that mean: P(W > t) = C exp(-(c/S - lambda) t * 2 / (1 + cs^2)). At cs = 1 both are M/M/c.
#pragma once

#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <string>

#include "tpw/error.hpp"
#include "tpw/units/system.hpp"

namespace tpw::capacity {

// Requests per second.
using request_rate = decltype(1.0 / duration{});
inline constexpr request_rate per_second = request_rate::from_value(1.0);

namespace detail {
inline void require_servers_and_load(long servers, double load) {
  if (servers < 1) {
    throw invalid_input("capacity.servers", static_cast<double>(servers), "must be >= 1");
  }
  if (!std::isfinite(load) || load < 0.0) {
    throw invalid_input("capacity.offered_load", load, "must be finite and >= 0 (Erlangs)");
  }
}
}  // namespace detail

// Erlang B by its recurrence, B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)): stable, O(c); the
// reference the fast form is tested against.
inline double erlang_b_recurrence(long servers, double load) {
  detail::require_servers_and_load(servers, load);
  double b = 1.0;
  for (long k = 1; k <= servers; ++k) b = load * b / (static_cast<double>(k) + load * b);
  return b;
}

// Erlang B from the regularized incomplete gamma function (Boost.Math), in time independent of c:
// P(N = c) = x^c e^-x / c! is gamma_p_derivative(c + 1, a), P(N <= c) is gamma_q(c + 1, a).
inline double erlang_b(long servers, double load) {
  detail::require_servers_and_load(servers, load);
  if (load == 0.0) return 0.0;
  const double n = static_cast<double>(servers) + 1.0;
  return boost::math::gamma_p_derivative(n, load) / boost::math::gamma_q(n, load);
}

// Erlang C from Erlang B; the queue must be stable (a < c).
inline double erlang_c_of(long servers, double load, double erlang_b_value) {
  const double c = static_cast<double>(servers);
  return c * erlang_b_value / (c - load * (1.0 - erlang_b_value));
}

// Whether c servers hold an offered load of a Erlangs (a < c).
inline bool stable(long servers, double load) noexcept {
  return load < static_cast<double>(servers);
}

// Erlang C: the probability that an arriving request waits. Refuses an unstable queue (a >= c),
// whose queue grows without end.
inline double erlang_c(long servers, double load) {
  detail::require_servers_and_load(servers, load);
  if (!stable(servers, load)) {
    throw invalid_input("capacity.offered_load", load,
                        "Erlangs on " + std::to_string(servers) +
                            " streams is unstable: the queue grows without end unless the load is "
                            "below the streams");
  }
  return erlang_c_of(servers, load, erlang_b(servers, load));
}

// How the wait is approximated: M/M/c exactly, or the Allen-Cunneen M/G/c correction.
enum class queue_approximation { erlang_c, allen_cunneen };

// A queue of c streams with Poisson arrivals.
struct queue_spec {
  long servers = 1;
  request_rate arrivals{};
  duration service_time{};  // mean time a request holds a stream, > 0
  double service_cv = 1.0;  // coefficient of variation of the service time (1: exponential)
  queue_approximation approximation = queue_approximation::allen_cunneen;
};

struct queue_figures {
  double offered_load = 0.0;      // a = lambda S, Erlangs
  double occupancy = 0.0;         // rho = a / c, the busy share of the streams
  double wait_probability = 0.0;  // Erlang C, P(W > 0)
  double decay_per_s = 0.0;       // the tail's rate: (c / S - lambda) over the correction factor
  duration mean_wait{};
  duration mean_response{};  // mean wait + S

  // P(W > t).
  [[nodiscard]] double wait_exceeds(duration t) const noexcept {
    return wait_probability * std::exp(-decay_per_s * t.value());
  }
  // The p-quantile of the wait: the least t with P(W > t) <= 1 - p (0 when few enough wait).
  [[nodiscard]] duration wait_quantile(double p) const noexcept {
    const double tail = 1.0 - p;
    if (wait_probability <= tail) return duration{};
    return duration::from_value(std::log(wait_probability / tail) / decay_per_s);
  }
};

namespace detail {
inline void validate_queue(const queue_spec& q) {
  if (q.servers < 1) {
    throw invalid_input("capacity.servers", static_cast<double>(q.servers), "must be >= 1");
  }
  const double lambda = q.arrivals.value();
  if (!std::isfinite(lambda) || lambda < 0.0) {
    throw invalid_input("demand.requests_per_s", lambda, "must be finite and >= 0");
  }
  const double s = q.service_time.value();
  if (!std::isfinite(s) || s <= 0.0) {
    throw invalid_input("capacity.holding_time_s", s, "must be finite and > 0");
  }
  if (!std::isfinite(q.service_cv) || q.service_cv < 0.0) {
    throw invalid_input("demand.output_cv", q.service_cv, "must be finite and >= 0");
  }
}
// The Allen-Cunneen factor on the mean wait, (1 + cs^2) / 2 (1 under plain Erlang C).
inline double wait_factor(const queue_spec& q) noexcept {
  return q.approximation == queue_approximation::erlang_c
             ? 1.0
             : (1.0 + q.service_cv * q.service_cv) / 2.0;
}
}  // namespace detail

// The waiting figures of a stable queue; refuses an unstable one with its load and streams.
inline queue_figures evaluate_queue(const queue_spec& q) {
  detail::validate_queue(q);
  const double lambda = q.arrivals.value();
  const double s = q.service_time.value();
  queue_figures f;
  f.offered_load = lambda * s;
  f.occupancy = f.offered_load / static_cast<double>(q.servers);
  f.wait_probability = erlang_c(q.servers, f.offered_load);
  const double factor = detail::wait_factor(q);
  f.decay_per_s = (static_cast<double>(q.servers) / s - lambda) / factor;
  f.mean_wait = duration::from_value(f.wait_probability / f.decay_per_s);
  f.mean_response = f.mean_wait + q.service_time;
  return f;
}

// P(W > t) of a queue, or 1 where it is unstable (every request waits without bound): the
// sizing searches' monotone test.
inline double wait_exceeds_or_one(const queue_spec& q, duration t) {
  const double load = q.arrivals.value() * q.service_time.value();
  if (!stable(q.servers, load)) return 1.0;
  return evaluate_queue(q).wait_exceeds(t);
}

}  // namespace tpw::capacity
