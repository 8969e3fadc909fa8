// Store failures: a full disk and a failing fsync at every point of a write reach the
// callback as errors with SQLite's message, and leave the store as it was and consistent.
// Also: what each durability setting costs in fsyncs.
#include <catch2/catch.hpp>

#include "fault_vfs.hpp"
#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
using Catch::Matchers::Contains;

namespace {

// Everything a caller can see of a timeline, its change log included: a failed write
// must neither log nor prune anything.
struct snapshot {
  std::vector<std::string> texts;
  unacked_counts counts;
  std::uint64_t revision = 0;
  std::vector<status_change> log;
  bool operator==(const snapshot&) const = default;
};

// `retention`: the store's change_retention, to read the whole retained log.
snapshot take(status_storage& s, const std::string& timeline,
              std::size_t retention = storage_limits{}.change_retention) {
  const auto revision = blocking::get_revision(s, timeline);
  return {blocking::get_status_texts(s, {.timeline = timeline, .count = status_count::all()}),
          blocking::get_unacked_counts(s, timeline), revision,
          all_changes(s, timeline, revision > retention ? revision - retention : 0)};
}

// One write of each kind, each big enough to need several pages.
struct write_kind {
  const char* name;
  std::function<void(status_storage&, count_callback)> run;
};

std::vector<write_kind> writes(int round) {
  const auto prefix = "n" + std::to_string(round) + "-";
  return {
      {"put",
       [prefix](status_storage& s, count_callback done) {
         s.put_statuses({"t", put_mode::upsert, make_statuses(prefix, 0, 30, 900)},
                        std::move(done));
       }},
      {"ack", [](status_storage& s,
                 count_callback done) { s.ack_statuses({.timeline = "t"}, std::move(done)); }},
      {"delete",
       [](status_storage& s, count_callback done) {
         s.delete_statuses({"t", delete_selection::all()}, std::move(done));
       }},
  };
}

}  // namespace

TEST_CASE("a full disk fails the write, with SQLite's message, and changes nothing",
          "[sqlite][faults]") {
  fault_vfs::install();
  temp_dir dir;
  auto options = file_options(dir);
  options.vfs = fault_vfs::name;
  options.limits.soft_max = 0;
  // Small enough that most writes also prune the change log: that must roll back too.
  options.limits.change_retention = 100;
  options.reclaim_space = false;
  sqlite_storage storage(options);

  int failed = 0, round = 0;
  for (const std::int64_t budget : {0, 1, 2, 3, 5, 8, 13, 21}) {
    for (const auto& kind : writes(++round)) {
      // Fresh unacked statuses for every attempt, so that each write has work to do.
      blocking::put_statuses(storage, {"t", put_mode::upsert, make_statuses("s", 0, 40, 700)});
      const auto before = take(storage, "t", 100);
      REQUIRE(before.log.size() == std::min<std::uint64_t>(before.revision, 100));
      std::optional<storage_error> error;
      fault_vfs::fail_writes_after(budget);
      kind.run(storage, [&](const storage_error& e, std::size_t) { error = e; });
      const bool injected = fault_vfs::failures() > 0;
      fault_vfs::heal();
      INFO(kind.name << " with " << budget << " writes allowed");
      REQUIRE(error);  // the callback ran before the call returned
      if (!*error) {
        CHECK_FALSE(injected);
        continue;  // the write fit in the budget
      }
      ++failed;
      CHECK(error->code() == errc::io_error);
      CHECK_THAT(error->message(), Contains("database or disk is full") &&
                                       Contains("SQLITE_FULL") && Contains(options.path.string()));
      CHECK(take(storage, "t", 100) == before);
      require_consistent(options.path);
    }
  }
  CHECK(failed >= 6);
  // The store keeps working afterwards.
  CHECK(blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("after", 0, 3)}) ==
        3);
  require_consistent(options.path);
}

TEST_CASE("a full disk in the middle of a large transaction changes nothing", "[sqlite][faults]") {
  fault_vfs::install();
  temp_dir dir;
  auto options = file_options(dir);
  options.vfs = fault_vfs::name;
  options.limits.soft_max = 0;
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("s", 0, 10)});
  const auto before = take(storage, "t");

  // More than SQLite's page cache holds, so pages are written (and fail) before COMMIT.
  std::optional<storage_error> error;
  fault_vfs::fail_writes_after(20);
  storage.put_statuses({"t", put_mode::insert, make_statuses("big", 0, 4000, 1000)},
                       [&](const storage_error& e, std::size_t) { error = e; });
  fault_vfs::heal();
  REQUIRE(error);
  CHECK(error->code() == errc::io_error);
  CHECK_THAT(error->message(), Contains("SQLITE_FULL"));
  CHECK_THAT(error->message(), !Contains("COMMIT"));
  CHECK(take(storage, "t") == before);
  require_consistent(options.path);
  CHECK(blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("x", 0, 5)}) == 5);
}

TEST_CASE("a failing fsync fails the write and changes nothing", "[sqlite][faults]") {
  fault_vfs::install();
  temp_dir dir;
  auto options = file_options(dir);
  options.vfs = fault_vfs::name;
  options.durability = sqlite_durability::full;
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("s", 0, 10)});
  const auto before = take(storage, "t");

  std::optional<storage_error> error;
  fault_vfs::fail_syncs_after(0);
  storage.put_statuses({"t", put_mode::insert, make_statuses("x", 0, 5)},
                       [&](const storage_error& e, std::size_t) { error = e; });
  fault_vfs::heal();
  REQUIRE(error);
  CHECK(error->code() == errc::io_error);
  CHECK_THAT(error->message(), Contains("SQLITE_IOERR") && Contains("put_statuses"));
  CHECK(take(storage, "t") == before);
  require_consistent(options.path);
}

TEST_CASE("durability full syncs every commit, normal none", "[sqlite][faults]") {
  fault_vfs::install();
  temp_dir dir;
  auto options = file_options(dir);
  options.vfs = fault_vfs::name;
  options.durability = GENERATE(sqlite_durability::normal, sqlite_durability::full);
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("warm", 0, 1)});
  fault_vfs::reset_sync_count();
  for (int i = 0; i < 10; ++i)
    blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("s", i, 1)});
  if (options.durability == sqlite_durability::full)
    CHECK(fault_vfs::sync_count() >= 10);
  else
    CHECK(fault_vfs::sync_count() == 0);
}
