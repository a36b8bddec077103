// The Monte Carlo engine (tpw/mc/engine/): analytic statistics, exact quantiles, the same results
// on any number of threads, the multi-pass refinement, progress and cancellation, batches.
#include <doctest/doctest.h>

#include "mc_models.hpp"
#include "support.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include <tpw/mc/cost_model.hpp>
#include <tpw/mc/plan/radix_passes.hpp>
#include <tpw/mc/plan/sobol_passes.hpp>
#include <tpw/mc/sensitivity.hpp>
#include <tpw/model.hpp>

namespace mc = tpw::mc;
using doctest::Approx;
using tpw_test::message_of;

namespace {
// y = x0 + 2 x1, one sample at a time, or also in batches (counting the batch calls).
struct one_at_a_time {
  double operator()(std::span<const double> x) const { return x[0] + 2.0 * x[1]; }
};
struct batched : one_at_a_time {
  mutable std::atomic<int> batches{0};
  void evaluate_batch(const double* x, double* y, std::size_t count) const {
    ++batches;
    for (std::size_t s = 0; s < count; ++s) y[s] = x[s] + 2.0 * x[mc::batch_size + s];
  }
};
}  // namespace

TEST_CASE("the engine: analytic statistics, exact quantiles, and bitwise the same on any threads") {
  // y = a + b with a ~ normal(10, 2), b ~ uniform(0, 1): mean 10.5, sd sqrt(4 + 1/12).
  const mc::input_space space(
      {{"a", mc::distribution::normal(10, 2)}, {"b", mc::distribution::uniform(0, 1)}});
  const auto model = [](std::span<const double> x) { return x[0] + x[1]; };
  mc::run_options o;
  o.samples = 300000;
  o.seed = 42;
  o.exceedances = {{"output", 12.0, 0.0}};
  std::vector<mc::run_result> runs;
  for (unsigned threads : {1u, 2u, 8u}) {
    o.threads = threads;
    runs.push_back(mc::run(space, model, o));
  }
  const auto& s = runs[0].outputs[0];
  CHECK(s.mean == Approx(10.5).epsilon(0.002));
  CHECK(s.sd == Approx(std::sqrt(4.0 + 1.0 / 12.0)).epsilon(0.005));
  CHECK(s.standard_error == Approx(s.sd / std::sqrt(300000.0)));
  CHECK(s.quantile(0.5) == Approx(10.5).epsilon(0.002));
  for (const auto& r : runs) {
    CHECK(r.outputs[0].mean == s.mean);
    CHECK(r.outputs[0].sd == s.sd);
    CHECK(r.outputs[0].quantiles == s.quantiles);
    CHECK(r.outputs[0].expected_shortfall_upper == s.expected_shortfall_upper);
    CHECK(r.exceedances[0].probability == runs[0].exceedances[0].probability);
  }
  // Keeping the samples and selecting gives the same quantiles bit for bit, and the same tails.
  o.keep_samples = true;
  const auto kept = mc::run(space, model, o);
  CHECK(kept.outputs[0].quantiles == s.quantiles);
  CHECK(kept.outputs[0].expected_shortfall_upper ==
        Approx(s.expected_shortfall_upper).epsilon(1e-13));
  CHECK(kept.outputs[0].expected_shortfall_lower ==
        Approx(s.expected_shortfall_lower).epsilon(1e-13));
  std::vector<double> sorted;
  for (std::uint64_t i = 0; i < o.samples; ++i) sorted.push_back(kept.output_samples[i]);
  std::sort(sorted.begin(), sorted.end());
  // P95 by hand: h = (n - 1) * 0.95 = 284999.05, so x[284999] + 0.05 (x[285000] - x[284999]).
  CHECK(s.quantile(0.95) ==
        Approx(sorted[284999] + 0.05 * (sorted[285000] - sorted[284999])).epsilon(1e-15));
  // Expected shortfall at 95%: the mean of the largest 15000 samples.
  double top = 0.0;
  for (std::size_t k = 285000; k < 300000; ++k) top += sorted[k];
  CHECK(s.expected_shortfall_upper == Approx(top / 15000).epsilon(1e-12));
  std::size_t above = 0;
  for (const double v : sorted) above += v > 12.0;
  CHECK(runs[0].exceedances[0].probability == static_cast<double>(above) / 300000);
}

TEST_CASE("the multi-pass refinement pins the same quantiles when pass 1 cannot") {
  const mc::input_space space({{"a", mc::distribution::lognormal(1, 1)}});
  const auto model = [](std::span<const double> x) { return x[0]; };
  mc::run_options o;
  o.samples = 200000;
  o.seed = 1;
  o.quantile_budget = 1500;  // too small to collect the predicted bands in pass 1
  o.probabilities = mc::percentiles();
  const auto streamed = mc::run(space, model, o);
  CHECK(streamed.passes >= 2);
  o.keep_samples = true;
  const auto kept = mc::run(space, model, o);
  CHECK(streamed.outputs[0].quantiles == kept.outputs[0].quantiles);
  CHECK(streamed.outputs[0].expected_shortfall_upper ==
        Approx(kept.outputs[0].expected_shortfall_upper).epsilon(1e-13));
  // A constant output is pinned without collecting anything.
  const auto constant = mc::run(
      space, [](std::span<const double>) { return 2.5; }, o);
  CHECK(constant.outputs[0].quantile(0.37) == 2.5);
}

TEST_CASE("an output no input moves is pinned by pass 1: one pass over the samples, not two") {
  // Beside an output pass 1 pins from its bands, one that is the same in every sample (a figure
  // the uncertain inputs do not move, as tokens per MW under uncertain prices): its pilot spans
  // one point, so it collects no band, and before it forced a second pass over every sample. Its
  // quantiles and both tails are that value, and the other output's statistics are those of the
  // kept samples.
  const mc::input_space space({{"a", mc::distribution::lognormal(1, 0.5)}});
  std::atomic<std::uint64_t> evaluations{0};
  const auto model = [&](std::span<const double> x, std::span<double> y) {
    ++evaluations;
    y[0] = x[0];
    y[1] = 2.5;
  };
  const std::vector<std::string> names = {"moving", "constant"};
  mc::run_options o;
  o.samples = 400000;  // past in_memory_limit: the streamed path
  o.seed = 3;
  // 65,536 samples collected per output: the moving output's bands fit, the constant's 400,000
  // samples (all in its one root bin) do not, as with the what-if program's 13 outputs at 1M.
  o.quantile_budget = 1u << 17;
  const auto streamed = mc::run(space, model, o, names);
  CHECK(streamed.passes == 1);
  CHECK(evaluations.load() == o.samples);  // each sample evaluated once (the pilot's kept)
  const auto& constant = streamed.outputs[1];
  for (const double q : constant.quantiles) CHECK(q == 2.5);
  CHECK(constant.expected_shortfall_upper == 2.5);
  CHECK(constant.expected_shortfall_lower == 2.5);
  CHECK(constant.mean == 2.5);
  CHECK(constant.sd == 0.0);
  o.keep_samples = true;
  const auto kept = mc::run(space, model, o, names);
  CHECK(streamed.outputs[0].quantiles == kept.outputs[0].quantiles);
  CHECK(streamed.outputs[0].expected_shortfall_upper ==
        Approx(kept.outputs[0].expected_shortfall_upper).epsilon(1e-13));
  CHECK(streamed.outputs[0].expected_shortfall_lower ==
        Approx(kept.outputs[0].expected_shortfall_lower).epsilon(1e-13));
  CHECK(kept.outputs[1].quantiles == constant.quantiles);
}

TEST_CASE("progress is reported, a stop request cancels, a non-finite output is refused") {
  const mc::input_space space({{"a", mc::distribution::uniform(0, 1)}});
  const auto model = [](std::span<const double> x) { return x[0]; };
  mc::run_options o;
  o.samples = 1'000'000;
  std::vector<std::uint64_t> seen;
  o.on_progress = [&](const mc::progress& p) { seen.push_back(p.done); };
  (void)mc::run(space, model, o);
  REQUIRE(!seen.empty());
  CHECK(seen.back() == 1'000'000);
  CHECK(std::is_sorted(seen.begin(), seen.end()));

  std::stop_source source;
  o.stop = source.get_token();
  o.on_progress = [&](const mc::progress& p) {
    if (p.done >= 300'000) source.request_stop();
  };
  CHECK_THROWS_AS((void)mc::run(space, model, o), mc::cancelled);

  mc::run_options plain;
  plain.samples = 1000;
  CHECK(message_of([&] {
          (void)mc::run(
              space, [](std::span<const double> x) { return 1.0 / (x[0] - x[0]); }, plain);
        }).starts_with("output = inf: the model gave a non-finite value at sample 0 (a = "));
  plain.tail_level = 1.0;
  CHECK(message_of([&] { (void)mc::run(space, model, plain); }) ==
        "uncertainty.tail_level = 1: must be in (0, 1)");
}

TEST_CASE("the root histogram's branch-free bin is the branching one, at every edge") {
  mc::detail::quantile_cell root;
  root.low = -1.5;
  root.high = 2.5;
  root.bins = 4098;
  root.root = true;
  // The branching form: underflow below low, overflow from high, else 1 + the clamped position.
  const auto branching = [&](double x) -> unsigned {
    if (x < root.low) return 0;
    if (x >= root.high) return root.bins - 1;
    const double t = (x - root.low) * ((root.bins - 2) / (root.high - root.low));
    return 1 + (t < root.bins - 3 ? static_cast<unsigned>(t) : root.bins - 3);
  };
  std::vector<double> xs{-1e300, -1.5000000000000002, -1.5, 2.4999999999999996, 2.5, 1e300, 0.0};
  for (std::uint64_t i = 0; i < 10000; ++i) xs.push_back(-2.0 + 5.0 * mc::uniform(5, i, 0));
  bool same = true;
  for (const double x : xs) same = same && mc::detail::bin_of(root, x) == branching(x);
  CHECK(same);
  CHECK(mc::detail::bin_of(root, -1.5) == 1);
  CHECK(mc::detail::bin_of(root, 2.4999999999999996) == 4096);
  CHECK(mc::detail::bin_of(root, 2.5) == 4097);
}

TEST_CASE("a model with a batch form runs in batches, with the same results") {
  static_assert(mc::batch_model<batched> && !mc::batch_model<one_at_a_time>);
  const mc::input_space space(
      {{"a", mc::distribution::normal(1, 2)}, {"b", mc::distribution::uniform(0, 1)}});
  for (const std::uint64_t n : {std::uint64_t{1000}, std::uint64_t{300'001}}) {
    CAPTURE(n);
    mc::run_options o;
    o.samples = n;  // not a multiple of the batch; the second beyond in_memory_limit
    o.probabilities = {0.05, 0.5, 0.95};
    const batched with_batches;
    const auto a = mc::run(space, one_at_a_time{}, o);
    const auto b = mc::run(space, with_batches, o);
    CHECK(with_batches.batches.load() > 0);
    CHECK(a.output("output").mean == b.output("output").mean);
    CHECK(a.output("output").sd == b.output("output").sd);
    CHECK(a.output("output").quantiles == b.output("output").quantiles);
    CHECK(a.output("output").expected_shortfall_upper ==
          b.output("output").expected_shortfall_upper);
  }
}

TEST_CASE("a non-finite output inside a batch names its own sample") {
  const mc::input_space space({{"a", mc::distribution::uniform(0, 1)}});
  mc::run_options o;
  o.samples = 1000;
  o.threads = 1;
  // The first sample whose a is below 0.01, found from the draws.
  std::uint64_t first_bad = 0;
  while (mc::uniform(o.seed, first_bad, 0) >= 0.01) ++first_bad;
  CAPTURE(first_bad);
  REQUIRE(first_bad < o.samples);
  const auto model = [](std::span<const double> x) {
    return x[0] < 0.01 ? std::numeric_limits<double>::infinity() : x[0];
  };
  CHECK(message_of([&] { (void)mc::run(space, model, o); })
            .starts_with("output = inf: the model gave a non-finite value at sample " +
                         std::to_string(first_bad) + " (a = "));
}

TEST_CASE("the multi-pass path: many outputs and quantiles give selection's order statistics") {
  // Four outputs of three inputs, P1..P99, far more samples than pass 1 can collect with the
  // budget given: the refinement passes run, on 1, 2 and 8 threads, and every quantile equals
  // the one selected from the kept samples, bit for bit.
  const mc::input_space space({{"a", mc::distribution::lognormal(1, 0.8)},
                               {"b", mc::distribution::pert(0, 1, 4)},
                               {"c", mc::distribution::normal(0, 1)}});
  const auto model = [](std::span<const double> x, std::span<double> y) {
    y[0] = x[0] + x[1];
    y[1] = x[0] * x[2];
    y[2] = std::floor(4.0 * x[1]);  // ties: many equal values
    y[3] = x[2];
  };
  const std::vector<std::string> names = {"sum", "product", "steps", "normal"};
  mc::run_options o;
  o.samples = 700001;  // past the pilot and in_memory_limit, not a multiple of a chunk
  o.seed = 8;
  o.design = mc::design_kind::latin_hypercube;
  o.quantile_budget = 20000;
  o.probabilities = mc::percentiles();
  std::vector<mc::run_result> runs;
  for (const unsigned threads : {1u, 2u, 8u}) {
    o.threads = threads;
    runs.push_back(mc::run(space, model, o, names));
    CHECK(runs.back().passes >= 2);
  }
  o.keep_samples = true;
  o.threads = 2;
  const auto kept = mc::run(space, model, o, names);
  for (const auto& r : runs) {
    for (std::size_t k = 0; k < names.size(); ++k) {
      CAPTURE(names[k]);
      CHECK(r.outputs[k].quantiles == kept.outputs[k].quantiles);
      CHECK(r.outputs[k].mean == runs[0].outputs[k].mean);
      CHECK(r.outputs[k].sd == runs[0].outputs[k].sd);
      CHECK(r.outputs[k].expected_shortfall_upper == runs[0].outputs[k].expected_shortfall_upper);
      CHECK(r.outputs[k].expected_shortfall_upper ==
            Approx(kept.outputs[k].expected_shortfall_upper).epsilon(1e-12));
      CHECK(r.outputs[k].expected_shortfall_lower ==
            Approx(kept.outputs[k].expected_shortfall_lower).epsilon(1e-12));
    }
  }
  // By hand for one: P37 of "sum" from the kept samples, h = (n - 1) 0.37 = 259000.
  std::vector<double> sum(o.samples);
  for (std::uint64_t i = 0; i < o.samples; ++i) sum[i] = kept.output_samples[i * 4];
  std::sort(sum.begin(), sum.end());
  CHECK(runs[0].outputs[0].quantile(0.37) == Approx(sum[259000]).epsilon(1e-14));
}

TEST_CASE("threads under a server: a run asked for 0 threads takes what other runs leave") {
  const unsigned hardware = mc::detail::hardware_threads();
  REQUIRE(mc::threads_in_use() == 0);
  {
    const mc::thread_lease alone(0);
    CHECK(alone.count() == hardware);  // nothing else running: every hardware thread
    const mc::thread_lease beside(0);
    CHECK(beside.count() == 1);  // all held: one, never zero
    CHECK(mc::threads_in_use() == hardware + 1);
  }
  CHECK(mc::threads_in_use() == 0);  // given back
  {
    const mc::thread_lease asked(2);  // an explicit count is held as asked
    CHECK(asked.count() == 2);
    const mc::thread_lease rest(0);
    CHECK(rest.count() == (hardware > 2 ? hardware - 2 : 1));
  }
  CHECK(mc::threads_in_use() == 0);

  // Eight requests at once, each with threads = 0: in all they hold at most the hardware threads
  // plus one per request (a request that finds all held runs on one), where eight runs each on
  // every thread would hold 8 x hardware; each gives the same figures as a run alone on one thread.
  const auto model = tpw_test::eight_inputs(false);
  mc::run_options o;
  o.samples = 40'000;
  o.seed = 7;
  o.threads = 1;
  const mc::run_result alone = mc::run(model.inputs(), model, o, model.output_names());
  o.threads = 0;
  std::atomic<unsigned> most{0};
  o.on_progress = [&](const mc::progress&) {
    unsigned seen = mc::threads_in_use();
    unsigned before = most.load();
    while (seen > before && !most.compare_exchange_weak(before, seen)) {
    }
  };
  constexpr unsigned requests = 8;
  std::vector<mc::run_result> results(requests);
  {
    std::vector<std::jthread> callers;
    for (unsigned r = 0; r < requests; ++r) {
      callers.emplace_back(
          [&, r] { results[r] = mc::run(model.inputs(), model, o, model.output_names()); });
    }
  }
  CHECK(most.load() <= hardware + requests);
  CHECK(most.load() >= 1);
  CHECK(mc::threads_in_use() == 0);
  for (const auto& r : results) {
    CHECK(r.outputs[0].mean == alone.outputs[0].mean);
    CHECK(r.outputs[0].quantiles == alone.outputs[0].quantiles);
  }
}

TEST_CASE("exceedances on each side of the threshold, ties counted as each side says") {
  // max(0, x), x uniform on (-1, 1): half the samples are exactly 0, the threshold.
  const mc::input_space space({{"x", mc::distribution::uniform(-1, 1)}});
  const auto model = [](std::span<const double> x) { return std::max(0.0, x[0]); };
  mc::run_options o;
  o.samples = 20'000;
  o.design = mc::design_kind::latin_hypercube;  // exactly half the strata below 0
  using side = mc::exceedance_side;
  o.exceedances = {{"output", 0.0, 0.0, 0.0, side::above},
                   {"output", 0.0, 0.0, 0.0, side::at_or_above},
                   {"output", 0.0, 0.0, 0.0, side::below},
                   {"output", 0.0, 0.0, 0.0, side::at_or_below},
                   {"output", 0.5, 0.0, 0.0, side::below}};
  const auto r = mc::run(space, model, o);
  CHECK(r.exceedances[0].probability == 0.5);  // x > 0
  CHECK(r.exceedances[1].probability == 1.0);  // every sample is >= 0
  CHECK(r.exceedances[2].probability == 0.0);  // none is < 0: not 1 - P(> 0)
  CHECK(r.exceedances[3].probability == 0.5);  // the ties: = 1 - P(> 0)
  // P(max(0, x) < 0.5) = P(x < 0.5) = 0.75, by the Latin hypercube's strata exactly.
  CHECK(r.exceedances[4].probability == 0.75);
  CHECK(r.exceedances[4].side == side::below);
}
