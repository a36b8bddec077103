// Revenue contracts (tpw/model/contracts.hpp): per token, on demand per accelerator-hour used, and
// reserved take-or-pay, alone and mixed, in the point model, the project and the Monte Carlo
// project model, each against a hand computation.
#include <doctest/doctest.h>

#include "support.hpp"

#include <cmath>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <tpw/finance.hpp>
#include <tpw/io/report.hpp>
#include <tpw/io/scenario.hpp>
#include <tpw/io/study.hpp>
#include <tpw/mc/project_model.hpp>
#include <tpw/model.hpp>
#include <tpw/model/contracts.hpp>
#include <tpw/model/parameters_of.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;

namespace {

using namespace tpw::literals;
namespace units = tpw::units;
using tpw::USD;

// A GB200 NVL72 rack: 72 accelerators, 132 kW serving, 40 kW idle, PUE 1.2, 5,789.6 tok/s each.
tpw::deployment::spec rack(double utilization, long systems = 1) {
  return {.accelerators_per_system = 72,
          .systems = systems,
          .it_power = 132.0_kW,
          .idle_power = 40.0_kW,
          .pue = tpw::pue{1.2},
          .utilization = tpw::fraction{utilization},
          .throughput = 5789.6_tok_per_s};
}
const tpw::energy_cost<USD> energy({.price = 0.08_USD / units::kWh});
tpw::owned_hardware<USD> hardware() {
  return tpw::owned_hardware<USD>(
      {.price_per_system = 3.9e6_USD, .life = 5.0_yr, .cost_of_capital = tpw::annual_rate{0.08}});
}
tpw::on_demand_contract<USD> on_demand(double share, double per_hour) {
  return {tpw::fraction{share}, per_hour * units::usd / units::hour};
}
tpw::reserved_contract<USD> reserved(double share, double per_hour, double committed = 1.0,
                                     double overage = 0.0) {
  return {tpw::fraction{share}, per_hour * units::usd / units::hour, tpw::fraction{committed},
          overage * units::usd / units::hour};
}
double per_hour(const tpw::economics<USD>& e) {
  return e.revenue->revenue_per_accelerator_hour.value();
}

}  // namespace

TEST_CASE("contracts: an accelerator-hour's revenue on demand, reserved and mixed, by hand") {
  using contracts = tpw::revenue_contracts<USD>;
  const auto at = [&](double u, const contracts& c) {
    return tpw::evaluate(tpw::deployment(rack(u)), c, hardware(), energy);
  };
  // On demand at 4 USD an hour used: 0.7 x 4 = 2.80 an accelerator-hour at 70% utilization.
  const contracts rented({.on_demand = on_demand(1.0, 4.0)});
  CHECK(per_hour(at(0.7, rented)) == Approx(2.8).epsilon(1e-14));
  CHECK(per_hour(at(0.5, rented)) == Approx(2.0).epsilon(1e-14));
  // Its token price equivalent: 2.80 / (0.7 x 5,789.6 x 3,600) per token = 0.19189 USD per Mtok.
  CHECK(at(0.7, rented).revenue->price.value() * 1e6 ==
        Approx(2.8 / (0.7 * 5789.6 * 3600.0) * 1e6).epsilon(1e-14));
  // Gross margin: 1 - cost / revenue, per accelerator-hour.
  const auto e = at(0.7, rented);
  CHECK(e.revenue->gross_margin ==
        Approx(1.0 - e.cost_per_accelerator_hour.value() / 2.8).epsilon(1e-12));

  // Reserved take-or-pay at 3.50, every hour committed: 3.50 whatever the utilization.
  const contracts take_or_pay({.reserved = reserved(1.0, 3.5)});
  CHECK(per_hour(at(0.3, take_or_pay)) == Approx(3.5).epsilon(1e-14));
  CHECK(per_hour(at(0.9, take_or_pay)) == Approx(3.5).epsilon(1e-14));
  // 80% committed, overage at 5.00: 3.5 x 0.8 = 2.80 up to 80% utilization, then + 5 (u - 0.8).
  const contracts minimum({.reserved = reserved(1.0, 3.5, 0.8, 5.0)});
  CHECK(per_hour(at(0.6, minimum)) == Approx(2.8).epsilon(1e-14));
  CHECK(per_hour(at(0.9, minimum)) == Approx(2.8 + 5.0 * 0.1).epsilon(1e-13));

  // Mixed: 20% on demand at 4, 50% reserved at 3, the 30% left sold at 2 USD per Mtok:
  // 0.3 x 0.7 x 5,789.6 x 3,600 x 2e-6 + 0.2 x 0.7 x 4 + 0.5 x 3 = 0.87539 + 0.56 + 1.5.
  const contracts mixed({.per_token = 2.0_USD / units::Mtok,
                         .on_demand = on_demand(0.2, 4.0),
                         .reserved = reserved(0.5, 3.0)});
  const double tokens_share = 0.3 * 0.7 * 5789.6 * 3600.0 * 2e-6;
  CHECK(per_hour(at(0.7, mixed)) == Approx(tokens_share + 0.56 + 1.5).epsilon(1e-13));
  // Per token alone, the contracts give tpw::evaluate's figures at that price, exactly.
  const contracts tokens_only({.per_token = 2.0_USD / units::Mtok});
  const auto plain =
      tpw::evaluate(tpw::deployment(rack(0.7)), 2.0_USD / units::Mtok, hardware(), energy);
  CHECK(at(0.7, tokens_only).revenue->gross_margin == plain.revenue->gross_margin);
  CHECK(per_hour(plain) == Approx(0.7 * 5789.6 * 3600.0 * 2e-6).epsilon(1e-14));
}

TEST_CASE("contracts refuse shares and prices that cannot hold, naming the key") {
  using contracts = tpw::revenue_contracts<USD>;
  CHECK(message_of([] { (void)contracts({}); }) ==
        "revenue = \"(no contract)\": give a price per token, an on-demand or a reserved contract");
  CHECK(message_of([] {
          (void)contracts({.on_demand = on_demand(0.6, 4.0), .reserved = reserved(0.5, 3.0)});
        }) ==
        "revenue.reserved.share = 0.5: the on-demand and reserved shares add up to 1.1: "
        "together they may cover at most every accelerator (1)");
  CHECK(message_of([] {
          (void)contracts({.per_token = 2.0_USD / units::Mtok, .reserved = reserved(1.0, 3.0)});
        }) ==
        "revenue.price_per_mtok = 2: the hourly contracts cover every accelerator, so no "
        "token is sold per token: drop the price, or lower their shares");
  CHECK(message_of([] { (void)contracts({.on_demand = on_demand(0.0, 4.0)}); }) ==
        "revenue.on_demand.share = 0: must be in (0, 1]");
  CHECK(message_of([] {
          (void)contracts({.reserved = reserved(1.0, 0.0)});
        }).starts_with("revenue.reserved.price_per_accelerator_hour = 0"));
  // The same rules on a cost base (the Monte Carlo models' input), at the shares it is given.
  auto p = tpw::parameters_of<USD>(rack(0.7), hardware(), energy);
  p.on_demand = true;
  p[tpw::cost_input::on_demand_share] = 0.7;
  p[tpw::cost_input::on_demand_per_accelerator_hour] = 4.0;
  p.reserved = true;
  p[tpw::cost_input::reserved_share] = 0.5;
  p[tpw::cost_input::reserved_per_accelerator_hour] = 3.0;
  p[tpw::cost_input::reserved_committed_share] = 1.0;
  CHECK(message_of([&] { (void)tpw::validated_parameters<USD>(p); })
            .starts_with("revenue.reserved.share = 0.5: the on-demand and reserved shares add up "
                         "to 1.2"));
  // A contract's numbers given without its flag are refused too.
  p.reserved = false;
  CHECK(message_of([&] { (void)tpw::validated_parameters<USD>(p); })
            .starts_with("revenue.reserved.share = 0.5: is given but the model would not read it: "
                         "reserved is false"));
}

TEST_CASE("the deal pricer: 8 racks reserved take-or-pay against the same terms paid per use") {
  // 8 GB200 NVL72 racks (576 GPUs) for 5 years at 3.00 USD per GPU-hour; bought at 3.9 M USD a
  // rack (31.2 M at t = 0, worth nothing after its 5-year life), energy at 0.08 per kWh; NPV at
  // 8%, no tax, no debt. Each year: revenue R, energy E(u) = 8 (132 u + 40 (1 - u)) kW x 1.2 x
  // 8,760 h x 0.08. Take-or-pay: R = 576 x 8,760 x 3 = 15,137,280 whatever the utilization; per
  // use: R = u x 15,137,280.
  const double year_rate = 576.0 * 8760.0 * 3.0;
  const auto energy_bill = [](double u) {
    return 8.0 * (132.0 * u + 40.0 * (1.0 - u)) * 1.2 * 8760.0 * 0.08;
  };
  const auto hand_npv = [&](double revenue, double u) {
    double npv = -31.2e6;
    for (int t = 1; t <= 5; ++t) npv += (revenue - energy_bill(u)) / std::pow(1.08, t);
    return npv;
  };
  tpw::project_terms terms;
  terms.discount_rate = 0.08;
  terms.equity_discount_rate = 0.08;
  const auto deterministic = [&](double u, bool take_or_pay) {
    tpw::cash_flow_plan<USD> plan;
    plan.operating_years = 5;
    if (take_or_pay) {
      plan.reserved = reserved(1.0, 3.0);
    } else {
      plan.on_demand = on_demand(1.0, 3.0);
    }
    const auto flows =
        tpw::project_cash_flows(tpw::deployment(rack(u, 8)), plan, hardware(), energy);
    return tpw::finance_project(flows, terms).project_npv.value();
  };
  for (const double u : {0.5, 0.7, 0.85}) {
    CAPTURE(u);
    CHECK(deterministic(u, true) == Approx(hand_npv(year_rate, u)).epsilon(1e-12));
    CHECK(deterministic(u, false) == Approx(hand_npv(u * year_rate, u)).epsilon(1e-12));
  }
  // At 70%: take-or-pay 26.43 M USD, per use 8.30 M USD.
  CHECK(deterministic(0.7, true) == Approx(26.43e6).epsilon(1e-3));
  CHECK(deterministic(0.7, false) == Approx(8.30e6).epsilon(1e-3));

  // The Monte Carlo project model, sample by sample, gives the same NPVs.
  const auto model_of = [&](bool take_or_pay) {
    auto p = tpw::parameters_of<USD>(rack(0.7), hardware(), energy);
    if (take_or_pay) {
      p.reserved = true;
      p[tpw::cost_input::reserved_share] = 1.0;
      p[tpw::cost_input::reserved_per_accelerator_hour] = 3.0;
      p[tpw::cost_input::reserved_committed_share] = 1.0;
    } else {
      p.on_demand = true;
      p[tpw::cost_input::on_demand_share] = 1.0;
      p[tpw::cost_input::on_demand_per_accelerator_hour] = 3.0;
    }
    tpw::cash_flow_plan<USD> plan;
    plan.operating_years = 5;
    return mc::project_model<USD>(
        p, 8, tpw::project_parameters_of(plan, terms),
        {{tpw::cost_input::utilization, mc::distribution::pert(0.5, 0.7, 0.85)}}, {});
  };
  for (const bool take_or_pay : {true, false}) {
    const auto model = model_of(take_or_pay);
    const auto names = model.output_names();
    const std::size_t npv = static_cast<std::size_t>(
        std::find(names.begin(), names.end(), "project_npv") - names.begin());
    std::vector<double> y(names.size());
    for (const double u : {0.55, 0.8}) {
      CAPTURE(take_or_pay);
      CAPTURE(u);
      const double x[] = {u};
      model(x, y);
      CHECK(y[npv] == Approx(hand_npv(take_or_pay ? year_rate : u * year_rate, u)).epsilon(1e-12));
    }
    // Under the whole run, take-or-pay never loses; paying per use, its P5 is far below.
    mc::run_options o;
    o.samples = 20'000;
    o.threads = 1;
    o.probabilities = {0.05, 0.5};
    o.exceedances = {{"project_npv", 0.0, 0.0, 0.0, mc::exceedance_side::below}};
    const auto r = mc::run_project(model, o);
    const auto& stats = r.statistics.output("project_npv");
    if (take_or_pay) {
      CHECK(r.statistics.exceedances[0].probability == 0.0);
      // Only the energy bill varies: from u = 0.5 to 0.85 it moves 8 x 92 kW x ... a year.
      CHECK(stats.quantile(0.5) == Approx(hand_npv(year_rate, 0.7)).epsilon(2e-3));
    } else {
      CHECK(stats.quantile(0.05) < hand_npv(0.6 * year_rate, 0.6));
      CHECK(r.statistics.exceedances[0].probability > 0.0);
    }
  }
}

TEST_CASE("contracts in a scenario file: the report's revenue an hour, and the project's NPV") {
  const std::string text = R"({
    "deployment": {"accelerators_per_system": 72, "systems": 8, "it_power_kw": 132,
                   "idle_power_kw": 40, "utilization": 0.7, "throughput_tok_s": 5789.6},
    "costs": {"cost_of_capital": 0.08,
              "hardware": {"price": 3900000, "life_years": 5, "residual_fraction": 0},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2}},
    "revenue": {"reserved": {"price_per_accelerator_hour": 3.0}},
    "finance": {"operating_years": 5, "discount_rate": 0.08}
  })";
  const auto report = tpw::io::to_json(tpw::io::run_study(tpw::io::parse_scenario(text)));
  CHECK(report["revenue_per_accelerator_hour"].get<double>() == Approx(3.0).epsilon(1e-14));
  CHECK(report["contracts"]["reserved"]["share"].get<double>() == 1.0);
  CHECK(report["contracts"]["reserved"]["committed_share"].get<double>() == 1.0);
  CHECK(report["contracts"]["per_token_share"].get<double>() == 0.0);
  CHECK(report["finance"]["project_npv"].get<double>() == Approx(26.43e6).epsilon(1e-3));
  // Mixed with a token price on the share left.
  std::string mixed = text;
  const std::string from = R"("revenue": {"reserved": {"price_per_accelerator_hour": 3.0}})";
  mixed.replace(mixed.find(from), from.size(),
                R"("revenue": {"price_per_mtok": 2, "on_demand": {"share": 0.2,
                   "price_per_accelerator_hour": 4}, "reserved": {"share": 0.5,
                   "price_per_accelerator_hour": 3}})");
  const auto m = tpw::io::to_json(tpw::io::run_study(tpw::io::parse_scenario(mixed)));
  CHECK(m["revenue_per_accelerator_hour"].get<double>() ==
        Approx(0.3 * 0.7 * 5789.6 * 3600.0 * 2e-6 + 0.2 * 0.7 * 4.0 + 0.5 * 3.0).epsilon(1e-13));
  CHECK(m["contracts"]["per_token_share"].get<double>() == Approx(0.3).epsilon(1e-15));
  // Refused: a reserved contract without its rate, and shares over 1.
  std::string no_rate = text;
  no_rate.replace(no_rate.find(from), from.size(), R"("revenue": {"reserved": {"share": 0.5}})");
  CHECK(message_of([&] {
          (void)tpw::io::parse_scenario(no_rate);
        }).starts_with("revenue.reserved.price_per_accelerator_hour"));
}

TEST_CASE(
    "the example scenario files of examples/scenarios/sections/ run, and show what they say") {
  namespace fs = std::filesystem;
  int files = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(TPW_EXAMPLES_DIR) / "scenarios" / "sections")) {
    if (entry.path().extension() != ".json") continue;
    CAPTURE(entry.path().string());
    ++files;
    tpw::io::study_options o;
    o.samples = 4096;
    o.threads = 1;
    const auto report =
        tpw::io::to_json(tpw::io::run_study(tpw::io::load_scenario(entry.path()), o));
    CHECK(report.contains("cost_per_mtok"));
    if (entry.path().filename() == "gb200_reserved_deal.json") {
      // 80% reserved at 3.20 with 80% committed (no overage at the median utilization u, PERT's
      // 0.756), 20% on demand at 4.00 for the hours used: 0.8 x 3.2 x 0.8 + 0.2 x u x 4.
      const double u = mc::distribution::pert(0.6, 0.75, 0.95).quantile(0.5);
      CHECK(u < 0.8);
      CHECK(report["revenue_per_accelerator_hour"].get<double>() ==
            Approx(0.8 * 3.2 * 0.8 + 0.2 * u * 4.0).epsilon(1e-12));
      CHECK(report["contracts"]["per_token_share"].get<double>() == 0.0);
    }
    if (entry.path().filename() == "gb200_ppa.json") {
      // A 75 MW block on a flat load: a sample at utilization 0.5 draws racks x (0.5 x 132 +
      // 0.5 x 40) x 1.15 kW, below the block, so it buys nothing more and pays the block alone:
      // 75 MW x 8,760 h x p over its own energy.
      const auto s = tpw::io::load_scenario(entry.path());
      const auto model = tpw::io::model_of(s, report["site"]["accelerators"].get<long>());
      std::vector<double> x;
      for (const auto& input : model.inputs().inputs()) {
        x.push_back(input.name == "deployment.utilization" ? 0.5
                    : input.name == "costs.energy.tariff.ppa.price_per_mwh"
                        ? 80.0
                        : input.dist.quantile(0.5));
      }
      REQUIRE(x.size() == 3);
      const double racks = report["site"]["systems"].get<double>();
      const double load_kw = racks * (0.5 * 132 + 0.5 * 40) * 1.15;
      CHECK(load_kw < 75'000.0);
      CHECK(model.parameters_at(x)[tpw::cost_input::energy_price_per_kwh] ==
            Approx(75'000.0 * 80.0 / 1000.0 / load_kw).epsilon(1e-12));
      CHECK(report["energy_bill"]["ppa_charges"].get<double>() > 0.0);
      const auto& energy = report["uncertainty"]["outputs"]["cost_per_mtok.energy"];
      CHECK(energy["p5"].get<double>() < energy["p95"].get<double>());
    }
    if (entry.path().filename() == "gb200_rented_by_the_hour.json") {
      // Each hour's own racks, at each sample's own level: nearly full at every level, and never
      // short (no ceiling), so the cost per Mtok hardly moves while the racks the peak needs do.
      const auto& c = report["capacity"];
      CHECK(c["sizing"] == "elastic");
      const auto& u = c["uncertainty"];
      for (const char* q : {"p5", "p50", "p95"}) CHECK(u["utilization"][q].get<double>() > 0.99);
      CHECK(u["systems_for_peak"]["p95"].get<double>() > u["systems_for_peak"]["p5"].get<double>());
      CHECK(u["probability_peak_short"] == 0.0);
      const auto& cost = report["uncertainty"]["outputs"]["cost_per_mtok"];
      CHECK(cost["p95"].get<double>() < 1.01 * cost["p5"].get<double>());
    }
    if (entry.path().filename() == "gb200_b200_mix.json") {
      // B200 at 75 tok/s per user: 8 x 2,557.7 x H / 9,216 tokens a request, H = 0.7 + 1,024 / 75
      // = 14.353 s, gives 31 streams a server; alone it does not fit year 4's peak under 100 MW,
      // and the mix is GB200 NVL72 alone, as cheap as the racks alone.
      const auto& m = report["capacity"]["mix"];
      const auto& rack = m["pools"][0];
      const auto& server = m["pools"][1];
      CHECK(server["streams_per_system"] ==
            static_cast<long>(8 * 2557.7 * (0.7 + 1024.0 / 75.0) / 9216.0));
      CHECK(server["alone"]["capped"] == true);
      CHECK(rack["alone"]["capped"] == false);
      CHECK(m["feasible"] == true);
      CHECK(server["systems"] == 0);
      CHECK(rack["systems"] == rack["alone"]["systems"]);
      CHECK(m["cost_per_year"] == rack["alone"]["cost_per_year"]);
      CHECK(m["cheapest_alone"] == "NVIDIA GB200 NVL72");
      CHECK(server["cost_per_system_year"].get<double>() / 31.0 >
            2.0 * rack["cost_per_system_year"].get<double>() / 649.0);
    }
    if (entry.path().filename() == "gb200_carbon.json") {
      CHECK(report["carbon"]["g_per_mtok"]["embodied"].get<double>() > 0.0);
    }
    if (entry.path().filename() == "b200_eight_years.json") {
      // The 4-year hardware sold and bought again at the end of operating year 4 (row 5, after
      // the build year) and only then, below (1 - 0.2)^4 of the first purchases (the facility is
      // not bought again); mid-year, debt service covered or not year by year.
      const auto& f = report["finance"];
      const double replaced = f["replacement_capex"].get<double>();
      CHECK(f["years"][5]["capex"].get<double>() == Approx(replaced).epsilon(1e-12));
      for (int t : {1, 2, 3, 4, 6, 7, 8, 9}) CHECK(f["years"][t]["capex"].get<double>() == 0.0);
      CHECK(replaced > 0.0);
      CHECK(replaced < f["investment"].get<double>() * std::pow(0.8, 4));
      CHECK(f["discounting"] == "mid_year");
      CHECK(f["construction_interest"].get<double>() > 0.0);
      CHECK(f["min_dscr"].is_number());
      CHECK(f["equity_discount_rate_given"] == true);
      CHECK(f["equity_discount_rate"] == 0.12);
    }
    if (entry.path().filename() == "gb200_sized_to_demand.json") {
      // Sized once for year 4's peak (12,000/s x 1.25^3) under 100 MW, 649 streams a rack (the
      // concurrency InferenceX reports there), utilization rising year by year with demand.
      const auto& c = report["capacity"];
      CHECK(c["service"]["streams_per_system"] == 649);
      CHECK(c["sized_for_year"] == 4);
      CHECK(c["meets_target"] == true);
      CHECK(c["systems"].get<long>() <= c["max_systems"].get<long>());
      for (int k = 1; k < 4; ++k) {
        CHECK(c["years"][k]["utilization"].get<double>() >
              c["years"][k - 1]["utilization"].get<double>());
      }
      CHECK(report["site"]["systems"] == c["systems"]);
      // Each project year's energy on its own bill; the demand's level uncertain, the fleet bought
      // for its median: never short in year 1, short at year 4's peak in about half the samples.
      const auto& bills = report["energy_bill"]["years"];
      REQUIRE(bills.size() == 4);
      for (std::size_t k = 0; k < 4; ++k) {
        CHECK(report["finance"]["years"][k + 2]["energy"].get<double>() ==
              doctest::Approx(bills[k]["total"].get<double>()).epsilon(1e-9));
      }
      CHECK(c["uncertainty"]["probability_peak_short"] == 0.0);
      // The output length's variability uncertain too (cv 1 to 2.5): pooled over 649 streams a
      // rack it hardly moves what the racks serve.
      CHECK(c["uncertainty"]["output_cv"] == "triangular(low 1, mode 2, high 2.5)");
      CHECK(c["uncertainty"]["last_year"]["year"] == 4);
      CHECK(c["uncertainty"]["last_year"]["probability_peak_short"].get<double>() ==
            doctest::Approx(0.5).epsilon(0.02));
      CHECK(report["uncertainty"]["outputs"]["project_npv"]["p5"].get<double>() <
            report["uncertainty"]["outputs"]["project_npv"]["p95"].get<double>());
      // The tariff's level uncertain beside the demand, at its median (1) in the point figures.
      CHECK(report["uncertainty"]["inputs"].contains("costs.energy.tariff.level"));
      CHECK(bills[0]["effective_price_per_kwh"].get<double>() ==
            doctest::Approx(report["energy_bill"]["effective_price_per_kwh"].get<double>()));
    }
    if (entry.path().filename() == "gb200_fleet_refresh.json") {
      // The MI300X cohort's power earns far more in GB200 NVL72 (a tenth of its tokens per MW):
      // retired at once in every sample; GB200 NVL72 bought in 2026 in every sample.
      const auto& f = report["fleet"];
      CHECK(f["cohorts"][0]["leaves"] == "2026");
      const auto& u = f["uncertainty"];
      CHECK(u["samples"] == 4096);
      CHECK(u["installed_retired"][0]["by_period"]["2026"] == 1.0);
      CHECK(u["generations"][2]["first_purchase"]["by_period"]["2026"] == 1.0);
      CHECK(u["generations"][2]["economic_life_years"]["share"].get<double>() > 0.9);
      for (const auto& p : f["periods"]) {
        CHECK(p["in_service_mw"].get<double>() <= p["ceiling_mw"].get<double>() * (1 + 1e-12));
      }
    }
    if (entry.path().filename() == "gb200_fleet_demand.json") {
      // The demand section's tokens (requests a year x 9,216 tokens) on a 40 MW site that cannot
      // hold 2026's peak: tokens unserved in 2026 and 2027, none once the 80 MW phase opens;
      // each year's made tokens never above the demand, the power never above the ceiling.
      const auto& f = report["fleet"];
      CHECK(f["demand"]["mtok_per_year"].get<double>() ==
            Approx(report["capacity"]["requests_per_year"].get<double>() * 9216 / 1e6)
                .epsilon(1e-12));
      CHECK(f["periods"][0]["unserved_mtok"].get<double>() > 0.0);
      for (int p = 2; p < 8; ++p) CHECK(f["periods"][p]["unserved_mtok"].get<double>() == 0.0);
      for (const auto& p : f["periods"]) {
        CHECK(p["in_service_mw"].get<double>() <= p["ceiling_mw"].get<double>() * (1 + 1e-12));
        CHECK(p["mtok"].get<double>() <= p["demand_mtok"].get<double>() * (1 + 1e-12));
      }
      CHECK(f["uncertainty"]["chance_unserved"].get<double>() == 1.0);
    }
  }
  CHECK(files == 9);
}
