// offloading_storage: worker threads, the bounded queue and its overload error, write
// serialization, parallel reads, validation on the caller's thread, shutdown.
#include <set>

#include <catch2/catch.hpp>

#include "async_support.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/offloading_storage.hpp"

namespace net = boost::asio;
using namespace roost;
using roost::testing::event_signal;
using roost::testing::gated_storage;
using roost::testing::io_threads;

namespace {

status make_status(const std::string& id) { return {{"id", id}}; }

// Records how many writes run at once, and the most ever seen.
class write_probe final : public storage_wrapper {
public:
  using storage_wrapper::storage_wrapper;
  std::atomic<int> running{0}, most{0};

protected:
  void do_put_statuses(prepared_put r, count_callback done) override {
    enter();
    storage_wrapper::do_put_statuses(std::move(r), std::move(done));
    --running;
  }
  void do_ack_statuses(prepared_ack r, count_callback done) override {
    enter();
    storage_wrapper::do_ack_statuses(std::move(r), std::move(done));
    --running;
  }
  void do_put_setting(put_setting_request r, revision_callback done) override {
    enter();
    storage_wrapper::do_put_setting(std::move(r), std::move(done));
    --running;
  }

private:
  void enter() {
    const int now = ++running;
    int seen = most;
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    // Give another worker a chance to overlap if serialization were broken.
    std::this_thread::yield();
  }
};

}  // namespace

TEST_CASE("offloading_storage runs operations on its workers, not the caller's thread") {
  memory_storage memory;
  // Declared before the storage: its workers may still be inside a callback that
  // touches them when the test has seen the last event; the storage joins them first.
  event_signal done;
  offloading_storage storage(memory, {.threads = 2});
  std::set<std::thread::id> threads;
  std::mutex m;
  int finished = 0;
  for (int i = 0; i < 20; ++i) {
    storage.put_statuses({.timeline = "home",
                          .mode = put_mode::insert,
                          .statuses = {make_status(std::to_string(i))}},
                         [&](const storage_error& e, std::size_t) {
                           CHECK_FALSE(e);
                           {
                             std::lock_guard lock(m);
                             threads.insert(std::this_thread::get_id());
                             ++finished;
                           }
                           done.notify();
                         });
  }
  done.wait_until([&] {
    std::lock_guard lock(m);
    return finished == 20;
  });
  CHECK(threads.count(std::this_thread::get_id()) == 0);
  CHECK(blocking::get_unacked_counts(storage, "home").total == 20);
}

TEST_CASE("caller mistakes are rejected on the caller's thread, before anything is queued") {
  memory_storage memory;
  gated_storage gate(memory);
  offloading_storage storage(gate, {.threads = 1, .queue_capacity = 1});
  int calls = 0;
  CHECK_THROWS_AS(storage.put_statuses(
                      {.timeline = "home", .mode = put_mode::insert, .statuses = {{{"no", "id"}}}},
                      [&](const storage_error&, std::size_t) { ++calls; }),
                  invalid_request);
  CHECK(storage.queued() == 0);
  CHECK(calls == 0);
  gate.open();
}

TEST_CASE("invalid options are rejected") {
  memory_storage memory;
  CHECK_THROWS_AS(offloading_storage(memory, {.threads = 0}), invalid_request);
  CHECK_THROWS_AS(offloading_storage(memory, {.threads = 1, .queue_capacity = 0}), invalid_request);
}

TEST_CASE("a full queue fails at once with errc::overloaded and changes nothing") {
  memory_storage memory;
  gated_storage gate(memory);
  // Declared before the storage: its workers may still be inside a callback that
  // touches them when the test has seen the last event; the storage joins them first.
  event_signal done;
  std::atomic<int> ok{0};
  offloading_storage storage(gate, {.threads = 1, .queue_capacity = 2});
  auto count_ok = [&](const storage_error& e, unacked_counts) {
    if (!e) ++ok;
    done.notify();
  };
  // The only worker blocks in the first read; two more wait in the queue.
  storage.get_unacked_counts("home", count_ok);
  gate.wait_for_blocked(1);
  storage.get_unacked_counts("home", count_ok);
  storage.get_unacked_counts("home", count_ok);
  CHECK(storage.queued() == 2);

  // One more: refused before the call returns, with a message that says why.
  storage_error refused;
  int calls = 0;
  storage.put_statuses(
      {.timeline = "home", .mode = put_mode::insert, .statuses = {make_status("x")}},
      [&](const storage_error& e, std::size_t) {
        ++calls;
        refused = e;
      });
  REQUIRE(calls == 1);
  CHECK(refused.code() == errc::overloaded);
  CHECK(refused.message().find("queue is full") != std::string::npos);

  SECTION("through the async API: the error arrives posted, on the executor") {
    net::io_context io;
    roost::asio::async_storage api(io, storage);
    boost::system::error_code got;
    storage_error detail;
    bool ran = false;
    api.async_get_revision("home", detail, [&](boost::system::error_code ec, std::uint64_t) {
      got = ec;
      ran = true;
    });
    CHECK_FALSE(ran);
    io.run();
    CHECK(ran);
    CHECK(got == errc::overloaded);
    CHECK(detail.message().find("queue is full") != std::string::npos);
  }

  gate.open();
  done.wait_until([&] { return ok == 3; });
  CHECK(blocking::get_revision(memory, "home") == 0);  // the refused put did nothing
}

TEST_CASE("reads run in parallel, also beside a running write") {
  memory_storage memory;
  gated_storage gate(memory);
  // Declared before the storage: its workers may still be inside a callback that
  // touches them when the test has seen the last event; the storage joins them first.
  event_signal done;
  std::atomic<int> finished{0};
  offloading_storage storage(gate, {.threads = 3});
  for (int i = 0; i < 3; ++i)
    storage.get_statuses({.timeline = "home"}, [&](const storage_error&, std::vector<status>) {
      ++finished;
      done.notify();
    });
  gate.wait_for_blocked(3);  // returns only if three reads are inside the storage at once
  gate.open();
  done.wait_until([&] { return finished == 3; });
}

TEST_CASE("writes run one at a time, in the order they were started") {
  memory_storage memory;
  write_probe probe(memory);
  // Declared before the storage: its workers may still be inside a callback that
  // touches them when the test has seen the last event; the storage joins them first.
  event_signal done;
  offloading_storage storage(probe, {.threads = 4});
  std::mutex m;
  std::vector<int> order;
  constexpr int n = 400;
  for (int i = 0; i < n; ++i) {
    storage.put_statuses(
        {.timeline = "home", .mode = put_mode::upsert, .statuses = {{{"id", "same"}, {"n", i}}}},
        [&, i](const storage_error& e, std::size_t) {
          CHECK_FALSE(e);
          {
            std::lock_guard lock(m);
            order.push_back(i);
          }
          done.notify();
        });
    if (i % 50 == 0)
      storage.ack_statuses({.timeline = "home"}, [&](const storage_error&, std::size_t) {});
  }
  done.wait_until([&] {
    std::lock_guard lock(m);
    return order.size() == n;
  });
  CHECK(probe.most == 1);
  std::lock_guard lock(m);
  CHECK(std::is_sorted(order.begin(), order.end()));
  // The last write won.
  auto page = blocking::get_statuses(storage, {.timeline = "home"});
  CHECK(page.at(0)["n"] == n - 1);
}

TEST_CASE("get_setting runs as a read, in parallel with other reads") {
  memory_storage memory;
  blocking::put_setting(memory, {.key = "k", .value = "v"});
  gated_storage gate(memory);
  event_signal done;
  std::atomic<int> finished{0};
  // Catch's assertions are not thread-safe: workers record, the test thread checks.
  std::atomic<int> read_right{0};
  offloading_storage storage(gate, {.threads = 3});
  for (int i = 0; i < 2; ++i)
    storage.get_setting("k", [&](const storage_error& e, setting s) {
      if (!e && s.value == std::optional<std::string>("v")) ++read_right;
      ++finished;
      done.notify();
    });
  storage.get_statuses({.timeline = "home"}, [&](const storage_error&, std::vector<status>) {
    ++finished;
    done.notify();
  });
  gate.wait_for_blocked(3);  // only if both gets and the read are inside at once
  gate.open();
  done.wait_until([&] { return finished == 3; });
  CHECK(read_right == 2);
}

TEST_CASE("put_setting runs as a write: one at a time, in the order started") {
  memory_storage memory;
  write_probe probe(memory);
  event_signal done;
  offloading_storage storage(probe, {.threads = 4});
  std::mutex m;
  std::vector<std::uint64_t> versions;
  int failures = 0;
  constexpr int n = 200;
  // Each write names the version the previous one creates: all succeed only when they
  // run in the order they were started.
  for (int i = 0; i < n; ++i) {
    storage.put_setting(
        {.key = "counter", .value = std::to_string(i), .expected_version = std::uint64_t(i)},
        [&](const storage_error& e, std::uint64_t version) {
          {
            std::lock_guard lock(m);
            if (e) ++failures;
            versions.push_back(version);
          }
          done.notify();
        });
    if (i % 20 == 0)
      storage.put_statuses(
          {.timeline = "home", .mode = put_mode::upsert, .statuses = {make_status("s")}},
          [](const storage_error&, std::size_t) {});
  }
  done.wait_until([&] {
    std::lock_guard lock(m);
    return versions.size() == n;
  });
  CHECK(probe.most == 1);
  std::lock_guard lock(m);
  CHECK(failures == 0);
  CHECK(std::is_sorted(versions.begin(), versions.end()));
  const auto last = blocking::get_setting(storage, "counter");
  CHECK(last.value == std::optional<std::string>(std::to_string(n - 1)));
  CHECK(last.version == std::uint64_t(n));
}

TEST_CASE("a storage_wrapper forwards the settings hooks") {
  memory_storage memory;
  storage_wrapper wrapper(memory);
  const auto v = blocking::put_setting(wrapper, {.key = "k", .value = "v"});
  CHECK(blocking::get_setting(memory, "k").version == v);
  CHECK(blocking::get_setting(wrapper, "k").value == std::optional<std::string>("v"));
}

TEST_CASE("destroying an offloading_storage cancels what waits and finishes what runs") {
  memory_storage memory;
  gated_storage gate(memory);
  auto storage = std::make_unique<offloading_storage>(
      gate, offloading_options{.threads = 1, .queue_capacity = 8});
  event_signal done;
  std::mutex m;
  std::vector<storage_error> errors;
  auto record = [&](const storage_error& e, auto&&) {
    {
      std::lock_guard lock(m);
      errors.push_back(e);
    }
    done.notify();
  };
  storage->get_unacked_counts("home", record);  // runs, blocked at the gate
  gate.wait_for_blocked(1);
  storage->put_statuses(
      {.timeline = "home", .mode = put_mode::insert, .statuses = {make_status("1")}},
      record);                            // waits
  storage->get_revision("home", record);  // waits
  std::thread destroyer([&] { storage.reset(); });
  // The two waiting operations are cancelled first; then the running one may finish.
  done.wait_until([&] {
    std::lock_guard lock(m);
    return errors.size() == 2;
  });
  {
    std::lock_guard lock(m);
    CHECK(errors[0].code() == errc::cancelled);
    CHECK(errors[1].code() == errc::cancelled);
  }
  gate.open();
  destroyer.join();
  std::lock_guard lock(m);
  REQUIRE(errors.size() == 3);
  CHECK_FALSE(errors[2]);
  CHECK(blocking::get_revision(memory, "home") == 0);
}
