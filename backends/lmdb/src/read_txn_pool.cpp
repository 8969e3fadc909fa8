#include "read_txn_pool.hpp"

#include <lmdb++.h>

namespace roost::detail {

MDB_txn* read_txn_pool::acquire() {
  MDB_txn* txn = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      txn = idle_.back();
      idle_.pop_back();
    }
  }
  if (txn == nullptr) {
    lmdb::txn_begin(env_, nullptr, MDB_RDONLY, &txn);
    return txn;
  }
  if (const int rc = ::mdb_txn_renew(txn); rc != MDB_SUCCESS) {
    ::mdb_txn_abort(txn);
    lmdb::error::raise("mdb_txn_renew", rc);
  }
  return txn;
}

void read_txn_pool::release(MDB_txn* txn) noexcept {
  ::mdb_txn_reset(txn);
  {
    std::lock_guard lock(mutex_);
    // No allocation: the constructor reserved room for max_idle_ transactions.
    if (idle_.size() < max_idle_) {
      idle_.push_back(txn);
      return;
    }
  }
  ::mdb_txn_abort(txn);
}

void read_txn_pool::clear() noexcept {
  std::vector<MDB_txn*> idle;
  {
    std::lock_guard lock(mutex_);
    idle.swap(idle_);
  }
  for (MDB_txn* txn : idle) ::mdb_txn_abort(txn);
}

}  // namespace roost::detail
