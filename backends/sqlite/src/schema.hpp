// The store's schema: recognizing a Roost store, creating one, migrating an older one.
//
// A Roost store is an SQLite database whose PRAGMA application_id is sql::application_id
// and whose PRAGMA user_version is its schema version. Nothing is written to a file
// before it is known to be either empty or a Roost store of this or an older version, so
// a file that is refused is left exactly as it was.
#pragma once

#include "connection.hpp"
#include "storage/sqlite_options.hpp"

namespace roost::sqlite {

/// Makes the database behind `db` a Roost store of sqlite_schema_version:
/// creates the schema in an empty file (with incremental auto-vacuum and WAL), migrates
/// an older store, and accepts a current one. Migrations run in one IMMEDIATE transaction
/// that re-reads the version under the lock, so two processes opening a new file at once
/// create the schema exactly once. Also creates the settings table when it is missing
/// (sql::create_settings), whatever the store's version.
/// Throws storage_failure naming options.path for a file that is not a Roost store or is
/// damaged (errc::corrupt), a newer schema (errc::unsupported) or a read-only file
/// (errc::io_error); throws sqlite_error for other engine failures.
void ensure_schema(connection& db, const sqlite_options& options);

/// For a read-only open (which never creates the settings table: a store without it reads
/// as one without settings): accepts a Roost store of sqlite_schema_version and
/// refuses, without writing anything, an empty file or one with no schema (errc::corrupt),
/// another application's database or a damaged one (errc::corrupt), an older schema that
/// would need a migration or a newer one (errc::unsupported), and a write-ahead log this
/// connection cannot read on read-only media (errc::io_error). Throws storage_failure
/// naming options.path, or sqlite_error for other engine failures.
void check_read_only_schema(connection& db, const sqlite_options& options);

/// Runs PRAGMA quick_check and throws storage_failure (errc::corrupt) naming options.path
/// and the first problems when the file is damaged. Reads the whole file; writes nothing.
void verify_file(connection& db, const sqlite_options& options);

}  // namespace roost::sqlite
