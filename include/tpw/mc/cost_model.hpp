// tpw/mc/cost_model.hpp: the built-in cost model as a Monte Carlo model, with every numeric input
// of a deployment and its costs open to uncertainty.
//
// cost_parameters is a plain struct of numbers in the units a scenario file writes them in (kW,
// per kWh, per MW, years, ...): it crosses to a GPU as it is. evaluate_cost_parameters turns one
// into an operating point and cost components and calls tpw::evaluate, the same formulas as the
// deterministic model: nothing is written twice. Inputs are named by their scenario paths.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/distributions.hpp"
#include "tpw/mc/engine.hpp"
#include "tpw/mc/inputs.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw::mc {

// Every number of a deployment and its costs, in scenario units.
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
};
inline constexpr std::size_t cost_input_count = 20;

enum class hardware_terms : std::uint8_t { none, owned, rented };
enum class facility_terms : std::uint8_t { none, built, colocation };

// One input's scenario path and the range its values must stay in.
struct cost_input_rule {
  const char* path;
  double low;
  double high;
  bool low_included;
  bool high_included;
};

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

inline constexpr std::array<cost_input_rule, cost_input_count> cost_input_rules{{
    {"deployment.accelerators_per_system", 1.0, unbounded, true, true},
    {"deployment.it_power_kw", 0.0, unbounded, false, true},
    {"deployment.idle_power_kw", 0.0, unbounded, true, true},
    {"deployment.provisioned_power_kw", 0.0, unbounded, false, true},
    {"deployment.utilization", 0.0, 1.0, false, true},
    {"deployment.throughput_tok_s", 0.0, unbounded, false, true},
    {"costs.cost_of_capital", -1.0, unbounded, false, true},
    {"costs.hardware.price", 0.0, unbounded, true, true},
    {"costs.hardware.life_years", 0.0, unbounded, false, true},
    {"costs.hardware.residual_fraction", 0.0, 1.0, true, true},
    {"costs.hardware.rental_per_accelerator_hour", 0.0, unbounded, true, true},
    {"costs.facility.build_per_mw", 0.0, unbounded, true, true},
    {"costs.facility.life_years", 0.0, unbounded, false, true},
    {"costs.facility.colocation_per_kw_month", 0.0, unbounded, true, true},
    {"costs.energy.price_per_kwh", 0.0, unbounded, true, true},
    {"costs.energy.pue", 1.0, unbounded, true, true},
    {"costs.opex.maintenance_fraction_per_year", 0.0, 1.0, true, true},
    {"costs.opex.software_per_accelerator_year", 0.0, unbounded, true, true},
    {"costs.opex.other_per_accelerator_year", 0.0, unbounded, true, true},
    {"revenue.price_per_mtok", 0.0, unbounded, false, true},
}};

inline const cost_input_rule& rule_of(cost_input input) noexcept {
  return cost_input_rules[static_cast<std::size_t>(input)];
}

// A plain struct: what the cost model reads, one sample at a time, on a CPU or a GPU.
struct cost_parameters {
  std::array<double, cost_input_count> values{};
  hardware_terms hardware = hardware_terms::none;
  facility_terms facility = facility_terms::none;
  bool idle_given = false;         // else idle power = it power
  bool provisioned_given = false;  // else provisioned power = it power
  bool priced = false;             // a token price is given: revenue and margin are reported

  TPW_HD constexpr double& operator[](cost_input k) noexcept {
    return values[static_cast<std::size_t>(k)];
  }
  TPW_HD constexpr double operator[](cost_input k) const noexcept {
    return values[static_cast<std::size_t>(k)];
  }
};

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
inline constexpr std::array<const char*, cost_output_count> cost_output_names{
    "cost_per_mtok",        "cost_per_mtok.hardware", "cost_per_mtok.facility",
    "cost_per_mtok.energy", "cost_per_mtok.opex",     "cost_per_accelerator_hour",
    "tokens_per_joule",     "tokens_per_s_per_mw",    "revenue_per_mw_year",
    "gross_margin"};

namespace detail {

// Scenario units to tpw's canonical SI storage, read off the unit system as plain numbers (device
// code cannot refer to the host's unit constants).
inline constexpr double watts_per_kw = units::kilowatt.value();
inline constexpr double joules_per_kwh = units::kilowatt_hour.value();
inline constexpr double seconds_per_hour = units::seconds_per_hour;
inline constexpr double seconds_per_year = units::seconds_per_year;

TPW_HD constexpr operating_point operating_point_of(const cost_parameters& p) noexcept {
  const double per_system = p[cost_input::accelerators_per_system];
  const double it = p[cost_input::it_power_kw] * watts_per_kw / per_system;
  const double idle = p.idle_given ? p[cost_input::idle_power_kw] * watts_per_kw / per_system : it;
  const double provisioned =
      p.provisioned_given ? p[cost_input::provisioned_power_kw] * watts_per_kw / per_system : it;
  return {token_rate::from_value(p[cost_input::throughput_tok_s]),
          fraction::unchecked(p[cost_input::utilization]),
          power::from_value(it),
          power::from_value(idle),
          power::from_value(provisioned),
          pue::unchecked(p[cost_input::pue]),
          per_system};
}

template <currency_type C, class Hardware, class Facility>
TPW_HD constexpr economics<C> evaluate_with(const cost_parameters& p, const operating_point& op,
                                            const Hardware* hardware,
                                            const Facility* facility) noexcept {
  const auto energy = energy_cost<C>::unchecked(
      {energy_price<C>::from_value(p[cost_input::energy_price_per_kwh] / joules_per_kwh)});
  const auto running = opex<C>::unchecked(
      {fraction::unchecked(p[cost_input::maintenance_fraction_per_year]),
       money<C>::from_value(p.hardware == hardware_terms::owned ? p[cost_input::hardware_price]
                                                                : 0.0),
       cost_rate<C>::from_value(p[cost_input::software_per_accelerator_year] / seconds_per_year),
       cost_rate<C>::from_value(p[cost_input::other_per_accelerator_year] / seconds_per_year)});
  const auto price = token_price<C>::from_value(p[cost_input::price_per_mtok] / 1e6);
  const auto run = [&](const auto&... components) {
    return p.priced ? evaluate(op, price, components..., energy, running)
                    : evaluate(op, components..., energy, running);
  };
  static_assert(Hardware::category == cost_category::hardware &&
                Facility::category == cost_category::facility);
  if (hardware && facility) return run(*hardware, *facility);
  if (hardware) return run(*hardware);
  if (facility) return run(*facility);
  return run();
}

}  // namespace detail

// The shared evaluation: one sample's parameters to tpw::economics, through tpw::evaluate.
// `p` must satisfy the rules above (cost_model checks them up front).
template <currency_type C>
TPW_HD constexpr economics<C> evaluate_cost_parameters(const cost_parameters& p) noexcept {
  const operating_point op = detail::operating_point_of(p);
  const annual_rate r = annual_rate::unchecked(p[cost_input::cost_of_capital]);
  const auto owned = owned_hardware<C>::unchecked(
      {money<C>::from_value(p[cost_input::hardware_price]),
       duration::from_value(p[cost_input::hardware_life_years] * detail::seconds_per_year),
       fraction::unchecked(p[cost_input::hardware_residual_fraction]), r});
  const auto rented = rented_hardware<C>::unchecked({cost_rate<C>::from_value(
      p[cost_input::rental_per_accelerator_hour] / detail::seconds_per_hour)});
  const auto built = built_facility<C>::unchecked(
      {money_per_power<C>::from_value(p[cost_input::facility_build_per_mw] / 1e6),
       duration::from_value(p[cost_input::facility_life_years] * detail::seconds_per_year), r});
  const auto colo = colocation<C>::unchecked({money_per_power_time<C>::from_value(
      p[cost_input::colocation_per_kw_month] / detail::watts_per_kw /
      (detail::seconds_per_year / 12.0))});
  const bool has_facility = p.facility != facility_terms::none;
  if (p.hardware == hardware_terms::rented) {
    return p.facility == facility_terms::colocation
               ? detail::evaluate_with<C>(p, op, &rented, &colo)
               : detail::evaluate_with<C>(p, op, &rented, has_facility ? &built : nullptr);
  }
  const owned_hardware<C>* hw = p.hardware == hardware_terms::owned ? &owned : nullptr;
  return p.facility == facility_terms::colocation
             ? detail::evaluate_with<C>(p, op, hw, &colo)
             : detail::evaluate_with<C>(p, op, hw, has_facility ? &built : nullptr);
}

// One sample's figures in display units, in cost_output order; with no price, the last two are
// not written.
template <currency_type C>
TPW_HD constexpr void cost_figures(const cost_parameters& p, double* y) noexcept {
  const economics<C> e = evaluate_cost_parameters<C>(p);
  y[0] = e.cost_per_token.total.value() * 1e6;
  y[1] = e.cost_per_token.hardware.value() * 1e6;
  y[2] = e.cost_per_token.facility.value() * 1e6;
  y[3] = e.cost_per_token.energy.value() * 1e6;
  y[4] = e.cost_per_token.opex.value() * 1e6;
  y[5] = e.cost_per_accelerator_hour.value();
  y[6] = e.tokens_per_joule.value();
  y[7] = e.tokens_per_s_per_power.value() * 1e6;
  if (p.priced) {
    y[8] = e.revenue->revenue_per_power_time.value() * 1e6 * detail::seconds_per_year;
    y[9] = e.revenue->gross_margin;
  }
}

// The cost model with its uncertain inputs: a base scenario, validated by tpw's own constructors
// (so errors read as for a deterministic deployment), and a distribution for each uncertain
// input, whose values must stay within that input's rule.
template <currency_type C>
class cost_model {
 public:
  struct uncertain {
    cost_input input;
    distribution dist;
  };

  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs)
      : base_(validated(base)), inputs_(make_space(base_, uncertain_inputs, nullptr)) {
    for (const auto& u : uncertain_inputs) slots_.push_back(u.input);
  }
  // With a Spearman rank correlation matrix over the uncertain inputs, in their order.
  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs,
             const Eigen::MatrixXd& rank_correlation)
      : base_(validated(base)), inputs_(make_space(base_, uncertain_inputs, &rank_correlation)) {
    for (const auto& u : uncertain_inputs) slots_.push_back(u.input);
  }

  [[nodiscard]] const input_space& inputs() const noexcept { return inputs_; }
  [[nodiscard]] const cost_parameters& base() const noexcept { return base_; }
  [[nodiscard]] std::vector<std::string> output_names() const {
    return {cost_output_names.begin(),
            cost_output_names.begin() + (base_.priced ? cost_output_count : cost_output_count - 2)};
  }

  // The parameters of one sample: the base with the uncertain inputs set to x.
  [[nodiscard]] cost_parameters parameters_at(std::span<const double> x) const noexcept {
    cost_parameters p = base_;
    for (std::size_t k = 0; k < slots_.size(); ++k) p[slots_[k]] = x[k];
    return p;
  }

  void operator()(std::span<const double> x, std::span<double> y) const noexcept {
    cost_figures<C>(parameters_at(x), y.data());
  }

 private:
  // Checks the base through tpw's validating types, so the messages are the deterministic
  // model's own.
  static cost_parameters validated(const cost_parameters& p) {
    const auto kw = [](double v) { return of(v, units::kW); };
    tpw::detail::require_count("deployment.accelerators_per_system",
                               p[cost_input::accelerators_per_system]);
    const auto optional_kw = [&](bool given, cost_input k) {
      return given ? std::optional<power>(kw(p[k])) : std::nullopt;
    };
    (void)deployment(
        {.accelerators_per_system = static_cast<long>(p[cost_input::accelerators_per_system]),
         .systems = 1,
         .it_power = kw(p[cost_input::it_power_kw]),
         .idle_power = optional_kw(p.idle_given, cost_input::idle_power_kw),
         .provisioned_power = optional_kw(p.provisioned_given, cost_input::provisioned_power_kw),
         .pue = tpw::pue(p[cost_input::pue], "costs.energy.pue"),
         .utilization = fraction(p[cost_input::utilization], "deployment.utilization"),
         .throughput = of(p[cost_input::throughput_tok_s], units::tok / units::second)});
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
    (void)opex<C>(
        {fraction(p[cost_input::maintenance_fraction_per_year],
                  "costs.opex.maintenance_fraction_per_year"),
         of(p[cost_input::hardware_price], units::unit_of<C>),
         of(p[cost_input::software_per_accelerator_year], units::unit_of<C> / units::year),
         of(p[cost_input::other_per_accelerator_year], units::unit_of<C> / units::year)});
    if (p.priced) {
      const double price = p[cost_input::price_per_mtok];
      if (!tpw::detail::is_finite(price) || price <= 0.0) {
        throw invalid_input("revenue.price_per_mtok", price, "must be > 0 per Mtok");
      }
    }
    return p;
  }

  // Whether an input takes part in this scenario's model at all.
  static bool used(const cost_parameters& p, cost_input k) {
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
      default:
        return true;
    }
  }

  static input_space make_space(const cost_parameters& base, const std::vector<uncertain>& list,
                                const Eigen::MatrixXd* correlation) {
    std::vector<uncertain_input> inputs;
    for (const auto& u : list) {
      const cost_input_rule& rule = rule_of(u.input);
      if (u.input == cost_input::accelerators_per_system) {
        throw invalid_input(rule.path, u.dist.describe(), "a count cannot be uncertain");
      }
      if (!used(base, u.input)) {
        throw invalid_input(rule.path, u.dist.describe(),
                            "this input takes no part in the scenario (its cost terms are not "
                            "given), so it cannot be uncertain");
      }
      require_inside(rule, u.dist);
      inputs.push_back({rule.path, u.dist});
    }
    require_idle_below_it(base, list);
    return correlation ? input_space(std::move(inputs), *correlation)
                       : input_space(std::move(inputs));
  }

  // Every value the distribution can give must obey the input's rule, checked here once so that
  // no sample can break it.
  static void require_inside(const cost_input_rule& rule, const distribution& d) {
    const double lo = d.lowest();
    const double hi = d.highest();
    const bool low_ok = rule.low_included || !d.reaches_lowest() ? lo >= rule.low : lo > rule.low;
    const bool high_ok = hi <= rule.high && (rule.high_included || hi < rule.high);
    if (!low_ok || !high_ok) {
      throw invalid_input(
          rule.path, d.describe(),
          std::string("its values reach ") + (low_ok ? "above " : "below ") + "the allowed range " +
              (rule.low_included ? "[" : "(") + tpw::detail::number_text(rule.low) + ", " +
              (rule.high == unbounded
                   ? std::string("inf)")
                   : tpw::detail::number_text(rule.high) + (rule.high_included ? "]" : ")")) +
              "; use a bounded distribution (uniform, triangular, PERT, beta, truncated normal) "
              "or a lognormal for a positive input");
    }
  }

  // Idle power may not exceed serving power in any sample: the highest idle value must stay at
  // or below the lowest serving value.
  static void require_idle_below_it(const cost_parameters& base,
                                    const std::vector<uncertain>& list) {
    if (!base.idle_given) return;
    double idle_high = base[cost_input::idle_power_kw];
    double it_low = base[cost_input::it_power_kw];
    for (const auto& u : list) {
      if (u.input == cost_input::idle_power_kw) idle_high = u.dist.highest();
      if (u.input == cost_input::it_power_kw) it_low = u.dist.lowest();
    }
    if (idle_high > it_low) {
      throw invalid_input("deployment.idle_power_kw", idle_high,
                          "its highest value must not exceed the lowest it_power_kw (" +
                              tpw::detail::number_text(it_low) +
                              "): idle draws no more than "
                              "serving");
    }
  }

  cost_parameters base_;
  input_space inputs_;
  std::vector<cost_input> slots_;
};

// Runs the cost model over its uncertain inputs.
template <currency_type C>
run_result run(const cost_model<C>& model, const run_options& options) {
  return run(model.inputs(), model, options, model.output_names());
}

}  // namespace tpw::mc
