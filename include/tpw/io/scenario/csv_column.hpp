// tpw/io/scenario/csv_column.hpp: one column of a CSV file a scenario names (the demand's hourly
// rates, a tariff's market prices), read under the named-file rules (tpw/io/file.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "tpw/curves/csv.hpp"
#include "tpw/io/file.hpp"
#include "tpw/io/scenario/fields.hpp"

namespace tpw::io::detail {

// The file `value` names at `path`, parsed, with the index of its column `column`; refused, naming
// the file, when it has none (`what` says what the file holds). `source` gets the file's name as
// messages show it.
struct csv_column {
  csv_table table;
  std::size_t index = 0;
};
inline csv_column csv_column_at(const json& value, const std::string& path,
                                const named_files& files, std::string_view column,
                                std::string_view what, std::string& source) {
  const std::string name = text_at(value, path, "must be a file name");
  const std::filesystem::path file = resolve_named_file(files, name, path);
  source = shown_path(files, name);
  csv_column out{parse_csv(read_text_file(file, path, max_input_bytes, source), source, {column}),
                 0};
  const auto at = out.table.column(column);
  if (!at) {
    throw invalid_input(source, "(no " + std::string(column) + " column)",
                        "a " + std::string(what) + " file needs a " + std::string(column) +
                            " column, one row per hour");
  }
  out.index = *at;
  return out;
}

}  // namespace tpw::io::detail
