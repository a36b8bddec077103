// Study 4: "Power is up to 40% of an AI factory's opex" (NVIDIA, 2026) and "colocation plus
// electricity is under 20% of TCO" (SemiAnalysis, 2025-10), both computed on one deployment.
#include <cstdio>

#include "study.hpp"

using namespace tpw::literals;
using namespace study;

namespace {
struct shares {
  double energy_of_opex;
  double energy_of_cost;
  double facility_and_energy_of_cost;
};

shares evaluate_at(const tpw::platform& rack, double usd_per_kwh) {
  const tpw::deployment d(tpw::bottom_up_deployment(rack, 6000.0_tok_per_s, tpw::fraction{0.7},
                                                    tpw::pue{1.2}, 40.0_kW));
  const tpw::annual_rate wacc{0.08};
  const auto hardware = tpw::bottom_up_hardware(rack, 4.0_yr, tpw::fraction{0.1}, wacc);
  const tpw::built_facility<USD> facility(
      {.build_cost = 9.3e6_USD / units::MW, .life = 15.0_yr, .cost_of_capital = wacc});
  const tpw::energy_cost<USD> energy({.price = usd_per_kwh * units::usd / units::kWh});
  const auto e = tpw::evaluate(d, hardware, facility, energy);
  return {e.energy_share_of_opex, e.energy_share_of_cost,
          (e.hourly_cost.energy + e.hourly_cost.facility) / e.hourly_cost.total};
}
}  // namespace

int main() {
  title("Study 4: \"power is 40% of opex\" and \"under 20% of TCO\", on one deployment");
  auto rack = tpw::find_platform("gb300-nvl72");
  rack.system_price = rack.system_price.overridden(3.9e6, "upper end of the $3-4M press range");

  section("Assumptions");
  assume("rack", "GB300 NVL72, 72 GPUs", "tpw catalog");
  assume("rack price", rack.system_price);
  assume("rack IT power", rack.system_it_power);
  assume("idle power", "40 kW per rack", "tpw estimate (GB200 trays idle at 1 kW, spec)");
  assume("utilization, PUE", "70%, 1.2", "tpw assumption; liquid-cooled builds [est]");
  assume("hardware", "4 years, 8%, 10% residual", "SemiAnalysis 4-yr life [model]");
  assume("facility build", "9.3 M USD per MW, 15 years", "Cushman & Wakefield 2025, low end [est]");
  assume("electricity", "0.10 USD/kWh", "between EIA industrial 0.08 and California 0.186");
  std::printf(
      "  Opex here is energy plus the facility (docs/definitions.md: energy / (energy + facility "
      "+\n"
      "  opex)); maintenance and software are left out, as the claims leave them out.\n");

  section("Results");
  const shares base = evaluate_at(rack, 0.10);
  std::printf("  energy share of opex:                 %s   (NVIDIA: up to 40%%)\n",
              tpw::format_percent(base.energy_of_opex).c_str());
  std::printf("  facility + energy share of total cost: %s   (SemiAnalysis: under 20%%)\n",
              tpw::format_percent(base.facility_and_energy_of_cost).c_str());
  std::printf("  energy share of total cost:            %s\n",
              tpw::format_percent(base.energy_of_cost).c_str());
  std::printf(
      "  Both hold at once because the hardware is %s of the cost: a share of opex and a\n"
      "  share of TCO have different denominators.\n",
      tpw::format_percent(1.0 - base.facility_and_energy_of_cost).c_str());

  section("How the electricity price moves both figures");
  std::printf("  %-28s %14s %20s\n", "USD/kWh", "energy/opex", "(facility+energy)/TCO");
  for (const auto& [price, where] :
       {std::pair{0.066, "Texas 2023 (EIA)"}, std::pair{0.08, "US industrial (EIA)"},
        std::pair{0.10, "this study"}, std::pair{0.186, "California 2023 (EIA)"}}) {
    const shares s = evaluate_at(rack, price);
    std::printf("  %-6s %-21s %14s %20s\n", num(price).c_str(), where,
                tpw::format_percent(s.energy_of_opex).c_str(),
                tpw::format_percent(s.facility_and_energy_of_cost).c_str());
  }
  return 0;
}
