// tpw/model/workload.hpp: requests, prefill and decode, and carbon.
//
// A request reads its input tokens (prefill, fast per token) and writes its output tokens (decode,
// slow per token); reasoning models write more output than they show, a multiplier on the output.
// An accelerator serves one phase at a time at that phase's throughput, so a request occupies
//   t = input / T_prefill + output * reasoning / T_decode   seconds of accelerator time,
// and carries that share of the accelerator's cost and energy per serving second (the hourly
// figures over the utilization, as in cost per token = cost / (T * u)). Input and output tokens
// are priced separately, as the market prices them.
#pragma once

#include <optional>
#include <string>

#include "tpw/error.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

struct request_shape {
  tokens input{};
  tokens output{};
  double reasoning_multiplier = 1.0;  // output tokens written per output token shown, >= 1
};

// Throughput per accelerator while serving each phase.
struct phase_throughput {
  token_rate prefill{};  // input tok/s
  token_rate decode{};   // output tok/s
};

template <currency_type C>
struct token_pricing {
  token_price<C> input{};   // per input token (quoted per Mtok)
  token_price<C> output{};  // per output token written (reasoning tokens are billed as output)
};

template <currency_type C>
struct request_economics {
  tokens tokens_per_request{};             // input + output * reasoning
  duration accelerator_time{};             // per request
  money<C> prefill_cost{};                 // the input's share
  money<C> decode_cost{};                  // the output's share
  money<C> cost{};                         // prefill + decode
  token_price<C> cost_per_input_token{};   // cost rate / (u * T_prefill)
  token_price<C> cost_per_output_token{};  // cost rate / (u * T_decode)
  energy facility_energy{};                // per request
  std::optional<money<C>> revenue;         // at a token pricing
  std::optional<mass> emissions;           // at a grid carbon intensity
};

// Blended throughput of a request mix, for a deployment's single throughput figure: tokens per
// request over the accelerator time per request.
inline token_rate blended_throughput(const phase_throughput& phases, const request_shape& shape) {
  const tokens output = shape.output * shape.reasoning_multiplier;
  return (shape.input + output) / (shape.input / phases.prefill + output / phases.decode);
}

namespace detail {
inline void validate_workload(const phase_throughput& phases, const request_shape& shape) {
  require_positive("workload.prefill_tok_s", phases.prefill, units::tok / units::second, "tok/s");
  require_positive("workload.decode_tok_s", phases.decode, units::tok / units::second, "tok/s");
  require_non_negative("workload.input_tokens", shape.input, units::tok, "tokens");
  require_non_negative("workload.output_tokens", shape.output, units::tok, "tokens");
  if (!is_finite(shape.reasoning_multiplier) || shape.reasoning_multiplier < 1.0) {
    throw invalid_input("workload.reasoning_multiplier", shape.reasoning_multiplier,
                        "must be >= 1 (output tokens written per output token shown)");
  }
  if (shape.input.value() + shape.output.value() <= 0.0) {
    throw invalid_input("workload.output_tokens", shape.output.value(),
                        "a request needs some input or output tokens");
  }
}
}  // namespace detail

// A grid carbon intensity, validated: finite and >= 0 (quoted in gCO2e/kWh).
inline carbon_intensity checked_carbon_intensity(carbon_intensity grid) {
  detail::require_non_negative("carbon.grid_g_per_kwh", grid, units::g / units::kWh, "gCO2e/kWh");
  return grid;
}

// Emissions per token at the facility: grid intensity * J/tok (shown in gCO2e/Mtok).
inline emissions_per_token emissions_per_token_of(const deployment& d, carbon_intensity grid) {
  return emissions_per_token_at(d.point(), checked_carbon_intensity(grid));
}

// The cost, energy and (optionally) revenue and emissions of one request on a deployment whose
// hourly cost per accelerator is `hourly` (economics::hourly_cost.total).
template <currency_type C>
request_economics<C> evaluate_request(const deployment& d, cost_rate<C> hourly,
                                      const phase_throughput& phases, const request_shape& shape,
                                      std::optional<token_pricing<C>> pricing = std::nullopt,
                                      std::optional<carbon_intensity> grid = std::nullopt) {
  detail::validate_workload(phases, shape);
  detail::require_non_negative("costs.per_accelerator_hour", hourly,
                               units::unit_of<C> / units::hour, "per hour");
  const operating_point& op = d.point();
  const double u = op.utilization.value();
  const tokens output = shape.output * shape.reasoning_multiplier;
  const duration prefill_time = shape.input / phases.prefill;
  const duration decode_time = output / phases.decode;
  const cost_rate<C> serving_cost = hourly / u;  // idle hours are carried by serving ones

  request_economics<C> r;
  r.tokens_per_request = shape.input + output;
  r.accelerator_time = prefill_time + decode_time;
  r.prefill_cost = serving_cost * prefill_time;
  r.decode_cost = serving_cost * decode_time;
  r.cost = r.prefill_cost + r.decode_cost;
  operating_point phase = op;  // cost per token = cost rate / (T * u), at each phase's T
  phase.throughput = phases.prefill;
  r.cost_per_input_token = cost_per_token<C>(hourly, phase);
  phase.throughput = phases.decode;
  r.cost_per_output_token = cost_per_token<C>(hourly, phase);
  r.facility_energy = average_facility_power(op) / u * r.accelerator_time;
  if (pricing) {
    detail::require_non_negative("revenue.input_price_per_mtok", pricing->input,
                                 units::unit_of<C> / units::Mtok, "per Mtok");
    detail::require_non_negative("revenue.output_price_per_mtok", pricing->output,
                                 units::unit_of<C> / units::Mtok, "per Mtok");
    r.revenue = pricing->input * shape.input + pricing->output * output;
  }
  if (grid) r.emissions = checked_carbon_intensity(*grid) * r.facility_energy;
  return r;
}

}  // namespace tpw
