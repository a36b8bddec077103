// tpw-whatif, the program: arguments, studies, the table, the JSON report and the charts. main()
// (whatif.cpp) only passes argv and the terminal's state; the tests call run_whatif directly.
#pragma once

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <iomanip>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <tpw/format.hpp>
#include <tpw/io/solve.hpp>
#include <tpw/io/study.hpp>

#include "charts.hpp"
#include "csv.hpp"
#include "default_study.hpp"
#include "figures.hpp"

namespace tpw_whatif {

inline constexpr const char* usage = R"(usage: tpw-whatif [options]
  With no --scenario, runs the built-in default study: B200, GB200 NVL72, MI300X and MI325X
  serving DeepSeek-R1 (8k/1k, fp8) at 40 tok/s per user on a 100 MW site, on InferenceX's
  measured frontiers, with uncertain utilization, power price and throughput and a four-year
  project, and prints a table. Its scenario files are examples/scenarios/*.json: copy one to
  start your own.

options:
  --scenario FILE  a scenario file (JSON: docs/scenario.md; limits and guarantees for files from
                   others: docs/scenario-limits.md); repeat to compare several side by side
  --json           print the JSON report instead of the table (an array for several scenarios)
  --samples N      Monte Carlo samples per scenario (overrides uncertainty.samples)
  --seed S         random seed (overrides uncertainty.seed)
  --threads N      CPU threads (default: all)
  --gpu            run the Monte Carlo statistics and Sobol' indices on the GPU (builds with
                   CUDA only)
  --charts DIR     write charts (PNG and SVG, with their gnuplot scripts) to DIR
  --csv DIR        write the figures (figures.csv), each scenario's yearly cash flows
                   (cash_flows_N.csv), demand's fleet (capacity_N.csv), goal seeks
                   (solve.csv) and fleet ledger (fleet_N.csv) to DIR, for a spreadsheet
  --solve GOAL     solve an input for a target, in every scenario (docs/solve.md); repeat for
                   several: INPUT:FIGURE=TARGET for the point figure, or a Monte Carlo
                   statistic as mean(F), P90(F), P(F<=X) or P(F>X):
                   --solve 'revenue.price_per_mtok:P(project_npv<=0)=0.1'
  --allow-outside-files
                   let scenario files name CSV and benchmark files outside their own folder
                   (absolute paths, "..", links leading out); only for scenarios you trust
  --help           this text
)";

// The GPU engine, when the program was built with CUDA (whatif_gpu.cu); empty otherwise.
using gpu_engine = tpw::io::plan_engine;

// How this process takes part: tpw-whatif is one process; each of tpw-whatif-mpi's ranks
// (whatif_mpi.cpp) runs the whole program on the MPI engine, and only the first writes.
struct process {
  // The engine every study runs on (the MPI ranks); empty: the CPU, or the GPU with --gpu.
  tpw::io::plan_engine engine;
  // Whether this process checks the output folders and writes the chart and CSV files.
  bool writes = true;
  // Given whether this process's checks before the run passed, whether every process's did (on
  // MPI ranks a collective, so that no rank is left waiting in a run the others did not start).
  std::function<bool(bool)> all_passed;
};

struct arguments {
  std::vector<std::string> scenarios;
  bool json = false;
  bool gpu = false;
  std::optional<std::uint64_t> samples;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::optional<std::string> charts;
  std::optional<std::string> csv;
  std::vector<std::string> solves;  // --solve, as written
  tpw::io::named_file_reach reach = tpw::io::named_file_reach::scenario_folder;
  bool help = false;
};

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::uint64_t whole_argument(const std::string& option, const std::string& text,
                                    std::uint64_t low, std::uint64_t high) {
  // Digits only: std::stoull alone would skip spaces and wrap " -1" around to 2^64 - 1.
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool ok = !text.empty() && text[0] >= '0' && text[0] <= '9' && error == std::errc() &&
                  end == text.data() + text.size();
  if (!ok || value < low || value > high) {
    throw usage_error(option + " = " + text + ": must be a whole number in [" +
                      std::to_string(low) + ", " + std::to_string(high) + "]");
  }
  return value;
}

inline arguments parse_arguments(const std::vector<std::string>& args) {
  arguments a;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    const auto value = [&]() -> const std::string& {
      if (k + 1 >= args.size()) throw usage_error(arg + " needs a value (try --help)");
      return args[++k];
    };
    if (arg == "--help" || arg == "-h") {
      a.help = true;
    } else if (arg == "--json") {
      a.json = true;
    } else if (arg == "--gpu") {
      a.gpu = true;
    } else if (arg == "--allow-outside-files") {
      a.reach = tpw::io::named_file_reach::anywhere;
    } else if (arg == "--scenario") {
      a.scenarios.push_back(value());
    } else if (arg == "--samples") {
      a.samples = whole_argument(arg, value(), 1, 1'000'000'000'000ull);
    } else if (arg == "--seed") {
      a.seed = whole_argument(arg, value(), 0, UINT64_MAX);
    } else if (arg == "--threads") {
      a.threads = static_cast<unsigned>(whole_argument(arg, value(), 1, 4096));
    } else if (arg == "--charts") {
      a.charts = value();
    } else if (arg == "--csv") {
      a.csv = value();
    } else if (arg == "--solve") {
      a.solves.push_back(value());
    } else {
      throw usage_error("unknown argument '" + arg + "' (try --help)");
    }
  }
  return a;
}

// --- The table -----------------------------------------------------------------------------------

// A name as a terminal shows it: control characters (C0, DEL and C1, which could move the cursor
// or recolour the screen) and invisible or reordering ones (U+202E, zero-width spaces, the
// byte-order mark: tpw::detail::is_invisible_code_point) replaced by '?', cut to at most `columns`
// characters without splitting a UTF-8 sequence, padded with spaces to `columns` when `pad`.
// Scenario names are valid UTF-8 (the JSON reader refuses anything else); each code point counts as
// one column.
inline std::string display_name(std::string_view name, std::size_t columns = std::string::npos,
                                bool pad = false) {
  std::string out;
  std::size_t shown = 0;
  for (std::size_t k = 0; k < name.size() && shown < columns; ++shown) {
    const auto lead = static_cast<unsigned char>(name[k]);
    std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    length = std::min(length, name.size() - k);
    char32_t code = 0;
    const bool valid = tpw::detail::utf8_sequence(name.substr(k), code) == length;
    const bool invisible =
        valid && ((code >= 0x80 && code < 0xa0) || tpw::detail::is_invisible_code_point(code));
    if (lead < 0x20 || lead == 0x7f || invisible) {
      out += '?';
    } else {
      out.append(name.substr(k, length));
    }
    k += length;
  }
  if (pad && columns != std::string::npos && shown < columns) out.append(columns - shown, ' ');
  return out;
}

inline std::string num(double x) {
  return tpw::format_number(x);
}

// Columns a name takes on a terminal (display_name's code points).
inline std::size_t display_width(std::string_view name) {
  std::size_t width = 0;
  for (const char c : display_name(name)) width += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return width;
}

// One section of the table: a title, then a row per scenario, every column as wide as its widest
// cell and every name whole.
inline void print_section(
    std::ostream& out, const std::string& title, const std::vector<std::string>& heads,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& rows) {
  std::size_t name_width = display_width("scenario");
  for (const auto& [name, cells] : rows) name_width = std::max(name_width, display_width(name));
  std::vector<std::size_t> widths;
  for (const auto& head : heads) widths.push_back(head.size());
  for (const auto& [name, cells] : rows) {
    for (std::size_t k = 0; k < cells.size(); ++k) widths[k] = std::max(widths[k], cells[k].size());
  }
  const auto line = [&](const std::string& name, const std::vector<std::string>& cells) {
    out << display_name(name, name_width, true);
    for (std::size_t k = 0; k < cells.size(); ++k) {
      out << "  " << std::string(widths[k] - cells[k].size(), ' ') << cells[k];
    }
    out << "\n";
  };
  out << "\n" << title << "\n";
  line("scenario", heads);
  for (const auto& [name, cells] : rows) line(name, cells);
}

// How the demand section sized the fleet, and what it left unserved.
inline void print_capacity_line(std::ostream& out, const std::string& name,
                                const tpw::io::demand_choice& c) {
  const auto& p = c.plan;
  out << "  " << display_name(name) << ": " << c.sizing << " sizing ("
      << (c.queue == "erlang_c" ? "Erlang C" : "Allen-Cunneen M/G/c") << "), "
      << num(static_cast<double>(p.systems)) << " systems";
  if (c.sized_for_year > 1) out << " for the peak of year " << c.sized_for_year;
  if (p.capped) {
    out << "; the site's power holds " << num(static_cast<double>(p.systems)) << " of the "
        << num(static_cast<double>(p.systems_wanted)) << " wanted";
  }
  if (p.hours_short > 0.0) {
    out << "; " << tpw::format_percent(p.unserved_share()) << " of requests unserved in "
        << num(p.hours_short) << " hours short of the target";
  } else {
    out << "; every hour meets the target";
  }
  if (const auto& u = c.uncertain) {
    if (!u->scale.empty() || !u->output_cv.empty()) {
      out << "; ";
      if (!u->scale.empty()) {
        out << "demand x " << u->scale;
        if (u->size_for_percentile) {
          out << ", bought for its P" << num(100.0 * *u->size_for_percentile);
        }
        if (!u->output_cv.empty()) out << ", ";
      }
      if (!u->output_cv.empty()) out << "output length cv " << u->output_cv;
      out << ": ";
      if (!u->scale.empty()) {
        out << "systems for the peak at P50 / P95 " << num(u->systems_for_peak[1]) << " / "
            << num(u->systems_for_peak[2]) << ", ";
      }
      out << "P(the peak hour short) " << tpw::format_percent(u->probability_short)
          << ", unserved at P95 " << tpw::format_percent(u->unserved_share[2]);
    }
    if (u->last_year > 1) {
      out << "; in year " << u->last_year;
      if (!u->growth.empty()) out << " (growth a year " << u->growth << ")";
      out << ": P(the peak hour short) " << tpw::format_percent(u->last_probability_short)
          << ", unserved at P95 " << tpw::format_percent(u->last_unserved_share[2]);
    }
  }
  for (std::size_t k = 0; k < c.years.size(); ++k) {
    if (c.years[k].hours_short > 0.0) {
      out << "; year " << k + 1 << ": " << tpw::format_percent(c.years[k].unserved_share())
          << " unserved";
    }
  }
  out << "\n";
}

// demand.candidates: the least-cost mix at the sized-for peak, beside each platform alone.
inline void print_mix_line(std::ostream& out, const std::string& name,
                           const tpw::io::candidate_mix& m, const std::string& currency) {
  const auto money = [&](double x) { return num(x / 1e6) + " M " + currency; };
  out << "  " << display_name(name) << ": least-cost mix for " << num(m.peak_requests_per_s)
      << " requests/s at the peak";
  if (m.sized_for_year > 1) out << " of year " << m.sized_for_year;
  out << ": ";
  if (m.feasible) {
    bool first = true;
    for (const auto& p : m.pools) {
      if (p.systems == 0) continue;
      out << (first ? "" : " + ") << num(static_cast<double>(p.systems)) << " "
          << display_name(p.name);
      first = false;
    }
    out << " systems, " << money(m.cost_per_year) << " a year, " << num(m.power_mw) << " MW";
  } else {
    out << m.reason;
  }
  out << "; alone:";
  for (std::size_t k = 0; k < m.pools.size(); ++k) {
    const auto& p = m.pools[k];
    out << (k == 0 ? " " : ", ") << display_name(p.name) << " "
        << num(static_cast<double>(p.alone_systems)) << " systems, " << money(p.alone_cost_per_year)
        << " at " << tpw::format_percent(p.alone_utilization) << " utilization"
        << (p.alone_capped ? " (capped by the site: short of the peak)" : "");
  }
  out << "\n";
}

inline void print_table(std::ostream& out, const std::vector<tpw::io::study>& studies) {
  const std::string cur = studies.front().input.currency;
  std::vector<std::vector<figure>> figures;
  for (const auto& s : studies) figures.push_back(figures_of(s));
  const std::map<std::string, std::string> titles{
      {"Cost", "Cost per Mtok (" + cur + "), uncertain inputs at their medians"},
      {"Efficiency", "Efficiency"},
      {"Revenue", "Revenue"},
      {"Workload", "Workload: per request and per kind of token (" + cur + ")"},
      {"Capacity", "Capacity: the fleet sized to demand, year 1 (waits at the peak hour)"},
      {"Energy bill", "Energy bill on the hourly load, year 1 (" + cur + ")"},
      {"Finance", "Finance over the site's systems (" + cur + ")"},
      {"Carbon", "Carbon (gCO2e per Mtok; tCO2e a year for the site)"},
      {"Site", "Site (" + cur + " a year)"}};
  out << "Money in " << cur << "; data vintage";
  for (std::size_t n = 0; n < studies.size(); ++n) {
    const auto v = tpw::info(studies[n].input.vintage);
    if (n > 0 && studies[n].input.vintage == studies[n - 1].input.vintage) continue;
    out << (n == 0 ? " " : "; ") << v.id << " (" << v.date << ")";
  }
  out << "\n";
  for (const auto& section : figure_sections()) {
    // The section's columns: every figure some scenario gives.
    std::vector<std::string> heads;
    for (const auto& list : figures) {
      for (const auto& f : list) {
        if (f.section != section || !f.value) continue;
        if (std::find(heads.begin(), heads.end(), f.header) == heads.end()) {
          heads.push_back(f.header);
        }
      }
    }
    if (heads.empty()) continue;
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    for (std::size_t n = 0; n < studies.size(); ++n) {
      std::vector<std::string> cells(heads.size(), "-");
      for (const auto& f : figures[n]) {
        const auto k = std::find(heads.begin(), heads.end(), f.header);
        if (f.section != section || !f.value || k == heads.end()) continue;
        cells[static_cast<std::size_t>(k - heads.begin())] =
            f.percent ? tpw::format_percent(*f.value) : num(*f.value);
      }
      rows.emplace_back(studies[n].input.name, std::move(cells));
    }
    print_section(out, titles.at(section), heads, rows);
  }
  for (std::size_t n = 0; n < studies.size(); ++n) {
    const auto& s = studies[n];
    if (s.input.frontier) {
      const auto& f = *s.input.frontier;
      out << "  " << display_name(s.input.name) << ": the operating point is bound by "
          << f.bound_by;
      if (f.frontier.clamped(tpw::token_rate::from_value(f.min_interactivity))) {
        out << "; " << num(f.min_interactivity)
            << " tok/s per user is below the first measured point, served at its "
            << num(f.frontier.min_interactivity().value()) << " tok/s per user and throughput";
      }
      out << "\n";
    }
    if (const auto& cap = s.input.power_cap) {
      out << "  " << display_name(s.input.name) << ": power cap " << num(cap->chosen.cap.value())
          << " W (" << cap->rule << "): " << num(cap->chosen.throughput.value())
          << " tok/s per accelerator drawing " << num(cap->chosen.power_draw.value()) << " W, plus "
          << num(cap->overhead_w) << " W of the system per accelerator\n";
    }
    if (const auto& demand = s.input.demand) print_capacity_line(out, s.input.name, *demand);
    if (const auto& mix = s.input.mix) print_mix_line(out, s.input.name, *mix, s.input.currency);
    if (const auto& tariff = s.input.tariff; tariff && tariff->years.size() > 1) {
      // Each project year's bill on that year's load, whose price the project pays that year.
      out << "  " << display_name(s.input.name) << ": energy price by year on its own bill ("
          << s.input.currency << "/kWh):";
      for (std::size_t k = 0; k < tariff->years.size(); ++k) {
        out << (k == 0 ? " " : ", ")
            << num(tpw::in(tariff->years[k].effective_price(),
                           tpw::units::unit_of<tpw::io::scenario_currency> / tpw::units::kWh));
      }
      out << "\n";
    }
    if (s.input.tariff) {
      // The tariff's uncertain levels: each sample prices its own load at its own.
      std::string levels;
      for (const auto& u : s.input.extra_uncertain) {
        if (!tpw::is_tariff_level(u.input)) continue;
        levels +=
            std::string(levels.empty() ? "" : ", ") +
            (u.input == tpw::extra_input::tariff_level          ? "level x "
             : u.input == tpw::extra_input::demand_charge_level ? "demand charge per kW-month "
                                                                : "PPA price per MWh ") +
            u.dist.describe();
      }
      if (!levels.empty()) {
        out << "  " << display_name(s.input.name) << ": tariff uncertain, " << levels
            << ": each sample's bill at its own (the bill above at their medians)\n";
      }
      // A PPA on a flat load: the block's share of the load, and so the price, moves with it
      // (with the utilization only where the idle power differs from the power serving).
      const bool idle_given = s.input.base.idle_given;
      const auto moves_load = [idle_given](const auto& u) {
        return tpw::moves_facility_load(u.input) &&
               (u.input != tpw::cost_input::utilization || idle_given);
      };
      const bool load_varies =
          std::any_of(s.input.uncertain.begin(), s.input.uncertain.end(), moves_load) ||
          std::any_of(s.input.extra_uncertain.begin(), s.input.extra_uncertain.end(),
                      [](const auto& u) { return tpw::is_site_input(u.input); });
      if (!s.input.demand && s.input.tariff->tariff.ppa && load_varies) {
        out << "  " << display_name(s.input.name)
            << ": each sample's energy priced on its own flat load (the PPA's block is a larger "
               "share of a smaller load; the bill above at the medians)\n";
      }
    }
    for (const auto& flag : s.plausibility.flags) {
      out << "  " << display_name(s.input.name) << ": ! " << flag.figure << " " << num(flag.value)
          << " " << flag.rule << " (" << num(flag.limit) << "): " << display_name(flag.evidence)
          << "\n";
    }
    if (s.finance) {
      for (const auto* irr : {&s.finance->project_irr, &s.finance->equity_irr}) {
        if (!irr->unique()) {
          out << "  " << display_name(s.input.name) << ": "
              << (irr == &s.finance->project_irr ? "IRR" : "equity IRR") << ": " << irr->reason
              << "\n";
        }
      }
    }
  }

  bool any_uncertain = false;
  for (const auto& s : studies) any_uncertain = any_uncertain || s.statistics.has_value();
  if (!any_uncertain) return;
  // A column for each figure some study summarized (uncertainty.outputs may name a few): P5 /
  // P50 / P95; an IRR or payback over the samples that have one, with the share that has none.
  struct column {
    std::string name;
    std::string head;
    bool percent;
  };
  const std::vector<column> columns{
      {"cost_per_mtok", cur + "/Mtok", false}, {"cost_per_request", cur + "/request", false},
      {"tokens_per_joule", "tok/J", false},    {"carbon_g_per_mtok", "gCO2e/Mtok", false},
      {"gross_margin", "margin", true},        {"revenue_per_mw_year", "rev/MW-yr", false},
      {"project_npv", "NPV", false},           {"project_irr", "IRR", true},
      {"payback_years", "payback (yr)", false}};
  const std::size_t single_period = 6;  // the columns before the project's
  const auto statistics_of = [](const tpw::io::study& s,
                                const std::string& name) -> const tpw::mc::output_statistics* {
    for (const auto& o : s.statistics->outputs) {
      if (o.name == name) return &o;
    }
    for (const auto& f : s.project_figures) {
      if (f.statistics.name == name) return &f.statistics;
    }
    return nullptr;
  };
  const auto band = [&](const tpw::io::study& s, const column& c) {
    const tpw::mc::output_statistics* o = statistics_of(s, c.name);
    if (o == nullptr) return std::string("-");
    std::string text;
    if (o->count > 0) {
      const auto f = [&](double x) { return c.percent ? tpw::format_percent(x) : num(x); };
      text = f(o->quantile(0.05)) + " / " + f(o->quantile(0.5)) + " / " + f(o->quantile(0.95));
    }
    for (const auto& p : s.project_figures) {
      if (p.statistics.name != c.name || p.missing == 0) continue;
      text += (text.empty() ? "" : "; ") + tpw::format_percent(p.missing_share()) + " without";
    }
    return text;
  };
  // The single-period figures, then the project's, each section where it has one.
  const auto section = [&](const std::string& title, std::size_t first, std::size_t last) {
    std::vector<std::string> heads;
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    for (const auto& s : studies) {
      if (s.statistics) rows.emplace_back(s.input.name, std::vector<std::string>{});
    }
    for (std::size_t k = first; k < last; ++k) {
      std::vector<std::string> cells;
      bool any = false;
      for (const auto& s : studies) {
        if (!s.statistics) continue;
        cells.push_back(band(s, columns[k]));
        any = any || cells.back() != "-";
      }
      if (!any) continue;
      heads.push_back(columns[k].head);
      for (std::size_t r = 0; r < rows.size(); ++r) rows[r].second.push_back(cells[r]);
    }
    if (!heads.empty()) print_section(out, title, heads, rows);
  };
  section("Uncertainty: P5 / P50 / P95 of each figure", 0, single_period);
  section("Project uncertainty (" + cur + "): P5 / P50 / P95", single_period, columns.size());
  for (const auto& s : studies) {
    if (s.project_figures.empty() || s.project_figures.front().evaluated == s.samples) continue;
    out << "  " << display_name(s.input.name) << ": IRR and payback over the first "
        << s.project_figures.front().evaluated << " samples\n";
  }
  for (const auto& s : studies) {
    if (!s.statistics) continue;
    for (std::size_t k = 0; k < s.input.exceedances.size(); ++k) {
      const auto& q = s.input.exceedances[k];
      const double above = s.statistics->exceedances.at(k).probability;
      out << "  " << display_name(s.input.name) << ": P(" << q.figure << (q.below ? " <= " : " > ")
          << num(q.threshold) << ") = " << tpw::format_percent(q.below ? 1.0 - above : above);
      // Samples without the figure are counted, and said: a payback never reached is above
      // every threshold; a sample without an IRR is above none.
      const double without = s.statistics->exceedances.at(k).share_without;
      if (without > 0.0) {
        const bool above =
            tpw::mc::detail::missing_is_above(tpw::mc::detail::optional_project_figure(q.figure));
        out << " (" << tpw::format_percent(without)
            << (above ? " never pay back, counted above every threshold"
                      : " without an IRR, counted at or below every threshold")
            << ")";
      }
      out << "\n";
    }
    out << "  " << display_name(s.input.name) << ": " << s.samples << " samples ("
        << tpw::mc::to_string(s.input.design) << ", seed " << s.seed << ")";
    // The drivers of the cost per Mtok, or where it does not move (only the site's power or the
    // project's numbers uncertain) of the first figure that does: a figure no input moves has no
    // drivers to name.
    const auto varies = [](const tpw::mc::sobol_indices& x) {
      return x.variance > 0.0 && std::any_of(x.indices.begin(), x.indices.end(),
                                             [](const auto& i) { return i.total > 0.0; });
    };
    auto driven = std::find_if(s.sobol.begin(), s.sobol.end(), [&](const auto& x) {
      return x.output == "cost_per_mtok" && varies(x);
    });
    if (driven == s.sobol.end()) driven = std::find_if(s.sobol.begin(), s.sobol.end(), varies);
    if (driven != s.sobol.end()) {
      out << "; " << (driven->output == "cost_per_mtok" ? "cost per Mtok" : driven->output)
          << " driven by (Sobol' total)";
      auto indices = driven->indices;
      std::sort(indices.begin(), indices.end(),
                [](const auto& a, const auto& b) { return a.total > b.total; });
      for (std::size_t k = 0; k < indices.size(); ++k) {
        out << (k == 0 ? " " : ", ") << indices[k].input << " " << num(indices[k].total);
      }
    } else if (!s.sobol.empty()) {
      out << "; no figure varies with the uncertain inputs (no Sobol' drivers)";
    }
    out << "\n";
  }
}

// After the default study's table: its revenue per MW-year beside the public figure of the same
// kind, at the study's assumptions and at the public figure's, and why they differ.
inline void print_default_comparison(std::ostream& out,
                                     const std::vector<tpw::io::study>& studies) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  for (const auto& s : studies) {
    const double revenue =
        tpw::io::point_figures(s)[static_cast<std::size_t>(tpw::cost_output::revenue_per_mw_year)];
    // Revenue per MW-year is linear in utilization and in price.
    const double at_60 = revenue * 0.6 / s.input.base[tpw::cost_input::utilization];
    const double at_api = at_60 * api_price_share();
    const auto ratio = [](double x) { return num(x / public_revenue_per_mw_year) + "x"; };
    rows.emplace_back(s.input.name,
                      std::vector<std::string>{num(revenue), ratio(revenue), num(at_60),
                                               num(at_api), ratio(at_api)});
  }
  print_section(out,
                "Compare: InferenceX's revenue KPI, 32.6 B USD per GW-year (" +
                    num(public_revenue_per_mw_year) +
                    " per MW-year;\nKimi K3 at its list price, 60% utilization)",
                {"rev/MW-yr", "vs KPI", "at 60%", "and API price", "vs KPI"}, rows);
  out << default_study_reasons;
}

// A goal seek's answer in one cell: the root (every root, when the figure turns), or how near
// the target came.
inline std::string goal_cell(const tpw::solve::goal_result& g) {
  if (!g.reached()) {
    if (!g.found.reached) return "no value";
    return "out of reach (closest " + num(g.found.reached->closest) + " at " +
           num(g.found.reached->at_closest) + ")";
  }
  std::string cell;
  for (const auto& r : g.found.roots) cell.append(cell.empty() ? "" : " and ").append(num(r.x));
  if (g.given) cell.append(" (" + num(*g.given) + ")");
  return cell;
}

// A text table: a row of heads, then rows, each column right-aligned to its widest cell but the
// first (left-aligned).
inline void print_grid(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t k = 0; k < row.size(); ++k) {
      widths[k] = std::max(widths[k], display_width(row[k]));
    }
  }
  for (const auto& row : rows) {
    std::string line = "   ";
    for (std::size_t k = 0; k < row.size(); ++k) {
      const std::string pad(widths[k] - display_width(row[k]), ' ');
      line += ' ';
      if (k > 0) line += pad;
      line += display_name(row[k]);
      if (k == 0) line += pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  }
}

// A date's distribution in words: "2026 39%, 2027 12%" (the periods holding a share, in order;
// the six largest when there are more).
inline std::string dates_text(const tpw::fleet::event_statistics& e,
                              const tpw::fleet::calendar& when) {
  std::vector<std::size_t> held;
  for (std::size_t p = 0; p < e.share_by_period.size(); ++p) {
    if (e.share_by_period[p] > 0.0) held.push_back(p);
  }
  if (held.size() > 6) {
    std::partial_sort(
        held.begin(), held.begin() + 6, held.end(),
        [&](std::size_t a, std::size_t b) { return e.share_by_period[a] > e.share_by_period[b]; });
    held.resize(6);
    std::sort(held.begin(), held.end());
  }
  std::string text;
  for (const std::size_t p : held) {
    text += (text.empty() ? "" : ", ") + when.label(static_cast<int>(p)) + " " +
            tpw::format_percent(e.share_by_period[p]);
  }
  return text;
}

// The fleet under uncertainty: the NPV's spread, when each installed cohort is retired, when each
// generation is first bought and how long its first purchase serves.
inline void print_fleet_uncertainty(
    std::ostream& out, const tpw::fleet::fleet_statistics& u,
    const tpw::fleet::fleet_spec<tpw::io::scenario_currency>& spec) {
  const auto m = [](double x) { return num(x / 1e6); };
  out << "    under uncertainty (" << num(static_cast<double>(u.samples)) << " samples of";
  for (std::size_t k = 0; k < u.inputs.size(); ++k) out << (k ? ", " : " ") << u.inputs[k];
  out << "): NPV P5 / P50 / P95 " << m(u.npv_p5) << " / " << m(u.npv_p50) << " / " << m(u.npv_p95)
      << ", P(NPV < 0) " << tpw::format_percent(u.chance_npv_negative) << "\n";
  if (u.meets_demand) {
    out << "    demand unserved: " << tpw::format_percent(u.unserved_share_mean)
        << " of the calendar's tokens on average; some left unserved in "
        << tpw::format_percent(u.chance_unserved) << " of samples\n";
  }
  for (std::size_t k = 0; k < u.installed_retired.size(); ++k) {
    const auto& e = u.installed_retired[k];
    out << "    installed " << display_name(spec.generations[spec.installed[k].generation].name)
        << ": retired before its usable life ends in " << tpw::format_percent(e.share)
        << " of samples" << (e.share > 0.0 ? ": " + dates_text(e, spec.when) : std::string())
        << "\n";
  }
  for (std::size_t g = 0; g < spec.generations.size(); ++g) {
    const auto& e = u.first_purchase[g];
    if (e.share == 0.0) continue;
    out << "    " << display_name(spec.generations[g].name) << ": first bought in "
        << tpw::format_percent(e.share) << " of samples: " << dates_text(e, spec.when);
    const auto& life = u.economic_life[g];
    if (life.share > 0.0) {
      out << "; that purchase leaves within the calendar in " << tpw::format_percent(life.share)
          << ", after ";
      std::string lengths;
      for (std::size_t p = 0; p < life.share_by_period.size(); ++p) {
        if (life.share_by_period[p] <= 0.0) continue;
        lengths += (lengths.empty() ? "" : ", ") +
                   num(static_cast<double>(p) / spec.when.per_year()) + " years " +
                   tpw::format_percent(life.share_by_period[p]);
      }
      out << lengths;
    }
    out << "\n";
    // Every purchase's date and life, when a sample buys it more than once.
    const auto& all = u.purchases[g];
    if (all.share > e.share) {
      out << "      every purchase (" << num(all.share)
          << " a sample): " << dates_text(all, spec.when);
      const auto& lives = u.every_life[g];
      if (lives.share > 0.0) {
        out << "; those leaving within the calendar (" << num(lives.share) << " a sample) serve "
            << num(lives.mean) << " years on average (P5 / P50 / P95 " << num(lives.p5) << " / "
            << num(lives.p50) << " / " << num(lives.p95) << ")";
      }
      out << "\n";
    }
  }
}

// The fleet section's plan: the rule and the fleet's NPV, IRR and payback; each cohort; each
// period's MW by generation and its flows (by year when the step is shorter and the calendar
// longer than four years).
inline void print_fleet(std::ostream& out, const std::vector<tpw::io::study>& studies) {
  bool any = false;
  for (const auto& s : studies) any = any || s.fleet.has_value();
  if (!any) return;
  out << "\nFleet over time (the fleet section, docs/fleet.md; money in millions)\n";
  const auto m = [](double x) { return num(x / 1e6); };
  for (const auto& s : studies) {
    if (!s.fleet) continue;
    const auto& plan = *s.fleet;
    const auto& l = plan.ledger;
    const auto& spec = s.input.fleet->spec;
    const auto& when = spec.when;
    out << "  " << display_name(s.input.name) << ": " << when.label(0) << " to "
        << when.label(when.periods() - 1) << " by " << tpw::fleet::step_name(when.every) << ", "
        << tpw::io::refresh_name(plan.rule);
    if (plan.rule == tpw::fleet::refresh_rule::best_npv) {
      out << " (" << plan.search << ", " << plan.plans << " plans priced)";
    }
    out << ": NPV " << m(l.npv.value()) << " (discounted at "
        << tpw::format_percent(spec.discount_rate.value()) << ")"
        << ", IRR " << (l.irr.unique() ? tpw::format_percent(l.irr.rate()) : std::string("none"))
        << ", payback "
        << (l.payback_years ? num(*l.payback_years) + " years" : std::string("none")) << "\n";
    if (!spec.price_phases.empty()) {
      out << "    token price " << num(spec.price.value() * 1e6) << " per Mtok in "
          << when.start_year << ", falling "
          << tpw::format_percent(spec.price_decline_per_year.value()) << " a year";
      for (const auto& phase : spec.price_phases) {
        out << ", " << tpw::format_percent(phase.decline.value()) << " from " << phase.from_year;
      }
      out << "\n";
    }
    const double energy_up = spec.energy_escalation_per_year.value();
    const double opex_up = spec.opex_escalation_per_year.value();
    if (energy_up != 0.0 || opex_up != 0.0) {
      out << "    running costs escalate from " << when.start_year << ": "
          << (energy_up == opex_up ? tpw::format_percent(energy_up) + " a year"
                                   : "energy " + tpw::format_percent(energy_up) +
                                         " a year, the rest " + tpw::format_percent(opex_up))
          << "\n";
    }
    if (spec.demand) {
      out << "    demand: " << num(spec.demand->first_year / tpw::units::Mtok) << " Mtok in "
          << when.start_year << ", growing "
          << tpw::format_percent(spec.demand->growth_per_year.value())
          << " a year, bought for at least cost; unserved "
          << tpw::format_percent(tpw::fleet::unserved_share(l)) << " of the calendar's tokens\n";
    }
    if (const auto& u = s.fleet_statistics) print_fleet_uncertainty(out, *u, spec);
    std::vector<std::vector<std::string>> cohorts{
        {"cohort", "generation", "from", "leaves", "MW", "capex", "residual", "NPV", ""}};
    for (std::size_t k = 0; k < l.cohorts.size(); ++k) {
      const auto& c = l.cohorts[k];
      const bool installed = c.origin == tpw::fleet::cohort_origin::installed;
      std::string note = installed ? "installed" : "";
      if (c.retired_early(when.periods()))
        note += note.empty() ? "retired early" : ", retired early";
      if (c.end == c.first) note = "retired at once";
      cohorts.push_back({std::to_string(k + 1), spec.generations[c.generation].name,
                         installed ? "-" : when.label(c.first), tpw::io::leaves_label(l, c),
                         num(c.capacity / tpw::units::MW), m(l.cohort_capex[k].value()),
                         m(l.cohort_residual[k].value()), m(l.cohort_npv[k].value()), note});
    }
    print_grid(out, cohorts);
    // By period, or by year when that would be more than 48 rows.
    const bool by_year = when.periods() > 48;
    const int group = by_year ? when.per_year() : 1;
    std::vector<std::string> heads{by_year ? "year" : "period", "ceiling MW"};
    for (const auto& g : spec.generations) heads.push_back(g.name + " MW");
    const bool demand = !l.demanded.empty();
    if (demand) heads.push_back("demand Mtok");
    for (const char* h : {"Mtok", "revenue", "running", "capex", "residual", "net"})
      heads.push_back(h);
    if (demand) heads.push_back("unserved Mtok");
    std::vector<std::vector<std::string>> rows{heads};
    for (int first = 0; first < when.periods(); first += group) {
      std::vector<double> mw(spec.generations.size(), 0.0);
      double mtok = 0, revenue = 0, running = 0, capex = 0, residual = 0;
      double asked = 0, unserved = 0;
      for (int p = first; demand && p < std::min(first + group, when.periods()); ++p) {
        asked += l.demanded[static_cast<std::size_t>(p)] / tpw::units::Mtok;
        unserved += l.unserved[static_cast<std::size_t>(p)] / tpw::units::Mtok;
      }
      for (const auto& row : l.rows) {
        if (row.period < first || row.period >= first + group) continue;
        if (row.period == first)
          mw[l.cohorts[row.cohort].generation] += l.cohorts[row.cohort].capacity / tpw::units::MW;
        mtok += row.made / tpw::units::Mtok;
        revenue += row.revenue.value();
        running += row.running.value();
        capex += row.capex.value();
        residual += row.residual.value();
      }
      std::vector<std::string> cells{
          by_year ? std::to_string(when.start_year + first / group) : when.label(first),
          num(l.ceiling[static_cast<std::size_t>(first)] / tpw::units::MW)};
      for (const double x : mw) cells.push_back(num(x));
      if (demand) cells.push_back(num(asked));
      cells.push_back(num(mtok));
      for (const double x :
           {revenue, running, capex, residual, revenue - running - capex + residual}) {
        cells.push_back(m(x));
      }
      if (demand) cells.push_back(num(unserved));
      rows.push_back(cells);
    }
    print_grid(out, rows);
  }
}

// The goal seeks: a column per goal when every scenario asks the same ones (the default study's
// break-even section), a line per goal otherwise.
inline void print_goals(std::ostream& out, const std::vector<tpw::io::study>& studies,
                        bool default_study) {
  std::vector<std::string> asked;
  for (const auto& g : studies.front().solved) asked.push_back(tpw::solve::describe(g.asked));
  const bool same = std::all_of(studies.begin(), studies.end(), [&](const auto& s) {
    std::vector<std::string> mine;
    for (const auto& g : s.solved) mine.push_back(tpw::solve::describe(g.asked));
    return mine == asked;
  });
  if (asked.empty() && same) return;
  if (same) {
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    for (const auto& s : studies) {
      std::vector<std::string> cells;
      for (const auto& g : s.solved) cells.push_back(goal_cell(g));
      rows.emplace_back(s.input.name, cells);
    }
    std::vector<std::string> heads;
    for (std::size_t k = 0; k < asked.size(); ++k)
      heads.push_back("(" + std::to_string(k + 1) + ")");
    print_section(out,
                  default_study ? "Break-even (goal seek: the input that meets each target)"
                                : "Goal seek (the input that meets each target)",
                  heads, rows);
    for (std::size_t k = 0; k < asked.size(); ++k) {
      const auto& g = studies.front().solved[k];
      out << "  (" << k + 1 << ") " << asked[k];
      if (g.samples > 0) out << " over " << g.samples << " samples (seed " << g.seed << ")";
      out << "\n";
    }
  } else {
    out << "\nGoal seek (the input that meets each target)\n";
    for (const auto& s : studies) {
      for (const auto& g : s.solved) {
        out << "  " << display_name(s.input.name) << ": " << tpw::solve::describe(g.asked) << ": "
            << goal_cell(g) << "\n";
      }
    }
  }
  // What a reader needs to trust an answer: why a target is out of reach, several roots, a
  // figure that turns, an input whose distribution a trial replaced.
  for (const auto& s : studies) {
    for (const auto& g : s.solved) {
      if (!g.reached())
        out << "  " << display_name(s.input.name) << ": " << g.out_of_reach() << "\n";
      if (g.found.roots.size() > 1 || !g.found.monotone) {
        out << "  " << display_name(s.input.name) << ": " << tpw::solve::describe(g.asked)
            << ": the figure turns within [" << num(g.searched.low) << ", " << num(g.searched.high)
            << "]; every root found is listed\n";
      }
    }
  }
  out << "  In brackets: the scenario's own value of the input (a distribution's median).\n";
  if (default_study) out << default_study_break_even_notes;
  const bool replaced = std::any_of(studies.begin(), studies.end(), [](const auto& s) {
    return std::any_of(s.solved.begin(), s.solved.end(),
                       [](const auto& g) { return g.input_was_uncertain; });
  });
  if (replaced) {
    out << "  An input with a distribution is solved as one number: each trial replaces the "
           "distribution.\n";
  }
}

// --- The program ---------------------------------------------------------------------------------

// A progress bar on `err` for runs longer than a second, when asked (stderr is a terminal).
class progress_bar {
 public:
  progress_bar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
  void update(const std::string& what, const tpw::mc::progress& p) {
    if (!enabled_ || p.total == 0) return;
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    if (elapsed < std::chrono::seconds(1)) return;
    const double share = static_cast<double>(p.done) / static_cast<double>(p.total);
    const int filled = static_cast<int>(share * 30);
    err_ << "\r" << what << " pass " << p.pass << " [" << std::string(filled, '#')
         << std::string(30 - filled, ' ') << "] " << static_cast<int>(share * 100) << "%   "
         << std::flush;
    drawn_ = true;
  }
  ~progress_bar() {
    if (drawn_) err_ << "\r" << std::string(72, ' ') << "\r" << std::flush;
  }
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

 private:
  std::ostream& err_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs the program; returns its exit status (0 ok, 1 bad input or a failed run, 2 bad usage).
inline int run_whatif(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      bool terminal = false, const gpu_engine& gpu = {}, const process& p = {}) {
  // Every check before the run is also asked of the other processes, if any: a failure anywhere
  // stops every process before the run.
  const auto stop_before_run = [&](int status) {
    if (p.all_passed && !p.all_passed(status == 0) && status == 0) {
      err << "tpw-whatif: another MPI rank stopped before the run\n";
      status = 1;
    }
    return status;
  };
  arguments a;
  try {
    a = parse_arguments(args);
  } catch (const usage_error& e) {
    err << "tpw-whatif: " << e.what() << "\n";
    return stop_before_run(2);
  }
  if (a.help) {
    out << usage;
    return stop_before_run(0);
  }
  if (a.gpu && !p.engine.empty()) {
    err << "tpw-whatif: --gpu: this program runs its Monte Carlo on MPI ranks; --gpu is "
           "tpw-whatif's\n";
    return stop_before_run(2);
  }
  if (a.gpu && gpu.empty()) {
    err << "tpw-whatif: --gpu: this tpw-whatif was built without CUDA (configure with nvcc "
           "present, TPW_BUILD_CUDA=ON)\n";
    return stop_before_run(2);
  }

  // The chart folder and gnuplot, checked before the run rather than after it.
  std::string gnuplot;
  try {
    if (a.charts && p.writes) gnuplot = check_chart_folder(*a.charts);
    if (a.csv && p.writes) check_output_folder(*a.csv, "--csv");
  } catch (const std::exception& e) {
    err << "tpw-whatif: " << display_name(e.what()) << "\n";
    return stop_before_run(2);
  }

  // The scenarios: the files (each named by its file in messages), or the built-in study.
  const std::vector<std::string> builtin =
      a.scenarios.empty() ? default_study() : std::vector<std::string>{};
  std::vector<tpw::io::scenario> scenarios;
  std::vector<tpw::solve::goal> cli_goals;
  try {
    for (const auto& file : a.scenarios) {
      try {
        scenarios.push_back(tpw::io::load_scenario(file, a.reach));
      } catch (const std::exception& e) {
        throw std::runtime_error(file + ": " + e.what());
      }
    }
    for (const auto& text : builtin) scenarios.push_back(tpw::io::parse_scenario(text));
    // --solve's goals, asked of every scenario (after its own solve section), checked first.
    for (const auto& text : a.solves) cli_goals.push_back(tpw::io::goal_from_text(text));
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
      for (const auto& g : cli_goals) {
        try {
          tpw::io::detail::require_goal_reachable(scenarios[k], "--solve", g);
        } catch (const std::exception& e) {
          throw std::runtime_error((k < a.scenarios.size() ? a.scenarios[k] : scenarios[k].name) +
                                   ": " + e.what());
        }
      }
    }
    for (std::size_t k = 1; k < scenarios.size(); ++k) {
      if (scenarios[k].currency != scenarios[0].currency) {
        throw std::runtime_error((a.scenarios.empty() ? std::string("scenario") : a.scenarios[k]) +
                                 ": currency = \"" + scenarios[k].currency +
                                 "\": scenarios compared side by side share one currency (" +
                                 scenarios[0].currency + " first)");
      }
    }
  } catch (const std::exception& e) {
    err << "tpw-whatif: " << display_name(e.what()) << "\n";
    return stop_before_run(1);
  }
  if (const int status = stop_before_run(0); status != 0) return status;

  std::vector<tpw::io::study> studies;
  nlohmann::json reports = nlohmann::json::array();  // written as JSON, or checked for the table
  try {
    progress_bar bar(err, terminal && !a.json);
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
      tpw::io::study_options o;
      o.samples = a.samples;
      o.seed = a.seed;
      o.threads = a.threads;
      o.percentiles = a.charts.has_value();
      if (a.gpu) o.engine = gpu;
      if (!p.engine.empty()) o.engine = p.engine;
      const std::string what = "[" + std::to_string(k + 1) + "/" +
                               std::to_string(scenarios.size()) + "] " +
                               display_name(scenarios[k].name, 32);
      o.on_progress = [&](const tpw::mc::progress& p) { bar.update(what, p); };
      try {
        studies.push_back(tpw::io::run_study(scenarios[k], o));
        studies.back().solved = tpw::io::solve_goals(scenarios[k], o);
        for (const auto& g : cli_goals) {
          studies.back().solved.push_back(
              tpw::io::solve_goal(*scenarios[k].source, scenarios[k].files, g, o, "--solve"));
        }
        reports.push_back(tpw::io::to_json(studies.back()));  // checks every figure is finite
      } catch (const std::exception& e) {
        const std::string label = k < a.scenarios.size() ? a.scenarios[k] : scenarios[k].name;
        throw std::runtime_error(label + ": " + e.what());
      }
    }
  } catch (const std::exception& e) {
    err << "tpw-whatif: " << display_name(e.what()) << "\n";
    return 1;
  }

  if (a.json) {
    out << (studies.size() == 1 && !a.scenarios.empty() ? reports[0] : reports).dump(2) << "\n";
  } else {
    if (a.scenarios.empty()) out << default_study_heading();
    print_table(out, studies);
    if (a.scenarios.empty()) print_default_comparison(out, studies);
    print_goals(out, studies, a.scenarios.empty());
    print_fleet(out, studies);
  }
  // A report that did not reach its reader (a full disk, a closed pipe) is a failure.
  out.flush();
  if (!out) {
    err << "tpw-whatif: cannot write the report to standard output\n";
    return 1;
  }
  if (!p.writes) return 0;
  if (a.csv) {
    try {
      const auto files = write_csv(studies, *a.csv);
      err << "tpw-whatif: " << files.size() << " CSV files in " << display_name(*a.csv) << "\n";
    } catch (const std::exception& e) {
      err << "tpw-whatif: --csv: " << display_name(e.what()) << "\n";
      return 1;
    }
  }
  if (a.charts) {
    try {
      const auto images = write_charts(studies, *a.charts, gnuplot);
      err << "tpw-whatif: " << images.size() << " chart files in " << display_name(*a.charts)
          << "\n";
    } catch (const std::exception& e) {
      err << "tpw-whatif: --charts: " << display_name(e.what()) << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace tpw_whatif
