// tpw-whatif's charts: data files and gnuplot scripts written to a folder, rendered by gnuplot to
// PNG and SVG. One script per chart, kept beside its images so that a user can restyle it.
//  - cost_breakdown: cost per Mtok per scenario, stacked by line (hardware, facility, energy,
//  opex);
//  - tornado_<n>: each uncertain input from its P10 to its P90, the others at their medians;
//  - distribution_<n>: cost per Mtok, a histogram of equal-probability bins (from the percentiles
//    P1..P99 the run computes, so it needs no kept samples) with the CDF and P5/P50/P95 marked;
//  - frontier_<n>: the throughput frontier and the operating point the SLO picks, when given.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <tpw/io/report.hpp>

namespace tpw_whatif {

namespace fs = std::filesystem;

// Quoted for gnuplot: a name with its double quotes and backslashes escaped.
inline std::string gnuplot_text(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') continue;
    out += c;
  }
  return out + "\"";
}

struct chart_writer {
  fs::path dir;
  std::vector<fs::path> images;

  // Writes the script with both terminals and runs gnuplot on it; throws on failure.
  void render(const std::string& stem, const std::string& body, int width = 900, int height = 520) {
    const fs::path script = dir / (stem + ".gp");
    {
      std::ofstream gp(script);
      for (const auto& [terminal, ext] :
           {std::pair<std::string, std::string>{"pngcairo size " + std::to_string(width) + "," +
                                                    std::to_string(height) + " font 'Sans,10'",
                                                "png"},
            {"svg size " + std::to_string(width) + "," + std::to_string(height) +
                 " dynamic font 'Sans,10'",
             "svg"}}) {
        gp << "set terminal " << terminal << "\n";
        gp << "set output " << gnuplot_text((dir / (stem + "." + ext)).string()) << "\n";
        gp << "set termoption noenhanced\n";  // names such as throughput_tok_s, as written
        gp << body << "\nunset output\nreset\n";
        images.push_back(dir / (stem + "." + ext));
      }
    }
    const std::string command = "gnuplot " + gnuplot_text(script.string()) + " 2>&1";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("gnuplot failed on " + script.string());
    }
  }
};

inline std::vector<fs::path> write_charts(const std::vector<tpw::io::study>& studies,
                                          const fs::path& dir) {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) {
    throw std::runtime_error(
        "--charts needs gnuplot on the PATH (Debian: apt-get install gnuplot-nox)");
  }
  fs::create_directories(dir);
  chart_writer w{dir, {}};
  const std::string currency = studies.front().input.currency;

  // 1. Cost per Mtok per scenario, stacked by line.
  {
    std::ofstream data(dir / "cost_breakdown.dat");
    data << "# scenario hardware facility energy opex (" << currency << " per Mtok)\n";
    for (const auto& s : studies) {
      const auto y = tpw::io::point_figures(s);  // cost per Mtok: total, then the four lines
      data << gnuplot_text(s.input.name) << ' ' << y[1] << ' ' << y[2] << ' ' << y[3] << ' ' << y[4]
           << "\n";
    }
    data.close();
    w.render("cost_breakdown",
             "set title 'Cost per million tokens, by line (inputs at their medians)'\n"
             "set ylabel '" +
                 currency +
                 " per Mtok'\n"
                 "set style data histograms\nset style histogram rowstacked\n"
                 "set style fill solid 0.85 border -1\nset boxwidth 0.6\n"
                 "set key outside right top\nset grid ytics\nset yrange [0:*]\n"
                 "set xtics rotate by -20\nset xrange [-0.5:" +
                 std::to_string(studies.size()) +
                 "-0.5]\n"
                 "plot " +
                 gnuplot_text((dir / "cost_breakdown.dat").string()) +
                 " using 2:xtic(1) title 'hardware' lc rgb '#4e79a7', '' using 3 title "
                 "'facility' lc rgb '#f28e2b', '' using 4 title 'energy' lc rgb '#e15759', '' "
                 "using 5 title 'opex' lc rgb '#76b7b2', '' using 0:($2+$3+$4+$5):(sprintf('%.3g', "
                 "$2+$3+$4+$5)) with labels offset 0,0.8 notitle");
  }

  for (std::size_t n = 0; n < studies.size(); ++n) {
    const tpw::io::study& s = studies[n];
    const std::string suffix = "_" + std::to_string(n + 1);
    const std::string title = s.input.name;

    // 2. Tornado of cost per Mtok.
    for (const auto& t : s.tornado) {
      if (t.output != "cost_per_mtok") continue;
      const fs::path file = dir / ("tornado" + suffix + ".dat");
      std::ofstream data(file);
      data << "# rank input low high (" << currency << " per Mtok; base " << t.base << ")\n";
      // Widest swing on top: gnuplot draws y = 0 at the bottom.
      for (std::size_t k = t.bars.size(); k-- > 0;) {
        const auto& bar = t.bars[k];
        data << t.bars.size() - 1 - k << ' ' << gnuplot_text(bar.input) << ' ' << bar.low << ' '
             << bar.high << "\n";
      }
      data.close();
      const std::string f = gnuplot_text(file.string());
      w.render("tornado" + suffix,
               "set title " +
                   gnuplot_text(title + ": cost per Mtok, each input from its P10 to its P90") +
                   "\nset xlabel '" + currency +
                   " per Mtok'\n"
                   "set style fill solid 0.85 border -1\nset grid xtics\nunset key\n"
                   "set yrange [-0.6:" +
                   std::to_string(t.bars.size()) +
                   "-0.4]\n"
                   "set arrow from " +
                   std::to_string(t.base) + ", graph 0 to " + std::to_string(t.base) +
                   ", graph 1 nohead dt 2\n"
                   "plot " +
                   f +
                   " using (($3+$4)/2):1:(($3<$4)?$3:$4):(($3<$4)?$4:$3):($1-0.3):($1+0.3):ytic(2) "
                   "with boxxyerror lc rgb '#4e79a7' title 'P10 to P90'");
    }

    // 3. Distribution of cost per Mtok: equal-probability bins from the percentiles.
    if (s.statistics) {
      const auto& o = s.statistics->output("cost_per_mtok");
      const fs::path file = dir / ("distribution" + suffix + ".dat");
      std::ofstream data(file);
      data << "# x_low x_high density cdf_at_x_high (" << currency << " per Mtok)\n";
      std::vector<std::pair<double, double>> cdf;  // (x, p)
      for (std::size_t k = 0; k < o.probabilities.size(); ++k) {
        cdf.emplace_back(o.quantiles[k], o.probabilities[k]);
      }
      for (std::size_t k = 1; k < cdf.size(); ++k) {
        const double width = cdf[k].first - cdf[k - 1].first;
        if (width <= 0.0) continue;
        data << cdf[k - 1].first << ' ' << cdf[k].first << ' '
             << (cdf[k].second - cdf[k - 1].second) / width << ' ' << cdf[k].second << "\n";
      }
      data.close();
      const std::string f = gnuplot_text(file.string());
      std::string marks;
      for (const auto& [p, label] :
           {std::pair<double, const char*>{0.05, "P5"}, {0.50, "P50"}, {0.95, "P95"}}) {
        const std::string x = std::to_string(o.quantile(p));
        marks += "set arrow from " + x + ", graph 0 to " + x +
                 ", graph 1 nohead dt 2 lc rgb '#444444'\n";
        marks += "set label " +
                 gnuplot_text(std::string(label) + " " + tpw::format_number(o.quantile(p))) +
                 " at " + x + ", graph 0.96 left offset 0.5,0\n";
      }
      w.render("distribution" + suffix,
               "set title " +
                   gnuplot_text(title + ": cost per Mtok over " + std::to_string(s.samples) +
                                " samples") +
                   "\nset xlabel '" + currency +
                   " per Mtok'\nset ylabel 'density'\n"
                   "set y2label 'cumulative probability'\nset y2range [0:1]\nset y2tics 0.25\n"
                   "set ytics nomirror\nset style fill solid 0.5 border -1\n"
                   "set key at graph 0.98, graph 0.55 right\n" +
                   marks + "plot " + f +
                   " using (($1+$2)/2):3:($2-$1) with boxes lc rgb '#4e79a7' title 'histogram "
                   "(1% bins)', " +
                   f + " using 2:4 axes x1y2 with lines lw 2 lc rgb '#e15759' title 'CDF'");
    }

    // 4. The throughput frontier and the chosen point.
    if (s.input.frontier) {
      const auto& fr = *s.input.frontier;
      const fs::path file = dir / ("frontier" + suffix + ".dat");
      std::ofstream data(file);
      data << "# interactivity (tok/s per user) throughput (tok/s per accelerator)\n";
      for (const auto& p : fr.frontier.points()) {
        data << p.interactivity.value() << ' ' << p.throughput.value() << "\n";
      }
      data << "\n\n"
           << fr.chosen.interactivity.value() << ' ' << fr.chosen.throughput.value() << "\n";
      data.close();
      const std::string f = gnuplot_text(file.string());
      w.render("frontier" + suffix,
               "set title " +
                   gnuplot_text(title + ": throughput frontier and the SLO's operating point") +
                   "\nset xlabel 'interactivity (tok/s per user)'\n"
                   "set ylabel 'throughput (tok/s per accelerator)'\nset grid\nset key top right\n"
                   "set arrow from " +
                   std::to_string(fr.min_interactivity) + ", graph 0 to " +
                   std::to_string(fr.min_interactivity) +
                   ", graph 1 nohead dt 2\n"
                   "plot " +
                   f + " index 0 with linespoints pt 7 lc rgb '#4e79a7' title 'frontier', " + f +
                   " index 1 with points pt 9 ps 2.5 lc rgb '#e15759' title 'operating point'");
    }
  }
  return w.images;
}

}  // namespace tpw_whatif
