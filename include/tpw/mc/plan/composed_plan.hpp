// tpw/mc/plan/composed_plan.hpp: a cost model composed of declared components (built-in or a
// user's own, tpw::declared_component), as plain data that a CPU, a GPU or an MPI rank evaluates
// with the same code.
//
// The plan holds one value per number of the model: the operating point's seven
// (tpw::operating_point_fields), the token price, then each component's fields, a field that two
// components declare with the same path held once. A sample overwrites the uncertain ones,
// builds the operating point and every component with their from_fields, and calls tpw::evaluate:
// the deterministic model's own code. tpw/mc/composed_model.hpp builds and checks a plan from
// values named by path; the engines (tpw/mc/plan/radix_passes.hpp, tpw/cuda/engine.cuh,
// tpw/mpi/engine.hpp) run it as they run the built-in cost_plan.
//
// Components are passed as class templates over the currency (owned_hardware, not
// owned_hardware<USD>), so that a GPU kernel can be named for a plan (nvcc cannot name a kernel
// whose template argument holds a currency code). No Eigen, no Boost.Math.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

#include "tpw/config.hpp"
#include "tpw/mc/plan/cost_plan.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/inputs.hpp"
#include "tpw/model/parameters.hpp"

namespace tpw::mc {

namespace detail {
// The currency a plan reads its components' declarations under (they do not depend on it).
using declaration_currency = currency<"XXX">;
}  // namespace detail

template <template <class> class... Components>
struct composed_plan {
  static_assert(sizeof...(Components) > 0, "a composed model has at least one component");
  static_assert((declared_component<Components<detail::declaration_currency>> && ...),
                "each component declares its fields (tpw::declared_component)");

  // The values' layout: the operating point's fields, the price, then the components' own.
  static constexpr std::size_t price_index = operating_point_fields.size();
  static constexpr std::size_t first_component_value = price_index + 1;
  static constexpr std::array<std::size_t, sizeof...(Components)> field_counts{
      Components<detail::declaration_currency>::fields.size()...};
  static constexpr std::size_t component_fields =
      (Components<detail::declaration_currency>::fields.size() + ...);
  static constexpr std::size_t max_values = first_component_value + component_fields;
  static constexpr std::size_t max_inputs = max_values;

  std::array<double, max_values> base{};  // every value, in the layout above
  std::uint32_t values = 0;               // values in use (shared fields are held once)
  // Component field j (the components' fields one after another) reads value gather[j].
  std::array<std::uint32_t, component_fields> gather{};
  bool idle_follows_it = false;                   // idle power = IT power, sample by sample
  bool provisioned_follows_it = false;            // provisioned power = IT power, sample by sample
  bool priced = false;                            // a token price: revenue and margin are reported
  std::uint32_t inputs = 0;                       // uncertain inputs
  std::array<std::uint32_t, max_inputs> slots{};  // the value each one sets
  std::array<distribution_params, max_inputs> dists{};
  bool correlated = false;
  std::array<double, max_inputs * max_inputs> cholesky{};  // inputs x inputs, row-major
  // Each value's path, for names and messages (host only).
  std::array<const char*, max_values> paths{};

  [[nodiscard]] TPW_HD constexpr std::uint32_t outputs() const noexcept {
    return priced ? static_cast<std::uint32_t>(cost_output_count)
                  : static_cast<std::uint32_t>(cost_output_count - 2);
  }
  [[nodiscard]] const char* input_name(std::uint32_t k) const noexcept { return paths[slots[k]]; }
  [[nodiscard]] const char* output_name(std::uint32_t k) const noexcept {
    return cost_output_names[k];
  }

  // The figures (cost_output order) of one set of values in the layout above; with no price the
  // last two are not written.
  template <currency_type C>
  TPW_HD constexpr void evaluate(const double* v, double* y) const noexcept {
    evaluate_components<C>(v, y, std::make_index_sequence<sizeof...(Components)>{});
  }

  // The figures with the uncertain inputs at x (in the plan's order).
  template <currency_type C>
  TPW_HD constexpr void figures_at(const double* x, double* y) const noexcept {
    double v[max_values];
    for (std::uint32_t k = 0; k < values; ++k) v[k] = base[k];
    for (std::uint32_t k = 0; k < inputs; ++k) v[slots[k]] = x[k];
    evaluate<C>(v, y);
  }
  // Sample i: its uncertain inputs (x) and figures (y).
  template <currency_type C>
  TPW_HD constexpr void figures(const design_view& design, std::uint64_t i, double* x,
                                double* y) const noexcept {
    plan_inputs<max_inputs>(*this, design, i, x);
    figures_at<C>(x, y);
  }

 private:
  static constexpr std::size_t first_field_of(std::size_t component) noexcept {
    std::size_t first = 0;
    for (std::size_t c = 0; c < component; ++c) first += field_counts[c];
    return first;
  }

  template <currency_type C, std::size_t I>
  TPW_HD constexpr auto component(const double* v) const noexcept {
    using T = std::tuple_element_t<I, std::tuple<Components<C>...>>;
    constexpr std::size_t first = first_field_of(I);
    double own[T::fields.size()];
    for (std::size_t k = 0; k < T::fields.size(); ++k) own[k] = v[gather[first + k]];
    return T::from_fields(own);
  }

  template <currency_type C, std::size_t... I>
  TPW_HD constexpr void evaluate_components(const double* v, double* y,
                                            std::index_sequence<I...>) const noexcept {
    double point[operating_point_fields.size()];
    for (std::size_t k = 0; k < operating_point_fields.size(); ++k) point[k] = v[k];
    if (idle_follows_it) point[2] = point[1];
    if (provisioned_follows_it) point[3] = point[1];
    const operating_point op = operating_point_from_fields(point);
    if (priced) {
      const auto price = token_price<C>::from_value(v[price_index] / 1e6);
      economics_figures<C>(tpw::evaluate(op, price, component<C, I>(v)...), true, y);
    } else {
      economics_figures<C>(tpw::evaluate(op, component<C, I>(v)...), false, y);
    }
  }
};

}  // namespace tpw::mc
