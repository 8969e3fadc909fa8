// Settings in an SQLite store: seen by every storage object and process on the file, kept
// across reopening, added to a store made before settings existed (read-only opens of
// such a store answer "absent" and leave it as it is), and covered by check().
#include <catch2/catch.hpp>

#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

sqlite_options read_only_options(const temp_dir& dir) {
  auto o = file_options(dir);
  o.read_only = true;
  return o;
}

std::int64_t settings_tables(const std::filesystem::path& path) {
  raw_db db(path);
  return db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'settings'");
}

std::string joined(const store_check_report& report) {
  std::string out;
  for (const auto& p : report.problems) out += p + "\n";
  return out;
}

// A store as a program without settings wrote it: one timeline, no settings table, the
// same schema version.
void make_store_without_settings(const temp_dir& dir) {
  {
    sqlite_storage s(file_options(dir));
    blocking::put_statuses(s, {"home", put_mode::insert, make_statuses("s", 0, 3)});
  }
  raw_db db(dir / "store.db");
  db.exec("DROP TABLE settings");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'settings'") == 0);
}

}  // namespace

TEST_CASE("sqlite: two storage objects on one file see each other's settings",
          "[sqlite][settings]") {
  temp_dir dir;
  sqlite_storage a(file_options(dir));
  sqlite_storage b(file_options(dir));
  CHECK(blocking::get_setting(b, "auth.tokens").version == 0);
  const auto v1 = blocking::put_setting(a, {.key = "auth.tokens", .value = "t1"});
  const auto seen = blocking::get_setting(b, "auth.tokens");
  CHECK(seen.value == std::optional<std::string>("t1"));
  CHECK(seen.version == v1);
  const auto v2 =
      blocking::put_setting(b, {.key = "auth.tokens", .value = "t2", .expected_version = v1});
  try {
    blocking::put_setting(a, {.key = "auth.tokens", .value = "lost", .expected_version = v1});
    FAIL("a stale write succeeded");
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(errc::conflict));
  }
  CHECK(blocking::get_setting(a, "auth.tokens").value == std::optional<std::string>("t2"));
  CHECK(blocking::get_setting(a, "auth.tokens").version == v2);
}

TEST_CASE("sqlite: a setting written by another process is seen by an open store",
          "[sqlite][settings][processes]") {
  temp_dir dir;
  sqlite_storage s(file_options(dir));
  const auto v1 = blocking::put_setting(s, {.key = "auth.tokens", .value = "mine"});
  // Read once more so that the reader connections hold the statement and the page cache.
  CHECK(blocking::get_setting(s, "auth.tokens").version == v1);
  {
    helper_process child(
        {"put-setting", (dir / "store.db").string(), "auth.tokens", "theirs", std::to_string(v1)});
    REQUIRE(child.read_line() == "version " + std::to_string(v1 + 1));
    REQUIRE(child.wait() == 0);
  }
  const auto seen = blocking::get_setting(s, "auth.tokens");
  CHECK(seen.value == std::optional<std::string>("theirs"));
  CHECK(seen.version == v1 + 1);
  {
    helper_process child({"put-setting", (dir / "store.db").string(), "auth.tokens", "-", "1"});
    REQUIRE(child.read_line() == "error " + std::to_string(static_cast<int>(errc::conflict)));
    REQUIRE(child.wait() == 0);
  }
  CHECK(blocking::get_setting(s, "auth.tokens").value == std::optional<std::string>("theirs"));
}

TEST_CASE("sqlite: settings survive reopening, removals with their version", "[sqlite][settings]") {
  temp_dir dir;
  std::uint64_t kept = 0, removed = 0;
  {
    sqlite_storage s(file_options(dir));
    kept = blocking::put_setting(s, {.key = "kept", .value = std::string("a\0b", 3)});
    const auto v = blocking::put_setting(s, {.key = "gone", .value = "x"});
    removed =
        blocking::put_setting(s, {.key = "gone", .value = std::nullopt, .expected_version = v});
  }
  sqlite_storage s(read_only_options(dir));
  CHECK(blocking::get_setting(s, "kept").value ==
        std::optional<std::string>(std::string("a\0b", 3)));
  CHECK(blocking::get_setting(s, "kept").version == kept);
  CHECK_FALSE(blocking::get_setting(s, "gone").value);
  CHECK(blocking::get_setting(s, "gone").version == removed);
  const auto report = s.check();
  INFO(joined(report));
  CHECK(report.ok());
}

TEST_CASE("sqlite: a store without the settings table opens read-only and read-write",
          "[sqlite][settings][open]") {
  temp_dir dir;
  make_store_without_settings(dir);
  const auto path = dir / "store.db";
  {
    sqlite_storage s(read_only_options(dir));
    const auto absent = blocking::get_setting(s, "auth.tokens");
    CHECK_FALSE(absent.value);
    CHECK(absent.version == 0);
    CHECK(blocking::get_statuses(s, {.timeline = "home", .count = status_count::all()}).size() ==
          3);
    const auto report = s.check();
    INFO(joined(report));
    CHECK(report.ok());
    try {
      blocking::put_setting(s, {.key = "auth.tokens", .value = "x"});
      FAIL("a read-only store accepted a write");
    } catch (const storage_failure& e) {
      CHECK(e.code() == make_error_code(errc::io_error));
    }
  }
  CHECK(settings_tables(path) == 0);  // the read-only open wrote nothing
  {
    sqlite_storage s(file_options(dir));
    CHECK(settings_tables(path) == 1);
    CHECK(blocking::get_setting(s, "auth.tokens").version == 0);
    CHECK(blocking::put_setting(s, {.key = "auth.tokens", .value = "x"}) > 0);
    CHECK(blocking::get_statuses(s, {.timeline = "home", .count = status_count::all()}).size() ==
          3);
    const auto report = s.check();
    INFO(joined(report));
    CHECK(report.ok());
  }
  raw_db db(path);
  CHECK(db.integer("PRAGMA user_version") == sqlite_storage::schema_version);
  require_consistent(path);
}

TEST_CASE("sqlite: a read-only store sees the settings table another program creates",
          "[sqlite][settings][open]") {
  temp_dir dir;
  make_store_without_settings(dir);
  // Keep a writer open so that the read-only store reads through the WAL, not immutable.
  raw_db holder(dir / "store.db");
  holder.exec("PRAGMA journal_mode = WAL");
  holder.exec("CREATE TABLE IF NOT EXISTS keep_wal (x INTEGER)");
  sqlite_storage ro(read_only_options(dir));
  CHECK(blocking::get_setting(ro, "k").version == 0);
  {
    sqlite_storage w(file_options(dir));
    blocking::put_setting(w, {.key = "k", .value = "v"});
  }
  CHECK(blocking::get_setting(ro, "k").value == std::optional<std::string>("v"));
}

TEST_CASE("sqlite: check() reports damaged settings rows", "[sqlite][settings][check]") {
  temp_dir dir;
  {
    sqlite_storage s(file_options(dir));
    blocking::put_setting(s, {.key = "good", .value = "v"});
  }
  {
    raw_db db(dir / "store.db");
    db.exec(
        "INSERT INTO settings VALUES ('Bad Key', 'v', 1), ('zero', 'v', 0), "
        "('bad.utf8', CAST(x'ff' AS TEXT), 2)");
  }
  sqlite_storage s(file_options(dir));
  const auto report = s.check();
  const auto text = joined(report);
  INFO(text);
  CHECK(report.problems.size() == 3);
  CHECK(text.find("\"Bad Key\"") != std::string::npos);
  CHECK(text.find("\"zero\"") != std::string::npos);
  CHECK(text.find("\"bad.utf8\"") != std::string::npos);
}
