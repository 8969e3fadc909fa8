// The change log of the SQLite backend beyond the conformance suite (which checks its
// semantics): it lives in the file (reopen, other storage objects), a store of schema
// version 1 is upgraded in place and continues its revisions, and retention is applied by
// the write that adds changes. The crash and two-process cases are in
// sqlite_processes_test.cpp, failed writes (nothing logged, nothing pruned) in
// sqlite_faults_test.cpp.
#include <catch2/catch.hpp>
#include <thread>

#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
using Catch::Matchers::Contains;

namespace {

const timestamp ack_time = *parse_timestamp("2021-03-04T05:06:07Z");

std::vector<std::string> ids_of(const std::vector<status_change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.id);
  return out;
}

bool is_stale(const storage_error& e) { return e.code() == make_error_code(errc::stale_cursor); }

// Bytes as an SQL blob literal.
std::string blob(std::string_view bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out = "X'";
  for (const unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out + "'";
}

// Text as an SQL string literal.
std::string text(std::string_view s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The schema of version 1 as that version created it (before the change log), written
// here rather than taken from the backend, so that the fixture stays what version 1 was.
constexpr const char* version_1_schema = R"sql(
PRAGMA auto_vacuum = INCREMENTAL;
CREATE TABLE timelines (
  id       INTEGER PRIMARY KEY,
  name     BLOB    NOT NULL,
  revision INTEGER NOT NULL,
  size     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX timelines_by_name ON timelines (name);
CREATE TABLE statuses (
  timeline  INTEGER NOT NULL,
  id        BLOB    NOT NULL,
  order_key BLOB    NOT NULL,
  level     INTEGER NOT NULL,
  json      TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX statuses_by_id ON statuses (timeline, id);
CREATE UNIQUE INDEX statuses_by_order ON statuses (timeline, order_key);
CREATE TABLE unacked_counts (
  timeline INTEGER NOT NULL,
  level    INTEGER NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (timeline, level)
) STRICT, WITHOUT ROWID;
PRAGMA application_id = 1383034739; -- 0x526F6F73, "Roos"
PRAGMA user_version = 1;
PRAGMA journal_mode = WAL;
)sql";

// Writes a version 1 store at `path` whose timeline "home" holds `statuses` and has
// revision `revision` (version 1 counted operations, not statuses).
void write_version_1_store(const std::filesystem::path& path, const std::vector<status>& statuses,
                           std::int64_t revision) {
  raw_db db(path);
  db.exec(version_1_schema);
  db.exec("INSERT INTO timelines (id, name, revision, size) VALUES (1, " + blob("home") + ", " +
          std::to_string(revision) + ", " + std::to_string(statuses.size()) + ")");
  std::map<std::int64_t, int> unacked;
  for (const auto& s : statuses) {
    const auto p = prepare_status(s);
    db.exec("INSERT INTO statuses (timeline, id, order_key, level, json) VALUES (1, " + blob(p.id) +
            ", " + blob(p.order_key) + ", " + std::to_string(p.level) + ", " + text(p.json) + ")");
    if (!p.acked) ++unacked[p.level];
  }
  for (const auto& [level, n] : unacked)
    db.exec("INSERT INTO unacked_counts VALUES (1, " + std::to_string(level) + ", " +
            std::to_string(n) + ")");
}

// What version 2 added: the change log, every insert and update with its text.
constexpr const char* version_2_changes = R"sql(
CREATE TABLE changes (
  timeline INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  op       INTEGER NOT NULL,
  id       BLOB    NOT NULL,
  json     TEXT,
  acked_at TEXT
) STRICT;
CREATE UNIQUE INDEX changes_by_revision ON changes (timeline, revision);
PRAGMA user_version = 2;
)sql";

// Writes a version 2 store at `path`: "home" holds `statuses`, each logged as an insert
// with its text at revisions 1, 2, ...
void write_version_2_store(const std::filesystem::path& path, const std::vector<status>& statuses) {
  write_version_1_store(path, statuses, static_cast<std::int64_t>(statuses.size()));
  raw_db db(path);
  db.exec(version_2_changes);
  std::int64_t revision = 0;
  for (const auto& s : statuses) {
    const auto p = prepare_status(s);
    db.exec("INSERT INTO changes (timeline, revision, op, id, json) VALUES (1, " +
            std::to_string(++revision) + ", 1, " + blob(p.id) + ", " + text(p.json) + ")");
  }
}

}  // namespace

TEST_CASE("the revision and the change log survive closing and reopening", "[sqlite][changes]") {
  temp_dir dir;
  const auto options = file_options(dir);
  std::vector<status_change> log;
  {
    sqlite_storage storage(options);
    blocking::put_statuses(storage, {"home", put_mode::insert, make_statuses("h", 0, 5)});
    blocking::ack_statuses(storage, {.timeline = "home", .max_id = "h2", .at = ack_time});
    blocking::delete_statuses(storage, {"home", delete_selection::ids({"h4"})});
    blocking::put_statuses(storage, {"home", put_mode::upsert, {make_status("h0", 3)}});
    log = all_changes(storage, "home");
    REQUIRE(log.size() == 5 + 3 + 1 + 1);
    CHECK(blocking::get_revision(storage, "home") == 10);
  }
  sqlite_storage storage(options);
  CHECK(all_changes(storage, "home") == log);
  CHECK(blocking::get_revision(storage, "home") == 10);
  // The next change continues the numbering.
  blocking::put_statuses(storage, {"home", put_mode::insert, make_statuses("n", 0, 1)});
  const auto page = read_changes(storage, "home", 10);
  REQUIRE(page.changes.size() == 1);
  CHECK(page.changes[0].revision == 11);
  CHECK(page.changes[0].id == "n0");
  CHECK(page.last_revision == 11);
  require_log_replays_to_statuses(storage, "home");
  require_consistent(options.path);
}

TEST_CASE("two store objects on one file see each other's changes", "[sqlite][changes]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  sqlite_storage a(options);
  sqlite_storage b(options);

  blocking::put_statuses(a, {"t", put_mode::insert, make_statuses("a", 0, 3)});
  auto page = read_changes(b, "t", 0);
  CHECK(ids_of(page.changes) == std::vector<std::string>{"a0", "a1", "a2"});
  CHECK(page.last_revision == 3);
  blocking::ack_statuses(b, {.timeline = "t", .ids = std::vector<std::string>{"a1"}});
  page = read_changes(a, "t", 3);
  REQUIRE(page.changes.size() == 1);
  CHECK(page.changes[0].op == change_op::ack);
  CHECK(page.changes[0].revision == 4);

  // Writing from two threads at once: one log, consecutive revisions, each writer's
  // statuses in the order it put them.
  std::thread other([&] {
    for (int i = 0; i < 50; ++i)
      blocking::put_statuses(b, {"t", put_mode::insert, make_statuses("b", i, 1)});
  });
  for (int i = 0; i < 50; ++i)
    blocking::put_statuses(a, {"t", put_mode::insert, make_statuses("c", i, 1)});
  other.join();
  const auto log = all_changes(a, "t", 4);
  REQUIRE(log.size() == 100);
  std::vector<std::string> bs, cs;
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i].revision == 5 + i);
    (log[i].id[0] == 'b' ? bs : cs).push_back(log[i].id);
  }
  std::vector<std::string> expected_b, expected_c;
  for (int i = 0; i < 50; ++i) {
    expected_b.push_back("b" + std::to_string(i));
    expected_c.push_back("c" + std::to_string(i));
  }
  CHECK(bs == expected_b);
  CHECK(cs == expected_c);
  CHECK(all_changes(b, "t", 4) == log);
  require_log_replays_to_statuses(b, "t");
  require_consistent(options.path);
}

TEST_CASE("a store of schema version 1 is upgraded in place and continues its revisions",
          "[sqlite][changes][open]") {
  temp_dir dir;
  const auto path = dir / "v1.db";
  const std::vector<status> old_statuses = {make_status("old0", 1, 0), make_status("old1", 2, 1),
                                            make_status("old2", 1, 2, true)};
  write_version_1_store(path, old_statuses, 7);
  sqlite_options options;
  options.path = path;
  {
    sqlite_storage storage(options);
    {
      raw_db db(path);
      CHECK(db.integer("PRAGMA user_version") == sqlite_storage::schema_version);
      CHECK(db.integer("SELECT count(*) FROM changes") == 0);
    }
    // Everything of version 1 is kept.
    const auto texts =
        blocking::get_status_texts(storage, {.timeline = "home", .count = status_count::all()});
    REQUIRE(texts.size() == 3);
    CHECK(nlohmann::json::parse(texts[0]) == old_statuses[1]);  // newest unacked first
    CHECK(nlohmann::json::parse(texts[2]) == old_statuses[2]);  // the acked one last
    CHECK(blocking::get_unacked_counts(storage, "home").total == 2);
    CHECK(blocking::get_revision(storage, "home") == 7);

    // The log starts empty at revision 7: up to date there, stale before.
    const auto page = read_changes(storage, "home", 7);
    CHECK(page.changes.empty());
    CHECK(page.last_revision == 7);
    CHECK(is_stale(changes_error(storage, "home", 0)));
    CHECK(is_stale(changes_error(storage, "home", 6)));

    CHECK(blocking::ack_statuses(
              storage, {.timeline = "home", .ids = std::vector<std::string>{"old0"}}) == 1);
    blocking::put_statuses(storage, {"home", put_mode::insert, {make_status("new", 0, 5)}});
    const auto log = all_changes(storage, "home", 7);
    REQUIRE(log.size() == 2);
    CHECK(log[0].revision == 8);
    CHECK(log[0].op == change_op::ack);
    CHECK(log[0].id == "old0");
    CHECK(log[1].revision == 9);
    CHECK(log[1].op == change_op::insert);
    CHECK(is_stale(changes_error(storage, "home", 6)));
  }
  // Reopening does not migrate again: the log is kept.
  sqlite_storage storage(options);
  CHECK(all_changes(storage, "home", 7).size() == 2);
  require_consistent(path);
}

TEST_CASE("a revision the log does not have is reported stale, never skipped",
          "[sqlite][changes]") {
  // A program of schema version 1 still running on an upgraded file (all programs on a
  // file should be upgraded together) would bump the revision without logging. A reader
  // then must get stale_cursor, not a page that silently skips that change.
  temp_dir dir;
  auto options = file_options(dir);
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("s", 0, 2)});
  raw_db(options.path).exec("UPDATE timelines SET revision = revision + 1");
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("s", 2, 1)});
  CHECK(blocking::get_revision(storage, "t") == 4);
  const auto error = changes_error(storage, "t", 2);
  CHECK(is_stale(error));
  CHECK_THAT(error.message(), Contains("revision 2") && Contains(options.path.string()));
  CHECK(read_changes(storage, "t", 3).changes.size() == 1);
  // Nor does a page that would run over the hole skip it: a short page must end at the
  // timeline's revision.
  CHECK(is_stale(changes_error(storage, "t", 0)));
  CHECK(read_changes(storage, "t", 0, 2).changes.size() == 2);  // a full page before it
}

TEST_CASE("the write that adds changes prunes the log to the retention", "[sqlite][changes]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  options.limits.change_retention = 10;
  options.limits.per_timeline["long"] = {.soft_max = 0, .change_retention = 1000};
  auto storage = std::make_unique<sqlite_storage>(options);
  raw_db db(options.path);
  const auto logged = [&](const char* timeline) {
    return db.rows(
        "SELECT count(*), min(c.revision), max(c.revision) FROM changes AS c "
        "JOIN timelines AS t ON t.id = c.timeline WHERE t.name = " +
        blob(timeline))[0];
  };
  // After every write, not at some later moment: the pruning is part of the write.
  for (int i = 1; i <= 25; ++i) {
    blocking::put_statuses(*storage, {"t", put_mode::insert, make_statuses("s", i, 1)});
    blocking::put_statuses(*storage, {"long", put_mode::insert, make_statuses("s", i, 1)});
    INFO("after put " << i);
    CHECK(logged("t") == std::to_string(std::min(i, 10)) + "|" +
                             std::to_string(std::max(1, i - 9)) + "|" + std::to_string(i));
    CHECK(logged("long") == std::to_string(i) + "|1|" + std::to_string(i));
  }
  // One write with more changes than the retention keeps only its newest ones.
  CHECK(blocking::delete_statuses(*storage, {"t", delete_selection::all()}) == 25);
  CHECK(logged("t") == "10|41|50");
  CHECK(is_stale(changes_error(*storage, "t", 39)));
  const auto page = read_changes(*storage, "t", 40);
  REQUIRE(page.changes.size() == 10);
  for (const auto& c : page.changes) CHECK(c.op == change_op::remove);

  // A smaller retention takes effect at the next write; the log is never lost otherwise.
  storage.reset();
  options.limits.change_retention = 3;
  storage = std::make_unique<sqlite_storage>(options);
  CHECK(logged("t") == "10|41|50");
  blocking::put_statuses(*storage, {"t", put_mode::insert, make_statuses("n", 0, 1)});
  CHECK(logged("t") == "3|49|51");
  require_consistent(options.path);
}

TEST_CASE("a store of schema version 2 keeps its logged texts when upgraded",
          "[sqlite][changes][open]") {
  // Version 3 logs inserts and updates by reference to the status; the rows of version
  // 2 carry their texts, which later writes must neither lose nor overwrite.
  temp_dir dir;
  const auto path = dir / "v2.db";
  const std::vector<status> old_statuses = {make_status("a", 1, 0), make_status("b", 2, 1)};
  write_version_2_store(path, old_statuses);
  sqlite_options options;
  options.path = path;
  sqlite_storage storage(options);
  CHECK(raw_db(path).integer("PRAGMA user_version") == sqlite_storage::schema_version);
  CHECK(blocking::ack_statuses(storage,
                               {.timeline = "home", .ids = std::vector<std::string>{"a"}}) == 1);
  auto updated = make_status("b", 0, 1);
  updated["text"] = "changed";
  blocking::put_statuses(storage, {"home", put_mode::upsert, {updated}});
  blocking::put_statuses(storage, {"home", put_mode::insert, {make_status("c", 1, 2)}});
  const auto log = all_changes(storage, "home", 0);
  REQUIRE(log.size() == 5);
  CHECK(nlohmann::json::parse(log[0].status_json) == old_statuses[0]);  // not the acked text
  CHECK(nlohmann::json::parse(log[1].status_json) == old_statuses[1]);  // not the update
  CHECK(log[2].op == change_op::ack);
  CHECK(log[3].op == change_op::update);
  CHECK(nlohmann::json::parse(log[3].status_json) == updated);
  CHECK(nlohmann::json::parse(log[4].status_json) == make_status("c", 1, 2));
  require_log_replays_to_statuses(storage, "home");
  require_consistent(path);
}

TEST_CASE("a change logged by reference keeps the text it logged when its status changes",
          "[sqlite][changes]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 2;
  options.limits.hard_max = 3;
  sqlite_storage storage(options);
  raw_db db(options.path);
  const auto first = make_status("s", 1, 0);
  auto second = first;
  second["text"] = "second";
  // The same id twice in one put: the first is stored with its text, the second by
  // reference.
  blocking::put_statuses(storage, {"t", put_mode::upsert, {first, second}});
  CHECK(db.integer("SELECT count(*) FROM changes WHERE json IS NULL") == 1);
  // An ack, a delete and truncation each copy the text first.
  blocking::ack_statuses(storage, {.timeline = "t"});
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("n", 1, 4)});
  blocking::delete_statuses(storage, {"t", delete_selection::ids({"n3"})});
  const auto log = all_changes(storage, "t", 0);
  REQUIRE(log.size() >= 2);
  CHECK(nlohmann::json::parse(log[0].status_json) == first);
  CHECK(nlohmann::json::parse(log[1].status_json) == second);  // before its ack
  require_log_replays_to_statuses(storage, "t");
  require_consistent(options.path);
}
