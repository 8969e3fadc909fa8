// Opening a store from the command line's storage URI.
#pragma once

#include <memory>
#include <string_view>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

/// Opens the store `uri` names: "sqlite:PATH" (a file, created when missing),
/// "lmdb:DIR" (a directory, created when missing) or "memory:" (nothing persists).
/// A damaged store is refused: LMDB's pages are all checked (lmdb_options::verify_pages),
/// SQLite's file gets PRAGMA quick_check (sqlite_options::verify_at_open).
/// Throws invalid_request for an unknown scheme or an empty path, and storage_failure
/// (naming the path) when the store cannot be opened or is damaged.
std::unique_ptr<status_storage> open_storage(std::string_view uri, const storage_limits& limits);

}  // namespace roost::app
