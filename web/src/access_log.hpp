// The structured access log: one JSON object per line per request, written whole, so
// lines from several I/O threads never interleave.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace roost::web {

/// One finished request.
struct access_entry {
  std::string remote;
  std::string method;
  std::string target;
  int status = 0;
  std::size_t bytes = 0;  ///< response body bytes
  std::chrono::steady_clock::duration duration{};
};

/// `target` with the value of every `access_token` query parameter replaced by
/// "[redacted]": a token sent in a URL (the Atom feed's) must never reach a log.
std::string redacted_target(std::string_view target);

/// Writes access entries to a FILE (stdout by default). Thread-safe.
class access_log {
public:
  explicit access_log(bool enabled, std::FILE* out = stdout) : enabled_(enabled), out_(out) {}

  /// Writes one line for `entry`, if enabled.
  void write(const access_entry& entry);

private:
  bool enabled_;
  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace roost::web
