#include "table_access.hpp"

namespace roost::detail {

std::optional<std::string_view> get_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  MDB_val v{};
  if (!lmdb::dbi_get(txn, dbi, &k, &v)) return std::nullopt;
  return to_view(v);
}

void put_value(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  lmdb::dbi_put(txn, dbi, &k, &v, 0);
}

bool delete_key(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  return lmdb::dbi_del(txn, dbi, &k, nullptr);
}

bool table_cursor::seek(std::string_view key) {
  key_ = to_val(key);
  return lmdb::cursor_get(cursor_, &key_, &value_, MDB_SET_RANGE);
}

bool table_cursor::seek_exact(std::string_view key) {
  key_ = to_val(key);
  return lmdb::cursor_get(cursor_, &key_, &value_, MDB_SET_KEY);
}

bool table_cursor::seek_before(std::string_view end) {
  if (end.empty()) return last();
  if (seek(end)) return prev();
  // Nothing at or after `end`: the entry before it is the table's last.
  return last();
}

bool table_cursor::move(MDB_cursor_op op) { return lmdb::cursor_get(cursor_, &key_, &value_, op); }

}  // namespace roost::detail
