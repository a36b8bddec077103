// tpw/model/inputs.hpp: the numbers a cost model reads, each with its scenario path, unit and
// rule, and how a component declares the numbers it is built from.
//
// A declared component (tpw::declared_component, tpw/model/components.hpp) lists its numbers as
// input_fields (scenario path, unit, rule) and builds itself from them with from_fields; the
// deterministic reader, the CPU engine and the GPU engine then all build it the same way, and a
// Monte Carlo model composed of such components (tpw/mc/composed_model.hpp) can make any of those
// numbers uncertain by its path. The built-in components declare theirs from the rules below.
// No Eigen, no engine, and nothing a GPU cannot compile.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tpw/config.hpp"
#include "tpw/model/operating_point.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// Every number of a deployment and its costs, in scenario units. (A scoped enumerator hides
// nothing, but GCC 12's -Wshadow names tpw::pue: off for this enum.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
enum class cost_input : std::uint32_t {
  accelerators_per_system,        // deployment.accelerators_per_system (a count: never uncertain)
  it_power_kw,                    // per system, while serving
  idle_power_kw,                  // per system; follows it_power_kw unless given
  provisioned_power_kw,           // per system; follows it_power_kw unless given
  utilization,                    // (0, 1]
  throughput_tok_s,               // per accelerator while serving
  cost_of_capital,                // annual
  hardware_price,                 // per system (owned)
  hardware_life_years,            // (owned)
  hardware_residual_fraction,     // (owned)
  rental_per_accelerator_hour,    // (rented)
  facility_build_per_mw,          // (built)
  facility_life_years,            // (built)
  colocation_per_kw_month,        // (colocation)
  energy_price_per_kwh,           //
  pue,                            // costs.energy.pue
  maintenance_fraction_per_year,  // of the hardware price
  software_per_accelerator_year,  //
  other_per_accelerator_year,     //
  price_per_mtok,                 // revenue.price_per_mtok (optional)
  // Revenue contracts billed by the accelerator-hour (optional; tpw/model/contracts.hpp):
  on_demand_share,                        // of the accelerators, rented out per hour used
  on_demand_per_accelerator_hour,         //
  reserved_share,                         // of the accelerators, reserved take-or-pay
  reserved_per_accelerator_hour,          // billed on the committed hours, used or not
  reserved_committed_share,               // of the reserved hours
  reserved_overage_per_accelerator_hour,  // on hours used beyond the committed share
};
#pragma GCC diagnostic pop
inline constexpr std::size_t cost_input_count = 26;
static_assert(static_cast<std::size_t>(cost_input::reserved_overage_per_accelerator_hour) + 1 ==
                  cost_input_count,
              "cost_input_count counts cost_input");

// One input's scenario path and the range its values must stay in. Every range is finite: its
// bounds are wide enough for any real deployment (a system of 1 W to 1 GW, a price up to 1e12 in
// any currency) and narrow enough that no figure of the model can overflow, underflow to a
// division by zero or turn negative (docs/scenario-limits.md gives each bound and why).
struct cost_input_rule {
  const char* path;
  double low;
  double high;
  bool low_included;
  bool high_included;
};

inline constexpr std::array<cost_input_rule, cost_input_count> cost_input_rules{{
    {"deployment.accelerators_per_system", 1.0, 1e6, true, true},
    {"deployment.it_power_kw", 1e-3, 1e6, true, true},
    {"deployment.idle_power_kw", 0.0, 1e6, true, true},
    {"deployment.provisioned_power_kw", 1e-3, 1e6, true, true},
    {"deployment.utilization", 1e-6, 1.0, true, true},
    {"deployment.throughput_tok_s", 1e-6, 1e9, true, true},
    {"costs.cost_of_capital", -0.5, 1.0, true, true},
    {"costs.hardware.price", 0.0, 1e12, true, true},
    {"costs.hardware.life_years", 0.1, 100.0, true, true},
    {"costs.hardware.residual_fraction", 0.0, 1.0, true, true},
    {"costs.hardware.rental_per_accelerator_hour", 0.0, 1e6, true, true},
    {"costs.facility.build_per_mw", 0.0, 1e12, true, true},
    {"costs.facility.life_years", 0.1, 100.0, true, true},
    {"costs.facility.colocation_per_kw_month", 0.0, 1e6, true, true},
    {"costs.energy.price_per_kwh", 0.0, 1e6, true, true},
    {"costs.energy.pue", 1.0, 10.0, true, true},
    {"costs.opex.maintenance_fraction_per_year", 0.0, 1.0, true, true},
    {"costs.opex.software_per_accelerator_year", 0.0, 1e9, true, true},
    {"costs.opex.other_per_accelerator_year", 0.0, 1e9, true, true},
    {"revenue.price_per_mtok", 1e-6, 1e9, true, true},
    {"revenue.on_demand.share", 0.0, 1.0, false, true},
    {"revenue.on_demand.price_per_accelerator_hour", 1e-6, 1e6, true, true},
    {"revenue.reserved.share", 0.0, 1.0, false, true},
    {"revenue.reserved.price_per_accelerator_hour", 1e-6, 1e6, true, true},
    {"revenue.reserved.committed_share", 0.0, 1.0, false, true},
    {"revenue.reserved.overage_per_accelerator_hour", 0.0, 1e6, true, true},
}};

// Whether x obeys a rule (false for NaN).
TPW_HD constexpr bool obeys(const cost_input_rule& rule, double x) noexcept {
  const bool low_ok = rule.low_included ? x >= rule.low : x > rule.low;
  const bool high_ok = rule.high_included ? x <= rule.high : x < rule.high;
  return low_ok && high_ok;
}

constexpr const cost_input_rule& rule_of(cost_input input) noexcept {
  return cost_input_rules[static_cast<std::size_t>(input)];
}

// The inputs that move a fleet's facility load, its power at its utilization: the utilization
// (where the idle power differs from the power serving), the IT and idle power, the PUE. A tariff
// priced on that load reads them (tpw::io's price_tariff, tpw-whatif's flat-load line).
constexpr bool moves_facility_load(cost_input input) noexcept {
  return input == cost_input::utilization || input == cost_input::it_power_kw ||
         input == cost_input::idle_power_kw || input == cost_input::pue;
}

// One number a component (or the operating point) is built from: its scenario path and range
// (rule), and the unit a scenario file writes it in. Components sharing a number declare the same
// path: a composed model holds it once (the cost of capital of owned hardware and of a built
// facility; the hardware price of owned hardware and of opex's maintenance share).
struct input_field {
  cost_input_rule rule;
  const char* unit;  // as a scenario writes it: "kW per system", "per kWh", "a share"
};

// A built-in input as a field, with its unit.
constexpr input_field field_of(cost_input input, const char* unit) noexcept {
  return {rule_of(input), unit};
}

namespace detail {

// Scenario units to tpw's canonical SI storage, read off the unit system as plain numbers (device
// code cannot refer to the host's unit constants).
inline constexpr double watts_per_kw = units::kilowatt.value();
inline constexpr double joules_per_kwh = units::kilowatt_hour.value();
inline constexpr double seconds_per_hour = units::seconds_per_hour;
inline constexpr double seconds_per_year = units::seconds_per_year;

}  // namespace detail

// The operating point's numbers, in this order: what every composed model reads first.
inline constexpr std::array<input_field, 7> operating_point_fields{{
    field_of(cost_input::accelerators_per_system, "accelerators"),
    field_of(cost_input::it_power_kw, "kW per system"),
    field_of(cost_input::idle_power_kw, "kW per system"),
    field_of(cost_input::provisioned_power_kw, "kW per system"),
    field_of(cost_input::utilization, "a share of hours"),
    field_of(cost_input::throughput_tok_s, "tok/s per accelerator"),
    field_of(cost_input::pue, "facility power / IT power"),
}};

// The operating point of numbers in operating_point_fields' order and units. The values must obey
// the fields' rules (the callers check them up front).
TPW_HD constexpr operating_point operating_point_from_fields(const double* v) noexcept {
  const double per_system = v[0];
  return {token_rate::from_value(v[5]),
          fraction::unchecked(v[4]),
          power::from_value(v[1] * detail::watts_per_kw / per_system),
          power::from_value(v[2] * detail::watts_per_kw / per_system),
          power::from_value(v[3] * detail::watts_per_kw / per_system),
          pue::unchecked(v[6]),
          per_system};
}

}  // namespace tpw
