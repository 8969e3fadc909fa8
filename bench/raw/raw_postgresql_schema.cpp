// The PostgreSQL backend's schema written with plain libpq: the put baseline that shows
// what the schema itself costs, apart from the library's code (as raw_sqlite_schema.cpp
// does for SQLite, and making the same choices).
//
// The tables and indexes are the backend's own (backends/postgresql/src/sql.hpp, every
// migration in turn: both unique indexes of statuses, the CHECK), read from its migration
// text so that the baseline cannot drift from the schema. A put in insert mode writes, in
// one transaction: the statuses (with their order keys, levels and the revisions of their
// changes), a change row per status (by reference: without the text), one count upsert per
// level and the timeline's size and revision. Here each of those is one statement over
// arrays, as the backend sends them; the backend's other statements are its own logic and
// not counted as the schema's: locking the timeline's row, reading which ids exist, pruning
// the change log to its retention. Order keys and levels are computed once, untimed. As in
// the library's store, the nine other timelines hold their statuses before the measured
// puts start.
#include "raw/raw_postgresql_schema.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/fixture.hpp"
#include "raw/pg_bench_schemas.hpp"
#include "raw/pg_client.hpp"
#include "sql.hpp"  // backends/postgresql/src: the schema
#include "storage/order_key.hpp"
#include "storage/status.hpp"

namespace roost::bench {
namespace {

using pg::type;

// The backend's own schema text (every migration in turn, as a new store runs them), so
// that this baseline follows it when it changes.
std::string schema_script() {
  std::string all;
  for (const auto& m : ::roost::pg::sql::migrations) all += m.script;
  return all;
}
const std::string tables = schema_script();

const pg::statement write_statuses{
    "write_statuses",
    "INSERT INTO statuses (timeline, id, order_key, level, json, change_rev) "
    "SELECT $1, u.id, u.order_key, u.level, u.json, u.change_rev "
    "FROM unnest($2, $3, $4, $5, $6) AS u (id, order_key, level, json, change_rev)",
    {type::int8, type::bytea_array, type::bytea_array, type::int8_array, type::text_array,
     type::int8_array}};
const pg::statement record_changes{
    "record_changes",
    "INSERT INTO changes (timeline, revision, op, id, json, acked_at) "
    "SELECT $1, u.revision, 1, u.id, NULL, NULL FROM unnest($2, $3) AS u (revision, id)",
    {type::int8, type::int8_array, type::bytea_array}};
const pg::statement add_counts{
    "add_counts",
    "INSERT INTO unacked_counts AS c (timeline, level, count) "
    "SELECT $1, u.level, u.delta FROM unnest($2, $3) AS u (level, delta) "
    "ON CONFLICT (timeline, level) DO UPDATE SET count = c.count + excluded.count",
    {type::int8, type::int8_array, type::int8_array}};
const pg::statement update_timeline{
    "update_timeline",
    "UPDATE timelines SET size = size + $2, revision = $3 WHERE id = $1",
    {type::int8, type::int8, type::int8}};

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

template <typename T>
std::vector<std::string_view> views(const std::vector<T>& all, std::size_t first,
                                    std::size_t count) {
  const auto begin = all.begin() + static_cast<std::ptrdiff_t>(first);
  return {begin, begin + static_cast<std::ptrdiff_t>(count)};
}

class schema_db final : public raw_inserter {
public:
  explicit schema_db(const std::filesystem::path& dir) : db_(*bench_postgresql()) {
    const std::string schema = bench_schema("roost_bench_schema_", dir);
    db_.run("CREATE SCHEMA " + schema + "; SET search_path TO " + schema + ";" + tables);
    for (std::size_t t = 0; t <= other_timelines; ++t)
      db_.run("INSERT INTO timelines (id, name) OVERRIDING SYSTEM VALUE VALUES (" +
              std::to_string(t) + ", 'timeline-" + std::to_string(t) + "'::bytea)");
    for (std::size_t t = 1; t <= other_timelines; ++t)
      put(static_cast<std::int64_t>(t), 0, other_timeline_size);
  }

  void insert(std::size_t first, std::size_t count) override { put(0, first, count); }

private:
  // Statuses first .. first + count - 1 into `timeline`, one transaction.
  void put(std::int64_t timeline, std::size_t first, std::size_t count) {
    const auto& c = columns();
    const auto& text = texts();
    std::int64_t& revision = revisions_[timeline];
    std::vector<std::int64_t> revisions,
        levels(c.levels.begin() + static_cast<std::ptrdiff_t>(first),
               c.levels.begin() + static_cast<std::ptrdiff_t>(first + count));
    std::map<std::int64_t, std::int64_t> per_level;
    for (std::size_t k = 0; k < count; ++k) {
      revisions.push_back(++revision);
      ++per_level[levels[k]];
    }
    std::vector<std::int64_t> count_levels, deltas;
    for (const auto& [level, n] : per_level) {
      count_levels.push_back(level);
      deltas.push_back(n);
    }
    const auto ids = views(c.ids, first, count);
    const auto docs = views(text, first, count);
    db_.run("BEGIN");
    {
      pg::params p;
      p.int8(timeline)
          .bytea_array(ids)
          .bytea_array(views(c.order_keys, first, count))
          .int8_array(levels)
          .text_array(docs)
          .int8_array(revisions);
      db_.exec(write_statuses, p);
    }
    {
      pg::params p;
      p.int8(timeline).int8_array(revisions).bytea_array(ids);
      db_.exec(record_changes, p);
    }
    {
      pg::params p;
      p.int8(timeline).int8_array(count_levels).int8_array(deltas);
      db_.exec(add_counts, p);
    }
    {
      pg::params p;
      p.int8(timeline).int8(static_cast<std::int64_t>(count)).int8(revision);
      db_.exec(update_timeline, p);
    }
    db_.run("COMMIT");
  }

  pg::client db_;
  std::map<std::int64_t, std::int64_t> revisions_;
};

}  // namespace

std::unique_ptr<raw_inserter> open_raw_postgresql_schema_inserter(
    const std::filesystem::path& dir) {
  return std::make_unique<schema_db>(dir);
}

}  // namespace roost::bench
