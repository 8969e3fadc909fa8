// Raw-SQLite baseline: the same bytes the library stores, with plain statements.
//
// One table (id TEXT PRIMARY KEY, doc TEXT); the primary key's index serves the range
// reads. The file is set up as the SQLite backend's default (WAL, synchronous=NORMAL) so
// the ratio shows the library's own work, not a different durability level.
#include "raw/raw_sqlite.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "connection.hpp"
#include "raw/raw_engine_benchmarks.hpp"
#include "statement.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

using raw::page_size;
using sqlite::connection;
using sqlite::statement;

// One open database with its prepared statements (the tree's SQLite wrapper: RAII handles,
// statements prepared once and reset after each run).
class raw_db {
public:
  /// Opens (creating it if needed) raw.sqlite3 in `dir`.
  explicit raw_db(const std::filesystem::path& dir)
      : db_((dir / "raw.sqlite3").string(), connection::open_mode::create, std::string()),
        setup_(db_) {}

  // Inserts statuses first .. first+count-1, `batch` per transaction (1: autocommit).
  void insert(std::size_t first, std::size_t count, std::size_t batch) {
    const auto& all = texts();
    for (std::size_t i = first; i < first + count; i += batch) {
      const std::size_t end = std::min(first + count, i + batch);
      if (batch > 1) db_.exec("BEGIN");
      for (std::size_t k = i; k < end; ++k) {
        const std::string id = workload::id_of(k);
        insert_.start().bind_text(1, id).bind_text(2, all[k]).run();
      }
      if (batch > 1) db_.exec("COMMIT");
    }
  }

  std::vector<std::string> page(const std::string* max_id) {
    auto q = (max_id ? older_ : newest_).start();
    if (max_id) q.bind_text(1, *max_id);
    std::vector<std::string> docs;
    docs.reserve(page_size);
    while (q.step()) docs.emplace_back(q.column_text(0));
    return docs;
  }

  std::size_t contains(const std::vector<std::string>& ids) {
    std::size_t found = 0;
    db_.exec("BEGIN");
    for (const auto& id : ids)
      if (exists_.start().bind_text(1, id).step()) ++found;
    db_.exec("COMMIT");
    return found;
  }

  std::size_t delete_all() {
    db_.exec("BEGIN");
    delete_all_.start().run();
    const auto n = static_cast<std::size_t>(db_.changes());
    db_.exec("COMMIT");
    return n;
  }

  void delete_ids(std::size_t first, std::size_t count) {
    db_.exec("BEGIN");
    for (std::size_t k = first; k < first + count; ++k) {
      const std::string id = workload::id_of(k);
      delete_one_.start().bind_text(1, id).run();
    }
    db_.exec("COMMIT");
  }

private:
  // Runs between db_ and the statements (member order): they can only be prepared once
  // their table exists.
  struct setup {
    explicit setup(connection& db) {
      db.exec("PRAGMA journal_mode=WAL");
      db.exec("PRAGMA synchronous=NORMAL");
      db.exec("CREATE TABLE IF NOT EXISTS statuses (id TEXT PRIMARY KEY, doc TEXT NOT NULL)");
    }
  };

  connection db_;
  setup setup_;
  statement insert_{db_, "INSERT INTO statuses (id, doc) VALUES (?1, ?2)"};
  statement newest_{db_, "SELECT doc FROM statuses ORDER BY id DESC LIMIT 20"};
  statement older_{db_, "SELECT doc FROM statuses WHERE id <= ?1 ORDER BY id DESC LIMIT 20"};
  statement exists_{db_, "SELECT 1 FROM statuses WHERE id = ?1"};
  // A WHERE clause keeps SQLite from its truncate shortcut: the library deletes one
  // timeline's rows, not a whole table, so the baseline deletes row by row too.
  statement delete_all_{db_, "DELETE FROM statuses WHERE id >= ''"};
  statement delete_one_{db_, "DELETE FROM statuses WHERE id = ?1"};
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
