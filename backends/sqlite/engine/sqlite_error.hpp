// The one exception type of the SQLite layer, and its translation into Roost's errors.
//
// The RAII wrappers (connection, statement, transaction) throw `sqlite_error` for every
// failed engine call; sqlite_storage catches it at the do_* boundary and hands the
// callback a storage_error, so nothing engine-specific escapes the backend.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/errors.hpp"

struct sqlite3;

namespace roost::sqlite {

/// A failed SQLite call: the engine's extended result code, the call that failed and the
/// engine's own message.
class sqlite_error : public std::runtime_error {
public:
  sqlite_error(int code, std::string call, std::string engine_message);

  /// SQLite's extended result code (SQLITE_FULL, SQLITE_IOERR_WRITE, ...).
  int code() const noexcept { return code_; }

  /// The failing call, e.g. "sqlite3_step(INSERT INTO statuses ...)".
  const std::string& call() const noexcept { return call_; }

  /// The engine's message, e.g. "database or disk is full".
  const std::string& engine_message() const noexcept { return engine_message_; }

  /// Which kind of store failure the code is.
  errc kind() const noexcept;

private:
  int code_;
  std::string call_;
  std::string engine_message_;
};

/// Throws sqlite_error for result `rc` of `call` on `db`, taking the message (and, for
/// I/O failures, the operating system's errno) from the connection. REQUIRES: rc is an
/// error, not SQLITE_OK/ROW/DONE.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string call);

/// The kind of failure of an extended result code.
errc classify(int code) noexcept;

/// "SQLITE_FULL", "SQLITE_IOERR", ... for the primary part of a result code.
std::string_view code_name(int code) noexcept;

/// `e` as a callback's error: "<operation> on sqlite store <path>: <call> failed: <engine
/// message> (<code name>, extended code N)", and for damage what to do about it.
storage_error to_storage_error(const sqlite_error& e, std::string_view operation,
                               std::string_view path);

}  // namespace roost::sqlite
