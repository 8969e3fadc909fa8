// Raw-SQLite baseline: the same bytes the library stores, with plain statements.
//
// One table (id TEXT PRIMARY KEY, doc TEXT); the primary key's index serves the range
// reads. The file is set up as the SQLite backend's default (WAL, synchronous=NORMAL) so
// the ratio shows the library's own work, not a different durability level.
#include "raw/raw_sqlite.hpp"

#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "raw/raw_engine_benchmarks.hpp"
#include "raw/sqlite_statement.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

using raw::page_size;
using raw_sql::exec;
using raw_sql::fail;
using raw_sql::statement;

// One open database with its prepared statements.
class raw_db {
public:
  /// Opens (creating it if needed) raw.sqlite3 in `dir`.
  explicit raw_db(const std::filesystem::path& dir) {
    const auto file = dir / "raw.sqlite3";
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK)
      fail(db_, "open " + file.string());
    exec(db_, "PRAGMA journal_mode=WAL");
    exec(db_, "PRAGMA synchronous=NORMAL");
    exec(db_, "CREATE TABLE IF NOT EXISTS statuses (id TEXT PRIMARY KEY, doc TEXT NOT NULL)");
    insert_ = std::make_unique<statement>(db_, "INSERT INTO statuses (id, doc) VALUES (?1, ?2)");
    newest_ = std::make_unique<statement>(db_, "SELECT doc FROM statuses ORDER BY id DESC LIMIT 20");
    older_ = std::make_unique<statement>(
        db_, "SELECT doc FROM statuses WHERE id <= ?1 ORDER BY id DESC LIMIT 20");
    exists_ = std::make_unique<statement>(db_, "SELECT 1 FROM statuses WHERE id = ?1");
    // A WHERE clause keeps SQLite from its truncate shortcut: the library deletes one
    // timeline's rows, not a whole table, so the baseline deletes row by row too.
    delete_all_ = std::make_unique<statement>(db_, "DELETE FROM statuses WHERE id >= ''");
    delete_one_ = std::make_unique<statement>(db_, "DELETE FROM statuses WHERE id = ?1");
  }
  ~raw_db() {
    insert_.reset();
    newest_.reset();
    older_.reset();
    exists_.reset();
    delete_all_.reset();
    delete_one_.reset();
    sqlite3_close(db_);
  }
  raw_db(const raw_db&) = delete;
  raw_db& operator=(const raw_db&) = delete;

  // Inserts statuses first .. first+count-1, `batch` per transaction (1: autocommit).
  void insert(std::size_t first, std::size_t count, std::size_t batch) {
    const auto& all = texts();
    for (std::size_t i = first; i < first + count; i += batch) {
      const std::size_t end = std::min(first + count, i + batch);
      if (batch > 1) exec(db_, "BEGIN");
      for (std::size_t k = i; k < end; ++k) {
        const std::string id = workload::id_of(k);
        insert_->bind_text(1, id).bind_text(2, all[k]).step();
        insert_->reset();
      }
      if (batch > 1) exec(db_, "COMMIT");
    }
  }

  std::vector<std::string> page(const std::string* max_id) {
    statement& s = max_id ? *older_ : *newest_;
    if (max_id) s.bind_text(1, *max_id);
    std::vector<std::string> docs;
    docs.reserve(page_size);
    while (s.step()) docs.push_back(s.column_text(0));
    s.reset();
    return docs;
  }

  std::size_t contains(const std::vector<std::string>& ids) {
    std::size_t found = 0;
    exec(db_, "BEGIN");
    for (const auto& id : ids) {
      if (exists_->bind_text(1, id).step()) ++found;
      exists_->reset();
    }
    exec(db_, "COMMIT");
    return found;
  }

  std::size_t delete_all() {
    exec(db_, "BEGIN");
    delete_all_->step();
    delete_all_->reset();
    const auto n = static_cast<std::size_t>(sqlite3_changes(db_));
    exec(db_, "COMMIT");
    return n;
  }

  void delete_ids(std::size_t first, std::size_t count) {
    exec(db_, "BEGIN");
    for (std::size_t k = first; k < first + count; ++k) {
      const std::string id = workload::id_of(k);
      delete_one_->bind_text(1, id).step();
      delete_one_->reset();
    }
    exec(db_, "COMMIT");
  }

private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<statement> insert_, newest_, older_, exists_, delete_all_, delete_one_;
};

}  // namespace

void register_raw_sqlite_benchmarks(std::size_t n) {
  raw::register_raw_engine_benchmarks<raw_db>("raw-sqlite", n);
}

void add_raw_sqlite_context() {
  benchmark::AddCustomContext("sqlite_version", sqlite3_libversion());
  benchmark::AddCustomContext("raw_sqlite_settings", "journal_mode=WAL, synchronous=NORMAL");
}

void release_raw_sqlite_store() { raw::release_raw_engine_store<raw_db>(); }

std::unique_ptr<raw_inserter> open_raw_sqlite_inserter(const std::filesystem::path& dir) {
  return std::make_unique<raw::engine_inserter<raw_db>>(dir);
}

}  // namespace roost::bench
