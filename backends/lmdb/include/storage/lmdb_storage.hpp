// lmdb_storage: a status_storage in an LMDB environment (a directory on disk).
//
// LMDB is a memory-mapped, copy-on-write B+tree: reads never block and never wait for
// a writer, a crash (even SIGKILL or power loss with sync_writes on) never leaves a
// half-written operation, and several processes may share one environment. Every
// operation is one LMDB transaction: a write commits all of its changes or none.
// Statuses are kept in an index whose byte order is the timeline order, so a get, an
// ack by max_id and truncation are range scans, and unacked counts are O(levels). Each
// write records its changes in the store's change log in the same transaction
// (get_changes, keeping the newest storage_limits::change_retention per timeline).
// docs/lmdb.md describes the key layout, map growth, and the thread and process rules.
//
// Synchronous: every callback runs before the operation returns, on the calling thread,
// after the transaction has ended (so a callback may call back into the storage).
//
// Thread safety: every operation may be called concurrently from any number of threads
// (for instance an asynchronous adapter's worker pool). Reads run in parallel and never
// wait for a write; writes are serialized by LMDB's writer lock, which also orders them
// against writers in other processes. The only moment a reader waits is while this
// process enlarges the memory map, which needs every transaction of the process closed.
//
// Settings (settings.hpp) are kept in the environment's `settings` table, which the first
// writable open by a program that knows settings adds to an older store (no new format
// version: older programs ignore it). A store opened read-only without that table has no
// settings until it is opened again. Each get_setting reads the newest committed
// snapshot, so it sees what other processes committed.
//
// Processes: several processes (and several lmdb_storage objects in one process) may
// open the same directory; each sees the others' committed writes. With
// lmdb_options::watch_interval its change listeners also hear them, called on a thread
// the storage starts for watching the environment. Objects in one
// process share a single LMDB environment, because LMDB forbids opening one environment
// twice in a process; the environment-wide options (map sizes, readers, sync) of the
// first object to open it apply until the last one closes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"
#include "storage/store_check.hpp"

namespace roost {

class change_poller;

namespace detail {
class lmdb_environment;
}

/// Options of an lmdb_storage.
struct lmdb_options {
  /// The environment's directory. It must exist; LMDB keeps `data.mdb` and `lock.mdb` in
  /// it. An empty directory becomes a new, empty store.
  std::filesystem::path directory;

  /// Truncation (per timeline where `limits.per_timeline` says so) and default page size;
  /// they apply to this storage object only.
  storage_limits limits;

  /// The memory map's size when the environment is opened (rounded up to the page size),
  /// 64 MiB by default. It only reserves address space: the file grows as data is written.
  /// An existing store larger than this is mapped whole.
  std::size_t initial_map_size = std::size_t{64} << 20;

  /// The largest the map may grow to. When a write finds the map full, the backend
  /// doubles it (at most to this ceiling) and retries; at the ceiling the write fails
  /// with errc::io_error and changes nothing. 16 GiB by default on 64-bit systems
  /// (1 GiB on 32-bit ones, whose address space is small).
  std::size_t max_map_size = sizeof(void*) >= 8 ? std::size_t{16} << 30 : std::size_t{1} << 30;

  /// The size of LMDB's reader table, shared by every process using the environment: the
  /// most read transactions that can be open at once. Fixed by whichever process creates
  /// the lock file. 126 (LMDB's default) unless set.
  unsigned max_readers = 126;

  /// Flush every commit to disk before the callback runs (LMDB's default). When false
  /// (MDB_NOSYNC), a crash of the process still loses nothing, but a crash of the
  /// operating system or a power loss may undo the last commits (never corrupting the
  /// store).
  bool sync_writes = true;

  /// Open an existing store for reading only (MDB_RDONLY): `data.mdb` is never created,
  /// initialized, upgraded or written, and every write operation fails with
  /// errc::io_error, changing nothing. The one file LMDB may still create is `lock.mdb`,
  /// its reader table, without which a writer starting meanwhile could reuse the pages
  /// being read (on a read-only file system it reads without one). A missing or empty
  /// `data.mdb` is refused.
  bool read_only = false;

  /// Before LMDB reads any page, read every page of the store with pread(2) and check its
  /// structure (docs/lmdb.md, "Damaged stores"), refusing a damaged store with
  /// errc::corrupt instead of letting LMDB fault on it. Costs one read of the file at
  /// open. When false only the file's length is checked against its page count.
  bool verify_pages = true;

  /// How often to look for changes that other processes, or other lmdb_storage objects
  /// on the same directory, committed, so that this object's change listeners hear them
  /// as they hear its own writes (change_poller.hpp): a thread of its own reads the id of
  /// the newest snapshot every interval, and the timelines' revisions when it moved. A
  /// change made elsewhere is heard about one interval after its commit at the latest.
  /// Zero (the default) does not look.
  std::chrono::milliseconds watch_interval{0};
};

/// The LMDB backend.
class lmdb_storage final : public status_storage {
public:
  /// Opens (or, in an empty directory, creates) the store in `options.directory`, and
  /// clears reader slots left by processes that died (mdb_reader_check).
  /// Throws invalid_request for contradictory options (limits, an empty directory path,
  /// an initial map size above the ceiling, zero readers). Throws storage_failure,
  /// naming the path and the problem, and leaving every file as it was, when the
  /// directory is missing, not a directory, not writable, not an LMDB environment
  /// (errc::corrupt), an LMDB environment that does not hold a Roost store
  /// (errc::corrupt), a `data.mdb` that is empty, shorter than its own page count or
  /// (with verify_pages) structurally damaged (errc::corrupt), or a store written by a
  /// newer format version (errc::unsupported). With read_only, also when there is no
  /// store yet (errc::io_error). Without it, also when this process already has the
  /// directory open read-only (errc::internal: one environment per directory).
  explicit lmdb_storage(lmdb_options options);

  /// Closes this object's share of the environment; the environment itself closes with
  /// the last object using it. REQUIRES: no operation of this object is running.
  ~lmdb_storage() override;

  /// The directory this storage was opened with.
  const std::filesystem::path& directory() const noexcept { return options_.directory; }

  /// The current size of the memory map in bytes, at least initial_map_size (or the
  /// store's size). It grows as writes need it; for monitoring and tests.
  std::size_t map_size() const;

  /// Clears reader slots left in the shared reader table by processes that died
  /// without closing the environment, and returns how many it cleared. Opening a
  /// storage does this already; long-running programs whose companion processes may
  /// crash can call it from time to time. Throws storage_failure on an engine error.
  std::size_t clear_stale_readers();

  /// Reads the whole store on one snapshot and reports what is wrong with it: every page
  /// (as verify_pages does), then every record of every table decoded and cross-checked
  /// (statuses against the order index, unacked counts and timeline sizes recounted,
  /// stored documents parsed, the change log's revisions and references). Takes about
  /// as long as reading the file twice; reads never wait for it, writes do not block it.
  /// Throws storage_failure when the store cannot be read at all.
  store_check_report check();

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
  // Tells the watch (if any) which revision a successful write of this object committed.
  void note_own(const storage_error& error, std::size_t changed, const std::string& timeline,
                std::uint64_t revision) noexcept;

  lmdb_options options_;
  std::shared_ptr<detail::lmdb_environment>
      env_;                                // shared with other objects on the same directory
  std::unique_ptr<change_poller> poller_;  // with watch_interval; last: stopped first
};

/// Opens an lmdb_storage, for callers that hold backends by their interface. Throws as
/// the lmdb_storage constructor does.
std::unique_ptr<status_storage> make_lmdb_storage(lmdb_options options);

}  // namespace roost
