// tpw/catalog/plausibility.hpp: flags a figure beyond what tpw's measured data supports, with the
// evidence. The checks, against the measured frontier of the platform on the workload
// (tpw/catalog/measured.hpp) and the model's price list:
//  - throughput per accelerator above the best measured point (or, when it is uncertain, its 95th
//    percentile above it);
//  - a latency target (interactivity) outside the measured frontier's range;
//  - tokens per joule more than 10% above the best measured point's, that point's throughput over
//    the vintage's all-in power (times the site's PUE where the vintage leaves the facility out);
//    the 10% allows for the different power boundaries sources use;
//  - a price per million tokens outside the listed range for the model (USD lists only);
//  - revenue per accelerator-hour more than twice the platform's market rental price (the
//    current InferenceX vintage's retail rate, USD only): a spread that wide invites anyone to
//    rent the same accelerators and undercut the token price, so the revenue is unlikely to last.
// A flag is information, not an error: a user's own benchmark may beat the public one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/catalog/measured.hpp"
#include "tpw/catalog/platforms.hpp"
#include "tpw/error.hpp"

namespace tpw {

struct plausibility_input {
  std::string_view platform;  // catalog id; empty: no frontier checks
  std::string_view model;     // empty: nothing to check against
  long input_tokens = 0;
  long output_tokens = 0;
  std::string_view precision;            // empty: no frontier checks
  double throughput = 0.0;               // tok/s per accelerator
  std::optional<double> throughput_p95;  // its 95th percentile, when it is uncertain
  std::optional<double> interactivity;   // the latency target, tok/s per user
  double tokens_per_joule = 0.0;         // at the facility boundary
  double pue = 1.0;
  inferencex_vintage vintage = current_inferencex_vintage;
  std::string_view currency = "USD";
  std::optional<double> input_price;  // per million tokens, when priced by kind
  std::optional<double> output_price;
  std::optional<double> price;  // the blended price, when priced as one
  // Revenue per accelerator-hour (tokens at their price, or the contracts'), when there is any.
  std::optional<double> revenue_per_accelerator_hour;
};

// How far above the market rental price revenue per accelerator-hour is flagged.
inline constexpr double rental_spread_limit = 2.0;

struct plausibility_flag {
  std::string figure;  // the report's name for it: "throughput_tok_s"
  double value = 0.0;
  double limit = 0.0;  // the bound it passes
  std::string rule;    // "above the best measured point"
  std::string evidence;
};

struct plausibility_report {
  std::string measured;                // the measured frontier checked against, if any
  std::vector<std::string> unchecked;  // what could not be checked, and why
  std::vector<plausibility_flag> flags;
};

inline plausibility_report check_plausibility(const plausibility_input& in) {
  using detail::number_text;
  plausibility_report out;
  if (in.revenue_per_accelerator_hour && !in.platform.empty()) {
    if (in.currency != "USD") {
      out.unchecked.push_back(
          "revenue per accelerator-hour: the rental prices are in USD, the "
          "scenario in " +
          std::string(in.currency));
    } else {
      const platform& p = find_platform(in.platform);
      const figure& rental = p.inferencex(current_inferencex_vintage).hourly_rental;
      const double limit = rental_spread_limit * rental.value;
      if (*in.revenue_per_accelerator_hour > limit) {
        out.flags.push_back(
            {"revenue_per_accelerator_hour", *in.revenue_per_accelerator_hour, limit,
             "more than " + number_text(rental_spread_limit) +
                 "x the platform's market rental price",
             std::string(p.name) + " rents at " + number_text(rental.value) +
                 " USD per accelerator-hour (" + std::string(rental.source) + ", " +
                 std::string(rental.date) +
                 "): at this spread a competitor renting the same accelerators can undercut the "
                 "token price"});
      }
    }
  }
  if (in.model.empty()) {
    out.unchecked.emplace_back(
        "throughput, interactivity, tokens per joule and prices: name workload.model to check "
        "them against measured data and price lists");
    return out;
  }
  const std::string workload = std::string(in.model) + " " + std::to_string(in.input_tokens) + "/" +
                               std::to_string(in.output_tokens) + " " +
                               std::string(in.precision.empty() ? "(no precision)" : in.precision);
  const measured_frontier* m =
      in.platform.empty() || in.precision.empty()
          ? nullptr
          : find_measured(in.platform, in.model, in.input_tokens, in.output_tokens, in.precision);
  if (m == nullptr) {
    out.unchecked.push_back(
        std::string("throughput, interactivity and tokens per joule: tpw has no measured frontier "
                    "for ")
            .append(in.platform.empty() ? "a platform outside the catalog" : in.platform)
            .append(" on ")
            .append(workload));
  } else {
    out.measured = std::string(m->platform)
                       .append(" on ")
                       .append(m->workload_text())
                       .append(": ")
                       .append(m->source)
                       .append(", ")
                       .append(m->date);
    const measured_point* best = &m->points.front();
    for (const measured_point& p : m->points) best = p.throughput > best->throughput ? &p : best;
    const std::string best_text = number_text(best->throughput) + " tok/s per accelerator at " +
                                  number_text(best->interactivity) + " tok/s per user (" +
                                  std::string(m->source) + ", " + std::string(m->date) + ")";
    if (in.throughput > best->throughput) {
      out.flags.push_back({"throughput_tok_s", in.throughput, best->throughput,
                           "above the best measured point", "best measured: " + best_text});
    } else if (in.throughput_p95 && *in.throughput_p95 > best->throughput) {
      out.flags.push_back({"throughput_tok_s_p95", *in.throughput_p95, best->throughput,
                           "the uncertain throughput's 95th percentile is above the best "
                           "measured point",
                           "best measured: " + best_text});
    }
    if (in.interactivity) {
      const double lo = m->min_interactivity();
      const double hi = m->max_interactivity();
      if (*in.interactivity < lo || *in.interactivity > hi) {
        const bool below = *in.interactivity < lo;
        out.flags.push_back(
            {"interactivity_tok_s_user", *in.interactivity, below ? lo : hi,
             "outside the measured frontier",
             "measured from " + number_text(lo) + " to " + number_text(hi) + " tok/s per user" +
                 (below ? "; below it the throughput is held at the least interactive point, "
                          "which meets the target"
                        : "")});
      }
    }
    const platform& p = find_platform(in.platform);
    const vintage_info v = info(in.vintage);
    const double kw = p.inferencex(in.vintage).all_in_power.value;
    const double boundary = v.includes_facility ? 1.0 : in.pue;
    const double best_tpj = best->throughput / (kw * 1000.0 * boundary);
    if (in.tokens_per_joule > 1.1 * best_tpj) {
      out.flags.push_back(
          {"tokens_per_joule", in.tokens_per_joule, best_tpj,
           "more than 10% above the best measured point's",
           "best measured " + number_text(best->throughput) + " tok/s per accelerator over " +
               std::string(v.id) + "'s all-in " + number_text(kw) + " kW" +
               (v.includes_facility ? "" : " x PUE " + number_text(in.pue)) +
               " (per active second; the scenario's figure also counts idle hours)"});
    }
  }
  const std::optional<price_range> listed = listed_prices(in.model);
  if (!listed) {
    out.unchecked.push_back("prices: tpw has no price list for " + std::string(in.model));
  } else if (in.currency != "USD") {
    out.unchecked.push_back("prices: the price list is in USD, the scenario in " +
                            std::string(in.currency));
  } else {
    const auto check = [&](const char* figure, std::optional<double> value, double lo, double hi) {
      if (!value || (*value >= lo && *value <= hi)) return;
      out.flags.push_back(
          {figure, *value, *value < lo ? lo : hi,
           "outside the listed prices (" + number_text(lo) + " to " + number_text(hi) + ")",
           "listed: " + listed->sources});
    };
    check("input_price_per_mtok", in.input_price, listed->input_low, listed->input_high);
    check("output_price_per_mtok", in.output_price, listed->output_low, listed->output_high);
    if (!in.input_price && in.input_tokens > 0 && in.output_tokens > 0) {
      // One price for the mix: the list blended over the workload's input and output tokens.
      const auto blend = [&](double input, double output) {
        return detail::blended_per_mtok(input, output, in.input_tokens, in.output_tokens);
      };
      check("price_per_mtok", in.price, blend(listed->input_low, listed->output_low),
            blend(listed->input_high, listed->output_high));
    }
  }
  return out;
}

}  // namespace tpw
