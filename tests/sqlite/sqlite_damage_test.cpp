// Damaged files (cut short, emptied, scribbled over), read-only opening and check().
// SQLite detects damage itself (SQLITE_CORRUPT): these tests run in-process and demand
// that each damaged file is refused or reported, never a crash, and that a read-only
// open creates and writes nothing.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "../support/file_damage.hpp"
#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

// A store of a few hundred pages, closed (so it has no -wal file).
void make_store(const sqlite_options& options) {
  sqlite_storage s(options);
  for (const char* timeline : {"home", "work"}) {
    blocking::put_statuses(s, {timeline, put_mode::insert, make_statuses("s", 0, 300, 1000)});
    blocking::ack_statuses(s, {.timeline = timeline, .max_id = std::string("s100")});
  }
}

sqlite_options read_only(sqlite_options o) {
  o.read_only = true;
  return o;
}

// Opens and reads everything; returns false when the damage was refused or reported
// (errc::corrupt, naming the file), true when everything read fine.
bool read_everything(const sqlite_options& options) {
  try {
    sqlite_storage s(options);
    bool clean = true;
    for (const char* timeline : {"home", "work"}) {
      s.get_statuses({.timeline = timeline, .count = status_count::all()},
                     [&](const storage_error& e, std::vector<status>) {
                       if (!e) return;
                       clean = false;
                       CHECK(e.code() == make_error_code(errc::corrupt));
                       CHECK_THAT(e.message(), Catch::Contains(options.path.string()));
                     });
    }
    const auto report = s.check();
    return clean && report.ok();
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(errc::corrupt));
    CHECK_THAT(e.what(), Catch::Contains(options.path.string()));
    return false;
  }
}

}  // namespace

TEST_CASE("a SQLite file cut short is reported, never read past its end", "[sqlite][damage]") {
  temp_dir dir;
  const auto options = file_options(dir);
  make_store(options);
  const auto size = std::filesystem::file_size(options.path);
  REQUIRE(size > 200 * 4096);
  std::filesystem::resize_file(options.path, size / 2);
  const auto before = read_file(options.path);
  CHECK_FALSE(read_everything(read_only(options)));
  CHECK(read_file(options.path) == before);
  CHECK_FALSE(read_everything(options));
}

TEST_CASE("garbage over pages in the middle of a SQLite file is reported", "[sqlite][damage]") {
  temp_dir dir;
  const auto options = file_options(dir);
  make_store(options);
  const auto size = std::filesystem::file_size(options.path);
  const auto pristine = read_file(options.path);
  int reported = 0;
  for (std::uint32_t k = 1; k <= 8; ++k) {
    INFO("damage " << k);
    std::ofstream(options.path, std::ios::binary | std::ios::trunc) << pristine;
    write_at(options.path, (size / 9 * k) / 4096 * 4096, garbage(16384, k));
    const auto damaged = read_file(options.path);
    if (!read_everything(read_only(options))) ++reported;
    CHECK(read_file(options.path) == damaged);
  }
  CHECK(reported >= 6);
}

TEST_CASE("an empty SQLite file is not a store to read", "[sqlite][damage][read-only]") {
  temp_dir dir;
  const auto options = file_options(dir);
  std::ofstream(options.path).close();
  try {
    sqlite_storage s(read_only(options));
    FAIL("an empty file opened");
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(errc::corrupt));
    CHECK_THAT(e.what(),
               Catch::Contains(options.path.string()) && Catch::Contains("empty (0 bytes)"));
  }
  CHECK(std::filesystem::file_size(options.path) == 0);
  CHECK_FALSE(std::filesystem::exists(options.path.string() + "-wal"));
}

TEST_CASE("a read-only open creates and writes nothing", "[sqlite][read-only]") {
  temp_dir dir;
  const auto options = file_options(dir);
  SECTION("a missing file is refused, not created") {
    CHECK_THROWS_AS(sqlite_storage(read_only(options)), storage_failure);
    CHECK(std::filesystem::is_empty(dir.path()));
  }
  SECTION("a closed store is read without -wal or -shm files") {
    make_store(options);
    const auto before = read_file(options.path);
    {
      sqlite_storage s(read_only(options));
      CHECK(blocking::get_statuses(s, {.timeline = "home", .count = status_count::all()}).size() ==
            300);
      CHECK(s.check().ok());
      storage_error error;
      s.put_statuses({"home", put_mode::upsert, make_statuses("n", 0, 2)},
                     [&](const storage_error& e, std::size_t) { error = e; });
      CHECK(error.code() == make_error_code(errc::io_error));
      CHECK_THAT(error.message(), Catch::Contains("read-only"));
      CHECK_FALSE(std::filesystem::exists(options.path.string() + "-wal"));
      CHECK_FALSE(std::filesystem::exists(options.path.string() + "-shm"));
    }
    CHECK(read_file(options.path) == before);
  }
  SECTION("a store open for writing is read through its log") {
    make_store(options);
    sqlite_storage writer(options);
    blocking::put_statuses(writer, {"home", put_mode::insert, make_statuses("late", 0, 5)});
    sqlite_storage reader(read_only(options));
    CHECK(
        blocking::get_statuses(reader, {.timeline = "home", .count = status_count::all()}).size() ==
        305);
  }
}

TEST_CASE("check() finds tables that disagree", "[sqlite][check]") {
  temp_dir dir;
  const auto options = file_options(dir);
  make_store(options);
  {
    sqlite_storage s(options);
    const auto report = s.check();
    for (const auto& p : report.problems) UNSCOPED_INFO(p);
    CHECK(report.ok());
    CHECK(report.timelines == 2);
    CHECK(report.statuses == 600);
    CHECK(report.changes > 600);
  }
  {
    raw_db db(options.path);
    db.exec(
        "UPDATE unacked_counts SET count = 12345 WHERE (timeline, level) = "
        "(SELECT timeline, level FROM unacked_counts LIMIT 1)");
    db.exec(
        "UPDATE statuses SET json = 'not json' WHERE rowid = (SELECT min(rowid) FROM statuses)");
    // Valid JSON objects that still are not what the row says: checked as put checks.
    db.exec(
        "UPDATE statuses SET json = '{\"id\":\"someone else\"}' "
        "WHERE rowid = (SELECT min(rowid) + 1 FROM statuses)");
    db.exec(
        "UPDATE statuses SET json = CAST(x'7b226964223a22ff227d' AS TEXT) "
        "WHERE rowid = (SELECT min(rowid) + 2 FROM statuses)");
    db.exec("UPDATE timelines SET size = 7 WHERE name = CAST('work' AS BLOB)");
    db.exec("DELETE FROM changes WHERE rowid = (SELECT max(rowid) FROM changes)");
  }
  sqlite_storage s(read_only(options));
  const auto report = s.check();
  std::string all;
  for (const auto& p : report.problems) all += p + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("12345 unacked counted"));
  CHECK_THAT(all,
             Catch::Contains("not a status that could be put (a status text is not valid JSON"));
  CHECK_THAT(all, Catch::Contains("id differs from the id it is filed under"));
  CHECK_THAT(all, Catch::Contains("ill-formed UTF-8"));
  CHECK_THAT(all, Catch::Contains("its row counts 7 statuses, it holds 300"));
  CHECK_THAT(all, Catch::Contains("the change log ends at revision"));
}
