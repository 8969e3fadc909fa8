// sqlite_options: how a sqlite_storage opens and writes its file, and the schema version
// it writes. A header of its own so that the backend's private files, which need the
// options but not the storage class, do not include sqlite_storage.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "storage/limits.hpp"

namespace roost {

/// The schema version this program writes and reads (PRAGMA user_version). Stores of an
/// older version are migrated when opened; newer ones are refused. Version 2 added the
/// change log, version 3 made it point to unchanged statuses instead of copying them.
inline constexpr int sqlite_schema_version = 3;

/// The value of sqlite_options::path that selects a private in-memory database.
inline constexpr const char* sqlite_in_memory = ":memory:";

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
  /// How often to look for changes that other processes, or other sqlite_storage objects
  /// on the same file, committed, so that this object's change listeners hear them as they
  /// hear its own writes (change_poller.hpp): a thread of its own runs PRAGMA data_version
  /// on the writer connection every interval, and reads the timelines' revisions when it
  /// moved. A change made elsewhere is heard about one interval after its commit at the
  /// latest. Zero (the default) does not look. Ignored for ":memory:".
  std::chrono::milliseconds watch_interval{0};
};

}  // namespace roost
