// Lines of untrusted input, read from a file descriptor (a file, a pipe, a terminal) or
// from memory. Any bytes are allowed; a line longer than the limit is skipped without
// ever being held whole, so a file without newlines cannot exhaust memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace roost::app {

class line_reader {
public:
  /// One line. `text` excludes the newline (and a "\r" before it) and stays valid until
  /// the next call to next(). When `too_long`, `text` is empty.
  struct line {
    std::string_view text;
    std::uint64_t number = 0;  ///< 1-based
    bool too_long = false;
  };

  /// Reads from `fd` (not owned, not closed). `interrupted` is polled when a read is
  /// interrupted by a signal; when it returns true, next() ends the input early.
  line_reader(int fd, std::size_t max_line_bytes, std::function<bool()> interrupted = {});

  /// Reads from `data`.
  line_reader(std::string data, std::size_t max_line_bytes);

  /// The next line, or nullopt at the end of the input (or when interrupted). Throws
  /// std::system_error when reading fails.
  std::optional<line> next();

  /// Bytes read from the input so far, some of them perhaps not yet returned as lines.
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }

  /// Bytes of the lines returned so far, newlines included: the measure of progress
  /// (bytes_read() runs up to a megabyte ahead, in steps of one read).
  std::uint64_t bytes_consumed() const noexcept { return bytes_read_ - (end_ - begin_); }

  /// True when next() ended the input because of the interrupt predicate.
  bool interrupted() const noexcept { return interrupted_; }

private:
  // Reads more bytes after end_; sets eof_ at the end of the input.
  void fill();

  int fd_ = -1;
  std::size_t max_line_;
  std::function<bool()> interrupt_;
  std::string buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // inside a line already known to be too long
  bool interrupted_ = false;
  std::uint64_t number_ = 0;
  std::uint64_t bytes_read_ = 0;
};

}  // namespace roost::app
