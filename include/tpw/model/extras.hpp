// tpw/model/extras.hpp: the figures a scenario adds beside the cost model's, per sample, as
// plain numbers: with prices by kind of token the revenue per request, with a carbon section the
// emissions per Mtok (operational from the grid's intensity, embodied from the accelerator's, and
// their total; its numbers open to uncertainty), with a site its tokens, cost and revenue (and
// emissions) a year; and the figures that are cost per Mtok times a constant (cost per request,
// per input and output Mtok). The deterministic study (tpw/io/study.hpp) and the CPU Monte Carlo
// (tpw/mc/cost_model.hpp) compute them here. No Eigen, no engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tpw/electricity/flat_load.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/inputs.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/model/workload.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// The numbers beside the cost model's inputs, each open to uncertainty: the carbon section's, the
// prices by kind of token, the workload's request, the latency target (the least interactivity,
// the most time per output token or to the first token: each picks the throughput on a measured
// frontier), the power cap (which picks the throughput and draw on a power-cap curve), the site's
// power ceiling and headroom (its size) and a benchmark's input and output rates (their sum is
// the throughput).
enum class extra_input : std::uint32_t {
  grid_g_per_kwh,               // carbon.grid_g_per_kwh
  embodied_kg_per_accelerator,  // carbon.embodied_kg_per_accelerator
  life_years,                   // carbon.life_years, over which embodied emissions are spread
  input_price_per_mtok,         // revenue.input_price_per_mtok (uncached input)
  output_price_per_mtok,        // revenue.output_price_per_mtok
  cached_input_price_per_mtok,  // revenue.cached_input_price_per_mtok
  input_tokens,                 // workload.input_tokens, per request
  output_tokens,                // workload.output_tokens, shown per request
  cached_share,                 // workload.cached_share, of the input tokens
  reasoning_multiplier,         // workload.reasoning_multiplier, written per shown output token
  min_interactivity,            // frontier.min_interactivity_tok_s_user, the latency target
  power_cap,                    // power_cap.cap, W per accelerator
  max_tpot_ms,                  // frontier.max_tpot_ms, a latency target as time per token
  max_ttft_ms,                  // frontier.max_ttft_ms, a latency target as time to first token
  site_power_mw,                // site.power_mw, the site's power ceiling
  site_headroom,                // site.headroom, the share of it held back
  input_tok_s,                  // deployment.input_tok_s, a benchmark's input rate
  output_tok_s,                 // deployment.output_tok_s, its output rate
  demand_scale,                 // demand.scale, every hour's request rate times it
  demand_growth,                // demand.growth_per_year, a project's later years' demand
  // Levels (multipliers, 1: as written) on the tariff of a fleet sized to demand: on its prices
  // per kWh (bought, and a PPA's surplus sold), on its demand charge and on its PPA's price. The
  // scenario writes the last two as the charge per kW-month and the price per MWh (its curve's
  // tariff carries 1 of each).
  tariff_level,         // costs.energy.tariff.level
  demand_charge_level,  // costs.energy.tariff.demand_charge_per_kw_month
  ppa_price_level,      // costs.energy.tariff.ppa.price_per_mwh
  // The output length's coefficient of variation on a fixed fleet sized to demand: it moves what
  // the fleet serves at the target (capacity::servable_by_output_cv).
  demand_output_cv,  // demand.output_cv
};
inline constexpr std::size_t extra_input_count = 24;
inline constexpr std::array<cost_input_rule, extra_input_count> extra_input_rules{{
    {"carbon.grid_g_per_kwh", 0.0, 1e4, true, true},
    {"carbon.embodied_kg_per_accelerator", 0.0, 1e7, true, true},
    {"carbon.life_years", 0.1, 100.0, true, true},
    {"revenue.input_price_per_mtok", 0.0, 1e9, true, true},
    {"revenue.output_price_per_mtok", 0.0, 1e9, true, true},
    {"revenue.cached_input_price_per_mtok", 0.0, 1e9, true, true},
    {"workload.input_tokens", 0.0, 1e9, true, true},
    {"workload.output_tokens", 0.0, 1e9, true, true},
    {"workload.cached_share", 0.0, 1.0, true, true},
    {"workload.reasoning_multiplier", 1.0, 1000.0, true, true},
    {"frontier.min_interactivity_tok_s_user", 0.0, 1e6, false, true},
    {"power_cap.cap", 0.0, 1e9, false, true},
    {"frontier.max_tpot_ms", 0.0, 1e6, false, true},
    {"frontier.max_ttft_ms", 0.0, 1e7, false, true},
    {"site.power_mw", 0.0, 1e6, false, true},
    {"site.headroom", 0.0, 1.0, true, false},
    {"deployment.input_tok_s", 0.0, 1e9, true, true},
    {"deployment.output_tok_s", 0.0, 1e9, false, true},
    {"demand.scale", 0.0, 1e3, false, true},
    {"demand.growth_per_year", -1.0, 10.0, false, true},
    {"costs.energy.tariff.level", 0.0, 100.0, true, true},
    {"costs.energy.tariff.demand_charge_per_kw_month", 0.0, 1e6, true, true},
    {"costs.energy.tariff.ppa.price_per_mwh", 0.0, 1e6, true, true},
    {"demand.output_cv", 0.0, 10.0, true, true},
}};
// Whether an extra number is a price by kind, or the workload's (the others are the carbon
// section's).
constexpr bool is_price_by_kind(extra_input k) noexcept {
  return k >= extra_input::input_price_per_mtok && k <= extra_input::cached_input_price_per_mtok;
}
constexpr bool is_workload(extra_input k) noexcept {
  return k >= extra_input::input_tokens && k <= extra_input::reasoning_multiplier;
}
// Whether an extra number is a latency target, which picks the operating point on a measured
// frontier; whether it moves the operating point along a curve (tpw/mc/operating_curve.hpp): a
// latency target, the power cap, or the demand's scale (which moves the utilization and the
// energy price of a fleet sized to demand).
constexpr bool is_latency_target(extra_input k) noexcept {
  return k == extra_input::min_interactivity || k == extra_input::max_tpot_ms ||
         k == extra_input::max_ttft_ms;
}
// A tariff's level: it moves the energy price of a fleet sized to demand, through its curve.
constexpr bool is_tariff_level(extra_input k) noexcept {
  return k == extra_input::tariff_level || k == extra_input::demand_charge_level ||
         k == extra_input::ppa_price_level;
}
constexpr bool is_curve_input(extra_input k) noexcept {
  return is_latency_target(k) || k == extra_input::power_cap || k == extra_input::demand_scale ||
         is_tariff_level(k) || k == extra_input::demand_output_cv;
}
// Whether an extra number is one of the deployment's input and output rates, whose sum is the
// throughput.
constexpr bool is_rate(extra_input k) noexcept {
  return k == extra_input::input_tok_s || k == extra_input::output_tok_s;
}
// Whether an extra number sizes the site (its power ceiling or headroom).
constexpr bool is_site_input(extra_input k) noexcept {
  return k == extra_input::site_power_mw || k == extra_input::site_headroom;
}
constexpr const cost_input_rule& rule_of(extra_input input) noexcept {
  return extra_input_rules[static_cast<std::size_t>(input)];
}

// A figure that is cost per Mtok times a constant: its name and the constant.
struct cost_multiple {
  const char* name = "";
  double factor = 0.0;
};
// At most three of them, without allocating (extra_figures runs per sample).
struct cost_multiple_list {
  std::array<cost_multiple, 3> items{};
  std::size_t count = 0;
  [[nodiscard]] constexpr const cost_multiple* begin() const noexcept { return items.data(); }
  [[nodiscard]] constexpr const cost_multiple* end() const noexcept { return items.data() + count; }
};

namespace detail {
// Every extra number at 0 but the tariff's levels, at 1.
constexpr std::array<double, extra_input_count> initial_extra_values() noexcept {
  std::array<double, extra_input_count> v{};
  for (const extra_input k : {extra_input::tariff_level, extra_input::demand_charge_level,
                              extra_input::ppa_price_level}) {
    v[static_cast<std::size_t>(k)] = 1.0;
  }
  return v;
}
}  // namespace detail

// What a scenario adds: a request mix (cost per request and per kind of token, revenue per
// request), a carbon section and a site (its yearly figures).
struct extra_parameters {
  // The workload's: set_mix and set keep them. The tariff's levels start at 1 (as written).
  std::array<double, extra_input_count> values = detail::initial_extra_values();
  bool carbon = false;
  double tokens_per_request = 0.0;  // input + output * reasoning; 0: no workload
  // Without carbon.life_years: the owned hardware's life, sample by sample.
  bool life_follows_hardware = false;
  // The request mix (with tokens_per_request > 0). With prices by kind of token,
  // revenue.price_per_mtok is their blend over it, sample by sample (tpw::blended_price's
  // formula).
  bool priced_by_kind = false;
  request_shape mix{};
  // Whether the mix changes sample by sample (an uncertain workload number): the cost per request
  // and per input and output Mtok are then figures of their own, per sample, not multiples.
  bool mix_varies = false;
  // Whether the model has a token price (the site's revenue; with prices by kind, the revenue
  // per request).
  bool priced = false;
  // The site's accelerators, bought at the point values (its systems times the accelerators per
  // system): its tokens, cost and revenue a year per sample. 0: no site figures.
  double site_accelerators = 0.0;
  // For a site whose power ceiling or headroom may be uncertain (site_system_mw > 0): the facility
  // power one system needs at the point values, in MW (provisioned IT power * PUE), and its
  // accelerators. A sample's site is then the whole systems its own usable power holds
  // (site_systems; set() keeps site_accelerators to them): as many as the sample's ceiling buys,
  // each with the point's power.
  double site_system_mw = 0.0;
  double site_accelerators_per_system = 0.0;
  // Whether the deployment gave its input and output rates (a benchmark's split; their sum is the
  // throughput), and whether they are the request mix too (no workload): set() then keeps the mix
  // to a sample's rates.
  bool rates_given = false;
  bool mix_from_rates = false;
  // A tariff on a flat load (no demand section shapes it hour by hour): each sample's energy
  // price is its bill's effective price at the sample's load, the accelerators drawing it (the
  // site's, sample by sample, when its size may be uncertain) times one accelerator's average
  // facility power, and at the sample's levels on the tariff (the three tariff numbers above; the
  // tariff as written: its demand charge 1 per W-month and its PPA price 1 per J, levels times
  // them: tpw/electricity/flat_load.hpp). `active` false: none.
  electricity::flat_load_tariff flat_tariff{};

  constexpr double& operator[](extra_input k) noexcept {
    return values[static_cast<std::size_t>(k)];
  }
  constexpr double operator[](extra_input k) const noexcept {
    return values[static_cast<std::size_t>(k)];
  }
  // The request mix, its numbers mirrored in values[] and its tokens per request.
  void set_mix(const request_shape& shape) noexcept {
    mix = shape;
    values[static_cast<std::size_t>(extra_input::input_tokens)] = shape.input.value();
    values[static_cast<std::size_t>(extra_input::output_tokens)] = shape.output.value();
    values[static_cast<std::size_t>(extra_input::cached_share)] = shape.cached_share;
    values[static_cast<std::size_t>(extra_input::reasoning_multiplier)] =
        shape.reasoning_multiplier;
    tokens_per_request = tpw::tokens_per_request(shape).value();
  }
  // Sets one number (a sample's); a workload number changes the mix and its tokens per request.
  // Whether a number is one of the request mix's: the workload's, or a rate the mix is taken
  // from. Uncertain, it makes the mix vary (mix_varies).
  [[nodiscard]] constexpr bool of_mix(extra_input k) const noexcept {
    return is_workload(k) || (mix_from_rates && is_rate(k));
  }
  // A site number changes the site's accelerators; a rate, a mix taken from the rates.
  void set(extra_input k, double value) noexcept {
    if (is_rate(k)) {
      (*this)[k] = value;
      if (mix_from_rates) {
        request_shape shape = mix;
        shape.input = tokens::from_value((*this)[extra_input::input_tok_s]);
        shape.output = tokens::from_value((*this)[extra_input::output_tok_s]);
        set_mix(shape);
      }
      return;
    }
    if (is_site_input(k)) {
      (*this)[k] = value;
      site_accelerators = site_systems() * site_accelerators_per_system;
      return;
    }
    if (!is_workload(k)) {
      (*this)[k] = value;
      return;
    }
    request_shape shape = mix;
    switch (k) {
      case extra_input::input_tokens:
        shape.input = tokens::from_value(value);
        break;
      case extra_input::output_tokens:
        shape.output = tokens::from_value(value);
        break;
      case extra_input::cached_share:
        shape.cached_share = value;
        break;
      default:
        shape.reasoning_multiplier = value;
        break;
    }
    set_mix(shape);
  }
  // The whole systems the site's usable power (power_mw * (1 - headroom)) holds at
  // site_system_mw each.
  [[nodiscard]] double site_systems() const noexcept {
    return detail::whole_systems(
        (*this)[extra_input::site_power_mw] * (1.0 - (*this)[extra_input::site_headroom]),
        site_system_mw);
  }
  // The effective energy price per J of the flat load at operating point `op` (flat_tariff
  // active).
  [[nodiscard]] double flat_tariff_price(const operating_point& op) const noexcept {
    return flat_tariff.effective_price(
        flat_load_accelerators() * average_facility_power(op).value(),
        (*this)[extra_input::tariff_level], (*this)[extra_input::demand_charge_level],
        (*this)[extra_input::ppa_price_level]);
  }
  // The accelerators drawing the flat load: the site's (a sample's, when its size may be
  // uncertain) where the site's figures are given, else the tariff's own count.
  [[nodiscard]] double flat_load_accelerators() const noexcept {
    return site_system_mw > 0.0 && site_accelerators > 0.0 ? site_accelerators
                                                           : flat_tariff.accelerators;
  }
  [[nodiscard]] constexpr bool any() const noexcept {
    return carbon || tokens_per_request > 0.0 || site_accelerators > 0.0;
  }
  // The figures that are cost per Mtok times a constant: the cost per request, per input Mtok and
  // per output Mtok (each per token of its kind, the request's whole cost borne by that kind's
  // tokens: tpw::evaluate_mix's definitions). Each statistic of a positive multiple is the
  // multiple of the statistic: a study scales cost per Mtok's (tpw/io/study.hpp), on any engine.
  // With a mix that varies they are no multiples (none here), but per-sample figures.
  [[nodiscard]] constexpr cost_multiple_list cost_multiples() const noexcept {
    return mix_varies ? cost_multiple_list{} : request_costs();
  }
  // The cost per request and per input and output Mtok of the mix: their names and the constants
  // that multiply cost per Mtok.
  [[nodiscard]] constexpr cost_multiple_list request_costs() const noexcept {
    cost_multiple_list m;
    if (tokens_per_request <= 0.0) return m;
    m.items[m.count++] = {"cost_per_request", tokens_per_request / 1e6};
    const double input = mix.input.value();
    const double output = mix.output.value() * mix.reasoning_multiplier;
    if (input > 0.0) m.items[m.count++] = {"cost_per_mtok_input", tokens_per_request / input};
    if (output > 0.0) m.items[m.count++] = {"cost_per_mtok_output", tokens_per_request / output};
    return m;
  }
  // The figures extra_figures computes per sample (the cost multiples are among them only when
  // the mix varies: otherwise a study derives their statistics from cost per Mtok's,
  // tpw/io/study.hpp).
  [[nodiscard]] constexpr std::size_t output_count() const noexcept {
    const bool site = site_accelerators > 0.0;
    return (mix_varies ? request_costs().count : 0) +
           (tokens_per_request > 0.0 && priced_by_kind ? 1 : 0) + (carbon ? 3 : 0) +
           (site ? 2 + (priced ? 1 : 0) + (carbon ? 1 : 0) : 0);
  }
  // The figures given, in the order extra_figures writes them.
  [[nodiscard]] std::vector<std::string> output_names() const {
    std::vector<std::string> names;
    if (mix_varies) {
      for (const auto& m : request_costs()) names.emplace_back(m.name);
    }
    if (tokens_per_request > 0.0 && priced_by_kind) names.emplace_back("revenue_per_request");
    if (carbon) {
      names.insert(names.end(), {"carbon_g_per_mtok", "carbon_g_per_mtok.operational",
                                 "carbon_g_per_mtok.embodied"});
    }
    if (site_accelerators > 0.0) {
      names.insert(names.end(), {"site_tokens_per_year", "site_cost_per_year"});
      if (priced) names.emplace_back("site_revenue_per_year");
      if (carbon) names.emplace_back("site_carbon_t_per_year");
    }
    return names;
  }
};
// The most figures extra_figures writes.
inline constexpr std::size_t max_extra_outputs = 3 + 1 + 3 + 4;

// Emissions per Mtok at an operating point, in gCO2e: operational (the grid's intensity times the
// facility energy per token) and embodied (the accelerator's spread over the tokens it makes in
// its life).
struct carbon_per_mtok {
  double operational = 0.0;
  double embodied = 0.0;
};
inline carbon_per_mtok carbon_at(const operating_point& op, double grid_g_per_kwh,
                                 double embodied_kg_per_accelerator, double life_years) noexcept {
  const auto g_per_mtok = units::g / units::Mtok;
  return {in(emissions_per_token_at(op, grid_g_per_kwh * (units::g / units::kWh)), g_per_mtok),
          in(embodied_emissions_per_token_at(op, embodied_kg_per_accelerator * units::kg,
                                             life_years * units::year),
             g_per_mtok)};
}

// The price per Mtok of a mix at prices by kind (per Mtok): its revenue per token processed, by
// the formula tpw::blended_price uses.
inline double blended_price_per_mtok(const extra_parameters& e) noexcept {
  using X = currency<"XXX">;
  const auto per_token = [&](extra_input k) { return token_price<X>::from_value(e[k] / 1e6); };
  const token_pricing<X> p{per_token(extra_input::input_price_per_mtok),
                           per_token(extra_input::output_price_per_mtok),
                           per_token(extra_input::cached_input_price_per_mtok)};
  return (detail::priced_request(e.mix, p) / tokens_per_request(e.mix)).value() * 1e6;
}

// One sample's extra figures (extra_parameters::output_names' order), from its operating point,
// cost per Mtok and price per Mtok (unused without a price), in the scenario's currency. The
// site's tokens a year are its accelerators' average token rate over a year (tpw::plan_site's
// formula); its cost and revenue, those tokens at the sample's cost and price per token.
inline void extra_figures(const operating_point& op, double cost_per_mtok, double price_per_mtok,
                          const extra_parameters& e, double* y) {
  std::size_t k = 0;
  if (e.mix_varies) {
    for (const auto& m : e.request_costs()) y[k++] = cost_per_mtok * m.factor;
  }
  if (e.tokens_per_request > 0.0 && e.priced_by_kind) {
    y[k++] = price_per_mtok * (e.tokens_per_request / 1e6);
  }
  carbon_per_mtok c;
  if (e.carbon) {
    c = carbon_at(op, e[extra_input::grid_g_per_kwh], e[extra_input::embodied_kg_per_accelerator],
                  e[extra_input::life_years]);
    y[k++] = c.operational + c.embodied;
    y[k++] = c.operational;
    y[k++] = c.embodied;
  }
  if (e.site_accelerators > 0.0) {
    const double mtok = in(average_token_rate(op) * units::year, units::Mtok) * e.site_accelerators;
    y[k++] = mtok * 1e6;
    y[k++] = cost_per_mtok * mtok;
    if (e.priced) y[k++] = price_per_mtok * mtok;
    if (e.carbon) y[k++] = (c.operational + c.embodied) * mtok / 1e6;  // g to t
  }
}

}  // namespace tpw
