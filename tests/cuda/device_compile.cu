// The device path compiles: the formulas, the components' unchecked factories and evaluate() are
// callable from a CUDA kernel. Compiled (never run) whenever nvcc is found; the CUDA engine itself
// is built on this by the Monte Carlo issues.
#include <tpw/model.hpp>

__global__ void evaluate_on_device(const double* throughput, double* cost_per_mtok, double* margin,
                                   int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n) return;
  using tpw::USD;
  const tpw::operating_point op{tpw::token_rate::from_value(throughput[i]),
                                tpw::fraction::unchecked(0.7),
                                tpw::power::from_value(1833.0),
                                tpw::power::from_value(555.0),
                                tpw::power::from_value(1833.0),
                                tpw::pue::unchecked(1.2),
                                72.0};
  const auto year = tpw::duration::from_value(tpw::units::seconds_per_year);
  const auto rate = tpw::annual_rate::unchecked(0.08);
  const auto e = tpw::evaluate(
      op, tpw::token_price<USD>::from_value(2e-6),
      tpw::owned_hardware<USD>::unchecked(
          {tpw::money<USD>::from_value(3.9e6), 4.0 * year, tpw::fraction::unchecked(0.1), rate}),
      tpw::rented_hardware<USD>::unchecked({tpw::cost_rate<USD>::from_value(0.0)}),
      tpw::built_facility<USD>::unchecked(
          {tpw::money_per_power<USD>::from_value(11.7), 15.0 * year, rate}),
      tpw::colocation<USD>::unchecked({tpw::money_per_power_time<USD>::from_value(0.0)}),
      tpw::energy_cost<USD>::unchecked({tpw::energy_price<USD>::from_value(0.08 / 3.6e6)}),
      tpw::opex<USD>::unchecked({tpw::fraction::unchecked(0.03), tpw::money<USD>::from_value(3.9e6),
                                 tpw::money<USD>::from_value(4500.0) / year,
                                 tpw::cost_rate<USD>::from_value(0.0)}));
  cost_per_mtok[i] = e.cost_per_token.total.value() * 1e6;
  margin[i] = e.revenue->gross_margin;
}
