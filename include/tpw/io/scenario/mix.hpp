// tpw/io/scenario/mix.hpp: what the demand section's candidate platforms give (docs/capacity.md,
// "Candidate platforms in a scenario"): each candidate's pool, its fleet alone, and the
// least-cost mix (tpw::capacity::least_cost_mix) at the peak the file's fleet is sized for. The
// scenario reader (tpw/io/scenario.hpp, detail::plan_mix) fills it.
#pragma once

#include <string>
#include <vector>

namespace tpw::io {

// One pool of the mix: the file's own platform (the first) or a candidate.
struct mix_pool {
  std::string name;
  std::string source;  // "this file", "inline" or the candidate's file as the scenario named it
  long accelerators_per_system = 0;
  double interactivity_tok_s_user = 0.0;  // its operating point's
  double throughput_tok_s = 0.0;          // per accelerator at that point
  long streams_per_system = 0;
  double holding_time_s = 0.0;
  double ttft_ms = 0.0;
  double availability = 1.0;            // the share of its installed systems up
  double facility_kw_per_system = 0.0;  // provisioned IT power x PUE
  // What a system costs a year: its hourly cost at the utilization it has when it alone serves
  // the demand, times 8,760 hours.
  double cost_per_system_year = 0.0;
  // The platform alone, sized by the demand section's rule for the same year and site.
  long alone_systems = 0;          // installed
  double alone_utilization = 0.0;  // year 1's
  bool alone_capped = false;       // the site's power stopped it short of the peak
  double alone_cost_per_year = 0.0;
  // In the mix.
  long systems_up = 0;
  long systems = 0;  // installed
  double servable_requests_per_s = 0.0;
  // A candidate's sections that the mix does not read (its revenue, finance, site, ...).
  std::vector<std::string> sections_not_read;
};

struct candidate_mix {
  double peak_requests_per_s = 0.0;  // the sized-for year's peak at the sizing scale
  int sized_for_year = 1;
  std::vector<mix_pool> pools;
  bool feasible = false;
  std::string reason;  // why no mix meets the peak, when none does
  double cost_per_year = 0.0;
  double power_mw = 0.0;  // the mix's installed facility power
  double servable_requests_per_s = 0.0;
  // The cheapest pool alone that meets the peak (empty: none does), and its cost a year.
  std::string cheapest_alone;
  double cheapest_alone_cost_per_year = 0.0;
};

}  // namespace tpw::io
