// The memory backend's change log beyond the conformance suite: what save/load does to
// it, the texts it shares with the statuses, and concurrent writers.
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"

using namespace roost;

namespace {

struct changes_answer {
  storage_error error;
  change_page page;
};

// get_changes on the synchronous memory backend: the callback has run on return.
changes_answer changes(status_storage& s, const std::string& timeline, std::uint64_t since,
                       std::size_t limit = 0) {
  changes_answer out;
  int calls = 0;
  s.get_changes({.timeline = timeline, .since = since, .limit = limit},
                [&](const storage_error& e, change_page page) {
                  out = {e, std::move(page)};
                  ++calls;
                });
  REQUIRE(calls == 1);
  return out;
}

bool is_stale(const changes_answer& a) {
  return a.error.code() == make_error_code(errc::stale_cursor);
}

void put(status_storage& s, const std::string& timeline, put_mode mode,
         std::vector<status> statuses) {
  blocking::put_statuses(s, {.timeline = timeline, .mode = mode, .statuses = std::move(statuses)});
}

}  // namespace

TEST_CASE("memory store load resumes each timeline at its saved revision with an empty log") {
  testing::temp_dir dir;
  memory_storage original;
  put(original, "home", put_mode::insert, {{{"id", "1"}}, {{"id", "2"}}});
  blocking::ack_statuses(original, {.timeline = "home", .ids = std::vector<std::string>{"1"}});
  REQUIRE(blocking::get_revision(original, "home") == 3);
  original.save(dir / "store.json");

  memory_storage copy;
  copy.load(dir / "store.json");
  CHECK(blocking::get_revision(copy, "home") == 3);
  // The log is not saved: a cursor before the loaded revision must resync.
  CHECK(is_stale(changes(copy, "home", 0)));
  CHECK(is_stale(changes(copy, "home", 2)));
  CHECK(is_stale(changes(copy, "home", 4)));
  const auto up_to_date = changes(copy, "home", 3);
  REQUIRE_FALSE(up_to_date.error);
  CHECK(up_to_date.page.changes.empty());
  CHECK(up_to_date.page.last_revision == 3);

  // New changes continue the saved counter and are followed from the loaded revision.
  put(copy, "home", put_mode::insert, {{{"id", "3"}}});
  const auto next = changes(copy, "home", 3);
  REQUIRE_FALSE(next.error);
  REQUIRE(next.page.changes.size() == 1);
  CHECK(next.page.changes[0].revision == 4);
  CHECK(next.page.changes[0].op == change_op::insert);
  CHECK(next.page.changes[0].id == "3");
  CHECK(next.page.last_revision == 4);
}

TEST_CASE("memory store load replaces the change logs held before it") {
  testing::temp_dir dir;
  memory_storage saved;
  put(saved, "home", put_mode::insert, {{{"id", "1"}}});
  saved.save(dir / "store.json");

  memory_storage s;
  put(s, "home", put_mode::insert, {{{"id", "a"}}, {{"id", "b"}}, {{"id", "c"}}});
  s.load(dir / "store.json");
  CHECK(blocking::get_revision(s, "home") == 1);
  CHECK(is_stale(changes(s, "home", 0)));
  CHECK(is_stale(changes(s, "home", 3)));  // a cursor from before the load is ahead now
  CHECK(changes(s, "home", 1).page.changes.empty());
}

TEST_CASE("memory store log keeps each change's text after the status changes again") {
  memory_storage s;
  put(s, "home", put_mode::insert, {{{"id", "a"}, {"text", "one"}}});
  put(s, "home", put_mode::upsert, {{{"id", "a"}, {"text", "two"}}});
  blocking::ack_statuses(s, {.timeline = "home"});
  const auto answer = changes(s, "home", 0);
  REQUIRE_FALSE(answer.error);
  REQUIRE(answer.page.changes.size() == 3);
  CHECK(nlohmann::json::parse(answer.page.changes[0].status_json)["text"] == "one");
  CHECK(nlohmann::json::parse(answer.page.changes[1].status_json)["text"] == "two");
  CHECK_FALSE(is_acked(nlohmann::json::parse(answer.page.changes[1].status_json)));
  CHECK(answer.page.changes[2].op == change_op::ack);
  const auto stored = blocking::get_statuses(s, {.timeline = "home"});
  REQUIRE(stored.size() == 1);
  CHECK(stored[0]["busybird"]["acked_at"] == answer.page.changes[2].acked_at);
}

TEST_CASE(
    "memory store gives concurrent writers consecutive revisions a concurrent reader follows") {
  memory_storage s;
  constexpr int writers = 4;
  constexpr int puts_each = 50;
  constexpr std::uint64_t total = writers * puts_each;

  // The reader follows the feed while the writers write, collecting what it saw; the
  // checks run on this thread afterwards (Catch2 assertions are not thread-safe).
  std::vector<status_change> seen;
  bool reader_failed = false;
  std::thread reader([&] {
    std::uint64_t cursor = 0;
    while (cursor < total && !reader_failed) {
      s.get_changes({.timeline = "shared", .since = cursor, .limit = 7},
                    [&](const storage_error& e, change_page page) {
                      if (e) reader_failed = true;
                      for (auto& c : page.changes) {
                        cursor = c.revision;
                        seen.push_back(std::move(c));
                      }
                    });
    }
  });
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&s, w] {
      for (int i = 0; i < puts_each; ++i)
        put(s, "shared", put_mode::insert, {{{"id", std::to_string(w) + "-" + std::to_string(i)}}});
    });
  for (auto& t : threads) t.join();
  reader.join();

  REQUIRE_FALSE(reader_failed);
  CHECK(blocking::get_revision(s, "shared") == total);
  REQUIRE(seen.size() == total);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].revision == i + 1);
    CHECK(seen[i].op == change_op::insert);
    ids.insert(seen[i].id);
  }
  CHECK(ids.size() == total);
}

TEST_CASE("blocking::get_changes returns the page and throws a stale cursor as storage_failure") {
  memory_storage s;
  put(s, "home", put_mode::insert, {{{"id", "1"}}, {{"id", "2"}}});
  const auto page = blocking::get_changes(s, {.timeline = "home", .since = 1});
  REQUIRE(page.changes.size() == 1);
  CHECK(page.changes[0].revision == 2);
  CHECK(page.changes[0].op == change_op::insert);
  CHECK(page.changes[0].id == "2");
  CHECK(page.last_revision == 2);
  try {
    blocking::get_changes(s, {.timeline = "home", .since = 3});
    FAIL("a cursor ahead of the timeline was answered");
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(errc::stale_cursor));
  }
}
