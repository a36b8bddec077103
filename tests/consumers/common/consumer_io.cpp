// A consumer of tpw::io: a scenario read from JSON text and evaluated. Prints "consumer_io: " and
// its cost per Mtok.
#include <cstdio>

#include <tpw/io/report.hpp>
#include <tpw/io/scenario.hpp>
#include <tpw/io/study.hpp>

int main() {
  const auto s = tpw::io::parse_scenario(R"({
    "deployment": {"accelerators_per_system": 72, "it_power_kw": 132, "idle_power_kw": 40,
                   "utilization": 0.7, "throughput_tok_s": 5789.6},
    "costs": {"cost_of_capital": 0.08,
              "hardware": {"price": 3900000, "life_years": 4, "residual_fraction": 0.1},
              "facility": {"build_per_mw": 11700000, "life_years": 15},
              "energy": {"price_per_kwh": 0.08, "pue": 1.2},
              "opex": {"maintenance_fraction_per_year": 0.03,
                       "software_per_accelerator_year": 4500}}
  })");
  const auto report = tpw::io::to_json(tpw::io::run_study(s));
  std::printf("consumer_io: %.3f USD/Mtok\n", report["cost_per_mtok"]["total"].get<double>());
  return 0;
}
