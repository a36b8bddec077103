// Must not compile: a component that does not declare the numbers it is built from (its fields and
// from_fields, tpw::declared_component) cannot join a composed Monte Carlo model, which would not
// know how to build it from a sample.
// Built twice by the test suite: with TPW_MUST_NOT_COMPILE (must fail) and without (the control,
// which must compile, so the failing case cannot pass for an unrelated reason).
#include <array>

#include <tpw/mc/plan/composed_plan.hpp>

template <tpw::currency_type C>
struct flat_fee {
  using currency = C;
  static constexpr tpw::cost_category category = tpw::cost_category::opex;
#ifndef TPW_MUST_NOT_COMPILE
  static constexpr std::array<tpw::input_field, 1> fields{
      {{{"costs.fee.per_accelerator_hour", 0.0, 10.0, true, true}, "per accelerator-hour"}}};
  static constexpr flat_fee from_fields(const double* v) noexcept {
    return {tpw::cost_rate<C>::from_value(v[0] / 3600.0)};
  }
#endif
  tpw::cost_rate<C> rate;
  [[nodiscard]] tpw::cost_rate<C> hourly_cost(const tpw::operating_point&) const noexcept {
    return rate;
  }
};

int main() {
  const tpw::mc::composed_plan<tpw::energy_cost, flat_fee> plan;
  double y[tpw::cost_output_count];
  plan.evaluate<tpw::USD>(plan.base.data(), y);
  return 0;
}
