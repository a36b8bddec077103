// tpw/catalog/platforms.hpp: built-in accelerator platforms, every figure with its provenance.
//
// Two views of each platform, kept apart because they have different boundaries:
//  - bottom-up: accelerators per system, rated power per accelerator, IT power per system and
//    price per system, for a deployment built from its parts (tpw::deployment, owned_hardware);
//  - InferenceX: SemiAnalysis' all-in power per accelerator and hourly cost tiers, the constants
//    behind the published cost-per-Mtok and tok/s-per-MW charts, in dated vintages
//    (inferencex_vintage): the current one (July 2026, the default) and the set used from late
//    2025 to mid 2026, kept for the studies that reproduce claims made with it. The vintages
//    define all-in power differently: see vintage_info.
// Every figure carries its value, unit, source, date and label; estimates carry a range (a prior
// for Monte Carlo). Each figure names its source and date beside its value.
// Money is in USD. Users override any figure with figure::overridden.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tpw/error.hpp"

namespace tpw {

enum class figure_label {
  spec,      // vendor datasheet
  measured,  // a benchmark measurement
  model,     // an analyst's modelled assumption
  estimate,  // press, street or tpw estimate: low confidence, use with its range
  user,      // overridden by the user
};

constexpr std::string_view label_name(figure_label label) noexcept {
  switch (label) {
    case figure_label::spec:
      return "spec";
    case figure_label::measured:
      return "measured";
    case figure_label::model:
      return "model";
    case figure_label::estimate:
      return "estimate";
    case figure_label::user:
      return "user";
  }
  return "unknown";
}

struct figure {
  double value = 0.0;
  std::string_view unit;
  std::string_view source;
  std::string_view date;  // when the figure was published (YYYY or YYYY-MM)
  figure_label label = figure_label::spec;
  double low = 0.0;  // the range an estimate may take; equal to value when the figure is exact
  double high = 0.0;

  // The same figure with the user's value: labelled `user`, with their source, and no range.
  [[nodiscard]] constexpr figure overridden(double new_value, std::string_view new_source,
                                            std::string_view new_date = "") const {
    return {new_value, unit, new_source, new_date, figure_label::user, new_value, new_value};
  }
  [[nodiscard]] constexpr bool has_range() const noexcept { return low < high; }
};

// A dated set of InferenceX constants.
enum class inferencex_vintage {
  v2025,     // late 2025 to mid 2026: all-in power includes the facility
  v2026_07,  // July 2026 (the current set): all-in power is the chip, host and NIC share
};
inline constexpr inferencex_vintage current_inferencex_vintage = inferencex_vintage::v2026_07;

struct vintage_info {
  std::string_view id;  // as reports and scenarios name it
  std::string_view source;
  std::string_view date;
  std::string_view all_in_power;  // what the power figure includes
  bool includes_facility;         // true: use PUE 1 on top of it
};

constexpr vintage_info info(inferencex_vintage v) noexcept {
  if (v == inferencex_vintage::v2025) {
    return {"inferencex-2025", "SemiAnalysis InferenceX dashboard constants", "2025-10 to 2026-06",
            "provisioned utility power per accelerator, described as including its share of "
            "server, network and facility",
            true};
  }
  return {"inferencex-2026-07",
          "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model (InferenceX "
          "hardware registry)",
          "2026-07",
          "the accelerator plus its share of host and NICs, no facility overhead: apply the "
          "site's PUE on top",
          false};
}

// One vintage's figures for a platform.
struct inferencex_set {
  figure all_in_power;   // kW per accelerator (see vintage_info::all_in_power)
  figure hourly_owned;   // USD per accelerator-hour, owned at hyperscale, 4-year life
  figure hourly_rental;  // USD per accelerator-hour: 2025, a 3-year rental with 25% upfront;
                         // 2026-07, the retail rental rate
  std::optional<figure> hourly_neocloud{};  // owned as a neocloud (the 2025 vintage only)
};

struct platform {
  std::string_view id;    // as scenario files name it: "gb200-nvl72"
  std::string_view name;  // as people write it
  long accelerators_per_system = 0;
  // Bottom-up view.
  figure accelerator_power;  // W per accelerator, rated
  figure system_it_power;    // kW per system
  figure system_price;       // USD per system
  // InferenceX view, by vintage (a platform newer than the 2025 set has none in it).
  std::optional<inferencex_set> inferencex_2025;
  inferencex_set inferencex_2026_07;

  // The platform's figures in a vintage; a vintage without the platform is refused.
  [[nodiscard]] const inferencex_set& inferencex(
      inferencex_vintage v = current_inferencex_vintage) const {
    if (v == inferencex_vintage::v2026_07) return inferencex_2026_07;
    if (!inferencex_2025) {
      throw invalid_input("vintage", info(v).id,
                          std::string("has no figures for ") + std::string(id) +
                              ", which is newer than it: use " +
                              std::string(info(inferencex_vintage::v2026_07).id));
    }
    return *inferencex_2025;
  }
};

namespace detail {
constexpr figure exact(double v, std::string_view unit, std::string_view source,
                       std::string_view date, figure_label label) {
  return {v, unit, source, date, label, v, v};
}
constexpr figure ranged(double v, double low, double high, std::string_view unit,
                        std::string_view source, std::string_view date) {
  return {v, unit, source, date, figure_label::estimate, low, high};
}

inline constexpr std::string_view inferencex = info(inferencex_vintage::v2025).source;
inline constexpr std::string_view inferencex_date = info(inferencex_vintage::v2025).date;
constexpr figure ix_kw(double v) {
  return exact(v, "kW", inferencex, inferencex_date, figure_label::model);
}
constexpr figure ix_hourly(double v, std::string_view note = "") {
  return exact(v, "USD/h", note.empty() ? inferencex : note, inferencex_date, figure_label::model);
}
// The 2025 vintage: all-in kW, hyperscaler, neocloud and rental USD/h.
constexpr inferencex_set ix2025(figure kw, figure owned, figure neocloud, figure rental) {
  return {kw, owned, rental, neocloud};
}
// The July 2026 vintage: all-in kW, owned at hyperscale and retail USD/h.
inline constexpr std::string_view ix2026_source = info(inferencex_vintage::v2026_07).source;
constexpr inferencex_set ix2026(double kw, double owned, double retail,
                                std::string_view retail_note = "") {
  return {exact(kw, "kW", ix2026_source, "2026-07", figure_label::model),
          exact(owned, "USD/h", ix2026_source, "2026-07", figure_label::model),
          exact(retail, "USD/h", retail_note.empty() ? ix2026_source : retail_note, "2026-07",
                figure_label::model),
          std::nullopt};
}
}  // namespace detail

// The catalog, in the order of the issue that asked for it.
inline constexpr std::array<platform, 12> platform_catalog{{
    {"h100", "NVIDIA H100 SXM (DGX H100)", 8,
     detail::exact(700, "W", "NVIDIA H100 datasheet", "2022", figure_label::spec),
     detail::exact(10.2, "kW", "NVIDIA DGX H100 user guide (max)", "2023", figure_label::spec),
     detail::ranged(270e3, 200e3, 300e3, "USD",
                    "press estimates: DGX H100 about $270k; $25-30k per GPU", "2023"),
     detail::ix2025(detail::ix_kw(1.73), detail::ix_hourly(1.30), detail::ix_hourly(1.69),
                    detail::ix_hourly(1.30)),
     detail::ix2026(1.37, 1.17, 2.00)},
    {"h200", "NVIDIA H200 SXM (DGX H200)", 8,
     detail::exact(700, "W", "NVIDIA H200 datasheet", "2024", figure_label::spec),
     detail::exact(10.2, "kW", "NVIDIA DGX H200 specifications", "2024", figure_label::spec),
     detail::ranged(292e3, 272e3, 312e3, "USD",
                    "street estimates: $34-39k per GPU in 8-GPU boards, times 8", "2025"),
     detail::ix2025(detail::ix_kw(1.73), detail::ix_hourly(1.41), detail::ix_hourly(1.74),
                    detail::ix_hourly(1.60)),
     detail::ix2026(1.37, 1.22, 2.90)},
    {"b200", "NVIDIA B200 (DGX B200)", 8,
     detail::exact(1000, "W", "NVIDIA B200 datasheet", "2024", figure_label::spec),
     detail::exact(14.3, "kW", "NVIDIA DGX B200 user guide", "2024", figure_label::spec),
     detail::ranged(379.2e3, 240e3, 379.2e3, "USD",
                    "press estimates: DGX B200 list about $47.4k per GPU; $30-40k per GPU",
                    "2024-12"),
     detail::ix2025(detail::ix_kw(2.17), detail::ix_hourly(1.95), detail::ix_hourly(2.34),
                    detail::ix_hourly(2.90)),
     detail::ix2026(1.71, 1.73, 3.70)},
    {"b300", "NVIDIA B300 (8-GPU HGX)", 8,
     detail::ranged(1200, 1000, 1400, "W",
                    "tpw estimate: not in the public figures; between B200 (1,000 W) and GB300 "
                    "(about 1,400 W)",
                    "2026"),
     detail::ranged(17.0, 14.3, 19.0, "kW",
                    "tpw estimate: DGX B200's 14.3 kW scaled by the GPU power, with a wide range",
                    "2026"),
     detail::ranged(455e3, 379.2e3, 520e3, "USD",
                    "tpw estimate: 1.2 x the DGX B200 list price, as InferenceX prices B300 at "
                    "1.2 x B200",
                    "2026"),
     detail::ix2025(
         detail::ix_kw(2.17),
         detail::ix_hourly(2.34,
                           "SemiAnalysis InferenceX dashboard constants (placeholder, 1.2x "
                           "B200)"),
         detail::ix_hourly(2.808), detail::ix_hourly(3.48)),
     detail::ix2026(1.90, 2.26, 4.25)},
    {"gb200-nvl72", "NVIDIA GB200 NVL72", 72,
     detail::exact(1200, "W", "NVIDIA Domain Power Service device specs (max per GPU)", "2025",
                   figure_label::spec),
     detail::ranged(132, 120, 132, "kW", "press estimates: about 120-132 kW per rack", "2025"),
     detail::ranged(3.2e6, 3.1e6, 3.3e6, "USD", "press estimates: about $3.1-3.3M per rack",
                    "2026"),
     detail::ix2025(detail::ix_kw(2.10), detail::ix_hourly(2.21), detail::ix_hourly(2.75),
                    detail::ix_hourly(3.30)),
     detail::ix2026(1.87, 1.86, 4.00)},
    {"gb300-nvl72", "NVIDIA GB300 NVL72", 72,
     detail::ranged(1400, 1300, 1500, "W", "press estimates: about 1,400 W per GPU", "2025"),
     detail::ranged(135, 120, 140, "kW", "press estimates: about 120-140 kW per rack", "2025"),
     detail::ranged(3.5e6, 3.0e6, 4.0e6, "USD",
                    "press estimates: about $3-4M per rack (low confidence)", "2026"),
     detail::ix2025(
         detail::ix_kw(2.10),
         detail::ix_hourly(2.652,
                           "SemiAnalysis InferenceX dashboard constants (placeholder, 1.2x "
                           "GB200)"),
         detail::ix_hourly(3.30), detail::ix_hourly(3.96)),
     detail::ix2026(2.12, 2.31, 5.00)},
    {"mi300x", "AMD Instinct MI300X (8-GPU OAM platform)", 8,
     detail::exact(750, "W", "AMD Instinct MI300X datasheet", "2023-12", figure_label::spec),
     detail::ranged(10.6, 9.0, 12.0, "kW",
                    "tpw estimate: 8 x 750 W GPUs in an H100-class server (DGX H100 10.2 kW)",
                    "2026"),
     detail::ranged(205.6e3, 180e3, 240e3, "USD",
                    "street estimate: about $25.7k per GPU from an 8-GPU listing, times 8", "2025"),
     detail::ix2025(detail::ix_kw(1.79), detail::ix_hourly(1.12), detail::ix_hourly(1.40),
                    detail::ix_hourly(1.55)),
     detail::ix2026(1.39, 0.95, 1.30)},
    {"mi325x", "AMD Instinct MI325X (8-GPU OAM platform)", 8,
     detail::exact(1000, "W", "AMD Instinct MI325X datasheet", "2024-10", figure_label::spec),
     detail::ranged(12.5, 11.0, 14.0, "kW",
                    "tpw estimate: 8 x 1,000 W GPUs plus an MI300X-class host", "2026"),
     detail::ranged(235e3, 200e3, 280e3, "USD",
                    "tpw estimate: not public; the MI300X estimate scaled by InferenceX's "
                    "hyperscaler hourly cost ratio (1.28 / 1.12)",
                    "2026"),
     detail::ix2025(detail::ix_kw(2.18), detail::ix_hourly(1.28), detail::ix_hourly(1.59),
                    detail::ix_hourly(1.80)),
     detail::ix2026(1.69, 1.10, 1.60)},
    {"mi355x", "AMD Instinct MI355X (8-GPU, liquid cooled)", 8,
     detail::exact(1400, "W", "AMD Instinct MI355X announcement", "2025-06", figure_label::spec),
     detail::ranged(15.4, 14.0, 18.0, "kW",
                    "tpw estimate: 8 x 1,400 W GPUs plus an MI300X-class host", "2026"),
     detail::ranged(271.7e3, 230e3, 330e3, "USD",
                    "tpw estimate: not public; the MI300X estimate scaled by InferenceX's "
                    "hyperscaler hourly cost ratio (1.48 / 1.12)",
                    "2026"),
     detail::ix2025(detail::ix_kw(2.65), detail::ix_hourly(1.48), detail::ix_hourly(1.90),
                    detail::ix_hourly(2.10)),
     detail::ix2026(2.09, 1.50, 2.90)},
    // Newer than the 2025 vintage: InferenceX's July 2026 registry has them. Their bottom-up
    // system figures are not public; the estimates below are derived as stated, with ranges.
    {"vera-rubin-nvl72", "NVIDIA Vera Rubin NVL72 (72 Rubin GPUs)", 72,
     detail::exact(1800, "W", "InferenceX hardware registry (TDP)", "2026-07", figure_label::model),
     detail::ranged(237.6, 190, 240, "kW",
                    "tpw estimate: 72 x InferenceX's 3.3 kW all-in per GPU (chip, host and NIC "
                    "share)",
                    "2026"),
     detail::ranged(6.2e6, 5.0e6, 7.5e6, "USD",
                    "tpw estimate: not public; the GB200 NVL72 rack (3.2 M) scaled by "
                    "InferenceX's owned hourly cost ratio (3.61 / 1.86)",
                    "2026"),
     std::nullopt, detail::ix2026(3.3, 3.61, 8.50)},
    {"tpu7x", "Google TPU7x (Ironwood, 4-chip host)", 4,
     detail::exact(980, "W", "InferenceX hardware registry (TDP)", "2026-07", figure_label::model),
     detail::ranged(4.83, 4.3, 5.5, "kW",
                    "tpw estimate: 4 x InferenceX's 1.207 kW all-in per chip (chip, host and NIC "
                    "share)",
                    "2026"),
     detail::ranged(132.6e3, 100e3, 170e3, "USD",
                    "tpw estimate: TPUs are not sold; 4 x the DGX B200 list price per GPU "
                    "($47.4k) scaled by InferenceX's owned hourly cost ratio (1.21 / 1.73)",
                    "2026"),
     std::nullopt,
     detail::ix2026(1.207, 1.21, 2.00,
                    "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model "
                    "(InferenceX hardware registry; a 3-year commit rental)")},
    {"rtx-pro-6000", "NVIDIA RTX PRO 6000 Blackwell Server Edition (8-GPU server)", 8,
     detail::exact(600, "W", "NVIDIA RTX PRO 6000 Blackwell Server Edition datasheet", "2025",
                   figure_label::spec),
     detail::ranged(7.8, 6.5, 9.0, "kW",
                    "tpw estimate: 8 x InferenceX's 0.975 kW all-in per GPU (chip, host and NIC "
                    "share)",
                    "2026"),
     detail::ranged(149e3, 100e3, 180e3, "USD",
                    "tpw estimate: not public; the DGX B200 list price scaled by InferenceX's "
                    "owned hourly cost ratio (0.68 / 1.73)",
                    "2026"),
     std::nullopt, detail::ix2026(0.975, 0.68, 0.52)},
}};

inline std::span<const platform> platforms() noexcept {
  return platform_catalog;
}

// A platform by id; an unknown id is refused with the list of known ones.
inline const platform& find_platform(std::string_view id, std::string_view field = "platform") {
  for (const platform& p : platform_catalog) {
    if (p.id == id) return p;
  }
  std::string known;
  for (const platform& p : platform_catalog) {
    known.append(known.empty() ? "" : ", ").append(p.id);
  }
  throw invalid_input(field, id, "is not in the catalog; known platforms: " + known);
}

}  // namespace tpw
