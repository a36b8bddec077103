// tpw/curves/csv.hpp: the small numeric CSV tables tpw's curves are measured in.
//
// The format: a header row naming the columns, then one row of numbers per point, separated by
// commas. A UTF-8 byte-order mark before the header is skipped; blank lines and lines starting
// with '#' (sources, units, notes) are skipped; spaces around cells are ignored. A column is named
// once. Every cell must be a finite decimal number: anything else is refused with the file's name,
// its line and the column. Messages quote none of the file's text: a column is named only when
// its name is one the reader asked for (`known`), otherwise by its number, and a cell that is not
// a number is not shown, so a file that is not a curve (one a hostile scenario names) is not
// printed back.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tpw/config.hpp"
#include "tpw/error.hpp"

namespace tpw {

struct csv_table {
  std::string source;                     // the file's name, for messages
  std::vector<std::string> columns;       // from the header row
  std::vector<std::vector<double>> rows;  // one per data row, as many cells as columns
  std::vector<std::size_t> lines;         // the line number of each row, for messages
  std::vector<bool> known;                // per column: its name is one the reader asked for

  // The index of a column, or empty when the table has none by that name.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return i;
    }
    return std::nullopt;
  }
  // The name a message uses for a column: its name when known, else "column 3".
  [[nodiscard]] std::string column_label(std::size_t column_index) const {
    return column_index < known.size() && known[column_index]
               ? columns[column_index]
               : "column " + std::to_string(column_index + 1);
  }
  // The name a message uses for one cell: "h200.csv:4 throughput_tok_s_gpu".
  [[nodiscard]] std::string cell_name(std::size_t row, std::size_t column_index) const {
    return source + ":" + std::to_string(lines[row]) + " " + column_label(column_index);
  }
  // Builds a curve from this table's rows; an error about row i of the points is renamed by the
  // row's line in the file.
  template <class Build>
  auto build(Build&& make) const -> decltype(make()) {
    try {
      return make();
    } catch (const invalid_input& e) {
      throw invalid_input(field_with_line(e.field()), e.value(), e.rule());
    }
  }
  // A field named by row index, "f.csv.points[3].throughput_tok_s_gpu", renamed by the row's
  // line in the file, "f.csv:7 throughput_tok_s_gpu"; other fields are returned as they are.
  // Only the index right after the source's name is read, so a file named "a.points[x].csv"
  // renames nothing it should not.
  [[nodiscard]] std::string field_with_line(const std::string& field) const {
    const std::string prefix = source + ".points[";
    if (!field.starts_with(prefix)) return field;
    const auto close = field.find(']', prefix.size());
    if (close == std::string::npos) return field;
    std::size_t row = 0;
    const char* first = field.data() + prefix.size();
    const char* last = field.data() + close;
    const auto [end, error] = std::from_chars(first, last, row);
    if (error != std::errc{} || end != last || row >= lines.size()) return field;
    const std::string column = close + 2 <= field.size() ? field.substr(close + 2) : "";
    return source + ":" + std::to_string(lines[row]) + (column.empty() ? "" : " " + column);
  }
};

namespace detail {
inline std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

inline std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    cells.push_back(trimmed(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return cells;
}
}  // namespace detail

// The largest curve text parse_csv takes: 16 MiB (hundreds of thousands of points).
inline constexpr std::size_t max_csv_bytes = std::size_t{16} << 20;

// Parses CSV text. `source` names the file in messages; `known` lists the column names the
// reader uses, which messages may show.
inline csv_table parse_csv(std::string_view text, std::string_view source,
                           std::initializer_list<std::string_view> known = {}) {
  if (text.size() > max_csv_bytes) {
    throw invalid_input(source, static_cast<double>(text.size()),
                        "bytes: above the 16 MiB limit on curve files");
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte-order mark
  csv_table table;
  table.source = source;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    const std::string_view line =
        detail::trimmed(text.substr(start, end == std::string_view::npos ? end : end - start));
    ++line_number;
    start = end == std::string_view::npos ? text.size() + 1 : end + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto cells = detail::split_cells(line);
    const std::string where = std::string(source) + ":" + std::to_string(line_number);
    if (table.columns.empty()) {
      for (const auto cell : cells) {
        const std::size_t k = table.columns.size();
        if (cell.empty()) {
          throw invalid_input::shown_as(where + " header", "column " + std::to_string(k + 1),
                                        "has no name; every column is named");
        }
        table.known.push_back(std::find(known.begin(), known.end(), cell) != known.end());
        const auto same = std::find(table.columns.begin(), table.columns.end(), cell);
        if (same != table.columns.end()) {
          const auto first = static_cast<std::size_t>(same - table.columns.begin());
          throw invalid_input::shown_as(
              where + " header",
              "columns " + std::to_string(first + 1) + " and " + std::to_string(k + 1) +
                  (table.known.back() ? " (" + std::string(cell) + ")" : ""),
              "have the same name; a column is named once, so that no value is silently "
              "ignored");
        }
        table.columns.emplace_back(cell);
      }
      continue;
    }
    if (cells.size() != table.columns.size()) {
      throw invalid_input(
          where, static_cast<double>(cells.size()),
          "cells in this row; the header has " + std::to_string(table.columns.size()) + " columns");
    }
    std::vector<double> row;
    row.reserve(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      double value = 0.0;
      const char* first = cells[i].data();
      const char* last = first + cells[i].size();
      const auto [end_of_number, error] = std::from_chars(first, last, value);
      if (error == std::errc::result_out_of_range) {
        throw invalid_input::shown_as(where + " " + table.column_label(i), "(a number)",
                                      "is beyond the range of a double (a magnitude between about "
                                      "2.2e-308 and 1.8e308, or 0)");
      }
      if (cells[i].empty() || error != std::errc{} || end_of_number != last ||
          !detail::is_finite(value)) {
        throw invalid_input::shown_as(where + " " + table.column_label(i),
                                      cells[i].empty() ? "(empty)" : "(not a finite number)",
                                      "must be a finite decimal number");
      }
      row.push_back(value);
    }
    table.rows.push_back(std::move(row));
    table.lines.push_back(line_number);
  }
  if (table.columns.empty()) {
    throw invalid_input(std::string(source), std::string_view{}, "has no header row");
  }
  return table;
}

}  // namespace tpw
