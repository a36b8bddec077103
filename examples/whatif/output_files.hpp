// tpw-whatif's output files (--csv, --charts): written only inside the folder the user named, and
// never through a name someone else could have planted there.
//  - Each file is written under a temporary name of its own, "." + its name + "." + a random tag +
//    ".part", created exclusively (O_CREAT | O_EXCL | O_NOFOLLOW): a symbolic link or a file
//    planted under any name in the folder is never opened, so nothing outside the folder is
//    written, and two runs writing one folder at once each write their own files.
//  - A complete file is renamed over its final name. rename() replaces a link planted under the
//    final name, never the file it points to; of two runs at once, the last rename wins, and both
//    succeed.
//  - The temporary names in flight are listed where a signal handler can reach them
//    (remove_temporary_files_on_signal): Ctrl-C or a SIGTERM leaves no .part file behind.
//  - Programs (gnuplot) are found on PATH and run by their absolute path, resolved before any
//    change of folder, so a relative PATH entry cannot pick up a program planted in the folder.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace tpw_whatif {

namespace fs = std::filesystem;

// The temporary files being written, for a signal handler to remove. A slot is claimed, its path
// copied in, then marked ready: the handler reads only ready slots.
struct temporary_registry {
  static constexpr std::size_t slots = 64;
  static constexpr std::size_t path_bytes = 4096;
  enum : int { free_slot = 0, claimed = 1, ready = 2 };
  std::array<std::atomic<int>, slots> state{};
  std::array<std::array<char, path_bytes>, slots> paths{};
};

inline temporary_registry& temporaries() {
  static temporary_registry registry;
  return registry;
}

// Removes every listed temporary file: async-signal-safe (unlink and atomic loads only).
inline void remove_temporary_files() noexcept {
  temporary_registry& r = temporaries();
  for (std::size_t k = 0; k < temporary_registry::slots; ++k) {
    if (r.state[k].load(std::memory_order_acquire) == temporary_registry::ready) {
      ::unlink(r.paths[k].data());
    }
  }
}

extern "C" inline void tpw_whatif_on_signal(int signal) {
  remove_temporary_files();
  std::signal(signal, SIG_DFL);
  std::raise(signal);  // ends the process as the signal would have, with its status
}

// Installs the handler for SIGINT, SIGTERM and SIGHUP (the program's main calls it once).
inline void remove_temporary_files_on_signal() {
  for (const int s : {SIGINT, SIGTERM, SIGHUP}) std::signal(s, tpw_whatif_on_signal);
}

// A temporary file: created exclusively, listed for the signal handler while it exists, removed
// when it goes out of scope unless it was renamed into place.
class temporary_file {
 public:
  // Creates "." + final name + ".<tag>.part" in the final name's folder. Throws naming `file`
  // with the system's reason when the folder takes no new file.
  explicit temporary_file(const fs::path& file) : file_(file) {
    std::random_device entropy;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::uint64_t tag =
          (std::uint64_t{entropy()} << 32) ^ entropy() ^ static_cast<std::uint64_t>(::getpid());
      char text[17];
      for (int d = 0; d < 16; ++d) text[d] = "0123456789abcdef"[(tag >> (4 * d)) & 0xf];
      text[16] = '\0';
      path_ = file.parent_path() / ("." + file.filename().string() + "." + text + ".part");
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd_ >= 0) break;
      if (errno != EEXIST) {
        throw std::runtime_error("cannot write " + file.string() + " (" + std::strerror(errno) +
                                 ")");
      }
    }
    if (fd_ < 0) throw std::runtime_error("cannot write " + file.string() + " (no free name)");
    list();
  }
  temporary_file(const temporary_file&) = delete;
  temporary_file& operator=(const temporary_file&) = delete;
  ~temporary_file() {
    close();
    if (!renamed_) ::unlink(path_.c_str());
    unlist();
  }

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

  // Writes all of `content`; throws naming the final file with the system's reason.
  void write(std::string_view content) {
    while (!content.empty()) {
      const ::ssize_t put = ::write(fd_, content.data(), content.size());
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) fail(put < 0 ? std::strerror(errno) : "nothing written");
      content.remove_prefix(static_cast<std::size_t>(put));
    }
  }

  // Closes the file and renames it over the final name (replacing a link there, never following
  // it). Throws naming the file.
  void commit() {
    if (::close(fd_) != 0) {
      fd_ = -1;
      fail(std::strerror(errno));
    }
    fd_ = -1;
    if (::rename(path_.c_str(), file_.c_str()) != 0) fail(std::strerror(errno));
    renamed_ = true;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("cannot write " + file_.string() + " (" + why + ")");
  }
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void list() noexcept {
    temporary_registry& r = temporaries();
    const std::string text = path_.string();
    if (text.size() >= temporary_registry::path_bytes) return;
    for (std::size_t k = 0; k < temporary_registry::slots && slot_ < 0; ++k) {
      int expected = temporary_registry::free_slot;
      if (!r.state[k].compare_exchange_strong(expected, temporary_registry::claimed)) continue;
      std::memcpy(r.paths[k].data(), text.c_str(), text.size() + 1);
      r.state[k].store(temporary_registry::ready, std::memory_order_release);
      slot_ = static_cast<int>(k);
    }
  }
  void unlist() noexcept {
    if (slot_ >= 0) {
      temporaries().state[static_cast<std::size_t>(slot_)].store(temporary_registry::free_slot);
    }
  }

  fs::path file_;
  fs::path path_;
  int fd_ = -1;
  int slot_ = -1;
  bool renamed_ = false;
};

// Writes `content` to `file` under a temporary name of its own, then renames it into place.
inline void write_file_atomically(const fs::path& file, std::string_view content) {
  temporary_file part(file);
  part.write(content);
  part.commit();
}

// An output folder, checked before a run: it exists or can be made, is a folder, and takes a new
// file. Throws a message that names the option and the system's reason.
inline void check_output_folder(const fs::path& dir, const std::string& option) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir)) {
    throw std::runtime_error(option + " " + dir.string() + ": " +
                             (error ? error.message() : std::string("not a folder")));
  }
  try {
    const temporary_file probe(dir / ".tpw-write-check");
  } catch (const std::exception& e) {
    throw std::runtime_error(option + " " + dir.string() + ": " + e.what());
  }
}

// A program's absolute path, found on PATH as a shell would (an empty or relative entry is taken
// from the current folder, now, before anything changes folder); empty when it is not there.
inline std::string find_program(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::error_code error;
  const fs::path here = fs::current_path(error);
  while (true) {
    const std::size_t colon = dirs.find(':');
    const fs::path dir(std::string(dirs.substr(0, colon)));
    fs::path candidate = (dir.empty() ? fs::path(".") : dir) / std::string(name);
    if (candidate.is_relative()) candidate = error ? fs::path() : here / candidate;
    struct stat info {};
    if (!candidate.empty() && ::access(candidate.c_str(), X_OK) == 0 &&
        ::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      return candidate.lexically_normal().string();
    }
    if (colon == std::string_view::npos) return {};
    dirs.remove_prefix(colon + 1);
  }
}

}  // namespace tpw_whatif
