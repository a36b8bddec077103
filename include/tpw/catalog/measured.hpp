// tpw/catalog/measured.hpp: measured throughput frontiers and token price lists, the evidence a
// scenario's figures are checked against (tpw::plausibility).
//
// Frontiers: throughput per accelerator against interactivity (tok/s per user) as SemiAnalysis
// InferenceX publishes them on its comparison pages, which give each platform's throughput at
// three interactivity targets, "interpolated from real benchmark data" (their Pareto frontier of
// measured points, monotone interpolation between them). The points here are those published
// values, labelled `interpolated`: they lie on the measured frontier, they are not raw runs. The
// same points, with their pages, are in examples/data/measured/ as CSV files a scenario can read.
// The pages price their points with the 2025 InferenceX vintage (their cost and tok/s per MW
// columns reproduce with it), so the snapshot predates July 2026.
//
// Price lists: dated public prices per million tokens, input and output apart.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tpw/error.hpp"
#include "tpw/model/workload.hpp"

namespace tpw {

struct measured_point {
  double interactivity = 0.0;  // tok/s per user (median)
  double throughput = 0.0;     // tok/s per accelerator, input and output together
};

struct measured_frontier {
  std::string_view platform;  // catalog id
  std::string_view model;     // "deepseek-r1"
  long input_tokens = 0;      // the benchmark's input and output lengths per request
  long output_tokens = 0;
  std::string_view precision;              // "fp8", "fp4"
  std::span<const measured_point> points;  // by increasing interactivity
  std::string_view source;                 // the page the points were read from
  std::string_view date;                   // when the points were published
  std::string_view label;                  // what the points are

  [[nodiscard]] double best_throughput() const noexcept {
    double best = 0.0;
    for (const measured_point& p : points) best = p.throughput > best ? p.throughput : best;
    return best;
  }
  [[nodiscard]] double min_interactivity() const noexcept { return points.front().interactivity; }
  [[nodiscard]] double max_interactivity() const noexcept { return points.back().interactivity; }
  // "DeepSeek-R1 8192/1024 fp8", for messages.
  [[nodiscard]] std::string workload_text() const {
    return std::string(model) + " " + std::to_string(input_tokens) + "/" +
           std::to_string(output_tokens) + " " + std::string(precision);
  }
};

namespace detail {
inline constexpr std::string_view ix_pages_date = "2025-10 to 2026-06";
inline constexpr std::string_view ix_pages_label =
    "interpolated: InferenceX's published frontier at these targets, from measured runs";
inline constexpr std::string_view ix_compare = "https://inferencex.semianalysis.com/compare/";
inline constexpr std::string_view ix_precision =
    "https://inferencex.semianalysis.com/compare-precision/";

// DeepSeek-R1, 8k/1k, fp8.
inline constexpr std::array<measured_point, 8> dsr1_8k1k_fp8_b200{{{25, 5856.9},
                                                                   {32, 5515.0},
                                                                   {35, 5397.0},
                                                                   {42, 5219.6},
                                                                   {44, 5160.2},
                                                                   {75, 2557.7},
                                                                   {120, 1110.0},
                                                                   {164, 751.2}}};
inline constexpr std::array<measured_point, 3> dsr1_8k1k_fp8_gb200{
    {{75, 5789.6}, {120, 3987.5}, {164, 817.8}}};
inline constexpr std::array<measured_point, 3> dsr1_8k1k_fp8_mi300x{
    {{23, 725.2}, {32, 601.1}, {42, 406.3}}};
inline constexpr std::array<measured_point, 3> dsr1_8k1k_fp8_mi325x{
    {{25, 854.2}, {35, 677.5}, {44, 456.8}}};
// DeepSeek-R1, 8k/1k, fp4.
inline constexpr std::array<measured_point, 3> dsr1_8k1k_fp4_b200{
    {{73, 9789}, {136, 2197}, {198, 1412}}};
inline constexpr std::array<measured_point, 3> dsr1_8k1k_fp4_gb200{
    {{75, 12503}, {120, 9356}, {164, 3995}}};
// DeepSeek-R1, 1k/1k, fp8.
inline constexpr std::array<measured_point, 3> dsr1_1k1k_fp8_h100{
    {{42, 266.3}, {71, 73.4}, {100, 23.3}}};
inline constexpr std::array<measured_point, 3> dsr1_1k1k_fp8_b200{
    {{42, 4791.6}, {71, 1020.2}, {100, 497.5}}};
inline constexpr std::array<measured_point, 3> dsr1_1k1k_fp8_gb300{
    {{71, 3513}, {128, 817}, {184, 117}}};
inline constexpr std::array<measured_point, 3> dsr1_1k1k_fp8_mi355x{
    {{66, 807.1}, {116, 295.1}, {166, 130.1}}};
// DeepSeek-R1, 1k/1k, fp4.
inline constexpr std::array<measured_point, 3> dsr1_1k1k_fp4_gb300{
    {{71, 11951}, {128, 4793}, {184, 959}}};
inline constexpr std::array<measured_point, 3> dsr1_1k1k_fp4_mi355x{
    {{66, 1847.7}, {116, 642.0}, {166, 206.4}}};
// A DeepSeek-R1 frontier read from InferenceX's pages: one date and label for them all.
constexpr measured_frontier dsr1(std::string_view platform, long input_tokens, long output_tokens,
                                 std::string_view precision, std::span<const measured_point> points,
                                 std::string_view source) {
  return {platform, "deepseek-r1", input_tokens,  output_tokens, precision,
          points,   source,        ix_pages_date, ix_pages_label};
}
}  // namespace detail

inline constexpr std::array<measured_frontier, 12> measured_frontiers{{
    detail::dsr1("b200", 8192, 1024, "fp8", detail::dsr1_8k1k_fp8_b200,
                 "InferenceX compare pages deepseek-r1-b200-vs-mi300x, -vs-mi325x, -vs-gb200"),
    detail::dsr1("gb200-nvl72", 8192, 1024, "fp8", detail::dsr1_8k1k_fp8_gb200,
                 "InferenceX compare page deepseek-r1-b200-vs-gb200"),
    detail::dsr1("mi300x", 8192, 1024, "fp8", detail::dsr1_8k1k_fp8_mi300x,
                 "InferenceX compare page deepseek-r1-b200-vs-mi300x"),
    detail::dsr1("mi325x", 8192, 1024, "fp8", detail::dsr1_8k1k_fp8_mi325x,
                 "InferenceX compare page deepseek-r1-b200-vs-mi325x"),
    detail::dsr1("b200", 8192, 1024, "fp4", detail::dsr1_8k1k_fp4_b200,
                 "InferenceX compare-precision page deepseek-r1-b200-fp4-vs-fp8 (whole tok/s)"),
    detail::dsr1("gb200-nvl72", 8192, 1024, "fp4", detail::dsr1_8k1k_fp4_gb200,
                 "InferenceX compare-precision page deepseek-r1-gb200-fp4-vs-fp8 (whole tok/s)"),
    detail::dsr1("h100", 1024, 1024, "fp8", detail::dsr1_1k1k_fp8_h100,
                 "InferenceX compare page deepseek-r1-b200-vs-h100"),
    detail::dsr1("b200", 1024, 1024, "fp8", detail::dsr1_1k1k_fp8_b200,
                 "InferenceX compare page deepseek-r1-b200-vs-h100"),
    detail::dsr1("gb300-nvl72", 1024, 1024, "fp8", detail::dsr1_1k1k_fp8_gb300,
                 "InferenceX compare-precision page deepseek-r1-gb300-fp4-vs-fp8 (whole tok/s)"),
    detail::dsr1("mi355x", 1024, 1024, "fp8", detail::dsr1_1k1k_fp8_mi355x,
                 "InferenceX compare-precision page deepseek-r1-mi355x-fp4-vs-fp8"),
    detail::dsr1("gb300-nvl72", 1024, 1024, "fp4", detail::dsr1_1k1k_fp4_gb300,
                 "InferenceX compare-precision page deepseek-r1-gb300-fp4-vs-fp8 (whole tok/s)"),
    detail::dsr1("mi355x", 1024, 1024, "fp4", detail::dsr1_1k1k_fp4_mi355x,
                 "InferenceX compare-precision page deepseek-r1-mi355x-fp4-vs-fp8"),
}};

// The measured frontier of a platform on a model, request lengths and precision, if tpw has one.
inline const measured_frontier* find_measured(std::string_view platform, std::string_view model,
                                              long input_tokens, long output_tokens,
                                              std::string_view precision) noexcept {
  for (const measured_frontier& f : measured_frontiers) {
    if (f.platform == platform && f.model == model && f.input_tokens == input_tokens &&
        f.output_tokens == output_tokens && f.precision == precision) {
      return &f;
    }
  }
  return nullptr;
}

namespace detail {
// USD per Mtok of a mix of input and output tokens at these prices per Mtok (tpw::blended_price).
inline double blended_per_mtok(double input, double output, long input_tokens, long output_tokens) {
  const token_pricing<USD> pricing{
      token_price<USD>::from_value(input / 1e6), token_price<USD>::from_value(output / 1e6), {}};
  request_shape shape;
  shape.input = tokens::from_value(static_cast<double>(input_tokens));
  shape.output = tokens::from_value(static_cast<double>(output_tokens));
  return blended_price(shape, pricing).value() * 1e6;
}
}  // namespace detail

// One dated public price of a model, USD per million tokens.
struct token_price_listing {
  std::string_view model;
  std::string_view offer;  // who sells it at this price
  double input = 0.0;
  double output = 0.0;
  std::string_view source;
  std::string_view date;
};

inline constexpr std::array<token_price_listing, 2> token_price_list{{
    {"deepseek-r1", "DeepSeek API (DeepSeek-R1)", 0.55, 2.19, "DeepSeek API documentation",
     "2025-01 to 2025-09"},
    {"deepseek-r1", "GPU clouds (DeepSeek-R1-0528)", 1.35, 5.40, "OpenRouter listing", "2026-02"},
}};

// The lowest and highest listed price of a model for each kind of token.
struct price_range {
  double input_low = 0.0, input_high = 0.0;
  double output_low = 0.0, output_high = 0.0;
  std::string sources;  // "DeepSeek API (DeepSeek-R1) 0.55/2.19 (2025-01 to 2025-09); ..."
};

inline std::optional<price_range> listed_prices(std::string_view model) {
  std::optional<price_range> r;
  for (const token_price_listing& l : token_price_list) {
    if (l.model != model) continue;
    if (!r) r = price_range{l.input, l.input, l.output, l.output, {}};
    r->input_low = l.input < r->input_low ? l.input : r->input_low;
    r->input_high = l.input > r->input_high ? l.input : r->input_high;
    r->output_low = l.output < r->output_low ? l.output : r->output_low;
    r->output_high = l.output > r->output_high ? l.output : r->output_high;
    r->sources.append(r->sources.empty() ? "" : "; ")
        .append(l.offer)
        .append(" ")
        .append(detail::number_text(l.input))
        .append("/")
        .append(detail::number_text(l.output))
        .append(" (")
        .append(l.source)
        .append(", ")
        .append(l.date)
        .append(")");
  }
  return r;
}

}  // namespace tpw
