// The tables of a Roost LMDB store and their creation or validation at open.
//
// meta       "format_version" -> u32, "next_timeline" -> u32
// timelines  name key -> timeline record (number, revision, size, name)
// statuses   (timeline, id key) -> status record (level, order key, id, JSON)
// order      (timeline, order key) -> (level, statuses key) in timeline order
// counts     (timeline, level) -> number of unacked statuses at that level
// changes    (timeline, revision) -> change record (op, id, status JSON or acked_at)
// settings   setting key -> setting record (version, value or none), optional
#pragma once

#include <lmdb.h>

namespace roost::detail {

/// Handles of the named tables, valid for the environment's lifetime.
struct lmdb_tables {
  MDB_dbi meta = 0;
  MDB_dbi timelines = 0;
  MDB_dbi statuses = 0;
  MDB_dbi order = 0;
  MDB_dbi counts = 0;
  MDB_dbi changes = 0;  ///< since format version 2
  /// The store-wide settings; 0 when the store has none (an older store opened
  /// read-only). Not tied to a format version: created by the first writable open of a
  /// program that knows settings, and ignored by programs that do not.
  MDB_dbi settings = 0;
};

/// How many named tables the environment must allow (mdb_env_set_maxdbs).
constexpr unsigned table_count = 7;

/// Meta table keys.
constexpr const char* meta_format_key = "format_version";
constexpr const char* meta_next_timeline_key = "next_timeline";

/// Opens the tables of the store in `env`, creating them (and the format version) in an
/// empty environment. A store of the current version is only read. A store of an older
/// version is upgraded in one write transaction that re-reads the version under the
/// writer lock (so two processes opening it at once upgrade it once): version 1 gets an
/// empty `changes` table, so its log starts at the timelines' current revisions.
/// Throws lmdb_backend_error (errc::corrupt) for an environment holding other data or a
/// damaged store, (errc::unsupported) for a newer format version, and lmdb::error for
/// engine failures; a store refused is left unchanged.
/// A store without a `settings` table gets an empty one (also in a write transaction
/// under the writer lock), without a new format version.
/// With `read_only`, nothing is ever written: an empty environment or one of format
/// version 1 is refused instead, version 2 is read as it is, and a missing `settings`
/// table leaves tables.settings 0.
/// REQUIRES: no other transaction of the process is open on `env`.
lmdb_tables open_tables(MDB_env* env, bool read_only);

}  // namespace roost::detail
