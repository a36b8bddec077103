// Study 5: a 100 MW site: which platform, and which power cap, give the most revenue and the most
// tokens per joule under the same utility ceiling.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "study.hpp"

using namespace tpw::literals;
using namespace study;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

#ifndef TPW_EXAMPLE_DATA
#define TPW_EXAMPLE_DATA "examples/data"
#endif
}  // namespace

int main(int argc, char** argv) try {
  const std::string data = argc > 1 ? argv[1] : TPW_EXAMPLE_DATA;
  title("Study 5: a 100 MW site: which platform and which power cap");
  const auto price = 2.19_USD / units::Mtok;
  const tpw::site_spec site{.ceiling = 100.0_MW};

  struct candidate {
    const char* id;
    tpw::token_rate throughput;
    const char* source;
  };
  const std::vector<candidate> candidates{
      {"h200", 90.0_tok_per_s, "NVIDIA claim inputs, 2026-04 [measured]"},
      {"gb200-nvl72", 5789.6_tok_per_s, "tpw reference scenario, docs/scenario.md [estimate]"},
      {"gb300-nvl72", 6000.0_tok_per_s, "NVIDIA claim inputs, 2026-04 [measured]"}};

  section("Assumptions");
  assume("utility ceiling", "100 MW, no headroom", "the study's site");
  assume("token price", "2.19 USD/Mtok", "DeepSeek API R1 output price, until 2025-09");
  for (const auto& c : candidates) {
    const auto& p = tpw::find_platform(c.id);
    const std::string what = std::string(p.id) + " throughput";
    assume(what.c_str(), num(tpw::in(c.throughput, units::tok / units::second), 5) + " tok/s/GPU",
           c.source);
    assume((std::string(p.id) + " all-in power").c_str(), p.inferencex_2025->all_in_power);
    assume((std::string(p.id) + " hourly cost").c_str(), p.inferencex_2025->hourly_owned);
  }
  std::printf(
      "  InferenceX view, 2025 vintage: utilization 100%%, PUE 1 (that vintage's all-in kW holds "
      "the facility).\n");

  section("Platforms under the ceiling");
  std::vector<tpw::named_site_plan<USD>> plans;
  for (const auto& c : candidates) {
    const auto& p = tpw::find_platform(c.id);
    const tpw::deployment gpu(tpw::inferencex_deployment(p, c.throughput, tpw::fraction{1.0},
                                                         tpw::inferencex_vintage::v2025));
    plans.push_back({std::string(p.id), tpw::plan_site(gpu, site, price,
                                                       tpw::inferencex_hourly_cost(
                                                           p, tpw::inferencex_tier::hyperscaler,
                                                           tpw::inferencex_vintage::v2025))});
  }
  std::printf("  %-12s %8s %10s %12s %16s %16s %8s\n", "platform", "GPUs", "USD/Mtok", "tok/J",
              "revenue/yr", "cost/yr", "margin");
  for (const auto& [name, plan] : plans) {
    std::printf("  %-12s %8ld %10s %12s %12s USD %12s USD %8s\n", name.c_str(), plan.accelerators,
                num(usd_per_mtok(plan.per_accelerator.cost_per_token.total)).c_str(),
                num(tok_per_joule(plan.per_accelerator.tokens_per_joule)).c_str(),
                num(tpw::in(*plan.revenue_per_year, units::usd)).c_str(),
                num(tpw::in(plan.cost_per_year, units::usd)).c_str(),
                tpw::format_percent(plan.per_accelerator.revenue->gross_margin).c_str());
  }
  std::printf(
      "  Revenue assumes every token sells at 2.19 USD/Mtok; a site this size makes %s\n"
      "  tokens a year on GB300, more than a price taker can sell at that price.\n",
      num(tpw::in(plans.back().plan.tokens_per_year, units::tok)).c_str());
  const auto ranking = tpw::rank_sites<USD>(plans);
  std::printf("  Most revenue: %s; most tokens per joule: %s; lowest cost per Mtok: %s.\n",
              plans[ranking.most_revenue].platform.c_str(),
              plans[ranking.most_tokens_per_joule].platform.c_str(),
              plans[ranking.lowest_cost_per_mtok].platform.c_str());

  section("The SLO moves the answer: GB300 at a minimum interactivity (illustrative frontier)");
  const auto frontier =
      tpw::throughput_frontier::from_csv(read_file(data + "/gb300_dsr1_frontier_illustrative.csv"),
                                         "gb300_dsr1_frontier_illustrative.csv");
  const auto& gb300 = tpw::find_platform("gb300-nvl72");
  const auto gb300_cost = tpw::inferencex_hourly_cost(gb300, tpw::inferencex_tier::hyperscaler,
                                                      tpw::inferencex_vintage::v2025);
  std::printf("  %-18s %12s %10s %16s\n", "tok/s per user", "tok/s/GPU", "USD/Mtok", "revenue/yr");
  for (const double slo : {10.0, 20.0, 50.0, 100.0}) {
    const auto at =
        tpw::evaluate_at_slo(tpw::inferencex_deployment(gb300, 1.0_tok_per_s, tpw::fraction{1.0},
                                                        tpw::inferencex_vintage::v2025),
                             frontier, slo * units::tok / units::second, price, gb300_cost);
    const tpw::deployment gpu(tpw::inferencex_deployment(
        gb300, at.point.throughput, tpw::fraction{1.0}, tpw::inferencex_vintage::v2025));
    const auto plan = tpw::plan_site(gpu, site, price, gb300_cost);
    std::printf("  %-18s %12s %10s %12s USD\n", num(slo).c_str(),
                num(tpw::in(at.point.throughput, units::tok / units::second), 4).c_str(),
                num(usd_per_mtok(at.figures.cost_per_token.total)).c_str(),
                num(tpw::in(*plan.revenue_per_year, units::usd)).c_str());
  }

  section("Power caps for GB300 (illustrative Max-Q curve)");
  const auto curve = tpw::power_cap_curve::from_csv(
      read_file(data + "/gb300_power_cap_illustrative.csv"), "gb300_power_cap_illustrative.csv");
  // Each GPU is provisioned for its cap plus the rest of its all-in share: 2.10 kW all-in at the
  // 1,400 W rating leaves 700 W for CPUs, network, cooling and the building.
  const auto overhead = tpw::of(gb300.inferencex_2025->all_in_power.value, units::kW) - 1400.0_W;
  const auto best_q = tpw::max_q_cap(curve);
  const auto best_site = tpw::best_cap_for_site(curve, {.ceiling = site.ceiling,
                                                        .accelerators_per_system = 72,
                                                        .overhead_per_accelerator = overhead});
  std::printf("  Max-Q (most tokens per joule at the GPU): cap %s, %s tok/s/GPU, %s tok/J\n",
              tpw::format(best_q.cap, tpw::display_unit<tpw::power>{units::W, "W"}, 4).c_str(),
              num(tpw::in(best_q.throughput, units::tok / units::second), 4).c_str(),
              num(tok_per_joule(best_q.throughput / best_q.power_draw)).c_str());
  if (best_q.cap == curve.min_cap()) {
    std::printf("  (the lowest measured cap: the optimum may lie below the measured range)\n");
  }
  const auto at_rating = curve.at(1400.0_W);
  // Racks at the rating: floor(100 MW / ((1,400 W + 700 W) * 72)).
  const long racks_at_rating = tpw::systems_that_fit(site.ceiling, (1400.0_W + overhead) * 72.0);
  const double site_at_rating = static_cast<double>(racks_at_rating * 72) *
                                tpw::in(at_rating.throughput, units::tok / units::second);
  std::printf("  At the 1,400 W rating: %ld racks, %s tok/s for the site\n", racks_at_rating,
              num(site_at_rating, 4).c_str());
  std::printf(
      "  Best cap for the site: %s, %ld racks, %s tok/s for the site (%s more tokens and\n"
      "  revenue from the same 100 MW)\n",
      tpw::format(best_site.point.cap, tpw::display_unit<tpw::power>{units::W, "W"}, 4).c_str(),
      best_site.systems,
      num(tpw::in(best_site.site_throughput, units::tok / units::second), 4).c_str(),
      tpw::format_percent(
          tpw::in(best_site.site_throughput, units::tok / units::second) / site_at_rating - 1.0)
          .c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "study: %s\n", e.what());
  return 1;
}
