// tpw/mc/project_model.hpp: a multi-year project as a Monte Carlo model: the cost model's inputs
// and any of the project's numbers (tpw/finance/project_parameters.hpp) uncertain, and the
// project's figures per sample beside the single-period ones.
//
// Each sample runs the deterministic formulas: the cost model's batch for the single-period
// figures, then tpw's own cash view and flows (tpw/finance/project_lines.hpp, the functions
// project_cash_flows and finance_project fill their tables with) on the sample's numbers, with no
// allocation. The engine summarizes the figures every sample has: the project and equity NPV.
// IRR and payback do not exist for every sample (flows that never turn positive have neither), so
// run_project summarizes them over the samples that have one and reports the share that has none
// (project_figure_statistics).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/finance/measures.hpp"
#include "tpw/finance/project_parameters.hpp"
#include "tpw/mc/cost_model.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/engine/parallel.hpp"
#include "tpw/mc/engine/statistics.hpp"
#include "tpw/mc/plan/project_plan.hpp"
#include "tpw/mc/project_figures.hpp"
#include "tpw/mc/sampling/design.hpp"
#include "tpw/mc/sampling/input_space.hpp"

namespace tpw::mc {

struct project_run_result {
  run_result statistics;  // the cost model's figures, then project_npv and equity_npv
  // In project_optional_names order; empty when run_options::outputs names none of them and no
  // exceedance does.
  std::vector<project_figure_statistics> optional;
};

template <currency_type C>
class project_model {
 public:
  // A validated cost base over `systems` systems, the project's base numbers, and the uncertain
  // inputs of each (at least one in all). Every distribution's reachable values must obey its
  // input's rule.
  // With extras (cost per request, emissions per Mtok; tpw/model/extras.hpp), their figures follow
  // the cost model's and their uncertain numbers its inputs; with the site's power uncertain
  // (extra_parameters::site_system_mw), each sample's project runs over its site's systems, not
  // `systems`.
  project_model(const cost_parameters& base, long systems, const project_parameters& project,
                std::vector<uncertain_parameter> cost_inputs,
                std::vector<uncertain_project_parameter> project_inputs,
                const extra_parameters& extras = {}, std::vector<uncertain_extra> extra_inputs = {},
                std::shared_ptr<const operating_curve> curve = nullptr)
      : cost_(typename cost_model<C>::part_tag{}, base, cost_inputs, extras, extra_inputs,
              std::move(curve)),
        systems_(static_cast<double>(systems)),
        project_(validated_project(project)),
        cost_count_(cost_.input_count()),
        inputs_(make_space(cost_inputs, extra_inputs, project_inputs)) {
    if (systems < 1) {
      throw invalid_input("deployment.systems", static_cast<double>(systems), "must be at least 1");
    }
    for (const auto& u : project_inputs) project_slots_.push_back(u.slot);
    if (project_.energy_price_size > 0) {
      for (const auto& u : cost_inputs) {
        if (u.input == cost_input::energy_price_per_kwh) {
          throw invalid_input::shown_as(
              "costs.energy.price_per_kwh", "(a distribution)",
              "cannot be uncertain beside an energy price ramp (finance.energy_price_ramp): the "
              "ramp's years take its prices");
        }
      }
    }
    if (project_.replacement == replacement_rule::none) {
      detail::require_lives_cover(base, cost_inputs, project_.operating_years);
    }
    hardware_schedule_ = unit_tax_schedule(project_.terms.tax.hardware_years, project_.terms.tax,
                                           project_.operating_years);
    facility_schedule_ = unit_tax_schedule(project_.terms.tax.facility_years, project_.terms.tax,
                                           project_.operating_years);
  }

  [[nodiscard]] const input_space& inputs() const noexcept { return inputs_; }
  [[nodiscard]] std::vector<std::string> output_names() const {
    std::vector<std::string> names = cost_.output_names();
    names.insert(names.end(), project_output_names.begin(), project_output_names.end());
    return names;
  }

  // The engine's batch: the cost model's figures, then each sample's project NPVs, the samples'
  // projects run lanes at a time (detail::project_lane_samples); a last group short of lanes
  // repeats its last sample in the lanes left over.
  void evaluate_batch(const double* x, double* y, std::size_t count) const {
    if (cost_figures_) cost_.evaluate_batch(x, y, count);
    double* project_row = y + cost_.output_count() * batch_size;
    double* equity_row = equity_npvs_ ? project_row + batch_size : nullptr;
    scratch<lanes> w(*this);
    for (std::size_t first = 0; first < count; first += lanes) {
      const std::size_t used = std::min<std::size_t>(lanes, count - first);
      if (used == lanes) {
        sample_flows(x, first, used, batch_size, w, project_row + first,
                     equity_row != nullptr ? equity_row + first : nullptr);
        continue;
      }
      double project[lanes];
      double equity[lanes];
      sample_flows(x, first, used, batch_size, w, project,
                   equity_row != nullptr ? equity : nullptr);
      std::copy_n(project, used, project_row + first);
      if (equity_row != nullptr) std::copy_n(equity, used, equity_row + first);
    }
  }
  void operator()(std::span<const double> x, std::span<double> y) const {
    cost_(x.first(cost_count_), y);
    scratch<1> w(*this);
    const std::size_t first_project = cost_.output_count();
    sample_flows(x.data(), 0, 1, 1, w, &y[first_project], &y[first_project + 1]);
  }

  // A copy whose batches write only what a run summarizes, leaving the other rows as they are: the
  // cost model's figures only with `cost_figures`, the equity's NPV only with `equity_npv`
  // (run_project_engine makes one from its outputs and exceedances). Each figure written is the
  // same number.
  [[nodiscard]] project_model summarizing(bool cost_figures, bool equity_npv) const {
    project_model m = *this;
    m.cost_figures_ = cost_figures;
    m.equity_npvs_ = equity_npv;
    return m;
  }

  // The optional figures of one sample (x: its inputs in order), empty where it has none.
  [[nodiscard]] std::array<std::optional<double>, 4> optional_figures(const double* x) const {
    scratch<1> w(*this);
    double project_npv = 0.0;
    double equity_npv = 0.0;
    sample_flows(x, 0, 1, 1, w, &project_npv, &equity_npv);
    const detail::project_work& f = w.work;
    const int years = f.years;
    const int build = f.lines.build_years;
    double capital[tpw::detail::max_project_years];
    for (int t = 0; t < years; ++t) capital[t] = f.lines.residual[t] - f.lines.capex[t];
    const auto c = project_.terms.discounting;
    const auto irr = [&](const double* flows) -> std::optional<double> {
      const irr_result r = tpw::detail::convention_irr(flows, capital, years, build, c);
      if (r.unique()) return r.rates.front();
      return std::nullopt;
    };
    // Without debt and its interest the equity's flows are the project's: one IRR search.
    const auto project_irr = irr(f.project);
    const bool same = std::equal(f.project, f.project + years, f.equity);
    const std::span<const double> project(f.project, static_cast<std::size_t>(years));
    return {project_irr, same ? project_irr : irr(f.equity),
            tpw::detail::payback_value(project).years,
            tpw::detail::convention_discounted_payback(f.project, capital, years, build,
                                                       f.discount_rate[0], c)
                .years};
  }

  // The model as plain data for the GPU and MPI engines (tpw/mc/plan/project_plan.hpp): the cost
  // model's figures and the NPVs (not the extras: the cost per request is cost per Mtok's
  // multiple, tpw::io scales it). Throws invalid_input for what a plan cannot carry: the
  // emissions, more than 12 uncertain project numbers or a ramp year past the 12th, and
  // distributions without a closed-form quantile.
  [[nodiscard]] project_plan plan() const {
    cost_.require_plannable();
    if (cost_.extras().carbon) {
      throw invalid_input::shown_as(
          "carbon", "(emissions per Mtok)",
          "a project's plan for the GPU and MPI engines gives the cost model's figures and the "
          "NPVs; run the emissions on the CPU engine, or drop the carbon section");
    }
    if (project_slots_.size() > max_plan_project_inputs) {
      throw invalid_input(
          "finance", static_cast<double>(project_slots_.size()),
          "uncertain numbers: a plan for the GPU and MPI engines carries at most 12");
    }
    project_plan plan;
    plan.base = cost_.base();
    plan.cost_inputs = static_cast<std::uint32_t>(cost_.slots().size());
    std::copy(cost_.slots().begin(), cost_.slots().end(), plan.cost_slots.begin());
    plan.project = project_;
    plan.systems = systems_;
    plan.hardware_schedule = hardware_schedule_;
    plan.facility_schedule = facility_schedule_;
    plan.project_inputs = static_cast<std::uint32_t>(project_slots_.size());
    for (std::size_t k = 0; k < project_slots_.size(); ++k) {
      if (project_slots_[k] >= project_ramp_slot + max_plan_project_inputs) {
        throw invalid_input(project_slot_path(project_slots_[k]), "uncertain",
                            "a plan for the GPU and MPI engines carries the first 12 ramp years");
      }
      plan.project_slots[k] = static_cast<std::uint32_t>(project_slots_[k]);
    }
    plan.inputs = plan.cost_inputs + plan.project_inputs;
    detail::plan_distributions(inputs_, plan);
    return plan;
  }

 private:
  // How many samples' projects a batch runs side by side.
  static constexpr int lanes = 8;

  // One evaluation's working memory, reused group after group: per lane, the base parameters
  // (each sample overwrites its uncertain ones) and its site's systems; the lanes' lines and flows.
  template <int Lanes>
  struct scratch {
    explicit scratch(const project_model& m) {
      for (int s = 0; s < Lanes; ++s) {
        p[s] = m.cost_.base();
        q[s] = m.project_;
        systems[s] = m.systems_;
      }
    }
    cost_parameters p[Lanes];
    project_parameters q[Lanes];
    double systems[Lanes];
    detail::basic_project_work<Lanes> work;
  };

  // Samples first .. first + used - 1 of inputs laid out with `stride` (the batch's) to their
  // yearly flows (w.work, lane by lane) and NPVs (project_npv and equity_npv, Lanes of each);
  // lanes past `used` repeat the last sample.
  template <int Lanes>
  void sample_flows(const double* x, std::size_t first, std::size_t used, std::size_t stride,
                    scratch<Lanes>& w, double* project_npv, double* equity_npv) const {
    const auto& slots = cost_.slots();
    for (int lane = 0; lane < Lanes; ++lane) {
      const std::size_t s = first + std::min(static_cast<std::size_t>(lane), used - 1);
      for (std::size_t k = 0; k < slots.size(); ++k) w.p[lane][slots[k]] = x[k * stride + s];
      cost_.derive(w.p[lane], x, stride, s);
      for (std::size_t k = 0; k < project_slots_.size(); ++k) {
        w.q[lane].values[project_slots_[k]] = x[(cost_count_ + k) * stride + s];
      }
      // A demand level moves each operating year's utilization and energy price.
      cost_.derive_project(w.q[lane], x, stride, s);
      // A site whose power is uncertain buys, sample by sample, the systems its ceiling holds.
      if (cost_.site_varies()) w.systems[lane] = cost_.site_systems_at(x, stride, s);
    }
    detail::project_lane_samples<C, Lanes>(w.p, w.q, w.systems, hardware_schedule_.data(),
                                           facility_schedule_.data(), w.work, project_npv,
                                           equity_npv);
  }

  static project_parameters validated_project(const project_parameters& p) {
    tpw::detail::validate_terms(p.terms_now());
    if (p.operating_years < 1 || p.operating_years > static_cast<int>(max_ramp_years)) {
      throw invalid_input("finance.operating_years", p.operating_years, "must be in 1..100");
    }
    if (p.build_years < 0 || p.build_years > 20) {
      throw invalid_input("finance.build_years", p.build_years, "must be in 0..20");
    }
    if (p.ramp_size < 0 || p.ramp_size > p.operating_years) {
      throw invalid_input("finance.utilization_ramp.size", p.ramp_size,
                          "must not be longer than operating_years");
    }
    for (int k = 0; k < p.ramp_size; ++k) {
      const std::size_t slot = project_ramp_slot + static_cast<std::size_t>(k);
      if (!obeys(ramp_rule, p.values[slot])) {
        throw invalid_input(project_slot_path(slot), p.values[slot],
                            "must be in " + range_text(ramp_rule));
      }
    }
    if (p.energy_price_size < 0 || p.energy_price_size > p.operating_years) {
      throw invalid_input("finance.energy_price_ramp.size", p.energy_price_size,
                          "must not be longer than operating_years");
    }
    for (int k = 0; k < p.energy_price_size; ++k) {
      const double per_kwh =
          p.energy_price[static_cast<std::size_t>(k)] * tpw::detail::joules_per_kwh;
      if (!(per_kwh >= 0.0) || !std::isfinite(per_kwh)) {
        throw invalid_input("finance.energy_price_ramp[" + std::to_string(k) + "]", per_kwh,
                            "must be finite and >= 0 per kWh");
      }
    }
    return p;
  }

  input_space make_space(const std::vector<uncertain_parameter>& cost_inputs,
                         const std::vector<uncertain_extra>& extra_inputs,
                         const std::vector<uncertain_project_parameter>& project_inputs) const {
    std::vector<uncertain_input> inputs;
    for (const auto& u : cost_inputs) inputs.push_back({rule_of(u.input).path, u.dist});
    for (const auto& u : extra_inputs) inputs.push_back({rule_of(u.input).path, u.dist});
    for (const auto& u : project_inputs) {
      const bool ramp = u.slot >= project_ramp_slot;
      if (u.slot >= project_slot_count ||
          (ramp && u.slot - project_ramp_slot >= static_cast<std::size_t>(project_.ramp_size))) {
        throw invalid_input("finance", static_cast<double>(u.slot),
                            "names no number of the project (a ramp year beyond the ramp?)");
      }
      detail::require_inside(project_slot_rule(u.slot), u.dist, project_slot_path(u.slot));
      inputs.push_back({project_slot_path(u.slot), u.dist});
    }
    if (inputs.empty()) {
      throw invalid_input("uncertainty.inputs", 0.0, "a Monte Carlo run needs an uncertain input");
    }
    return input_space(std::move(inputs));
  }

  cost_model<C> cost_;
  double systems_;
  project_parameters project_;
  std::size_t cost_count_;
  input_space inputs_;
  std::vector<std::size_t> project_slots_;
  std::array<double, max_ramp_years> hardware_schedule_{};
  std::array<double, max_ramp_years> facility_schedule_{};
  bool cost_figures_ = true;  // evaluate_batch writes the cost model's figures
  bool equity_npvs_ = true;   // and the equity's NPVs
};

// The optional figures (IRR, payback) are summarized over at most this many samples, the first
// ones of the run (a random sample of the run's inputs in every design): they are kept in memory
// to be summarized exactly, and each IRR is a root search. Their statistics say how many samples
// they read (project_figure_statistics::evaluated).
inline constexpr std::uint64_t optional_figure_limit = 1u << 18;

namespace detail {

// Each exceedance on an optional figure (its index in project_optional_names and threshold)
// gets P(figure > threshold) over every sample evaluated in `above`, a sample without the figure
// counted as the figure says (missing_is_above), and the share of those samples in `without`.
struct optional_exceedance {
  std::size_t figure;
  double threshold;
  exceedance_side side = exceedance_side::above;
  double above = 0.0;  // the share on `side` of the threshold
  double without = 0.0;
};

// The optional figures over the first `limit` samples (every sample up to it), in chunk order:
// the same numbers on any threads.
template <currency_type C>
std::vector<project_figure_statistics> optional_project_statistics(
    const project_model<C>& model, const run_options& o, std::uint64_t limit,
    std::vector<optional_exceedance>& queries) {
  const std::uint64_t n = std::min(o.samples, limit);
  const input_space& inputs = model.inputs();
  const sample_design design(o.design, o.samples, static_cast<std::uint32_t>(inputs.size()),
                             o.seed);
  constexpr std::uint64_t chunk = 1u << 14;
  const std::uint64_t chunks = (n + chunk - 1) / chunk;
  constexpr std::size_t figures = project_optional_names.size();
  // Per chunk, per figure: the values found.
  std::vector<std::array<std::vector<double>, figures>> found(chunks);
  const thread_lease lease(o.threads);
  const unsigned threads = lease.count();
  std::vector<batch_buffers> buffers(threads, batch_buffers(inputs.size(), 1));
  run_in_rounds(
      chunks, threads, chunks, o.stop,
      [&](std::uint64_t c, unsigned worker) {
        batch_buffers& b = buffers[worker];
        for_each_batch(c * chunk, std::min(n, (c + 1) * chunk),
                       [&](std::uint64_t first, std::size_t count) {
                         design.uniform_columns(first, static_cast<std::uint32_t>(count),
                                                b.u.data(), batch_size);
                         inputs.transform_columns(b.u.data(), b.x.data(), count, batch_size);
                         for (std::size_t s = 0; s < count; ++s) {
                           for (std::size_t j = 0; j < inputs.size(); ++j) {
                             b.x_one[j] = b.input(j, s);
                           }
                           const auto y = model.optional_figures(b.x_one.data());
                           for (std::size_t k = 0; k < figures; ++k) {
                             if (y[k]) found[c][k].push_back(*y[k]);
                           }
                         }
                       });
      },
      [](std::uint64_t, std::uint64_t) {});
  std::vector<project_figure_statistics> out(figures);
  for (std::size_t k = 0; k < figures; ++k) {
    std::vector<double> values;
    for (const auto& per_chunk : found) {
      values.insert(values.end(), per_chunk[k].begin(), per_chunk[k].end());
    }
    project_figure_statistics& f = out[k];
    f.statistics.name = project_optional_names[k];
    f.statistics.probabilities = o.probabilities;
    f.statistics.tail_level = o.tail_level;
    f.evaluated = n;
    f.missing = n - values.size();
    // Among the sorted values, those above each query's threshold, and the samples without one.
    const auto answer_queries = [&] {
      for (auto& q : queries) {
        if (q.figure != k) continue;
        // A sample without the figure sits beyond every threshold on its side (missing_is_above).
        const auto on = [&]() -> std::ptrdiff_t {
          const auto b = values.begin();
          const auto e = values.end();
          switch (q.side) {
            case exceedance_side::above:
              return e - std::upper_bound(b, e, q.threshold);
            case exceedance_side::at_or_above:
              return e - std::lower_bound(b, e, q.threshold);
            case exceedance_side::below:
              return std::lower_bound(b, e, q.threshold) - b;
            case exceedance_side::at_or_below:
              return std::upper_bound(b, e, q.threshold) - b;
          }
          return 0;
        }();
        const std::uint64_t lacking = missing_is_above(k) == counts_high(q.side) ? f.missing : 0;
        q.above =
            static_cast<double>(static_cast<std::uint64_t>(on) + lacking) / static_cast<double>(n);
        q.without = static_cast<double>(f.missing) / static_cast<double>(n);
      }
    };
    if (values.empty()) {
      answer_queries();
      continue;
    }
    moments m;
    const double shift = values.front();
    m.add_batch(values.data(), values.size(), shift);
    finish_moments(f.statistics, m, shift);
    sort_values(values.begin(), values.end());
    finish_from_sorted(f.statistics, values);
    answer_queries();
  }
  return out;
}

}  // namespace detail

// The engine's part of a project run on the CPU: the cost model's figures and the NPVs, with
// the options' outputs (empty: all). A run whose outputs and exceedances name only the NPVs does
// not compute the cost model's figures, and one that names no equity NPV does not compute the
// equity's flows (project_model::summarizing): the same numbers, sooner. A run that keeps every
// sample's outputs computes them all.
template <currency_type C>
run_result run_project_engine(const project_model<C>& model, const run_options& o) {
  if (o.outputs.empty() || o.keep_samples) {
    return run(model.inputs(), model, o, model.output_names());
  }
  std::vector<std::string> named = o.outputs;
  for (const auto& e : o.exceedances) named.push_back(e.output);
  const auto npv = [](const std::string& name) {
    return std::find(project_output_names.begin(), project_output_names.end(), name) !=
           project_output_names.end();
  };
  const auto equity = [](const std::string& name) { return name == project_output_names[1]; };
  return run(
      model.inputs(),
      model.summarizing(!std::ranges::all_of(named, npv), std::ranges::any_of(named, equity)), o,
      model.output_names());
}

// Runs the project model: the engine over the single-period figures and the NPVs, and the
// optional figures over the first optional_figure_limit samples. Exceedances may name any of
// them; on an optional figure, the probability is among the samples that have it. The result's
// exceedances follow the options' order.
//
// run_options::outputs may name any of them (empty: all); the optional figures are computed only
// when one of them is named there or by an exceedance. `engine_run`, when given, runs the engine's
// part elsewhere (a GPU on model.plan(): the same figures), given the options that part takes;
// the optional figures still run here.
template <currency_type C>
project_run_result run_project(
    const project_model<C>& model, const run_options& options,
    const std::function<run_result(const run_options&)>& engine_run = {}) {
  run_options engine = options;
  engine.exceedances.clear();
  engine.outputs.clear();
  bool wanted = options.outputs.empty();
  for (const auto& name : options.outputs) {
    if (detail::is_optional_project_figure(name)) {
      wanted = true;
    } else {
      engine.outputs.push_back(name);
    }
  }
  std::vector<detail::optional_exceedance> queries;
  std::vector<std::ptrdiff_t> engine_index;  // per exceedance asked; -1 - k: optional query k
  for (const auto& e : options.exceedances) {
    const std::size_t figure = detail::optional_project_figure(e.output);
    if (figure < project_optional_names.size()) {
      wanted = true;
      engine_index.push_back(-1 - static_cast<std::ptrdiff_t>(queries.size()));
      queries.push_back({figure, e.threshold, e.side});
    } else {
      engine_index.push_back(static_cast<std::ptrdiff_t>(engine.exceedances.size()));
      engine.exceedances.push_back(e);
    }
  }
  // Outputs that name only optional figures: the engine runs the cheapest figure (the project's
  // NPV, without the cost model's figures) for the run's counts, and its summary is dropped, so
  // that the result summarizes only what was named.
  const bool none_of_the_engine = !options.outputs.empty() && engine.outputs.empty();
  if (none_of_the_engine) engine.outputs.push_back(project_output_names[0]);
  project_run_result r;
  r.statistics = engine_run ? engine_run(engine) : run_project_engine(model, engine);
  if (none_of_the_engine) r.statistics.outputs.clear();
  if (wanted) {
    r.optional =
        detail::optional_project_statistics(model, options, optional_figure_limit, queries);
  }
  std::vector<exceedance> all = options.exceedances;
  for (std::size_t q = 0; q < all.size(); ++q) {
    const std::ptrdiff_t at = engine_index[q];
    if (at >= 0) {
      all[q].probability = r.statistics.exceedances[static_cast<std::size_t>(at)].probability;
    } else {
      all[q].probability = queries[static_cast<std::size_t>(-1 - at)].above;
      all[q].share_without = queries[static_cast<std::size_t>(-1 - at)].without;
    }
  }
  r.statistics.exceedances = std::move(all);
  return r;
}

}  // namespace tpw::mc
