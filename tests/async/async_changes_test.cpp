// roost::asio::async_storage::async_get_changes with each completion token, stale
// cursors as errors, caller mistakes, and deferred starts.
#include <algorithm>
#include <mutex>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <catch2/catch.hpp>

#include "async_support.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/offloading_storage.hpp"

namespace net = boost::asio;
using namespace roost;
using roost::asio::async_storage;
using roost::testing::event_signal;
using roost::testing::io_threads;

namespace {

// Puts statuses with the given ids into "home", one change each.
void put_ids(status_storage& s, const std::vector<std::string>& ids) {
  put_request request{.timeline = "home", .mode = put_mode::insert, .statuses = {}};
  for (const auto& id : ids) request.statuses.push_back({{"id", id}});
  blocking::put_statuses(s, std::move(request));
}

std::vector<std::string> ids_of(const change_page& page) {
  std::vector<std::string> out;
  for (const auto& c : page.changes) out.push_back(c.id);
  return out;
}

using ids = std::vector<std::string>;

}  // namespace

TEST_CASE("async_get_changes with a callback: posted to the executor, with the page") {
  memory_storage memory;
  put_ids(memory, {"a", "b", "c"});
  net::io_context io;
  async_storage api(io, memory);
  std::optional<change_page> got;
  boost::system::error_code got_ec;
  api.async_get_changes({.timeline = "home", .since = 1},
                        [&](boost::system::error_code ec, change_page page) {
                          got_ec = ec;
                          got = std::move(page);
                        });
  CHECK_FALSE(got.has_value());  // the memory backend answered, but the handler was posted
  io.run();
  REQUIRE(got.has_value());
  CHECK_FALSE(got_ec);
  CHECK(ids_of(*got) == ids{"b", "c"});
  CHECK(got->changes.front().revision == 2);
  CHECK(got->changes.front().op == change_op::insert);
  CHECK(got->last_revision == 3);
}

TEST_CASE("async_get_changes with use_future: pages, and stale_cursor thrown with its message") {
  memory_storage memory;
  put_ids(memory, {"a", "b", "c", "d"});
  io_threads io(2);
  async_storage api(io.executor(), memory);
  auto first = api.async_get_changes({.timeline = "home", .limit = 3}, net::use_future).get();
  CHECK(ids_of(first) == ids{"a", "b", "c"});
  CHECK(first.last_revision == 4);
  auto rest = api.async_get_changes({.timeline = "home", .since = 3}, net::use_future).get();
  CHECK(ids_of(rest) == ids{"d"});

  storage_error detail;
  auto stale = api.async_get_changes({.timeline = "home", .since = 9}, detail, net::use_future);
  try {
    stale.get();
    FAIL("a cursor ahead of the timeline was answered");
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == errc::stale_cursor);
  }
  CHECK(detail.code() == errc::stale_cursor);
  CHECK(detail.message().find("resync") != std::string::npos);
}

TEST_CASE("async_get_changes with use_awaitable: a coroutine follows the feed and resyncs") {
  memory_storage memory({.limits = {.change_retention = 3}});
  put_ids(memory, {"1", "2", "3", "4", "5"});  // changes 3..5 retained
  net::io_context io;
  async_storage api(io, memory);
  std::vector<std::string> log;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        // Requests are built before the co_await expressions (GCC 12, see async_storage_test).
        changes_request request{.timeline = "home", .since = 2, .limit = 2};
        for (;;) {
          const auto page = co_await api.async_get_changes(request, net::use_awaitable);
          for (const auto& c : page.changes) {
            log.push_back(std::to_string(c.revision) + ":" + c.id);
            request.since = c.revision;
          }
          if (page.changes.size() < request.limit) break;
        }
        changes_request too_old{.timeline = "home", .since = 1};
        try {
          co_await api.async_get_changes(too_old, net::use_awaitable);
          log.push_back("answered a pruned cursor");
        } catch (const boost::system::system_error& e) {
          if (e.code() == errc::stale_cursor) log.push_back("stale");
        }
      },
      net::detached);
  io.run();
  CHECK(log == ids{"3:3", "4:4", "5:5", "stale"});
}

TEST_CASE("async_get_changes rejects caller mistakes at the initiation; no handler runs") {
  memory_storage memory;
  net::io_context io;
  async_storage api(io, memory);
  int calls = 0;
  auto handler = [&](boost::system::error_code, change_page) { ++calls; };
  CHECK_THROWS_AS(api.async_get_changes({.timeline = ""}, handler), invalid_request);
  CHECK_THROWS_AS(
      api.async_get_changes({.timeline = "home", .limit = max_change_limit + 1}, handler),
      invalid_request);
  CHECK(io.run() == 0);
  CHECK(calls == 0);
}

TEST_CASE("async_get_changes deferred reads the feed when launched, not when made") {
  memory_storage memory;
  net::io_context io;
  async_storage api(io, memory);
  auto op = api.async_get_changes({.timeline = "home"}, net::deferred);
  put_ids(memory, {"late"});
  change_page page;
  std::move(op)([&](boost::system::error_code, change_page p) { page = std::move(p); });
  io.run();
  CHECK(ids_of(page) == ids{"late"});
  CHECK(page.last_revision == 1);
}

TEST_CASE("async_get_changes through an offloading_storage completes on the io threads") {
  // What the handlers touch comes first: it must outlive the io threads, joined when `io`
  // goes, which may still be inside the last handler after the wait below returns.
  event_signal done;
  std::atomic<int> on_io{0}, finished{0};
  std::vector<std::string> seen;
  std::mutex seen_mutex;
  io_threads io(2);  // then: outlives the storage whose workers complete into it
  memory_storage memory;
  offloading_storage storage(memory, {.threads = 2});
  async_storage api(io.executor(), storage);
  put_ids(memory, {"x", "y"});
  for (std::uint64_t since = 0; since < 2; ++since)
    api.async_get_changes({.timeline = "home", .since = since},
                          [&](boost::system::error_code ec, change_page page) {
                            if (io.runs_here() && !ec) ++on_io;
                            {
                              std::lock_guard lock(seen_mutex);
                              for (const auto& c : page.changes) seen.push_back(c.id);
                            }
                            ++finished;
                            done.notify();
                          });
  done.wait_until([&] { return finished == 2; });
  CHECK(on_io == 2);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == ids{"x", "y", "y"});
}
