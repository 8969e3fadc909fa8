// prepared_connection: one connection with every statement the backend runs, prepared
// once.
//
// Not thread-safe; the connection pool gives each one to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>

#include "connection.hpp"
#include "statement.hpp"
#include "storage/sqlite_options.hpp"
#include "transaction.hpp"

namespace roost::sqlite {

struct prepared_connection {
  /// What the connection is for.
  enum class role {
    /// The store's one writer: opened first, creating the file when missing; it checks
    /// (and creates or migrates) the schema before anything else touches the file.
    writer,
    /// A reader: the file must exist and be a checked store; made query-only.
    reader,
  };

  /// Opens and configures a connection and prepares the statements. Throws sqlite_error
  /// for engine failures and storage_failure when a writer finds the file unusable
  /// (see schema.hpp). With options.read_only every connection is opened `read_mode` and
  /// only reads: the writer checks the schema without changing anything.
  prepared_connection(const sqlite_options& options, role r,
                      connection::open_mode read_mode = connection::open_mode::read_only);

  prepared_connection(const prepared_connection&) = delete;
  prepared_connection& operator=(const prepared_connection&) = delete;

  connection db;

  /// Set by a write of a timeline when it commits: the timeline's new revision.
  std::uint64_t committed_revision = 0;

private:
  // Constructed between `db` and the statements (member order): configures the
  // connection and, for the writer, makes the schema current, because statements can only
  // be prepared against tables that exist.
  struct setup {
    setup(connection& db, const sqlite_options& options, role r);
  } setup_;

public:
  transaction_statements tx;

  statement find_timeline;
  statement create_timeline;
  statement update_timeline;
  statement timeline_names;
  statement timeline_revision;
  statement timeline_revisions;
  statement data_version;

  statement find_status;
  statement status_document;
  statement status_exists;
  statement insert_status;
  statement replace_status;
  statement ack_status;
  statement page;
  statement unacked_from;
  statement delete_status;
  statement oldest_statuses;
  statement delete_from_key;
  statement timeline_ids;
  statement delete_all_statuses;

  statement add_count;
  statement drop_empty_count;
  statement delete_all_counts;
  statement counts;

  statement record_change;
  statement prune_changes;
  statement change_page;
  statement materialize_change;
  statement materialize_by_rowid;
  statement materialize_by_id;
  statement materialize_from_key;
  statement materialize_after;

  // Settings: prepared at first use, because a store opened read-only may have no
  // settings table (it was written by a program that did not know settings).
  std::unique_ptr<statement> find_setting;
  std::unique_ptr<statement> write_setting;
};

}  // namespace roost::sqlite
