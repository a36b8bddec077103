// tpw/model/components.hpp: the built-in cost components and the concept a user's own meets.
//
// A cost component is a small validated value type with
//   using currency = C;                                  // a tpw::currency
//   static constexpr cost_category category = ...;       // where its cost is reported
//   cost_rate<C> hourly_cost(const operating_point&) const noexcept;   // per accelerator
// Its cost is a rate (money per time, shown per hour). Each built-in component forwards to one
// formula in tpw/model/formulas.hpp; constructors validate and name fields by scenario path.
#pragma once

#include <cmath>
#include <concepts>
#include <string>

#include "tpw/config.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// The four lines of a cost breakdown. A user's component reports under one of them.
enum class cost_category { hardware, facility, energy, opex };

// clang-format 14 cannot lay out requires-expressions.
// clang-format off
template <class T>
concept cost_component = requires(const T& component, const operating_point& op) {
  requires currency_type<typename T::currency>;
  { T::category } -> std::convertible_to<cost_category>;
  { component.hourly_cost(op) } noexcept -> std::same_as<cost_rate<typename T::currency>>;
};
// clang-format on

// Owned hardware, recovered over its life at the cost of capital, less its discounted residual
// value. Straight-line depreciation is the cost_of_capital = 0 case.
template <currency_type C>
class owned_hardware {
 public:
  using currency = C;
  static constexpr cost_category category = cost_category::hardware;
  struct spec {
    money<C> price_per_system{};  // divided by the deployment's accelerators per system
    duration life{};              // economic life, > 0
    fraction residual_fraction = fraction::unchecked(0.0);  // of the price, at the end of life
    annual_rate cost_of_capital = annual_rate::unchecked(0.0);
  };

  // Without validation, for engines (CPU and CUDA) that checked their inputs up front.
  TPW_HD static constexpr owned_hardware unchecked(const spec& s) noexcept {
    return owned_hardware(s, unchecked_tag{});
  }

  explicit owned_hardware(const spec& s) : spec_(s) {
    detail::require_non_negative("costs.hardware.price", s.price_per_system, units::unit_of<C>,
                                 C::code);
    detail::require_positive("costs.hardware.life_years", s.life, units::year, "years");
    // With a negative cost of capital, (1 + r)^L < 1 and the residual's present value can exceed
    // the price: a negative hardware line, which no deployment has.
    const double growth = std::pow(1.0 + s.cost_of_capital.value(), in(s.life, units::year));
    if (s.residual_fraction.value() > growth) {
      throw invalid_input(
          "costs.hardware.residual_fraction", s.residual_fraction.value(),
          "is worth more than the price at a cost of capital of " +
              detail::number_text(s.cost_of_capital.value()) + " over " +
              detail::converted_number_text(in(s.life, units::year)) +
              " years (it may be at most (1 + r)^life = " + detail::converted_number_text(growth) +
              "): the hardware line would be negative");
    }
  }

  [[nodiscard]] TPW_HD cost_rate<C> hourly_cost(const operating_point& op) const noexcept {
    return owned_hardware_cost_rate<C>(spec_.price_per_system / op.accelerators_per_system,
                                       spec_.residual_fraction, spec_.cost_of_capital, spec_.life);
  }
  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  struct unchecked_tag {};
  TPW_HD constexpr owned_hardware(const spec& s, unchecked_tag) noexcept : spec_(s) {}
  spec spec_;
};

// Rented hardware: a rate per accelerator-hour.
template <currency_type C>
class rented_hardware {
 public:
  using currency = C;
  static constexpr cost_category category = cost_category::hardware;
  struct spec {
    cost_rate<C> rental_per_accelerator{};  // e.g. 2.10 * usd / units::hour
  };

  // Without validation, for engines (CPU and CUDA) that checked their inputs up front.
  TPW_HD static constexpr rented_hardware unchecked(const spec& s) noexcept {
    return rented_hardware(s, unchecked_tag{});
  }

  explicit rented_hardware(const spec& s) : spec_(s) {
    detail::require_non_negative("costs.hardware.rental_per_accelerator_hour",
                                 s.rental_per_accelerator, units::unit_of<C> / units::hour,
                                 "per accelerator-hour");
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(const operating_point&) const noexcept {
    return spec_.rental_per_accelerator;
  }
  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  struct unchecked_tag {};
  TPW_HD constexpr rented_hardware(const spec& s, unchecked_tag) noexcept : spec_(s) {}
  spec spec_;
};

// A facility built for the deployment: a build cost per unit of provisioned IT power, recovered
// over the facility's life at the cost of capital.
template <currency_type C>
class built_facility {
 public:
  using currency = C;
  static constexpr cost_category category = cost_category::facility;
  struct spec {
    money_per_power<C> build_cost{};  // per unit of IT power, e.g. 11.7e6 * usd / units::MW
    duration life{};                  // > 0
    annual_rate cost_of_capital = annual_rate::unchecked(0.0);
  };

  // Without validation, for engines (CPU and CUDA) that checked their inputs up front.
  TPW_HD static constexpr built_facility unchecked(const spec& s) noexcept {
    return built_facility(s, unchecked_tag{});
  }

  explicit built_facility(const spec& s) : spec_(s) {
    detail::require_non_negative("costs.facility.build_per_mw", s.build_cost,
                                 units::unit_of<C> / units::MW, "per MW");
    detail::require_positive("costs.facility.life_years", s.life, units::year, "years");
  }

  [[nodiscard]] TPW_HD cost_rate<C> hourly_cost(const operating_point& op) const noexcept {
    return built_facility_cost_rate<C>(spec_.build_cost, op.provisioned_power,
                                       spec_.cost_of_capital, spec_.life);
  }
  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  struct unchecked_tag {};
  TPW_HD constexpr built_facility(const spec& s, unchecked_tag) noexcept : spec_(s) {}
  spec spec_;
};

// Colocation: a rate per unit of provisioned IT power per unit time (quoted per kW-month).
template <currency_type C>
class colocation {
 public:
  using currency = C;
  static constexpr cost_category category = cost_category::facility;
  struct spec {
    money_per_power_time<C> rate{};  // e.g. 184 * usd / (units::kW * units::month)
  };

  // Without validation, for engines (CPU and CUDA) that checked their inputs up front.
  TPW_HD static constexpr colocation unchecked(const spec& s) noexcept {
    return colocation(s, unchecked_tag{});
  }

  explicit colocation(const spec& s) : spec_(s) {
    detail::require_non_negative("costs.facility.colocation_per_kw_month", s.rate,
                                 units::unit_of<C> / (units::kW * units::month), "per kW-month");
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(
      const operating_point& op) const noexcept {
    return colocation_cost_rate<C>(spec_.rate, op.provisioned_power);
  }
  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  struct unchecked_tag {};
  TPW_HD constexpr colocation(const spec& s, unchecked_tag) noexcept : spec_(s) {}
  spec spec_;
};

// Energy at a tariff, for the utilization-weighted facility power (the PUE is the deployment's).
template <currency_type C>
class energy_cost {
 public:
  using currency = C;
  static constexpr cost_category category = cost_category::energy;
  struct spec {
    energy_price<C> price{};  // e.g. 0.08 * usd / units::kWh
  };

  // Without validation, for engines (CPU and CUDA) that checked their inputs up front.
  TPW_HD static constexpr energy_cost unchecked(const spec& s) noexcept {
    return energy_cost(s, unchecked_tag{});
  }

  explicit energy_cost(const spec& s) : spec_(s) {
    detail::require_non_negative("costs.energy.price_per_kwh", s.price,
                                 units::unit_of<C> / units::kWh, "per kWh");
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(
      const operating_point& op) const noexcept {
    return energy_cost_rate<C>(op, spec_.price);
  }
  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  struct unchecked_tag {};
  TPW_HD constexpr energy_cost(const spec& s, unchecked_tag) noexcept : spec_(s) {}
  spec spec_;
};

// Operating costs: yearly maintenance as a share of the hardware price, plus software and other
// costs per accelerator-year (given as rates: 4500 * usd / units::year).
template <currency_type C>
class opex {
 public:
  using currency = C;
  static constexpr cost_category category = cost_category::opex;
  struct spec {
    fraction maintenance_fraction_per_year = fraction::unchecked(0.0);
    money<C> hardware_price_per_system{};  // the base of the maintenance share
    cost_rate<C> software_per_accelerator{};
    cost_rate<C> other_per_accelerator{};
  };

  // Without validation, for engines (CPU and CUDA) that checked their inputs up front.
  TPW_HD static constexpr opex unchecked(const spec& s) noexcept {
    return opex(s, unchecked_tag{});
  }

  explicit opex(const spec& s) : spec_(s) {
    detail::require_non_negative("costs.hardware.price", s.hardware_price_per_system,
                                 units::unit_of<C>, C::code);
    detail::require_non_negative("costs.opex.software_per_accelerator_year",
                                 s.software_per_accelerator, units::unit_of<C> / units::year,
                                 "per accelerator-year");
    detail::require_non_negative("costs.opex.other_per_accelerator_year", s.other_per_accelerator,
                                 units::unit_of<C> / units::year, "per accelerator-year");
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(
      const operating_point& op) const noexcept {
    return opex_cost_rate<C>(spec_.maintenance_fraction_per_year,
                             spec_.hardware_price_per_system / op.accelerators_per_system,
                             spec_.software_per_accelerator, spec_.other_per_accelerator);
  }
  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  struct unchecked_tag {};
  TPW_HD constexpr opex(const spec& s, unchecked_tag) noexcept : spec_(s) {}
  spec spec_;
};

}  // namespace tpw
