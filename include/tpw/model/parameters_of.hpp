// tpw/model/parameters_of.hpp: a cost base (cost_parameters) from typed terms, the way a library
// user builds the Monte Carlo models' input: tpw::parameters_of<USD>(deployment spec, hardware,
// facility, energy, opex, price). Every number goes to its slot in the scenario's unit and every
// flag (idle_given, provisioned_given, priced, the hardware and facility terms) follows from what
// is passed, so none can be forgotten. No Eigen, no engine.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

#include "tpw/error.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/contracts.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/parameters.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

namespace detail {

template <currency_type C, class T>
inline constexpr bool is_hardware_term =
    std::is_same_v<T, owned_hardware<C>> || std::is_same_v<T, rented_hardware<C>>;
template <currency_type C, class T>
inline constexpr bool is_facility_term =
    std::is_same_v<T, built_facility<C>> || std::is_same_v<T, colocation<C>>;
template <currency_type C, class T>
inline constexpr bool is_revenue_term =
    std::is_same_v<T, token_price<C>> || std::is_same_v<T, revenue_contracts<C>>;
template <currency_type C, class T>
inline constexpr bool is_parameters_term =
    is_hardware_term<C, T> || is_facility_term<C, T> || std::is_same_v<T, energy_cost<C>> ||
    std::is_same_v<T, opex<C>> || is_revenue_term<C, T>;

// One cost of capital per base: owned hardware and a built facility must state the same rate.
inline void set_cost_of_capital(cost_parameters& p, bool& given, double rate, const char* term) {
  if (given && p[cost_input::cost_of_capital] != rate) {
    throw invalid_input("costs.cost_of_capital", rate,
                        std::string("differs between the hardware (") +
                            number_text(p[cost_input::cost_of_capital]) + ") and the " + term +
                            ": a base has one cost of capital");
  }
  p[cost_input::cost_of_capital] = rate;
  given = true;
}

}  // namespace detail

// A validated base from a deployment's spec and its terms, each passed at most once, in any order:
//   hardware: owned_hardware<C> or rented_hardware<C> (or none);
//   facility: built_facility<C> or colocation<C> (or none);
//   energy_cost<C> (required: pass a zero price for free energy);
//   opex<C> (optional); token_price<C> or revenue_contracts<C> (optional: with either, revenue
//   and margin are figures; contracts.hpp).
// The spec's optional idle and provisioned powers set idle_given and provisioned_given; its
// `systems` is not part of a base (a project model takes the count). Owned hardware and a built
// facility must share one cost of capital; maintenance (opex's share of the hardware price) needs
// owned hardware at the same price. The result has passed validated_parameters<C>.
template <currency_type C, class... Terms>
cost_parameters parameters_of(const deployment::spec& d, const Terms&... terms) {
  static_assert((detail::is_parameters_term<C, Terms> && ...),
                "parameters_of<C> takes owned_hardware<C>, rented_hardware<C>, built_facility<C>, "
                "colocation<C>, energy_cost<C>, opex<C> and token_price<C> (all in currency C)");
  static_assert((0 + ... + int(detail::is_hardware_term<C, Terms>)) <= 1,
                "parameters_of: at most one hardware term (owned or rented)");
  static_assert((0 + ... + int(detail::is_facility_term<C, Terms>)) <= 1,
                "parameters_of: at most one facility term (built or colocation)");
  static_assert((0 + ... + int(std::is_same_v<Terms, energy_cost<C>>)) == 1,
                "parameters_of: exactly one energy_cost<C> (a zero price for free energy)");
  static_assert((0 + ... + int(std::is_same_v<Terms, opex<C>>)) <= 1,
                "parameters_of: at most one opex<C>");
  static_assert((0 + ... + int(detail::is_revenue_term<C, Terms>)) <= 1,
                "parameters_of: at most one token_price<C> or revenue_contracts<C> (whose "
                "per_token holds a token price)");

  (void)deployment(d);  // the spec's own checks, with their messages
  using k = cost_input;
  cost_parameters p;
  p[k::accelerators_per_system] = static_cast<double>(d.accelerators_per_system);
  p[k::it_power_kw] = in(d.it_power, units::kW);
  if (d.idle_power) {
    p.idle_given = true;
    p[k::idle_power_kw] = in(*d.idle_power, units::kW);
  }
  if (d.provisioned_power) {
    p.provisioned_given = true;
    p[k::provisioned_power_kw] = in(*d.provisioned_power, units::kW);
  }
  p[k::utilization] = d.utilization.value();
  p[k::throughput_tok_s] = in(d.throughput, units::tok / units::second);
  p[k::pue] = d.pue.value();

  bool rate_given = false;
  const opex<C>* running = nullptr;
  const auto put = [&](const auto& term) {
    using T = std::remove_cvref_t<decltype(term)>;
    if constexpr (std::is_same_v<T, owned_hardware<C>>) {
      const auto& s = term.parameters();
      p.hardware = hardware_terms::owned;
      p[k::hardware_price] = s.price_per_system.value();
      p[k::hardware_life_years] = in(s.life, units::year);
      p[k::hardware_residual_fraction] = s.residual_fraction.value();
      detail::set_cost_of_capital(p, rate_given, s.cost_of_capital.value(), "hardware");
    } else if constexpr (std::is_same_v<T, rented_hardware<C>>) {
      p.hardware = hardware_terms::rented;
      p[k::rental_per_accelerator_hour] =
          in(term.parameters().rental_per_accelerator, units::unit_of<C> / units::hour);
    } else if constexpr (std::is_same_v<T, built_facility<C>>) {
      const auto& s = term.parameters();
      p.facility = facility_terms::built;
      p[k::facility_build_per_mw] = in(s.build_cost, units::unit_of<C> / units::MW);
      p[k::facility_life_years] = in(s.life, units::year);
      detail::set_cost_of_capital(p, rate_given, s.cost_of_capital.value(), "built facility");
    } else if constexpr (std::is_same_v<T, colocation<C>>) {
      p.facility = facility_terms::colocation;
      p[k::colocation_per_kw_month] =
          in(term.parameters().rate, units::unit_of<C> / (units::kW * units::month));
    } else if constexpr (std::is_same_v<T, energy_cost<C>>) {
      p[k::energy_price_per_kwh] = in(term.parameters().price, units::unit_of<C> / units::kWh);
    } else if constexpr (std::is_same_v<T, opex<C>>) {
      running = &term;
    } else if constexpr (std::is_same_v<T, revenue_contracts<C>>) {
      const auto& s = term.parameters();
      const auto per_hour = [](cost_rate<C> r) { return in(r, units::unit_of<C> / units::hour); };
      if (s.per_token) {
        p.priced = true;
        p[k::price_per_mtok] = s.per_token->value() * 1e6;
      }
      if (s.on_demand) {
        p.on_demand = true;
        p[k::on_demand_share] = s.on_demand->share.value();
        p[k::on_demand_per_accelerator_hour] = per_hour(s.on_demand->price_per_accelerator);
      }
      if (s.reserved) {
        p.reserved = true;
        p[k::reserved_share] = s.reserved->share.value();
        p[k::reserved_per_accelerator_hour] = per_hour(s.reserved->price_per_accelerator);
        p[k::reserved_committed_share] = s.reserved->committed.value();
        p[k::reserved_overage_per_accelerator_hour] = per_hour(s.reserved->overage_per_accelerator);
      }
    } else {
      p.priced = true;
      p[k::price_per_mtok] = term.value() * 1e6;
    }
  };
  (put(terms), ...);
  if (running != nullptr) {
    const auto& s = running->parameters();
    p[k::maintenance_fraction_per_year] = s.maintenance_fraction_per_year.value();
    p[k::software_per_accelerator_year] =
        in(s.software_per_accelerator, units::unit_of<C> / units::year);
    p[k::other_per_accelerator_year] = in(s.other_per_accelerator, units::unit_of<C> / units::year);
    const double base_price = s.hardware_price_per_system.value();
    if (s.maintenance_fraction_per_year.value() > 0.0) {
      if (p.hardware != hardware_terms::owned) {
        throw invalid_input("costs.opex.maintenance_fraction_per_year",
                            s.maintenance_fraction_per_year.value(),
                            "is a share of an owned system's price, and the hardware is not owned "
                            "(pass owned_hardware, or a zero share)");
      }
      if (base_price != p[k::hardware_price]) {
        throw invalid_input("costs.hardware.price", base_price,
                            "opex's hardware_price_per_system differs from owned_hardware's "
                            "price_per_system (" +
                                detail::number_text(p[k::hardware_price]) +
                                "): maintenance is a share of the price paid");
      }
    }
  }
  return validated_parameters<C>(p);
}

}  // namespace tpw
