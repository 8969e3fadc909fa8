#include "transaction.hpp"

namespace roost::sqlite {

transaction_statements::transaction_statements(connection& c)
    : db(c),
      begin_deferred(c, "BEGIN DEFERRED"),
      begin_immediate(c, "BEGIN IMMEDIATE"),
      commit(c, "COMMIT"),
      rollback(c, "ROLLBACK") {}

transaction::transaction(transaction_statements& statements, mode how) : statements_(statements) {
  // A transaction left open by a rollback that failed earlier would make BEGIN fail
  // forever; end it first.
  if (statements.db.in_transaction()) {
    auto r = statements.rollback.start();
    r.run();
  }
  auto q =
      (how == mode::immediate ? statements.begin_immediate : statements.begin_deferred).start();
  q.run();
}

transaction::~transaction() {
  if (!open_ || !statements_.db.in_transaction()) return;
  try {
    auto q = statements_.rollback.start();
    q.run();
  } catch (...) {
    // Nothing to report to and nothing left to try: SQLite rolls back a transaction
    // whose rollback failed when the connection closes or the next BEGIN fails.
  }
}

void transaction::commit() {
  {
    auto q = statements_.commit.start();
    q.run();
  }
  open_ = false;
}

}  // namespace roost::sqlite
