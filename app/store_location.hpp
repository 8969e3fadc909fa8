// Where a storage URI points on disk, for the data-moving commands: whether the store is
// there at all (reading commands must not create an empty one by opening it), how many
// bytes it takes, and whether two URIs name the same store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status_storage.hpp"
#include "storage/store_check.hpp"

namespace roost::app {

/// A storage URI taken apart: "sqlite:PATH", "lmdb:DIR", a PostgreSQL URI or "memory:".
struct store_location {
  std::string uri;
  std::string scheme;          ///< "sqlite", "lmdb", "postgresql" or "memory"
  std::filesystem::path path;  ///< empty for postgresql and memory

  /// Parses `uri`; throws invalid_request for an unknown scheme or a missing path.
  static store_location parse(std::string_view uri);

  /// True when something is stored there already (the SQLite file, the LMDB data file);
  /// always true for PostgreSQL (the open checks for the schema), false for memory:.
  bool exists() const;

  /// Bytes on disk: the SQLite file with its -wal and -shm companions, or every file of
  /// the LMDB directory; nullopt for PostgreSQL, memory: or a missing store.
  std::optional<std::uintmax_t> bytes_on_disk() const;

  /// True when both name the same file or directory (after resolving links).
  bool same_as(const store_location& other) const;
};

/// Opens a store for moving data in or out: truncation is off, so that an import or a
/// migration never drops statuses (the server truncates again on its next write), and an
/// LMDB store does not flush every batch to disk (see sync_to_disk). When `must_exist`
/// (the side a command reads: export, stats, migrate --from), opens it read-only, so that
/// nothing is created or written (docs/data-moving.md), and throws std::runtime_error
/// naming the URI if there is no store yet. Otherwise throws as open_storage does
/// (storage_failure for an empty, truncated or damaged store).
std::unique_ptr<status_storage> open_store_for_moving(const store_location& where, bool must_exist);

/// Opens a SQLite or LMDB store read-only and runs its backend's check(), which reads
/// everything and cross-checks it (store_check.hpp). Throws what the open throws for a
/// store that cannot even be opened (storage_failure), or std::invalid_argument for
/// another scheme.
store_check_report check_store(const store_location& where);

/// Flushes to disk what a run wrote through open_store_for_moving (LMDB: one fsync of
/// its data file, instead of one per batch). Call it after the last batch, before saying
/// the run is done. Throws std::system_error.
void sync_to_disk(const store_location& where);

}  // namespace roost::app
