// Watchers of unacked counts: when they fire, what they compare, cancellation, which
// changes wake them (and that nothing else does), races between a change and a watch
// being registered, and the multi-timeline watch.
#include <thread>

#include <catch2/catch.hpp>

#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/timeline.hpp"
#include "timeline_support.hpp"

using namespace roost;
using roost::testing::counting_storage;
using roost::testing::make_status;

namespace {

// What a watch callback received. Used with the memory backend, which completes inline,
// so the tests need no waiting.
struct outcome {
  int calls = 0;
  storage_error error;
  unacked_counts counts;
  counts_callback callback() {
    return [this](const storage_error& e, unacked_counts c) {
      ++calls;
      error = e;
      counts = std::move(c);
    };
  }
};

void put(status_storage& s, const std::string& tl, std::vector<status> statuses) {
  blocking::put_statuses(
      s, {.timeline = tl, .mode = put_mode::insert, .statuses = std::move(statuses)});
}

}  // namespace

TEST_CASE("a watch answers at once when the counts already differ") {
  memory_storage storage;
  timeline tl("home", storage);
  put(storage, "home", {make_status("1", 0), make_status("2", 3)});
  outcome o;
  auto handle = tl.watch_unacked_counts({.total = 0}, o.callback());
  REQUIRE(o.calls == 1);
  CHECK_FALSE(o.error);
  CHECK(o.counts.total == 2);
  CHECK(o.counts.at_level(3) == 1);
  CHECK_FALSE(handle.pending());
  CHECK_FALSE(handle.cancel());
  CHECK(o.calls == 1);
}

TEST_CASE("a watch waits while the counts match and fires on the change") {
  memory_storage storage;
  timeline tl("home", storage);
  put(storage, "home", {make_status("1", 0)});
  outcome o;
  auto handle = tl.watch_unacked_counts({.total = 1, .levels = {{0, 1}}}, o.callback());
  CHECK(o.calls == 0);
  CHECK(handle.pending());
  CHECK(tl.pending_watches() == 1);
  put(storage, "home", {make_status("2", 1)});
  REQUIRE(o.calls == 1);
  CHECK(o.counts.total == 2);
  CHECK(tl.pending_watches() == 0);
  // Exactly once: later changes do not call it again.
  put(storage, "home", {make_status("3", 1)});
  CHECK(o.calls == 1);
}

TEST_CASE("only the keys given are compared; a missing level counts as 0") {
  memory_storage storage;
  timeline tl("home", storage);
  put(storage, "home", {make_status("1", 0)});
  outcome level2;
  tl.watch_unacked_counts({.levels = {{2, 0}}}, level2.callback());
  outcome level0;
  tl.watch_unacked_counts({.levels = {{0, 1}}}, level0.callback());
  put(storage, "home", {make_status("2", 1)});  // total changes; levels 0 and 2 do not
  CHECK(level2.calls == 0);
  CHECK(level0.calls == 0);
  put(storage, "home", {make_status("3", 2)});
  CHECK(level2.calls == 1);
  CHECK(level2.counts.at_level(2) == 1);
  CHECK(level0.calls == 0);
  blocking::ack_statuses(storage, {.timeline = "home", .ids = std::vector<std::string>{"1"}});
  CHECK(level0.calls == 1);
  CHECK(level0.counts.at_level(0) == 0);
}

TEST_CASE("a watch that assumes nothing answers at once, also for an unknown timeline") {
  memory_storage storage;
  outcome o, zero;  // before the timeline: its destruction cancels `zero`, calling it
  timeline tl("never written", storage);
  tl.watch_unacked_counts({}, o.callback());
  REQUIRE(o.calls == 1);
  CHECK(o.counts == unacked_counts{});
  tl.watch_unacked_counts({.total = 0}, zero.callback());
  CHECK(zero.calls == 0);
}

TEST_CASE("cancelling a watch calls it back once with errc::cancelled") {
  memory_storage storage;
  timeline tl("home", storage);
  outcome o;
  auto handle = tl.watch_unacked_counts({.total = 0}, o.callback());
  auto copy = handle;
  CHECK(handle.cancel());
  REQUIRE(o.calls == 1);
  CHECK(o.error.code() == errc::cancelled);
  CHECK_FALSE(copy.cancel());
  CHECK_FALSE(copy.pending());
  CHECK(tl.pending_watches() == 0);
  put(storage, "home", {make_status("1")});
  CHECK(o.calls == 1);
  CHECK_FALSE(watch_handle().cancel());
}

TEST_CASE("destroying a timeline cancels its watches") {
  memory_storage storage;
  outcome o;
  {
    timeline tl("home", storage);
    tl.watch_unacked_counts({.total = 0}, o.callback());
  }
  REQUIRE(o.calls == 1);
  CHECK(o.error.code() == errc::cancelled);
  put(storage, "home", {make_status("1")});
  CHECK(o.calls == 1);
}

TEST_CASE("watchers read counts only on changes to their own timeline, once per change") {
  memory_storage memory;
  counting_storage storage(memory);
  std::vector<outcome> outcomes(100);
  outcome o;  // outlives the timelines, whose destruction cancels its watch
  timeline home("home", storage);
  timeline other("other", storage);
  put(storage, "home", {make_status("1")});
  for (auto& o : outcomes) home.watch_unacked_counts({.total = 1}, o.callback());
  const int reads_after_setup = storage.count_reads;
  CHECK(reads_after_setup == 1);  // the first watch read; the others used its fresh counts
  // Changes elsewhere read nothing and wake nobody.
  for (int i = 0; i < 10; ++i) put(storage, "other", {make_status(std::to_string(i))});
  CHECK(storage.count_reads == reads_after_setup);
  // A watcher on "other" is woken by "other" only.
  other.watch_unacked_counts({.total = 10}, o.callback());
  CHECK(o.calls == 0);
  // Reads and no-op writes are not changes.
  blocking::get_statuses(storage, {.timeline = "home"});
  put(storage, "home", {make_status("1")});             // already there: nothing inserted
  CHECK(storage.count_reads == reads_after_setup + 1);  // only the watch on "other" read
  // One change: one read, every watcher answered.
  put(storage, "home", {make_status("2")});
  CHECK(storage.count_reads == reads_after_setup + 2);
  for (const auto& x : outcomes) {
    CHECK(x.calls == 1);
    CHECK(x.counts.total == 2);
  }
  CHECK(o.calls == 0);
}

TEST_CASE("changes through a wrapper or another timeline object wake the watchers") {
  memory_storage memory;
  storage_wrapper wrapper(memory);
  timeline on_memory("home", memory);
  timeline on_wrapper("home", wrapper);
  outcome a, b;
  on_memory.watch_unacked_counts({.total = 0}, a.callback());
  on_wrapper.watch_unacked_counts({.total = 0}, b.callback());
  std::size_t added = 0;
  on_wrapper.add_statuses({make_status("1")},
                          [&](const storage_error&, std::size_t n) { added = n; });
  CHECK(added == 1);
  CHECK(a.calls == 1);
  CHECK(b.calls == 1);
  outcome c;
  on_wrapper.watch_unacked_counts({.total = 1}, c.callback());
  blocking::ack_statuses(memory, {.timeline = "home"});
  CHECK(c.calls == 1);
  CHECK(c.counts.total == 0);
  outcome d;
  on_memory.watch_unacked_counts({.total = 0}, d.callback());
  blocking::delete_statuses(wrapper, {.timeline = "home", .selection = delete_selection::all()});
  CHECK(d.calls == 0);  // deleting acked statuses leaves the unacked counts as they were
  put(memory, "home", {make_status("2")});
  CHECK(d.calls == 1);
}

TEST_CASE("a change racing with a watch being registered is never missed") {
  // The watcher assumes the counts it just read; a writer adds one status at the same
  // time. Whatever the interleaving, the watch must have fired exactly when the final
  // counts differ from what it assumed (the memory backend completes inline, so both
  // threads are done with their callbacks when joined).
  memory_storage storage;
  timeline tl("home", storage);
  for (int round = 0; round < 300; ++round) {
    std::atomic<int> calls{0};
    std::atomic<bool> go{false};
    const auto before = blocking::get_unacked_counts(storage, "home");
    std::thread writer([&] {
      while (!go) {
      }
      put(storage, "home", {make_status("r" + std::to_string(round))});
    });
    unacked_counts assumed;
    watch_handle handle;
    std::thread watcher([&] {
      while (!go) {
      }
      assumed = blocking::get_unacked_counts(storage, "home");
      handle = tl.watch_unacked_counts(assumed_counts::from(assumed),
                                       [&](const storage_error& e, unacked_counts) {
                                         if (!e) ++calls;
                                       });
    });
    go = true;
    writer.join();
    watcher.join();
    const auto after = blocking::get_unacked_counts(storage, "home");
    REQUIRE(after.total == before.total + 1);
    INFO("round " << round << ": assumed total " << assumed.total);
    CHECK(calls == (assumed == after ? 0 : 1));
    handle.cancel();
  }
}

TEST_CASE("many threads watching and changing: every watch fires once") {
  memory_storage storage;
  timeline tl("home", storage);
  constexpr int threads = 4, rounds = 200;
  std::atomic<int> fired{0}, errors{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        const auto now = blocking::get_unacked_counts(storage, "home");
        tl.watch_unacked_counts({.total = now.total}, [&](const storage_error& e, unacked_counts) {
          (e ? errors : fired)++;
        });
        put(storage, "home", {make_status(std::to_string(t) + "-" + std::to_string(i))});
      }
    });
  }
  for (auto& w : workers) w.join();
  // Each watch assumed a total that its own thread's put made stale at the latest.
  CHECK(fired == threads * rounds);
  CHECK(errors == 0);
  CHECK(tl.pending_watches() == 0);
}

TEST_CASE("watch_level_counts: one level across several timelines") {
  memory_storage storage;
  // Declared before the timelines: destroying them cancels pending watches, calling back.
  int calls = 0;
  storage_error error;
  level_counts result;
  timeline home("home", storage), news("news", storage), mail("mail", storage);
  put(storage, "home", {make_status("1", 2)});
  put(storage, "news", {make_status("1", 0)});
  auto callback = [&](const storage_error& e, level_counts r) {
    ++calls;
    error = e;
    result = std::move(r);
  };
  SECTION("waits, then answers with the timeline that changed") {
    auto handle = watch_level_counts(
        {.level = count_level::of(2), .assumed = {{&home, 1}, {&news, 0}, {&mail, 0}}}, callback);
    CHECK(calls == 0);
    put(storage, "news", {make_status("2", 0)});  // level 0: not watched
    CHECK(calls == 0);
    put(storage, "mail", {make_status("1", 2)});
    REQUIRE(calls == 1);
    CHECK_FALSE(error);
    REQUIRE(result.size() == 1);
    CHECK(result.at("mail").total == 1);
    CHECK(home.pending_watches() == 0);
    CHECK(news.pending_watches() == 0);
    CHECK_FALSE(handle.pending());
  }
  SECTION("answers at once with every timeline known to differ") {
    watch_level_counts({.level = count_level::total(), .assumed = {{&mail, 0}}}, callback);
    watch_level_counts({.level = count_level::total(), .assumed = {{&home, 0}, {&news, 0}}},
                       callback);
    REQUIRE(calls == 1);
    // Both differ: "home" is read first and fires; "news" is read before the answer.
    CHECK(result.size() == 2);
    CHECK(result.at("home").total == 1);
    CHECK(result.at("news").total == 1);
    CHECK(mail.pending_watches() == 1);  // the first watch still waits
  }
  SECTION("an empty list answers at once with nothing") {
    watch_level_counts({}, callback);
    CHECK(calls == 1);
    CHECK(result.empty());
  }
  SECTION("cancel") {
    auto handle = watch_level_counts(
        {.level = count_level::total(), .assumed = {{&home, 1}, {&news, 1}}}, callback);
    CHECK(handle.cancel());
    CHECK(calls == 1);
    CHECK(error.code() == errc::cancelled);
    CHECK(home.pending_watches() == 0);
    CHECK(news.pending_watches() == 0);
  }
  SECTION("a destroyed timeline cancels the watch") {
    auto temporary = std::make_unique<timeline>("temp", storage);
    watch_level_counts(
        {.level = count_level::total(), .assumed = {{&home, 1}, {temporary.get(), 0}}}, callback);
    temporary.reset();
    CHECK(calls == 1);
    CHECK(error.code() == errc::cancelled);
    CHECK(home.pending_watches() == 0);
  }
}

TEST_CASE("a watch reports the storage's error when counts cannot be read") {
  memory_storage memory;
  struct broken final : storage_wrapper {
    using storage_wrapper::storage_wrapper;
    void do_get_unacked_counts(std::string, counts_callback done) override {
      done(storage_error(errc::io_error, "disk unplugged"), {});
    }
  } storage(memory);
  timeline tl("home", storage);
  outcome o;
  tl.watch_unacked_counts({.total = 0}, o.callback());
  REQUIRE(o.calls == 1);
  CHECK(o.error.code() == errc::io_error);
  CHECK(o.error.message() == "disk unplugged");
}
