// A hardware refresh as a finance team books it, on tpw: 100 DGX B200 systems serving
// DeepSeek-R1 for seven years, so that the hardware (a 4-year economic life) is sold at the end of
// year 4 and bought again at a lower price; 60% of the first purchase on debt with the build
// year's interest capitalized; the project under both discounting conventions. Every convention
// is in docs/definitions.md ("Project finance conventions"). Built and run by the test suite,
// which compares its output with hardware_refresh.output.
#include <cstdio>
#include <string>

#include <tpw/catalog.hpp>
#include <tpw/finance.hpp>
#include <tpw/format.hpp>
#include <tpw/model.hpp>

namespace units = tpw::units;
using namespace tpw::literals;
using tpw::USD;

namespace {
std::string millions(tpw::money<USD> m) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", tpw::in(m, units::usd) / 1e6);
  return text;
}
std::string years_or_reason(const std::optional<double>& years, const std::string& reason) {
  if (!years) return "none: " + reason;
  char text[32];
  std::snprintf(text, sizeof text, "%.2f years", *years);
  return text;
}
}  // namespace

int main() {
  // The platform and its measured throughput at 40 tok/s per user (the catalog's data).
  const tpw::platform& b200 = tpw::find_platform("b200");
  const tpw::throughput_frontier frontier =
      tpw::frontier_of(*tpw::find_measured("b200", "deepseek-r1", 8192, 1024, "fp8"));
  tpw::deployment::spec spec = tpw::bottom_up_deployment(
      b200, frontier.throughput_at(40.0_tok_per_s), tpw::fraction{0.7}, tpw::pue{1.3});
  spec.systems = 100;
  const tpw::deployment site(spec);
  const auto hardware =
      tpw::bottom_up_hardware(b200, 4.0_yr, tpw::fraction{0.1}, tpw::annual_rate{0.08});
  const tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});
  const tpw::opex<USD> running({.maintenance_fraction_per_year = tpw::fraction{0.03},
                                .hardware_price_per_system = tpw::price_of(b200),
                                .software_per_accelerator = 4500.0_USD / units::year});

  // Seven years after a build year; tokens at DeepSeek's own API price for R1 (0.55 USD per Mtok
  // of input, 2.19 of output, to 2025-09: 0.73 over the 8k/1k mix) falling 20% a year; the second
  // purchase at a price falling 28.5% a year (Epoch AI's ML-GPU price-performance trend, FLOP/s
  // per dollar doubling every 2.07 years: 1 - 2^(-1 / 2.07)).
  tpw::cash_flow_plan<USD> plan;
  plan.operating_years = 7;
  plan.build_years = 1;
  plan.price = (8192.0 * 0.55 + 1024.0 * 2.19) / 9216.0 * units::usd / units::Mtok;
  plan.price_decline_per_year = tpw::fraction{0.2};
  plan.hardware_price_decline_per_year = tpw::fraction{0.285};
  const auto flows = tpw::project_cash_flows(site, plan, hardware, energy, running);

  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.12;  // levered equity requires more than the project's 8%
  terms.tax = {.rate = 0.21, .hardware_years = 5};
  terms.debt = {.share = 0.6, .rate = 0.07, .term_years = 5};  // interest during the build
                                                               // capitalized: the default
  const auto p = tpw::finance_project(flows, terms);

  std::printf("%s x %ld, %s each; a purchase serves %d years\n", std::string(b200.name).c_str(),
              spec.systems, tpw::format_money(tpw::price_of(b200)).c_str(),
              flows.hardware_service_years);
  std::printf(
      "\n  t   capex  residual  deprec.     tax  interest  principal  project  equity  DSCR"
      "   (M USD)\n");
  for (const auto& y : p.years) {
    char dscr[16] = "    -";
    if (y.dscr) std::snprintf(dscr, sizeof dscr, "%5.2f", *y.dscr);
    std::printf("%3d %7s %9s %8s %7s %9s %10s %8s %7s %s\n", y.year, millions(y.capex).c_str(),
                millions(y.residual).c_str(), millions(y.depreciation).c_str(),
                millions(y.tax).c_str(), millions(y.interest).c_str(),
                millions(y.principal).c_str(), millions(y.project_flow).c_str(),
                millions(y.equity_flow).c_str(), dscr);
  }
  std::printf("\nfirst purchases %s M, replacement %s M, interest during construction %s M\n",
              millions(p.investment).c_str(), millions(p.replacement_capex).c_str(),
              millions(p.construction_interest).c_str());
  std::printf("payback %s; ROI %s, equity MOIC %.2fx, least DSCR %.2f\n",
              years_or_reason(p.payback_years, p.payback_reason).c_str(),
              tpw::format_percent(*p.return_on_investment).c_str(), *p.equity_moic, *p.min_dscr);
  for (const auto convention :
       {tpw::discounting_convention::end_of_year, tpw::discounting_convention::mid_year}) {
    terms.discounting = convention;
    const auto q = tpw::finance_project(flows, terms);
    std::printf("%-11s NPV %s M, IRR %s, equity NPV at 12%% %s M\n",
                convention == tpw::discounting_convention::mid_year ? "mid-year" : "end of year",
                millions(q.project_npv).c_str(), tpw::format_percent(q.project_irr.rate()).c_str(),
                millions(q.equity_npv).c_str());
  }
}
