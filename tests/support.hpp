// Helpers shared by tpw's tests.
#pragma once

#include <limits>
#include <string>

#include <tpw/error.hpp>

namespace tpw_test {

inline constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
inline constexpr double infinity = std::numeric_limits<double>::infinity();

// The message of the tpw::invalid_input thrown by make(), or "(no error)" when none is thrown.
template <class F>
std::string message_of(F make) {
  try {
    make();
  } catch (const tpw::invalid_input& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace tpw_test
