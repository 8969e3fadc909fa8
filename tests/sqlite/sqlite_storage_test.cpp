// Behaviour beyond the conformance suite: persistence across reopen, threads, two store
// objects on one file, lock timeouts, space reclamation and vacuum().
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> ids_of(const std::vector<status>& statuses) {
  std::vector<std::string> ids;
  for (const auto& s : statuses) ids.push_back(s["id"].get<std::string>());
  return ids;
}

std::vector<std::string> all_ids(status_storage& s, const std::string& timeline) {
  return ids_of(blocking::get_statuses(s, {.timeline = timeline, .count = status_count::all()}));
}

}  // namespace

TEST_CASE("everything survives closing and reopening", "[sqlite]") {
  temp_dir dir;
  const auto options = file_options(dir);
  std::vector<std::string> home, work;
  unacked_counts counts;
  std::uint64_t revision = 0;
  {
    sqlite_storage storage(options);
    blocking::put_statuses(storage, {"home", put_mode::insert, make_statuses("h", 0, 30)});
    blocking::put_statuses(storage, {"work", put_mode::insert, make_statuses("w", 0, 10)});
    blocking::ack_statuses(storage, {.timeline = "home", .max_id = "h10"});
    blocking::delete_statuses(storage, {"home", delete_selection::ids({"h3", "h20"})});
    home = all_ids(storage, "home");
    work = all_ids(storage, "work");
    counts = blocking::get_unacked_counts(storage, "home");
    revision = blocking::get_revision(storage, "home");
    CHECK(revision == 30 + 11 + 2);  // one revision per status changed
  }
  sqlite_storage storage(options);
  CHECK(all_ids(storage, "home") == home);
  CHECK(all_ids(storage, "work") == work);
  CHECK(blocking::get_unacked_counts(storage, "home") == counts);
  CHECK(blocking::timeline_names(storage) == std::vector<std::string>{"home", "work"});
  CHECK(blocking::get_revision(storage, "home") == revision);

  SECTION("the revision keeps growing after reopening and after deleting everything") {
    CHECK(blocking::delete_statuses(storage, {"home", delete_selection::all()}) == 28);
    CHECK(blocking::get_revision(storage, "home") == revision + 28);
    blocking::put_statuses(storage, {"home", put_mode::insert, make_statuses("n", 0, 1)});
    CHECK(blocking::get_revision(storage, "home") == revision + 29);
    CHECK(blocking::timeline_names(storage) == std::vector<std::string>{"home", "work"});
  }
  require_consistent(options.path);
}

TEST_CASE("ids and timeline names are kept byte for byte", "[sqlite]") {
  sqlite_options options;
  options.path = sqlite_storage::in_memory;
  sqlite_storage storage(options);
  const std::string nul_id("a\0b", 3);
  const std::vector<std::string> odd = {"https://example.com/a?b=c", "with space", "ü",
                                        std::string("\x7F"),         nul_id,       "a"};
  std::vector<status> statuses;
  for (const auto& id : odd) statuses.push_back(make_status(id));
  const std::string name = std::string("time\0line", 9) + " ☃";
  CHECK(blocking::put_statuses(storage, {name, put_mode::insert, statuses}) == odd.size());
  for (const auto& id : odd) {
    const auto got = blocking::get_statuses(
        storage, {.timeline = name, .max_id = id, .count = status_count::of(1)});
    REQUIRE(got.size() == 1);
    CHECK(got[0]["id"].get<std::string>() == id);
  }
  CHECK(blocking::timeline_names(storage) == std::vector<std::string>{name});
  CHECK(blocking::get_statuses(storage,
                               {.timeline = std::string("time"), .count = status_count::all()})
            .empty());
}

TEST_CASE("concurrent calls from several threads", "[sqlite][threads]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  // A file with a reader pool, a file whose reads share the writer, and ":memory:".
  const int layout = GENERATE(0, 1, 2);
  INFO("layout " << layout);
  if (layout == 1) options.reader_connections = 0;
  const bool in_memory = layout == 2;
  if (in_memory) options.path = sqlite_storage::in_memory;
  sqlite_storage storage(options);

  constexpr int writers = 3, readers = 2, puts_each = 60;
  std::atomic<int> errors{0}, reads{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      // Start once both readers run, so that reads and writes overlap however the
      // threads get scheduled.
      while (reads < readers) std::this_thread::yield();
      for (int i = 0; i < puts_each; ++i) {
        const auto prefix = "w" + std::to_string(w) + "-";
        storage.put_statuses({"shared", put_mode::insert, make_statuses(prefix, i, 1)},
                             [&](const storage_error& e, std::size_t n) {
                               if (e || n != 1) ++errors;
                             });
        if (i % 5 == 0)
          storage.ack_statuses(
              {.timeline = "shared", .ids = std::vector<std::string>{prefix + std::to_string(i)}},
              [&](const storage_error& e, std::size_t) {
                if (e) ++errors;
              });
      }
    });
  }
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&] {
      // Reads run alongside the writes; each page must be a consistent snapshot.
      do {
        storage.get_statuses(
            {.timeline = "shared", .state = ack_state::unacked, .count = status_count::all()},
            [&](const storage_error& e, std::vector<status> page) {
              if (e) ++errors;
              for (const auto& s : page)
                if (is_acked(s)) ++errors;
            });
        storage.get_unacked_counts("shared", [&](const storage_error& e, unacked_counts) {
          if (e) ++errors;
        });
        ++reads;
      } while (!stop);
    });
  }
  for (int w = 0; w < writers; ++w) threads[static_cast<std::size_t>(w)].join();
  stop = true;
  for (std::size_t t = writers; t < threads.size(); ++t) threads[t].join();

  CHECK(errors == 0);
  CHECK(all_ids(storage, "shared").size() == writers * puts_each);
  const auto counts = blocking::get_unacked_counts(storage, "shared");
  CHECK(counts.total == writers * (puts_each - puts_each / 5));
  // One revision per status put and per status acked.
  CHECK(blocking::get_revision(storage, "shared") == writers * (puts_each + puts_each / 5));
  if (!in_memory) require_consistent(options.path);
}

TEST_CASE("a callback may call back into the storage", "[sqlite][threads]") {
  sqlite_options options;
  options.path = sqlite_storage::in_memory;
  sqlite_storage storage(options);
  bool inner_called = false;
  storage.put_statuses(
      {"t", put_mode::insert, make_statuses("a", 0, 2)}, [&](const storage_error& e, std::size_t) {
        REQUIRE_FALSE(e);
        storage.get_unacked_counts("t", [&](const storage_error& e2, unacked_counts c) {
          REQUIRE_FALSE(e2);
          CHECK(c.total == 2);
          inner_called = true;
        });
      });
  CHECK(inner_called);
}

TEST_CASE("two store objects on one file see each other's writes", "[sqlite][processes]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  sqlite_storage a(options);
  sqlite_storage b(options);

  blocking::put_statuses(a, {"t", put_mode::insert, make_statuses("a", 0, 5)});
  CHECK(all_ids(b, "t").size() == 5);
  blocking::ack_statuses(b, {.timeline = "t", .max_id = "a2"});
  CHECK(blocking::get_unacked_counts(a, "t").total == 2);
  CHECK(blocking::get_revision(a, "t") == 5 + 3);

  // Both writing at once: every write is kept.
  std::thread other([&] {
    for (int i = 0; i < 50; ++i)
      blocking::put_statuses(b, {"t", put_mode::insert, make_statuses("b", i, 1)});
  });
  for (int i = 0; i < 50; ++i)
    blocking::put_statuses(a, {"t", put_mode::insert, make_statuses("c", i, 1)});
  other.join();
  CHECK(all_ids(a, "t").size() == 105);
  CHECK(all_ids(b, "t").size() == 105);
  CHECK(blocking::get_revision(b, "t") == 108);
  require_consistent(options.path);
}

TEST_CASE("a lock held too long gives errc::busy after the retries, not a hang",
          "[sqlite][errors]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.busy_timeout = std::chrono::milliseconds(20);
  options.busy_retries = 2;
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("a", 0, 3)});

  raw_db other(options.path);
  other.exec("BEGIN IMMEDIATE");
  storage_error error;
  std::size_t changed = 99;
  const auto started = std::chrono::steady_clock::now();
  storage.put_statuses({"t", put_mode::insert, make_statuses("b", 0, 3)},
                       [&](const storage_error& e, std::size_t n) {
                         error = e;
                         changed = n;
                       });
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(error.code() == errc::busy);
  CHECK_THAT(error.message(), Contains("put_statuses") && Contains("database is locked") &&
                                  Contains(options.path.string()));
  CHECK(changed == 0);
  // Three attempts of 20 ms each; far below this bound, but a hang would not be.
  CHECK(waited >= std::chrono::milliseconds(60));
  CHECK(waited < std::chrono::seconds(5));
  // Reads are not blocked by a writer (WAL).
  CHECK(all_ids(storage, "t").size() == 3);

  other.exec("ROLLBACK");
  CHECK(blocking::put_statuses(storage, {"t", put_mode::insert, make_statuses("b", 0, 3)}) == 3);
}

TEST_CASE("deleted space goes back to the file system", "[sqlite][space]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  // The change log keeps a copy of each status put: keep it short, so that what is
  // measured is the space of the statuses.
  options.limits.change_retention = 50;
  options.reclaim_space = GENERATE(true, false);
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"keep", put_mode::insert, make_statuses("k", 0, 10, 500)});
  for (int i = 0; i < 20; ++i)
    blocking::put_statuses(storage,
                           {"big", put_mode::insert, make_statuses("b", i * 100, 100, 1000)});

  raw_db db(options.path);
  const auto full_pages = db.integer("PRAGMA page_count");
  CHECK(full_pages > 500);
  CHECK(blocking::delete_statuses(storage, {"big", delete_selection::all()}) == 2000);
  const auto after_delete = db.integer("PRAGMA page_count");
  if (options.reclaim_space) {
    CHECK(after_delete < full_pages / 5);
    CHECK(db.integer("PRAGMA freelist_count") * 4096 <= (1 << 20));
  } else {
    CHECK(after_delete == full_pages);
    CHECK(db.integer("PRAGMA freelist_count") > full_pages / 2);
  }
  storage.vacuum();
  CHECK(db.integer("PRAGMA page_count") < full_pages / 5);
  CHECK(db.integer("PRAGMA freelist_count") == 0);
  // After the WAL is folded back, the file itself is small.
  CHECK(std::filesystem::file_size(options.path) <
        static_cast<std::uintmax_t>(full_pages) * 4096 / 5);
  CHECK(all_ids(storage, "keep").size() == 10);
  require_consistent(options.path);
}

TEST_CASE("truncation frees space too", "[sqlite][space]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 100;
  options.limits.change_retention = 50;  // the log keeps copies too; see the test above
  sqlite_storage storage(options);
  for (int i = 0; i < 30; ++i)
    blocking::put_statuses(storage,
                           {"t", put_mode::insert, make_statuses("s", i * 100, 100, 1000)});
  CHECK(all_ids(storage, "t").size() <= 120);
  raw_db db(options.path);
  CHECK(db.integer("PRAGMA page_count") < 400);
  require_consistent(options.path);
}
