// transaction: BEGIN on construction, ROLLBACK on destruction unless commit() ran.
//
// The statements that begin and end transactions are prepared once per connection
// (transaction_statements) so that even a one-row read does not parse SQL.
#pragma once

#include "connection.hpp"
#include "statement.hpp"

namespace roost::sqlite {

/// BEGIN / COMMIT / ROLLBACK, prepared on one connection.
struct transaction_statements {
  explicit transaction_statements(connection& db);

  connection& db;
  statement begin_deferred;
  statement begin_immediate;
  statement commit;
  statement rollback;
};

class transaction {
public:
  /// deferred: a read snapshot taken at the first read (for reads);
  /// immediate: the write lock taken at once, so a writer never has to upgrade a read
  /// lock, which SQLite cannot wait for and would fail with SQLITE_BUSY.
  enum class mode { deferred, immediate };

  /// Begins. Throws sqlite_error (SQLITE_BUSY when the write lock stays taken past the
  /// busy timeout).
  transaction(transaction_statements& statements, mode how);

  /// Rolls back unless committed. Never throws: a failed rollback (e.g. after SQLite
  /// already rolled back on its own after an I/O error) leaves nothing to undo here.
  ~transaction();

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  /// Commits. Throws sqlite_error; the destructor then rolls back.
  void commit();

private:
  transaction_statements& statements_;
  bool open_ = true;
};

}  // namespace roost::sqlite
