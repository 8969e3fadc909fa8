// connection: one open SQLite database handle, closed when the object dies.
//
// Not thread-safe: a connection (and every statement prepared on it) is used by one
// thread at a time; the connection pool hands connections out under that rule. It is opened
// in SQLite's multi-thread mode (SQLITE_OPEN_NOMUTEX) because that rule already holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace roost::sqlite {

class connection {
public:
  /// How to open the file.
  enum class open_mode {
    create,     ///< read-write, creating the file when missing
    existing,   ///< read-write, the file must exist
    read_only,  ///< read-only (mode=ro): locks and a WAL's -shm as other readers
    immutable,  ///< read-only, no locks, no -wal or -shm (immutable=1): nobody writes it
  };

  /// Opens `path` (UTF-8; ":memory:" for a private in-memory database) through the VFS
  /// named `vfs` (empty: the default). Throws sqlite_error.
  connection(const std::string& path, open_mode mode, const std::string& vfs);

  /// Closes the handle; every statement prepared on it must be finalized first.
  ~connection();

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// The raw handle, for statements and for the few calls this class does not wrap.
  sqlite3* get() const noexcept { return db_; }

  /// Runs SQL that returns no rows needed by the caller (pragmas, DDL). Throws sqlite_error.
  void exec(std::string_view sql);

  /// Runs a query whose first column of the first row is an integer (e.g. a pragma) and
  /// returns it; `fallback` when it returns no row. Throws sqlite_error.
  std::int64_t query_int(std::string_view sql, std::int64_t fallback = 0);

  /// Runs a query and returns the first column of the first row as text; empty when no row.
  std::string query_text(std::string_view sql);

  /// Sets how long a statement waits for another connection's lock before SQLITE_BUSY.
  void set_busy_timeout(std::chrono::milliseconds timeout);

  /// True when SQLite opened the main database read-only (e.g. the file is not writable).
  bool is_read_only() const noexcept;

  /// True inside an explicit transaction.
  bool in_transaction() const noexcept;

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const noexcept;

  /// The rowid of the last INSERT.
  std::int64_t last_insert_rowid() const noexcept;

private:
  sqlite3* db_ = nullptr;
};

}  // namespace roost::sqlite
