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
// each sees the others' committed changes on its next operation.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"
#include "storage/store_check.hpp"

namespace roost {

/// What a committed operation survives.
enum class sqlite_durability {
  /// A crash of the process (PRAGMA synchronous=NORMAL). A power loss or an operating
  /// system crash may lose the last few committed operations, never consistency.
  normal = 1,
  /// Also a power loss (PRAGMA synchronous=FULL): every commit waits for an fsync.
  full,
};

/// Options of a sqlite_storage.
struct sqlite_options {
  /// The database file, created when missing (its directory must exist), or ":memory:"
  /// for a private in-memory database that disappears with the object.
  std::filesystem::path path;
  /// Truncation (also per-timeline capacities) and default page size.
  storage_limits limits;
  /// What a committed operation survives; see sqlite_durability.
  sqlite_durability durability = sqlite_durability::normal;
  /// How long one attempt waits for a lock another connection or process holds.
  std::chrono::milliseconds busy_timeout{5000};
  /// How many more times an operation that still found the database locked after
  /// busy_timeout is retried from the start before its callback gets errc::busy. So no
  /// operation waits longer than about (busy_retries + 1) * busy_timeout.
  unsigned busy_retries = 2;
  /// The most reader connections a file store opens (lazily, as concurrent reads need
  /// them); 0 sends reads through the writer connection. Ignored for ":memory:".
  std::size_t reader_connections = 4;
  /// Return the pages freed by deletes and truncation to the file system as part of the
  /// write that freed them (PRAGMA incremental_vacuum, once more than 1 MiB is free).
  /// When false the file keeps its size until vacuum().
  bool reclaim_space = true;
  /// How much of the file each connection reads through a memory mapping (PRAGMA
  /// mmap_size) instead of read calls; 0 turns it off. A read error of the disk then
  /// shows as a SIGBUS instead of an error code, SQLite's documented trade-off.
  std::uint64_t mmap_bytes = std::uint64_t{1} << 30;
  /// The name of a registered SQLite VFS to open the file with (sqlite3_vfs_register),
  /// e.g. a fault-injecting one in tests; empty for SQLite's default.
  std::string vfs;
  /// Open an existing store for reading only: nothing is created, migrated or written,
  /// neither the file nor anything beside it, and every write operation (and vacuum())
  /// fails with errc::io_error. Works on read-only media. When the store has no -wal
  /// file (no program has it open, and the last one closed it cleanly) it is opened
  /// immutable (no locks, no -shm); otherwise it is read through its write-ahead log,
  /// which needs its -shm file (docs/sqlite.md, "Read-only opening"). A missing or empty
  /// file, or one that would need a migration, is refused.
  bool read_only = false;
  /// Run PRAGMA quick_check when opening, before anything else reads or writes the file,
  /// and refuse a damaged one with errc::corrupt. SQLite finds damage by itself as it
  /// reads (the operation fails with errc::corrupt, the process never faults); this turns
  /// it away at the door instead, at the cost of reading the whole file once.
  bool verify_at_open = false;
};

/// The SQLite backend. Non-copyable; see the top of this header for its threading rules.
class sqlite_storage final : public status_storage {
public:
  /// The value of sqlite_options::path that selects an in-memory database.
  static constexpr const char* in_memory = ":memory:";

  /// The schema version this program writes and reads (PRAGMA user_version). Stores of
  /// an older version are migrated when opened; newer ones are refused. Version 2 added
  /// the change log, version 3 made it point to unchanged statuses instead of copying them.
  static constexpr int schema_version = 3;

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
