// An LMDB transaction as an RAII handle, in lmdb++'s style: aborted on destruction unless
// committed, never throwing from the destructor.
//
// Why not lmdb::txn: its commit() keeps the handle when mdb_txn_commit fails, but LMDB
// has already freed the transaction then, so the destructor would abort it a second
// time. Here the handle is given up before committing.
//
// A write transaction belongs to the thread that began it until it ends (LMDB's rule,
// even with MDB_NOTLS). Cursors opened on it must be closed before it ends.
#pragma once

#include <utility>

#include <lmdb++.h>

namespace roost::detail {

class transaction {
public:
  /// Begins a transaction (`flags`: 0 for a write, MDB_RDONLY for a read). Throws
  /// lmdb::error, e.g. MDB_MAP_RESIZED when another process grew the map.
  transaction(MDB_env* env, unsigned flags) { lmdb::txn_begin(env, nullptr, flags, &handle_); }

  ~transaction() {
    if (handle_ != nullptr) ::mdb_txn_abort(handle_);
  }

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  MDB_txn* get() const noexcept { return handle_; }

  /// Commits; the transaction is over whether or not this throws lmdb::error.
  void commit() { lmdb::txn_commit(std::exchange(handle_, nullptr)); }

private:
  MDB_txn* handle_ = nullptr;
};

}  // namespace roost::detail
