#include "sqlite_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/blocking.hpp"

namespace roost::testing {

raw_db::raw_db(const std::filesystem::path& path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  INFO("opening " << path << ": " << (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  REQUIRE(rc == SQLITE_OK);
  sqlite3_busy_timeout(db_, 5000);
}

raw_db::~raw_db() { sqlite3_close_v2(db_); }

void raw_db::exec(const std::string& sql) {
  INFO(sql);
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  INFO(sqlite3_errmsg(db_));
  REQUIRE(rc == SQLITE_OK);
}

int raw_db::try_exec(const std::string& sql) {
  return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
}

std::int64_t raw_db::integer(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  const int rc = sqlite3_step(stmt);
  const auto value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  REQUIRE(rc == SQLITE_ROW);
  return value;
}

std::vector<std::string> raw_db::rows(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  const int prepared = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  INFO(sqlite3_errmsg(db_));
  REQUIRE(prepared == SQLITE_OK);
  std::vector<std::string> out;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (i != 0) row += '|';
      const auto* text = sqlite3_column_text(stmt, i);
      row += text ? std::string(reinterpret_cast<const char*>(text),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)))
                  : "NULL";
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  REQUIRE(rc == SQLITE_DONE);
  return out;
}

void require_consistent(const std::filesystem::path& path) {
  raw_db db(path);
  REQUIRE(db.rows("PRAGMA integrity_check") == std::vector<std::string>{"ok"});
  // The kept counts and a recount from the statuses, as "timeline|level|count" rows.
  const auto kept =
      db.rows("SELECT timeline, level, count FROM unacked_counts ORDER BY timeline, level");
  const auto recount = db.rows(
      "SELECT timeline, level, count(*) FROM statuses WHERE order_key < x'01' "
      "GROUP BY timeline, level ORDER BY timeline, level");
  CHECK(kept == recount);
  const auto sizes = db.rows(
      "SELECT t.id, t.size, (SELECT count(*) FROM statuses AS s WHERE s.timeline = t.id) "
      "FROM timelines AS t ORDER BY t.id");
  for (const auto& row : sizes) {
    std::istringstream in(row);
    std::string id, size, actual;
    std::getline(in, id, '|');
    std::getline(in, size, '|');
    std::getline(in, actual, '|');
    INFO("timeline " << id);
    CHECK(size == actual);
  }
  // Each timeline's log: consecutive revisions ending at its revision, or empty.
  const auto logs = db.rows(
      "SELECT t.id, t.revision, count(c.revision), min(c.revision), max(c.revision) "
      "FROM timelines AS t LEFT JOIN changes AS c ON c.timeline = t.id GROUP BY t.id");
  for (const auto& row : logs) {
    INFO("timeline|revision|changes|oldest|newest: " << row);
    std::istringstream in(row);
    std::string id, revision, count, oldest, newest;
    for (auto* field : {&id, &revision, &count, &oldest, &newest}) std::getline(in, *field, '|');
    if (count == "0") continue;
    CHECK(newest == revision);
    CHECK(std::stoll(newest) - std::stoll(oldest) + 1 == std::stoll(count));
  }
  CHECK(db.integer(
            "SELECT count(*) FROM changes WHERE timeline NOT IN (SELECT id FROM timelines)") == 0);
  // A change logged by reference (no text) names a status that is unchanged since:
  // one whose change_rev is that change's revision (schema version 3).
  CHECK(db.integer("SELECT count(*) FROM changes AS c WHERE c.json IS NULL AND c.op IN (1, 2) "
                   "AND NOT EXISTS (SELECT 1 FROM statuses AS s WHERE s.timeline = c.timeline "
                   "AND s.id = c.id AND s.change_rev = c.revision)") == 0);
}

nlohmann::json make_status(const std::string& id, std::int64_t level, int created, bool acked,
                           std::size_t padding) {
  // A fixed instant (Thu May 16 12:00:00 UTC 2013) plus `created` seconds, Twitter style
  // through the library's own formatter so that any offset is a valid date.
  const timestamp base =
      std::chrono::sys_days{std::chrono::year{2013} / 5 / 16} + std::chrono::hours{12};
  nlohmann::json s = {{"id", id},
                      {"created_at", format_twitter(base + std::chrono::seconds{created})},
                      {"text", "status " + id + " " + std::string(padding, 'x')},
                      {"busybird", {{"level", level}}}};
  if (acked) s["busybird"]["acked_at"] = "Fri May 17 12:00:00 +0000 2013";
  return s;
}

std::vector<nlohmann::json> make_statuses(const std::string& prefix, int first, int n,
                                          std::size_t padding) {
  static constexpr std::int64_t levels[] = {0, 1, 2, -1};
  std::vector<nlohmann::json> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = first; i < first + n; ++i)
    out.push_back(make_status(prefix + std::to_string(i), levels[i % 4], i, false, padding));
  return out;
}

sqlite_options file_options(const temp_dir& dir, const std::string& name) {
  sqlite_options options;
  options.path = dir / name;
  return options;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

}  // namespace roost::testing
