// timeline::add_statuses: filters (synchronous, asynchronous, failing), generated ids
// and created_at, and the ready-made filters.
#include <condition_variable>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/timeline.hpp"
#include "timeline_support.hpp"

using namespace roost;
using roost::testing::make_status;

namespace {

struct add_result {
  int calls = 0;
  storage_error error;
  std::size_t count = 0;
};

// Adds synchronously (the memory backend and synchronous filters complete inline).
add_result add(const timeline& tl, std::vector<status> statuses) {
  add_result r;
  tl.add_statuses(std::move(statuses), [&](const storage_error& e, std::size_t n) {
    ++r.calls;
    r.error = e;
    r.count = n;
  });
  return r;
}

std::vector<status> all(status_storage& s, const std::string& name) {
  return blocking::get_statuses(s, {.timeline = name, .count = status_count::all()});
}

}  // namespace

TEST_CASE("add_statuses without filters gives ids and created_at, then inserts") {
  memory_storage storage;
  timeline tl("home", storage);
  auto r = add(tl, {{{"text", "a"}}, {{"text", "b"}}, make_status("given")});
  REQUIRE(r.calls == 1);
  REQUIRE_FALSE(r.error);
  CHECK(r.count == 3);
  auto stored = all(storage, "home");
  REQUIRE(stored.size() == 3);
  for (const auto& s : stored) {
    CHECK(s.contains("id"));
    CHECK(status_created_at(s).has_value());
    // Generated times are Twitter style, as every timestamp Roost writes.
    CHECK(s["created_at"].get<std::string>().find("+0000") != std::string::npos);
  }
  // The given id is kept; generated ones sort in creation order ("b" after "a").
  std::string id_a, id_b;
  for (const auto& s : stored) {
    if (s.value("text", "") == "a") id_a = s["id"];
    if (s.value("text", "") == "b") id_b = s["id"];
  }
  CHECK(id_a < id_b);
  CHECK(blocking::contains(storage, {.timeline = "home", .query = {"given"}}).contained.size() ==
        1);
}

TEST_CASE("add_statuses keeps a given created_at and skips ids already present") {
  memory_storage storage;
  timeline tl("home", storage);
  status s = make_status("1");
  s["created_at"] = "2013-05-16T12:56:23Z";
  REQUIRE(add(tl, {s}).count == 1);
  CHECK(all(storage, "home").at(0)["created_at"] == "2013-05-16T12:56:23Z");
  CHECK(add(tl, {s, make_status("2")}).count == 1);  // insert: "1" is skipped
}

TEST_CASE("add_statuses rejects caller mistakes before running anything") {
  memory_storage storage;
  timeline tl("home", storage);
  int filter_runs = 0;
  tl.add_filter([&](std::vector<status> b) {
    ++filter_runs;
    return b;
  });
  int calls = 0;
  auto cb = [&](const storage_error&, std::size_t) { ++calls; };
  CHECK_THROWS_AS(tl.add_statuses({nlohmann::json::array()}, cb), invalid_request);
  CHECK_THROWS_AS(tl.add_statuses({{{"busybird", {{"level", "high"}}}}}, cb), invalid_request);
  CHECK_THROWS_AS(tl.add_statuses({{{"created_at", "yesterday"}}}, cb), invalid_request);
  CHECK_THROWS_AS(tl.add_statuses({{{"id", 1.5}}}, cb), invalid_request);
  CHECK(calls == 0);
  CHECK(filter_runs == 0);
  CHECK_THROWS_AS(timeline("", storage), invalid_request);
}

TEST_CASE("filters run in order and may change, drop and add statuses") {
  memory_storage storage;
  timeline tl("home", storage);
  std::vector<std::string> order;
  tl.add_filter([&](std::vector<status> b) {
    order.push_back("sync 1");
    b.push_back(make_status("added"));
    return b;
  });
  tl.add_async_filter([&](std::vector<status> b, filter_done done) {
    order.push_back("async 2");
    for (auto& s : b) s["seen_by_async"] = true;
    done({}, std::move(b));
  });
  tl.add_filter(filters::grep([](const status& s) { return s.value("text", "") != "drop me"; }));
  tl.add_filter([&](std::vector<status> b) {
    order.push_back("sync 4");
    return b;
  });
  auto r = add(tl, {make_status("1"), {{"id", "2"}, {"text", "drop me"}}});
  REQUIRE_FALSE(r.error);
  CHECK(r.count == 2);
  CHECK(order == std::vector<std::string>{"sync 1", "async 2", "sync 4"});
  auto stored = all(storage, "home");
  REQUIRE(stored.size() == 2);
  for (const auto& s : stored) CHECK(s["seen_by_async"] == true);
}

TEST_CASE("an asynchronous filter may complete later on another thread") {
  memory_storage storage;
  timeline tl("home", storage);
  std::thread worker;
  tl.add_async_filter([&](std::vector<status> b, filter_done done) {
    worker = std::thread([b = std::move(b), done = std::move(done)]() mutable {
      for (auto& s : b) s["busybird"]["level"] = 7;
      done({}, std::move(b));
      done(filter_error("ignored second call"), {});  // exactly once: ignored
    });
  });
  std::mutex m;
  std::condition_variable cv;
  int calls = 0;
  storage_error error;
  tl.add_statuses({make_status("1")}, [&](const storage_error& e, std::size_t) {
    std::lock_guard lock(m);
    ++calls;
    error = e;
    cv.notify_all();
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return calls > 0; });
  }
  worker.join();
  CHECK(calls == 1);
  CHECK_FALSE(error);
  CHECK(blocking::get_unacked_counts(storage, "home").at_level(7) == 1);
}

TEST_CASE("a failing filter fails the add with its message and stores nothing") {
  memory_storage storage;
  timeline tl("home", storage);
  bool later_ran = false;
  SECTION("a synchronous filter throws") {
    tl.add_filter(
        [](std::vector<status>) -> std::vector<status> { throw std::runtime_error("no thanks"); });
  }
  SECTION("an asynchronous filter reports an error") {
    tl.add_async_filter(
        [](std::vector<status>, filter_done done) { done(filter_error("spam detected"), {}); });
  }
  SECTION("an asynchronous filter throws") {
    tl.add_async_filter(
        [](std::vector<status>, filter_done) { throw std::runtime_error("filter exploded"); });
  }
  SECTION("an asynchronous filter reports a store error of its own") {
    tl.add_async_filter([](std::vector<status>, filter_done done) {
      done(storage_error(errc::io_error, "lookup table unreadable"), {});
    });
  }
  tl.add_filter([&](std::vector<status> b) {
    later_ran = true;
    return b;
  });
  auto r = add(tl, {make_status("1")});
  REQUIRE(r.calls == 1);
  REQUIRE(r.error);
  CHECK(r.error.code() == timeline_errc::filter_failed);
  CHECK(r.error.message().rfind("filter 1 failed: ", 0) == 0);
  const bool names_cause = r.error.message().find("no thanks") != std::string::npos ||
                           r.error.message().find("spam detected") != std::string::npos ||
                           r.error.message().find("filter exploded") != std::string::npos ||
                           r.error.message().find("lookup table unreadable") != std::string::npos;
  CHECK(names_cause);
  CHECK(r.count == 0);
  CHECK_FALSE(later_ran);
  CHECK(all(storage, "home").empty());
  CHECK(blocking::get_revision(storage, "home") == 0);
}

TEST_CASE("a filter that returns something unstorable fails with invalid_status") {
  memory_storage storage;
  timeline tl("home", storage);
  SECTION("not an object") {
    tl.add_filter([](std::vector<status> b) {
      b.push_back(42);
      return b;
    });
  }
  SECTION("a bad level") {
    tl.add_filter(filters::map([](status& s) { s["busybird"]["level"] = "very"; }));
  }
  auto r = add(tl, {make_status("1")});
  REQUIRE(r.calls == 1);
  CHECK(r.error.code() == timeline_errc::invalid_status);
  CHECK_FALSE(r.error.message().empty());
  CHECK(all(storage, "home").empty());
}

TEST_CASE("a filter that drops everything stores nothing and counts 0") {
  memory_storage storage;
  timeline tl("home", storage);
  tl.add_filter(filters::grep([](const status&) { return false; }));
  auto r = add(tl, {make_status("1")});
  CHECK_FALSE(r.error);
  CHECK(r.count == 0);
  CHECK(blocking::get_revision(storage, "home") == 0);
}

TEST_CASE("ready-made filters: map, grep, set_level, as_async") {
  memory_storage storage;
  timeline tl("home", storage);
  tl.add_filter(filters::map([](status& s) { s["text"] = "[feed] " + s.value("text", ""); }));
  tl.add_filter(filters::grep(
      [](const status& s) { return s.value("text", "").find("boring") == std::string::npos; }));
  tl.add_async_filter(
      filters::as_async(filters::set_level([](const status& s) -> std::optional<std::int64_t> {
        if (s.value("text", "").find("urgent") != std::string::npos) return 5;
        return std::nullopt;
      })));
  auto r = add(tl, {{{"id", "1"}, {"text", "urgent: disk full"}},
                    {{"id", "2"}, {"text", "boring news"}},
                    {{"id", "3"}, {"text", "hello"}, {"busybird", {{"level", 2}}}}});
  REQUIRE_FALSE(r.error);
  CHECK(r.count == 2);
  auto counts = blocking::get_unacked_counts(storage, "home");
  CHECK(counts.total == 2);
  CHECK(counts.at_level(5) == 1);
  CHECK(counts.at_level(2) == 1);  // no rule matched: level kept
  for (const auto& s : all(storage, "home"))
    CHECK(s["text"].get<std::string>().rfind("[feed] ", 0) == 0);
}

TEST_CASE("timelines of one storage are independent and movable") {
  memory_storage storage;
  timeline a("a", storage);
  timeline b("b", storage);
  a.add_filter(filters::map([](status& s) { s["via"] = "a"; }));
  REQUIRE(add(a, {make_status("1")}).count == 1);
  REQUIRE(add(b, {make_status("1")}).count == 1);
  CHECK_FALSE(all(storage, "b").at(0).contains("via"));
  timeline moved(std::move(a));
  CHECK(moved.name() == "a");
  CHECK(add(moved, {make_status("2")}).count == 1);
  CHECK(all(storage, "a").at(0)["via"] == "a");
}
