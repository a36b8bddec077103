// Requests (prefill and decode priced and attributed separately) and carbon.
#include <doctest/doctest.h>

#include "support.hpp"

#include <tpw/format.hpp>
#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::USD;
using tpw_test::message_of;

namespace {
// One GPU: 1 kW whether serving or idle, PUE 1.2, busy half the time, 3.60 USD an hour.
tpw::deployment gpu() {
  return tpw::deployment({.accelerators_per_system = 1,
                          .it_power = 1.0_kW,
                          .pue = tpw::pue{1.2},
                          .utilization = tpw::fraction{0.5},
                          .throughput = 1000.0_tok_per_s});
}
const auto hourly = 3.6_USD / units::hour;
const tpw::phase_throughput phases{.prefill = 10000.0_tok_per_s, .decode = 1000.0_tok_per_s};
// 1,000 tokens in, 500 shown out, a reasoning model writing 2 tokens per token shown.
const tpw::request_shape shape{
    .input = 1000.0_tok, .output = 500.0_tok, .reasoning_multiplier = 2.0};
const auto g_per_kwh = units::g / units::kWh;
}  // namespace

TEST_CASE("a request's cost, split between prefill and decode") {
  const auto r = tpw::evaluate_request<USD>(
      gpu(), hourly, phases, shape,
      tpw::token_pricing<USD>{1.35_USD / units::Mtok, 5.40_USD / units::Mtok}, 400.0 * g_per_kwh);
  // Output written: 500 * 2 = 1,000 tokens; 2,000 tokens per request.
  CHECK(tpw::in(r.tokens_per_request, units::tok) == 2000.0);
  // Time: 1,000 / 10,000 + 1,000 / 1,000 = 1.1 s of accelerator time.
  CHECK(tpw::in(r.accelerator_time, units::second) == Approx(1.1).epsilon(1e-15));
  // Serving hours carry the idle ones: 3.6 / 0.5 = 7.2 USD per serving hour = 0.002 USD/s.
  // Prefill 0.1 s = 0.0002 USD; decode 1 s = 0.002 USD; 0.0022 USD a request.
  CHECK(tpw::in(r.prefill_cost, units::usd) == Approx(0.0002).epsilon(1e-12));
  CHECK(tpw::in(r.decode_cost, units::usd) == Approx(0.002).epsilon(1e-12));
  CHECK(tpw::in(r.cost, units::usd) == Approx(0.0022).epsilon(1e-12));
  // Per Mtok: 0.002 USD/s / 10,000 tok/s = 0.20 USD per input Mtok; / 1,000 = 2.00 per output.
  CHECK(tpw::in(r.cost_per_input_token, units::usd / units::Mtok) == Approx(0.2).epsilon(1e-12));
  CHECK(tpw::in(r.cost_per_output_token, units::usd / units::Mtok) == Approx(2.0).epsilon(1e-12));
  // Revenue: 1,000 * 1.35e-6 + 1,000 * 5.40e-6 = 0.00675 USD (reasoning tokens billed as output).
  CHECK(tpw::in(*r.revenue, units::usd) == Approx(0.00675).epsilon(1e-12));
  // Energy: 1.2 kW of facility power on average, 2.4 kW per serving second, * 1.1 s = 2,640 J.
  CHECK(tpw::in(r.facility_energy, units::J) == Approx(2640.0).epsilon(1e-12));
  // Carbon: 2,640 J = 0.00073333 kWh * 400 g/kWh = 0.29333 g.
  CHECK(tpw::in(*r.emissions, units::g) == Approx(2640.0 / 3.6e6 * 400.0).epsilon(1e-12));
  // Blended throughput: 2,000 tokens / 1.1 s = 1,818.18 tok/s.
  CHECK(tpw::in(tpw::blended_throughput(phases, shape), units::tok / units::second) ==
        Approx(2000.0 / 1.1).epsilon(1e-12));
}

TEST_CASE("carbon per Mtok: grid intensity times facility energy per token") {
  // J/tok = 1,200 W / (0.5 * 1,000 tok/s) = 2.4 J/tok = 2.4e6 J/Mtok = 0.6667 kWh per Mtok;
  // at 400 gCO2e/kWh, 266.67 g per Mtok.
  const auto per_token = tpw::emissions_per_token_of(gpu(), 400.0 * g_per_kwh);
  CHECK(tpw::in(per_token, units::g / units::Mtok) == Approx(2.4e6 / 3.6e6 * 400.0).epsilon(1e-12));
  CHECK(tpw::format(per_token, tpw::display::grams_per_mtok()) == "267 gCO2e/Mtok");
  CHECK(tpw::in(tpw::emissions_per_token_of(gpu(), 0.0 * g_per_kwh), units::g / units::Mtok) ==
        0.0);
}

TEST_CASE("workload and carbon inputs are refused by field") {
  CHECK(message_of([] { (void)tpw::emissions_per_token_of(gpu(), -5.0 * g_per_kwh); }) ==
        "carbon.grid_g_per_kwh = -5: must be >= 0 gCO2e/kWh");
  auto bad = shape;
  bad.reasoning_multiplier = 0.5;
  CHECK(message_of([&] { (void)tpw::evaluate_request<USD>(gpu(), hourly, phases, bad); }) ==
        "workload.reasoning_multiplier = 0.5: must be >= 1 (output tokens written per output "
        "token shown)");
  CHECK(message_of([] {
          (void)tpw::evaluate_request<USD>(gpu(), hourly, {.prefill = 1000.0_tok_per_s}, shape);
        }) == "workload.decode_tok_s = 0: must be > 0 tok/s");
  CHECK(message_of([] {
          (void)tpw::evaluate_request<USD>(gpu(), hourly, phases,
                                           {.input = 0.0_tok, .output = 0.0_tok});
        }) == "workload.output_tokens = 0: a request needs some input or output tokens");
  CHECK(message_of([] {
          (void)tpw::evaluate_request<USD>(
              gpu(), hourly, phases, shape,
              tpw::token_pricing<USD>{-1.0_USD / units::Mtok, 1.0_USD / units::Mtok});
        }) == "revenue.input_price_per_mtok = -1: must be >= 0 per Mtok");
}

TEST_CASE("a request mix on a total throughput: per request, per kind of token, blended price") {
  // 8,000 input tokens, half of them from the prompt cache, 1,000 output tokens; input 0.60,
  // cached input 0.06, output 2.40 USD per Mtok; every token costs 0.20 USD per Mtok.
  const tpw::request_shape mix{.input = 8000.0_tok, .output = 1000.0_tok, .cached_share = 0.5};
  const tpw::token_pricing<USD> prices{.input = 0.60_USD / units::Mtok,
                                       .output = 2.40_USD / units::Mtok,
                                       .cached_input = 0.06_USD / units::Mtok};
  const auto m = tpw::evaluate_mix<USD>(0.20_USD / units::Mtok, mix, prices);
  CHECK(tpw::in(m.tokens_per_request, units::tok) == 9000.0);
  CHECK(m.input_share == Approx(8.0 / 9.0).epsilon(1e-15));
  // Cost: 9,000 tokens * 0.20e-6 = 0.0018 USD a request; all of it over 8,000 input tokens is
  // 0.225 USD per input Mtok, over 1,000 output tokens 1.80 USD per output Mtok.
  CHECK(tpw::in(m.cost_per_request, units::usd) == Approx(0.0018).epsilon(1e-14));
  CHECK(tpw::in(*m.cost_per_input_token, units::usd / units::Mtok) == Approx(0.225).epsilon(1e-14));
  CHECK(tpw::in(*m.cost_per_output_token, units::usd / units::Mtok) == Approx(1.8).epsilon(1e-14));
  // Revenue: 4,000 * 0.60e-6 + 4,000 * 0.06e-6 + 1,000 * 2.40e-6 = 0.0024 + 0.00024 + 0.0024
  // = 0.00504 USD; over 9,000 tokens, 0.56 USD per Mtok.
  CHECK(tpw::in(*m.revenue_per_request, units::usd) == Approx(0.00504).epsilon(1e-14));
  CHECK(tpw::in(*m.blended_price, units::usd / units::Mtok) == Approx(0.56).epsilon(1e-14));
  CHECK(tpw::in(tpw::blended_price<USD>(mix, prices), units::usd / units::Mtok) ==
        Approx(0.56).epsilon(1e-14));
  // A reasoning model writing 3 tokens per token shown: 8,000 + 3,000 tokens, output billed as
  // written: (0.0024 + 0.00024 + 3,000 * 2.40e-6) / 11,000 = 0.00984 / 11,000.
  auto reasoning = mix;
  reasoning.reasoning_multiplier = 3.0;
  CHECK(tpw::in(tpw::blended_price<USD>(reasoning, prices), units::usd / units::Mtok) ==
        Approx(0.00984 / 11000.0 * 1e6).epsilon(1e-14));
  // No prices: no revenue figures.
  CHECK_FALSE(tpw::evaluate_mix<USD>(0.20_USD / units::Mtok, mix).blended_price.has_value());
  auto bad = mix;
  bad.cached_share = 1.5;
  CHECK(message_of([&] { (void)tpw::blended_price<USD>(bad, prices); }) ==
        "workload.cached_share = 1.5: must be in [0, 1]: the share of input tokens read from a "
        "prompt cache");
}

TEST_CASE("embodied emissions per token: an accelerator's emissions over its life's tokens") {
  // 1,000 tok/s * 0.5 * 4 years of 31,536,000 s = 6.3072e10 tokens; 2,000 kg = 2e6 g over them
  // is 3.171e-5 g per token, 31.71 g per Mtok.
  const auto per_token =
      tpw::embodied_emissions_per_token(gpu(), 2000.0 * units::kg, 4.0 * units::year);
  CHECK(tpw::in(per_token, units::g / units::Mtok) == Approx(2e6 / 6.3072e10 * 1e6).epsilon(1e-14));
  CHECK(message_of([] {
          (void)tpw::embodied_emissions_per_token(gpu(), -1.0 * units::kg, 4.0 * units::year);
        }) == "carbon.embodied_kg_per_accelerator = -1: must be >= 0 kgCO2e");
}
