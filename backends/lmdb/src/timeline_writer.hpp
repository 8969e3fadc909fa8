// The changes of one write operation to one timeline, inside a write transaction.
//
// Construct it, apply put/ack/erase (and truncate after a put), then finish(): that
// writes the unacked counts, the status total and the revision, and prunes the change
// log, all in the same transaction as the statuses. Each status changed is noted as it
// changes and stored by finish() in the `changes` table under the timeline's next
// revision (only the newest change_retention of them: a large write never stores entries
// only to prune them), so the timeline record's revision is always its newest change's. The
// semantics mirror the memory backend's (memory_timeline.cpp): puts apply in request order, then
// truncation removes the oldest; an ack and a delete of everything log newest first (timeline
// order); a timeline comes into being only when a write changes it.
//
// Not thread-safe; one per transaction. Throws lmdb::error or corrupt_record; the
// caller's transaction then rolls everything back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <lmdb.h>

#include "key_codec.hpp"
#include "records.hpp"
#include "schema.hpp"
#include "storage/changes.hpp"
#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::detail {

class timeline_writer {
public:
  timeline_writer(MDB_txn* txn, const lmdb_tables& tables, std::string_view name);

  /// Applies a put; returns the number inserted or replaced.
  std::size_t put(put_mode mode, const std::vector<prepared_status>& statuses);

  /// Removes the oldest statuses down to soft_max when more than the hard limit remain.
  void truncate(const storage_limits& limits);

  /// Acks as the contract says; returns how many changed from unacked to acked.
  std::size_t ack(const prepared_ack& request);

  /// Deletes; returns how many were removed. `retention` is the change retention
  /// finish() will apply (a delete of all copies the text only into changes it keeps).
  std::size_t erase(const delete_selection& selection, std::size_t retention);

  /// When `changed` is non-zero, writes counts, total and revision, keeps only the newest
  /// `limits.change_retention` changes of the timeline, and returns true (commit);
  /// otherwise returns false (nothing to commit).
  bool finish(std::size_t changed, const storage_limits& limits);

  /// The timeline's revision: after a finish() that returned true, the one it commits.
  std::uint64_t revision() const noexcept { return record_.revision; }

private:
  // Where a status lives (or would live) in the statuses table.
  struct status_slot {
    bool exists = false;
    std::string key;  // its statuses key (with probe, when hashed)
    // When it exists:
    std::int64_t level = 0;
    std::uint8_t order_probe = 0;
    std::string order_key;
    std::uint64_t change_rev = 0;  // the change that logged its text by reference, or 0
  };

  status_slot find_status(std::string_view id, bool need_free_key);
  void create_timeline();
  // Writes a status's order entry and record under `status_key`; counts it if unacked.
  // `change_rev`: the change that logs it by reference (0: none).
  void write_status(const std::string& status_key, std::int64_t level, std::string_view order_key,
                    std::string_view id, std::string_view json, std::uint64_t change_rev = 0);
  // Before the status under `status_key` changes or leaves: the change `change_rev` that
  // logged it by reference gets its text (kept in the batch, or copied into the stored
  // change: `text` when the caller has the record's JSON in hand, else read from it).
  void materialize(const std::string& status_key, std::uint64_t change_rev,
                   std::optional<std::string_view> text = std::nullopt);
  // materialize() for every stored change after revision `after` that refers to its status.
  void materialize_after(std::uint64_t after);
  // The revision the next noted change will get.
  std::uint64_t next_revision() const noexcept { return record_.revision + 1 + changes_.size(); }
  // Removes the order entry of an existing status (and its unacked count), keeping its record.
  void remove_order_entry(const status_slot& slot);
  void count_unacked(std::string_view order_key, std::int64_t level, int delta);
  // The statuses key of an order entry's value.
  std::string status_key_of(std::string_view order_value) const;
  // Adds the unacked statuses from order table key `start` on, as order table key ->
  // statuses key.
  void collect_unacked_from(std::string_view start, std::map<std::string, std::string>& targets);
  // Deletes every key of `dbi` that starts with this timeline's prefix; returns how many.
  std::size_t delete_timeline_range(MDB_dbi dbi);
  // Notes one change for finish() to log. `text` (the status's JSON, or the acked_at)
  // must stay valid until then.
  void record_change(change_op op, std::string id, std::string_view text = {},
                     bool by_reference = false);
  // Stores the noted changes (the newest `retention`) under the next revisions, advancing
  // the record's revision, and prunes the log to the newest `retention`.
  void store_changes(std::size_t retention);
  // Deletes the timeline's changes up to and including revision `last`.
  void prune_changes_through(std::uint64_t last);

  MDB_txn* txn_;
  const lmdb_tables& tables_;
  std::string name_;
  lmdb_format::chain_key name_key_;
  std::string record_key_;  // the timelines key of the record, once it exists
  bool exists_ = false;
  lmdb_format::timeline_record record_;
  std::string prefix_;
  // Changes to the unacked counts, written once by finish().
  std::map<std::int64_t, std::int64_t> count_deltas_;
  // Changes for the log, in the order made, stored by finish().
  struct pending_change {
    change_op op;
    std::string id;
    std::string_view text;
    bool by_reference;
  };
  std::vector<pending_change> changes_;
};

}  // namespace roost::detail
