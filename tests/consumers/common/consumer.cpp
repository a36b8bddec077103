// A consumer of the tpw package: evaluates one deployment and prints its cost per Mtok.
#include <cstdio>

#include <tpw/tpw.hpp>

int main() {
  using namespace tpw::literals;
  const tpw::deployment rack({.accelerators_per_system = 72,
                              .it_power = 132.0_kW,
                              .idle_power = 40.0_kW,
                              .pue = tpw::pue{1.2},
                              .utilization = tpw::fraction{0.7},
                              .throughput = 5789.6_tok_per_s});
  const tpw::annual_rate wacc{0.08};
  const auto e = tpw::evaluate(
      rack,
      tpw::owned_hardware<tpw::USD>({.price_per_system = 3.9e6_USD,
                                     .life = 4.0_yr,
                                     .residual_fraction = tpw::fraction{0.1},
                                     .cost_of_capital = wacc}),
      tpw::built_facility<tpw::USD>(
          {.build_cost = 11.7e6_USD / tpw::units::MW, .life = 15.0_yr, .cost_of_capital = wacc}),
      tpw::energy_cost<tpw::USD>({.price = 0.08_USD / tpw::units::kWh}),
      tpw::opex<tpw::USD>({.maintenance_fraction_per_year = tpw::fraction{0.03},
                           .hardware_price_per_system = 3.9e6_USD,
                           .software_per_accelerator = 4500.0_USD / tpw::units::year}));
  std::printf("consumer: %s\n",
              tpw::format(e.cost_per_token.total, tpw::display::per_mtok<tpw::USD>()).c_str());
  return 0;
}
