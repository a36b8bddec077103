// tpw/io/file.hpp: reading a file a user names (a scenario, a curve CSV) without trusting it: a
// folder, a device or a file above the size limit is refused with its name and the reason, and
// no more than the limit is ever read, so `/dev/zero` or a 200 MB file cannot exhaust memory.
// Target tpw::io (needs no JSON itself).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
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

// Opens a user's file for reading after checking what it is: a regular file (or a pipe, which
// is read up to the limit) no larger than `limit`. `field` names it in messages ("scenario").
inline std::ifstream open_checked(const std::filesystem::path& file, std::string_view field,
                                  std::uintmax_t limit) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(file, error);
  if (error || !fs::exists(status)) {
    refuse_file(field, file,
                "cannot be opened for reading (" +
                    (error ? error.message() : std::string("no such file")) + ")");
  }
  if (fs::is_directory(status)) refuse_file(field, file, "is a folder, not a file");
  if (!fs::is_regular_file(status) && !fs::is_fifo(status)) {
    refuse_file(field, file, "is a device or special file, not a file");
  }
  if (fs::is_regular_file(status)) {
    const std::uintmax_t size = fs::file_size(file, error);
    if (!error && size > limit) {
      refuse_file(field, file,
                  "is " + std::to_string(size) + " bytes, above the " + limit_text(limit) +
                      " limit on input files");
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) refuse_file(field, file, "cannot be opened for reading");
  return in;
}

}  // namespace detail

// A whole text file (a curve CSV, say), refused as open_checked says; at most `limit` bytes are
// read even from a file that grows or a pipe.
inline std::string read_text_file(const std::filesystem::path& file, std::string_view field,
                                  std::uintmax_t limit = max_input_bytes) {
  std::ifstream in = detail::open_checked(file, field, limit);
  bounded_input bounded(*in.rdbuf(), limit);
  std::string text;
  char chunk[1 << 16];
  std::istream stream(&bounded);
  while (stream.read(chunk, sizeof chunk) || stream.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(stream.gcount()));
  }
  if (bounded.exceeded()) {
    detail::refuse_file(
        field, file, "is larger than the " + detail::limit_text(limit) + " limit on input files");
  }
  if (in.bad()) detail::refuse_file(field, file, "could not be read to its end");
  return text;
}

}  // namespace tpw::io
