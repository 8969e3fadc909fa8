// Opening a store from the command line's storage URI.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "storage/limits.hpp"
#include "storage/postgresql_storage.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

/// The PostgreSQL store `uri` names, or nullopt when it names another kind:
/// "postgresql://..." or "postgres://..." (a libpq URI) or "postgresql:" followed by a
/// libpq keyword string ("postgresql:host=/run/postgresql dbname=roost"). A URI's query
/// may carry roost_schema=NAME (default "roost"), which is Roost's, not libpq's.
/// Throws invalid_request for an empty schema name.
std::optional<postgresql_options> postgresql_location(std::string_view uri);

/// Whether an opened store's change listeners also hear the changes other processes (or
/// other storage objects) commit: a server must, a command moving data need not.
enum class other_writers { ignore, hear };

/// How often a server's SQLite or LMDB store looks for other writers' commits
/// (sqlite_options::watch_interval, lmdb_options::watch_interval): the most a change
/// made elsewhere waits before the server's clients hear of it, for one cheap read a tick.
inline constexpr std::chrono::milliseconds server_watch_interval{10};

/// Opens the store `uri` names: "sqlite:PATH" (a file, created when missing),
/// "lmdb:DIR" (a directory, created when missing), a PostgreSQL database (see
/// postgresql_location; the schema is created when missing) or "memory:" (nothing
/// persists).
/// A damaged store is refused: LMDB's pages are all checked (lmdb_options::verify_pages),
/// SQLite's file gets PRAGMA quick_check (sqlite_options::verify_at_open).
/// With other_writers::hear, a PostgreSQL store listens for other storages' notices and a
/// SQLite or LMDB store watches its files every server_watch_interval; memory: has no
/// other writers.
/// Throws invalid_request for an unknown scheme or an empty path, and storage_failure
/// (naming the path) when the store cannot be opened or is damaged.
std::unique_ptr<status_storage> open_storage(std::string_view uri, const storage_limits& limits,
                                             other_writers others);

}  // namespace roost::app
