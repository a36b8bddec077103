// tpw/model/parameters.hpp: a deployment and its costs as plain numbers, in the units a scenario
// file writes them in (kW, per kWh, per MW, years, ...), with each number's rule, the one-sample
// evaluation and the checks. The deterministic model reads a scenario through it, and the Monte
// Carlo engines (CPU, GPU, MPI) evaluate every sample through it: cost_parameters crosses to a GPU
// as it is, and evaluate_cost_parameters calls tpw::evaluate, so no formula is written twice. No
// Eigen, no Boost.Math, no engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/contracts.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/inputs.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

enum class hardware_terms : std::uint8_t { none, owned, rented };
enum class facility_terms : std::uint8_t { none, built, colocation };

// A plain struct: what the cost model reads, one sample at a time, on a CPU or a GPU.
struct cost_parameters {
  std::array<double, cost_input_count> values{};
  hardware_terms hardware = hardware_terms::none;
  facility_terms facility = facility_terms::none;
  bool idle_given = false;         // else idle power = it power
  bool provisioned_given = false;  // else provisioned power = it power
  bool priced = false;             // a token price is given (price_per_mtok)
  bool on_demand = false;          // an on-demand contract (on_demand_*; tpw/model/contracts.hpp)
  bool reserved = false;           // a reserved take-or-pay contract (reserved_*)

  TPW_HD constexpr double& operator[](cost_input k) noexcept {
    return values[static_cast<std::size_t>(k)];
  }
  TPW_HD constexpr double operator[](cost_input k) const noexcept {
    return values[static_cast<std::size_t>(k)];
  }
};

// Whether a base earns revenue (a token price or a contract): revenue and margin are then figures.
TPW_HD constexpr bool has_revenue(const cost_parameters& p) noexcept {
  return p.priced || p.on_demand || p.reserved;
}

// The figures the cost model reports per sample, in display units: cost per Mtok (total and per
// line) and per accelerator-hour in the scenario's currency, tok/J, tok/s per MW, and with a
// price, revenue per MW-year and gross margin.
enum class cost_output : std::uint32_t {
  cost_per_mtok,
  cost_per_mtok_hardware,
  cost_per_mtok_facility,
  cost_per_mtok_energy,
  cost_per_mtok_opex,
  cost_per_accelerator_hour,
  tokens_per_joule,
  tokens_per_s_per_mw,
  revenue_per_mw_year,
  gross_margin,
};
inline constexpr std::size_t cost_output_count = 10;
static_assert(static_cast<std::size_t>(cost_output::gross_margin) + 1 == cost_output_count,
              "cost_output_count counts cost_output");

// An output's position among the figures (y[output_index(cost_output::tokens_per_joule)]).
TPW_HD constexpr std::size_t output_index(cost_output k) noexcept {
  return static_cast<std::size_t>(k);
}
inline constexpr std::array<const char*, cost_output_count> cost_output_names{
    "cost_per_mtok",        "cost_per_mtok.hardware", "cost_per_mtok.facility",
    "cost_per_mtok.energy", "cost_per_mtok.opex",     "cost_per_accelerator_hour",
    "tokens_per_joule",     "tokens_per_s_per_mw",    "revenue_per_mw_year",
    "gross_margin"};

namespace detail {

TPW_HD constexpr operating_point operating_point_of(const cost_parameters& p) noexcept {
  using k = cost_input;
  const double it = p[k::it_power_kw];
  const double v[operating_point_fields.size()] = {
      p[k::accelerators_per_system],
      it,
      p.idle_given ? p[k::idle_power_kw] : it,
      p.provisioned_given ? p[k::provisioned_power_kw] : it,
      p[k::utilization],
      p[k::throughput_tok_s],
      p[k::pue]};
  return operating_point_from_fields(v);
}

// A base's contracts as plain numbers (contracts.hpp): the token price on the share the hourly
// contracts leave, the hourly rates per accelerator-second.
TPW_HD constexpr contract_numbers contract_numbers_of(const cost_parameters& p) noexcept {
  using k = cost_input;
  contract_numbers c;
  double hourly = 0.0;
  if (p.on_demand) {
    c.on_demand_share = p[k::on_demand_share];
    c.on_demand_rate = p[k::on_demand_per_accelerator_hour] / seconds_per_hour;
    hourly += c.on_demand_share;
  }
  if (p.reserved) {
    c.reserved_share = p[k::reserved_share];
    c.reserved_rate = p[k::reserved_per_accelerator_hour] / seconds_per_hour;
    c.committed = p[k::reserved_committed_share];
    c.overage_rate = p[k::reserved_overage_per_accelerator_hour] / seconds_per_hour;
    hourly += c.reserved_share;
  }
  if (p.priced) {
    c.per_token_share = 1.0 - hourly;
    c.price_per_token = p[k::price_per_mtok] / 1e6;
  }
  return c;
}

// The token price equivalent of a base's revenue at its operating point (contracts.hpp): its price
// per token when it has no hourly contract.
TPW_HD constexpr double price_equivalent_of(const cost_parameters& p,
                                            const operating_point& op) noexcept {
  if (!p.on_demand && !p.reserved) return p[cost_input::price_per_mtok] / 1e6;
  return price_equivalent(contract_numbers_of(p), op);
}

// A built-in input's position among cost_parameters' values, found by its field's path.
constexpr std::size_t built_in_index(const input_field& f) noexcept {
  for (std::size_t k = 0; k < cost_input_count; ++k) {
    const char* a = cost_input_rules[k].path;
    const char* b = f.rule.path;
    while (*a != 0 && *a == *b) {
      ++a;
      ++b;
    }
    if (*a == *b) return k;
  }
  return cost_input_count;
}

// A built-in component's numbers, read from a base by their paths (found at compile time, so
// device code reads no host table).
template <class T, std::size_t I>
inline constexpr std::size_t built_in_slot = built_in_index(T::fields[I]);
template <class T, std::size_t... I>
TPW_HD constexpr std::array<double, sizeof...(I)> built_in_values(
    const cost_parameters& p, std::index_sequence<I...>) noexcept {
  static_assert(((built_in_slot<T, I> < cost_input_count) && ...),
                "a built-in component's fields are cost inputs");
  return {p.values[std::integral_constant<std::size_t, built_in_slot<T, I>>::value]...};
}
template <class T>
TPW_HD constexpr std::array<double, T::fields.size()> built_in_values(
    const cost_parameters& p) noexcept {
  return built_in_values<T>(p, std::make_index_sequence<T::fields.size()>{});
}
template <class T>
TPW_HD constexpr T built_in_component(const cost_parameters& p) noexcept {
  return T::from_fields(built_in_values<T>(p).data());
}

// Calls f with the scenario's cost components: its hardware and facility terms when given, then
// energy and opex, the set tpw::evaluate and tpw::project_cash_flows take. Each is built from the
// base's numbers by its own from_fields, as a composed model builds it.
template <currency_type C, class Hardware, class Facility, class F>
TPW_HD constexpr decltype(auto) apply_components(const cost_parameters& p, const Hardware* hardware,
                                                 const Facility* facility, F&& f) {
  const auto energy = built_in_component<energy_cost<C>>(p);
  // Maintenance is a share of an owned system's price; rented hardware has none.
  auto running_values = built_in_values<opex<C>>(p);
  if (p.hardware != hardware_terms::owned) running_values[1] = 0.0;
  static_assert(built_in_slot<opex<C>, 1> == static_cast<std::size_t>(cost_input::hardware_price));
  const auto running = opex<C>::from_fields(running_values.data());
  static_assert(Hardware::category == cost_category::hardware &&
                Facility::category == cost_category::facility);
  if (hardware && facility) return f(*hardware, *facility, energy, running);
  if (hardware) return f(*hardware, energy, running);
  if (facility) return f(*facility, energy, running);
  return f(energy, running);
}

}  // namespace detail

// Calls f(components...) with the cost components a base describes (see apply_components).
// `p` must satisfy the rules above.
template <currency_type C, class F>
TPW_HD constexpr decltype(auto) with_cost_components(const cost_parameters& p, F&& f) {
  using detail::built_in_component;
  const auto owned = built_in_component<owned_hardware<C>>(p);
  const auto rented = built_in_component<rented_hardware<C>>(p);
  const auto built = built_in_component<built_facility<C>>(p);
  const auto colo = built_in_component<colocation<C>>(p);
  const bool has_facility = p.facility != facility_terms::none;
  if (p.hardware == hardware_terms::rented) {
    return p.facility == facility_terms::colocation
               ? detail::apply_components<C>(p, &rented, &colo, f)
               : detail::apply_components<C>(p, &rented, has_facility ? &built : nullptr, f);
  }
  const owned_hardware<C>* hw = p.hardware == hardware_terms::owned ? &owned : nullptr;
  return p.facility == facility_terms::colocation
             ? detail::apply_components<C>(p, hw, &colo, f)
             : detail::apply_components<C>(p, hw, has_facility ? &built : nullptr, f);
}

// The shared evaluation: one sample's parameters to tpw::economics, through tpw::evaluate.
// `p` must satisfy the rules above (cost_model checks them up front).
template <currency_type C>
TPW_HD constexpr economics<C> evaluate_cost_parameters(const cost_parameters& p) noexcept {
  const operating_point op = detail::operating_point_of(p);
  const auto price = token_price<C>::from_value(detail::price_equivalent_of(p, op));
  return with_cost_components<C>(p, [&](const auto&... components) {
    return has_revenue(p) ? evaluate(op, price, components...) : evaluate(op, components...);
  });
}

// An evaluation's figures in display units, in cost_output order (per Mtok, per hour, tok/J,
// tok/s per MW, per MW-year); with no price (`priced` false), the last two are not written. The
// Monte Carlo engines and the reports (tpw/io) read the figures through this one conversion.
template <currency_type C>
TPW_HD constexpr void economics_figures(const economics<C>& e, bool priced, double* y) noexcept {
  using out = cost_output;
  y[output_index(out::cost_per_mtok)] = e.cost_per_token.total.value() * 1e6;
  y[output_index(out::cost_per_mtok_hardware)] = e.cost_per_token.hardware.value() * 1e6;
  y[output_index(out::cost_per_mtok_facility)] = e.cost_per_token.facility.value() * 1e6;
  y[output_index(out::cost_per_mtok_energy)] = e.cost_per_token.energy.value() * 1e6;
  y[output_index(out::cost_per_mtok_opex)] = e.cost_per_token.opex.value() * 1e6;
  y[output_index(out::cost_per_accelerator_hour)] = e.cost_per_accelerator_hour.value();
  y[output_index(out::tokens_per_joule)] = e.tokens_per_joule.value();
  y[output_index(out::tokens_per_s_per_mw)] = e.tokens_per_s_per_power.value() * 1e6;
  if (priced) {
    y[output_index(out::revenue_per_mw_year)] =
        e.revenue->revenue_per_power_time.value() * 1e6 * detail::seconds_per_year;
    y[output_index(out::gross_margin)] = e.revenue->gross_margin;
  }
}

// One sample's figures in display units, in cost_output order; with no price, the last two are
// not written.
template <currency_type C>
TPW_FLATTEN TPW_HD constexpr void cost_figures(const cost_parameters& p, double* y) noexcept {
  economics_figures<C>(evaluate_cost_parameters<C>(p), has_revenue(p), y);
}

// --- Checks
// ----------------------------------------------------------------------------------------

// Whether an input takes part in a scenario at all (its cost terms are given).
inline bool parameter_used(const cost_parameters& p, cost_input k) noexcept {
  switch (k) {
    case cost_input::idle_power_kw:
      return p.idle_given;
    case cost_input::provisioned_power_kw:
      return p.provisioned_given;
    case cost_input::hardware_price:
    case cost_input::hardware_life_years:
    case cost_input::hardware_residual_fraction:
      return p.hardware == hardware_terms::owned;
    case cost_input::rental_per_accelerator_hour:
      return p.hardware == hardware_terms::rented;
    case cost_input::facility_build_per_mw:
    case cost_input::facility_life_years:
      return p.facility == facility_terms::built;
    case cost_input::colocation_per_kw_month:
      return p.facility == facility_terms::colocation;
    case cost_input::price_per_mtok:
      return p.priced;
    case cost_input::on_demand_share:
    case cost_input::on_demand_per_accelerator_hour:
      return p.on_demand;
    case cost_input::reserved_share:
    case cost_input::reserved_per_accelerator_hour:
    case cost_input::reserved_committed_share:
    case cost_input::reserved_overage_per_accelerator_hour:
      return p.reserved;
    default:
      return true;
  }
}

namespace detail {

// The hourly contracts' shares (at the highest values they reach) cover at most every
// accelerator, and leave some to sell per token when a token price is given.
inline void require_contract_shares(const cost_parameters& p, double on_demand, double reserved) {
  require_hourly_shares(
      on_demand, reserved, p.reserved,
      p.priced ? std::optional<double>(p[cost_input::price_per_mtok]) : std::nullopt);
}

// Why a value given for an input the base does not use is refused, naming what would make it used.
inline std::string unread_rule(const cost_parameters& p, cost_input k) {
  const char* needs = "";
  switch (k) {
    case cost_input::idle_power_kw:
      needs = "idle_given is false (the idle power would be the IT power): set idle_given";
      break;
    case cost_input::provisioned_power_kw:
      needs =
          "provisioned_given is false (the provisioned power would be the IT power): set "
          "provisioned_given";
      break;
    case cost_input::hardware_price:
    case cost_input::hardware_life_years:
    case cost_input::hardware_residual_fraction:
      needs = p.hardware == hardware_terms::rented
                  ? "the hardware is rented (hardware_terms::rented), so owned terms are not read"
                  : "hardware is not hardware_terms::owned: set it";
      break;
    case cost_input::rental_per_accelerator_hour:
      needs = p.hardware == hardware_terms::owned
                  ? "the hardware is owned (hardware_terms::owned), so a rental is not read"
                  : "hardware is not hardware_terms::rented: set it";
      break;
    case cost_input::facility_build_per_mw:
    case cost_input::facility_life_years:
      needs = p.facility == facility_terms::colocation
                  ? "the facility is colocation (facility_terms::colocation), so build terms are "
                    "not read"
                  : "facility is not facility_terms::built: set it";
      break;
    case cost_input::colocation_per_kw_month:
      needs = p.facility == facility_terms::built
                  ? "the facility is built (facility_terms::built), so a colocation rate is not "
                    "read"
                  : "facility is not facility_terms::colocation: set it";
      break;
    case cost_input::price_per_mtok:
      needs = "priced is false (no revenue would be counted): set priced";
      break;
    case cost_input::on_demand_share:
    case cost_input::on_demand_per_accelerator_hour:
      needs = "on_demand is false (no on-demand revenue would be counted): set on_demand";
      break;
    case cost_input::reserved_share:
    case cost_input::reserved_per_accelerator_hour:
    case cost_input::reserved_committed_share:
    case cost_input::reserved_overage_per_accelerator_hour:
      needs = "reserved is false (no reserved revenue would be counted): set reserved";
      break;
    default:
      break;
  }
  return std::string("is given but the model would not read it: ") + needs +
         ", or leave the value 0 (tpw::parameters_of builds a base from typed terms)";
}

}  // namespace detail

// A rule's range as messages show it: "[0.001, 1000000]".
inline std::string range_text(const cost_input_rule& rule) {
  return detail::interval_text(rule.low, rule.high, rule.low_included, rule.high_included);
}

// Where tpw's limits on every input are stated, for messages.
inline constexpr const char* limits_note = " (tpw's limits: docs/scenario-limits.md)";

// The deployment a base describes (systems of them), through tpw's validating constructors: the
// messages name the scenario paths.
inline deployment deployment_of(const cost_parameters& p, long systems = 1) {
  const auto kw = [](double v) { return of(v, units::kW); };
  detail::require_count("deployment.accelerators_per_system",
                        p[cost_input::accelerators_per_system]);
  const auto optional_kw = [&](bool given, cost_input k) {
    return given ? std::optional<power>(kw(p[k])) : std::nullopt;
  };
  return deployment(
      {.accelerators_per_system = static_cast<long>(p[cost_input::accelerators_per_system]),
       .systems = systems,
       .it_power = kw(p[cost_input::it_power_kw]),
       .idle_power = optional_kw(p.idle_given, cost_input::idle_power_kw),
       .provisioned_power = optional_kw(p.provisioned_given, cost_input::provisioned_power_kw),
       .pue = tpw::pue(p[cost_input::pue], "costs.energy.pue"),
       .utilization = fraction(p[cost_input::utilization], "deployment.utilization"),
       .throughput = of(p[cost_input::throughput_tok_s], units::tok / units::second)});
}

// Checks a base through tpw's validating types, so that the messages are the deterministic
// model's own, then against tpw's limits, which keep every figure finite; returns it.
template <currency_type C>
cost_parameters validated_parameters(const cost_parameters& p) {
  (void)deployment_of(p);
  const annual_rate r(p[cost_input::cost_of_capital], "costs.cost_of_capital");
  if (p.hardware == hardware_terms::owned) {
    (void)owned_hardware<C>(
        {of(p[cost_input::hardware_price], units::unit_of<C>),
         of(p[cost_input::hardware_life_years], units::year),
         fraction(p[cost_input::hardware_residual_fraction], "costs.hardware.residual_fraction"),
         r});
  } else if (p.hardware == hardware_terms::rented) {
    (void)rented_hardware<C>(
        {of(p[cost_input::rental_per_accelerator_hour], units::unit_of<C> / units::hour)});
  }
  if (p.facility == facility_terms::built) {
    (void)built_facility<C>(
        {of(p[cost_input::facility_build_per_mw], units::unit_of<C> / units::MW),
         of(p[cost_input::facility_life_years], units::year), r});
  } else if (p.facility == facility_terms::colocation) {
    (void)colocation<C>({of(p[cost_input::colocation_per_kw_month],
                            units::unit_of<C> / (units::kW * units::month))});
  }
  (void)energy_cost<C>({of(p[cost_input::energy_price_per_kwh], units::unit_of<C> / units::kWh)});
  (void)opex<C>({fraction(p[cost_input::maintenance_fraction_per_year],
                          "costs.opex.maintenance_fraction_per_year"),
                 of(p[cost_input::hardware_price], units::unit_of<C>),
                 of(p[cost_input::software_per_accelerator_year], units::unit_of<C> / units::year),
                 of(p[cost_input::other_per_accelerator_year], units::unit_of<C> / units::year)});
  if (p.priced) {
    const double price = p[cost_input::price_per_mtok];
    if (!detail::is_finite(price) || price <= 0.0) {
      throw invalid_input("revenue.price_per_mtok", price, "must be > 0 per Mtok");
    }
  }
  detail::require_contract_shares(p, p.on_demand ? p[cost_input::on_demand_share] : 0.0,
                                  p.reserved ? p[cost_input::reserved_share] : 0.0);
  for (std::size_t k = 0; k < cost_input_count; ++k) {
    const auto input = static_cast<cost_input>(k);
    const cost_input_rule& rule = rule_of(input);
    if (!parameter_used(p, input)) {
      // A value the model would not read is a forgotten flag or terms, not a default: refused.
      if (p[input] != 0.0) throw invalid_input(rule.path, p[input], detail::unread_rule(p, input));
      continue;
    }
    if (!obeys(rule, p[input])) {
      throw invalid_input(rule.path, p[input], "must be in " + range_text(rule) + limits_note);
    }
  }
  return p;
}

}  // namespace tpw
