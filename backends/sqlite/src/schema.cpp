#include "schema.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "sql.hpp"
#include "sqlite_error.hpp"
#include "statement.hpp"
#include "transaction.hpp"

namespace roost::sqlite {
namespace {

[[noreturn]] void refuse(errc code, const sqlite_options& options, const std::string& problem) {
  throw storage_failure(storage_error(make_error_code(code),
                                      "sqlite store " + options.path.string() + ": " + problem));
}

std::string hex(std::int64_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llX", static_cast<unsigned long long>(value));
  return buffer;
}

// What the file holds, read without writing anything.
struct found {
  std::int64_t application_id = 0;
  std::int64_t version = 0;
  std::int64_t schema_objects = 0;

  bool is_empty() const { return application_id == 0 && version == 0 && schema_objects == 0; }
};

found inspect(connection& db, const sqlite_options& options) {
  try {
    found f;
    // The first read of the file: this is where a file that is not a database shows.
    f.schema_objects = db.query_int("SELECT count(*) FROM sqlite_schema");
    f.application_id = db.query_int("PRAGMA application_id");
    f.version = db.query_int("PRAGMA user_version");
    return f;
  } catch (const sqlite_error& e) {
    if ((e.code() & 0xFF) == SQLITE_NOTADB)
      refuse(
          errc::corrupt, options,
          "not a Roost store: not an SQLite database (" + e.engine_message() + ", SQLITE_NOTADB)");
    if ((e.code() & 0xFF) == SQLITE_CORRUPT)
      refuse(errc::corrupt, options, "the database is damaged (" + e.engine_message() + ")");
    throw;
  }
}

// Refuses what this program must not write to.
void check_acceptable(const found& f, const sqlite_options& options) {
  if (f.is_empty()) return;
  if (f.application_id != sql::application_id)
    refuse(errc::corrupt, options,
           "not a Roost store: an SQLite database of another application (application_id " +
               hex(f.application_id) + ", " + std::to_string(f.schema_objects) +
               " schema objects)");
  if (f.version > sqlite_schema_version)
    refuse(errc::unsupported, options,
           "written by a newer version of Roost (schema version " + std::to_string(f.version) +
               "; this program reads up to " + std::to_string(sqlite_schema_version) + ")");
}

// A store that claims to be current must have its tables; catching a damaged schema here
// gives a clear message instead of "no such table" from the first statement.
void check_tables(connection& db, const sqlite_options& options) {
  const auto tables = db.query_int(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
      "name IN ('timelines', 'statuses', 'unacked_counts', 'changes')");
  if (tables != 4)
    refuse(errc::corrupt, options,
           "the database is damaged: " + std::to_string(4 - tables) + " of its tables are missing");
}

void migrate(connection& db, const sqlite_options& options) {
  transaction_statements statements(db);
  transaction tx(statements, transaction::mode::immediate);
  // Re-read under the write lock: another process may have created or migrated the
  // schema since inspect().
  const found now = inspect(db, options);
  check_acceptable(now, options);
  for (const auto& m : sql::migrations) {
    if (m.to <= now.version) continue;
    db.exec(m.script);
  }
  if (now.is_empty()) db.exec("PRAGMA application_id = " + std::to_string(sql::application_id));
  db.exec("PRAGMA user_version = " + std::to_string(sqlite_schema_version));
  tx.commit();
}

// The settings table, created in its own IMMEDIATE transaction unless it exists (another
// process may create it meanwhile: IF NOT EXISTS).
void ensure_settings(connection& db) {
  if (db.query_int(sql::settings_table_exists) != 0) return;
  transaction_statements statements(db);
  transaction tx(statements, transaction::mode::immediate);
  db.exec(sql::create_settings);
  tx.commit();
}

bool is_read_only_failure(const sqlite_error& e) {
  const int primary = e.code() & 0xFF;
  return primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN;
}

}  // namespace

void check_read_only_schema(connection& db, const sqlite_options& options) {
  found f;
  try {
    f = inspect(db, options);
  } catch (const sqlite_error& e) {
    // A WAL database opened without immutable needs its -shm file, which a reader on
    // read-only media can neither create nor lock.
    if (is_read_only_failure(e))
      refuse(errc::io_error, options,
             "cannot read its write-ahead log (" + options.path.string() +
                 "-wal) without write access to the directory (" + e.engine_message() +
                 "). Open the store once where it is writable (any roost command that writes, "
                 "or sqlite3 FILE 'PRAGMA wal_checkpoint(TRUNCATE)') to fold the log into the "
                 "file, then read it here");
    throw;
  }
  if (f.is_empty())
    refuse(errc::corrupt, options, "not a Roost store: the database is empty (no schema)");
  check_acceptable(f, options);
  if (f.version < sqlite_schema_version)
    refuse(errc::unsupported, options,
           "schema version " + std::to_string(f.version) + " must be migrated to version " +
               std::to_string(sqlite_schema_version) +
               " before it is read: open it once for writing (roost serve or import)");
  check_tables(db, options);
}

void verify_file(connection& db, const sqlite_options& options) {
  std::string problems;
  try {
    statement check(db, "PRAGMA quick_check(3)", statement::lifetime::once);
    auto q = check.start();
    while (q.step()) {
      const auto line = q.column_text(0);
      if (line == "ok") continue;
      if (!problems.empty()) problems += "; ";
      problems += nlohmann::json(std::string(line))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  } catch (const sqlite_error& e) {
    const int primary = e.code() & 0xFF;
    if (primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB) throw;
    problems = e.engine_message();
  }
  if (!problems.empty())
    refuse(errc::corrupt, options,
           "the file is damaged (PRAGMA quick_check: " + problems +
               "). Nothing was changed. Run roost check for the whole report; restore it from a "
               "backup or an export");
}

void ensure_schema(connection& db, const sqlite_options& options) {
  const bool in_memory = options.path == sqlite_in_memory;
  if (!in_memory && db.is_read_only())
    refuse(errc::io_error, options, "the file is read-only; a store must be writable");
  const found before = inspect(db, options);
  check_acceptable(before, options);
  if (before.is_empty()) {
    // Only possible before the first table exists; afterwards it would take a VACUUM.
    db.exec("PRAGMA auto_vacuum = INCREMENTAL");
  }
  if (!in_memory) {
    // WAL: readers never block the writer, and a commit is one append to the -wal file.
    // Persistent in the file; a no-op when it is already set.
    const auto mode = db.query_text("PRAGMA journal_mode = WAL");
    if (mode != "wal")
      refuse(errc::io_error, options,
             "cannot switch the database to WAL mode (journal_mode is \"" + mode +
                 "\"; the file system may not support shared memory)");
  }
  if (before.version < sqlite_schema_version) migrate(db, options);
  check_tables(db, options);
  ensure_settings(db);
}

}  // namespace roost::sqlite
