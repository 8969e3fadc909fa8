#include "line_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace roost::app {
namespace {

constexpr std::size_t chunk = std::size_t{1} << 20;

}  // namespace

line_reader::line_reader(int fd, std::size_t max_line_bytes, std::function<bool()> interrupted)
    : fd_(fd), max_line_(max_line_bytes), interrupt_(std::move(interrupted)) {}

line_reader::line_reader(std::string data, std::size_t max_line_bytes)
    : max_line_(max_line_bytes),
      buf_(std::move(data)),
      end_(buf_.size()),
      eof_(true),
      bytes_read_(buf_.size()) {}

void line_reader::fill() {
  // Keep the unfinished line at the front and make room for one more chunk.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() < end_ + chunk) buf_.resize(end_ + chunk);
  for (;;) {
    if (interrupt_ && interrupt_()) {  // a request that came while we were busy
      interrupted_ = true;
      eof_ = true;
      return;
    }
    const auto n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      bytes_read_ += static_cast<std::uint64_t>(n);
      return;
    }
    if (n == 0) {
      eof_ = true;
      return;
    }
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "reading input");
  }
}

std::optional<line_reader::line> line_reader::next() {
  for (;;) {
    if (interrupted_) return std::nullopt;
    const char* data = buf_.data();
    if (const auto* nl =
            static_cast<const char*>(std::memchr(data + begin_, '\n', end_ - begin_))) {
      const std::size_t start = begin_, stop = static_cast<std::size_t>(nl - data);
      begin_ = stop + 1;
      const bool too_long = skipping_ || stop - start > max_line_;
      skipping_ = false;
      if (too_long) return line{{}, ++number_, true};
      std::string_view text(data + start, stop - start);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      return line{text, ++number_, false};
    }
    // No newline in what we hold: the line goes on.
    if (skipping_ || end_ - begin_ > max_line_) {
      skipping_ = true;
      begin_ = end_ = 0;  // forget it; only its end matters now
    }
    if (eof_) {
      if (skipping_) {
        skipping_ = false;
        return line{{}, ++number_, true};
      }
      if (begin_ == end_) return std::nullopt;
      std::string_view text(data + begin_, end_ - begin_);
      begin_ = end_;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      return line{text, ++number_, false};
    }
    fill();
  }
}

}  // namespace roost::app
