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
  double cached_share = 0.0;          // share of the input read from a prompt cache, [0, 1]
};

// Throughput per accelerator while serving each phase.
struct phase_throughput {
  token_rate prefill{};  // input tok/s
  token_rate decode{};   // output tok/s
};

template <currency_type C>
struct token_pricing {
  token_price<C> input{};   // per uncached input token (quoted per Mtok)
  token_price<C> output{};  // per output token written (reasoning tokens are billed as output)
  token_price<C> cached_input{};  // per input token read from a prompt cache (about a tenth of
                                  // `input` on public price lists); used when cached_share > 0
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
inline void validate_workload_shape(const request_shape& shape) {
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
  if (!is_finite(shape.cached_share) || shape.cached_share < 0.0 || shape.cached_share > 1.0) {
    throw invalid_input("workload.cached_share", shape.cached_share,
                        "must be in [0, 1]: the share of input tokens read from a prompt cache");
  }
}

inline void validate_workload(const phase_throughput& phases, const request_shape& shape) {
  require_positive("workload.prefill_tok_s", phases.prefill, units::tok / units::second, "tok/s");
  require_positive("workload.decode_tok_s", phases.decode, units::tok / units::second, "tok/s");
  validate_workload_shape(shape);
}

template <currency_type C>
void validate_pricing(const token_pricing<C>& pricing) {
  const auto per_mtok = units::unit_of<C> / units::Mtok;
  require_non_negative("revenue.input_price_per_mtok", pricing.input, per_mtok, "per Mtok");
  require_non_negative("revenue.cached_input_price_per_mtok", pricing.cached_input, per_mtok,
                       "per Mtok");
  require_non_negative("revenue.output_price_per_mtok", pricing.output, per_mtok, "per Mtok");
}

// Revenue of a request: uncached input, cached input and output written, each at its price.
template <currency_type C>
money<C> priced_request(const request_shape& shape, const token_pricing<C>& pricing) noexcept {
  const tokens cached = shape.input * shape.cached_share;
  return pricing.input * (shape.input - cached) + pricing.cached_input * cached +
         pricing.output * (shape.output * shape.reasoning_multiplier);
}
}  // namespace detail

// Tokens a request makes an accelerator process: its input plus the output it writes
// (output shown * reasoning multiplier), as benchmarks count throughput.
inline tokens tokens_per_request(const request_shape& shape) noexcept {
  return shape.input + shape.output * shape.reasoning_multiplier;
}

// --- A token mix on a deployment's total throughput --------------------------------------------
//
// Benchmarks (InferenceX's tput_per_gpu, vLLM's total_token_throughput) count input and output
// tokens together, served side by side in one batch. On such a throughput every token costs the
// same, c = cost per token, and a request of I input and O output tokens written costs
// c * (I + O). Price lists price the kinds apart, so the mix sets the price of an average token:
//   blended price = (p_in I (1 - s) + p_cached I s + p_out O) / (I + O),   s the cached share;
// revenue per MW-year and margin follow from it. The cost per Mtok of input (of output) charges
// the whole cost to that kind alone, c (I + O) / I (c (I + O) / O): the price that kind would
// need if the other were free, which is how "cost per million output tokens" figures are quoted.

template <currency_type C>
struct mix_economics {
  tokens tokens_per_request{};
  double input_share = 0.0;                             // I / (I + O)
  money<C> cost_per_request{};                          // c (I + O)
  std::optional<token_price<C>> cost_per_input_token;   // c (I + O) / I; none without input
  std::optional<token_price<C>> cost_per_output_token;  // c (I + O) / O; none without output
  std::optional<money<C>> revenue_per_request;
  std::optional<token_price<C>> blended_price;  // revenue per request / (I + O)
};

// The blended price of a mix: its revenue per token processed.
template <currency_type C>
token_price<C> blended_price(const request_shape& shape, const token_pricing<C>& pricing) {
  detail::validate_workload_shape(shape);
  detail::validate_pricing(pricing);
  return detail::priced_request(shape, pricing) / tokens_per_request(shape);
}

// A mix's figures at a cost per token (economics::cost_per_token.total) and, optionally, prices.
template <currency_type C>
mix_economics<C> evaluate_mix(token_price<C> cost_per_token, const request_shape& shape,
                              std::optional<token_pricing<C>> pricing = std::nullopt) {
  detail::validate_workload_shape(shape);
  detail::require_non_negative("cost_per_mtok", cost_per_token, units::unit_of<C> / units::Mtok,
                               "per Mtok");
  mix_economics<C> m;
  m.tokens_per_request = tokens_per_request(shape);
  const tokens output = shape.output * shape.reasoning_multiplier;
  m.input_share = shape.input / m.tokens_per_request;
  m.cost_per_request = cost_per_token * m.tokens_per_request;
  if (shape.input.value() > 0.0) m.cost_per_input_token = m.cost_per_request / shape.input;
  if (output.value() > 0.0) m.cost_per_output_token = m.cost_per_request / output;
  if (pricing) {
    detail::validate_pricing(*pricing);
    m.revenue_per_request = detail::priced_request(shape, *pricing);
    m.blended_price = *m.revenue_per_request / m.tokens_per_request;
  }
  return m;
}

// A grid carbon intensity, validated: finite and >= 0 (quoted in gCO2e/kWh).
inline carbon_intensity checked_carbon_intensity(carbon_intensity grid) {
  detail::require_non_negative("carbon.grid_g_per_kwh", grid, units::g / units::kWh, "gCO2e/kWh");
  return grid;
}

// Emissions per token at the facility: grid intensity * J/tok (shown in gCO2e/Mtok).
inline emissions_per_token emissions_per_token_of(const deployment& d, carbon_intensity grid) {
  return emissions_per_token_at(d.point(), checked_carbon_intensity(grid));
}

// Embodied emissions per token: an accelerator's embodied emissions (making and shipping it, and
// its share of the server) spread over the tokens it makes in its life, E / (T u life). An
// accelerator of 2,000 kgCO2e serving 1,000 tok/s half the time for 4 years makes 6.3e10 tokens:
// 31.7 gCO2e per Mtok.
inline emissions_per_token embodied_emissions_per_token(const deployment& d, mass per_accelerator,
                                                        duration life) {
  detail::require_non_negative("carbon.embodied_kg_per_accelerator", per_accelerator, units::kg,
                               "kgCO2e");
  detail::require_positive("carbon.life_years", life, units::year, "years");
  return embodied_emissions_per_token_at(d.point(), per_accelerator, life);
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
    detail::validate_pricing(*pricing);
    r.revenue = detail::priced_request(shape, *pricing);
  }
  if (grid) r.emissions = checked_carbon_intensity(*grid) * r.facility_energy;
  return r;
}

}  // namespace tpw
