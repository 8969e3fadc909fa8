#include "sqlite_error.hpp"

#include <sqlite3.h>

#include <cstring>

namespace roost::sqlite {

sqlite_error::sqlite_error(int code, std::string call, std::string engine_message)
    : std::runtime_error(call + " failed: " + engine_message + " (" + std::string(code_name(code)) +
                         ", extended code " + std::to_string(code) + ")"),
      code_(code),
      call_(std::move(call)),
      engine_message_(std::move(engine_message)) {}

errc sqlite_error::kind() const noexcept { return classify(code_); }

void throw_error(sqlite3* db, int rc, std::string call) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // "unable to open database file" alone does not say why; the errno does.
  const int primary = rc & 0xFF;
  if (db != nullptr && (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR ||
                        primary == SQLITE_FULL || primary == SQLITE_READONLY)) {
    if (const int err = sqlite3_system_errno(db); err != 0)
      message += " [errno " + std::to_string(err) + ": " + std::strerror(err) + "]";
  }
  throw sqlite_error(rc, std::move(call), std::move(message));
}

errc classify(int code) noexcept {
  switch (code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return errc::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return errc::corrupt;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_NOMEM: return errc::io_error;
    default: return errc::internal;
  }
}

std::string_view code_name(int code) noexcept {
  switch (code & 0xFF) {
    case SQLITE_OK: return "SQLITE_OK";
    case SQLITE_ERROR: return "SQLITE_ERROR";
    case SQLITE_INTERNAL: return "SQLITE_INTERNAL";
    case SQLITE_PERM: return "SQLITE_PERM";
    case SQLITE_ABORT: return "SQLITE_ABORT";
    case SQLITE_BUSY: return "SQLITE_BUSY";
    case SQLITE_LOCKED: return "SQLITE_LOCKED";
    case SQLITE_NOMEM: return "SQLITE_NOMEM";
    case SQLITE_READONLY: return "SQLITE_READONLY";
    case SQLITE_INTERRUPT: return "SQLITE_INTERRUPT";
    case SQLITE_IOERR: return "SQLITE_IOERR";
    case SQLITE_CORRUPT: return "SQLITE_CORRUPT";
    case SQLITE_NOTFOUND: return "SQLITE_NOTFOUND";
    case SQLITE_FULL: return "SQLITE_FULL";
    case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN";
    case SQLITE_PROTOCOL: return "SQLITE_PROTOCOL";
    case SQLITE_EMPTY: return "SQLITE_EMPTY";
    case SQLITE_SCHEMA: return "SQLITE_SCHEMA";
    case SQLITE_TOOBIG: return "SQLITE_TOOBIG";
    case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT";
    case SQLITE_MISMATCH: return "SQLITE_MISMATCH";
    case SQLITE_MISUSE: return "SQLITE_MISUSE";
    case SQLITE_NOLFS: return "SQLITE_NOLFS";
    case SQLITE_AUTH: return "SQLITE_AUTH";
    case SQLITE_FORMAT: return "SQLITE_FORMAT";
    case SQLITE_RANGE: return "SQLITE_RANGE";
    case SQLITE_NOTADB: return "SQLITE_NOTADB";
    case SQLITE_NOTICE: return "SQLITE_NOTICE";
    case SQLITE_WARNING: return "SQLITE_WARNING";
    default: return "SQLITE_UNKNOWN";
  }
}

storage_error to_storage_error(const sqlite_error& e, std::string_view operation,
                               std::string_view path) {
  std::string message(operation);
  message += " on sqlite store ";
  message += path;
  message += ": ";
  message += e.what();
  if (e.kind() == errc::corrupt)
    message +=
        "; the file is damaged: run roost check on it, and restore it from a backup or "
        "an export";
  return storage_error(make_error_code(e.kind()), std::move(message));
}

}  // namespace roost::sqlite
