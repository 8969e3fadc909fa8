// Every SQL text of the SQLite backend, in one place: the schema's migrations and the
// statements each connection prepares. The tests read these too, to check the query plans.
//
// Order keys (storage/order_key.hpp) are BLOBs whose bytewise order is the timeline order,
// newest first; every unacked key starts with 0x00 and every acked one with 0x01. So one
// index on (timeline, order_key) serves every page as a range scan:
//   any:     [x'00', x'02')    unacked: [x'00', x'01')    acked: [x'01', x'02')
// and "start at max_id" only raises the lower bound to max_id's key.
#pragma once

#include <array>
#include <string_view>

namespace roost::sqlite::sql {

/// "Roos" as PRAGMA application_id: tells a Roost store from any other SQLite file.
inline constexpr int application_id = 0x526F6F73;

/// One step of the schema: the SQL that takes a store from version `to - 1` to `to`.
struct migration {
  int to;
  std::string_view script;
};

/// Every migration in order; a new store runs them all. Append, never edit: a store in
/// the field is at some version of this list.
inline constexpr std::array migrations = {
    migration{1, R"sql(
-- One row per timeline that was ever changed. The integer id keeps the name out of every
-- status row; the revision grows with each change and is never reset (rows are never
-- deleted), so it also keeps growing across a delete of every status and a reopen.
-- size = the number of statuses, kept so that truncation never has to count.
CREATE TABLE timelines (
  id       INTEGER PRIMARY KEY,
  name     BLOB    NOT NULL,
  revision INTEGER NOT NULL,
  size     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX timelines_by_name ON timelines (name);

-- The statuses, each as the JSON text it was given (acks rewrite busybird.acked_at).
-- Ids and names are BLOBs: compared and kept byte for byte, whatever Unicode they hold.
CREATE TABLE statuses (
  timeline  INTEGER NOT NULL,
  id        BLOB    NOT NULL,
  order_key BLOB    NOT NULL,
  level     INTEGER NOT NULL,
  json      TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX statuses_by_id ON statuses (timeline, id);
CREATE UNIQUE INDEX statuses_by_order ON statuses (timeline, order_key);

-- Unacked statuses per (timeline, level), changed in the same transaction as the statuses;
-- only levels with at least one unacked status have a row.
CREATE TABLE unacked_counts (
  timeline INTEGER NOT NULL,
  level    INTEGER NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (timeline, level)
) STRICT, WITHOUT ROWID;
)sql"},
    migration{2, R"sql(
-- The change log: one row per change of a timeline (a status inserted, updated, acked or
-- removed), written in the transaction of the change. `revision` is the timeline's
-- revision the change created; timelines.revision is the newest one. Only the newest
-- changes of each timeline are kept (storage_limits::change_retention); older ones are
-- pruned from the start of the timeline's range in the same transaction. A store
-- upgraded from version 1 starts with an empty log at its timelines' current revisions.
-- A rowid table with a separate index, not WITHOUT ROWID: rows carry a copy of the
-- status (~1 KB), which a WITHOUT ROWID table would push onto overflow pages.
CREATE TABLE changes (
  timeline INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  op       INTEGER NOT NULL,  -- roost::change_op
  id       BLOB    NOT NULL,
  json     TEXT,              -- insert, update: the status as stored; otherwise NULL
  acked_at TEXT               -- ack: the busybird.acked_at written; otherwise NULL
) STRICT;
CREATE UNIQUE INDEX changes_by_revision ON changes (timeline, revision);
)sql"},
    migration{3, R"sql(
-- The log stops copying what it can point to. An insert or update is logged with json
-- NULL ("by reference") and the status row remembers that change's revision in
-- change_rev; as long as the status is unchanged its row holds exactly the logged text.
-- Before anything changes or removes the status (an update, an ack, a delete, truncation)
-- the write copies the text into the change row ("materializes" it), so a by-reference
-- row always names a status whose change_rev is that row's revision. Rows of version 2
-- all hold their text. A program of version 2 still running on the file would break this
-- (it changes statuses without materializing): upgrade every program on a file together.
ALTER TABLE statuses ADD COLUMN change_rev INTEGER;
)sql"},
};

static_assert(migrations.back().to == static_cast<int>(migrations.size()),
              "migrations must be numbered 1, 2, ... without gaps");

/// The store-wide settings (settings.hpp). Not a migration: a store of any schema version
/// gets the table when a program that knows settings first opens it for writing, and
/// programs that do not know settings ignore it, so the schema version stays as it was
/// and older programs keep opening the store. A removal keeps the row with value NULL,
/// so that the key's version keeps growing.
inline constexpr std::string_view create_settings = R"sql(
CREATE TABLE IF NOT EXISTS settings (
  key     TEXT    PRIMARY KEY NOT NULL,
  value   TEXT,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql";
inline constexpr std::string_view settings_table_exists =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'settings'";
inline constexpr std::string_view find_setting =
    "SELECT value, version FROM settings WHERE key = ?1";
/// ?2 NULL (unbound) removes the value and keeps the version.
inline constexpr std::string_view write_setting =
    "INSERT INTO settings (key, value, version) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version";

// Bounds of the order-key ranges (see the top of this file).
inline constexpr std::string_view key_floor("\x00", 1);
inline constexpr std::string_view acked_floor("\x01", 1);
inline constexpr std::string_view key_ceiling("\x02", 1);

// --- timelines -------------------------------------------------------------------------
inline constexpr std::string_view find_timeline =
    "SELECT id, size, revision FROM timelines WHERE name = ?1";
inline constexpr std::string_view create_timeline =
    "INSERT INTO timelines (name, revision, size) VALUES (?1, 0, 0)";
/// Ends a write: the timeline's new size and the revision of its newest change.
inline constexpr std::string_view update_timeline =
    "UPDATE timelines SET size = ?2, revision = ?3 WHERE id = ?1";
inline constexpr std::string_view timeline_names = "SELECT name FROM timelines ORDER BY name";
inline constexpr std::string_view timeline_revision =
    "SELECT revision FROM timelines WHERE name = ?1";
/// Every timeline with its revision: what a watch for other writers compares.
inline constexpr std::string_view timeline_revisions = "SELECT name, revision FROM timelines";
/// Changes after every commit of another connection, never after this one's own.
inline constexpr std::string_view data_version = "PRAGMA data_version";

// --- statuses --------------------------------------------------------------------------
/// What put needs to replace a status: where it is and what it counted as.
inline constexpr std::string_view find_status =
    "SELECT rowid, order_key, level, change_rev FROM statuses WHERE timeline = ?1 AND id = ?2";
/// The id and document of a status an ack rewrites, and the change that logged it.
inline constexpr std::string_view status_document =
    "SELECT id, json, change_rev FROM statuses WHERE rowid = ?1";
inline constexpr std::string_view status_exists =
    "SELECT 1 FROM statuses WHERE timeline = ?1 AND id = ?2";
/// Inserts unless the id is taken; sqlite3_changes() tells which happened.
inline constexpr std::string_view insert_status =
    "INSERT INTO statuses (timeline, id, order_key, level, json, change_rev) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (timeline, id) DO NOTHING";
inline constexpr std::string_view replace_status =
    "UPDATE statuses SET order_key = ?2, level = ?3, json = ?4, change_rev = ?5 WHERE rowid = ?1";
inline constexpr std::string_view ack_status =
    "UPDATE statuses SET order_key = ?2, json = ?3 WHERE rowid = ?1";
/// A page: ?2 <= order_key < ?3, newest first, at most ?4 (-1: all).
inline constexpr std::string_view page =
    "SELECT json FROM statuses WHERE timeline = ?1 AND order_key >= ?2 AND order_key < ?3 "
    "ORDER BY order_key LIMIT ?4";
/// What an ack by range needs of each unacked status from order key ?2 on.
inline constexpr std::string_view unacked_from =
    "SELECT rowid, order_key, level FROM statuses "
    "WHERE timeline = ?1 AND order_key >= ?2 AND order_key < x'01' ORDER BY order_key";
/// Deletes by id, returning what the counts need (level, and 1 when it was unacked).
inline constexpr std::string_view delete_status =
    "DELETE FROM statuses WHERE timeline = ?1 AND id = ?2 "
    "RETURNING level, order_key < x'01'";
/// Truncation: the ?2 oldest statuses of the timeline, oldest first, with what the change
/// log and the counts need. (Read before deleting them: RETURNING has no defined order.)
inline constexpr std::string_view oldest_statuses =
    "SELECT id, level, order_key, change_rev FROM statuses WHERE timeline = ?1 "
    "ORDER BY order_key DESC LIMIT ?2";
/// Truncation: deletes the statuses from order key ?2 to the oldest, one range.
inline constexpr std::string_view delete_from_key =
    "DELETE FROM statuses WHERE timeline = ?1 AND order_key >= ?2";
/// Delete all: every id of the timeline, in timeline order, for the change log.
inline constexpr std::string_view timeline_ids =
    "SELECT id FROM statuses WHERE timeline = ?1 ORDER BY order_key";
inline constexpr std::string_view delete_all_statuses = "DELETE FROM statuses WHERE timeline = ?1";

// --- unacked counts ----------------------------------------------------------------------
inline constexpr std::string_view add_count =
    "INSERT INTO unacked_counts (timeline, level, count) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (timeline, level) DO UPDATE SET count = count + excluded.count";
inline constexpr std::string_view drop_empty_count =
    "DELETE FROM unacked_counts WHERE timeline = ?1 AND level = ?2 AND count = 0";
inline constexpr std::string_view delete_all_counts =
    "DELETE FROM unacked_counts WHERE timeline = ?1";
inline constexpr std::string_view counts =
    "SELECT c.level, c.count FROM timelines AS t JOIN unacked_counts AS c ON c.timeline = t.id "
    "WHERE t.name = ?1 ORDER BY c.level";

// --- change log ----------------------------------------------------------------------------
/// ?5 (json) and ?6 (acked_at) stay unbound, i.e. NULL, when the op has none.
inline constexpr std::string_view record_change =
    "INSERT INTO changes (timeline, revision, op, id, json, acked_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
/// Keeps the changes after revision ?2: one range of changes_by_revision.
inline constexpr std::string_view prune_changes =
    "DELETE FROM changes WHERE timeline = ?1 AND revision <= ?2";
/// Up to ?3 changes after revision ?2, oldest first; a by-reference insert or update
/// (json NULL) reads the text from its status, which is unchanged since (migration 3).
inline constexpr std::string_view change_page =
    "SELECT c.revision, c.op, c.id, "
    "CASE WHEN c.json IS NULL AND c.op IN (1, 2) THEN "
    "(SELECT s.json FROM statuses AS s WHERE s.timeline = c.timeline AND s.id = c.id) "
    "ELSE c.json END, c.acked_at "
    "FROM changes AS c WHERE c.timeline = ?1 AND c.revision > ?2 ORDER BY c.revision LIMIT ?3";

// Materializing (migration 3): before a status changes or leaves, the by-reference row
// of its last insert or update gets a copy of its text. `json IS NULL` keeps a row that
// already has its text from being overwritten with a later one.
/// Change ?2 of timeline ?1 gets the text ?3 the caller has already read.
inline constexpr std::string_view materialize_change =
    "UPDATE changes SET json = ?3 WHERE timeline = ?1 AND revision = ?2 AND json IS NULL";
/// The status at rowid ?2 of timeline ?1.
inline constexpr std::string_view materialize_by_rowid =
    "UPDATE changes SET json = s.json FROM statuses AS s WHERE s.rowid = ?2 "
    "AND changes.timeline = ?1 AND changes.revision = s.change_rev AND changes.json IS NULL";
/// The status with id ?2 of timeline ?1.
inline constexpr std::string_view materialize_by_id =
    "UPDATE changes SET json = s.json FROM statuses AS s WHERE s.timeline = ?1 AND s.id = ?2 "
    "AND changes.timeline = ?1 AND changes.revision = s.change_rev AND changes.json IS NULL";
/// The statuses of timeline ?1 from order key ?2 to the oldest (truncation).
inline constexpr std::string_view materialize_from_key =
    "UPDATE changes SET json = s.json FROM statuses AS s "
    "WHERE s.timeline = ?1 AND s.order_key >= ?2 "
    "AND changes.timeline = ?1 AND changes.revision = s.change_rev AND changes.json IS NULL";
/// Every by-reference row of timeline ?1 after revision ?2 (delete all): driven by the
/// log, which holds at most the retention, not by the statuses, which may be many more.
inline constexpr std::string_view materialize_after =
    "UPDATE changes SET json = (SELECT s.json FROM statuses AS s "
    "WHERE s.timeline = changes.timeline AND s.id = changes.id) "
    "WHERE timeline = ?1 AND revision > ?2 AND json IS NULL AND op IN (1, 2)";

}  // namespace roost::sqlite::sql
