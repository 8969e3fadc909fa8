// The few SQLite helpers the raw baselines share: errors as exceptions, exec, and a
// prepared statement that binds, steps and resets.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <sqlite3.h>

namespace roost::bench::raw_sql {

/// Throws std::runtime_error naming `what` and SQLite's message for `db`.
[[noreturn]] inline void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error("raw sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "no db"));
}

/// Runs `sql` (one or more statements); throws on failure.
inline void exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

/// A statement prepared once. Bound strings are not copied (SQLITE_STATIC): they must
/// outlive the step, as the library's own bound texts do.
class statement {
public:
  statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail(db, sql);
  }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind_text(int index, const std::string& text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_STATIC));
    return *this;
  }
  statement& bind_blob(int index, const std::string& bytes) {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_STATIC));
    return *this;
  }
  statement& bind_int64(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }

  /// Steps once; true when a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(db_, "step");
    return false;
  }

  /// Steps a statement that returns no rows, then resets it for the next run.
  void run() {
    step();
    reset();
  }

  std::string column_text(int index) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
    return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
  }

  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace roost::bench::raw_sql
