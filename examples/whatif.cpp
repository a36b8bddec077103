// tpw-whatif: the what-if program. With no arguments it evaluates its built-in default study and
// prints a table a person reads at a glance. (Scenario files, uncertainty and charts come with
// the io and Monte Carlo layers.)
//
// The default study, with figures from shared/reference/public-figures.md:
//  1. Bottom-up: one GB200 NVL72 rack serving DeepSeek-R1 8k/1k, owned and in a built facility.
//  2. InferenceX view: all-in hourly cost per GPU and all-in provisioned power per GPU, at full
//     utilization and PUE 1 (the all-in kW already carries the facility overhead), for the
//     GB300 NVL72 vs H200 DeepSeek-R1 comparison that NVIDIA published (35x cost, ~50x per MW).
#include <cstdio>
#include <cstring>
#include <string>

#include <tpw/tpw.hpp>

namespace {

using namespace tpw::literals;
using tpw::USD;
namespace units = tpw::units;
namespace show = tpw::display;

void print_header() {
  std::printf("%-34s %10s %9s %9s %9s %9s %9s %8s %13s %10s %7s\n", "platform", "USD/Mtok",
              "hardware", "facility", "energy", "opex", "USD/GPU-h", "tok/J", "tok/s per MW",
              "rev/MW-yr", "margin");
}

void print_row(const char* name, const tpw::economics<USD>& e) {
  const auto per_mtok = [](tpw::token_price<USD> p) {
    return tpw::format_number(tpw::in(p, units::usd / units::Mtok));
  };
  std::printf(
      "%-34s %10s %9s %9s %9s %9s %9s %8s %13s %10s %7s\n", name,
      per_mtok(e.cost_per_token.total).c_str(), per_mtok(e.cost_per_token.hardware).c_str(),
      per_mtok(e.cost_per_token.facility).c_str(), per_mtok(e.cost_per_token.energy).c_str(),
      per_mtok(e.cost_per_token.opex).c_str(),
      tpw::format_number(tpw::in(e.cost_per_accelerator_hour, units::usd)).c_str(),
      tpw::format_number(tpw::in(e.tokens_per_joule, units::tok / units::J)).c_str(),
      tpw::format_number(tpw::in(e.tokens_per_s_per_power, units::tok / units::second / units::MW))
          .c_str(),
      e.revenue ? tpw::format_number(tpw::in(e.revenue->revenue_per_power_time,
                                             units::usd / (units::MW * units::year)))
                      .c_str()
                : "-",
      e.revenue ? tpw::format_percent(e.revenue->gross_margin).c_str() : "-");
}

// The InferenceX view of a catalog platform: its hyperscaler hourly cost and all-in power per GPU.
tpw::economics<USD> inferencex(const char* platform_id, tpw::token_rate throughput,
                               tpw::token_price<USD> price) {
  const auto& p = tpw::find_platform(platform_id);
  const tpw::deployment gpu(tpw::inferencex_deployment(p, throughput));
  return tpw::evaluate(gpu, price,
                       tpw::inferencex_hourly_cost(p, tpw::inferencex_tier::hyperscaler));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf(
        "usage: tpw-whatif\n  Evaluates the built-in default study and prints its table.\n");
    return 0;
  }
  if (argc > 1) {
    std::fprintf(stderr, "tpw-whatif: unknown argument '%s' (try --help)\n", argv[1]);
    return 2;
  }

  // DeepSeek-R1 on a GPU cloud: 5.40 USD per Mtok of output (OpenRouter listing, 2026-02, est).
  const auto price = 5.40_USD / units::Mtok;

  std::printf("tpw-whatif: default study, DeepSeek-R1, token price %s\n\n",
              tpw::format(price, show::per_mtok<USD>()).c_str());
  print_header();

  // 1. Bottom-up GB200 NVL72: 132 kW IT per rack (est), 40 kW idle (about 18 trays x 1 kW idle
  // plus switches; spec-derived estimate), 3.9 M USD per rack (est, 2026), 4-year life, 10%
  // residual, 8% cost of capital, 11.7 M USD per MW build (Cushman & Wakefield 2025), PUE 1.2,
  // 0.08 USD/kWh (EIA US industrial), 3% maintenance and 4500 USD software per GPU-year.
  const tpw::deployment rack({.accelerators_per_system = 72,
                              .it_power = 132.0_kW,
                              .idle_power = 40.0_kW,
                              .pue = tpw::pue{1.2},
                              .utilization = tpw::fraction{0.7},
                              .throughput = 5789.6_tok_per_s});
  const tpw::annual_rate wacc{0.08};
  const auto rack_price = 3'900'000.0_USD;
  const auto bottom_up = tpw::evaluate(
      rack, price,
      tpw::owned_hardware<USD>({.price_per_system = rack_price,
                                .life = 4.0_yr,
                                .residual_fraction = tpw::fraction{0.1},
                                .cost_of_capital = wacc}),
      tpw::built_facility<USD>(
          {.build_cost = 11.7e6_USD / units::MW, .life = 15.0_yr, .cost_of_capital = wacc}),
      tpw::energy_cost<USD>({.price = 0.08_USD / units::kWh}),
      tpw::opex<USD>({.maintenance_fraction_per_year = tpw::fraction{0.03},
                      .hardware_price_per_system = rack_price,
                      .software_per_accelerator = 4500.0_USD / units::year}));
  print_row("GB200 NVL72 bottom-up, u=0.7", bottom_up);

  // 2. InferenceX constants from the catalog (SemiAnalysis, model): hyperscaler $/GPU-hr and
  // all-in kW per GPU; throughputs from NVIDIA's 2026-04 GB300 vs H200 comparison.
  const auto h200 = inferencex("h200", 90.0_tok_per_s, price);
  const auto gb300 = inferencex("gb300-nvl72", 6000.0_tok_per_s, price);
  print_row("H200, InferenceX all-in", h200);
  print_row("GB300 NVL72, InferenceX all-in", gb300);

  std::printf(
      "\nGB300 NVL72 vs H200: %sx lower cost per Mtok, %sx more tok/s per MW\n",
      tpw::format_number(h200.cost_per_token.total / gb300.cost_per_token.total).c_str(),
      tpw::format_number(gb300.tokens_per_s_per_power / h200.tokens_per_s_per_power).c_str());
  std::printf(
      "Sources: SemiAnalysis InferenceX constants (model); NVIDIA 2026-04 (claim inputs);\n"
      "Cushman & Wakefield 2025 (build cost, est); EIA (power price); see the README.\n");
  return 0;
}
