// sqlite_storage: a status_storage in one SQLite database file (or ":memory:").
//
// The default store of the server. Every operation is one SQLite transaction, so it
// happens completely or not at all, also when the process is killed in the middle of it.
// The database is in WAL mode; each committed operation survives a crash of the process,
// and with `sqlite_durability::full` also a power loss (see docs/sqlite.md). Each write
// records its changes in the file's change log in the same transaction (get_changes,
// keeping the newest storage_limits::change_retention per timeline).
//
// Synchronous: every callback runs before the operation returns, on the calling thread,
// after every lock the operation took has been released (so a callback may call back into
// the storage). A store failure (disk full, I/O error, corrupt file, a lock held by
// another process for longer than the busy timeout and its retries) reaches the callback
// as a `storage_error` naming the operation, the SQLite call and SQLite's own message and
// code; the data is then as it was before the operation.
//
// Thread safety: every operation and vacuum() may be called concurrently from any number
// of threads. A file store has one writer connection (writes are serialized by a mutex)
// and a pool of up to `reader_connections` reader connections, so reads run in parallel
// with each other and with a write, each on its own consistent snapshot. ":memory:" has a
// single connection that every operation takes in turn.
//
// Settings (settings.hpp) are kept in the file's `settings` table, created when the store
// is first opened for writing by a program that knows settings; a store opened read-only
// without that table has no settings (get_setting answers absent at version 0). Each
// get_setting reads the file, so it sees what other processes committed.
//
// Several processes (or several sqlite_storage objects in one process) may open the same
// file at once: SQLite's file locks serialize their writes, all of which are kept, and
// each sees the others' committed changes on its next operation. With
// sqlite_options::watch_interval its change listeners also hear those changes, called on
// a thread the storage starts for watching the file.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/sqlite_options.hpp"
#include "storage/status_storage.hpp"
#include "storage/store_check.hpp"

namespace roost {

/// The SQLite backend. Non-copyable; see the top of this header for its threading rules.
class sqlite_storage final : public status_storage {
public:
  /// The value of sqlite_options::path that selects an in-memory database.
  static constexpr const char* in_memory = sqlite_in_memory;

  /// The schema version this program writes and reads (sqlite_options.hpp).
  static constexpr int schema_version = sqlite_schema_version;

  /// Opens (creating it when missing) and if needed migrates the store at options.path.
  /// Throws invalid_request for contradictory limits, and storage_failure, naming the
  /// path and the problem, when the directory is missing or not writable (errc::io_error),
  /// the file is not a Roost store or is damaged (errc::corrupt), or it was written by a
  /// newer schema version (errc::unsupported). A file that is refused is left untouched.
  explicit sqlite_storage(sqlite_options options);

  /// Reads the whole store and reports what is wrong with it: PRAGMA integrity_check
  /// (every page, every index against its table), then the logical cross-checks
  /// (timeline sizes and unacked counts recounted, statuses of unknown timelines, stored
  /// documents that are not JSON objects, the change log's revisions, ops and
  /// references). Never changes the store. Throws storage_failure when the store cannot
  /// be read at all.
  store_check_report check();

  /// Closes every connection; the last one closing in any process folds the WAL back into
  /// the database file. Never throws.
  ~sqlite_storage() override;

  /// Rebuilds the database file without free space (SQLite VACUUM) and truncates the WAL.
  /// Blocks writes meanwhile; reads go on. Throws storage_failure on a store failure,
  /// leaving the data as it was.
  void vacuum();

  /// The options the store was opened with.
  const sqlite_options& options() const noexcept;

protected:
  void do_put_statuses(prepared_put request, count_callback done) override;
  void do_get_statuses(prepared_get request, texts_callback done) override;
  void do_ack_statuses(prepared_ack request, count_callback done) override;
  void do_delete_statuses(delete_request request, count_callback done) override;
  void do_get_unacked_counts(std::string timeline, counts_callback done) override;
  void do_contains(std::string timeline, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override;
  void do_timeline_names(names_callback done) override;
  void do_get_revision(std::string timeline, revision_callback done) override;
  void do_get_changes(prepared_changes request, changes_callback done) override;
  void do_get_setting(std::string key, setting_callback done) override;
  void do_put_setting(put_setting_request request, revision_callback done) override;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Opens a sqlite_storage, for callers that hold backends by their interface. Throws as
/// the sqlite_storage constructor does.
std::unique_ptr<status_storage> make_sqlite_storage(sqlite_options options);

}  // namespace roost
