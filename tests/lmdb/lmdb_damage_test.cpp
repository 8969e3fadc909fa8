// Damaged data files: cut short, emptied, scribbled over. Each is refused at open with
// errc::corrupt and a message naming the file, the process never faults (these tests run
// in-process: a SIGBUS or SIGSEGV would end the test binary), and nothing is written.
// Also read-only opening and check().
#include <fcntl.h>
#include <lmdb++.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "../support/file_damage.hpp"
#include "key_codec.hpp"
#include "lmdb_support.hpp"
#include "records.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

// A store of a few hundred pages: three timelines of statuses of ~1 KB, some acked.
void make_store(const std::filesystem::path& dir) {
  lmdb_storage s(small_options(dir));
  for (const char* timeline : {"home", "work", "日本"}) {
    blocking::put_statuses(s, {timeline, put_mode::insert, make_statuses("s", 0, 300, 1000)});
    blocking::ack_statuses(s, {.timeline = timeline, .max_id = std::string("s100")});
  }
}

std::string open_error(const lmdb_options& options, errc expected) {
  try {
    lmdb_storage s(options);
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(expected));
    return e.what();
  }
  FAIL("the store opened");
  return {};
}

lmdb_options read_only(const std::filesystem::path& dir) {
  auto o = small_options(dir);
  o.read_only = true;
  return o;
}

}  // namespace

TEST_CASE("a data file cut short is refused before LMDB reads a missing page", "[lmdb][damage]") {
  temp_dir dir;
  make_store(dir.path());
  const auto data = dir / "data.mdb";
  const auto full = std::filesystem::file_size(data);
  REQUIRE(full > 200 * 4096);
  std::filesystem::resize_file(data, full / 2);
  const auto before = read_file(data);
  for (const bool ro : {false, true}) {
    for (const bool verify : {true, false}) {
      DYNAMIC_SECTION((ro ? "read-only" : "read-write")
                      << (verify ? ", all pages" : ", length only")) {
        auto options = ro ? read_only(dir.path()) : small_options(dir.path());
        options.verify_pages = verify;
        const auto message = open_error(options, errc::corrupt);
        CHECK_THAT(message, Catch::Contains(data.string()) && Catch::Contains("cut short") &&
                                Catch::Contains(std::to_string(full / 2) + " bytes") &&
                                Catch::Contains("roost check"));
      }
    }
  }
  CHECK(read_file(data) == before);
}

TEST_CASE("an empty data file is refused, not turned into a new store", "[lmdb][damage]") {
  temp_dir dir;
  make_store(dir.path());
  const auto data = dir / "data.mdb";
  std::filesystem::resize_file(data, 0);
  for (const bool ro : {false, true}) {
    DYNAMIC_SECTION((ro ? "read-only" : "read-write")) {
      const auto message =
          open_error(ro ? read_only(dir.path()) : small_options(dir.path()), errc::corrupt);
      CHECK_THAT(message, Catch::Contains(data.string()) && Catch::Contains("empty (0 bytes)"));
    }
  }
  CHECK(std::filesystem::file_size(data) == 0);
}

TEST_CASE("a meta page whose page size LMDB would divide by is refused first", "[lmdb][damage]") {
  // The page size field of each meta page: after the page header (16 bytes) and the meta's
  // magic, version, address and map size (24 bytes). Zero made LMDB's open a SIGFPE.
  for (const std::uint64_t meta_page : {0, 1}) {
    for (const std::uint32_t size : {0u, 3000u, 1u << 20}) {
      DYNAMIC_SECTION("meta page " << meta_page << ", page size " << size) {
        temp_dir dir;
        make_store(dir.path());
        const auto data = dir / "data.mdb";
        write_at(data, meta_page * 4096 + 16 + 24,
                 std::string(reinterpret_cast<const char*>(&size), 4));
        for (const bool ro : {false, true}) {
          const auto message =
              open_error(ro ? read_only(dir.path()) : small_options(dir.path()), errc::corrupt);
          CHECK_THAT(message, Catch::Contains("page size of " + std::to_string(size)));
        }
      }
    }
  }
}

TEST_CASE("garbage over pages in the middle is refused at open", "[lmdb][damage]") {
  temp_dir dir;
  make_store(dir.path());
  const auto data = dir / "data.mdb";
  const auto size = std::filesystem::file_size(data);
  const auto pristine = read_file(data);
  std::vector<status> expected;
  {
    lmdb_storage s(small_options(dir.path()));
    expected = all_statuses(s, "work");
  }
  // 16 KiB of garbage at several places, and garbage that keeps each page's header (so
  // only the node offsets and sizes inside pages are wrong). Garbage over pages that
  // happen to be free is harmless: then the store must read as before.
  int refused = 0;
  for (std::uint32_t k = 1; k <= 16; ++k) {
    const bool keep_headers = k > 8;
    INFO("damage " << k << (keep_headers ? ", page headers kept" : ""));
    std::ofstream(data, std::ios::binary | std::ios::trunc) << pristine;
    const std::uint64_t at = (size / 17 * k) / 4096 * 4096;
    if (keep_headers) {
      for (std::uint64_t page = 0; page < 4; ++page)
        write_at(data, at + page * 4096 + 16,
                 garbage(4096 - 16, k * 7 + static_cast<std::uint32_t>(page)));
    } else {
      write_at(data, at, garbage(16384, k));
    }
    const auto damaged = read_file(data);
    for (const bool ro : {false, true}) {
      try {
        lmdb_storage s(ro ? read_only(dir.path()) : small_options(dir.path()));
        CHECK(all_statuses(s, "work") == expected);
        CHECK(s.check().ok());
      } catch (const storage_failure& e) {
        CHECK(e.code() == make_error_code(errc::corrupt));
        CHECK_THAT(e.what(), Catch::Contains(data.string()) && Catch::Contains("damaged"));
        ++refused;
      }
    }
    CHECK(read_file(data) == damaged);
  }
  // Most of the file is in use: most of the damage must have been found.
  CHECK(refused >= 16);
}

TEST_CASE("a read-only open never creates or writes a store", "[lmdb][damage][read-only]") {
  temp_dir dir;
  SECTION("an empty directory stays empty") {
    const auto message = open_error(read_only(dir.path()), errc::io_error);
    CHECK_THAT(message, Catch::Contains(dir.path().string()) && Catch::Contains("no store here"));
    CHECK(std::filesystem::is_empty(dir.path()));
  }
  SECTION("writes fail and change nothing") {
    make_store(dir.path());
    const auto before = read_file(dir / "data.mdb");
    lmdb_storage s(read_only(dir.path()));
    CHECK(blocking::get_unacked_counts(s, "home").total > 0);
    CHECK(all_statuses(s, "home").size() == 300);
    storage_error error;
    s.put_statuses({"home", put_mode::upsert, make_statuses("n", 0, 2)},
                   [&](const storage_error& e, std::size_t) { error = e; });
    CHECK(error.code() == make_error_code(errc::io_error));
    CHECK_THAT(error.message(), Catch::Contains("read-only"));
    s.ack_statuses({.timeline = "home"}, [&](const storage_error& e, std::size_t) { error = e; });
    CHECK(error.code() == make_error_code(errc::io_error));
    CHECK(read_file(dir / "data.mdb") == before);
  }
  SECTION("a read-only object sharing a writable environment does not write") {
    make_store(dir.path());
    lmdb_storage writer(small_options(dir.path()));
    lmdb_storage reader(read_only(dir.path()));
    storage_error error;
    reader.delete_statuses({.timeline = "home", .selection = delete_selection::all()},
                           [&](const storage_error& e, std::size_t) { error = e; });
    CHECK(error.code() == make_error_code(errc::io_error));
    CHECK(all_statuses(writer, "home").size() == 300);
  }
  SECTION("a writer in the same process cannot join a read-only environment") {
    make_store(dir.path());
    lmdb_storage reader(read_only(dir.path()));
    const auto message = open_error(small_options(dir.path()), errc::internal);
    CHECK_THAT(message, Catch::Contains("read-only"));
  }
}

TEST_CASE("check() reads every page and record of a sound store", "[lmdb][check]") {
  temp_dir dir;
  make_store(dir.path());
  lmdb_storage s(small_options(dir.path()));
  const auto report = s.check();
  for (const auto& p : report.problems) UNSCOPED_INFO(p);
  CHECK(report.ok());
  CHECK(report.timelines == 3);
  CHECK(report.statuses == 900);
  CHECK(report.changes > 900);
  CHECK(report.pages > 200);
}

TEST_CASE("check() finds records that disagree", "[lmdb][check]") {
  temp_dir dir;
  make_store(dir.path());
  // Through plain LMDB: a status record whose document is not JSON, a count that is
  // off, and an order entry pointing nowhere. Structurally the file is sound.
  {
    auto env = lmdb::env::create();
    env.set_max_dbs(8);
    env.open(dir.path().c_str(), 0, 0644);
    auto txn = lmdb::txn::begin(env);
    MDB_dbi statuses = 0, counts = 0, order = 0;
    lmdb::dbi_open(txn, "statuses", 0, &statuses);
    lmdb::dbi_open(txn, "counts", 0, &counts);
    lmdb::dbi_open(txn, "order", 0, &order);
    {
      auto cursor = lmdb::cursor::open(txn, statuses);
      MDB_val k{}, v{};
      REQUIRE(lmdb::cursor_get(cursor, &k, &v, MDB_FIRST));
      const std::string key(static_cast<char*>(k.mv_data), k.mv_size);
      auto record = detail::lmdb_format::decode_status_record(
          std::string_view(static_cast<char*>(v.mv_data), v.mv_size));
      const std::string value = detail::lmdb_format::encode_status_record(
          record.level, record.order_probe, std::string(record.order_key), std::string(record.id),
          "{\"id\": \xff broken");
      cursor.close();
      MDB_val k2{key.size(), const_cast<char*>(key.data())};
      MDB_val v2{value.size(), const_cast<char*>(value.data())};
      lmdb::dbi_put(txn, statuses, &k2, &v2, 0);
    }
    {
      auto cursor = lmdb::cursor::open(txn, counts);
      MDB_val k{}, v{};
      REQUIRE(lmdb::cursor_get(cursor, &k, &v, MDB_FIRST));
      const std::string key(static_cast<char*>(k.mv_data), k.mv_size);
      cursor.close();
      std::string n;
      detail::lmdb_format::append_u64(n, 12345);
      MDB_val k2{key.size(), const_cast<char*>(key.data())};
      MDB_val v2{n.size(), n.data()};
      lmdb::dbi_put(txn, counts, &k2, &v2, 0);
    }
    {
      std::string key = detail::lmdb_format::timeline_prefix(1) + std::string(1, '\0') + "nowhere";
      const std::string value =
          detail::lmdb_format::encode_order_value(0, std::string("\0no such status", 15));
      MDB_val k2{key.size(), key.data()};
      MDB_val v2{value.size(), const_cast<char*>(value.data())};
      lmdb::dbi_put(txn, order, &k2, &v2, 0);
    }
    txn.commit();
  }
  lmdb_storage s(small_options(dir.path()));
  const auto report = s.check();
  REQUIRE_FALSE(report.ok());
  std::string all;
  for (const auto& p : report.problems) all += p + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("the stored document is not a status that could be put"));
  CHECK_THAT(all, Catch::Contains("unacked counts") && Catch::Contains("12345"));
  CHECK_THAT(all, Catch::Contains("points to no status"));
  CHECK_THAT(all, Catch::Contains("order index has 901 entries for 900 statuses"));
}
