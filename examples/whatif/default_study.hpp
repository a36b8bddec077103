// tpw-whatif's built-in default study: five platforms serving DeepSeek-R1 at a 100 MW site,
// written as scenario files (the same parser reads them). Figures from
// the public sources named below; the catalog fills each platform's system price, IT
// power and accelerators per system.
//  - Throughput per GPU at one interactivity: H200 90 and GB300 NVL72 6,000 tok/s (NVIDIA's
//    2026-04 comparison, FP4 with multi-token prediction on GB300); GB200 NVL72 5,789.6 (tpw's
//    reference scenario, estimate); B200 1,200 and MI355X 1,100 are tpw's illustrative estimates
//    between them, with a wider spread (sigma 0.35 against 0.2).
//  - Owned for 4 years (SemiAnalysis' economic life), 8% cost of capital, a built facility at
//    11.7 M USD per MW over 15 years (Cushman & Wakefield 2025), PUE 1.15 for liquid-cooled racks
//    and 1.3 for air-cooled 8-GPU servers (Uptime, trade press), 3% maintenance, 4,500 USD of
//    software per GPU-year.
//  - Uncertain: utilization triangular(0.5, 0.7, 0.85); power price triangular(0.05, 0.08, 0.15)
//    USD/kWh (EIA: 0.077-0.083 US industrial, 0.066 Texas, 0.186 California); throughput
//    lognormal around the figures above.
//  - The workload the throughputs were measured on, 8,192 input and 1,024 output tokens a request,
//    priced by kind of token: 1.35 USD per Mtok of input and 5.40 of output (DeepSeek-R1 on a GPU
//    cloud, OpenRouter 2026-02, est), a blended 1.80 USD per Mtok of the mix.
#pragma once

#include <string>
#include <vector>

namespace tpw_whatif {

struct builtin_platform {
  const char* id;
  const char* name;
  double throughput;  // tok/s per GPU, median
  double sigma;       // of ln throughput
  double pue;
};

inline std::vector<std::string> default_study() {
  const builtin_platform platforms[] = {
      {"h200", "H200 (DGX)", 90.0, 0.2, 1.3},
      {"b200", "B200 (DGX)", 1200.0, 0.35, 1.3},
      {"gb200-nvl72", "GB200 NVL72", 5789.6, 0.2, 1.15},
      {"gb300-nvl72", "GB300 NVL72", 6000.0, 0.2, 1.15},
      {"mi355x", "MI355X (8-GPU)", 1100.0, 0.35, 1.15},
  };
  std::vector<std::string> files;
  for (const auto& p : platforms) {
    files.push_back(std::string(R"({
  "name": ")") + p.name +
                    R"(",
  "currency": "USD",
  "platform": ")" + p.id +
                    R"(",
  "deployment": {
    "utilization": {"dist": "triangular", "low": 0.5, "mode": 0.7, "high": 0.85},
    "throughput_tok_s": {"dist": "lognormal", "median": )" +
                    std::to_string(p.throughput) + R"(, "sigma": )" + std::to_string(p.sigma) +
                    R"(}
  },
  "costs": {
    "cost_of_capital": 0.08,
    "hardware": {"life_years": 4, "residual_fraction": 0},
    "facility": {"build_per_mw": 11700000, "life_years": 15},
    "energy": {"price_per_kwh": {"dist": "triangular", "low": 0.05, "mode": 0.08, "high": 0.15},
               "pue": )" +
                    std::to_string(p.pue) +
                    R"(},
    "opex": {"maintenance_fraction_per_year": 0.03, "software_per_accelerator_year": 4500}
  },
  "workload": {"input_tokens": 8192, "output_tokens": 1024},
  "revenue": {"input_price_per_mtok": 1.35, "output_price_per_mtok": 5.40},
  "site": {"power_mw": 100},
  "uncertainty": {"samples": 1000000, "seed": 42, "sensitivity": ["tornado", "sobol"]}
})");
  }
  return files;
}

}  // namespace tpw_whatif
