// Study 3: "A $5M GB200 NVL72 deployment earns $75M of token revenue" (NVIDIA, 2025-10): the
// token price and utilization it requires, what you must believe, and its NPV and IRR.
#include <cstdio>
#include <vector>

#include "study.hpp"

using namespace tpw::literals;
using namespace study;

int main() {
  title("Study 3: \"$5M earns $75M\", a GB200 NVL72 deployment on DeepSeek-R1 (NVIDIA, 2025-10)");
  const auto& rack = tpw::find_platform("gb200-nvl72");
  const auto investment = 5.0e6_USD;
  const auto revenue_claimed = 75.0e6_USD;
  const double years = 4.0;
  const auto throughput = 5789.6_tok_per_s;  // per GPU
  const tpw::annual_rate cost_of_capital{0.10};

  section("Assumptions (price and utilization were not published: this study states its own)");
  assume("investment", "5,000,000 USD", "NVIDIA claim, 2025-10 (rack, install, share of site)");
  assume("life", "4 years", "SemiAnalysis economic life, 2025-10 [model]");
  assume("throughput", "5,789.6 tok/s/GPU", "tpw reference scenario (docs/scenario.md) [estimate]");
  assume("GPUs", "72", "one GB200 NVL72 rack");
  assume("rack IT power", rack.system_it_power);
  assume("electricity, PUE", "0.08 USD/kWh, 1.2", "EIA 2024-25; liquid-cooled builds [est]");
  assume("opex", "3%/yr maintenance, 4,500 USD/GPU-yr software", "tpw reference scenario");
  assume("cost of capital", "10%", "within neocloud debt 7-15% (CoreWeave 10-Q, 2025-06)");

  section("What you must believe: revenue over 4 years (USD M) by token price and utilization");
  // Revenue = price * T * u * 72 GPUs * 4 years; 1 USD/Mtok at u = 1 is 52.58 M USD.
  const std::vector<double> utilizations{0.3, 0.5, 0.7, 0.9};
  const std::vector<double> prices{0.55, 1.00, 2.19, 5.40};
  std::printf("  %-18s", "USD/Mtok \\ util.");
  for (const double u : utilizations) std::printf(" %8.0f%%", u * 100.0);
  std::printf("   needed for 75M\n");
  const auto tokens_at_full = throughput * 72.0 * years * units::year;
  for (const double p : prices) {
    std::printf("  %-18s", num(p).c_str());
    for (const double u : utilizations) {
      const auto revenue = p * units::usd / units::Mtok * tokens_at_full * u;
      std::printf(" %9s", num(tpw::in(revenue, units::usd) / 1e6).c_str());
    }
    const double needed = revenue_claimed / (p * units::usd / units::Mtok * tokens_at_full);
    std::printf("   %s\n", needed <= 1.0 ? tpw::format_percent(needed).c_str() : "impossible");
  }
  std::printf(
      "  Prices: DeepSeek API R1 output 2.19, input 0.55; GPU cloud R1-0528 output 5.40\n"
      "  (OpenRouter, 2026-02, est). At 70%% utilization the claim needs %s.\n",
      per_mtok(revenue_claimed / (tokens_at_full * 0.7)).c_str());

  section("Cash flows at that price and 70% utilization, and with prices falling 30% a year");
  const tpw::deployment d(
      tpw::bottom_up_deployment(rack, throughput, tpw::fraction{0.7}, tpw::pue{1.2}));
  const tpw::owned_hardware<USD> hardware({.price_per_system = investment, .life = 4.0_yr});
  const tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});
  const tpw::opex<USD> opex({.maintenance_fraction_per_year = tpw::fraction{0.03},
                             .hardware_price_per_system = investment,
                             .software_per_accelerator = 4500.0_USD / units::year});
  const auto price = revenue_claimed / (tokens_at_full * 0.7);
  for (const double decline : {0.0, 0.3}) {
    const auto flows = tpw::project_cash_flows(
        d, {.operating_years = 4, .price = price, .price_decline_per_year = tpw::fraction{decline}},
        hardware, energy, opex);
    const auto npv = tpw::net_present_value(cost_of_capital, flows.net);
    const auto irr = tpw::internal_rate_of_return(flows.net);
    const auto payback = tpw::payback_period(flows.net);
    std::printf(
        "  price decline %2.0f%%/yr: revenue %s, revenue/capex %s, NPV at 10%% %s, IRR %s, payback "
        "%s years\n",
        decline * 100.0, tpw::format_money(flows.total_revenue()).c_str(),
        ratio(*flows.revenue_multiple()).c_str(), tpw::format_money(npv).c_str(),
        irr.unique() ? tpw::format_percent(irr.rate()).c_str() : "none",
        payback ? num(*payback).c_str() : "never");
    if (decline == 0.0) {
      std::printf("    year:      ");
      for (std::size_t t = 0; t < flows.net.size(); ++t) std::printf(" %12zu", t);
      std::printf("\n    net (USD): ");
      for (const auto& f : flows.net) {
        std::printf(" %12s", num(tpw::in(f, units::usd), 4).c_str());
      }
      std::printf("\n");
    }
  }
  std::printf(
      "  The 15x is revenue over investment, not profit: it needs %s held for\n"
      "  four years at 70%% utilization, and says nothing of the cost of serving.\n",
      per_mtok(price).c_str());
  return 0;
}
