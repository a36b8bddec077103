// tpw/io/study.hpp: running a scenario: its point figures and site, and when an input is
// uncertain, the Monte Carlo statistics, tornado and Sobol' indices, on the CPU or through a
// caller's engine (a GPU). Target tpw::io (with tpw::mc: Eigen and the engine).
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#if __has_include(<unistd.h>)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "tpw/finance/project.hpp"
#include "tpw/io/report.hpp"
#include "tpw/io/scenario.hpp"
#include "tpw/mc/cost_model.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/project_model.hpp"
#include "tpw/mc/sensitivity.hpp"
#include "tpw/site/site.hpp"

namespace tpw::io {

using scenario_model = mc::cost_model<scenario_currency>;

// What a scenario adds to the cost model's figures, at their point values: the request's figures
// (with a mix), the emissions per Mtok (with a carbon section) and, given the site's
// accelerators, the site's yearly figures.
[[nodiscard]] inline extra_parameters extras_of(const scenario& s, long site_accelerators = 0) {
  extra_parameters e;
  e.priced = has_revenue(s.base);
  // An elastic fleet pays for its share of the year: its accelerator-years.
  e.site_accelerators =
      static_cast<double>(site_accelerators) * (s.demand ? s.demand->paid_share() : 1.0);
  if (const auto mix = mix_of(s)) e.set_mix(*mix);
  if (s.frontier) {
    e[extra_input::min_interactivity] = s.frontier->min_interactivity;
    e[extra_input::max_tpot_ms] = s.frontier->max_tpot_ms.value_or(0.0);
    e[extra_input::max_ttft_ms] = s.frontier->max_ttft_ms.value_or(0.0);
  }
  if (s.power_cap) e[extra_input::power_cap] = s.power_cap->chosen.cap.value();
  if (s.demand) {
    e[extra_input::demand_scale] = s.demand->scale;
    e[extra_input::demand_growth] = s.demand->growth_per_year;
    e[extra_input::demand_output_cv] = s.demand->output_cv;
  }
  if (s.tariff && !s.demand) {
    // A flat load: each sample prices its own (the tariff as written, its levels the sample's).
    e.flat_tariff = electricity::flat_load_of(s.tariff->unit, s.tariff->load_accelerators);
  }
  if (s.tariff) {
    e[extra_input::tariff_level] = s.tariff->level;
    e[extra_input::demand_charge_level] = s.tariff->demand_charge;
    e[extra_input::ppa_price_level] = s.tariff->ppa_price_per_mwh;
  }
  if (s.site_power_mw) {
    // Each system's facility power at the point: what a sample's ceiling divides by when it is
    // uncertain.
    const deployment d = deployment_of(s.base, s.systems);
    e.site_system_mw = in(facility_power_per_system(d), units::MW);
    e.site_accelerators_per_system = static_cast<double>(d.accelerators_per_system());
    e[extra_input::site_power_mw] = *s.site_power_mw;
    e[extra_input::site_headroom] = s.site_headroom;
  }
  if (s.phase_rates) {
    e.rates_given = true;
    e.mix_from_rates = !s.workload;
    e[extra_input::input_tok_s] = s.phase_rates->first;
    e[extra_input::output_tok_s] = s.phase_rates->second;
  }
  for (const auto& u : s.extra_uncertain) e.mix_varies = e.mix_varies || e.of_mix(u.input);
  if (s.prices) {
    e.priced_by_kind = true;
    e[extra_input::input_price_per_mtok] = s.prices->input.value() * 1e6;
    e[extra_input::output_price_per_mtok] = s.prices->output.value() * 1e6;
    e[extra_input::cached_input_price_per_mtok] = s.prices->cached_input.value() * 1e6;
  }
  if (s.carbon) {
    e.carbon = true;
    e[extra_input::grid_g_per_kwh] = s.carbon->grid_g_per_kwh;
    e[extra_input::embodied_kg_per_accelerator] = s.carbon->embodied_kg_per_accelerator;
    e[extra_input::life_years] = s.carbon->life_years;
    e.life_follows_hardware = s.carbon->life_follows_hardware;
  }
  return e;
}

// The cost model over a scenario's uncertain inputs (it needs at least one), with its extras (the
// site's yearly figures over `site_accelerators`, when given).
[[nodiscard]] inline scenario_model model_of(const scenario& s, long site_accelerators = 0) {
  return {s.base,  s.uncertain,      extras_of(s, site_accelerators), s.extra_uncertain,
          nullptr, s.operating_curve};
}

using scenario_project_model = mc::project_model<scenario_currency>;

// The project model of a scenario with a finance section, over `systems` systems (the site's),
// with the site's yearly figures over them.
[[nodiscard]] inline scenario_project_model project_model_of(const scenario& s, long systems) {
  const auto per_system = std::lround(s.base[cost_input::accelerators_per_system]);
  project_parameters project = project_parameters_of(s.finance->plan, s.finance->terms);
  project.discount_rate_is_cost_of_capital = s.finance->discount_rate_is_cost_of_capital;
  project.equity_rate_is_discount_rate = s.finance->equity_rate_is_discount_rate;
  return {s.base,
          systems,
          project,
          s.uncertain,
          s.project_uncertain,
          extras_of(s, systems * per_system),
          s.extra_uncertain,
          s.operating_curve};
}

// Runs a study's statistics elsewhere (a GPU: tpw::cuda::run and tpw::cuda::sobol), given the
// cost model's plan; each one left empty runs on the CPU.
struct plan_engine {
  std::function<mc::run_result(const mc::cost_plan&, const mc::run_options&)> run;
  std::function<std::vector<mc::sobol_indices>(const mc::cost_plan&, const mc::sobol_options&)>
      sobol;
  // A multi-year project's plan (its cost figures and NPVs; IRR and payback run on the CPU).
  std::function<mc::run_result(const mc::project_plan&, const mc::run_options&)> run_project;
  std::function<std::vector<mc::sobol_indices>(const mc::project_plan&, const mc::sobol_options&)>
      sobol_project;
  [[nodiscard]] bool empty() const noexcept {
    return !run && !sobol && !run_project && !sobol_project;
  }
};

struct study_options {
  std::optional<std::uint64_t> samples;  // override the scenario's
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;  // 0: the hardware threads no other run holds (mc::thread_lease)
  // The memory a study may take, in bytes (0: the machine's physical memory); a Sobol' analysis
  // that needs more is refused before anything runs.
  std::uint64_t memory_limit = 0;
  bool percentiles = false;           // also compute P1..P99 (for a distribution chart)
  std::vector<double> probabilities;  // and these quantiles (a goal seek's; the fleet's NPV too)
  std::vector<double> fleet_npv_at_most;  // P(fleet NPV <= x) at each (a goal seek's)
  plan_engine engine;                     // empty: the CPU engine
  std::function<void(const mc::progress&)> on_progress;
};

// The probabilities every study reports (P5, P50, P95), plus the tails the charts mark.
inline std::vector<double> study_probabilities() {
  return {0.05, 0.10, 0.50, 0.90, 0.95};
}

namespace detail {

// The machine's physical memory in bytes (0 when the system does not say).
inline std::uint64_t physical_memory() noexcept {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGE_SIZE)
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0) {
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
  }
#endif
  return 0;
}

// A number of bytes from a small file such as a cgroup's memory.max; 0 for "max", a missing file
// or anything else.
inline std::uint64_t bytes_in_file(const std::string& file) noexcept {
  try {
    std::ifstream in(file);
    std::string word;
    if (!(in >> word) || word.empty() || word.size() > 20) return 0;
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    return error == std::errc{} && end == word.data() + word.size() ? value : 0;
  } catch (...) {
    return 0;
  }
}

// The memory this process may take, in bytes: the least of the physical memory, its address
// space and data limits (ulimit -v, -d) and its control group's limit (cgroup v2 memory.max, or
// v1 memory.limit_in_bytes); 0 when none is known.
inline std::uint64_t memory_available_to_process() noexcept {
  std::uint64_t limit = physical_memory();
  const auto lower = [&limit](std::uint64_t bytes) {
    if (bytes > 0 && (limit == 0 || bytes < limit)) limit = bytes;
  };
#if defined(RLIMIT_AS)
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    ::rlimit r{};
    if (::getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
      lower(static_cast<std::uint64_t>(r.rlim_cur));
    }
  }
  // The process's control group: "0::/path" (v2) or "N:memory:/path" (v1) in /proc/self/cgroup.
  try {
    std::ifstream groups("/proc/self/cgroup");
    for (std::string line; std::getline(groups, line);) {
      const auto path = line.substr(line.rfind(':') + 1);
      if (line.starts_with("0::")) {
        lower(bytes_in_file("/sys/fs/cgroup" + path + "/memory.max"));
      } else if (line.find(":memory:") != std::string::npos) {
        const std::uint64_t v1 =
            bytes_in_file("/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes");
        if (v1 < (std::uint64_t{1} << 62)) lower(v1);  // "no limit" is a huge number in v1
      }
    }
  } catch (...) {
  }
#endif
  return limit;
}

inline std::string gigabytes(double bytes) {
  return tpw::detail::converted_number_text(std::round(bytes / 1e7) / 100.0) + " GB";
}

// The Sobol' analysis keeps every model value, (d + 2) N of them per output, and each thread a
// bootstrap resample's N rows: 8 N ((d + 2) outputs + threads) bytes. Refused up front when that
// is more than the limit, with the largest N that fits.
inline void require_sobol_memory(const scenario& s, std::size_t outputs, unsigned threads,
                                 std::uint64_t limit) {
  if (limit == 0) limit = memory_available_to_process();
  if (limit == 0) return;
  const double d = static_cast<double>(s.uncertain.size() + s.project_uncertain.size());
  const double per_sample =
      8.0 * ((d + 2.0) * static_cast<double>(outputs) + static_cast<double>(threads));
  const double need = per_sample * static_cast<double>(s.sobol_samples);
  if (need <= static_cast<double>(limit)) return;
  throw invalid_input(
      "uncertainty.sobol_samples", static_cast<double>(s.sobol_samples),
      "the Sobol' analysis would need about " + gigabytes(need) + " (" +
          tpw::detail::number_text(per_sample) + " bytes per base sample), above the " +
          gigabytes(static_cast<double>(limit)) +
          " this process may use (physical memory, ulimit and cgroup limits); use at most " +
          tpw::detail::number_text(std::floor(static_cast<double>(limit) / per_sample)));
}

// A figure's name in a run's statistics (name), or in its Sobol' indices and tornado (output).
template <class Figure>
std::string& figure_name(Figure& f) {
  if constexpr (requires { f.output; }) {
    return f.output;
  } else {
    return f.name;
  }
}

// Where the figures a scenario adds go among a run's: after the cost model's own.
template <class Figure>
typename std::vector<Figure>::iterator extras_place(std::vector<Figure>& figures) {
  return std::find_if(figures.begin(), figures.end(), [](Figure& f) {
    return std::find(cost_output_names.begin(), cost_output_names.end(), figure_name(f)) ==
           cost_output_names.end();
  });
}

// Copies of cost per Mtok's entry (statistics, Sobol' indices, tornado) for each figure that is
// cost per Mtok times a constant, scaled by `scale(copy, constant)`, in their place.
template <class Figure, class Scale>
void add_cost_multiples(std::vector<Figure>& figures, const extra_parameters& e,
                        const Scale& scale) {
  std::vector<Figure> added;
  for (const auto& m : e.cost_multiples()) {
    const auto per_mtok = std::find_if(figures.begin(), figures.end(),
                                       [](Figure& f) { return figure_name(f) == "cost_per_mtok"; });
    if (per_mtok == figures.end()) return;
    Figure x = *per_mtok;
    figure_name(x) = m.name;
    scale(x, m.factor);
    added.push_back(std::move(x));
  }
  figures.insert(extras_place(figures), added.begin(), added.end());
}

// Sobol' indices: a positive multiple has the same indices, its variance the constant squared.
inline void add_cost_multiples(std::vector<mc::sobol_indices>& sobol, const extra_parameters& e) {
  add_cost_multiples(sobol, e, [](mc::sobol_indices& x, double k) { x.variance *= k * k; });
}
// A tornado: every bar and the base scale.
inline void add_cost_multiples(std::vector<mc::tornado>& tornado, const extra_parameters& e) {
  add_cost_multiples(tornado, e, [](mc::tornado& x, double k) {
    x.base *= k;
    for (auto& bar : x.bars) {
      bar.low *= k;
      bar.high *= k;
    }
  });
}

// A run of the cost model's figures (and a project's NPVs) on the CPU engine or a caller's (a
// GPU, MPI ranks), with the figures that are cost per Mtok times a constant (the cost per request
// and per input and output Mtok) added: each statistic of a positive multiple is the multiple of
// the statistic, so they are cost per Mtok's statistics scaled, and an exceedance on one is cost
// per Mtok's at the threshold over the constant. On a caller's engine (`engine`), the other
// figures a scenario adds (revenue per request, the site's yearly figures), which the CPU computes
// per sample, are left out, and refused up front when uncertainty.outputs or an exceedance names
// one (the emissions: refused with the carbon section, by the plan).
template <class Run>
mc::run_result run_with_multiples(const Run& run, const extra_parameters& e, mc::run_options o,
                                  bool engine) {
  const auto multiples = e.cost_multiples();
  const auto multiple = [&](const std::string& figure) -> const cost_multiple* {
    for (const auto& m : multiples) {
      if (figure == m.name) return &m;
    }
    return nullptr;
  };
  if (engine) {
    const auto names = e.output_names();
    const auto refuse = [&](const char* path, const std::string& figure) {
      if (std::find(names.begin(), names.end(), figure) == names.end()) return;
      throw invalid_input(path, figure,
                          "the GPU and MPI engines compute the cost model's figures (and a "
                          "project's NPVs); ask this figure on the CPU engine");
    };
    for (const auto& x : o.exceedances) refuse("uncertainty.exceedances", x.output);
    for (const auto& x : o.outputs) refuse("uncertainty.outputs", x);
  }
  std::vector<mc::exceedance> asked = o.exceedances;
  for (auto& x : o.exceedances) {
    if (const cost_multiple* m = multiple(x.output)) {
      x.output = "cost_per_mtok";
      x.threshold /= m->factor;
    }
  }
  std::vector<cost_multiple> wanted;
  for (const auto& m : multiples) {
    if (o.outputs.empty() ||
        std::find(o.outputs.begin(), o.outputs.end(), m.name) != o.outputs.end()) {
      wanted.push_back(m);
    }
  }
  if (!o.outputs.empty()) {
    std::erase_if(o.outputs, [&](const std::string& x) { return multiple(x) != nullptr; });
    if (!wanted.empty() &&
        std::find(o.outputs.begin(), o.outputs.end(), "cost_per_mtok") == o.outputs.end()) {
      o.outputs.push_back("cost_per_mtok");
    }
  }
  mc::run_result r = run(o);
  for (std::size_t k = 0; k < asked.size() && k < r.exceedances.size(); ++k) {
    r.exceedances[k].output = asked[k].output;
    r.exceedances[k].threshold = asked[k].threshold;
  }
  std::vector<mc::output_statistics> added;
  for (const auto& m : wanted) {
    mc::output_statistics x = r.output("cost_per_mtok");
    const double k = m.factor;
    x.name = m.name;
    for (double* v : {&x.mean, &x.sd, &x.standard_error, &x.min, &x.max,
                      &x.expected_shortfall_upper, &x.expected_shortfall_lower}) {
      *v *= k;
    }
    for (double& q : x.quantiles) q *= k;
    added.push_back(std::move(x));
  }
  r.outputs.insert(extras_place(r.outputs), added.begin(), added.end());
  return r;
}

// A base's hourly contracts on a plan, as typed contracts.
template <currency_type C>
void contracts_of(const cost_parameters& p, cash_flow_plan<C>& plan) {
  using k = cost_input;
  const auto per_hour = [&](k input) { return of(p[input], units::unit_of<C> / units::hour); };
  if (p.on_demand) {
    plan.on_demand = on_demand_contract<C>{fraction::unchecked(p[k::on_demand_share]),
                                           per_hour(k::on_demand_per_accelerator_hour)};
  }
  if (p.reserved) {
    plan.reserved = reserved_contract<C>{fraction::unchecked(p[k::reserved_share]),
                                         per_hour(k::reserved_per_accelerator_hour),
                                         fraction::unchecked(p[k::reserved_committed_share]),
                                         per_hour(k::reserved_overage_per_accelerator_hour)};
  }
}

// The request mix, the project and the emissions at the point figures, when the scenario asks.
inline void add_point_figures(const scenario& s, study& out) {
  using C = scenario_currency;
  if (const auto mix = mix_of(s)) {
    out.mix = evaluate_mix<C>(out.point.cost_per_token.total, *mix, s.prices);
  }
  if (s.finance) {
    const deployment site = deployment_of(s.base, out.site.systems);
    cash_flow_plan<C> plan = s.finance->plan;
    if (s.base.priced)
      plan.price = token_price<C>::from_value(s.base[cost_input::price_per_mtok] / 1e6);
    contracts_of(s.base, plan);
    const cash_flows<C> flows = with_cost_components<C>(s.base, [&](const auto&... components) {
      return project_cash_flows(site, plan, components...);
    });
    out.finance = finance_project(flows, s.finance->terms);
  }
  {
    plausibility_input p;
    p.platform = s.platform;
    p.model = s.model;
    if (s.workload) {
      p.input_tokens = std::lround(s.workload->input.value());
      p.output_tokens = std::lround(s.workload->output.value());
    }
    p.precision = s.precision;
    p.throughput = s.base[cost_input::throughput_tok_s];
    for (const auto& leaf : s.uncertain) {
      if (leaf.input == cost_input::throughput_tok_s) p.throughput_p95 = leaf.dist.quantile(0.95);
    }
    if (s.frontier) p.interactivity = s.frontier->min_interactivity;
    p.tokens_per_joule = out.point.tokens_per_joule.value();
    p.pue = s.base[cost_input::pue];
    p.vintage = s.vintage;
    p.currency = s.currency;
    if (s.prices) {
      p.input_price = s.prices->input.value() * 1e6;
      p.output_price = s.prices->output.value() * 1e6;
    } else if (s.base.priced) {
      p.price = s.base[cost_input::price_per_mtok];
    }
    if (out.point.revenue) {
      p.revenue_per_accelerator_hour = out.point.revenue->revenue_per_accelerator_hour.value();
    }
    out.plausibility = check_plausibility(p);
  }
  if (s.carbon) {
    // The Monte Carlo's own formulas (tpw/model/extras.hpp), at the point values.
    const carbon_per_mtok point =
        carbon_at(tpw::detail::operating_point_of(s.base), s.carbon->grid_g_per_kwh,
                  s.carbon->embodied_kg_per_accelerator, s.carbon->life_years);
    carbon_figures c;
    c.operational_g_per_mtok = point.operational;
    c.embodied_g_per_mtok = point.embodied;
    // g per Mtok * Mtok a year, in tonnes.
    c.site_t_per_year = c.total_g_per_mtok() * (out.site.tokens_per_year.value() / 1e6) / 1e6;
    out.carbon = c;
  }
}

}  // namespace detail

// Evaluates a scenario: throws invalid_input (a site below one system, bad options, a Sobol'
// analysis larger than memory) or mc::cancelled.
inline study run_study(const scenario& s, const study_options& options = {}) {
  study out;
  out.input = s;
  out.samples = options.samples.value_or(s.samples);
  out.seed = options.seed.value_or(s.seed);
  s.validate();
  if (s.finance && s.any_uncertain() && !options.engine.empty() && !options.engine.run_project) {
    throw invalid_input::shown_as(
        "finance", "(a multi-year project)",
        "its figures (NPV, IRR, payback) need the engine's project run: this engine runs the "
        "single-period figures; run without it, or drop the finance section");
  }
  const deployment d = deployment_of(s.base, s.systems);
  out.point = evaluate_cost_parameters<scenario_currency>(s.base);
  if (s.site_power_mw) {
    const site_spec site{*s.site_power_mw * units::MW, fraction{s.site_headroom}};
    const long systems = systems_under_ceiling(d, site);
    out.site =
        tpw::detail::site_figures(d, systems, site.ceiling * site.headroom.complement(), out.point);
  } else {
    out.site = tpw::detail::site_figures(
        d, d.systems(), facility_power_per_system(d) * static_cast<double>(d.systems()), out.point);
  }
  if (s.demand) {
    // An elastic fleet's systems are paid (and make tokens) for their share of the year.
    const double paid = s.demand->paid_share();
    out.site.tokens_per_year = out.site.tokens_per_year * paid;
    out.site.cost_per_year = out.site.cost_per_year * paid;
    if (out.site.revenue_per_year) *out.site.revenue_per_year = *out.site.revenue_per_year * paid;
  }
  detail::add_point_figures(s, out);
  if (s.fleet) {
    out.fleet = fleet::plan_fleet(s.fleet->spec);
    if (!s.fleet->uncertain.empty()) {
      out.fleet_statistics = fleet::simulate_fleet(
          s.fleet->spec, s.fleet->uncertain, out.samples, out.seed, options.threads,
          {options.probabilities, options.fleet_npv_at_most});
    }
  }
  if (!s.any_uncertain()) return out;
  // The figures a scenario adds, the site's yearly figures over its accelerators among them.
  const extra_parameters extras = extras_of(s, out.site.accelerators);
  if (s.sobol) {
    const std::size_t outputs =
        (has_revenue(s.base) ? mc::cost_output_count : mc::cost_output_count - 2) +
        extras.output_count() + (s.finance ? mc::project_output_names.size() : 0);
    detail::require_sobol_memory(s, outputs, mc::detail::thread_count(options.threads),
                                 options.memory_limit);
  }

  mc::run_options o;
  o.samples = out.samples;
  o.seed = out.seed;
  o.design = s.design;
  o.threads = options.threads;
  o.probabilities = study_probabilities();
  for (const auto& q : s.exceedances) o.exceedances.push_back({q.figure, q.threshold, 0.0});
  o.outputs = s.outputs;
  o.probabilities.insert(o.probabilities.end(), options.probabilities.begin(),
                         options.probabilities.end());
  if (options.percentiles) {
    for (int k = 1; k <= 99; ++k) o.probabilities.push_back(k / 100.0);
  }
  std::sort(o.probabilities.begin(), o.probabilities.end());
  o.probabilities.erase(std::unique(o.probabilities.begin(), o.probabilities.end(),
                                    [](double a, double b) { return std::abs(a - b) < 1e-12; }),
                        o.probabilities.end());
  o.on_progress = options.on_progress;
  mc::sobol_options so;
  so.base_samples = s.sobol_samples;
  so.seed = out.seed;
  so.threads = options.threads;
  so.bootstrap = 100;
  if (s.finance) {
    const scenario_project_model model = project_model_of(s, out.site.systems);
    std::function<mc::run_result(const mc::run_options&)> engine_part;
    if (options.engine.run_project) {
      const mc::project_plan plan = model.plan();  // refuses what it cannot carry, up front
      engine_part = [&options, &extras, plan](const mc::run_options& part) {
        return detail::run_with_multiples(
            [&](const mc::run_options& e) { return options.engine.run_project(plan, e); }, extras,
            part, true);
      };
    } else {
      engine_part = [&model, &extras](const mc::run_options& part) {
        return detail::run_with_multiples(
            [&](const mc::run_options& e) { return mc::run_project_engine(model, e); }, extras,
            part, false);
      };
    }
    mc::project_run_result r = mc::run_project(model, o, engine_part);
    out.statistics = std::move(r.statistics);
    out.project_figures = std::move(r.optional);
    // uncertainty.outputs restricts the summary to the figures it names, IRR and payback included.
    if (!o.outputs.empty()) {
      std::erase_if(out.project_figures, [&](const mc::project_figure_statistics& f) {
        return std::find(o.outputs.begin(), o.outputs.end(), f.statistics.name) == o.outputs.end();
      });
    }
    if (s.tornado) {
      out.tornado = mc::tornado_analysis(model.inputs(), model, model.output_names());
      detail::add_cost_multiples(out.tornado, extras);
    }
    if (s.sobol) {
      out.sobol = options.engine.sobol_project
                      ? options.engine.sobol_project(model.plan(), so)
                      : mc::sobol_analysis(model.inputs(), model, so, model.output_names());
      detail::add_cost_multiples(out.sobol, extras);
    }
    return out;
  }
  const scenario_model model = model_of(s, out.site.accelerators);
  if (options.engine.run) {
    const mc::cost_plan plan = model.plan();
    out.statistics = detail::run_with_multiples(
        [&](const mc::run_options& e) { return options.engine.run(plan, e); }, extras, o, true);
  } else {
    out.statistics = detail::run_with_multiples(
        [&](const mc::run_options& e) { return mc::run(model, e); }, extras, o, false);
  }
  if (s.tornado) {
    out.tornado = mc::tornado_analysis(model.inputs(), model, model.output_names());
    detail::add_cost_multiples(out.tornado, extras);
  }
  if (s.sobol) {
    out.sobol = options.engine.sobol
                    ? options.engine.sobol(model.plan(), so)
                    : mc::sobol_analysis(model.inputs(), model, so, model.output_names());
    detail::add_cost_multiples(out.sobol, extras);
  }
  return out;
}

}  // namespace tpw::io
