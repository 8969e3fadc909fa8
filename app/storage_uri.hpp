// Opening a store from the command line's storage URI.
#pragma once

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

/// Opens the store `uri` names: "sqlite:PATH" (a file, created when missing),
/// "lmdb:DIR" (a directory, created when missing), a PostgreSQL database (see
/// postgresql_location; the schema is created when missing) or "memory:" (nothing
/// persists).
/// A damaged store is refused: LMDB's pages are all checked (lmdb_options::verify_pages),
/// SQLite's file gets PRAGMA quick_check (sqlite_options::verify_at_open).
/// Throws invalid_request for an unknown scheme or an empty path, and storage_failure
/// (naming the path) when the store cannot be opened or is damaged.
std::unique_ptr<status_storage> open_storage(std::string_view uri, const storage_limits& limits);

}  // namespace roost::app
