// The README's example: one GB200 NVL72 rack serving DeepSeek-R1, owned, in a built facility.
#include <cstdio>

#include <tpw/tpw.hpp>

int main() {
  using namespace tpw::literals;
  using tpw::units::kWh, tpw::units::Mtok, tpw::units::MW, tpw::units::year;

  const tpw::deployment rack({.accelerators_per_system = 72,
                              .it_power = 132.0_kW,
                              .idle_power = 40.0_kW,
                              .pue = tpw::pue{1.2},
                              .utilization = tpw::fraction{0.7},
                              .throughput = 5789.6_tok_per_s});
  const tpw::annual_rate wacc{0.08};
  // 3.2 M USD a rack: the catalog's figure (press estimates of 3.1-3.3 M, tpw/catalog).
  const tpw::owned_hardware<tpw::USD> hardware({.price_per_system = 3'200'000.0_USD,
                                                .life = 4.0_yr,
                                                .residual_fraction = tpw::fraction{0.1},
                                                .cost_of_capital = wacc});
  const tpw::built_facility<tpw::USD> facility(
      {.build_cost = 11.7e6_USD / MW, .life = 15.0_yr, .cost_of_capital = wacc});
  const tpw::energy_cost<tpw::USD> power_bill({.price = 0.08_USD / kWh});
  const tpw::opex<tpw::USD> opex({.maintenance_fraction_per_year = tpw::fraction{0.03},
                                  .hardware_price_per_system = 3'200'000.0_USD,
                                  .software_per_accelerator = 4500.0_USD / year});

  const auto e = tpw::evaluate(rack, 2.0_USD / Mtok, hardware, facility, power_bill, opex);

  namespace show = tpw::display;
  const auto per_mtok = [](tpw::token_price<tpw::USD> p) {
    return tpw::format(p, show::per_mtok<tpw::USD>());
  };
  const auto& c = e.cost_per_token;
  std::printf("cost per Mtok      %s\n", per_mtok(c.total).c_str());
  std::printf("  hardware %s, facility %s, energy %s, opex %s\n", per_mtok(c.hardware).c_str(),
              per_mtok(c.facility).c_str(), per_mtok(c.energy).c_str(), per_mtok(c.opex).c_str());
  std::printf("per GPU-hour       %s\n", tpw::format_money(e.cost_per_accelerator_hour).c_str());
  std::printf("tokens per joule   %s\n",
              tpw::format(e.tokens_per_joule, show::tokens_per_joule()).c_str());
  std::printf("throughput density %s\n",
              tpw::format(e.tokens_per_s_per_power, show::tokens_per_s_per_mw()).c_str());
  std::printf(
      "revenue            %s\n",
      tpw::format(e.revenue->revenue_per_power_time, show::per_mw_year<tpw::USD>()).c_str());
  std::printf("gross margin       %s\n", tpw::format_percent(e.revenue->gross_margin).c_str());
  std::printf("energy share       %s of opex, %s of cost\n",
              tpw::format_percent(e.energy_share_of_opex).c_str(),
              tpw::format_percent(e.energy_share_of_cost).c_str());
}
