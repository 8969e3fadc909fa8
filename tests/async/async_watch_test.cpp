// Watchers and adds through roost::asio: coroutines awaiting the next change,
// cancellation through cancellation slots, many watchers woken by one change, the
// multi-timeline watch, and completion on the right executor.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include "async_support.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/offloading_storage.hpp"

namespace net = boost::asio;
using namespace roost;
using roost::asio::async_storage;
using roost::asio::async_timeline;
using roost::testing::event_signal;
using roost::testing::io_threads;

namespace {

status make_status(const std::string& id, std::int64_t level = 0) {
  return {{"id", id}, {"busybird", {{"level", level}}}};
}

}  // namespace

TEST_CASE("a coroutine co_awaits the next change of the unacked counts") {
  memory_storage storage;
  timeline tl("home", storage);
  net::io_context io;
  async_timeline watched(io, tl);
  std::vector<std::string> log;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        unacked_counts known;
        for (int i = 0; i < 3; ++i) {
          known = co_await watched.async_watch_unacked_counts(assumed_counts::from(known),
                                                              net::use_awaitable);
          log.push_back("total " + std::to_string(known.total));
        }
      },
      net::detached);
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
          // Built outside the co_await: GCC 12 mis-compiles braced lists inside it.
          std::vector<status> one{make_status(std::to_string(i))};
          co_await watched.async_add_statuses(std::move(one), net::use_awaitable);
          // Let the watcher see this change before the next one.
          co_await net::post(io, net::use_awaitable);
        }
      },
      net::detached);
  io.run();
  CHECK(log == std::vector<std::string>{"total 1", "total 2", "total 3"});
  CHECK(tl.pending_watches() == 0);
}

TEST_CASE("an immediate answer is still posted, never run inside the call") {
  memory_storage storage;
  timeline tl("home", storage);
  net::io_context io;
  async_timeline watched(io, tl);
  bool ran = false;
  watched.async_watch_unacked_counts({}, [&](boost::system::error_code ec, unacked_counts) {
    CHECK_FALSE(ec);
    ran = true;
  });
  CHECK_FALSE(ran);
  io.run();
  CHECK(ran);
}

TEST_CASE("a watch is cancelled through its cancellation slot") {
  memory_storage storage;
  timeline tl("home", storage);
  net::io_context io;
  async_timeline watched(io, tl);
  SECTION("a cancellation_signal") {
    net::cancellation_signal cancel;
    boost::system::error_code got;
    int calls = 0;
    watched.async_watch_unacked_counts(
        {.total = 0}, net::bind_cancellation_slot(
                          cancel.slot(), [&](boost::system::error_code ec, unacked_counts) {
                            got = ec;
                            ++calls;
                          }));
    CHECK(tl.pending_watches() == 1);
    net::post(io, [&] { cancel.emit(net::cancellation_type::terminal); });
    io.run();
    CHECK(calls == 1);
    CHECK(got == errc::cancelled);
    CHECK(tl.pending_watches() == 0);
    // The slot is free again and a later change calls nothing.
    CHECK_FALSE(cancel.slot().has_handler());
    blocking::put_statuses(
        storage, {.timeline = "home", .mode = put_mode::insert, .statuses = {make_status("1")}});
    io.restart();
    io.run();
    CHECK(calls == 1);
  }
  SECTION("awaitable operators: a timeout wins over a watch") {
    using namespace net::experimental::awaitable_operators;
    std::string outcome;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
          net::steady_timer timeout(io, std::chrono::steady_clock::duration::zero());
          assumed_counts nothing_yet{.total = 0};
          auto result =
              co_await (watched.async_watch_unacked_counts(nothing_yet, net::use_awaitable) ||
                        timeout.async_wait(net::use_awaitable));
          outcome = result.index() == 1 ? "timed out" : "changed";
        },
        net::detached);
    io.run();
    CHECK(outcome == "timed out");
    CHECK(tl.pending_watches() == 0);
  }
  SECTION("cancellation after completion does nothing") {
    net::cancellation_signal cancel;
    int calls = 0;
    watched.async_watch_unacked_counts(
        {}, net::bind_cancellation_slot(cancel.slot(),
                                        [&](boost::system::error_code ec, unacked_counts) {
                                          CHECK_FALSE(ec);
                                          ++calls;
                                        }));
    cancel.emit(net::cancellation_type::terminal);  // before the posted handler ran
    io.run();
    CHECK(calls == 1);
  }
}

TEST_CASE("one change wakes a thousand watchers exactly once, each on its strand") {
  // What the handlers touch comes first: it must outlive the io threads, joined when `io`
  // goes, which may still be inside the last handler after the wait below returns.
  constexpr int n = 1000;
  std::vector<std::atomic<int>> calls(n);
  std::atomic<int> wrong{0}, finished{0};
  event_signal done;
  io_threads io(4);  // then: outlives the storage whose workers complete into it
  memory_storage memory;
  offloading_storage storage(memory, {.threads = 2});
  timeline tl("home", storage);
  async_timeline watched(io.executor(), tl);
  std::vector<net::strand<net::any_io_executor>> strands;
  for (int i = 0; i < 8; ++i) strands.push_back(net::make_strand(io.executor()));
  for (int i = 0; i < n; ++i) {
    auto& strand = strands[i % strands.size()];
    watched.async_watch_unacked_counts(
        {.total = 0},
        net::bind_executor(strand, [&, i](boost::system::error_code ec, unacked_counts c) {
          if (ec || c.total != 1 || !strand.running_in_this_thread()) ++wrong;
          ++calls[i];
          ++finished;
          done.notify();
        }));
  }
  // Every watch is registered once its first count read (through the workers) is done.
  done.wait_until([&] { return tl.pending_watches() == n; });
  async_storage api(io.executor(), storage);
  CHECK(api.async_put_statuses(
               {.timeline = "home", .mode = put_mode::insert, .statuses = {make_status("1")}},
               net::use_future)
            .get() == 1);
  done.wait_until([&] { return finished == n; });
  net::post(io.context(), net::use_future).get();
  CHECK(wrong == 0);
  for (auto& c : calls) CHECK(c == 1);
}

TEST_CASE("async_add_statuses runs the filters and reports their failure") {
  memory_storage storage;
  timeline tl("home", storage);
  tl.add_async_filter([](std::vector<status> batch, filter_done done) {
    for (const auto& s : batch)
      if (s.value("text", "") == "spam") return done(filter_error("spam is not welcome"), {});
    done({}, std::move(batch));
  });
  io_threads io(2);
  async_timeline api(io.executor(), tl);
  CHECK(api.async_add_statuses({{{"text", "hello"}}}, net::use_future).get() == 1);
  storage_error detail;
  auto failed = api.async_add_statuses({{{"text", "spam"}}}, detail, net::use_future);
  try {
    failed.get();
    FAIL("no exception");
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == timeline_errc::filter_failed);
  }
  CHECK(detail.message().find("spam is not welcome") != std::string::npos);
  CHECK(blocking::get_unacked_counts(storage, "home").total == 1);
}

TEST_CASE("async_watch_level_counts across timelines, with a coroutine") {
  memory_storage storage;
  timeline home("home", storage), news("news", storage);
  net::io_context io;
  level_counts got;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        level_watch watch{.level = count_level::of(3), .assumed = {{&home, 0}, {&news, 0}}};
        got = co_await roost::asio::async_watch_level_counts(io.get_executor(), std::move(watch),
                                                             net::use_awaitable);
      },
      net::detached);
  io.run_one();  // the coroutine starts and waits
  CHECK(home.pending_watches() == 1);
  CHECK(news.pending_watches() == 1);
  blocking::put_statuses(
      storage, {.timeline = "news", .mode = put_mode::insert, .statuses = {make_status("1", 3)}});
  io.run();
  REQUIRE(got.size() == 1);
  CHECK(got.at("news").at_level(3) == 1);
  CHECK(home.pending_watches() == 0);
}

TEST_CASE("destroying the timeline completes pending async watches with cancelled") {
  memory_storage storage;
  net::io_context io;
  auto tl = std::make_unique<timeline>("home", storage);
  async_timeline watched(io, *tl);
  boost::system::error_code got;
  watched.async_watch_unacked_counts(
      {.total = 0}, [&](boost::system::error_code ec, unacked_counts) { got = ec; });
  tl.reset();
  io.run();
  CHECK(got == errc::cancelled);
}
