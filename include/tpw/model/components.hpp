// tpw/model/components.hpp: the built-in cost components and the concept a user's own meets.
//
// A cost component is a small validated value type with
//   using currency = C;                                  // a tpw::currency
//   static constexpr cost_category category = ...;       // where its cost is reported
//   cost_rate<C> hourly_cost(const operating_point&) const noexcept;   // per accelerator
// Its cost is a rate (money per time, shown per hour). Each built-in component forwards to one
// formula in tpw/model/formulas.hpp; constructors validate and name fields by scenario path.
#pragma once

#include <array>
#include <concepts>
#include <string>
#include <type_traits>

#include "tpw/config.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/inputs.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// The four lines of a cost breakdown. A user's component reports under one of them.
// (A scoped enumerator hides nothing, but GCC 12's -Wshadow names tpw::energy: off for this line.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
enum class cost_category { hardware, facility, energy, opex };
#pragma GCC diagnostic pop

// clang-format 14 cannot lay out requires-expressions.
// clang-format off
template <class T>
concept cost_component = requires(const T& component, const operating_point& op) {
  requires currency_type<typename T::currency>;
  { T::category } -> std::convertible_to<cost_category>;
  { component.hourly_cost(op) } noexcept -> std::same_as<cost_rate<typename T::currency>>;
};
// clang-format on

namespace detail {

// What every built-in component shares: its spec, kept as given, read back with parameters(), and
// a construction without validation (`unchecked`) for engines (CPU and CUDA) that checked their
// inputs up front. The component's own constructor validates; the tag only this base can make
// keeps the unchecked one out of users' hands.
template <class Component, class Spec>
class component_base {
 public:
  using spec = Spec;
  TPW_HD static constexpr Component unchecked(const Spec& s) noexcept {
    return Component(unchecked_tag{}, s);
  }
  [[nodiscard]] TPW_HD constexpr const Spec& parameters() const noexcept { return spec_; }

 protected:
  struct unchecked_tag {
    explicit unchecked_tag() = default;
  };
  TPW_HD constexpr explicit component_base(const Spec& s) noexcept : spec_(s) {}
  Spec spec_;
};

}  // namespace detail

// Owned hardware, recovered over its life at the cost of capital, less its discounted residual
// value. Straight-line depreciation is the cost_of_capital = 0 case.
template <currency_type C>
struct owned_hardware_spec {
  money<C> price_per_system{};  // divided by the deployment's accelerators per system
  duration life{};              // economic life, > 0
  fraction residual_fraction = fraction::unchecked(0.0);  // of the price, at the end of life
  annual_rate cost_of_capital = annual_rate::unchecked(0.0);
};

template <currency_type C>
class owned_hardware : public detail::component_base<owned_hardware<C>, owned_hardware_spec<C>> {
  using base = detail::component_base<owned_hardware<C>, owned_hardware_spec<C>>;
  friend base;

 public:
  using currency = C;
  using spec = owned_hardware_spec<C>;
  static constexpr cost_category category = cost_category::hardware;

  explicit owned_hardware(const spec& s) : base(s) {
    detail::require_non_negative("costs.hardware.price", s.price_per_system, units::unit_of<C>,
                                 C::code);
    detail::require_positive("costs.hardware.life_years", s.life, units::year, "years");
    // With a negative cost of capital, (1 + r)^L < 1 and the residual's present value can exceed
    // the price: a negative hardware line, which no deployment has.
    const double growth = 1.0 / discount_factor(s.cost_of_capital, s.life);  // (1 + r)^L
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

  // Its numbers: price per system, life in years, residual share, cost of capital.
  static constexpr std::array<input_field, 4> fields{{
      field_of(cost_input::hardware_price, "per system"),
      field_of(cost_input::hardware_life_years, "years"),
      field_of(cost_input::hardware_residual_fraction, "a share of the price"),
      field_of(cost_input::cost_of_capital, "a year"),
  }};
  TPW_HD static constexpr owned_hardware from_fields(const double* v) noexcept {
    return base::unchecked({money<C>::from_value(v[0]),
                            duration::from_value(v[1] * detail::seconds_per_year),
                            fraction::unchecked(v[2]), annual_rate::unchecked(v[3])});
  }

  [[nodiscard]] TPW_HD cost_rate<C> hourly_cost(const operating_point& op) const noexcept {
    const spec& s = this->spec_;
    return owned_hardware_cost_rate<C>(s.price_per_system / op.accelerators_per_system,
                                       s.residual_fraction, s.cost_of_capital, s.life);
  }

 private:
  TPW_HD constexpr owned_hardware(typename base::unchecked_tag, const spec& s) noexcept : base(s) {}
};

// Rented hardware: a rate per accelerator-hour.
template <currency_type C>
struct rented_hardware_spec {
  cost_rate<C> rental_per_accelerator{};  // e.g. 2.10 * usd / units::hour
};

template <currency_type C>
class rented_hardware : public detail::component_base<rented_hardware<C>, rented_hardware_spec<C>> {
  using base = detail::component_base<rented_hardware<C>, rented_hardware_spec<C>>;
  friend base;

 public:
  using currency = C;
  using spec = rented_hardware_spec<C>;
  static constexpr cost_category category = cost_category::hardware;

  explicit rented_hardware(const spec& s) : base(s) {
    detail::require_non_negative("costs.hardware.rental_per_accelerator_hour",
                                 s.rental_per_accelerator, units::unit_of<C> / units::hour,
                                 "per accelerator-hour");
  }

  static constexpr std::array<input_field, 1> fields{{
      field_of(cost_input::rental_per_accelerator_hour, "per accelerator-hour"),
  }};
  TPW_HD static constexpr rented_hardware from_fields(const double* v) noexcept {
    return base::unchecked({cost_rate<C>::from_value(v[0] / detail::seconds_per_hour)});
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(const operating_point&) const noexcept {
    return this->spec_.rental_per_accelerator;
  }

 private:
  TPW_HD constexpr rented_hardware(typename base::unchecked_tag, const spec& s) noexcept
      : base(s) {}
};

// A facility built for the deployment: a build cost per unit of provisioned IT power, recovered
// over the facility's life at the cost of capital.
template <currency_type C>
struct built_facility_spec {
  money_per_power<C> build_cost{};  // per unit of IT power, e.g. 11.7e6 * usd / units::MW
  duration life{};                  // > 0
  annual_rate cost_of_capital = annual_rate::unchecked(0.0);
};

template <currency_type C>
class built_facility : public detail::component_base<built_facility<C>, built_facility_spec<C>> {
  using base = detail::component_base<built_facility<C>, built_facility_spec<C>>;
  friend base;

 public:
  using currency = C;
  using spec = built_facility_spec<C>;
  static constexpr cost_category category = cost_category::facility;

  explicit built_facility(const spec& s) : base(s) {
    detail::require_non_negative("costs.facility.build_per_mw", s.build_cost,
                                 units::unit_of<C> / units::MW, "per MW");
    detail::require_positive("costs.facility.life_years", s.life, units::year, "years");
  }

  // Its numbers: build cost per MW of IT power, life in years, cost of capital.
  static constexpr std::array<input_field, 3> fields{{
      field_of(cost_input::facility_build_per_mw, "per MW of IT power"),
      field_of(cost_input::facility_life_years, "years"),
      field_of(cost_input::cost_of_capital, "a year"),
  }};
  TPW_HD static constexpr built_facility from_fields(const double* v) noexcept {
    return base::unchecked({money_per_power<C>::from_value(v[0] / 1e6),
                            duration::from_value(v[1] * detail::seconds_per_year),
                            annual_rate::unchecked(v[2])});
  }

  [[nodiscard]] TPW_HD cost_rate<C> hourly_cost(const operating_point& op) const noexcept {
    const spec& s = this->spec_;
    return built_facility_cost_rate<C>(s.build_cost, op.provisioned_power, s.cost_of_capital,
                                       s.life);
  }

 private:
  TPW_HD constexpr built_facility(typename base::unchecked_tag, const spec& s) noexcept : base(s) {}
};

// Colocation: a rate per unit of provisioned IT power per unit time (quoted per kW-month).
template <currency_type C>
struct colocation_spec {
  money_per_power_time<C> rate{};  // e.g. 184 * usd / (units::kW * units::month)
};

template <currency_type C>
class colocation : public detail::component_base<colocation<C>, colocation_spec<C>> {
  using base = detail::component_base<colocation<C>, colocation_spec<C>>;
  friend base;

 public:
  using currency = C;
  using spec = colocation_spec<C>;
  static constexpr cost_category category = cost_category::facility;

  explicit colocation(const spec& s) : base(s) {
    detail::require_non_negative("costs.facility.colocation_per_kw_month", s.rate,
                                 units::unit_of<C> / (units::kW * units::month), "per kW-month");
  }

  static constexpr std::array<input_field, 1> fields{{
      field_of(cost_input::colocation_per_kw_month, "per kW-month of provisioned IT power"),
  }};
  TPW_HD static constexpr colocation from_fields(const double* v) noexcept {
    return base::unchecked({money_per_power_time<C>::from_value(
        v[0] / detail::watts_per_kw / (detail::seconds_per_year / 12.0))});
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(
      const operating_point& op) const noexcept {
    return colocation_cost_rate<C>(this->spec_.rate, op.provisioned_power);
  }

 private:
  TPW_HD constexpr colocation(typename base::unchecked_tag, const spec& s) noexcept : base(s) {}
};

// Energy at a tariff, for the utilization-weighted facility power (the PUE is the deployment's).
template <currency_type C>
struct energy_cost_spec {
  energy_price<C> price{};  // e.g. 0.08 * usd / units::kWh
};

template <currency_type C>
class energy_cost : public detail::component_base<energy_cost<C>, energy_cost_spec<C>> {
  using base = detail::component_base<energy_cost<C>, energy_cost_spec<C>>;
  friend base;

 public:
  using currency = C;
  using spec = energy_cost_spec<C>;
  static constexpr cost_category category = cost_category::energy;

  explicit energy_cost(const spec& s) : base(s) {
    detail::require_non_negative("costs.energy.price_per_kwh", s.price,
                                 units::unit_of<C> / units::kWh, "per kWh");
  }

  static constexpr std::array<input_field, 1> fields{{
      field_of(cost_input::energy_price_per_kwh, "per kWh"),
  }};
  TPW_HD static constexpr energy_cost from_fields(const double* v) noexcept {
    return base::unchecked({energy_price<C>::from_value(v[0] / detail::joules_per_kwh)});
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(
      const operating_point& op) const noexcept {
    return energy_cost_rate<C>(op, this->spec_.price);
  }

 private:
  TPW_HD constexpr energy_cost(typename base::unchecked_tag, const spec& s) noexcept : base(s) {}
};

// Operating costs: yearly maintenance as a share of the hardware price, plus software and other
// costs per accelerator-year (given as rates: 4500 * usd / units::year).
template <currency_type C>
struct opex_spec {
  fraction maintenance_fraction_per_year = fraction::unchecked(0.0);
  money<C> hardware_price_per_system{};  // the base of the maintenance share
  cost_rate<C> software_per_accelerator{};
  cost_rate<C> other_per_accelerator{};
};

template <currency_type C>
class opex : public detail::component_base<opex<C>, opex_spec<C>> {
  using base = detail::component_base<opex<C>, opex_spec<C>>;
  friend base;

 public:
  using currency = C;
  using spec = opex_spec<C>;
  static constexpr cost_category category = cost_category::opex;

  explicit opex(const spec& s) : base(s) {
    detail::require_non_negative("costs.hardware.price", s.hardware_price_per_system,
                                 units::unit_of<C>, C::code);
    detail::require_non_negative("costs.opex.software_per_accelerator_year",
                                 s.software_per_accelerator, units::unit_of<C> / units::year,
                                 "per accelerator-year");
    detail::require_non_negative("costs.opex.other_per_accelerator_year", s.other_per_accelerator,
                                 units::unit_of<C> / units::year, "per accelerator-year");
  }

  // Its numbers: maintenance share of the hardware price a year, the hardware price per system
  // (0 for rented hardware), software and other costs per accelerator-year.
  static constexpr std::array<input_field, 4> fields{{
      field_of(cost_input::maintenance_fraction_per_year, "a share of the hardware price"),
      field_of(cost_input::hardware_price, "per system"),
      field_of(cost_input::software_per_accelerator_year, "per accelerator-year"),
      field_of(cost_input::other_per_accelerator_year, "per accelerator-year"),
  }};
  TPW_HD static constexpr opex from_fields(const double* v) noexcept {
    return base::unchecked({fraction::unchecked(v[0]), money<C>::from_value(v[1]),
                            cost_rate<C>::from_value(v[2] / detail::seconds_per_year),
                            cost_rate<C>::from_value(v[3] / detail::seconds_per_year)});
  }

  [[nodiscard]] TPW_HD constexpr cost_rate<C> hourly_cost(
      const operating_point& op) const noexcept {
    const spec& s = this->spec_;
    return opex_cost_rate<C>(s.maintenance_fraction_per_year,
                             s.hardware_price_per_system / op.accelerators_per_system,
                             s.software_per_accelerator, s.other_per_accelerator);
  }

 private:
  TPW_HD constexpr opex(typename base::unchecked_tag, const spec& s) noexcept : base(s) {}
};

namespace detail {
template <class T>
inline constexpr bool is_field_array = false;
template <std::size_t N>
inline constexpr bool is_field_array<std::array<input_field, N>> = N > 0;
}  // namespace detail

// A component that declares the numbers it is built from: a cost_component with
//   static constexpr std::array<tpw::input_field, N> fields;      // scenario path, unit, rule
//   static T from_fields(const double* v) noexcept;               // v[k] in fields[k]'s unit
// from_fields needs no checks beyond the fields' rules: callers check every value (and every
// value a distribution can reach) against them first. Mark it TPW_HD to run it on a GPU.
template <class T>
concept declared_component = cost_component<T> &&
    detail::is_field_array<std::remove_cv_t<decltype(T::fields)>> && requires(const double* v) {
  { T::from_fields(v) }
  noexcept->std::same_as<T>;
};

}  // namespace tpw
