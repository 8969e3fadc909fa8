// Opening bad paths: each fails with a clear storage_failure naming the path and the
// problem, and leaves every file as it was.
#include <unistd.h>

#include <fstream>

#include <lmdb++.h>
#include <catch2/catch.hpp>

#include "key_codec.hpp"
#include "lmdb_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

// The storage_failure that opening `options` throws; FAILs when it opens.
storage_failure open_failure(const lmdb_options& options) {
  try {
    lmdb_storage s(options);
  } catch (const storage_failure& e) {
    return e;
  }
  FAIL("the store opened");
  throw std::logic_error("unreachable");
}

// Writes `value` under `key` in the environment's main table or in table `table`.
void raw_put(const std::filesystem::path& dir, const char* table, const std::string& key,
             const std::string& value) {
  auto env = lmdb::env::create();
  env.set_max_dbs(8);
  env.open(dir.c_str(), 0, 0644);
  auto txn = lmdb::txn::begin(env);
  MDB_dbi dbi = 0;
  lmdb::dbi_open(txn, table, table ? MDB_CREATE : 0, &dbi);
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  lmdb::dbi_put(txn, dbi, &k, &v, 0);
  txn.commit();
}

}  // namespace

TEST_CASE("a missing directory is not created", "[lmdb][open]") {
  temp_dir dir;
  const auto missing = dir / "missing";
  const auto e = open_failure(small_options(missing));
  REQUIRE(e.code() == make_error_code(errc::io_error));
  CHECK_THAT(e.what(), Catch::Contains(missing.string()) && Catch::Contains("does not exist"));
  REQUIRE_FALSE(std::filesystem::exists(missing));
}

TEST_CASE("a file is not a store", "[lmdb][open]") {
  temp_dir dir;
  const auto file = dir / "file";
  std::ofstream(file) << "some text";
  const auto e = open_failure(small_options(file));
  REQUIRE(e.code() == make_error_code(errc::corrupt));
  CHECK_THAT(e.what(), Catch::Contains(file.string()) && Catch::Contains("not a directory"));
  REQUIRE(read_file(file) == "some text");
}

TEST_CASE("a directory whose data.mdb is not LMDB is refused untouched", "[lmdb][open]") {
  temp_dir dir;
  const std::string garbage(16384, 'g');
  std::ofstream(dir / "data.mdb", std::ios::binary) << garbage;
  const auto e = open_failure(small_options(dir.path()));
  REQUIRE(e.code() == make_error_code(errc::corrupt));
  CHECK_THAT(e.what(), Catch::Contains(dir.path().string()) && Catch::Contains("MDB_INVALID") &&
                           Catch::Contains("not an LMDB environment"));
  REQUIRE(read_file(dir / "data.mdb") == garbage);
}

TEST_CASE("an LMDB environment holding other data is not a Roost store", "[lmdb][open]") {
  temp_dir dir;
  SECTION("plain keys in the main table") { raw_put(dir.path(), nullptr, "hello", "world"); }
  SECTION("a table named meta without a format version") { raw_put(dir.path(), "meta", "x", "y"); }
  const auto before = read_file(dir / "data.mdb");
  const auto e = open_failure(small_options(dir.path()));
  REQUIRE(e.code() == make_error_code(errc::corrupt));
  CHECK_THAT(e.what(),
             Catch::Contains(dir.path().string()) && Catch::Contains("not a Roost store"));
  REQUIRE(read_file(dir / "data.mdb") == before);
}

TEST_CASE("a store of a newer format version is refused untouched", "[lmdb][open]") {
  temp_dir dir;
  {
    lmdb_storage s(small_options(dir.path()));
    REQUIRE(blocking::put_statuses(s, {"t", put_mode::insert, make_statuses("s", 0, 3)}) == 3);
  }
  std::string version;
  detail::lmdb_format::append_u32(version, detail::lmdb_format::format_version + 1);
  raw_put(dir.path(), "meta", "format_version", version);
  const auto before = read_file(dir / "data.mdb");
  const auto e = open_failure(small_options(dir.path()));
  REQUIRE(e.code() == make_error_code(errc::unsupported));
  CHECK_THAT(e.what(), Catch::Contains(dir.path().string()) && Catch::Contains("newer"));
  REQUIRE(read_file(dir / "data.mdb") == before);
}

TEST_CASE("a read-only directory is refused with nothing created", "[lmdb][open]") {
  temp_dir dir;
  const auto locked = dir / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(
      locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                  std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                  std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  // Root ignores permissions: open from a child process running as nobody then.
  std::optional<uid_t> as;
  if (::geteuid() == 0) as = 65534;
  helper_process child({"open", locked.string()}, as);
  const auto line = child.read_line();
  REQUIRE(line);
  CHECK_THAT(*line,
             Catch::StartsWith("error " + std::to_string(static_cast<int>(errc::io_error))) &&
                 Catch::Contains(locked.string()) && Catch::Contains("not writable"));
  REQUIRE(child.wait() == 0);
  REQUIRE(std::filesystem::is_empty(locked));
}
