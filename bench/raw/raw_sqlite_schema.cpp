// The SQLite backend's schema written with plain statements: the put baseline that shows
// what the schema itself costs, apart from the library's code.
//
// The tables, indexes and statements are those of backends/sqlite/src/sql.hpp (version 3),
// copied rather than included so the baseline stays apart from the library's internals:
// a schema migration must update them here too. They are used as a put in insert mode
// uses them: per status an insert into `statuses` (two unique indexes) and a change row
// logged by reference; per transaction the unacked counts (one upsert per level) and the
// timeline's size and revision. Order keys and levels are computed when the store opens,
// untimed, so the inserts get ready-made values as the raw baseline does. Like the
// library's store, the file holds the nine other timelines' statuses before the measured
// puts start, and it is reopened after filling them.
#include "raw/raw_sqlite_schema.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connection.hpp"
#include "harness/fixture.hpp"
#include "statement.hpp"
#include "storage/order_key.hpp"
#include "storage/status.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

constexpr const char* schema = R"sql(
PRAGMA auto_vacuum = INCREMENTAL;
PRAGMA journal_mode = WAL;
CREATE TABLE timelines (
  id INTEGER PRIMARY KEY, name BLOB NOT NULL, revision INTEGER NOT NULL, size INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX timelines_by_name ON timelines (name);
CREATE TABLE statuses (
  timeline INTEGER NOT NULL, id BLOB NOT NULL, order_key BLOB NOT NULL,
  level INTEGER NOT NULL, json TEXT NOT NULL, change_rev INTEGER
) STRICT;
CREATE UNIQUE INDEX statuses_by_id ON statuses (timeline, id);
CREATE UNIQUE INDEX statuses_by_order ON statuses (timeline, order_key);
CREATE TABLE unacked_counts (
  timeline INTEGER NOT NULL, level INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (timeline, level)
) STRICT, WITHOUT ROWID;
CREATE TABLE changes (
  timeline INTEGER NOT NULL, revision INTEGER NOT NULL, op INTEGER NOT NULL,
  id BLOB NOT NULL, json TEXT, acked_at TEXT
);
CREATE UNIQUE INDEX changes_by_revision ON changes (timeline, revision);
)sql";

using sqlite::connection;
using sqlite::statement;

// What each workload status needs besides its text, computed once.
struct status_columns {
  std::vector<std::string> ids, order_keys;
  std::vector<std::int64_t> levels;
};

const status_columns& columns() {
  static status_columns c;
  const auto& pool = statuses();
  for (std::size_t k = c.ids.size(); k < pool.size(); ++k) {
    const auto& s = pool[k];
    c.ids.push_back(*status_id(s));
    c.order_keys.push_back(
        encode_order_key({status_acked_at(s), status_created_at(s), c.ids.back()}));
    c.levels.push_back(status_level(s));
  }
  return c;
}

class schema_db final : public raw_inserter {
public:
  explicit schema_db(const std::filesystem::path& dir) : file_(dir / "schema.sqlite3") {
    open(true);
    for (std::int64_t t = 0; t <= static_cast<std::int64_t>(other_timelines); ++t)
      db_->exec("INSERT INTO timelines (id, name, revision, size) VALUES (" + std::to_string(t) +
                ", CAST('timeline-" + std::to_string(t) + "' AS BLOB), 0, 0)");
    for (std::int64_t t = 1; t <= static_cast<std::int64_t>(other_timelines); ++t)
      put(t, 0, other_timeline_size);
    // As the library's fixture does: start from the file at rest, not from the fill's WAL.
    close();
    open(false);
  }
  ~schema_db() override { close(); }

  void insert(std::size_t first, std::size_t count) override { put(0, first, count); }

private:
  // Opens the file, first creating the tables when `create`, and prepares the statements.
  void open(bool create) {
    db_.emplace(file_.string(), connection::open_mode::create, std::string());
    if (create) db_->exec(schema);
    db_->exec("PRAGMA synchronous = NORMAL");
    insert_.emplace(*db_,
                    "INSERT INTO statuses (timeline, id, order_key, level, json, change_rev) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (timeline, id) DO NOTHING");
    log_.emplace(*db_,
                 "INSERT INTO changes (timeline, revision, op, id, json, acked_at) "
                 "VALUES (?1, ?2, 0, ?3, NULL, NULL)");
    count_.emplace(*db_,
                   "INSERT INTO unacked_counts (timeline, level, count) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (timeline, level) DO UPDATE SET count = count + excluded.count");
    timeline_.emplace(*db_, "UPDATE timelines SET size = size + ?2, revision = ?3 WHERE id = ?1");
  }

  // Statements first: they must be finalized before their connection closes.
  void close() {
    insert_.reset();
    log_.reset();
    count_.reset();
    timeline_.reset();
    db_.reset();
  }

  // Statuses first .. first + count - 1 into `timeline`, one transaction.
  void put(std::int64_t timeline, std::size_t first, std::size_t count) {
    const auto& c = columns();
    const auto& text = texts();
    std::int64_t& revision = revisions_[timeline];
    std::map<std::int64_t, std::int64_t> per_level;
    db_->exec("BEGIN IMMEDIATE");
    for (std::size_t k = first; k < first + count; ++k) {
      ++revision;
      insert_->start()
          .bind_int64(1, timeline)
          .bind_blob(2, c.ids[k])
          .bind_blob(3, c.order_keys[k])
          .bind_int64(4, c.levels[k])
          .bind_text(5, text[k])
          .bind_int64(6, revision)
          .run();
      log_->start().bind_int64(1, timeline).bind_int64(2, revision).bind_blob(3, c.ids[k]).run();
      ++per_level[c.levels[k]];
    }
    for (const auto& [level, n] : per_level)
      count_->start().bind_int64(1, timeline).bind_int64(2, level).bind_int64(3, n).run();
    timeline_->start()
        .bind_int64(1, timeline)
        .bind_int64(2, static_cast<std::int64_t>(count))
        .bind_int64(3, revision)
        .run();
    db_->exec("COMMIT");
  }

  std::filesystem::path file_;
  std::optional<connection> db_;
  std::optional<statement> insert_, log_, count_, timeline_;
  std::map<std::int64_t, std::int64_t> revisions_;
};

}  // namespace

std::unique_ptr<raw_inserter> open_raw_sqlite_schema_inserter(const std::filesystem::path& dir) {
  return std::make_unique<schema_db>(dir);
}

}  // namespace roost::bench
