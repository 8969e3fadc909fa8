// Raw-PostgreSQL baseline: the same bytes the library stores, with plain blocking libpq.
//
// One table (id bytea PRIMARY KEY, doc text), the column types of the backend's
// `statuses`; the primary key's index serves the range reads. Each store has a schema of
// its own (pg_bench_schemas.hpp) on the server the backend uses, with the server's
// settings, so the ratio shows the library's own work.
//
// Every operation is the fewest statements a plain libpq program needs, because on a
// client-server database each statement is a round trip that costs more than its work:
// a batch of statuses is one INSERT of unnest() over two binary arrays, as the backend
// writes its rows, and a single status one INSERT ... VALUES; contains is one
// `id = ANY ($1)`; a single statement needs no BEGIN, it is its own transaction.
// (Statement by statement, as raw SQLite does in-process, 100 statuses would be 100
// round trips: a baseline slower than the library.) Statements are prepared on first use
// per connection, parameters and results are binary.
#include "raw/raw_postgresql.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "raw/pg_bench_schemas.hpp"
#include "raw/pg_client.hpp"
#include "raw/raw_engine_benchmarks.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

using pg::type;
using raw::page_size;

const pg::statement insert_many{
    "insert_many",
    "INSERT INTO statuses (id, doc) SELECT * FROM unnest($1::bytea[], $2::text[])",
    {type::bytea_array, type::text_array}};
const pg::statement insert_one{
    "insert_one", "INSERT INTO statuses (id, doc) VALUES ($1, $2)", {type::bytea, type::text}};
const pg::statement newest{"newest", "SELECT doc FROM statuses ORDER BY id DESC LIMIT 20", {}};
const pg::statement older{
    "older", "SELECT doc FROM statuses WHERE id <= $1 ORDER BY id DESC LIMIT 20", {type::bytea}};
const pg::statement present{
    "present", "SELECT id FROM statuses WHERE id = ANY ($1)", {type::bytea_array}};
// The whole table row by row: PostgreSQL's DELETE has no truncating shortcut.
const pg::statement remove_all{"remove_all", "DELETE FROM statuses", {}};
const pg::statement remove_some{
    "remove_some", "DELETE FROM statuses WHERE id = ANY ($1)", {type::bytea_array}};

std::vector<std::string> ids_of(std::size_t first, std::size_t end) {
  std::vector<std::string> ids;
  ids.reserve(end - first);
  for (std::size_t k = first; k < end; ++k) ids.push_back(workload::id_of(k));
  return ids;
}

class raw_db {
public:
  /// Connects and opens (creating it when missing) the store of `dir`.
  explicit raw_db(const std::filesystem::path& dir) : db_(*bench_postgresql()) {
    const std::string schema = bench_schema("roost_bench_raw_", dir);
    db_.run("CREATE SCHEMA IF NOT EXISTS " + schema + "; SET search_path TO " + schema +
            "; CREATE TABLE IF NOT EXISTS statuses (id bytea PRIMARY KEY, doc text NOT NULL)");
  }

  // Statuses first .. first+count-1, `batch` per statement (one transaction each).
  void insert(std::size_t first, std::size_t count, std::size_t batch) {
    const auto& all = texts();
    for (std::size_t i = first; i < first + count; i += batch) {
      const std::size_t end = std::min(first + count, i + batch);
      if (end - i == 1) {
        pg::params p;
        p.bytea(workload::id_of(i)).text(all[i]);
        db_.exec(insert_one, p);
        continue;
      }
      const auto ids = ids_of(i, end);
      pg::params p;
      p.bytea_array({ids.begin(), ids.end()})
          .text_array({all.begin() + static_cast<std::ptrdiff_t>(i),
                       all.begin() + static_cast<std::ptrdiff_t>(end)});
      db_.exec(insert_many, p);
    }
  }

  std::vector<std::string> page(const std::string* max_id) {
    pg::params p;
    if (max_id) p.bytea(*max_id);
    const auto rows = db_.exec(max_id ? older : newest, p);
    std::vector<std::string> docs;
    docs.reserve(page_size);
    for (int r = 0; r < rows.rows(); ++r) docs.emplace_back(rows.value(r, 0));
    return docs;
  }

  std::size_t contains(const std::vector<std::string>& ids) {
    pg::params p;
    p.bytea_array({ids.begin(), ids.end()});
    return static_cast<std::size_t>(db_.exec(present, p).rows());
  }

  std::size_t delete_all() { return db_.exec(remove_all).affected(); }

  /// As the backend's store is settled after its fill (pg_bench_schemas.hpp).
  void settle() { db_.run("VACUUM (ANALYZE) statuses"); }

  void delete_ids(std::size_t first, std::size_t count) {
    const auto ids = ids_of(first, first + count);
    pg::params p;
    p.bytea_array({ids.begin(), ids.end()});
    db_.exec(remove_some, p);
  }

private:
  pg::client db_;
};

}  // namespace

void register_raw_postgresql_benchmarks(std::size_t n) {
  raw::register_raw_engine_benchmarks<raw_db>("raw-postgresql", n);
}

void add_raw_postgresql_context() {
  // The server's settings that decide what a commit costs, for the report.
  const pg::statement settings{
      "settings",
      "SELECT 'fsync=' || current_setting('fsync') || "
      "', synchronous_commit=' || current_setting('synchronous_commit') || "
      "', shared_buffers=' || current_setting('shared_buffers')",
      {}};
  try {
    pg::client db(*bench_postgresql());
    benchmark::AddCustomContext("postgresql_version", db.server_version());
    benchmark::AddCustomContext("postgresql_settings", std::string(db.exec(settings).value(0, 0)));
  } catch (const std::exception& e) {
    benchmark::AddCustomContext("postgresql_version", std::string("unknown: ") + e.what());
  }
  benchmark::AddCustomContext("raw_postgresql_settings",
                              "blocking libpq, binary parameters and results, one statement "
                              "per batch (unnest of arrays)");
}

void release_raw_postgresql_store() { raw::release_raw_engine_store<raw_db>(); }

std::unique_ptr<raw_inserter> open_raw_postgresql_inserter(const std::filesystem::path& dir) {
  return std::make_unique<raw::engine_inserter<raw_db>>(dir);
}

}  // namespace roost::bench
