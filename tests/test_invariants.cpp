// Invariants of the cost model over many generated inputs (a fixed seed, so every run checks the
// same 2000 deployments).
#include <doctest/doctest.h>

#include <random>

#include <tpw/model.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
using doctest::Approx;
using tpw::USD;

namespace {

constexpr double rel = 1e-12;

struct generated {
  tpw::deployment::spec spec;
  tpw::owned_hardware<USD> hardware;
  tpw::built_facility<USD> facility;
  tpw::opex<USD> opex;
  double usd_per_kwh;
};

// A plausible deployment and set of components drawn from wide ranges.
generated draw(std::mt19937_64& rng) {
  const auto u = [&](double lo, double hi) { return std::uniform_real_distribution(lo, hi)(rng); };
  const long per_system = std::uniform_int_distribution<long>(1, 72)(rng);
  const double active_kw = u(0.3, 2.0) * static_cast<double>(per_system);
  const tpw::annual_rate r{u(0.0, 0.15)};
  const auto price = tpw::of(u(10'000.0, 60'000.0) * static_cast<double>(per_system), units::usd);
  return {{.accelerators_per_system = per_system,
           .systems = std::uniform_int_distribution<long>(1, 100)(rng),
           .it_power = tpw::of(active_kw, units::kW),
           .idle_power = tpw::of(active_kw * u(0.1, 1.0), units::kW),
           .provisioned_power = tpw::of(active_kw * u(1.0, 1.3), units::kW),
           .pue = tpw::pue{u(1.0, 1.8)},
           .utilization = tpw::fraction{u(0.05, 1.0)},
           .throughput = tpw::of(u(10.0, 30'000.0), units::tok / units::second)},
          tpw::owned_hardware<USD>({.price_per_system = price,
                                    .life = tpw::of(u(2.0, 7.0), units::year),
                                    .residual_fraction = tpw::fraction{u(0.0, 0.3)},
                                    .cost_of_capital = r}),
          tpw::built_facility<USD>({.build_cost = tpw::of(u(8e6, 15e6), units::usd / units::MW),
                                    .life = tpw::of(u(10.0, 25.0), units::year),
                                    .cost_of_capital = r}),
          tpw::opex<USD>(
              {.maintenance_fraction_per_year = tpw::fraction{u(0.0, 0.05)},
               .hardware_price_per_system = price,
               .software_per_accelerator = tpw::of(u(0.0, 8000.0), units::usd / units::year)}),
          u(0.02, 0.30)};
}

tpw::energy_cost<USD> tariff(double usd_per_kwh) {
  return tpw::energy_cost<USD>({.price = tpw::of(usd_per_kwh, units::usd / units::kWh)});
}

double usd_per_mtok(tpw::token_price<USD> p) {
  return tpw::in(p, units::usd / units::Mtok);
}

}  // namespace

TEST_CASE("invariants over 2000 generated deployments") {
  std::mt19937_64 rng(20261121);
  for (int i = 0; i < 2000; ++i) {
    CAPTURE(i);
    const generated g = draw(rng);
    const tpw::deployment d(g.spec);
    const auto e = tpw::evaluate(d, g.hardware, g.facility, tariff(g.usd_per_kwh), g.opex);

    // The components sum to the total, per hour and per Mtok.
    const auto& c = e.cost_per_token;
    CHECK(usd_per_mtok(c.hardware + c.facility + c.energy + c.opex) ==
          Approx(usd_per_mtok(c.total)).epsilon(rel));

    // Cost is affine in the energy price, and its energy part linear: doubling the tariff adds
    // exactly the energy cost once more.
    const auto doubled =
        tpw::evaluate(d, g.hardware, g.facility, tariff(2 * g.usd_per_kwh), g.opex);
    CHECK(usd_per_mtok(doubled.cost_per_token.energy) ==
          Approx(2 * usd_per_mtok(c.energy)).epsilon(rel));
    CHECK(usd_per_mtok(doubled.cost_per_token.total) ==
          Approx(usd_per_mtok(c.total) + usd_per_mtok(c.energy)).epsilon(rel));

    // Doubling throughput halves the cost per Mtok.
    auto faster_spec = g.spec;
    faster_spec.throughput = 2.0 * g.spec.throughput;
    const auto faster = tpw::evaluate(tpw::deployment(faster_spec), g.hardware, g.facility,
                                      tariff(g.usd_per_kwh), g.opex);
    CHECK(usd_per_mtok(faster.cost_per_token.total) ==
          Approx(usd_per_mtok(c.total) / 2).epsilon(rel));

    // With PUE 1 and idle = active power, the facility draws P all the time, so tokens per
    // joule is u * T / P, and T / P at u = 1. With PUE 1 and zero idle power it is T / P for any
    // u: energy is drawn only while serving.
    const double t_over_p = tpw::in(g.spec.throughput, units::tok / units::second) /
                            tpw::in(d.point().active_power, units::W);
    const double u = g.spec.utilization.value();
    const auto tokens_per_joule = [&](tpw::fraction utilization, tpw::power idle) {
      auto spec = g.spec;
      spec.pue = tpw::pue{1.0};
      spec.utilization = utilization;
      spec.idle_power = idle;
      const auto flat = tpw::evaluate(tpw::deployment(spec), tariff(g.usd_per_kwh));
      return tpw::in(flat.tokens_per_joule, units::tok / units::J);
    };
    CHECK(tokens_per_joule(g.spec.utilization, g.spec.it_power) ==
          Approx(u * t_over_p).epsilon(rel));
    CHECK(tokens_per_joule(tpw::fraction{1.0}, g.spec.it_power) == Approx(t_over_p).epsilon(rel));
    CHECK(tokens_per_joule(g.spec.utilization, 0.0_W) == Approx(t_over_p).epsilon(rel));

    // Shares are fractions, and nothing is NaN.
    CHECK(e.energy_share_of_cost >= 0.0);
    CHECK(e.energy_share_of_cost <= e.energy_share_of_opex);
    CHECK(e.energy_share_of_opex <= 1.0);
  }
}
