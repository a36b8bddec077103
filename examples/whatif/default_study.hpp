// tpw-whatif's built-in default study: the scenario files under examples/scenarios/ (each names
// its sources in its "notes"), embedded when the program is built. Four platforms whose
// throughput on the study's workload is measured in public (InferenceX, DeepSeek-R1 8k/1k fp8),
// each at a latency target of 40 tok/s per user, on a 100 MW site.
#pragma once

#include <string>
#include <vector>

#include <tpw/catalog/measured.hpp>

#include "default_study_files.hpp"

namespace tpw_whatif {

inline std::vector<std::string> default_study() {
  std::vector<std::string> files;
  for (const embedded_scenario& f : default_study_files) files.emplace_back(f.text);
  return files;
}

// The public figure of the same kind as the study's revenue per MW-year, and why they differ.
// InferenceX's revenue KPI: 32.6 B USD per GW-year (Kimi K3 at its list price, 60% utilization,
// per GW of all-in accelerator power without the facility).
inline constexpr double public_revenue_per_mw_year = 32.6e6;

inline std::string default_study_heading() {
  return "tpw-whatif: default study, DeepSeek-R1 8k/1k fp8 at 40 tok/s per user, priced at 1.35 "
         "USD per Mtok of input\n"
         "and 5.40 of output (GPU clouds, 2026-02; 1.80 blended) on a 100 MW site. Throughputs: "
         "InferenceX's\n"
         "published frontiers (examples/data/measured/). Scenario files: examples/scenarios/ "
         "(sources in their notes).\n\n";
}

// DeepSeek's own API price for R1 (the price list's first entry) over the study's 8k/1k mix, as a
// share of the study's GPU-cloud prices (its second).
inline double api_price_share() {
  const auto blend = [](const tpw::token_price_listing& l) {
    return tpw::detail::blended_per_mtok(l.input, l.output, 8192, 1024);
  };
  return blend(tpw::token_price_list[0]) / blend(tpw::token_price_list[1]);
}

inline constexpr const char* default_study_reasons =
    "Why they differ: utilization (the median here, not 60%); price (GPU clouds' 1.80 USD per "
    "Mtok blended,\n"
    "DeepSeek's own API 0.73, 0.41x); another model (DeepSeek-R1, 37 B active parameters, "
    "against Kimi K3);\n"
    "power per MW of the facility (PUE included), not of the accelerators; and every token "
    "made sold at\n"
    "list price.\n";

// What the break-even section's answers mean, in the study's units.
inline constexpr const char* default_study_break_even_notes =
    "  (1) and (2) are prices in USD per Mtok, blended over the 8k/1k mix (input and output prices "
    "scaled\n"
    "  together): (1) with every uncertain input at its median, (2) so that nine samples in ten "
    "make money.\n"
    "  (3) is the share of hours below which a token costs more than it sells for; (4) the most a "
    "whole\n"
    "  system (USD) could cost for a 15% project IRR before financing, at the study's prices.\n";

}  // namespace tpw_whatif
