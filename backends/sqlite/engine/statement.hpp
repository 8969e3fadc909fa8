// statement: a prepared SQLite statement, prepared once and reused.
//
// Use goes through `start()`, which returns an `active` handle that binds, steps and reads
// columns, and resets the statement (clearing its bindings) when it goes out of scope, so
// a statement never stays half-run holding a read snapshot, also when an exception
// leaves the scope early. Not thread-safe, like the connection it belongs to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace roost::sqlite {

class connection;

class statement {
public:
  /// Whether the statement is kept and reused (SQLITE_PREPARE_PERSISTENT) or run once.
  enum class lifetime { persistent, once };

  /// Prepares `sql` (a single statement) on `db`. Throws sqlite_error.
  statement(connection& db, std::string_view sql, lifetime how = lifetime::persistent);
  ~statement();

  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  /// The SQL text, for error messages and query plans.
  const std::string& sql() const noexcept { return sql_; }

  /// One run of the statement; resets it on destruction.
  class active {
  public:
    explicit active(statement& s) noexcept : s_(&s) {}
    ~active();
    active(const active&) = delete;
    active& operator=(const active&) = delete;

    /// Binds parameter `index` (1-based). Throws sqlite_error (e.g. a bad index).
    active& bind_int64(int index, std::int64_t value);
    /// Binds bytes as a BLOB; SQLite copies them.
    active& bind_blob(int index, std::string_view value);
    /// Binds UTF-8 text; SQLite copies it.
    active& bind_text(int index, std::string_view value);

    /// Runs to the next row: true when a row is ready, false when done. Throws sqlite_error.
    bool step();

    /// Steps to completion, for statements whose rows do not matter. Throws sqlite_error.
    void run();

    std::int64_t column_int64(int index) const noexcept;
    /// The column's bytes; valid until the next step or the end of this run.
    std::string_view column_blob(int index) const noexcept;
    /// The column's UTF-8 text; valid until the next step or the end of this run.
    std::string_view column_text(int index) const noexcept;
    /// Whether the column is SQL NULL (which column_text reads as empty).
    bool column_is_null(int index) const noexcept;
    /// Whether the column holds an INTEGER (not a REAL, TEXT, BLOB or NULL).
    bool column_is_integer(int index) const noexcept;

  private:
    statement* s_;
  };

  /// Starts a run. REQUIRES: no other run of this statement is active.
  active start() noexcept { return active(*this); }

private:
  [[noreturn]] void fail(int rc, const char* call) const;

  sqlite3_stmt* stmt_ = nullptr;
  connection& db_;
  std::string sql_;
};

}  // namespace roost::sqlite
