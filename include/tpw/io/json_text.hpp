// tpw/io/json_text.hpp: JSON text from a user, parsed without trusting it: nesting deeper than
// 32 and a key given twice are refused while parsing, a syntax error or a number beyond a double
// is refused with its path ("deployment.it_power_kw = 1e400: ..."). Scenario files and benchmark
// result files both read through it. Target tpw::io.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tpw/error.hpp"

namespace tpw::io::detail {

using json = nlohmann::json;

inline constexpr std::size_t max_depth = 32;

inline std::string joined(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path).append(".").append(key);
}

// A JSON value as the file wrote it, shortened for a message.
inline std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', true, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// What the parser checks while it reads, before any value is kept: nesting deeper than
// max_depth, and a key given twice in one object (nlohmann-json would keep the last silently).
// It follows the path of the value being read, for the message.
class parse_guard {
 public:
  explicit parse_guard(std::string_view document = "scenario") : document_(document) {}

  bool operator()(int depth, json::parse_event_t event, json& parsed) {
    using event_t = json::parse_event_t;
    if (depth > static_cast<int>(max_depth)) {
      throw invalid_input::shown_as(document_, "(nested deeper than 32)",
                                    "a file tpw reads is a few levels deep; this is not one");
    }
    switch (event) {
      case event_t::object_start:
      case event_t::array_start:
        levels_.push_back({event == event_t::array_start, 0, element_path(), {}, {}});
        break;
      case event_t::key: {
        level& top = levels_.back();
        top.key = parsed.get<std::string>();
        // A hash set: an object of 100,000 keys is checked in linear time.
        if (!top.keys.insert(top.key).second) {
          throw invalid_input::shown_as(joined(top.path, top.key), "(given twice)",
                                        "a key may appear once in an object; the second would "
                                        "silently replace the first");
        }
        break;
      }
      case event_t::object_end:
      case event_t::array_end:
        levels_.pop_back();
        next_element();
        break;
      case event_t::value:
        next_element();
        break;
    }
    return true;
  }

  // The path of the value the parser is reading now ("scenario" at the top).
  [[nodiscard]] std::string reading() const {
    const std::string path = element_path();
    return path.empty() ? "scenario" : path;
  }

 private:
  struct level {
    bool array;
    std::size_t index;
    std::string path;
    std::unordered_set<std::string> keys;
    std::string key;  // the key whose value is read next
  };
  [[nodiscard]] std::string element_path() const {
    if (levels_.empty()) return {};
    const level& top = levels_.back();
    return top.array ? top.path + "[" + std::to_string(top.index) + "]" : joined(top.path, top.key);
  }
  void next_element() {
    if (!levels_.empty() && levels_.back().array) ++levels_.back().index;
  }
  std::string document_;
  std::vector<level> levels_;
};

// nlohmann-json's syntax error without the text it quotes ("; last read: '...'"), for a file the
// scenario names: its message gives the line, column and rule, never the file's content.
inline std::string without_quoted_text(std::string what) {
  const auto quote = what.find("; last read: '");
  if (quote == std::string::npos) return what;
  const auto expected = what.rfind("'; expected ");
  const std::string rest =
      expected != std::string::npos && expected > quote ? what.substr(expected + 1) : std::string();
  return what.substr(0, quote) + rest;
}

// Parses JSON text, or a stream read as it is parsed, through the guard; a syntax error is
// refused as "<document> = (not valid JSON): ..." (document: "scenario", or a file name). With
// `quote_content` false (a file a scenario names, not the scenario itself) the message gives the
// line and column but none of the file's text.
template <class Input>
json parse_text(Input&& input, std::string_view document = "scenario", bool quote_content = true) {
  parse_guard guard(document);
  const json::parser_callback_t callback = [&guard](int depth, json::parse_event_t event,
                                                    json& parsed) {
    return guard(depth, event, parsed);
  };
  try {
    return json::parse(std::forward<Input>(input), callback);
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (e.id == 406) {
      // "number overflow parsing '1e400'": a number beyond a double, named by its path.
      const auto open = what.find('\'');
      const std::string literal = open == std::string::npos || !quote_content
                                      ? "(a number)"
                                      : what.substr(open + 1, what.size() - open - 2);
      const std::string where =
          quote_content ? guard.reading() : std::string(document) + " " + guard.reading();
      throw invalid_input::shown_as(where, literal,
                                    "a number beyond the range of a double (about 1.8e308)");
    }
    // "[json.exception.parse_error.101] parse error at line 1, ..." without the bracketed id.
    if (const auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    if (!quote_content) what = without_quoted_text(std::move(what));
    throw invalid_input::shown_as(document, "(not valid JSON)", what);
  }
}

}  // namespace tpw::io::detail
