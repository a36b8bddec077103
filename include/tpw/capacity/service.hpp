// tpw/capacity/service.hpp: what one system serves, from an operating point on a frontier.
//
// At an operating point a request holds one of the system's streams (a slot in its running batch)
// from arrival at the front of the queue until its last token:
//   holding time H = TTFT + output tokens written / interactivity,
// with TTFT the point's time to first token (no queueing: the queue's wait comes on top) and the
// interactivity the output tok/s one user sees. The system makes acc * T tokens per second at full
// load, with T the point's throughput per accelerator, and a request is I + O * reasoning tokens
// as throughput counts them; by Little's law the point runs
//   acc * T * H / (tokens per request)
// requests at once. The system's streams are that number rounded down: a fleet of whole streams,
// at full occupancy, makes at most the point's throughput. The holding time varies with the output
// length only (TTFT is taken as fixed): its coefficient of variation is
//   cs = (O * reasoning / interactivity) * cv(output) / H.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "tpw/capacity/queueing.hpp"
#include "tpw/error.hpp"
#include "tpw/model/workload.hpp"
#include "tpw/units/system.hpp"

namespace tpw::capacity {

// The operating point and request mix a system serves.
struct service_spec {
  long accelerators_per_system = 0;
  token_rate throughput{};     // per accelerator at the operating point (input + output tokens)
  token_rate interactivity{};  // output tok/s one user sees at that point
  duration ttft{};             // time to first token at that point, queueing aside (>= 0)
  request_shape shape;         // tokens per request
  double output_cv = 1.0;      // coefficient of variation of the output length (>= 0)
};

struct service_model {
  long streams_per_system = 0;     // requests one system holds at once
  duration holding_time{};         // H: the mean time a request holds a stream
  double service_cv = 0.0;         // coefficient of variation of the holding time
  duration ttft{};                 // the point's TTFT, queueing aside
  tokens tokens_per_request{};     // I + O * reasoning
  token_rate system_throughput{};  // acc * T at full load

  // Requests one system completes per second with every stream busy.
  [[nodiscard]] request_rate system_request_rate() const noexcept {
    return static_cast<double>(streams_per_system) / holding_time;
  }
  // The share of the point's throughput whole streams reach at full occupancy (<= 1).
  [[nodiscard]] double stream_share() const noexcept {
    return (system_request_rate() * tokens_per_request).value() / system_throughput.value();
  }
};

namespace detail {
inline void validate_output_cv(double cv) {
  if (!std::isfinite(cv) || cv < 0.0 || cv > 10.0) {
    throw invalid_input("demand.output_cv", cv,
                        "must be in [0, 10]: the output length's standard deviation over its mean");
  }
}
// The holding time's coefficient of variation: only its decode part varies, with the output
// length (cv its coefficient of variation).
inline double holding_cv(duration decode, duration holding, double cv) {
  return (decode / holding).value() * cv;
}
}  // namespace detail

inline service_model service_from(const service_spec& s) {
  if (s.accelerators_per_system < 1) {
    throw invalid_input("deployment.accelerators_per_system",
                        static_cast<double>(s.accelerators_per_system), "must be >= 1");
  }
  const auto positive = [](const char* field, double value, const char* unit) {
    if (!std::isfinite(value) || value <= 0.0) {
      throw invalid_input(field, value, std::string("must be finite and > 0 (") + unit + ")");
    }
  };
  positive("deployment.throughput_tok_s", s.throughput.value(), "tok/s per accelerator");
  positive("demand.interactivity_tok_s_user", s.interactivity.value(), "output tok/s per user");
  if (!std::isfinite(s.ttft.value()) || s.ttft.value() < 0.0) {
    throw invalid_input::converted("demand.ttft_ms", in(s.ttft, units::ms),
                                   "must be finite and >= 0 (ms)");
  }
  tpw::detail::validate_workload_shape(s.shape);
  detail::validate_output_cv(s.output_cv);
  service_model m;
  m.ttft = s.ttft;
  m.tokens_per_request = tokens_per_request(s.shape);
  const duration decode = s.shape.output * s.shape.reasoning_multiplier / s.interactivity;
  m.holding_time = s.ttft + decode;
  if (m.holding_time.value() <= 0.0) {
    throw invalid_input("workload.output_tokens", s.shape.output.value(),
                        "with a TTFT of 0 a request without output holds no stream: give "
                        "demand.ttft_ms or output tokens");
  }
  m.system_throughput = s.throughput * static_cast<double>(s.accelerators_per_system);
  const double streams = (m.system_throughput * m.holding_time / m.tokens_per_request).value();
  // A billionth of a stream of tolerance, as whole systems have under a power ceiling.
  const double whole = std::floor(streams * (1.0 + 1e-9));
  if (!(whole >= 1.0)) {
    throw invalid_input("capacity.streams_per_system", streams,
                        "a system holds less than one request at this operating point (acc * T * "
                        "holding time / tokens per request): it cannot serve this mix");
  }
  if (whole > 1e12) {
    throw invalid_input("capacity.streams_per_system", streams,
                        "streams per system: above 1e12, outside tpw's limits");
  }
  m.streams_per_system = static_cast<long>(whole);
  m.service_cv = detail::holding_cv(decode, m.holding_time, s.output_cv);
  return m;
}

// The service model of the same operating point with the output length's variability cv: only
// the holding time's variability moves.
[[nodiscard]] inline service_model with_output_cv(service_model s, double cv) {
  detail::validate_output_cv(cv);
  s.service_cv = detail::holding_cv(s.holding_time - s.ttft, s.holding_time, cv);
  return s;
}

}  // namespace tpw::capacity
