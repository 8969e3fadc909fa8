// Opening stores: new, existing, migrated; and every file the backend must refuse with a
// clear error (naming the path and the problem) while leaving it exactly as it was.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
using Catch::Matchers::Contains;

namespace {

// Opens `path` expecting storage_failure; returns it.
storage_failure refusal(const std::filesystem::path& path) {
  sqlite_options options;
  options.path = path;
  try {
    sqlite_storage storage(options);
  } catch (const storage_failure& e) {
    return e;
  }
  FAIL("opening " << path << " did not fail");
  throw std::logic_error("unreachable");
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// A closed store at `path` holding a few statuses.
void make_store(const std::filesystem::path& path) {
  sqlite_options options;
  options.path = path;
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"home", put_mode::insert, make_statuses("s", 0, 20, 300)});
}

}  // namespace

TEST_CASE("a new store is created with the schema version and WAL", "[sqlite][open]") {
  temp_dir dir;
  make_store(dir / "new.db");
  raw_db db(dir / "new.db");
  CHECK(db.integer("PRAGMA user_version") == sqlite_storage::schema_version);
  CHECK(db.integer("PRAGMA application_id") == 0x526F6F73);
  CHECK(db.rows("PRAGMA journal_mode") == std::vector<std::string>{"wal"});
  CHECK(db.integer("PRAGMA auto_vacuum") == 2);  // incremental
}

TEST_CASE("an empty file becomes a store", "[sqlite][open]") {
  temp_dir dir;
  write_file(dir / "empty.db", "");
  sqlite_options options;
  options.path = dir / "empty.db";
  sqlite_storage storage(options);
  CHECK(blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("a", 0, 3)}) == 3);
}

TEST_CASE("a store of an older schema version is migrated", "[sqlite][open]") {
  temp_dir dir;
  {
    // Version 0: a Roost store that has its application id but no tables yet.
    raw_db db(dir / "old.db");
    db.exec("PRAGMA application_id = " + std::to_string(0x526F6F73));
  }
  sqlite_options options;
  options.path = dir / "old.db";
  {
    sqlite_storage storage(options);
    CHECK(blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("a", 0, 3)}) == 3);
  }
  raw_db db(dir / "old.db");
  CHECK(db.integer("PRAGMA user_version") == sqlite_storage::schema_version);
  require_consistent(dir / "old.db");
}

TEST_CASE("a missing directory is refused, naming the path", "[sqlite][open][errors]") {
  temp_dir dir;
  const auto path = dir / "no-such-dir" / "store.db";
  const auto e = refusal(path);
  CHECK(e.code() == errc::io_error);
  CHECK_THAT(e.what(), Contains(path.string()) && Contains("does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir / "no-such-dir"));
}

TEST_CASE("a directory given as the store is refused", "[sqlite][open][errors]") {
  temp_dir dir;
  const auto e = refusal(dir.path());
  CHECK(e.code() == errc::io_error);
  CHECK_THAT(e.what(), Contains(dir.path().string()) && Contains("is a directory"));
}

TEST_CASE("a file that is not a database is refused and left alone", "[sqlite][open][errors]") {
  temp_dir dir;
  const auto path = dir / "notes.txt";
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "These are somebody's notes, line " + std::to_string(i) + "\n";
  write_file(path, text);
  const auto e = refusal(path);
  CHECK(e.code() == errc::corrupt);
  CHECK_THAT(e.what(), Contains(path.string()) && Contains("not a Roost store") &&
                           Contains("not an SQLite database"));
  CHECK(read_file(path) == text);
  CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
}

TEST_CASE("another application's SQLite database is refused and left alone",
          "[sqlite][open][errors]") {
  temp_dir dir;
  const auto path = dir / "other.db";
  {
    raw_db db(path);
    db.exec("CREATE TABLE accounts (name TEXT, balance INTEGER)");
    db.exec("INSERT INTO accounts VALUES ('alice', 10)");
  }
  const auto before = read_file(path);
  const auto e = refusal(path);
  CHECK(e.code() == errc::corrupt);
  CHECK_THAT(e.what(), Contains(path.string()) && Contains("another application"));
  CHECK(read_file(path) == before);
}

TEST_CASE("a store written by a newer schema version is refused and left alone",
          "[sqlite][open][errors]") {
  temp_dir dir;
  const auto path = dir / "newer.db";
  make_store(path);
  {
    raw_db db(path);
    db.exec("PRAGMA user_version = " + std::to_string(sqlite_storage::schema_version + 1));
  }
  const auto before = read_file(path);
  const auto e = refusal(path);
  CHECK(e.code() == errc::unsupported);
  CHECK_THAT(e.what(),
             Contains(path.string()) && Contains("newer version") &&
                 Contains("schema version " + std::to_string(sqlite_storage::schema_version + 1)));
  CHECK(read_file(path) == before);
}

TEST_CASE("a store with a damaged header is refused and left alone", "[sqlite][open][errors]") {
  temp_dir dir;
  const auto path = dir / "damaged.db";
  make_store(path);
  auto bytes = read_file(path);
  REQUIRE(bytes.size() > 4096);
  bytes.replace(0, 16, "garbage garbage!");
  write_file(path, bytes);
  const auto e = refusal(path);
  CHECK(e.code() == errc::corrupt);
  CHECK_THAT(e.what(), Contains(path.string()));
  CHECK(read_file(path) == bytes);
}

TEST_CASE("a store whose table pages are damaged reports corrupt to callbacks",
          "[sqlite][open][errors]") {
  temp_dir dir;
  const auto path = dir / "damaged.db";
  make_store(path);
  auto bytes = read_file(path);
  const std::size_t page = 4096;
  REQUIRE(bytes.size() >= 3 * page);
  // Page 1 (the header and the schema) stays; every other page becomes noise.
  for (std::size_t i = page; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5 ^ (i * 7));
  write_file(path, bytes);

  sqlite_options options;
  options.path = path;
  std::unique_ptr<sqlite_storage> storage;
  try {
    storage = std::make_unique<sqlite_storage>(options);
  } catch (const storage_failure& e) {
    // Also acceptable: refused at open, as corrupt.
    CHECK(e.code() == errc::corrupt);
    return;
  }
  storage_error error;
  bool called = false;
  storage->get_statuses({.timeline = "home"}, [&](const storage_error& e, std::vector<status>) {
    called = true;
    error = e;
  });
  REQUIRE(called);
  CHECK(error.code() == errc::corrupt);
  CHECK_THAT(error.message(),
             Contains("get_statuses") && Contains(path.string()) && Contains("SQLITE_CORRUPT"));
  called = false;
  storage->put_statuses({"home", put_mode::upsert, make_statuses("n", 0, 5)},
                        [&](const storage_error& e, std::size_t) {
                          called = true;
                          error = e;
                        });
  REQUIRE(called);
  CHECK(error.code() == errc::corrupt);
}

TEST_CASE("a read-only directory is refused, naming the path", "[sqlite][open][errors]") {
  temp_dir dir;
  const auto ro = dir / "ro";
  std::filesystem::create_directory(ro);
  make_store(ro / "existing.db");
  const auto before = read_file(ro / "existing.db");
  // Root may write anywhere; the opener then runs as an unprivileged user.
  std::optional<uid_t> as;
  if (::geteuid() == 0) {
    as = 65534;  // nobody
    ::chmod(dir.path().c_str(), 0755);
  }
  ::chmod(ro.c_str(), 0555);

  for (const auto* name : {"new.db", "existing.db"}) {
    const auto path = ro / name;
    DYNAMIC_SECTION(name) {
      helper_process child({"open", path.string()}, as);
      const auto line = child.read_line();
      CHECK(child.wait() == 0);
      REQUIRE(line);
      INFO(*line);
      CHECK_THAT(*line, Contains("error " + std::to_string(static_cast<int>(errc::io_error))) &&
                            Contains("not writable") && Contains(path.string()));
    }
  }
  ::chmod(ro.c_str(), 0755);
  CHECK_FALSE(std::filesystem::exists(ro / "new.db"));
  CHECK(read_file(ro / "existing.db") == before);
}

TEST_CASE("contradictory limits are a caller error", "[sqlite][open][errors]") {
  sqlite_options options;
  options.path = sqlite_storage::in_memory;
  options.limits.soft_max = 10;
  options.limits.hard_max = 5;
  CHECK_THROWS_AS(sqlite_storage(options), invalid_request);
}
