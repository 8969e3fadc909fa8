// Settings in an LMDB store: seen by every storage object and process on the directory,
// kept across reopening, added to a store made before settings existed (read-only opens of
// such a store answer "absent"), and covered by check().
#include <catch2/catch.hpp>

#include <lmdb++.h>

#include "lmdb_support.hpp"
#include "records.hpp"
#include "schema.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
namespace fmt = roost::detail::lmdb_format;

namespace {

lmdb_options read_only_options(const std::filesystem::path& dir) {
  auto o = small_options(dir);
  o.read_only = true;
  return o;
}

// Opens the closed store in `dir` with plain LMDB and runs `body` in a write transaction.
template <typename Body>
void change_from_outside(const std::filesystem::path& dir, Body&& body) {
  auto env = lmdb::env::create();
  env.set_max_dbs(8);
  env.open(dir.c_str(), 0, 0644);
  auto txn = lmdb::txn::begin(env);
  body(txn.handle());
  txn.commit();
}

bool has_settings_table(const std::filesystem::path& dir) {
  auto env = lmdb::env::create();
  env.set_max_dbs(8);
  env.open(dir.c_str(), MDB_RDONLY, 0644);
  auto txn = lmdb::txn::begin(env, nullptr, MDB_RDONLY);
  MDB_dbi dbi = 0;
  return ::mdb_dbi_open(txn, "settings", 0, &dbi) == MDB_SUCCESS;
}

// A store as a program without settings wrote it: one timeline, no settings table.
void make_store_without_settings(const std::filesystem::path& dir) {
  {
    lmdb_storage s(small_options(dir));
    blocking::put_statuses(s, {"home", put_mode::insert, make_statuses("s", 0, 3)});
  }
  change_from_outside(dir, [](MDB_txn* txn) {
    MDB_dbi settings = 0;
    REQUIRE(::mdb_dbi_open(txn, "settings", 0, &settings) == MDB_SUCCESS);
    REQUIRE(::mdb_drop(txn, settings, 1) == MDB_SUCCESS);
  });
  REQUIRE_FALSE(has_settings_table(dir));
}

std::string joined(const store_check_report& report) {
  std::string out;
  for (const auto& p : report.problems) out += p + "\n";
  return out;
}

}  // namespace

TEST_CASE("lmdb: two storage objects on one directory see each other's settings",
          "[lmdb][settings]") {
  temp_dir dir;
  lmdb_storage a(small_options(dir.path()));
  lmdb_storage b(small_options(dir.path()));
  CHECK(blocking::get_setting(b, "auth.tokens").version == 0);
  const auto v1 = blocking::put_setting(a, {.key = "auth.tokens", .value = "t1"});
  const auto seen = blocking::get_setting(b, "auth.tokens");
  CHECK(seen.value == std::optional<std::string>("t1"));
  CHECK(seen.version == v1);
  // b's write, based on what it read, wins; a's stale one then conflicts.
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

TEST_CASE("lmdb: a setting written by another process is seen by an open store",
          "[lmdb][settings][processes]") {
  temp_dir dir;
  lmdb_storage s(small_options(dir.path()));
  const auto v1 = blocking::put_setting(s, {.key = "auth.tokens", .value = "mine"});
  {
    helper_process child(
        {"put-setting", dir.path().string(), "auth.tokens", "theirs", std::to_string(v1)});
    REQUIRE(child.read_line() == "version " + std::to_string(v1 + 1));
    REQUIRE(child.wait() == 0);
  }
  const auto seen = blocking::get_setting(s, "auth.tokens");
  CHECK(seen.value == std::optional<std::string>("theirs"));
  CHECK(seen.version == v1 + 1);
  {
    // The other process's stale write conflicts and changes nothing.
    helper_process child({"put-setting", dir.path().string(), "auth.tokens", "x", "0"});
    REQUIRE(child.read_line() == "error " + std::to_string(static_cast<int>(errc::conflict)));
    REQUIRE(child.wait() == 0);
  }
  CHECK(blocking::get_setting(s, "auth.tokens").value == std::optional<std::string>("theirs"));
}

TEST_CASE("lmdb: settings survive reopening, removals with their version", "[lmdb][settings]") {
  temp_dir dir;
  std::uint64_t kept = 0, removed = 0;
  {
    lmdb_storage s(small_options(dir.path()));
    kept = blocking::put_setting(s, {.key = "kept", .value = std::string("a\0b", 3)});
    const auto v = blocking::put_setting(s, {.key = "gone", .value = "x"});
    removed =
        blocking::put_setting(s, {.key = "gone", .value = std::nullopt, .expected_version = v});
  }
  lmdb_storage s(read_only_options(dir.path()));
  CHECK(blocking::get_setting(s, "kept").value ==
        std::optional<std::string>(std::string("a\0b", 3)));
  CHECK(blocking::get_setting(s, "kept").version == kept);
  CHECK_FALSE(blocking::get_setting(s, "gone").value);
  CHECK(blocking::get_setting(s, "gone").version == removed);
  CHECK(s.check().ok());
}

TEST_CASE("lmdb: a store without the settings table opens read-only and read-write",
          "[lmdb][settings][open]") {
  temp_dir dir;
  make_store_without_settings(dir.path());
  {
    lmdb_storage s(read_only_options(dir.path()));
    const auto absent = blocking::get_setting(s, "auth.tokens");
    CHECK_FALSE(absent.value);
    CHECK(absent.version == 0);
    CHECK(all_statuses(s, "home").size() == 3);
    CHECK(s.check().ok());
    try {
      blocking::put_setting(s, {.key = "auth.tokens", .value = "x"});
      FAIL("a read-only store accepted a write");
    } catch (const storage_failure& e) {
      CHECK(e.code() == make_error_code(errc::io_error));
    }
  }
  REQUIRE_FALSE(has_settings_table(dir.path()));  // the read-only open wrote nothing
  {
    lmdb_storage s(small_options(dir.path()));
    CHECK(blocking::get_setting(s, "auth.tokens").version == 0);
    CHECK(blocking::put_setting(s, {.key = "auth.tokens", .value = "x"}) > 0);
    CHECK(all_statuses(s, "home").size() == 3);
    CHECK(s.check().ok());
  }
  CHECK(has_settings_table(dir.path()));
  require_consistent(dir.path());
}

TEST_CASE("lmdb: check() accepts sound settings and reports damaged records",
          "[lmdb][settings][check]") {
  temp_dir dir;
  {
    lmdb_storage s(small_options(dir.path()));
    blocking::put_statuses(s, {"home", put_mode::insert, make_statuses("s", 0, 2)});
    blocking::put_setting(s, {.key = "good", .value = "v"});
    const auto report = s.check();
    INFO(joined(report));
    CHECK(report.ok());
  }
  change_from_outside(dir.path(), [](MDB_txn* txn) {
    MDB_dbi settings = 0;
    REQUIRE(::mdb_dbi_open(txn, "settings", 0, &settings) == MDB_SUCCESS);
    const auto put = [&](std::string key, std::string value) {
      MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
      REQUIRE(::mdb_put(txn, settings, &k, &v, 0) == MDB_SUCCESS);
    };
    put("short", "abc");                                     // truncated record
    put("Bad Key", fmt::encode_setting_record(1, nullptr));  // invalid key
    const std::string bad_utf8 = "\xff";
    put("bad.utf8", fmt::encode_setting_record(2, &bad_utf8));  // not UTF-8
    const std::string fine = "v";
    put("zero", fmt::encode_setting_record(0, &fine));  // version 0
  });
  lmdb_storage s(small_options(dir.path()));
  const auto report = s.check();
  const auto text = joined(report);
  INFO(text);
  CHECK_FALSE(report.ok());
  CHECK(report.problems.size() == 4);
  CHECK(text.find("\"short\"") != std::string::npos);
  CHECK(text.find("\"Bad Key\"") != std::string::npos);
  CHECK(text.find("\"bad.utf8\"") != std::string::npos);
  CHECK(text.find("\"zero\"") != std::string::npos);
  // A damaged record is a store failure for get_setting, not a crash.
  storage_error error;
  s.get_setting("short", [&](const storage_error& e, setting) { error = e; });
  CHECK(error.code() == make_error_code(errc::corrupt));
}
