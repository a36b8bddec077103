// tpw-whatif --csv DIR: the figures and each scenario's yearly cash flows as CSV files a
// spreadsheet opens (RFC 4180: CRLF line ends, a header row, a field with a comma, a quote or a
// line break in double quotes with its quotes doubled). Units are in the header, "name (unit)".
//  - figures.csv: one row per scenario, one column per figure (figures.hpp), empty where the
//    scenario does not give it;
//  - cash_flows_<n>.csv: the n-th scenario's yearly table, when it has a finance section;
//  - capacity_<n>.csv: the n-th scenario's fleet year by year, when it has a demand section (one
//    row, year 1, without a finance section);
//  - mix_<n>.csv: the n-th scenario's platforms alone and in the least-cost mix, one row each,
//    when its demand section has candidates;
//  - solve.csv: every goal seek of every scenario, one row per root (one row, roots empty, when
//    the target is out of reach), when a scenario has a solve section or --solve is given.
// File names are fixed here (never taken from a scenario); every file is written atomically.
#pragma once

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tpw/io/report.hpp>

#include "charts.hpp"
#include "figures.hpp"

namespace tpw_whatif {

// A field as RFC 4180 writes it.
inline std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A number in the shortest text that reads back to the same double.
inline std::string csv_number(double x) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return error == std::errc() ? std::string(buffer, end) : std::string();
}

// A scenario's name as a text cell: one that starts like a formula (=, +, -, @, a tab or a
// carriage return) gets a leading apostrophe, so that a spreadsheet shows it rather than runs it.
inline std::string csv_text(const std::string& text) {
  const bool formula =
      !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos;
  return formula ? "'" + text : text;
}

inline std::string csv_row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) line += ',';
    line += csv_field(fields[k]);
  }
  return line + "\r\n";
}

// Writes the CSV files; returns their paths.
inline std::vector<std::filesystem::path> write_csv(const std::vector<tpw::io::study>& studies,
                                                    const std::filesystem::path& dir) {
  std::vector<std::vector<figure>> figures;
  std::vector<std::string> keys;  // every figure some scenario gives, in order
  std::vector<std::string> heads{"scenario"};
  for (const auto& s : studies) {
    figures.push_back(figures_of(s));
    for (const auto& f : figures.back()) {
      if (!f.value || std::find(keys.begin(), keys.end(), f.key) != keys.end()) continue;
      keys.push_back(f.key);
      heads.push_back(f.key + " (" + f.unit + ")");
    }
  }
  std::string table = csv_row(heads);
  for (std::size_t n = 0; n < studies.size(); ++n) {
    std::vector<std::string> row(heads.size());
    row[0] = csv_text(studies[n].input.name);
    for (const auto& f : figures[n]) {
      const auto k = std::find(keys.begin(), keys.end(), f.key);
      if (f.value && k != keys.end()) {
        row[static_cast<std::size_t>(k - keys.begin()) + 1] = csv_number(*f.value);
      }
    }
    table += csv_row(row);
  }
  std::vector<std::filesystem::path> files{dir / "figures.csv"};
  write_file_atomically(files.back(), table);

  for (std::size_t n = 0; n < studies.size(); ++n) {
    const auto& s = studies[n];
    if (!s.finance) continue;
    const std::string cur = s.input.currency;
    std::vector<std::string> columns{"scenario"};
    tpw::io::detail::for_each_year_column([&](const char* key, const auto&) {
      const std::string k = key;
      const std::string unit = k == "year"          ? "t"
                               : k == "utilization" ? "share"
                               : k == "tokens"      ? "tokens"
                                                    : cur;
      columns.push_back(k + " (" + unit + ")");
    });
    columns.emplace_back("dscr (x)");  // empty in a year without debt service
    std::string text = csv_row(columns);
    for (const auto& y : s.finance->years) {
      std::vector<std::string> row{csv_text(s.input.name)};
      tpw::io::detail::for_each_year_column(
          [&](const char*, const auto& value) { row.push_back(csv_number(value(y))); });
      row.push_back(y.dscr ? csv_number(*y.dscr) : std::string());
      text += csv_row(row);
    }
    files.push_back(dir / ("cash_flows_" + std::to_string(n + 1) + ".csv"));
    write_file_atomically(files.back(), text);
  }
  for (std::size_t n = 0; n < studies.size(); ++n) {
    const auto& demand = studies[n].input.demand;
    if (!demand) continue;
    const std::string cur = studies[n].input.currency;
    std::string text = csv_row(
        {"scenario", "year (t)", "peak_requests_per_s (requests per s)", "systems_for_peak (count)",
         "systems (count)", "requests_per_year (requests)", "served_tokens_per_year (tokens)",
         "unserved_tokens_per_year (tokens)", "unserved_share (share)", "hours_short (hours)",
         "utilization (share)", "energy_price_per_kwh (" + cur + "/kWh)"});
    const std::vector<tpw::capacity::capacity_plan> one{demand->plan};
    const auto& years = demand->years.empty() ? one : demand->years;
    // Each year's bill, whose price the project pays that year (year 1's alone without one);
    // empty without a tariff.
    const auto& tariff = studies[n].input.tariff;
    const auto price_of = [&](std::size_t k) -> std::string {
      if (!tariff || !tariff->bill || (k > 0 && k >= tariff->years.size())) return {};
      const auto& bill = k < tariff->years.size() ? tariff->years[k] : *tariff->bill;
      return csv_number(tpw::in(bill.effective_price(),
                                tpw::units::unit_of<tpw::io::scenario_currency> / tpw::units::kWh));
    };
    for (std::size_t k = 0; k < years.size(); ++k) {
      const auto& y = years[k];
      text +=
          csv_row({csv_text(studies[n].input.name), csv_number(static_cast<double>(k + 1)),
                   csv_number(y.peak.value()), csv_number(static_cast<double>(y.systems_for_peak)),
                   csv_number(static_cast<double>(y.systems)), csv_number(y.requests_per_year),
                   csv_number(y.served_tokens_per_year.value()),
                   csv_number(y.unserved_tokens_per_year.value()), csv_number(y.unserved_share()),
                   csv_number(y.hours_short), csv_number(y.utilization), price_of(k)});
    }
    files.push_back(dir / ("capacity_" + std::to_string(n + 1) + ".csv"));
    write_file_atomically(files.back(), text);
  }
  for (std::size_t n = 0; n < studies.size(); ++n) {
    const auto& mix = studies[n].input.mix;
    if (!mix) continue;
    const std::string cur = " (" + studies[n].input.currency + ")";
    std::string text = csv_row(
        {"scenario", "platform", "source", "accelerators_per_system (count)",
         "interactivity (tok/s per user)", "streams_per_system (count)", "availability (share)",
         "facility_power_per_system (kW)", "cost_per_system_year" + cur, "alone_systems (count)",
         "alone_utilization (share)", "alone_capped (yes/no)", "alone_cost_per_year" + cur,
         "mix_systems_up (count)", "mix_systems (count)", "mix_servable (requests per s)"});
    for (const auto& p : mix->pools) {
      text += csv_row(
          {csv_text(studies[n].input.name), csv_text(p.name), csv_text(p.source),
           csv_number(static_cast<double>(p.accelerators_per_system)),
           csv_number(p.interactivity_tok_s_user),
           csv_number(static_cast<double>(p.streams_per_system)), csv_number(p.availability),
           csv_number(p.facility_kw_per_system), csv_number(p.cost_per_system_year),
           csv_number(static_cast<double>(p.alone_systems)), csv_number(p.alone_utilization),
           p.alone_capped ? "yes" : "no", csv_number(p.alone_cost_per_year),
           csv_number(static_cast<double>(p.systems_up)),
           csv_number(static_cast<double>(p.systems)), csv_number(p.servable_requests_per_s)});
    }
    files.push_back(dir / ("mix_" + std::to_string(n + 1) + ".csv"));
    write_file_atomically(files.back(), text);
  }
  for (std::size_t n = 0; n < studies.size(); ++n) {
    const auto& s = studies[n];
    if (!s.fleet) continue;
    const std::string cur = " (" + s.input.currency + ")";
    const auto& l = s.fleet->ledger;
    const auto& spec = s.input.fleet->spec;
    std::string text =
        csv_row({"scenario", "period", "cohort (number)", "generation", "origin", "power_mw (MW)",
                 "mtok (Mtok)", "revenue" + cur, "running_cost" + cur, "capex" + cur,
                 "residual" + cur, "idled (yes/no)", "switched_on_mw (MW)",
                 "period_demand_mtok (Mtok)", "period_unserved_mtok (Mtok)"});
    for (const auto& row : l.rows) {
      const auto& c = l.cohorts[row.cohort];
      // With a demand: the period's tokens asked for and unserved (empty without one).
      const auto period_figure = [&](const std::vector<tpw::tokens>& by_period) {
        return by_period.empty()
                   ? std::string()
                   : csv_number(by_period[static_cast<std::size_t>(row.period)] / tpw::units::Mtok);
      };
      text +=
          csv_row({csv_text(s.input.name), l.when.label(row.period),
                   csv_number(static_cast<double>(row.cohort + 1)),
                   csv_text(spec.generations[c.generation].name),
                   c.origin == tpw::fleet::cohort_origin::installed ? "installed" : "bought",
                   csv_number(c.capacity / tpw::units::MW), csv_number(row.made / tpw::units::Mtok),
                   csv_number(row.revenue.value()), csv_number(row.running.value()),
                   csv_number(row.capex.value()), csv_number(row.residual.value()),
                   row.idled ? "yes" : "no", csv_number(row.switched_on / tpw::units::MW),
                   period_figure(l.demanded), period_figure(l.unserved)});
    }
    files.push_back(dir / ("fleet_" + std::to_string(n + 1) + ".csv"));
    write_file_atomically(files.back(), text);
  }
  if (std::any_of(studies.begin(), studies.end(),
                  [](const auto& s) { return !s.solved.empty(); })) {
    std::string text =
        csv_row({"scenario", "goal", "input", "figure", "target", "reached", "root (input's unit)",
                 "bracket_low", "bracket_high", "figure_at_root", "given (input's unit)",
                 "evaluations", "samples", "least", "most", "closest", "at_closest"});
    for (const auto& s : studies) {
      for (const auto& g : s.solved) {
        const auto& f = g.found;
        std::vector<std::string> reach(4);
        if (f.reached) {
          reach = {csv_number(f.reached->least), csv_number(f.reached->most),
                   csv_number(f.reached->closest), csv_number(f.reached->at_closest)};
        }
        const auto row = [&](const tpw::solve::root* r) {
          std::vector<std::string> fields{
              csv_text(s.input.name),
              csv_text(tpw::solve::describe(g.asked)),
              csv_text(g.asked.input),
              csv_text(tpw::solve::describe(g.asked.of, g.asked.figure)),
              csv_number(g.asked.target),
              g.reached() ? "yes" : "no",
              r ? csv_number(r->x) : "",
              r ? csv_number(r->low) : "",
              r ? csv_number(r->high) : "",
              r ? csv_number(r->value) : "",
              g.given ? csv_number(*g.given) : "",
              csv_number(f.evaluations),
              csv_number(static_cast<double>(g.samples))};
          fields.insert(fields.end(), reach.begin(), reach.end());
          text += csv_row(fields);
        };
        if (f.roots.empty()) row(nullptr);
        for (const auto& r : f.roots) row(&r);
      }
    }
    files.push_back(dir / "solve.csv");
    write_file_atomically(files.back(), text);
  }
  return files;
}

}  // namespace tpw_whatif
