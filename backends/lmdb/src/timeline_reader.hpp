// The read operations on one timeline, inside a read transaction: a page of statuses,
// membership of ids, the unacked counts and a page of the change log, each served by
// lookups and range scans.
// Also the list of timeline names. Semantics mirror the memory backend's.
//
// Not thread-safe; one per transaction. Throws lmdb::error or corrupt_record.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <lmdb.h>

#include "records.hpp"
#include "schema.hpp"
#include "storage/change_page_builder.hpp"
#include "storage/changes.hpp"
#include "storage/status_storage.hpp"

namespace roost::detail {

class timeline_reader {
public:
  timeline_reader(MDB_txn* txn, const lmdb_tables& tables, std::string_view name);

  /// The revision: 0 when the timeline was never changed.
  std::uint64_t revision() const noexcept { return exists_ ? record_.revision : 0; }

  /// The page a get asks for, as stored JSON texts, newest first.
  std::vector<std::string> page(const prepared_get& request, std::size_t default_count) const;

  /// True when the timeline holds a status with this id.
  bool contains(std::string_view id) const;

  /// The unacked counts, O(levels).
  unacked_counts counts() const;

  /// Feeds `page` (made with this timeline's revision()) the log entries it wants.
  void read_changes(change_page_builder& page) const;

private:
  // The status's record, or nullopt. Views are valid for the transaction.
  std::optional<lmdb_format::status_record_view> find_status(std::string_view id) const;

  MDB_txn* txn_;
  const lmdb_tables& tables_;
  bool exists_ = false;
  lmdb_format::timeline_record record_;
  std::string prefix_;
};

/// Every timeline's name, sorted.
std::vector<std::string> read_timeline_names(MDB_txn* txn, const lmdb_tables& tables);

}  // namespace roost::detail
