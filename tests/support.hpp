// Helpers shared by tpw's tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <system_error>

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

// A scratch folder under the system's temporary directory ("tpw_test_<name>"), made empty, and
// removed at the end of the test (made writable first, for tests that take its write bit away).
struct scratch_dir {
  std::filesystem::path path;
  explicit scratch_dir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("tpw_test_" + name)) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(path, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  // Writes a file (its folders made as needed); returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

}  // namespace tpw_test
