// Every SQL text of the PostgreSQL backend: the schema and the statements the operations
// run. Each connection prepares a statement on first use (pg_connection.hpp), so these
// must stay static strings.
//
// Order keys (storage/order_key.hpp) are bytea whose bytewise order is the timeline
// order, newest first; every unacked key starts with 0x00 and every acked one with 0x01
// (so the key carries the acked state). One index on (timeline, order_key) serves every
// page as a range scan:  any [\x00, \x02)   unacked [\x00, \x01)   acked [\x01, \x02).
// Ids and names are bytea: compared and kept byte for byte (they may hold NUL, which
// text cannot). Documents are text, exactly as given: jsonb would reorder and reformat.
#pragma once

#include <array>
#include <string_view>

namespace roost::pg::sql {

/// The key every set-up takes (pg_advisory_xact_lock) so that two programs creating or
/// upgrading the schema at once take turns: "Roos".
inline constexpr long long setup_lock = 0x526F6F73;

/// One step of the schema: the SQL that takes it from version `to - 1` to `to`.
struct migration {
  int to;
  std::string_view script;
};

/// Every migration in order; a new schema runs them all. Append, never edit. They run
/// with Roost's schema first on the search_path.
inline constexpr std::array migrations = {
    migration{1, R"sql(
-- The schema's version, and that it is Roost's.
CREATE TABLE roost_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- One row per timeline ever changed. Its row lock serializes the timeline's writers: each
-- write locks it first and holds it to its commit, so revisions follow commit order.
-- revision: of the newest change; size: the number of statuses (truncation never counts).
CREATE TABLE timelines (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name     bytea  NOT NULL UNIQUE,
  revision bigint NOT NULL DEFAULT 0,
  size     bigint NOT NULL DEFAULT 0
);

CREATE TABLE statuses (
  timeline  bigint NOT NULL REFERENCES timelines (id),
  id        bytea  NOT NULL,
  order_key bytea  NOT NULL,
  level     bigint NOT NULL,
  json      text   NOT NULL,
  PRIMARY KEY (timeline, id)
);
CREATE UNIQUE INDEX statuses_by_order ON statuses (timeline, order_key);

-- Unacked statuses per (timeline, level), changed in the transaction of the statuses;
-- only levels with an unacked status have a row, so reading them is O(levels).
CREATE TABLE unacked_counts (
  timeline bigint NOT NULL REFERENCES timelines (id),
  level    bigint NOT NULL,
  count    bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (timeline, level)
);

-- The change log: one row per status changed, numbered by the timeline's revision,
-- written in the transaction of the change. Only the newest change_retention rows of a
-- timeline are kept. json: insert and update, the status as stored; acked_at: ack.
CREATE TABLE changes (
  timeline bigint   NOT NULL REFERENCES timelines (id),
  revision bigint   NOT NULL,
  op       smallint NOT NULL,  -- roost::change_op
  id       bytea    NOT NULL,
  json     text,
  acked_at text,
  PRIMARY KEY (timeline, revision)
);

-- Store-wide settings (settings.hpp). A removal keeps the row with value NULL, so that
-- the key's version keeps growing.
CREATE TABLE settings (
  key     bytea  PRIMARY KEY,
  value   bytea,
  version bigint NOT NULL
);
)sql"},
    migration{2, R"sql(
-- No foreign keys to timelines: each checked every row a write inserts with a lookup and
-- a share lock on the timeline's row, about a third of a put's time in the server. The
-- writes keep the reference themselves: they lock or create the timeline's row before
-- writing any row of it, in the same transaction, and timelines are never removed.
ALTER TABLE statuses DROP CONSTRAINT statuses_timeline_fkey;
ALTER TABLE unacked_counts DROP CONSTRAINT unacked_counts_timeline_fkey;
ALTER TABLE changes DROP CONSTRAINT changes_timeline_fkey;

-- The log stops copying what it can point to. An insert or update is logged with json
-- NULL ("by reference") and the status row remembers that change's revision in
-- change_rev; as long as the status is unchanged its row holds exactly the logged text.
-- Every write that changes or removes a status (an update, an ack, a delete,
-- truncation) first copies its text into the change row it is referred from
-- ("materializes" it), so a by-reference row always names a status whose change_rev is
-- that row's revision. Rows written before this version all hold their text. A program
-- of version 1 still connected would break this (it changes statuses without
-- materializing): upgrade every program on a schema together.
ALTER TABLE statuses ADD COLUMN change_rev bigint;
)sql"},
};

static_assert(migrations.back().to == static_cast<int>(migrations.size()),
              "migrations must be numbered 1, 2, ... without gaps");

inline constexpr std::string_view meta_exists = "SELECT to_regclass('roost_meta') IS NOT NULL";
inline constexpr std::string_view schema_tables =
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1";
inline constexpr std::string_view schema_exists =
    "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1";
inline constexpr std::string_view read_version =
    "SELECT value::bigint FROM roost_meta WHERE key = 'schema_version'";
inline constexpr std::string_view write_version =
    "INSERT INTO roost_meta (key, value) VALUES ('schema_version', $1) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";

// --- transactions ----------------------------------------------------------------------
// Statements like the others, so that they can go in a pipeline (pg_connection.hpp).
inline constexpr std::string_view begin = "BEGIN";
inline constexpr std::string_view commit = "COMMIT";

// --- timelines -------------------------------------------------------------------------
/// A put's first statement: the timeline's row, created when missing, locked to commit.
inline constexpr std::string_view lock_or_create_timeline =
    "INSERT INTO timelines (name) VALUES ($1) "
    "ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id, revision, size";
/// An ack's or delete's first statement: they never create a timeline.
inline constexpr std::string_view lock_timeline =
    "SELECT id, revision, size FROM timelines WHERE name = $1 FOR UPDATE";
inline constexpr std::string_view update_timeline =
    "UPDATE timelines SET size = $2, revision = $3 WHERE id = $1";
inline constexpr std::string_view timeline_names = "SELECT name FROM timelines ORDER BY name";
inline constexpr std::string_view timeline_revision =
    "SELECT revision FROM timelines WHERE name = $1";

// --- statuses --------------------------------------------------------------------------
/// What put needs of the statuses it names, in timeline $1 (by name: it runs in the
/// pipeline that locks or creates the timeline, before its id is known).
inline constexpr std::string_view find_statuses =
    "SELECT id, order_key, level, change_rev FROM statuses "
    "WHERE timeline = (SELECT id FROM timelines WHERE name = $1) AND id = ANY ($2)";
/// Statuses new to timeline $1 ($2.. are parallel arrays): a plain INSERT, because the
/// timeline's row lock, taken before find_statuses, keeps every other writer from adding
/// the same ids before this transaction ends.
inline constexpr std::string_view insert_statuses =
    "INSERT INTO statuses (timeline, id, order_key, level, json, change_rev) "
    "SELECT $1, u.id, u.order_key, u.level, u.json, u.change_rev "
    "FROM unnest($2, $3, $4, $5, $6) AS u (id, order_key, level, json, change_rev)";
/// Statuses of timeline $1 replaced by a put, with their changes' revisions.
inline constexpr std::string_view update_statuses =
    "UPDATE statuses AS s SET order_key = u.order_key, level = u.level, json = u.json, "
    "change_rev = u.change_rev FROM unnest($2, $3, $4, $5, $6) "
    "AS u (id, order_key, level, json, change_rev) WHERE s.timeline = $1 AND s.id = u.id";
/// Before statuses of timeline $1 change or go: the change rows at revisions $2 (their
/// change_rev, read earlier in the transaction) get the text they refer to. The
/// revisions come as a constant list so that the plan is a probe of changes' primary key
/// per revision whatever the statistics say (a join left to the planner walked the
/// timeline's whole log when it thought the log empty).
inline constexpr std::string_view materialize_changes =
    "UPDATE changes AS c SET json = s.json FROM statuses AS s "
    "WHERE c.timeline = $1 AND c.revision = ANY ($2) "
    "AND s.timeline = $1 AND s.id = c.id AND s.change_rev = c.revision";
/// A page from order key $2 (or from max_id $4's key, which must itself lie in
/// [$2, $3)) up to $3, newest first, at most $5 (NULL: all). One statement, one snapshot.
/// The timeline's id and the start key are uncorrelated subqueries, computed once before
/// the scan, so that the plan is one range scan of statuses_by_order under the LIMIT (a
/// join would hide that the timeline is one constant, and sort the whole timeline).
inline constexpr std::string_view page =
    "SELECT s.json FROM statuses AS s "
    "WHERE s.timeline = (SELECT id FROM timelines WHERE name = $1) "
    "AND s.order_key >= (CASE WHEN $4::bytea IS NULL THEN $2::bytea ELSE "
    "(SELECT m.order_key FROM statuses AS m "
    "WHERE m.timeline = (SELECT id FROM timelines WHERE name = $1) AND m.id = $4) END) "
    "AND s.order_key < $3 "
    "AND (CASE WHEN $4::bytea IS NULL THEN $2::bytea ELSE "
    "(SELECT m.order_key FROM statuses AS m "
    "WHERE m.timeline = (SELECT id FROM timelines WHERE name = $1) AND m.id = $4) END) >= $2 "
    "ORDER BY s.order_key LIMIT $5";
/// The unacked statuses an ack takes in timeline $1 (by name): those listed in $2, and
/// those from max_id $3's key on, or (both NULL) all; in timeline order. Two branches, so
/// that each is one index scan: the ids by the primary key, the range by
/// statuses_by_order (its lower bound \x02, past every key, when it does not apply).
inline constexpr std::string_view ack_targets =
    "SELECT s.id, s.order_key, s.level, s.json, s.change_rev FROM statuses AS s "
    "WHERE s.timeline = (SELECT id FROM timelines WHERE name = $1) "
    "AND s.id = ANY ($2) AND s.order_key < '\\x01'::bytea "
    "UNION "
    "SELECT s.id, s.order_key, s.level, s.json, s.change_rev FROM statuses AS s "
    "WHERE s.timeline = (SELECT id FROM timelines WHERE name = $1) "
    "AND s.order_key < '\\x01'::bytea AND s.order_key >= (CASE "
    "WHEN $3::bytea IS NOT NULL THEN (SELECT m.order_key FROM statuses AS m "
    "WHERE m.timeline = (SELECT id FROM timelines WHERE name = $1) AND m.id = $3) "
    "WHEN $2::bytea[] IS NULL THEN '\\x00'::bytea ELSE '\\x02'::bytea END) "
    "ORDER BY 2";

/// Rewrites the acked statuses of timeline $1; an ack's change carries no text, so the
/// statuses no longer refer to a change.
inline constexpr std::string_view ack_statuses =
    "UPDATE statuses AS s SET order_key = u.order_key, json = u.json, change_rev = NULL "
    "FROM unnest($2, $3, $4) AS u (id, order_key, json) WHERE s.timeline = $1 AND s.id = u.id";
/// What a delete removes from timeline $1 (by name): the ids $2, or (no $2) all.
inline constexpr std::string_view find_by_id =
    "SELECT id, level, order_key, change_rev FROM statuses "
    "WHERE timeline = (SELECT id FROM timelines WHERE name = $1) AND id = ANY ($2)";
inline constexpr std::string_view find_all =
    "SELECT id, level, order_key, change_rev FROM statuses "
    "WHERE timeline = (SELECT id FROM timelines WHERE name = $1)";
/// The deletes of what those found, in timeline $1 (by id), after materialize_changes.
inline constexpr std::string_view delete_by_id =
    "DELETE FROM statuses WHERE timeline = $1 AND id = ANY ($2)";
inline constexpr std::string_view delete_all = "DELETE FROM statuses WHERE timeline = $1";
/// Truncation: the $2 oldest statuses (the tail of the order), removed in one range. The
/// rows are known only as they go, so the changes they are referred from are given their
/// text in the same statement; only revisions from $3 on (those this write keeps) can
/// still be there, which bounds the walk of the log. Every part of one statement reads
/// the statement's starting snapshot, so `gone` is the rows as they were.
inline constexpr std::string_view delete_oldest =
    "WITH gone AS (DELETE FROM statuses WHERE timeline = $1 AND order_key >= "
    "(SELECT order_key FROM statuses WHERE timeline = $1 ORDER BY order_key DESC "
    "OFFSET $2 - 1 LIMIT 1) RETURNING id, level, order_key, json, change_rev), "
    "materialized AS (UPDATE changes AS c SET json = gone.json FROM gone "
    "WHERE c.timeline = $1 AND c.revision >= $3 AND c.revision = gone.change_rev) "
    "SELECT id, level, order_key FROM gone";
inline constexpr std::string_view contains =
    "SELECT s.id FROM timelines AS t JOIN statuses AS s ON s.timeline = t.id "
    "WHERE t.name = $1 AND s.id = ANY ($2)";

// --- unacked counts --------------------------------------------------------------------
/// Adds the deltas $3 to the levels $2; a level whose count reaches 0 loses its row in
/// the next statement.
inline constexpr std::string_view add_counts =
    "INSERT INTO unacked_counts AS c (timeline, level, count) "
    "SELECT $1, u.level, u.delta FROM unnest($2, $3) AS u (level, delta) WHERE u.delta > 0 "
    "ON CONFLICT (timeline, level) DO UPDATE SET count = c.count + excluded.count";
inline constexpr std::string_view subtract_counts =
    "WITH d AS (SELECT u.level, -u.delta AS n FROM unnest($2, $3) AS u (level, delta) "
    "WHERE u.delta < 0), "
    "gone AS (DELETE FROM unacked_counts AS c USING d "
    "WHERE c.timeline = $1 AND c.level = d.level AND c.count <= d.n RETURNING c.level) "
    "UPDATE unacked_counts AS c SET count = c.count - d.n FROM d "
    "WHERE c.timeline = $1 AND c.level = d.level AND c.count > d.n";
inline constexpr std::string_view delete_counts = "DELETE FROM unacked_counts WHERE timeline = $1";
inline constexpr std::string_view counts =
    "SELECT c.level, c.count FROM timelines AS t JOIN unacked_counts AS c ON c.timeline = t.id "
    "WHERE t.name = $1 ORDER BY c.level";

// --- change log ----------------------------------------------------------------------------
inline constexpr std::string_view record_changes =
    "INSERT INTO changes (timeline, revision, op, id, json, acked_at) "
    "SELECT $1, u.revision, u.op, u.id, u.json, u.acked_at "
    "FROM unnest($2, $3, $4, $5, $6) AS u (revision, op, id, json, acked_at)";
/// Removes the changes in ($3, $2]: those this write pushed out of the retention. The
/// lower bound keeps the scan off the entries earlier prunes deleted (until vacuum
/// removes them, an unbounded range would step over every one of them each time).
inline constexpr std::string_view prune_changes =
    "DELETE FROM changes WHERE timeline = $1 AND revision > $3 AND revision <= $2";
/// The timeline's revision and up to $3 changes after $2, oldest first, in one snapshot:
/// no row for an unknown timeline, one with NULL change columns when none follow $2. A
/// change logged by reference takes its text from the status it names (NULL, which the
/// reader refuses, should that status no longer be the change's).
inline constexpr std::string_view change_page =
    "SELECT t.revision, c.revision, c.op, c.id, c.json, c.acked_at FROM timelines AS t "
    "LEFT JOIN LATERAL (SELECT c.revision, c.op, c.id, CASE WHEN c.op IN (1, 2) "  // insert, update
    "THEN coalesce(c.json, s.json) END AS json, c.acked_at FROM changes AS c "
    "LEFT JOIN statuses AS s ON c.json IS NULL AND s.timeline = c.timeline "
    "AND s.id = c.id AND s.change_rev = c.revision "
    "WHERE c.timeline = t.id AND c.revision > $2 ORDER BY c.revision LIMIT $3) AS c ON true "
    "WHERE t.name = $1 ORDER BY c.revision";

// --- change notices ------------------------------------------------------------------------
/// Every write's last statement before COMMIT: tells the listeners of channel $1 (other
/// storages on this schema, see change_notice.hpp) which timeline changed. NOTIFY is
/// delivered at commit, and not at all when the transaction rolls back.
inline constexpr std::string_view notify = "SELECT pg_notify($1, $2)";

// --- settings ----------------------------------------------------------------------------
inline constexpr std::string_view find_setting =
    "SELECT value, version FROM settings WHERE key = $1";
/// A write expecting version 0: only when the key was never written.
inline constexpr std::string_view create_setting =
    "INSERT INTO settings (key, value, version) VALUES ($1, $2, 1) "
    "ON CONFLICT (key) DO NOTHING RETURNING version";
/// A write expecting version $3.
inline constexpr std::string_view replace_setting =
    "UPDATE settings SET value = $2, version = version + 1 WHERE key = $1 AND version = $3 "
    "RETURNING version";
inline constexpr std::string_view setting_version = "SELECT version FROM settings WHERE key = $1";

}  // namespace roost::pg::sql
