// import-busybird on BusyBird databases the test creates from BusyBird's schema.
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "app_support.hpp"
#include "busybird_import.hpp"
#include "busybird_time.hpp"
#include "line_reader.hpp"
#include "migrate.hpp"
#include "ndjson_export.hpp"
#include "ndjson_import.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::app;
using namespace roost::testing;
using namespace std::chrono;

namespace {

constexpr const char* absent = "9999-99-99T99:99:99";

// A BusyBird status database with BusyBird's own schema.
class busybird_db {
public:
  explicit busybird_db(const std::filesystem::path& path) {
    REQUIRE(sqlite3_open(path.string().c_str(), &db_) == SQLITE_OK);
    exec(R"(
      CREATE TABLE timelines (
        timeline_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        name TEXT UNIQUE NOT NULL);
      CREATE TABLE statuses (
        timeline_id INTEGER NOT NULL
                    REFERENCES timelines(timeline_id) ON DELETE CASCADE ON UPDATE CASCADE,
        status_id TEXT NOT NULL,
        utc_acked_at TEXT NOT NULL,
        utc_created_at TEXT NOT NULL,
        timezone_acked_at TEXT NOT NULL,
        timezone_created_at TEXT NOT NULL,
        level INTEGER NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (timeline_id, status_id));
      CREATE TABLE delete_counts (
        delete_count_id INTEGER PRIMARY KEY NOT NULL,
        delete_count INTEGER NOT NULL);
      INSERT INTO delete_counts VALUES (0, 0);)");
  }
  ~busybird_db() { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
  }

  std::int64_t timeline(const std::string& name) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO timelines (name) VALUES (?)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(db_);
  }

  void status(std::int64_t timeline, const std::string& id, const std::string& utc_acked,
              const std::string& tz_acked, const std::string& utc_created,
              const std::string& tz_created, std::int64_t level, const std::string& content) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_,
                       "INSERT INTO statuses (timeline_id, status_id, utc_acked_at, utc_created_at,"
                       " timezone_acked_at, timezone_created_at, level, content)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, timeline);
    const std::string* texts[] = {&id, &utc_acked, &utc_created, &tz_acked, &tz_created};
    for (int i = 0; i < 5; ++i)
      sqlite3_bind_text(st, i + 2, texts[i]->c_str(), static_cast<int>(texts[i]->size()),
                        SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, level);
    sqlite3_bind_text(st, 8, content.c_str(), static_cast<int>(content.size()), SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
  }

private:
  sqlite3* db_ = nullptr;
};

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

status get(status_storage& s, const std::string& timeline, const std::string& id) {
  for (auto& st : blocking::get_statuses(s, {.timeline = timeline, .count = status_count::all()}))
    if (*status_id(st) == id) return st;
  FAIL("status " << id << " not found in " << timeline);
  return {};
}

const std::string home = "home";
const std::string japanese = "日本語のタイムライン";
const std::string emoji = "🐦 birds & bees";

// A database covering the format's corners. Returns its path.
std::filesystem::path make_sample(const temp_dir& dir) {
  const auto path = dir / "busybird.sqlite3";
  busybird_db db(path);
  const auto h = db.timeline(home), j = db.timeline(japanese), e = db.timeline(emoji);
  // Unacked, level 0, created in UTC; content without "busybird".
  db.status(h, "1", absent, "UTC", "2013-05-16T12:56:23", "UTC", 0,
            R"({"id":"1","text":"hello","created_at":"Thu May 16 12:56:23 +0000 2013"})");
  // Acked in +0900, created in +0900, level 2.
  db.status(
      h, "2", "2013-05-17T01:02:03", "+0900", "2013-05-16T12:56:23", "+0900", 2,
      R"({"id":"2","text":"acked","busybird":{"level":2,"acked_at":"Fri May 17 10:02:03 +0900 2013"}})");
  // A zone name, in winter and in summer; negative level.
  db.status(h, "3", absent, "UTC", "2013-01-15T17:00:00", "America/New_York", -1,
            R"({"id":"3","busybird":{"level":-1}})");
  db.status(h, "4", "2013-07-15T16:30:00", "America/New_York", "2013-07-15T16:00:00",
            "America/New_York", 1, R"({"id":"4"})");
  // No created_at in the columns, though the content has one.
  db.status(j, "5", absent, "UTC", absent, "UTC", 0,
            R"({"id":"5","text":"日本語","created_at":"Thu May 16 12:56:23 +0000 2013"})");
  // The content says acked at level 5; BusyBird later un-acked it and set level 0 in
  // the columns only. The columns win.
  db.status(j, "6", absent, "UTC", "2013-05-16T12:56:23", "Asia/Tokyo", 0,
            R"({"id":"6","busybird":{"level":5,"acked_at":"Thu May 16 12:56:23 +0000 2013"}})");
  // The reverse: the content says unacked, level 0; the columns say acked at level 3.
  db.status(j, "7", "2014-02-01T00:00:00", "UTC", "2014-01-01T00:00:00", "UTC", 3,
            R"({"id":"7","busybird":{"level":0}})");
  // An integer id in the content; an unknown zone falls back to UTC.
  db.status(e, "42", absent, "UTC", "2015-03-01T10:00:00", "Mars/Olympus_Mons", 0,
            R"({"id":42,"text":"🐦"})");
  return path;
}

}  // namespace

TEST_CASE("BusyBird timestamps are rebuilt in their zone, Twitter style", "[busybird]") {
  const auto t = *parse_busybird_utc("2013-05-16T12:56:23");
  CHECK(busybird_timestamp_text(t, "UTC") == "Thu May 16 12:56:23 +0000 2013");
  CHECK(busybird_timestamp_text(t, "+0900") == "Thu May 16 21:56:23 +0900 2013");
  CHECK(busybird_timestamp_text(t, "-05:30") == "Thu May 16 07:26:23 -0530 2013");
  CHECK(busybird_timestamp_text(t, "Asia/Tokyo") == "Thu May 16 21:56:23 +0900 2013");
  CHECK(busybird_timestamp_text(t, "Europe/London") == "Thu May 16 13:56:23 +0100 2013");
  CHECK(busybird_timestamp_text(*parse_busybird_utc("2013-01-01T00:30:00"),
                                "America/Los_Angeles") == "Mon Dec 31 16:30:00 -0800 2012");
  std::string warning;
  CHECK(busybird_timestamp_text(t, "Nowhere/Special", &warning) ==
        "Thu May 16 12:56:23 +0000 2013");
  CHECK_THAT(warning, Catch::Contains("Nowhere/Special"));
  // A zone that would carry the time into the year 10000 falls back to UTC, with a word.
  warning.clear();
  const auto last_hour = *parse_busybird_utc("9999-12-31T23:00:00");
  CHECK(busybird_timestamp_text(last_hour, "+0900", &warning) == "Fri Dec 31 23:00:00 +0000 9999");
  CHECK_THAT(warning, Catch::Contains("outside the years 0 to 9999"));
  CHECK(parse_timestamp(busybird_timestamp_text(last_hour, "Asia/Tokyo")).has_value());
  CHECK_FALSE(parse_busybird_utc(absent).has_value());
  CHECK(parse_busybird_utc("2016-12-31T23:59:60") == parse_busybird_utc("2016-12-31T23:59:59"));
  for (const char* bad : {"", "2013-05-16 12:56:23", "2013-02-30T00:00:00", "2013-05-16T24:00:00",
                          "2013-05-16T12:56:23Z", "yesterday"})
    CHECK_THROWS_AS(parse_busybird_utc(bad), busybird_time_error);
}

TEST_CASE("import-busybird brings every timeline with acks and levels", "[busybird]") {
  for (const auto kind : {store_kind::memory, store_kind::sqlite, store_kind::lmdb}) {
    DYNAMIC_SECTION(kind_name(kind)) {
      temp_dir dir;
      const auto path = make_sample(dir);
      const auto before = file_bytes(path);
      auto store = open_store(kind, dir, "target");
      std::vector<std::string> problems;
      run_hooks hooks;
      hooks.problem = [&](const std::string& m) { problems.push_back(m); };
      const auto result = import_busybird(path, *store, {}, hooks);
      REQUIRE(result.run.outcome == run_outcome::completed);
      CHECK(result.run.totals.written == 8);
      CHECK(result.warnings == 1);
      REQUIRE(problems.size() == 1);
      CHECK_THAT(problems[0], Catch::Contains("Mars/Olympus_Mons"));
      CHECK(file_bytes(path) == before);  // read-only

      auto names = blocking::timeline_names(*store);
      CHECK(names == std::vector<std::string>{home, japanese, emoji});

      const auto s1 = get(*store, home, "1");
      CHECK(s1["created_at"] == "Thu May 16 12:56:23 +0000 2013");
      CHECK_FALSE(s1.contains("busybird"));
      CHECK(s1["text"] == "hello");

      const auto s2 = get(*store, home, "2");
      CHECK(s2["busybird"]["acked_at"] == "Fri May 17 10:02:03 +0900 2013");
      CHECK(s2["created_at"] == "Thu May 16 21:56:23 +0900 2013");
      CHECK(s2["busybird"]["level"] == 2);

      const auto s3 = get(*store, home, "3");
      CHECK(s3["created_at"] == "Tue Jan 15 12:00:00 -0500 2013");
      CHECK(s3["busybird"]["level"] == -1);
      const auto s4 = get(*store, home, "4");
      CHECK(s4["created_at"] == "Mon Jul 15 12:00:00 -0400 2013");
      CHECK(s4["busybird"]["acked_at"] == "Mon Jul 15 12:30:00 -0400 2013");
      CHECK(s4["busybird"]["level"] == 1);

      const auto s5 = get(*store, japanese, "5");
      CHECK_FALSE(s5.contains("created_at"));
      CHECK(s5["text"] == "日本語");

      const auto s6 = get(*store, japanese, "6");
      CHECK(s6["busybird"]["level"] == 0);
      CHECK_FALSE(s6["busybird"].contains("acked_at"));
      CHECK(s6["created_at"] == "Thu May 16 21:56:23 +0900 2013");

      const auto s7 = get(*store, japanese, "7");
      CHECK(s7["busybird"]["level"] == 3);
      CHECK(s7["busybird"]["acked_at"] == "Sat Feb 01 00:00:00 +0000 2014");

      const auto s42 = get(*store, emoji, "42");
      CHECK(s42["id"] == "42");
      CHECK(s42["created_at"] == "Sun Mar 01 10:00:00 +0000 2015");

      // Unacked counts per level follow the columns.
      const auto uh = blocking::get_unacked_counts(*store, home);
      CHECK(uh.total == 2);
      CHECK(uh.at_level(0) == 1);
      CHECK(uh.at_level(-1) == 1);
      const auto uj = blocking::get_unacked_counts(*store, japanese);
      CHECK(uj.total == 2);
      CHECK(uj.at_level(0) == 2);
      CHECK(blocking::get_statuses(*store, {.timeline = japanese, .state = ack_state::acked})
                .size() == 1);

      // Running it again changes nothing.
      const auto again = import_busybird(path, *store, {}, {});
      CHECK(again.run.totals.written == 0);
      CHECK(again.run.totals.unchanged == 8);
    }
  }
}

TEST_CASE("bad BusyBird rows abort or are skipped", "[busybird][errors]") {
  temp_dir dir;
  const auto path = dir / "bad.sqlite3";
  {
    busybird_db db(path);
    const auto t = db.timeline("t");
    db.status(t, "1", absent, "UTC", absent, "UTC", 0, R"({"id":"1"})");
    db.status(t, "2", absent, "UTC", absent, "UTC", 0, "{not json");
    db.status(t, "3", "last tuesday", "UTC", absent, "UTC", 0, R"({"id":"3"})");
    db.status(t, "4", absent, "UTC", absent, "UTC", 0, R"(["not","an","object"])");
    db.exec(
        "INSERT INTO statuses VALUES (1, '5', '9999-99-99T99:99:99', '9999-99-99T99:99:99',"
        " 'UTC', 'UTC', 'high', '{}')");
    db.status(t, "6", absent, "UTC", absent, "UTC", 0, R"({"id":"6","busybird":"odd"})");
    db.status(t, "7", absent, "UTC", absent, "UTC", 0, R"({"id":"7"})");
    db.status(99, "8", absent, "UTC", absent, "UTC", 0, R"({"id":"8"})");  // no such timeline
  }
  std::vector<std::string> problems;
  run_hooks hooks;
  hooks.problem = [&](const std::string& m) { problems.push_back(m); };

  SECTION("abort") {
    auto store = make_memory_storage({.limits = {.soft_max = 0}});
    const auto r = import_busybird(path, *store, {}, hooks);
    CHECK(r.run.outcome == run_outcome::aborted);
    CHECK(r.orphans == 1);
    CHECK(blocking::timeline_names(*store).empty());
    CHECK_THAT(problems.back(), Catch::Contains("content is not valid JSON"));
  }
  SECTION("skip") {
    auto store = make_memory_storage({.limits = {.soft_max = 0}});
    const auto r = import_busybird(path, *store, {.on_error = error_policy::skip}, hooks);
    CHECK(r.run.outcome == run_outcome::completed);
    CHECK(r.run.totals.written == 2);
    CHECK(r.run.totals.invalid == 5);
    REQUIRE(problems.size() == 6);
    CHECK_THAT(problems[0], Catch::Contains("no timeline"));
    CHECK_THAT(problems[1],
               Catch::Contains("status_id \"2\"") && Catch::Contains("not valid JSON"));
    CHECK_THAT(problems[2], Catch::Contains("utc_acked_at"));
    CHECK_THAT(problems[3], Catch::Contains("not a JSON object"));
    CHECK_THAT(problems[4], Catch::Contains("level is not an integer"));
    CHECK_THAT(problems[5], Catch::Contains("\"busybird\" is not an object"));
  }
}

TEST_CASE("a file that is not a BusyBird database is refused clearly", "[busybird][errors]") {
  temp_dir dir;
  auto store = make_memory_storage();
  CHECK_THROWS_WITH(import_busybird(dir / "missing.sqlite3", *store, {}, {}),
                    Catch::Contains("is not a file"));
  write_file(dir / "text.sqlite3", "this is not a database at all, just some text\n");
  CHECK_THROWS_AS(import_busybird(dir / "text.sqlite3", *store, {}, {}), busybird_error);
  {
    sqlite3* db = nullptr;
    sqlite3_open((dir / "other.sqlite3").string().c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE something (x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  CHECK_THROWS_WITH(import_busybird(dir / "other.sqlite3", *store, {}, {}),
                    Catch::Contains("no table \"timelines\""));
}

TEST_CASE("roost import-busybird runs from the command line", "[busybird][process]") {
  temp_dir dir;
  const auto path = make_sample(dir);
  const auto uri = store_uri(store_kind::sqlite, dir, "target");
  const auto r = run_roost({"import-busybird", "--from", path.string(), "--storage", uri});
  INFO(r.err);
  CHECK(r.code() == 0);
  CHECK_THAT(r.err, Catch::Contains("8 written"));
  auto store = open_store(store_kind::sqlite, dir, "target");
  CHECK(blocking::get_unacked_counts(*store, home).total == 2);

  const auto missing =
      run_roost({"import-busybird", "--from", (dir / "nope").string(), "--storage", uri});
  CHECK(missing.code() == 1);
  CHECK_THAT(missing.err, Catch::Contains("is not a file"));
}

TEST_CASE("every way in accepts a status at the depth limit and refuses one level more",
          "[busybird][errors]") {
  // A status `depth` levels deep: the object around `depth - 1` nested arrays.
  const auto nested = [](const std::string& id, std::size_t depth) {
    return R"({"id":")" + id + R"(","t":)" + std::string(depth - 1, '[') +
           std::string(depth - 1, ']') + "}";
  };
  temp_dir dir;
  const auto path = dir / "deep.sqlite3";
  {
    busybird_db db(path);
    const auto t = db.timeline("t");
    db.status(t, "at", absent, "UTC", absent, "UTC", 0, nested("at", max_status_depth));
    db.status(t, "past", absent, "UTC", absent, "UTC", 0, nested("past", max_status_depth + 1));
    // Deep enough to overflow any stack through a recursive writer.
    db.status(t, "abyss", absent, "UTC", absent, "UTC", 0, nested("abyss", 300'000));
  }
  std::vector<std::string> problems;
  run_hooks hooks;
  hooks.problem = [&](const std::string& m) { problems.push_back(m); };
  auto busybird = open_store(store_kind::sqlite, dir, "from-busybird");
  const auto r = import_busybird(path, *busybird, {.on_error = error_policy::skip}, hooks);
  CHECK(r.run.totals.written == 1);
  CHECK(r.run.totals.invalid == 2);
  REQUIRE(problems.size() == 2);
  for (const auto& p : problems) CHECK_THAT(p, Catch::Contains("nests deeper than 512 levels"));

  // What import-busybird accepted, export writes, import reads, and migrate copies.
  const auto exported = export_ndjson_string(*busybird);
  CHECK(exported.find(R"("id":"at")") != std::string::npos);
  auto imported = open_store(store_kind::lmdb, dir, "imported");
  line_reader reader(exported, 1 << 24);
  CHECK(import_ndjson(*imported, reader, {}, {}).totals.written == 1);
  auto migrated = open_store(store_kind::memory, dir, "migrated");
  migrate_statuses(*imported, *migrated, {}, {});
  CHECK(export_ndjson_string(*migrated) == exported);

  // And the import of NDJSON refuses one level more, as import-busybird did.
  std::string past_line =
      R"({"timeline":"t","status":)" + nested("past", max_status_depth + 1) + "}\n";
  line_reader past_reader(past_line, 1 << 24);
  std::vector<std::string> import_problems;
  run_hooks import_hooks;
  import_hooks.problem = [&](const std::string& m) { import_problems.push_back(m); };
  const auto refused = import_ndjson(*migrated, past_reader, {}, import_hooks);
  CHECK(refused.totals.written == 0);
  REQUIRE(import_problems.size() == 1);
  CHECK_THAT(import_problems[0], Catch::Contains("nests deeper than 512 levels"));
}
