// The MPI path's test, run by CTest under `mpirun -np 2` and `-np 3` (oversubscribed, loopback):
// every rank's result equals, bit for bit, the single-process result of the same engine, which
// every rank also computes alone; and the CPU engine's, exactly for the order statistics.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <tpw/io/report.hpp>
#include <tpw/io/study.hpp>
#include <tpw/mc/engine/engine.hpp>
#include <tpw/mpi/engine.hpp>

#include "../mc_models.hpp"
#include "../support.hpp"

namespace mc = tpw::mc;
using tpw_test::message_of;

namespace {

int ranks() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

mc::run_result one_process(const mc::cost_model<tpw::USD>& model, const mc::run_options& o) {
  mc::radix::host_backend backend;
  return mc::radix::run_passes<tpw::USD>(backend, model.plan(), o);
}

// Every statistic, bit for bit (NaN-free by construction).
bool bitwise_equal(const mc::run_result& a, const mc::run_result& b) {
  bool same = a.outputs.size() == b.outputs.size() && a.exceedances.size() == b.exceedances.size();
  for (std::size_t k = 0; same && k < a.outputs.size(); ++k) {
    const auto& x = a.outputs[k];
    const auto& y = b.outputs[k];
    same = x.name == y.name && x.count == y.count && x.mean == y.mean && x.sd == y.sd &&
           x.standard_error == y.standard_error && x.min == y.min && x.max == y.max &&
           x.quantiles == y.quantiles && x.expected_shortfall_upper == y.expected_shortfall_upper &&
           x.expected_shortfall_lower == y.expected_shortfall_lower;
  }
  for (std::size_t e = 0; same && e < a.exceedances.size(); ++e) {
    same = a.exceedances[e].probability == b.exceedances[e].probability;
  }
  return same && a.input_samples == b.input_samples && a.output_samples == b.output_samples;
}

}  // namespace

TEST_CASE("sharded across MPI ranks, a run gives bitwise the single-process result") {
  REQUIRE(ranks() >= 2);
  const auto independent = tpw_test::eight_inputs(false);
  const auto correlated = tpw_test::eight_inputs(true);
  const std::vector<std::pair<const mc::cost_model<tpw::USD>*, mc::design_kind>> cases{
      {&independent, mc::design_kind::monte_carlo},
      {&correlated, mc::design_kind::latin_hypercube},
      {&independent, mc::design_kind::sobol}};
  for (const auto& [model, kind] : cases) {
    const auto design = kind;
    CAPTURE(mc::to_string(design));
    mc::run_options o;
    // Not a whole number of blocks (2^14 samples), nor (with 2 ranks) of blocks per rank.
    o.samples = 2 * 16'384 + 777;
    o.seed = 11;
    o.design = kind;
    o.probabilities = {0.0, 0.01, 0.05, 0.5, 0.95, 0.99, 1.0};
    o.exceedances = {{"cost_per_mtok", 0.25, 0.0}, {"gross_margin", 0.9, 0.0}};
    const auto sharded = tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model->plan(), o);
    const auto alone = one_process(*model, o);
    CHECK(bitwise_equal(sharded, alone));
    // And the CPU engine's order statistics and exceedances, exactly; its moments to 1e-12.
    const auto cpu = mc::run(*model, o);
    for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
      CHECK(sharded.outputs[k].quantiles == cpu.outputs[k].quantiles);
      CHECK(sharded.outputs[k].mean == doctest::Approx(cpu.outputs[k].mean).epsilon(1e-12));
      CHECK(sharded.outputs[k].sd == doctest::Approx(cpu.outputs[k].sd).epsilon(1e-12));
    }
    CHECK(sharded.exceedances[0].probability == cpu.exceedances[0].probability);
    CHECK(sharded.exceedances[0].probability > 0.0);
  }
}

TEST_CASE("an MPI run gathers kept samples in sample order, and refuses bad options alike") {
  const auto model = tpw_test::eight_inputs(true);
  mc::run_options o;
  o.samples = 16'384 + 5;  // two blocks: with 3 ranks, one rank has none
  o.keep_samples = true;
  o.outputs = {"tokens_per_joule", "cost_per_mtok"};
  const auto sharded = tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o);
  const auto cpu = mc::run(model, o);
  CHECK(sharded.input_samples == cpu.input_samples);
  CHECK(sharded.output_samples == cpu.output_samples);
  CHECK(bitwise_equal(sharded, one_process(model, o)));

  // A run smaller than one block: every rank but the last has nothing to compute.
  o.samples = 100;
  CHECK(bitwise_equal(tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o),
                      one_process(model, o)));

  o.outputs = {"no_such_output"};
  CHECK(message_of([&] { (void)tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o); }) ==
        message_of([&] { (void)mc::run(model, o); }));
  o.outputs = {};
  o.samples = std::uint64_t{1} << 31;
  CHECK(message_of([&] { (void)tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o); }) ==
        "uncertainty.samples = 2147483648: with keep_samples, an MPI run keeps at most 2^31 - 1 "
        "samples");
}

TEST_CASE("a model with a user's own component, sharded across MPI ranks, gives bitwise one run") {
  // The eight inputs plus networking per accelerator-hour (tests/network_cost.hpp).
  const auto model = tpw_test::gb200_with_network();
  mc::run_options o;
  o.samples = 2 * 16'384 + 777;
  o.seed = 11;
  o.probabilities = {0.01, 0.5, 0.99};
  o.exceedances = {{"cost_per_mtok", 0.3, 0.0}};
  const auto sharded = tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o);
  mc::radix::host_backend backend;
  CHECK(bitwise_equal(sharded, mc::radix::run_passes<tpw::USD>(backend, model.plan(), o)));
  const auto cpu = mc::run(model, o);
  for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
    CHECK(sharded.outputs[k].quantiles == cpu.outputs[k].quantiles);
  }
}

TEST_CASE("a multi-year project's NPVs, sharded across MPI ranks, give bitwise one run") {
  const auto model = tpw_test::gb200_project();
  mc::run_options o;
  o.samples = 2 * 16'384 + 777;
  o.seed = 11;
  o.design = mc::design_kind::latin_hypercube;
  o.probabilities = {0.01, 0.05, 0.5, 0.95, 0.99};
  o.exceedances = {{"project_npv", 0.0, 0.0}};
  const auto sharded = tpw::mpi::run<tpw::USD>(MPI_COMM_WORLD, model.plan(), o);
  mc::radix::host_backend backend;
  CHECK(bitwise_equal(sharded, mc::radix::run_passes<tpw::USD>(backend, model.plan(), o)));
  // And the CPU engine's project model: the same order statistics and exceedance.
  const auto cpu = mc::run_project(model, o).statistics;
  REQUIRE(cpu.outputs.size() == sharded.outputs.size());
  for (std::size_t k = 0; k < cpu.outputs.size(); ++k) {
    CHECK(sharded.outputs[k].name == cpu.outputs[k].name);
    CHECK(sharded.outputs[k].quantiles == cpu.outputs[k].quantiles);
  }
  CHECK(sharded.exceedances[0].probability == cpu.exceedances[0].probability);
}

TEST_CASE("Sobol' indices sharded across MPI ranks give bitwise one run, and the CPU's") {
  const auto model = tpw_test::eight_inputs(false);
  mc::sobol_options o;
  o.base_samples = 3 * 16'384 + 101;  // not a whole number of blocks, nor (2 ranks) of shares
  o.seed = 5;
  o.bootstrap = 41;  // not a multiple of the ranks
  const auto sharded = tpw::mpi::sobol<tpw::USD>(MPI_COMM_WORLD, model.plan(), o);
  mc::radix::host_backend backend;
  const auto alone = mc::radix::run_sobol<tpw::USD>(backend, model.plan(), o);
  const auto cpu = mc::sobol_analysis(model.inputs(), model, o, model.output_names());
  REQUIRE(sharded.size() == alone.size());
  REQUIRE(sharded.size() == cpu.size());
  for (std::size_t k = 0; k < sharded.size(); ++k) {
    CAPTURE(sharded[k].output);
    CHECK(sharded[k].output == cpu[k].output);
    CHECK(sharded[k].variance == alone[k].variance);
    CHECK(sharded[k].variance == doctest::Approx(cpu[k].variance).epsilon(1e-12));
    for (std::size_t j = 0; j < sharded[k].indices.size(); ++j) {
      const auto& x = sharded[k].indices[j];
      const auto& y = alone[k].indices[j];
      CHECK((x.first == y.first && x.total == y.total && x.first_low == y.first_low &&
             x.first_high == y.first_high && x.total_low == y.total_low &&
             x.total_high == y.total_high));
      CHECK(x.first == doctest::Approx(cpu[k].indices[j].first).epsilon(1e-9));
      CHECK(x.total == doctest::Approx(cpu[k].indices[j].total).epsilon(1e-9));
    }
  }
}

TEST_CASE("a scenario's whole report is byte for byte the same on 1, 2 and every rank") {
  namespace io = tpw::io;
  // The default study's B200 scenario: a four-year project, a tornado, Sobol' indices and
  // exceedances, through the study on the MPI engine (as tpw-whatif-mpi runs it).
  const io::scenario s =
      io::load_scenario(TPW_EXAMPLES_DIR "/scenarios/deepseek_r1_8k1k_b200.json");
  const auto report_on = [&](MPI_Comm comm) {
    using C = io::scenario_currency;
    io::study_options o;
    o.samples = 20'000;
    o.threads = 1;
    o.engine.run = [comm](const mc::cost_plan& p, const mc::run_options& r) {
      return tpw::mpi::run<C>(comm, p, r);
    };
    o.engine.run_project = [comm](const mc::project_plan& p, const mc::run_options& r) {
      return tpw::mpi::run<C>(comm, p, r);
    };
    o.engine.sobol = [comm](const mc::cost_plan& p, const mc::sobol_options& r) {
      return tpw::mpi::sobol<C>(comm, p, r);
    };
    o.engine.sobol_project = [comm](const mc::project_plan& p, const mc::sobol_options& r) {
      return tpw::mpi::sobol<C>(comm, p, r);
    };
    return io::run_study(s, o);
  };
  const io::study every = report_on(MPI_COMM_WORLD);
  REQUIRE(every.statistics.has_value());
  REQUIRE(!every.sobol.empty());
  const std::string text = io::to_json(every).dump();
  // The first one and two ranks, each on a communicator of their own.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (const int size : {1, 2}) {
    MPI_Comm part = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, rank < size ? 0 : MPI_UNDEFINED, rank, &part);
    if (part == MPI_COMM_NULL) continue;
    CAPTURE(size);
    CHECK(io::to_json(report_on(part)).dump() == text);
    MPI_Comm_free(&part);
  }
  // And the CPU study's figures in its order, their order statistics exactly; its Sobol' indices
  // for the same figures.
  io::study_options cpu_options;
  cpu_options.samples = 20'000;
  cpu_options.threads = 1;
  const io::study cpu = io::run_study(s, cpu_options);
  // The CPU's alone: the revenue per request and the site's yearly figures.
  const std::vector<std::string> cpu_only{"revenue_per_request", "site_tokens_per_year",
                                          "site_cost_per_year", "site_revenue_per_year"};
  std::vector<std::string> names;
  for (const auto& x : cpu.statistics->outputs) {
    if (std::find(cpu_only.begin(), cpu_only.end(), x.name) == cpu_only.end()) {
      names.push_back(x.name);
    }
  }
  REQUIRE(names.size() == every.statistics->outputs.size());
  for (std::size_t k = 0; k < names.size(); ++k) {
    CAPTURE(names[k]);
    CHECK(every.statistics->outputs[k].name == names[k]);
    const auto& q = every.statistics->outputs[k].quantiles;
    const auto& cpu_q = cpu.statistics->output(names[k]).quantiles;
    if (names[k].starts_with("cost_per_request") || names[k].starts_with("cost_per_mtok_")) {
      // cost per Mtok's quantiles scaled, against the CPU's quantiles of the scaled samples (each
      // interpolated between two samples): to the last bits.
      REQUIRE(q.size() == cpu_q.size());
      for (std::size_t i = 0; i < q.size(); ++i) {
        CHECK(q[i] == doctest::Approx(cpu_q[i]).epsilon(1e-14));
      }
    } else {
      CHECK(q == cpu_q);
    }
  }
  REQUIRE(every.sobol.size() == names.size());
  for (std::size_t k = 0; k < names.size(); ++k) {
    CHECK(every.sobol[k].output == names[k]);
    const auto same = std::find_if(cpu.sobol.begin(), cpu.sobol.end(),
                                   [&](const auto& x) { return x.output == names[k]; });
    REQUIRE(same != cpu.sobol.end());
    CHECK(every.sobol[k].variance == doctest::Approx(same->variance).epsilon(1e-9));
  }
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  doctest::Context context(argc, argv);
  if (rank != 0) context.setOption("out", "/dev/null");  // one report, from rank 0
  const int failed = context.run();
  // The run fails if any rank failed.
  int any = failed != 0 ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) std::printf("test_mpi: %d ranks, %s\n", ranks(), any ? "FAILED" : "passed");
  MPI_Finalize();
  return any;
}
