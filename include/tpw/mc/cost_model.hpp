// tpw/mc/cost_model.hpp: the built-in cost model as a Monte Carlo model, with every numeric input
// of a deployment and its costs open to uncertainty.
//
// The plain parameters, their checks and the one-sample evaluation live in
// tpw/model/parameters.hpp, their batches and plan in plan/cost_plan.hpp (shared with the GPU
// engine), the uncertain inputs' checks in uncertain_parameters.hpp; this header adds the input
// space and the run. Inputs are named by their scenario paths.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/operating_curve.hpp"
#include "tpw/mc/plan/cost_plan.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/mc/sampling/input_space.hpp"
#include "tpw/mc/uncertain_parameters.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/extras.hpp"
#include "tpw/model/parameters_of.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw::mc {

namespace detail {

// A plan's distributions and copula, from the input space (one plan entry per input, in order).
// Throws invalid_input when an input's distribution has no closed-form quantile.
template <class Plan>
void plan_distributions(const input_space& inputs, Plan& plan) {
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const distribution& d = inputs[k].dist;
    if (!has_closed_form(d.kind())) {
      throw invalid_input(inputs[k].name, d.describe(),
                          "the GPU and MPI engines sample fixed, uniform, triangular, normal, "
                          "truncated normal and lognormal inputs; run PERT, beta and empirical "
                          "ones on the CPU engine");
    }
    plan.dists[k] = d.params();
  }
  plan.correlated = inputs.correlated();
  std::copy(inputs.cholesky().begin(), inputs.cholesky().end(), plan.cholesky.begin());
}

}  // namespace detail

// The cost model with its uncertain inputs: a base scenario, validated by tpw's own constructors
// (so errors read as for a deterministic deployment), and a distribution for each uncertain
// input, whose values must stay within that input's rule.
template <currency_type C>
class cost_model {
 public:
  using uncertain = uncertain_parameter;

  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs)
      : cost_model(base, std::move(uncertain_inputs), {}, {}, nullptr, false, nullptr) {}
  // With the figures a scenario adds (cost per request, emissions per Mtok) and the carbon
  // section's uncertain numbers, after the cost inputs; a rank correlation matrix (optional) is
  // over all of them, in that order. These figures run on the CPU engine only (plan() refuses).
  // With an operating curve (tpw/mc/operating_curve.hpp), its number (the latency target on a
  // frontier, the power cap on a power-cap curve; its base value in extras) may be uncertain:
  // each sample's operating point is then the curve's at the sample's value.
  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs,
             const extra_parameters& extras, std::vector<uncertain_extra> extra_inputs,
             const Eigen::MatrixXd* rank_correlation = nullptr,
             std::shared_ptr<const operating_curve> curve = nullptr)
      : cost_model(base, std::move(uncertain_inputs), extras, std::move(extra_inputs),
                   rank_correlation, false, std::move(curve)) {}
  // A part of a larger model (mc::project_model), whose other inputs may be the only uncertain
  // ones: inputs() is then empty, and the larger model runs the engine.
  struct part_tag {};
  cost_model(part_tag, const cost_parameters& base, std::vector<uncertain> uncertain_inputs,
             const extra_parameters& extras, std::vector<uncertain_extra> extra_inputs,
             std::shared_ptr<const operating_curve> curve = nullptr)
      : cost_model(base, std::move(uncertain_inputs), extras, std::move(extra_inputs), nullptr,
                   true, std::move(curve)) {}
  // With a Spearman rank correlation matrix over the uncertain inputs, in their order.
  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs,
             const Eigen::MatrixXd& rank_correlation)
      : cost_model(base, std::move(uncertain_inputs), {}, {}, &rank_correlation, false, nullptr) {}

  // The uncertain inputs (cost inputs, then extras); empty only for a part_tag model.
  [[nodiscard]] const input_space& inputs() const noexcept { return *inputs_; }
  [[nodiscard]] std::size_t input_count() const noexcept {
    return slots_.size() + extra_slots_.size();
  }
  [[nodiscard]] const cost_parameters& base() const noexcept { return base_; }
  // The parameter each uncertain input sets, in the inputs' order.
  [[nodiscard]] const std::vector<cost_input>& slots() const noexcept { return slots_; }
  [[nodiscard]] const extra_parameters& extras() const noexcept { return extras_; }
  // The figures per sample: the cost model's, then the extras'.
  [[nodiscard]] std::size_t output_count() const noexcept {
    return cost_outputs() + extras_.output_count();
  }
  [[nodiscard]] std::vector<std::string> output_names() const {
    std::vector<std::string> names(cost_output_names.begin(),
                                   cost_output_names.begin() + cost_outputs());
    const auto more = extras_.output_names();
    names.insert(names.end(), more.begin(), more.end());
    return names;
  }

  // Whether the site's size changes sample by sample (its power ceiling or headroom uncertain),
  // and sample s's systems then (inputs laid out with `stride`, the extras after the cost inputs).
  [[nodiscard]] bool site_varies() const noexcept { return site_varies_; }
  [[nodiscard]] double site_systems_at(const double* x, std::size_t stride,
                                       std::size_t s) const noexcept {
    return extras_at(x, stride, s).site_systems();
  }

  // The parameters of one sample: the base with the uncertain inputs set to x.
  [[nodiscard]] cost_parameters parameters_at(std::span<const double> x) const noexcept {
    cost_parameters p = base_;
    for (std::size_t k = 0; k < slots_.size(); ++k) p[slots_[k]] = x[k];
    derive(p, x.data(), 1, 0);
    return p;
  }

  // Sets what sample s of inputs laid out with `stride` (the extras after the cost inputs)
  // derives: with uncertain prices by kind (or a mix that varies under them), p's price per Mtok
  // to their blend; with an uncertain operating curve's number, the inputs the curve sets (the
  // throughput drawn, the base's or the sample's, is what a frontier scales); with an uncertain
  // input or output rate, the throughput to their sum. Otherwise leaves p.
  void derive(cost_parameters& p, const double* x, std::size_t stride,
              std::size_t s) const noexcept {
    if (!derives_price_ && !follows_curve_ && !rates_vary_ && !derives_energy_) return;
    extra_parameters e = extras_;
    derive(p, e, x, stride, s);
  }
  // The same with `e` as scratch: it holds the model's extras, or what an earlier call of this
  // model left in it (each call sets the same uncertain numbers, so what it leaves is the
  // sample's alone), and keeps sample s's. A batch reuses one.
  void derive(cost_parameters& p, extra_parameters& e, const double* x, std::size_t stride,
              std::size_t s) const noexcept {
    if (!derives_price_ && !follows_curve_ && !rates_vary_ && !derives_energy_) return;
    for (std::size_t k = 0; k < extra_slots_.size(); ++k) {
      e.set(extra_slots_[k], x[(slots_.size() + k) * stride + s]);
    }
    if (derives_price_) p[cost_input::price_per_mtok] = blended_price_per_mtok(e);
    if (rates_vary_) {
      p[cost_input::throughput_tok_s] = e[extra_input::input_tok_s] + e[extra_input::output_tok_s];
    }
    if (follows_curve_) {
      const double drawn = throughput_slot_ < slots_.size() ? x[throughput_slot_ * stride + s]
                                                            : base_[cost_input::throughput_tok_s];
      // The number's reachable values were checked on the curve up front.
      curve_->set_at(e, drawn, p);
    }
    if (derives_energy_) {
      // The tariff's bill on the sample's flat load, at its levels (after a curve has set the
      // throughput).
      p[cost_input::energy_price_per_kwh] =
          e.flat_tariff_price(tpw::detail::operating_point_of(p)) * tpw::detail::joules_per_kwh;
    }
  }

  // Whether the curve moves a project's yearly numbers too (operating_curve::moves_project), and
  // sets sample s's (inputs laid out with `stride`, the extras after the cost inputs) in q.
  // (Its number or a demand's growth uncertain.)
  [[nodiscard]] bool moves_project() const noexcept { return moves_project_; }
  void derive_project(project_parameters& q, const double* x, std::size_t stride,
                      std::size_t s) const noexcept {
    if (moves_project_) curve_->set_project(extras_at(x, stride, s), q);
  }

  void operator()(std::span<const double> x, std::span<double> y) const noexcept {
    const cost_parameters p = parameters_at(x);
    cost_figures<C>(p, y.data());
    if (extras_.any()) add_extras(p, x.data(), 1, 0, y.data(), 1);
  }

  // A batch for the engine (batch_model): uncertain input k of sample s at x[k * batch_size + s],
  // output k at y[k * batch_size + s]. cost_figures_batch reads each parameter from a row: an
  // uncertain input's row of x, or the base value repeated in the model's own constant rows.
  void evaluate_batch(const double* x, double* y, std::size_t count) const noexcept {
    parameter_rows rows;
    for (std::size_t c = 0; c < cost_input_count; ++c) rows[c] = base_rows_.data() + c * batch_size;
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      rows[static_cast<std::size_t>(slots_[k])] = x + k * batch_size;
    }
    // The inputs derived per sample: the price, the throughput of uncertain rates, those the
    // curve sets (the rates and a curve never come together: each sets the throughput), then the
    // energy price of a tariff on a flat load (never beside a curve that sets it: a demand's).
    constexpr std::size_t most_derived = 3 + max_curve_inputs;
    std::array<cost_input, most_derived> derived{};
    std::size_t derived_count = 0;
    if (derives_price_) derived[derived_count++] = cost_input::price_per_mtok;
    if (rates_vary_) derived[derived_count++] = cost_input::throughput_tok_s;
    if (follows_curve_) {
      for (const cost_input c : curve_->sets()) derived[derived_count++] = c;
    }
    if (derives_energy_) derived[derived_count++] = cost_input::energy_price_per_kwh;
    double derived_rows[most_derived][batch_size];
    if (derived_count > 0) {
      cost_parameters p = base_;
      extra_parameters e = extras_;
      for (std::size_t s = 0; s < count; ++s) {
        derive(p, e, x, batch_size, s);
        for (std::size_t k = 0; k < derived_count; ++k) derived_rows[k][s] = p[derived[k]];
      }
      for (std::size_t k = 0; k < derived_count; ++k) {
        rows[static_cast<std::size_t>(derived[k])] = derived_rows[k];
      }
    }
    cost_figures_batch<C, batch_size>(base_, rows, y, count);
    if (extras_.any()) {
      for (std::size_t s = 0; s < count; ++s) {
        cost_parameters p = base_;
        for (std::size_t k = 0; k < slots_.size(); ++k) p[slots_[k]] = x[k * batch_size + s];
        // The sample's derived inputs as the batch read them (derived above).
        for (std::size_t k = 0; k < derived_count; ++k) p[derived[k]] = derived_rows[k][s];
        add_extras(p, x + s, batch_size, 0, y + s, batch_size);
      }
    }
  }

  // The model as plain data for the GPU engine. Throws invalid_input when an uncertain input's
  // distribution has no closed-form quantile (PERT, beta and empirical inputs run on the CPU).
  // Refuses, naming the section, what a plan for the GPU and MPI engines cannot carry: an
  // operating point that moves along a curve, a request mix that varies, a price derived sample by
  // sample. (The emissions: each plan's own message.)
  void require_plannable() const {
    // What each refusal names: the section, what is uncertain in it, and what to do instead; the
    // first that applies is thrown.
    struct refusal {
      bool applies;
      const char* section;
      const char* shown;
      const char* rule;
    };
    const bool target = follows_curve_ && is_latency_target(curve_->input());
    const bool demand = follows_curve_ && curve_->input() == extra_input::demand_scale;
    const std::array<refusal, 11> refusals{{
        {tariff_varies_, "costs.energy.tariff", "(uncertain tariff level)",
         "the GPU and MPI engines take a fixed energy price: run an uncertain tariff on the CPU "
         "engine, or give its levels and prices as numbers"},
        {output_cv_varies_, "demand.output_cv", "(uncertain output variability)",
         "the GPU and MPI engines take a fixed utilization: run an uncertain output variability "
         "on the CPU engine, or give demand.output_cv as a number"},
        {derives_energy_, "costs.energy.tariff", "(a PPA on an uncertain load)",
         "the GPU and MPI engines take a fixed energy price, and a PPA's bill moves with the "
         "load: run it on the CPU engine, or give the utilization, power, PUE and site as "
         "numbers"},
        {moves_project_ && !demand, "demand", "(uncertain demand growth)",
         "the GPU and MPI engines take a fixed utilization ramp: run an uncertain demand on the "
         "CPU engine, or give demand.growth_per_year as a number"},
        {demand, "demand", "(uncertain demand scale)",
         "the GPU and MPI engines take a fixed utilization: run an uncertain demand on the CPU "
         "engine, or give demand.scale as a number"},
        {target, "frontier", "(uncertain latency target)",
         "the GPU and MPI engines take a fixed operating point: run an uncertain latency target "
         "on the CPU engine, or give it as a number"},
        {follows_curve_ && !target && !demand, "power_cap", "(uncertain power cap)",
         "the GPU and MPI engines take a fixed operating point: run an uncertain power cap on the "
         "CPU engine, or give it as a number"},
        {rates_vary_, "deployment", "(uncertain input and output rates)",
         "the GPU and MPI engines take a fixed throughput: run uncertain rates on the CPU engine, "
         "or give them as numbers"},
        {site_varies_, "site", "(uncertain power ceiling)",
         "the GPU and MPI engines take a site of fixed size: run an uncertain site power or "
         "headroom on the CPU engine, or give them as numbers"},
        {extras_.mix_varies, "workload", "(uncertain tokens per request)",
         "the GPU and MPI engines take a fixed request mix: run an uncertain workload on the CPU "
         "engine, or give its numbers as numbers"},
        {derives_price_, "revenue", "(uncertain prices by kind of token)",
         "the GPU and MPI engines take one token price: run prices by kind as distributions on "
         "the CPU engine, or give revenue.price_per_mtok"},
    }};
    for (const refusal& r : refusals) {
      if (r.applies) throw invalid_input::shown_as(r.section, r.shown, r.rule);
    }
  }

  [[nodiscard]] cost_plan plan() const {
    require_plannable();
    if (extras_.carbon) {
      throw invalid_input::shown_as(
          "carbon", "(emissions per Mtok)",
          "the GPU and MPI engines compute the cost model's figures only: run the emissions on "
          "the CPU engine, or drop the carbon section");
    }
    if (slots_.size() > cost_input_count) {
      throw invalid_input("uncertainty.inputs", static_cast<double>(slots_.size()),
                          "a plan holds at most one distribution per cost input");
    }
    cost_plan plan;
    plan.base = base_;
    plan.inputs = static_cast<std::uint32_t>(slots_.size());
    std::copy(slots_.begin(), slots_.end(), plan.slots.begin());
    detail::plan_distributions(*inputs_, plan);
    return plan;
  }

  // Checks a base through tpw's validating types and limits (validated_parameters); returns it.
  static cost_parameters validated(const cost_parameters& p) { return validated_parameters<C>(p); }
  // Checks the extra figures' numbers against their rules; returns them.
  static extra_parameters validated(const extra_parameters& e) {
    if (!(e.tokens_per_request >= 0.0 && e.tokens_per_request <= 1e12)) {
      throw invalid_input("workload.tokens_per_request", e.tokens_per_request,
                          "must be in [0, 1e12] (0: no workload)");
    }
    if (!(e.site_accelerators >= 0.0 && e.site_accelerators <= 9007199254740992.0)) {
      throw invalid_input("site.accelerators", e.site_accelerators,
                          "must be a count in [0, 2^53] (0: no site figures)");
    }
    if (!(e.site_system_mw >= 0.0 && e.site_system_mw <= 1e6)) {
      throw invalid_input("site.system_mw", e.site_system_mw,
                          "must be in [0, 1e6] MW (0: a site of fixed size)");
    }
    if (e.mix_from_rates && !(e.rates_given && e.tokens_per_request > 0.0)) {
      throw invalid_input(
          "deployment.input_tok_s", e[extra_input::input_tok_s],
          "a mix taken from the rates needs the rates given, and their sum above 0");
    }
    if (e.site_system_mw > 0.0 && !(e.site_accelerators_per_system >= 1.0)) {
      throw invalid_input("site.accelerators_per_system", e.site_accelerators_per_system,
                          "must be at least 1 for a site whose power may be uncertain");
    }
    if (e.tokens_per_request > 0.0) {
      tpw::detail::validate_workload_shape(e.mix);
    } else if (e.mix_varies || e.priced_by_kind) {
      throw invalid_input("workload.tokens_per_request", e.tokens_per_request,
                          "a varying mix and prices by kind of token need a workload");
    }
    for (std::size_t k = 0; k < extra_input_count; ++k) {
      const auto kind = static_cast<extra_input>(k);
      // The mix, checked above; a curve's number, against the model's curve.
      if (is_workload(kind) || is_curve_input(kind) || kind == extra_input::demand_growth) continue;
      const bool used = is_price_by_kind(kind) ? e.priced_by_kind
                        : is_site_input(kind)  ? e.site_system_mw > 0.0
                        : is_rate(kind)        ? e.rates_given
                                               : e.carbon;
      if (used && !obeys(extra_input_rules[k], e.values[k])) {
        throw invalid_input(extra_input_rules[k].path, e.values[k],
                            "must be in " + range_text(extra_input_rules[k]) + limits_note);
      }
    }
    return e;
  }

 private:
  cost_model(const cost_parameters& base, std::vector<uncertain> uncertain_inputs,
             const extra_parameters& extras, std::vector<uncertain_extra> extra_inputs,
             const Eigen::MatrixXd* rank_correlation, bool may_be_empty,
             std::shared_ptr<const operating_curve> curve)
      : base_(validated(base)),
        extras_(validated(extras)),
        curve_(std::move(curve)),
        inputs_(make_space(base_, uncertain_inputs, extra_inputs, rank_correlation, may_be_empty)),
        base_rows_(base_rows(base_)) {
    extras_.priced = has_revenue(base_);
    for (const auto& u : uncertain_inputs) {
      if (u.input == cost_input::throughput_tok_s) throughput_slot_ = slots_.size();
      slots_.push_back(u.input);
    }
    for (const auto& u : extra_inputs) {
      extra_slots_.push_back(u.input);
      const bool of_mix = extras_.of_mix(u.input);
      extras_.mix_varies = extras_.mix_varies || of_mix;
      derives_price_ =
          derives_price_ || is_price_by_kind(u.input) || (extras_.priced_by_kind && of_mix);
      rates_vary_ = rates_vary_ || is_rate(u.input);
      follows_curve_ =
          follows_curve_ ||
          (is_curve_input(u.input) && !(is_tariff_level(u.input) && extras_.flat_tariff.active));
      site_varies_ = site_varies_ || is_site_input(u.input);
      moves_project_ = moves_project_ || u.input == extra_input::demand_growth;
      tariff_varies_ = tariff_varies_ || is_tariff_level(u.input);
      output_cv_varies_ = output_cv_varies_ || u.input == extra_input::demand_output_cv;
    }
    moves_project_ = (moves_project_ || follows_curve_) && curve_ && curve_->moves_project();
    if (extras_.flat_tariff.active) require_flat_tariff(uncertain_inputs, extra_inputs);
  }

  // A tariff on a flat load (extras.flat_tariff): the base's energy price must be its bill's at the
  // base's load; the energy price is then derived sample by sample where the levels are uncertain
  // or a PPA makes the price depend on the load, and its effective price must stay >= 0 wherever
  // the samples reach. The load is monotone in each number that moves it (utilization, IT and
  // idle power, PUE, the site's size) and the price is monotone in the load on either side of
  // the PPA's block and linear in each level: it is checked at the load's least and most, at the
  // block between them, and at every corner of the levels' reach.
  void require_flat_tariff(const std::vector<uncertain>& cost_inputs,
                           const std::vector<uncertain_extra>& extra_inputs) {
    const electricity::flat_load_tariff& flat = extras_.flat_tariff;
    const auto per_kwh = [](double per_joule) { return per_joule * tpw::detail::joules_per_kwh; };
    if (!std::isfinite(flat.price_seconds) || !std::isfinite(flat.market_seconds) ||
        !(flat.block >= 0.0) || !std::isfinite(flat.block) || !(flat.ppa_price >= 0.0) ||
        !(flat.demand_charge >= 0.0) || !(flat.accelerators >= 0.0)) {
      throw invalid_input::shown_as("costs.energy.tariff", "(flat_load_tariff)",
                                    "its numbers must be finite, the block, prices, charge and "
                                    "accelerators >= 0: build it with electricity::flat_load_of");
    }
    for (const extra_input level : {extra_input::tariff_level, extra_input::demand_charge_level,
                                    extra_input::ppa_price_level}) {
      if (!obeys(rule_of(level), extras_[level])) {
        throw invalid_input(rule_of(level).path, extras_[level],
                            "must be in " + range_text(rule_of(level)));
      }
    }
    if (curve_) {
      const auto sets = curve_->sets();
      if (std::find(sets.begin(), sets.end(), cost_input::energy_price_per_kwh) != sets.end()) {
        throw invalid_input::shown_as("costs.energy.tariff", "(flat_load_tariff)",
                                      "a demand's fleet priced by a tariff has its own hourly "
                                      "load: leave the flat load's tariff inactive beside it");
      }
    }
    for (const auto& u : cost_inputs) {
      if (u.input == cost_input::energy_price_per_kwh) {
        throw invalid_input::shown_as("costs.energy.price_per_kwh", u.dist.describe(),
                                      "cannot be uncertain beside a tariff: its bill sets the "
                                      "price");
      }
    }
    const double at_base =
        per_kwh(extras_.flat_tariff_price(tpw::detail::operating_point_of(base_)));
    const double given = base_[cost_input::energy_price_per_kwh];
    if (!(std::abs(at_base - given) <= 1e-9 * std::max(1.0, std::abs(at_base)))) {
      throw invalid_input("costs.energy.price_per_kwh", given,
                          "must be the tariff's effective price at the base's flat load, " +
                              tpw::detail::number_text(at_base) +
                              " per kWh (extra_parameters::flat_tariff_price)");
    }
    if (!(tariff_varies_ || flat.ppa)) return;  // one price, the base's
    derives_energy_ = true;
    if (follows_curve_ && curve_->input() == extra_input::power_cap) {
      throw invalid_input::shown_as(rule_of(extra_input::power_cap).path, "(a distribution)",
                                    "cannot be uncertain beside a tariff on a flat load: give it "
                                    "as a number");
    }
    // The box: the load's least and most, the levels' lowest and highest.
    cost_parameters p_low = base_;
    cost_parameters p_high = base_;
    for (const auto& u : cost_inputs) {
      p_low[u.input] = u.dist.reachable_low();
      p_high[u.input] = u.dist.reachable_high();
    }
    extra_parameters e_low = extras_;
    extra_parameters e_high = extras_;
    for (const auto& u : extra_inputs) {
      const bool lowers = u.input == extra_input::site_headroom;  // more held back, fewer systems
      e_low.set(u.input, lowers ? u.dist.reachable_high() : u.dist.reachable_low());
      e_high.set(u.input, lowers ? u.dist.reachable_low() : u.dist.reachable_high());
    }
    const auto load_at = [&](const extra_parameters& e, const cost_parameters& p) {
      return e.flat_load_accelerators() *
             tpw::average_facility_power(tpw::detail::operating_point_of(p)).value();
    };
    // The load grows with the power, idle power and PUE; with the utilization it grows or falls
    // as the power serving passes the idle power or not: both ends of the utilization.
    const auto other_utilization = [](cost_parameters p, const cost_parameters& from) {
      p[cost_input::utilization] = from[cost_input::utilization];
      return p;
    };
    const double least =
        std::min(load_at(e_low, p_low), load_at(e_low, other_utilization(p_low, p_high)));
    const double most =
        std::max(load_at(e_high, p_high), load_at(e_high, other_utilization(p_high, p_low)));
    if (flat.ppa && !(least > 0.0)) {
      throw invalid_input::shown_as("costs.energy.tariff.ppa", "(a PPA on a flat load)",
                                    "the load reaches " + tpw::detail::number_text(least) +
                                        " W: a PPA's bill is priced per unit of a load above 0 "
                                        "(give the accelerators drawing it)");
    }
    const std::array<double, 3> loads{least, most, std::clamp(flat.block, least, most)};
    for (unsigned corner = 0; corner < 8; ++corner) {
      std::array<double, 3> levels{};
      std::size_t k = 0;
      for (const extra_input level : {extra_input::tariff_level, extra_input::demand_charge_level,
                                      extra_input::ppa_price_level}) {
        levels[k] = (corner >> k) & 1U ? e_high[level] : e_low[level];
        ++k;
      }
      for (const double load : loads) {
        const double price = per_kwh(flat.effective_price(load, levels[0], levels[1], levels[2]));
        if (!(price >= 0.0) || !std::isfinite(price)) {
          throw invalid_input::shown_as(
              "costs.energy.tariff",
              "(levels " + tpw::detail::number_text(levels[0]) + ", " +
                  tpw::detail::number_text(levels[1]) + ", " + tpw::detail::number_text(levels[2]) +
                  ")",
              "on a flat load of " + tpw::detail::number_text(load / 1e3) +
                  " kW, which the samples reach, the bill's effective price is " +
                  tpw::detail::number_text(price) +
                  " per kWh: the energy line must be >= 0 (surplus or market prices below every "
                  "cost)");
        }
      }
    }
  }

  [[nodiscard]] std::size_t cost_outputs() const noexcept {
    return has_revenue(base_) ? cost_output_count : cost_output_count - 2;
  }

  // The extras of sample s of inputs laid out with `stride`: its extra inputs at
  // x[(slots + k) * stride + s].
  [[nodiscard]] extra_parameters extras_at(const double* x, std::size_t stride,
                                           std::size_t s) const noexcept {
    extra_parameters e = extras_;
    for (std::size_t k = 0; k < extra_slots_.size(); ++k) {
      e.set(extra_slots_[k], x[(slots_.size() + k) * stride + s]);
    }
    return e;
  }

  // The extra figures of one sample, whose parameters are p: its extra inputs at
  // x[(slots + k) * stride + offset], its figures at y[k * y_stride] (cost per Mtok first).
  void add_extras(const cost_parameters& p, const double* x, std::size_t stride, std::size_t offset,
                  double* y, std::size_t y_stride) const noexcept {
    extra_parameters e = extras_at(x, stride, offset);
    if (follows_curve_) curve_->set_extras(e, p);
    if (e.life_follows_hardware) e[extra_input::life_years] = p[cost_input::hardware_life_years];
    double out[max_extra_outputs];
    const operating_point op = tpw::detail::operating_point_of(p);
    extra_figures(op, y[0], tpw::detail::price_equivalent_of(p, op) * 1e6, e, out);
    const std::size_t first = cost_outputs();
    const std::size_t count = extras_.output_count();
    for (std::size_t k = 0; k < count; ++k) y[(first + k) * y_stride] = out[k];
  }
  // Each parameter's base value repeated batch_size times: the rows a batch reads its certain
  // parameters from.
  static std::vector<double> base_rows(const cost_parameters& p) {
    std::vector<double> rows(cost_input_count * batch_size);
    for (std::size_t c = 0; c < cost_input_count; ++c) {
      std::fill_n(rows.begin() + static_cast<std::ptrdiff_t>(c * batch_size), batch_size,
                  p.values[c]);
    }
    return rows;
  }

  std::optional<input_space> make_space(const cost_parameters& base,
                                        const std::vector<uncertain>& list,
                                        const std::vector<uncertain_extra>& extra,
                                        const Eigen::MatrixXd* correlation,
                                        bool may_be_empty = false) const {
    check_uncertain_parameters(base, list);
    std::vector<uncertain_input> inputs;
    for (const auto& u : list) inputs.push_back({rule_of(u.input).path, u.dist});
    extra_parameters lowest = extras_;    // every price by kind at its lowest reachable value
    extra_parameters box_low = extras_;   // the curve's numbers at their lowest and highest
    extra_parameters box_high = extras_;  // reachable values
    bool on_any_curve = false;
    extra_parameters smallest = extras_;  // the site at its smallest reachable size
    std::string site_path;                // an uncertain site number's path, and its distribution
    std::string site_dist;
    std::vector<const uncertain_extra*> workload;  // the mix's uncertain numbers
    for (const auto& u : extra) {
      const bool price = is_price_by_kind(u.input);
      const bool work = is_workload(u.input);
      const bool flat_level = is_tariff_level(u.input) && extras_.flat_tariff.active;
      const bool on_curve = is_curve_input(u.input) && !flat_level;
      const bool site = is_site_input(u.input);
      const bool rate = is_rate(u.input);
      const bool growth = u.input == extra_input::demand_growth;
      if (growth && !(curve_ && curve_->moves_project())) {
        throw invalid_input(rule_of(u.input).path, u.dist.describe(),
                            "needs a demand section's fleet in a project (a finance section): "
                            "growth moves the project's later years");
      }
      if (growth) {
        detail::require_inside(rule_of(u.input), u.dist);
        on_any_curve = true;  // the curve's bills over the growth's reach (require_box)
        continue;
      }
      if (flat_level && u.input == extra_input::ppa_price_level && !extras_.flat_tariff.ppa) {
        throw invalid_input(rule_of(u.input).path, u.dist.describe(), "needs a tariff with a PPA");
      }
      if (flat_level) {
        detail::require_inside(rule_of(u.input), u.dist);
        inputs.push_back({rule_of(u.input).path, u.dist});
        continue;
      }
      if (price      ? !extras_.priced_by_kind
          : work     ? !(extras_.tokens_per_request > 0.0)
          : on_curve ? !(curve_ && curve_->reads(u.input))
          : site     ? !(extras_.site_system_mw > 0.0)
          : rate     ? !extras_.rates_given
                     : !extras_.carbon) {
        throw invalid_input(
            rule_of(u.input).path, u.dist.describe(),
            price      ? "needs prices by kind of token and a request mix"
            : work     ? "needs a workload (its input and output tokens)"
            : on_curve ? (is_latency_target(u.input)
                              ? "needs a measured frontier to pick the throughput on"
                          : u.input == extra_input::demand_scale
                              ? "needs a demand section's fleet to serve it"
                          : u.input == extra_input::demand_output_cv
                              ? "needs a demand section's fixed or given fleet under the "
                                "Allen-Cunneen queue (an elastic fleet's hourly counts and "
                                "M/M/c's waits do not move with it)"
                          : is_tariff_level(u.input)
                              ? "needs a demand section's fleet priced by a tariff (the PPA's "
                                "price: a tariff with a PPA)"
                              : "needs a power-cap curve to pick the throughput and draw on")
            : site     ? "needs a site: its power ceiling and each system's power"
            : rate     ? "needs the deployment's input and output rates, side by side"
                       : "needs a carbon section (grid_g_per_kwh at least)");
      }
      if (site) {
        // The smallest reachable site: the lowest ceiling, the most held back.
        smallest.set(u.input, u.input == extra_input::site_power_mw ? u.dist.reachable_low()
                                                                    : u.dist.reachable_high());
        if (site_path.empty() || u.input == extra_input::site_power_mw) {  // the ceiling first
          site_path = rule_of(u.input).path;
          site_dist = u.dist.describe();
        }
      }
      detail::require_inside(rule_of(u.input), u.dist);
      if (on_curve) {
        // (The tariff's levels and the output variability: their reach, in require_box.)
        if (!is_tariff_level(u.input) && u.input != extra_input::demand_output_cv) {
          curve_->require_within(u.dist);
        }
        box_low.set(u.input, u.dist.reachable_low());
        box_high.set(u.input, u.dist.reachable_high());
        on_any_curve = true;
      }
      const bool of_mix = extras_.of_mix(u.input);
      if ((u.input == extra_input::input_tokens || u.input == extra_input::output_tokens ||
           (of_mix && rate)) &&
          !(u.dist.reachable_low() > 0.0)) {
        throw invalid_input(rule_of(u.input).path, u.dist.describe(),
                            "its samples reach " +
                                tpw::detail::number_text(u.dist.reachable_low()) +
                                ": an uncertain token count or rate must stay above 0 (the "
                                "cost per Mtok of its kind divides by it)");
      }
      inputs.push_back({rule_of(u.input).path, u.dist});
      if (price) lowest.set(u.input, u.dist.reachable_low());
      if (of_mix) workload.push_back(&u);
    }
    if (on_any_curve) curve_->require_box(box_low, box_high);
    if (extras_.priced_by_kind) {
      // The blend is monotone in each number of the mix: its least is at a corner of their
      // reachable box.
      double least = std::numeric_limits<double>::infinity();
      for (std::size_t corner = 0; corner < (std::size_t{1} << workload.size()); ++corner) {
        extra_parameters e = lowest;
        for (std::size_t k = 0; k < workload.size(); ++k) {
          const distribution& d = workload[k]->dist;
          e.set(workload[k]->input, (corner >> k) & 1U ? d.reachable_high() : d.reachable_low());
        }
        least = std::min(least, blended_price_per_mtok(e));
      }
      if (!(least >= rule_of(cost_input::price_per_mtok).low)) {
        throw invalid_input("revenue.output_price_per_mtok", least,
                            "the prices by kind can blend to nothing: at their lowest reachable "
                            "values the mix earns less than 1e-6 per Mtok; raise them");
      }
    }
    if (!site_path.empty() && !(smallest.site_systems() >= 1.0)) {
      const double usable =
          smallest[extra_input::site_power_mw] * (1.0 - smallest[extra_input::site_headroom]);
      throw invalid_input(site_path, site_dist,
                          "its samples reach a site of " + tpw::detail::number_text(usable) +
                              " MW beside the headroom, below one system, which needs " +
                              tpw::detail::number_text(extras_.site_system_mw) +
                              " MW (provisioned IT power * PUE)");
    }
    if (inputs.empty() && may_be_empty) return std::nullopt;
    return correlation ? input_space(std::move(inputs), *correlation)
                       : input_space(std::move(inputs));
  }

  cost_parameters base_;
  extra_parameters extras_;
  std::shared_ptr<const operating_curve> curve_;
  std::optional<input_space> inputs_;
  std::vector<double> base_rows_;
  std::vector<cost_input> slots_;
  std::vector<extra_input> extra_slots_;
  std::size_t throughput_slot_ = static_cast<std::size_t>(-1);  // none: the base's
  bool derives_price_ = false;
  bool follows_curve_ = false;
  bool moves_project_ = false;  // the curve sets a project's yearly numbers, sample by sample
  bool site_varies_ = false;
  bool rates_vary_ = false;
  bool tariff_varies_ = false;     // a level of the tariff is uncertain
  bool output_cv_varies_ = false;  // the output length's variability on a demand's fleet
  // The energy price is a tariff's bill on each sample's flat load (require_flat_tariff).
  bool derives_energy_ = false;
};

// Runs the cost model over its uncertain inputs.
template <currency_type C>
run_result run(const cost_model<C>& model, const run_options& options) {
  return run(model.inputs(), model, options, model.output_names());
}

}  // namespace tpw::mc
