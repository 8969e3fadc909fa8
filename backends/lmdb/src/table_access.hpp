// Small string_view adapters over LMDB's get/put/del and cursors (through lmdb++), so the
// rest of the backend speaks in byte strings. Each throws lmdb::error (with the LMDB
// call's name and code) on engine failures; "not found" is a return value.
//
// Views returned here point into the memory map: valid until the transaction ends, and
// in a write transaction only until the next write.
#pragma once

#include <optional>
#include <string_view>

#include <lmdb++.h>

namespace roost::detail {

inline MDB_val to_val(std::string_view s) noexcept {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

inline std::string_view to_view(const MDB_val& v) noexcept {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

/// The value stored under `key`, or nullopt.
std::optional<std::string_view> get_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key);

/// Stores `value` under `key`, replacing any previous value.
void put_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value);

/// Deletes `key`; returns false when it was not there.
bool delete_key(MDB_txn* txn, MDB_dbi dbi, std::string_view key);

/// A cursor over one table, closed when it goes out of scope (before its transaction
/// ends, as LMDB requires). The positioning calls return false when there is no entry.
class table_cursor {
public:
  table_cursor(MDB_txn* txn, MDB_dbi dbi) : cursor_(lmdb::cursor::open(txn, dbi)) {}

  /// Moves to the first entry whose key is >= `key` (MDB_SET_RANGE).
  bool seek(std::string_view key);
  /// Moves to the entry whose key is exactly `key` (MDB_SET_KEY).
  bool seek_exact(std::string_view key);
  bool first() { return move(MDB_FIRST); }
  bool last() { return move(MDB_LAST); }
  bool next() { return move(MDB_NEXT); }
  bool prev() { return move(MDB_PREV); }

  /// Moves to the last entry whose key is < `end`, or the table's last entry when `end`
  /// is empty.
  bool seek_before(std::string_view end);

  std::string_view key() const noexcept { return to_view(key_); }
  std::string_view value() const noexcept { return to_view(value_); }

private:
  bool move(MDB_cursor_op op);
  lmdb::cursor cursor_;
  MDB_val key_{};
  MDB_val value_{};
};

}  // namespace roost::detail
