// tpw-whatif's charts: data files and gnuplot scripts written to a folder, rendered by gnuplot to
// PNG and SVG. One script per chart, kept beside its images so that a user can restyle it.
//  - cost_breakdown: cost per Mtok per scenario, stacked by line (hardware, facility, energy,
//  opex);
//  - tornado_<n>: each uncertain input from its P10 to its P90, the others at their medians;
//  - distribution_<n>: cost per Mtok, a histogram of equal-probability bins (from the percentiles
//    P1..P99 the run computes, so it needs no kept samples) with the CDF and P5/P50/P95 marked;
//  - frontier_<n>: the throughput frontier and the operating point the SLO picks, when given;
//  - cash_flows_<n>: the yearly project and equity flows and the cumulative equity flow, when
//    the scenario has a finance section;
//  - fleet_power_<n>: the fleet's MW in service by cohort (shaded by generation) over the
//    calendar, under the site's ceiling, when the scenario has a fleet section.
//
// Untrusted names and paths never become code: gnuplot is started directly (fork and exec, no
// shell, by its absolute path), in the chart folder, on a script given on its stdin that names
// only the data files written here by fixed relative names; every text from a scenario reaches
// gnuplot as a single-quoted string (where gnuplot expands neither backquotes nor macros) or as a
// data-file column. gnuplot writes each image to its stdout, a temporary file this program
// created exclusively (output_files.hpp), and never opens an output by name; its stdout never
// reaches tpw's. Every file is renamed into place when complete, so a failure or a signal never
// leaves an empty or partial chart under its final name, nor a temporary file.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tpw/io/report.hpp>

#include "output_files.hpp"

namespace tpw_whatif {

namespace fs = std::filesystem;

// A text as a gnuplot single-quoted string: gnuplot expands nothing inside single quotes (no
// backquoted commands, no @macros, no backslash escapes); a quote is written twice. Control
// characters, which would end the command, become spaces.
inline std::string gnuplot_text(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\'') {
      out += "''";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A text as one data-file column: double-quoted, with the characters that would break the column
// (double quotes, control characters) replaced. A data file is read as data, never run.
inline std::string data_column(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += c == '"' ? '\'' : (byte < 0x20 || byte == 0x7f ? ' ' : c);
  }
  return out + "\"";
}

// The chart folder, checked as any output folder, and gnuplot on the PATH; returns its path.
inline std::string check_chart_folder(const fs::path& dir) {
  const std::string gnuplot = find_program("gnuplot");
  if (gnuplot.empty()) {
    throw std::runtime_error(
        "--charts needs gnuplot on the PATH (Debian: apt-get install "
        "gnuplot-nox)");
  }
  check_output_folder(dir, "--charts");
  return gnuplot;
}

// Runs gnuplot (by its absolute path) in `dir`, with no shell, on `script` given on its stdin;
// its stdout, where the script's terminal writes the image, is `image_fd` (a temporary file this
// program created exclusively), so gnuplot opens no output file by name. stderr is kept for the
// message. Returns the exit status (-1 when gnuplot could not be started or was killed) and what
// it wrote on stderr (its first 2,000 characters).
inline std::pair<int, std::string> run_gnuplot(const std::string& gnuplot, const fs::path& dir,
                                               const std::string& script, int image_fd) {
  // The script in an anonymous file: gnuplot reads it at its own pace, and no name is planted.
  const int script_fd = ::memfd_create("tpw-gnuplot-script", MFD_CLOEXEC);
  if (script_fd < 0) return {-1, std::strerror(errno)};
  std::string_view left = script;
  while (!left.empty()) {
    const ::ssize_t put = ::write(script_fd, left.data(), left.size());
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      ::close(script_fd);
      return {-1, std::strerror(errno)};
    }
    left.remove_prefix(static_cast<std::size_t>(put));
  }
  if (::lseek(script_fd, 0, SEEK_SET) != 0) {
    ::close(script_fd);
    return {-1, std::strerror(errno)};
  }
  int err_pipe[2];  // close-on-exec: no other child a thread starts meanwhile keeps it open
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(script_fd);
    return {-1, std::strerror(errno)};
  }
  const std::string dir_text = dir.string();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(script_fd);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    return {-1, std::strerror(errno)};
  }
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    if (::chdir(dir_text.c_str()) != 0 || ::dup2(script_fd, 0) < 0 || ::dup2(image_fd, 1) < 0 ||
        ::dup2(err_pipe[1], 2) < 0) {
      ::_exit(126);
    }
    char* const argv[] = {const_cast<char*>("gnuplot"), nullptr};
    ::execv(gnuplot.c_str(), argv);
    ::_exit(127);
  }
  ::close(script_fd);
  ::close(err_pipe[1]);
  std::string messages;
  char buffer[512];
  while (true) {
    const ssize_t got = ::read(err_pipe[0], buffer, sizeof buffer);
    if (got > 0) {
      if (messages.size() < 2000) messages.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    break;
  }
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return {-1, messages};
  }
  if (messages.size() > 2000) messages.resize(2000);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, messages};
}

struct chart_writer {
  fs::path dir;
  std::string gnuplot;  // its path (check_chart_folder)
  std::vector<fs::path> images;

  // A data file of the chart folder, written atomically; returns the name a script reads it by.
  std::string data(const std::string& name, const std::string& content) const {
    write_file_atomically(dir / name, content);
    return gnuplot_text(name);
  }

  // Writes the chart's script (the images under their final names, for a user to rerun) and
  // renders each image through gnuplot's stdout into a temporary file, renamed once gnuplot has
  // succeeded and the image is non-empty. Throws with the image named on any failure.
  void render(const std::string& stem, const std::string& body, int width = 900, int height = 520) {
    const std::string size = std::to_string(width) + "," + std::to_string(height);
    const std::pair<std::string, std::string> formats[] = {
        {"pngcairo size " + size + " font 'Sans,10'", "png"},
        {"svg size " + size + " dynamic font 'Sans,10'", "svg"}};
    const auto commands = [&](const std::string& terminal, const std::string& output) {
      return "set terminal " + terminal + "\n" + output +
             "set termoption noenhanced\n"  // names such as throughput_tok_s, as written
             + body + "\nunset output\nreset\n";
    };
    std::string script = "# Run in this folder: gnuplot " + stem + ".gp\n";
    for (const auto& [terminal, ext] : formats) {
      script += commands(terminal, "set output " + gnuplot_text(stem + "." + ext) + "\n");
    }
    write_file_atomically(dir / (stem + ".gp"), script);
    for (const auto& [terminal, ext] : formats) {
      const fs::path image = dir / (stem + "." + ext);
      temporary_file part(image);
      const auto [status, messages] = run_gnuplot(gnuplot, dir, commands(terminal, ""), part.fd());
      if (status != 0) {
        // gnuplot's lines, on one line.
        std::string why;
        std::istringstream lines(messages);
        for (std::string line; std::getline(lines, line);) {
          if (line.find_first_not_of(" \t^") != std::string::npos) {
            why += (why.empty() ? "" : " | ") + line;
          }
        }
        throw std::runtime_error("gnuplot could not draw " + image.string() +
                                 (why.empty() ? std::string() : ": " + why));
      }
      struct stat written {};
      if (::fstat(part.fd(), &written) != 0 || written.st_size == 0) {
        throw std::runtime_error("cannot write " + image.string() +
                                 " (gnuplot left it empty: is the disk full?)");
      }
      part.commit();
      images.push_back(image);
    }
  }
};

// A number for a gnuplot script: full precision, never a locale's comma.
inline std::string script_number(double x) {
  std::ostringstream text;
  text.imbue(std::locale::classic());
  text.precision(17);
  text << x;
  return text.str();
}

inline void draw_cost_breakdown(chart_writer& w, const std::vector<tpw::io::study>& studies,
                                const std::string& currency) {
  std::ostringstream data;
  data.precision(17);
  data << "# scenario hardware facility energy opex (" << currency << " per Mtok)\n";
  for (const auto& s : studies) {
    using out = tpw::mc::cost_output;
    const auto y = tpw::io::point_figures(s);
    data << data_column(s.input.name);
    for (const out line : {out::cost_per_mtok_hardware, out::cost_per_mtok_facility,
                           out::cost_per_mtok_energy, out::cost_per_mtok_opex}) {
      data << ' ' << y[tpw::mc::output_index(line)];
    }
    data << "\n";
  }
  const std::string f = w.data("cost_breakdown.dat", data.str());
  w.render("cost_breakdown",
           "set title 'Cost per million tokens, by line (inputs at their medians)'\n"
           "set ylabel " +
               gnuplot_text(currency + " per Mtok") +
               "\n"
               "set style data histograms\nset style histogram rowstacked\n"
               "set style fill solid 0.85 border -1\nset boxwidth 0.6\n"
               "set key outside right top\nset grid ytics\nset yrange [0:*]\n"
               "set xtics rotate by -20\nset xrange [-0.5:" +
               std::to_string(studies.size()) + "-0.5]\nplot " + f +
               " using 2:xtic(1) title 'hardware' lc rgb '#4e79a7', '' using 3 title "
               "'facility' lc rgb '#f28e2b', '' using 4 title 'energy' lc rgb '#e15759', '' "
               "using 5 title 'opex' lc rgb '#76b7b2', '' using 0:($2+$3+$4+$5):(sprintf('%.3g', "
               "$2+$3+$4+$5)) with labels offset 0,0.8 notitle");
}

inline void draw_tornado(chart_writer& w, const tpw::mc::tornado& t, const std::string& title,
                         const std::string& suffix, const std::string& currency) {
  std::ostringstream data;
  data.precision(17);
  data << "# rank input low high (" << currency << " per Mtok; base " << t.base << ")\n";
  // Widest swing on top: gnuplot draws y = 0 at the bottom.
  for (std::size_t k = t.bars.size(); k-- > 0;) {
    const auto& bar = t.bars[k];
    data << t.bars.size() - 1 - k << ' ' << data_column(bar.input) << ' ' << bar.low << ' '
         << bar.high << "\n";
  }
  const std::string f = w.data("tornado" + suffix + ".dat", data.str());
  const std::string base = script_number(t.base);
  w.render("tornado" + suffix,
           "set title " +
               gnuplot_text(title + ": cost per Mtok, each input from its P10 to its P90") +
               "\nset xlabel " + gnuplot_text(currency + " per Mtok") +
               "\nset style fill solid 0.85 border -1\nset grid xtics\nunset key\n"
               "set yrange [-0.6:" +
               std::to_string(t.bars.size()) + "-0.4]\nset arrow from " + base + ", graph 0 to " +
               base + ", graph 1 nohead dt 2\nplot " + f +
               " using (($3+$4)/2):1:(($3<$4)?$3:$4):(($3<$4)?$4:$3):($1-0.3):($1+0.3):ytic(2) "
               "with boxxyerror lc rgb '#4e79a7' title 'P10 to P90'");
}

// The histogram's bins: equal-probability bins between the percentiles; a figure that does not
// vary (one value at every percentile) is drawn as one narrow bin holding all the probability.
inline std::string distribution_bins(const tpw::mc::output_statistics& o) {
  std::ostringstream data;
  data.precision(17);
  data << "# x_low x_high density cdf_at_x_high\n";
  bool any = false;
  for (std::size_t k = 1; k < o.probabilities.size(); ++k) {
    const double width = o.quantiles[k] - o.quantiles[k - 1];
    if (!(width > 0.0)) continue;
    data << o.quantiles[k - 1] << ' ' << o.quantiles[k] << ' '
         << (o.probabilities[k] - o.probabilities[k - 1]) / width << ' ' << o.probabilities[k]
         << "\n";
    any = true;
  }
  if (!any) {
    const double x = o.quantile(0.5);
    const double half = std::max(std::abs(x) * 1e-3, 1e-12);
    data << x - half << ' ' << x + half << ' ' << 1.0 / (2.0 * half) << ' ' << 1.0 << "\n";
  }
  return data.str();
}

// One figure's distribution (its P1..P99) as a histogram and its CDF: `stem` names the files,
// `what` and `unit` the title and the x axis.
inline void draw_distribution(chart_writer& w, const tpw::io::study& s,
                              const tpw::mc::output_statistics& o, const std::string& stem,
                              const std::string& what, const std::string& unit) {
  const std::string title = s.input.name;
  const std::string f = w.data(stem + ".dat", distribution_bins(o));
  std::string marks;
  for (const auto& [p, label] :
       {std::pair<double, const char*>{0.05, "P5"}, {0.50, "P50"}, {0.95, "P95"}}) {
    const std::string x = script_number(o.quantile(p));
    marks +=
        "set arrow from " + x + ", graph 0 to " + x + ", graph 1 nohead dt 2 lc rgb '#444444'\n";
    marks += "set label " +
             gnuplot_text(std::string(label) + " " + tpw::format_number(o.quantile(p))) + " at " +
             x + ", graph 0.96 left offset 0.5,0\n";
  }
  w.render(stem, "set title " +
                     gnuplot_text(title + ": " + what + " over " + std::to_string(s.samples) +
                                  " samples") +
                     "\nset xlabel " + gnuplot_text(unit) +
                     "\nset ylabel 'density'\n"
                     "set y2label 'cumulative probability'\nset y2range [0:1]\nset y2tics 0.25\n"
                     "set ytics nomirror\nset style fill solid 0.5 border -1\n"
                     "set key at graph 0.98, graph 0.55 right\n" +
                     marks + "plot " + f +
                     " using (($1+$2)/2):3:($2-$1) with boxes lc rgb '#4e79a7' title 'histogram "
                     "(1% bins)', " +
                     f + " using 2:4 axes x1y2 with steps lw 2 lc rgb '#e15759' title 'CDF'");
}

inline void draw_frontier(chart_writer& w, const tpw::io::frontier_choice& fr,
                          const std::string& title, const std::string& suffix) {
  std::ostringstream data;
  data.precision(17);
  data << "# interactivity (tok/s per user) throughput (tok/s per accelerator)\n";
  for (const auto& p : fr.frontier.points()) {
    data << p.interactivity.value() << ' ' << p.throughput.value() << "\n";
  }
  data << "\n\n" << fr.chosen.interactivity.value() << ' ' << fr.chosen.throughput.value() << "\n";
  const std::string f = w.data("frontier" + suffix + ".dat", data.str());
  const std::string slo = script_number(fr.min_interactivity);
  w.render("frontier" + suffix,
           "set title " +
               gnuplot_text(title + ": throughput frontier and the SLO's operating point") +
               "\nset xlabel 'interactivity (tok/s per user)'\n"
               "set ylabel 'throughput (tok/s per accelerator)'\nset grid\nset key top right\n"
               "set arrow from " +
               slo + ", graph 0 to " + slo + ", graph 1 nohead dt 2\nplot " + f +
               " index 0 with linespoints pt 7 lc rgb '#4e79a7' title 'frontier', " + f +
               " index 1 with points pt 9 ps 2.5 lc rgb '#e15759' title 'operating point'");
}

// The project's yearly flows (equity, bars) and the cumulative equity flow (a line), in millions.
inline void draw_cash_flows(chart_writer& w, const tpw::io::study& s, const std::string& suffix,
                            const std::string& currency) {
  std::ostringstream data;
  data.precision(17);
  data << "# year, project flow, equity flow, cumulative equity flow (" << currency
       << " millions)\n";
  for (const auto& y : s.finance->years) {
    data << y.year << ' ' << y.project_flow.value() / 1e6 << ' ' << y.equity_flow.value() / 1e6
         << ' ' << y.cumulative.value() / 1e6 << "\n";
  }
  const std::string f = w.data("cash_flows" + suffix + ".dat", data.str());
  w.render("cash_flows" + suffix,
           "set title " + gnuplot_text(s.input.name + ": yearly cash flows") +
               "\nset xlabel 'year'\nset ylabel " + gnuplot_text(currency + " millions") +
               "\nset grid ytics\nset key top left\nset xzeroaxis lt -1\n"
               "set style fill solid 0.7 border -1\nset boxwidth 0.35\nset xtics 1\nplot " +
               f + " using ($1-0.18):2 with boxes lc rgb '#4e79a7' title 'project flow', " + f +
               " using ($1+0.18):3 with boxes lc rgb '#f28e2b' title 'equity flow', " + f +
               " using 1:4 with linespoints pt 7 lw 2 lc rgb '#e15759' title 'cumulative equity'");
}

// The fleet's power in service by cohort over the periods (stacked areas, a generation's cohorts
// side by side in its colour, each a shade of it), under the site's ceiling (a line). Each cohort
// is named in the key by its generation and purchase date while there are at most 16; beyond,
// only a generation's first cohort is.
inline void draw_fleet_power(chart_writer& w, const tpw::io::study& s, const std::string& suffix) {
  const auto& l = s.fleet->ledger;
  const auto& spec = s.input.fleet->spec;
  // The cohorts in stacking order: by generation, then by date.
  std::vector<std::size_t> order(l.cohorts.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return l.cohorts[a].generation < l.cohorts[b].generation;
  });
  std::ostringstream data;
  data.precision(17);
  data << "# period start (years), ceiling MW, then MW in service by cohort, stacked\n";
  for (int p = 0; p < l.when.periods(); ++p) {
    // Twice, at the period's start and end: steps, not slopes.
    for (const double at : {l.when.date_of(p), l.when.date_of(p + 1)}) {
      data << at << ' ' << l.ceiling[static_cast<std::size_t>(p)] / tpw::units::MW;
      double stacked = 0.0;
      for (const std::size_t k : order) {
        const auto& c = l.cohorts[k];
        if (c.first <= p && p < c.end) stacked += c.capacity / tpw::units::MW;
        data << ' ' << stacked;
      }
      data << "\n";
    }
  }
  const std::string f = w.data("fleet_power" + suffix + ".dat", data.str());
  const char* colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  // A generation's colour, lightened towards white by `share` (its later cohorts).
  const auto shade = [](const char* hex, double share) {
    std::string out = "#";
    for (int i = 0; i < 3; ++i) {
      const int v = std::stoi(std::string(hex + 1 + 2 * i, 2), nullptr, 16);
      const int mixed = static_cast<int>(std::lround(v + (255 - v) * share));
      const char digits[] = "0123456789abcdef";
      out += digits[mixed / 16];
      out += digits[mixed % 16];
    }
    return out;
  };
  const bool every_name = order.size() <= 16;
  std::string plot;
  std::vector<int> seen(spec.generations.size(), 0);
  std::vector<std::string> layers;
  for (std::size_t j = 0; j < order.size(); ++j) {
    const auto& c = l.cohorts[order[j]];
    if (c.end <= c.first) continue;  // retired at once: it never takes any power
    const int nth = seen[c.generation]++;
    const bool installed = c.origin == tpw::fleet::cohort_origin::installed;
    const std::string name =
        spec.generations[c.generation].name +
        (installed ? std::string(" (installed)") : " (" + l.when.label(c.first) + ")");
    const std::string title = every_name || nth == 0 ? "title " + gnuplot_text(name) : "notitle";
    layers.push_back(f + " using 1:" + std::to_string(j + 3) + " with filledcurves x1 lc rgb '" +
                     shade(colours[c.generation % 10], 0.18 * (nth % 4)) + "' " + title + ", ");
  }
  // Drawn from the top of the stack down, so that each lower area covers the one above's base.
  for (std::size_t j = layers.size(); j-- > 0;) plot += layers[j];
  plot += f + " using 1:2 with lines lw 2 dt 2 lc rgb '#000000' title 'site power'";
  w.render("fleet_power" + suffix,
           "set title " + gnuplot_text(s.input.name + ": the fleet's power by cohort") +
               "\nset xlabel 'year'\nset ylabel 'MW of facility power'\nset grid ytics\n"
               "set key outside right\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n"
               "set style fill solid 0.8\nplot " +
               plot);
}

// Draws every chart into `dir`, which check_chart_folder has checked (it gave `gnuplot`).
inline std::vector<fs::path> write_charts(const std::vector<tpw::io::study>& studies,
                                          const fs::path& dir, const std::string& gnuplot) {
  chart_writer w{dir, gnuplot, {}};
  const std::string currency = studies.front().input.currency;
  draw_cost_breakdown(w, studies, currency);
  for (std::size_t n = 0; n < studies.size(); ++n) {
    const tpw::io::study& s = studies[n];
    std::string suffix = "_";  // appended, not "_" + ...: GCC 12's -Wrestrict false positive
    suffix += std::to_string(n + 1);
    for (const auto& t : s.tornado) {
      if (t.output == "cost_per_mtok") draw_tornado(w, t, s.input.name, suffix, currency);
    }
    // The cost per Mtok's distribution, and beside it the project NPV's, when summarized.
    if (s.statistics) {
      for (const auto& o : s.statistics->outputs) {
        if (o.name == "cost_per_mtok") {
          draw_distribution(w, s, o, "distribution" + suffix, "cost per Mtok",
                            currency + " per Mtok");
        } else if (o.name == "project_npv") {
          draw_distribution(w, s, o, "npv_distribution" + suffix, "project NPV", currency);
        }
      }
    }
    if (s.input.frontier) draw_frontier(w, *s.input.frontier, s.input.name, suffix);
    if (s.finance) draw_cash_flows(w, s, suffix, currency);
    if (s.fleet) draw_fleet_power(w, s, suffix);
  }
  return w.images;
}

}  // namespace tpw_whatif
