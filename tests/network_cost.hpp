// A user's own cost line, defined outside tpw's headers: networking billed per accelerator-hour.
// It declares its one number (path, unit, rule) and builds itself from it, so that the
// deterministic evaluation, the CPU engine and the GPU and MPI plans all run it
// (tpw::declared_component). The CPU tests and the CUDA tests share it.
#pragma once

#include <array>

#include <tpw/config.hpp>
#include <tpw/model/components.hpp>
#include <tpw/model/inputs.hpp>

namespace tpw_test {

template <tpw::currency_type C>
struct network_cost {
  using currency = C;
  static constexpr tpw::cost_category category = tpw::cost_category::opex;
  static constexpr std::array<tpw::input_field, 1> fields{
      {{{"costs.network.per_accelerator_hour", 0.0, 1000.0, true, true}, "per accelerator-hour"}}};
  TPW_HD static constexpr network_cost from_fields(const double* v) noexcept {
    return {tpw::cost_rate<C>::from_value(v[0] / 3600.0)};
  }

  tpw::cost_rate<C> rate;
  [[nodiscard]] TPW_HD constexpr tpw::cost_rate<C> hourly_cost(
      const tpw::operating_point&) const noexcept {
    return rate;
  }
};

}  // namespace tpw_test
