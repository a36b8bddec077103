// Study 2: "B200 serves gpt-oss-120b at 2 cents per Mtok" (NVIDIA, 2025-10): the throughput that
// price requires, and the cost at other throughputs and utilizations.
#include <cstdio>

#include "study.hpp"

using namespace tpw::literals;
using namespace study;

namespace {
tpw::economics<USD> b200_at(tpw::token_rate throughput, double utilization) {
  const auto& b200 = tpw::find_platform("b200");
  const tpw::deployment gpu(tpw::inferencex_deployment(b200, throughput, tpw::fraction{utilization},
                                                       tpw::inferencex_vintage::v2025));
  return tpw::evaluate(gpu, tpw::inferencex_hourly_cost(b200, tpw::inferencex_tier::hyperscaler,
                                                        tpw::inferencex_vintage::v2025));
}
}  // namespace

int main() {
  title("Study 2: B200 at 2 cents per Mtok on gpt-oss-120b (NVIDIA, 2025-10)");
  const auto& b200 = tpw::find_platform("b200");
  const auto target = 0.02_USD / units::Mtok;

  section("Assumptions");
  assume("B200 hourly cost (hyperscaler)", b200.inferencex_2025->hourly_owned);
  assume("B200 all-in power", b200.inferencex_2025->all_in_power);
  assume("target cost", "0.02 USD/Mtok", "NVIDIA claim, 2025-10");
  assume("electricity", "0.08 USD/kWh", "EIA US industrial 2024-25 [measured]");
  assume("best measured energy", "0.040 J/tok (GPU only)",
         "ML.ENERGY leaderboard v3.0, 2026-02 [measured]");

  section("The throughput the claim requires");
  // cost per Mtok = hourly / (T * u * 3600 / 1e6), so T = hourly / (cost per token * 3600 * u).
  const auto hourly = tpw::of(b200.inferencex_2025->hourly_owned.value, units::usd / units::hour);
  for (const double u : {1.0, 0.8, 0.6}) {
    const tpw::token_rate needed = hourly / (target * u);
    std::printf("  at %3.0f%% utilization: %s tok/s per GPU\n", u * 100.0,
                num(tpw::in(needed, units::tok / units::second), 4).c_str());
  }
  std::printf("  NVIDIA's stated need, about 27,000 tok/s/GPU, is the 100%% utilization figure.\n");

  section("Cost per Mtok at other throughputs (100% and 60% utilization)");
  std::printf("  %-12s %16s %16s %13s\n", "tok/s/GPU", "at 100%", "at 60%", "all-in J/tok");
  for (const double t : {1000.0, 5000.0, 10000.0, 20000.0, 27083.3, 40000.0}) {
    const auto full = b200_at(t * units::tok / units::second, 1.0);
    const auto part = b200_at(t * units::tok / units::second, 0.6);
    std::printf("  %-12s %16s %16s %13s\n", num(t, 4).c_str(),
                per_mtok(full.cost_per_token.total).c_str(),
                per_mtok(part.cost_per_token.total).c_str(),
                num(tpw::in(full.joules_per_token, units::J / units::tok)).c_str());
  }

  section("Where the 2 cents go");
  // All-in power at 27,083 tok/s is 2,170 W / 27,083 = 0.080 J/tok of provisioned power; the
  // GPU alone was measured at 0.040 J/tok at best. At 0.08 USD/kWh, 1 Mtok at 0.080 J/tok is
  // 0.080e6 / 3.6e6 kWh = 0.0222 kWh = 0.0018 USD.
  const auto at_target = b200_at(hourly / target, 1.0);
  const auto energy_per_mtok = at_target.joules_per_token * units::Mtok;
  const auto electricity = 0.08_USD / units::kWh;
  std::printf(
      "  all-in energy: %s per Mtok, %s USD of electricity at 0.08 USD/kWh (%s of 2 cents)\n",
      tpw::format(energy_per_mtok, tpw::display::kilowatt_hours()).c_str(),
      num(tpw::in(energy_per_mtok * electricity, units::usd)).c_str(),
      tpw::format_percent((energy_per_mtok * electricity) / (target * units::Mtok)).c_str());
  const auto gpu_only = 0.040 * units::J / units::tok * units::Mtok;
  std::printf("  GPU only (measured best): %s per Mtok, %s USD\n",
              tpw::format(gpu_only, tpw::display::kilowatt_hours()).c_str(),
              num(tpw::in(gpu_only * electricity, units::usd)).c_str());
  std::printf(
      "  The claim is a statement about throughput at full utilization: the hourly cost of\n"
      "  the GPU is nearly all of it, so at 60%% busy the same GPU costs 3.33 cents.\n");
  return 0;
}
