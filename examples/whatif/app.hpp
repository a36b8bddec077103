// tpw-whatif, the program: arguments, studies, the table, the JSON report and the charts. main()
// (whatif.cpp) only passes argv and the terminal's state; the tests call run_whatif directly.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <tpw/format.hpp>
#include <tpw/io/study.hpp>

#include "charts.hpp"
#include "default_study.hpp"

namespace tpw_whatif {

inline constexpr const char* usage = R"(usage: tpw-whatif [options]
  With no --scenario, runs the built-in default study: H200, B200, GB200 NVL72, GB300 NVL72 and
  MI355X serving DeepSeek-R1 at a 100 MW site, with uncertain utilization, power price and
  throughput, and prints a table.

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
  --help           this text
)";

// The GPU engine, when the program was built with CUDA (whatif_gpu.cu); empty otherwise.
using gpu_engine = tpw::io::plan_engine;

struct arguments {
  std::vector<std::string> scenarios;
  bool json = false;
  bool gpu = false;
  std::optional<std::uint64_t> samples;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::optional<std::string> charts;
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
    } else {
      throw usage_error("unknown argument '" + arg + "' (try --help)");
    }
  }
  return a;
}

// --- The table -----------------------------------------------------------------------------------

// A name as a terminal shows it: control characters (C0, DEL and C1, which could move the cursor
// or recolour the screen) replaced by '?', cut to at most `columns` characters without splitting
// a UTF-8 sequence, padded with spaces to `columns` when `pad`. Scenario names are valid UTF-8
// (the JSON reader refuses anything else); each code point counts as one column.
inline std::string display_name(std::string_view name, std::size_t columns = std::string::npos,
                                bool pad = false) {
  std::string out;
  std::size_t shown = 0;
  for (std::size_t k = 0; k < name.size() && shown < columns; ++shown) {
    const auto lead = static_cast<unsigned char>(name[k]);
    std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    length = std::min(length, name.size() - k);
    const bool c1 = lead == 0xc2 && length == 2 && static_cast<unsigned char>(name[k + 1]) < 0xa0;
    if (lead < 0x20 || lead == 0x7f || c1) {
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

inline void print_table(std::ostream& out, const std::vector<tpw::io::study>& studies) {
  const std::string cur = studies.front().input.currency;
  char line[512];
  const auto row = [&](const std::string& name, auto... fields) {
    std::snprintf(line, sizeof line, "%9s %9s %9s %9s %9s %9s %7s %11s %10s %7s %9s\n", fields...);
    out << display_name(name, 16, true) << ' ' << line;
  };
  out << "Point figures (uncertain inputs at their medians), money in " << cur << "\n";
  row("scenario", (cur + "/Mtok").c_str(), "hardware", "facility", "energy", "opex",
      (cur + "/GPU-h").c_str(), "tok/J", "tok/s/MW", "rev/MW-yr", "margin", "systems");
  for (const auto& s : studies) {
    // The figures by name: the table's columns, as the report writes them.
    using out = tpw::mc::cost_output;
    const auto y = tpw::io::point_figures(s);
    const auto f = [&](out k) { return num(y[tpw::mc::output_index(k)]); };
    const bool priced = s.point.revenue.has_value();
    row(s.input.name, f(out::cost_per_mtok).c_str(), f(out::cost_per_mtok_hardware).c_str(),
        f(out::cost_per_mtok_facility).c_str(), f(out::cost_per_mtok_energy).c_str(),
        f(out::cost_per_mtok_opex).c_str(), f(out::cost_per_accelerator_hour).c_str(),
        f(out::tokens_per_joule).c_str(), f(out::tokens_per_s_per_mw).c_str(),
        priced ? f(out::revenue_per_mw_year).c_str() : "-",
        priced ? tpw::format_percent(y[tpw::mc::output_index(out::gross_margin)]).c_str() : "-",
        std::to_string(s.site.systems).c_str());
  }

  bool any_uncertain = false;
  for (const auto& s : studies) any_uncertain = any_uncertain || s.statistics.has_value();
  if (any_uncertain) {
    out << "\nUncertainty: P5 / P50 / P95 of each figure\n";
    std::snprintf(line, sizeof line, "%-26s %-24s %-24s %-24s\n", (cur + "/Mtok").c_str(), "tok/J",
                  "margin", "rev/MW-yr");
    out << display_name("scenario", 16, true) << "  " << line;
    for (const auto& s : studies) {
      if (!s.statistics) continue;
      const auto band = [&](const char* name, bool percent) {
        for (const auto& o : s.statistics->outputs) {
          if (o.name != name) continue;
          const auto f = [&](double x) { return percent ? tpw::format_percent(x) : num(x); };
          return f(o.quantile(0.05)) + " / " + f(o.quantile(0.5)) + " / " + f(o.quantile(0.95));
        }
        return std::string("-");
      };
      std::snprintf(line, sizeof line, "%-26s %-24s %-24s %-24s\n",
                    band("cost_per_mtok", false).c_str(), band("tokens_per_joule", false).c_str(),
                    band("gross_margin", true).c_str(), band("revenue_per_mw_year", false).c_str());
      out << display_name(s.input.name, 16, true) << "  " << line;
    }
    for (const auto& s : studies) {
      if (!s.statistics) continue;
      out << "  " << display_name(s.input.name) << ": " << s.samples << " samples ("
          << tpw::mc::to_string(s.input.design) << ", seed " << s.seed << ")";
      for (const auto& sobol : s.sobol) {
        if (sobol.output != "cost_per_mtok") continue;
        out << "; cost per Mtok driven by (Sobol' total)";
        auto indices = sobol.indices;
        std::sort(indices.begin(), indices.end(),
                  [](const auto& a, const auto& b) { return a.total > b.total; });
        for (std::size_t k = 0; k < indices.size(); ++k) {
          out << (k == 0 ? " " : ", ") << indices[k].input << " " << num(indices[k].total);
        }
      }
      out << "\n";
    }
  }
  for (const auto& s : studies) {
    if (!s.input.site_power_mw) continue;
    out << "\nSite: " << num(*s.input.site_power_mw) << " MW, per scenario: systems, "
        << "accelerators, tokens per year, cost and revenue per year (" << cur << ")\n";
    break;
  }
  for (const auto& s : studies) {
    if (!s.input.site_power_mw) continue;
    std::snprintf(line, sizeof line, "%7ld %9ld %12s %12s %12s\n", s.site.systems,
                  s.site.accelerators, num(s.site.tokens_per_year.value()).c_str(),
                  num(s.site.cost_per_year.value()).c_str(),
                  s.site.revenue_per_year ? num(s.site.revenue_per_year->value()).c_str() : "-");
    out << display_name(s.input.name, 16, true) << ' ' << line;
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
                      bool terminal = false, const gpu_engine& gpu = {}) {
  arguments a;
  try {
    a = parse_arguments(args);
  } catch (const usage_error& e) {
    err << "tpw-whatif: " << e.what() << "\n";
    return 2;
  }
  if (a.help) {
    out << usage;
    return 0;
  }
  if (a.gpu && gpu.empty()) {
    err << "tpw-whatif: --gpu: this tpw-whatif was built without CUDA (configure with nvcc "
           "present, TPW_BUILD_CUDA=ON)\n";
    return 2;
  }

  // The chart folder and gnuplot, checked before the run rather than after it.
  std::string gnuplot;
  if (a.charts) {
    try {
      gnuplot = check_chart_folder(*a.charts);
    } catch (const std::exception& e) {
      err << "tpw-whatif: " << display_name(e.what()) << "\n";
      return 2;
    }
  }

  // The scenarios: the files (each named by its file in messages), or the built-in study.
  const std::vector<std::string> builtin =
      a.scenarios.empty() ? default_study() : std::vector<std::string>{};
  std::vector<tpw::io::scenario> scenarios;
  try {
    for (const auto& file : a.scenarios) {
      try {
        scenarios.push_back(tpw::io::load_scenario(file));
      } catch (const std::exception& e) {
        throw std::runtime_error(file + ": " + e.what());
      }
    }
    for (const auto& text : builtin) scenarios.push_back(tpw::io::parse_scenario(text));
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
    return 1;
  }

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
      const std::string what = "[" + std::to_string(k + 1) + "/" +
                               std::to_string(scenarios.size()) + "] " +
                               display_name(scenarios[k].name, 32);
      o.on_progress = [&](const tpw::mc::progress& p) { bar.update(what, p); };
      try {
        studies.push_back(tpw::io::run_study(scenarios[k], o));
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
    if (a.scenarios.empty()) {
      out << "tpw-whatif: default study, DeepSeek-R1 at 5.40 USD/Mtok on a 100 MW site\n"
             "(throughputs: NVIDIA 2026-04 for H200 and GB300; GB200, B200 and MI355X are tpw "
             "estimates, see --help and examples/whatif/default_study.hpp)\n\n";
    }
    print_table(out, studies);
  }
  // A report that did not reach its reader (a full disk, a closed pipe) is a failure.
  out.flush();
  if (!out) {
    err << "tpw-whatif: cannot write the report to standard output\n";
    return 1;
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
