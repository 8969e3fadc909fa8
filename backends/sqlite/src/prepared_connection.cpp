#include "prepared_connection.hpp"

#include <string>

#include "schema.hpp"
#include "sql.hpp"

namespace roost::sqlite {
namespace {

// The WAL is truncated back to this size after a checkpoint, so one large write does not
// leave a large -wal file behind for good.
constexpr const char* journal_size_limit = "PRAGMA journal_size_limit = 67108864";

connection::open_mode open_mode_of(const sqlite_options& options, prepared_connection::role r,
                                   connection::open_mode read_mode) {
  if (options.read_only) return read_mode;
  return r == prepared_connection::role::writer ? connection::open_mode::create
                                                : connection::open_mode::existing;
}

}  // namespace

prepared_connection::setup::setup(connection& db, const sqlite_options& options, role r) {
  db.set_busy_timeout(options.busy_timeout);
  // Pages of the file are then read from the mapping instead of one pread(2) each: a
  // page of statuses walks the order index and fetches rows scattered over the file, and
  // the 2 MiB page cache of a connection holds little of a large store.
  db.exec("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes));
  if (r == role::writer && options.verify_at_open) verify_file(db, options);
  if (options.read_only) {
    if (r == role::writer) check_read_only_schema(db, options);
    db.exec("PRAGMA query_only = ON");
  } else if (r == role::writer) {
    ensure_schema(db, options);
    db.exec(options.durability == sqlite_durability::full ? "PRAGMA synchronous = FULL"
                                                          : "PRAGMA synchronous = NORMAL");
    db.exec(journal_size_limit);
  } else {
    // A reader never writes; query_only turns a bug that tried into an error.
    db.exec("PRAGMA query_only = ON");
  }
}

prepared_connection::prepared_connection(const sqlite_options& options, role r,
                                         connection::open_mode read_mode)
    : db(options.path.string(), open_mode_of(options, r, read_mode), options.vfs),
      setup_(db, options, r),
      tx(db),
      find_timeline(db, sql::find_timeline),
      create_timeline(db, sql::create_timeline),
      update_timeline(db, sql::update_timeline),
      timeline_names(db, sql::timeline_names),
      timeline_revision(db, sql::timeline_revision),
      timeline_revisions(db, sql::timeline_revisions),
      data_version(db, sql::data_version),
      find_status(db, sql::find_status),
      status_document(db, sql::status_document),
      status_exists(db, sql::status_exists),
      insert_status(db, sql::insert_status),
      replace_status(db, sql::replace_status),
      ack_status(db, sql::ack_status),
      page(db, sql::page),
      unacked_from(db, sql::unacked_from),
      delete_status(db, sql::delete_status),
      oldest_statuses(db, sql::oldest_statuses),
      delete_from_key(db, sql::delete_from_key),
      timeline_ids(db, sql::timeline_ids),
      delete_all_statuses(db, sql::delete_all_statuses),
      add_count(db, sql::add_count),
      drop_empty_count(db, sql::drop_empty_count),
      delete_all_counts(db, sql::delete_all_counts),
      counts(db, sql::counts),
      record_change(db, sql::record_change),
      prune_changes(db, sql::prune_changes),
      change_page(db, sql::change_page),
      materialize_change(db, sql::materialize_change),
      materialize_by_rowid(db, sql::materialize_by_rowid),
      materialize_by_id(db, sql::materialize_by_id),
      materialize_from_key(db, sql::materialize_from_key),
      materialize_after(db, sql::materialize_after) {}

}  // namespace roost::sqlite
