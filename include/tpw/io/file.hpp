// tpw/io/file.hpp: reading a file a user names (a scenario, a curve CSV, a benchmark result)
// without trusting it. Only a regular file is read: a folder, a pipe (FIFO), a socket or a device
// is refused by name before anything blocks on it, and no more than the size limit is ever read,
// so `/dev/zero`, a pipe with no writer or a 200 MB file can neither hang tpw nor exhaust its
// memory. Files a scenario names are found only inside the scenario's folder
// (resolve_named_file), unless the caller allows more. Target tpw::io (needs no JSON itself).
#pragma once

#if __has_include(<unistd.h>)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define TPW_POSIX_FILES 1
#endif

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>

#include "tpw/error.hpp"

namespace tpw::io {

// The largest scenario or curve file tpw reads: 16 MiB, about a million numbers in an empirical
// distribution or a frontier; parsed, such a file takes about 0.5 GB.
inline constexpr std::uintmax_t max_input_bytes = std::uintmax_t{16} << 20;

// A stream over another that yields at most `limit` bytes; exceeded() says whether the source
// had more. Parsers read through it, so nothing beyond the limit is read or held.
class bounded_input : public std::streambuf {
 public:
  bounded_input(std::streambuf& source, std::uintmax_t limit) : source_(source), left_(limit) {}
  [[nodiscard]] bool exceeded() const noexcept { return exceeded_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (exceeded_) return traits_type::eof();
    // One byte beyond what is left shows whether the source goes on.
    const auto want =
        static_cast<std::streamsize>(std::min<std::uintmax_t>(sizeof buffer_, left_ + 1));
    const std::streamsize got = source_.sgetn(buffer_, want);
    if (got <= 0) return traits_type::eof();
    if (static_cast<std::uintmax_t>(got) > left_) {
      exceeded_ = true;
      return traits_type::eof();
    }
    left_ -= static_cast<std::uintmax_t>(got);
    setg(buffer_, buffer_, buffer_ + got);
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  std::streambuf& source_;
  std::uintmax_t left_;
  bool exceeded_ = false;
  char buffer_[1 << 16];
};

namespace detail {

[[noreturn]] inline void refuse_file(std::string_view field, const std::filesystem::path& file,
                                     std::string_view rule) {
  throw invalid_input(field, file.string(), rule);
}

inline std::string limit_text(std::uintmax_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

inline constexpr std::string_view not_regular_rule =
    ": tpw reads only regular files, so that nothing it is given can block it or feed it without "
    "end";

// Refuses what is not a regular file, saying what it is: "is a folder", "is a pipe (FIFO)", ...
inline void require_regular(std::string_view field, const std::filesystem::path& file,
                            const std::filesystem::file_status& status) {
  namespace fs = std::filesystem;
  if (fs::is_regular_file(status)) return;
  const char* what = fs::is_directory(status) ? "is a folder, not a file"
                     : fs::is_fifo(status)    ? "is a pipe (FIFO), not a file"
                     : fs::is_socket(status)  ? "is a socket, not a file"
                                              : "is a device or special file, not a file";
  refuse_file(field, file, std::string(what).append(not_regular_rule));
}

inline void require_size(std::string_view field, const std::filesystem::path& file,
                         std::uintmax_t size, std::uintmax_t limit) {
  if (size > limit) {
    refuse_file(field, file,
                "is " + std::to_string(size) + " bytes, above the " + limit_text(limit) +
                    " limit on input files");
  }
}

inline std::filesystem::file_status status_of(std::string_view field,
                                              const std::filesystem::path& file,
                                              const std::filesystem::path& name) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(file, error);
  if (error || !std::filesystem::exists(status)) {
    refuse_file(field, name,
                "cannot be opened for reading (" +
                    (error ? error.message() : std::string("no such file")) + ")");
  }
  return status;
}

#if defined(TPW_POSIX_FILES)
// A file descriptor closed when it goes out of scope.
struct descriptor {
  int fd = -1;
  descriptor(int d) : fd(d) {}
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads a regular file of at most `limit` bytes. The file is looked at before it is opened (a
// device is never opened), opened without blocking (a FIFO swapped in meanwhile cannot hang the
// open) and looked at again through its descriptor, so what is read is what was checked.
inline std::string read_checked(const std::filesystem::path& file, std::string_view field,
                                std::uintmax_t limit, const std::filesystem::path& name) {
  require_regular(field, name, status_of(field, file, name));
  const descriptor in(::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (in.fd < 0) {
    refuse_file(field, name,
                std::string("cannot be opened for reading (") + std::strerror(errno) + ")");
  }
  struct stat opened {};
  if (::fstat(in.fd, &opened) != 0) refuse_file(field, name, "cannot be opened for reading");
  if (!S_ISREG(opened.st_mode)) {
    refuse_file(field, name, std::string("is not a regular file").append(not_regular_rule));
  }
  require_size(field, name, static_cast<std::uintmax_t>(opened.st_size), limit);
  std::string text;
  text.reserve(static_cast<std::size_t>(opened.st_size));
  char chunk[1 << 16];
  while (true) {
    const ::ssize_t got = ::read(in.fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) refuse_file(field, name, "could not be read to its end");
    if (got == 0) break;
    if (text.size() + static_cast<std::size_t>(got) > limit) {  // a file that grew meanwhile
      refuse_file(field, name, "is larger than the " + limit_text(limit) + " limit on input files");
    }
    text.append(chunk, static_cast<std::size_t>(got));
  }
  return text;
}
#else
inline std::string read_checked(const std::filesystem::path& file, std::string_view field,
                                std::uintmax_t limit, const std::filesystem::path& name) {
  require_regular(field, name, status_of(field, file, name));
  std::error_code error;
  require_size(field, name, std::filesystem::file_size(file, error), limit);
  std::ifstream in(file, std::ios::binary);
  if (!in) refuse_file(field, name, "cannot be opened for reading");
  bounded_input bounded(*in.rdbuf(), limit);
  std::istream stream(&bounded);
  std::string text;
  char chunk[1 << 16];
  while (stream.read(chunk, sizeof chunk) || stream.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(stream.gcount()));
  }
  if (bounded.exceeded()) {
    refuse_file(field, name, "is larger than the " + limit_text(limit) + " limit on input files");
  }
  return text;
}
#endif

// Whether `inner` is `outer` or lies below it (both absolute, without links or dots).
inline bool lies_within(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty() && std::next(o) == outer.end()) break;  // outer's trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace detail

// A whole text file (a scenario, a curve CSV), refused unless it is a regular file of at most
// `limit` bytes; `field` names it in messages ("frontier.csv"), with `shown` as its name (default:
// its path).
inline std::string read_text_file(const std::filesystem::path& file, std::string_view field,
                                  std::uintmax_t limit = max_input_bytes,
                                  const std::filesystem::path& shown = {}) {
  return detail::read_checked(file, field, limit, shown.empty() ? file : shown);
}

// How far the files a scenario names (frontier.csv, power_cap.csv, frontier.benchmarks) may be.
enum class named_file_reach {
  // Inside the scenario's folder: a relative name without "..", and no symbolic link on the way
  // that leads out of it. A scenario from someone else reads nothing else.
  scenario_folder,
  // Anywhere the user can read (absolute paths, "..", links): for scenarios one trusts.
  anywhere,
};

// The folder a scenario's names are relative to, and how far they may reach.
struct named_files {
  std::filesystem::path folder;  // the scenario file's folder; empty: the current folder
  named_file_reach reach = named_file_reach::scenario_folder;
};

namespace detail {
// Why a name that leads out of the scenario's folder is refused, and what lifts it.
inline constexpr std::string_view outside_folder_rule =
    ": a scenario reads files only inside its own folder (tpw-whatif --allow-outside-files lifts "
    "this for a scenario you trust)";

// A named file as messages show it: the scenario's folder and the name as the scenario wrote it
// (never where a link leads).
inline std::string shown_path(const named_files& files, std::string_view name) {
  return files.folder.empty() ? std::string(name) : (files.folder / std::string(name)).string();
}
}  // namespace detail

// The path of a file or folder a scenario names at `field`, refused (naming the field and the
// name, never what the file holds) when the name is empty or holds a control character, or,
// within the scenario's folder, when it is absolute, climbs with "..", or leads out of the folder
// through a symbolic link. The path returned has no links left to follow.
inline std::filesystem::path resolve_named_file(const named_files& files, std::string_view name,
                                                std::string_view field) {
  namespace fs = std::filesystem;
  if (name.empty()) throw invalid_input(field, name, "must name a file");
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    throw invalid_input(field, name,
                        "holds a control character: a file name has none (a NUL would cut it)");
  }
  const fs::path relative(name);
  if (files.reach == named_file_reach::anywhere) {
    return files.folder.empty() || relative.is_absolute() ? relative : files.folder / relative;
  }
  const std::string_view allow = detail::outside_folder_rule;
  if (relative.has_root_name() || relative.has_root_directory()) {
    throw invalid_input(field, name, std::string("is an absolute path").append(allow));
  }
  for (const auto& part : relative) {
    if (part == "..")
      throw invalid_input(field, name, std::string("climbs out with ..").append(allow));
  }
  std::error_code error;
  const fs::path folder = fs::canonical(files.folder.empty() ? fs::path(".") : files.folder, error);
  if (error) {
    throw invalid_input(
        field, name,
        "cannot be read: the scenario's folder cannot be opened (" + error.message() + ")");
  }
  const fs::path resolved = fs::weakly_canonical(folder / relative, error);
  if (error) {
    throw invalid_input(field, name, "cannot be opened for reading (" + error.message() + ")");
  }
  if (!detail::lies_within(resolved, folder)) {
    throw invalid_input(
        field, name,
        std::string("leads out of the scenario's folder through a symbolic link").append(allow));
  }
  return resolved;
}

}  // namespace tpw::io
