// Error model of Roost.
//
// Two kinds of failure, kept apart on purpose:
//  - a caller's mistake (a status without id, an unparsable timestamp, an empty timeline
//    name) throws `invalid_request` from the initiating call, before anything changes,
//    and no callback runs;
//  - a failure of the store itself (I/O error, disk full, corrupt file, lock timeout)
//    never throws: the operation's callback receives a non-empty `storage_error`, and the
//    data is as it was before the operation.
//
// Thread safety: every type here is a value type; distinct objects may be used from
// different threads freely.
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>

namespace roost {

/// Thrown for a caller's mistake; derives from std::invalid_argument so callers may
/// catch either.
class invalid_request : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// Kinds of store failure, as values of `storage_category()`.
enum class errc {
  io_error = 1,  ///< the engine could not read or write (includes disk full)
  corrupt,       ///< the stored data is damaged or not a Roost store
  busy,          ///< another process held a lock for longer than the timeout
  unsupported,   ///< the store was written by a newer, unknown format version, or
                 ///< the backend does not implement the operation (settings)
  overloaded,    ///< an asynchronous adapter's queue is full; try again later
  cancelled,     ///< the operation was abandoned before it completed
  internal,      ///< a bug or an unexpected exception inside a backend
  stale_cursor,  ///< get_changes: the cursor's successors were pruned, or it is ahead
                 ///< of the timeline; the reader must resync (changes.hpp)
  conflict,      ///< put_setting: the setting was written since the version it named
};

/// The error category of `errc` values; its name is "roost.storage".
const std::error_category& storage_category() noexcept;

/// Makes `errc` usable wherever a std::error_code is expected.
std::error_code make_error_code(errc e) noexcept;

/// What a callback receives: empty on success, otherwise a code and a message that
/// says what failed (for engine errors it names the engine call and its own code).
class storage_error {
public:
  /// An empty error: success.
  storage_error() = default;

  /// A failure. REQUIRES: `code` is non-zero.
  storage_error(std::error_code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  /// True when this describes a failure.
  explicit operator bool() const noexcept { return static_cast<bool>(code_); }

  /// The failure's kind; zero on success.
  const std::error_code& code() const noexcept { return code_; }

  /// A human-readable description; empty on success.
  const std::string& message() const noexcept { return message_; }

private:
  std::error_code code_;
  std::string message_;
};

/// The exception that blocking helpers (blocking.hpp) throw for a store failure.
class storage_failure : public std::system_error {
public:
  explicit storage_failure(const storage_error& e) : std::system_error(e.code(), e.message()) {}
};

}  // namespace roost

template <>
struct std::is_error_code_enum<roost::errc> : std::true_type {};
