// roost::asio::async_storage: completion tokens, executors, errors and messages.
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
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
using roost::testing::failing_storage;
using roost::testing::gated_storage;
using roost::testing::io_threads;

namespace {

status make_status(const std::string& id, std::int64_t level = 0) {
  return {{"id", id}, {"busybird", {{"level", level}}}};
}

put_request insert(std::vector<status> statuses) {
  return {.timeline = "home", .mode = put_mode::insert, .statuses = std::move(statuses)};
}

}  // namespace

TEST_CASE("a callback never runs inside the initiating call, even for a synchronous backend") {
  memory_storage storage;
  net::io_context io;
  async_storage api(io, storage);
  bool ran = false;
  api.async_put_statuses(insert({make_status("1")}),
                         [&](boost::system::error_code ec, std::size_t n) {
                           CHECK_FALSE(ec);
                           CHECK(n == 1);
                           ran = true;
                         });
  CHECK_FALSE(ran);  // the memory backend finished, but the handler was posted
  io.run();
  CHECK(ran);

  // From inside a handler running on the io_context: still not inline.
  io.restart();
  int step = 0;
  net::post(io, [&] {
    api.async_get_unacked_counts("home", [&](boost::system::error_code, unacked_counts c) {
      CHECK(step == 1);
      CHECK(c.total == 1);
      step = 2;
    });
    step = 1;
  });
  io.run();
  CHECK(step == 2);
}

TEST_CASE("completion runs on the handler's associated executor: a strand") {
  // What the handlers touch comes first: it must outlive the io threads, joined when `io`
  // goes, which may still be inside the last handler after the wait below returns.
  constexpr int n = 200;
  std::atomic<int> on_strand{0}, off_strand{0};
  std::vector<std::atomic<int>> calls(n);
  event_signal done;
  io_threads io(4);  // then: outlives the storage whose workers complete into it
  memory_storage memory;
  offloading_storage storage(memory, {.threads = 2});
  async_storage api(io.executor(), storage);
  auto strand = net::make_strand(io.context());
  for (int i = 0; i < n; ++i) {
    api.async_put_statuses(
        insert({make_status(std::to_string(i))}),
        net::bind_executor(strand, [&, i](boost::system::error_code ec, std::size_t) {
          (strand.running_in_this_thread() && io.runs_here() && !ec ? on_strand : off_strand)++;
          ++calls[i];
          done.notify();
        }));
  }
  done.wait_until([&] { return on_strand + off_strand == n; });
  CHECK(on_strand == n);
  CHECK(off_strand == 0);
  for (auto& c : calls) CHECK(c == 1);
}

TEST_CASE("a plain callback runs on the async_storage's executor, exactly once") {
  // What the handlers touch comes first: it must outlive the io threads, joined when `io`
  // goes, which may still be inside the last handler after the wait below returns.
  constexpr int n = 300;
  std::vector<std::atomic<int>> calls(n);
  std::atomic<int> wrong_thread{0}, finished{0};
  event_signal done;
  io_threads io(3);  // then: outlives the storage whose workers complete into it
  memory_storage memory;
  offloading_storage storage(memory, {.threads = 3});
  async_storage api(io.executor(), storage);
  for (int i = 0; i < n; ++i) {
    auto handler = [&, i](boost::system::error_code, auto&&...) {
      if (!io.runs_here()) ++wrong_thread;
      ++calls[i];
      ++finished;
      done.notify();
    };
    switch (i % 4) {
      case 0: api.async_put_statuses(insert({make_status(std::to_string(i))}), handler); break;
      case 1: api.async_get_statuses({.timeline = "home"}, handler); break;
      case 2: api.async_ack_statuses({.timeline = "home"}, handler); break;
      default: api.async_get_revision("home", handler); break;
    }
  }
  done.wait_until([&] { return finished == n; });
  // Let anything still queued run before checking that nothing was called twice.
  net::post(io.context(), net::use_future).get();
  CHECK(wrong_thread == 0);
  for (auto& c : calls) CHECK(c == 1);
}

TEST_CASE("a pending operation keeps io_context::run() from returning (work guard)") {
  net::io_context io;  // first: outlives the storage whose workers complete into it
  memory_storage memory;
  gated_storage gate(memory);
  offloading_storage storage(gate, {.threads = 1});
  async_storage api(io, storage);
  bool ran = false;
  api.async_get_unacked_counts("home", [&](boost::system::error_code ec, unacked_counts) {
    CHECK_FALSE(ec);
    ran = true;
  });
  std::thread opener([&] {
    gate.wait_for_blocked(1);
    gate.open();
  });
  io.run();  // returns only once the handler ran
  opener.join();
  CHECK(ran);
}

TEST_CASE("use_future: results, and store failures as system_error") {
  memory_storage memory;
  io_threads io(2);
  SECTION("success") {
    async_storage api(io.executor(), memory);
    CHECK(api.async_put_statuses(insert({make_status("1", 2)}), net::use_future).get() == 1);
    CHECK(api.async_put_status_texts({"home", put_mode::insert, {make_status("1", 2).dump()}},
                                     net::use_future)
              .get() == 0);  // there already
    auto counts = api.async_get_unacked_counts("home", net::use_future).get();
    CHECK(counts.at_level(2) == 1);
    auto page = api.async_get_statuses({.timeline = "home"}, net::use_future).get();
    REQUIRE(page.size() == 1);
    auto texts = api.async_get_status_texts({.timeline = "home"}, net::use_future).get();
    CHECK(nlohmann::json::parse(texts.at(0)) == page.at(0));
    auto c = api.async_contains({.timeline = "home", .query = {"1", "2"}}, net::use_future).get();
    CHECK(c.contained.size() == 1);
    CHECK(api.async_timeline_names(net::use_future).get() == std::vector<std::string>{"home"});
    CHECK(api.async_get_revision("home", net::use_future).get() > 0);
    CHECK(api.async_ack_statuses({.timeline = "home"}, net::use_future).get() == 1);
    CHECK(api.async_delete_statuses({.timeline = "home", .selection = delete_selection::all()},
                                    net::use_future)
              .get() == 1);
  }
  SECTION("a store failure: the code in the exception, the message in error_out") {
    failing_storage broken(memory, storage_error(errc::io_error, "pwrite(): No space left"));
    async_storage api(io.executor(), broken);
    auto future = api.async_put_statuses(insert({make_status("1")}), net::use_future);
    try {
      future.get();
      FAIL("no exception");
    } catch (const boost::system::system_error& e) {
      CHECK(e.code() == errc::io_error);
      CHECK(e.code() == make_error_code(errc::io_error));
      // Boost.System carries the std::error_code: convert back to see its category.
      CHECK(static_cast<std::error_code>(e.code()).category() == storage_category());
    }
    storage_error detail;
    auto counts = api.async_get_unacked_counts("home", detail, net::use_future);
    CHECK_THROWS_AS(counts.get(), boost::system::system_error);
    CHECK(detail.code() == errc::io_error);
    CHECK(detail.message() == "pwrite(): No space left");
  }
}

TEST_CASE("error_out is cleared on success and filled on failure with a callback") {
  memory_storage memory;
  failing_storage broken(memory, storage_error(errc::busy, "database is locked"));
  net::io_context io;
  async_storage good(io, memory), bad(io, broken);
  storage_error e1(errc::internal, "stale"), e2;
  boost::system::error_code ec1, ec2;
  good.async_get_revision("home", e1,
                          [&](boost::system::error_code ec, std::uint64_t) { ec1 = ec; });
  bad.async_get_revision("home", e2,
                         [&](boost::system::error_code ec, std::uint64_t) { ec2 = ec; });
  io.run();
  CHECK_FALSE(ec1);
  CHECK_FALSE(e1);
  CHECK(e1.message().empty());
  CHECK(ec2 == errc::busy);
  CHECK(e2.message() == "database is locked");
  CHECK(roost::asio::to_error_code(e2) == ec2);
}

TEST_CASE("caller mistakes throw invalid_request from the initiation; no handler runs") {
  memory_storage memory;
  net::io_context io;
  async_storage api(io, memory);
  int calls = 0;
  auto handler = [&](boost::system::error_code, auto&&) { ++calls; };
  CHECK_THROWS_AS(api.async_put_statuses(insert({{{"text", "no id"}}}), handler), invalid_request);
  CHECK_THROWS_AS(api.async_get_statuses({.timeline = ""}, handler), invalid_request);
  CHECK_THROWS_AS(api.async_contains({.timeline = "home", .query = {nullptr}}, handler),
                  invalid_request);
  CHECK(io.run() == 0);  // nothing was posted, and no work guard was left behind
  CHECK(calls == 0);
}

TEST_CASE("use_awaitable: a coroutine awaits results and catches failures") {
  memory_storage memory;
  failing_storage broken(memory, storage_error(errc::corrupt, "bad page 7"));
  net::io_context io;
  async_storage api(io, memory), bad(io, broken);
  std::vector<std::string> log;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        // Arguments are built before the co_await expressions: GCC 12 mis-compiles
        // string literals and braced lists inside them.
        const std::string home = "home";
        auto two = insert({make_status("1", 1), make_status("2", 1)});
        const auto added = co_await api.async_put_statuses(std::move(two), net::use_awaitable);
        log.push_back("added " + std::to_string(added));
        const auto counts = co_await api.async_get_unacked_counts(home, net::use_awaitable);
        log.push_back("unacked " + std::to_string(counts.at_level(1)));
        try {
          co_await bad.async_get_revision(home, net::use_awaitable);
        } catch (const boost::system::system_error& e) {
          if (e.code() == errc::corrupt) log.push_back("corrupt");
        }
        storage_error detail;
        try {
          co_await bad.async_timeline_names(detail, net::use_awaitable);
        } catch (const boost::system::system_error&) {
          log.push_back("message: " + detail.message());
        }
        auto no_id = insert({status{{"no", "id"}}});
        try {
          co_await api.async_put_statuses(std::move(no_id), net::use_awaitable);
        } catch (const invalid_request&) {
          log.push_back("rejected");
        }
      },
      net::detached);
  io.run();
  CHECK(log == std::vector<std::string>{"added 2", "unacked 2", "corrupt", "message: bad page 7",
                                        "rejected"});
}

TEST_CASE("deferred: the operation starts when launched") {
  memory_storage memory;
  net::io_context io;
  async_storage api(io, memory);
  auto op = api.async_put_statuses(insert({make_status("1")}), net::deferred);
  CHECK(blocking::get_revision(memory, "home") == 0);  // not started yet
  std::size_t added = 0;
  std::move(op)([&](boost::system::error_code, std::size_t n) { added = n; });
  io.run();
  CHECK(added == 1);
}

TEST_CASE("settings through async_storage: callback, use_future, use_awaitable") {
  memory_storage memory;
  SECTION("use_future, and a conflict as system_error with its message in error_out") {
    io_threads io(2);
    async_storage api(io.executor(), memory);
    CHECK(api.async_get_setting("k", net::use_future).get().version == 0);
    const auto v = api.async_put_setting({.key = "k", .value = "v"}, net::use_future).get();
    CHECK(v > 0);
    const auto s = api.async_get_setting("k", net::use_future).get();
    CHECK(s.value == std::optional<std::string>("v"));
    CHECK(s.version == v);
    storage_error detail;
    auto stale = api.async_put_setting({.key = "k", .value = "x"}, detail, net::use_future);
    try {
      stale.get();
      FAIL("no exception");
    } catch (const boost::system::system_error& e) {
      CHECK(e.code() == errc::conflict);
    }
    CHECK(detail.code() == errc::conflict);
    CHECK_FALSE(detail.message().empty());
  }
  SECTION("a callback runs on the executor, after the initiating call") {
    net::io_context io;
    async_storage api(io, memory);
    bool ran = false;
    api.async_put_setting({.key = "k", .value = "v"},
                          [&](boost::system::error_code ec, std::uint64_t version) {
                            CHECK_FALSE(ec);
                            CHECK(version == 1);
                            ran = true;
                          });
    CHECK_FALSE(ran);
    io.run();
    CHECK(ran);
  }
  SECTION("use_awaitable, and caller mistakes thrown inside the coroutine") {
    net::io_context io;
    async_storage api(io, memory);
    std::vector<std::string> log;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
          put_setting_request request{.key = "k", .value = "v"};
          const auto v = co_await api.async_put_setting(std::move(request), net::use_awaitable);
          const std::string key = "k";
          const auto s = co_await api.async_get_setting(key, net::use_awaitable);
          log.push_back(*s.value + " " + std::to_string(s.version == v));
          const std::string bad = "Bad Key";
          try {
            co_await api.async_get_setting(bad, net::use_awaitable);
          } catch (const invalid_request&) {
            log.push_back("rejected");
          }
        },
        net::detached);
    io.run();
    CHECK(log == std::vector<std::string>{"v 1", "rejected"});
  }
}
