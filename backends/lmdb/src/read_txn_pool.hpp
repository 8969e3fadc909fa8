// Reusable read transactions of one environment.
//
// Beginning a read transaction claims a slot in LMDB's reader table, which takes a
// lock shared by every process. A transaction that is only reset (mdb_txn_reset) keeps
// its slot and is renewed cheaply, so finished read transactions wait here for the
// next read. The environment is opened with MDB_NOTLS, so a transaction is not tied to
// the thread that began it and any pooled thread may renew it. Thread-safe.
#pragma once

#include <cstddef>
#include <exception>
#include <mutex>
#include <vector>

#include <lmdb.h>

namespace roost::detail {

class read_txn_pool {
public:
  /// Keeps at most `max_idle` reset transactions (each holds a reader slot).
  read_txn_pool(MDB_env* env, std::size_t max_idle) : env_(env), max_idle_(max_idle) {
    idle_.reserve(max_idle_);
  }
  ~read_txn_pool() { clear(); }
  read_txn_pool(const read_txn_pool&) = delete;
  read_txn_pool& operator=(const read_txn_pool&) = delete;

  /// A live read transaction on the newest snapshot. Throws lmdb::error (for instance
  /// MDB_MAP_RESIZED or MDB_READERS_FULL).
  MDB_txn* acquire();

  /// Ends a transaction from acquire() and keeps it for reuse. Its cursors must be closed.
  void release(MDB_txn* txn) noexcept;

  /// Ends a transaction from acquire() for good, freeing its reader slot (after a failure).
  static void discard(MDB_txn* txn) noexcept { ::mdb_txn_abort(txn); }

  /// Aborts every idle transaction, freeing their reader slots.
  void clear() noexcept;

private:
  MDB_env* env_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<MDB_txn*> idle_;
};

/// A transaction from a read_txn_pool, given back when it goes out of scope: reset for
/// reuse normally, aborted when the scope is left by an exception.
class pooled_read_txn {
public:
  explicit pooled_read_txn(read_txn_pool& pool)
      : pool_(pool), txn_(pool.acquire()), exceptions_(std::uncaught_exceptions()) {}
  ~pooled_read_txn() {
    if (std::uncaught_exceptions() > exceptions_)
      read_txn_pool::discard(txn_);
    else
      pool_.release(txn_);
  }
  pooled_read_txn(const pooled_read_txn&) = delete;
  pooled_read_txn& operator=(const pooled_read_txn&) = delete;

  MDB_txn* get() const noexcept { return txn_; }

private:
  read_txn_pool& pool_;
  MDB_txn* txn_;
  int exceptions_;
};

}  // namespace roost::detail
