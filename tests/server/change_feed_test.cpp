// The change feed's hubs, streams and long polls, driven directly over the memory
// backend with a recording sink: fan-out reads, catch-up, joining, back-pressure hooks.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "change_feed.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"

using namespace roost;
using namespace roost::web;
using json = nlohmann::json;

namespace {

// A client that reads everything at once, recording the revisions of the events it got.
struct recording_sink : event_sink {
  std::mutex mutex;
  std::string received;
  bool closed = false;
  std::vector<std::function<void()>> drained;  // run by the test, like a session would

  bool send(std::shared_ptr<const std::string> bytes) override {
    std::lock_guard lock(mutex);
    if (closed) return false;
    received += *bytes;
    return true;
  }
  void when_drained(std::function<void()> then) override {
    std::lock_guard lock(mutex);
    drained.push_back(std::move(then));
  }
  void close() override {
    std::lock_guard lock(mutex);
    closed = true;
  }

  // Runs the drained callbacks until none is left (the client keeps up).
  void drain() {
    for (;;) {
      std::vector<std::function<void()>> now;
      {
        std::lock_guard lock(mutex);
        now.swap(drained);
      }
      if (now.empty()) return;
      for (auto& f : now) f();
    }
  }

  std::vector<std::uint64_t> revisions() {
    std::lock_guard lock(mutex);
    std::vector<std::uint64_t> out;
    for (auto pos = received.find("id: "); pos != std::string::npos;
         pos = received.find("\nid: ", pos + 1)) {
      if (received.compare(pos, 4, "id: ") != 0) pos += 1;
      out.push_back(std::stoull(received.substr(pos + 4)));
    }
    return out;
  }
};

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (auto r = first; r <= last; ++r) out.push_back(r);
  return out;
}

struct fixture {
  memory_storage storage{memory_options{.limits = {.change_retention = 50}}};
  boost::asio::io_context ioc;
  change_feed feed{
      storage, ioc.get_executor(), {.heartbeat = std::chrono::milliseconds(50), .page_size = 4}};
  int next_id = 0;

  void insert(int n) {
    for (int i = 0; i < n; ++i)
      blocking::put_statuses(storage, {.timeline = "home",
                                       .mode = put_mode::insert,
                                       .statuses = {json{{"id", std::to_string(++next_id)}}}});
  }

  // Opens a stream and starts it on `sink` as the session would; returns its cancel.
  cancel_fn open(std::uint64_t since, const std::shared_ptr<recording_sink>& sink,
                 storage_error* error = nullptr) {
    bool answered = false;
    auto cancel = feed.open_stream("home", since, [&](const storage_error& e, auto start) {
      answered = true;
      if (error) *error = e;
      if (!e) start(sink);
    });
    REQUIRE(answered);  // the memory backend answers at once
    return cancel;
  }

  void settle(const std::vector<std::shared_ptr<recording_sink>>& sinks) {
    for (;;) {
      for (const auto& s : sinks) s->drain();
      ioc.restart();
      if (ioc.poll() == 0) {
        bool more = false;
        for (const auto& s : sinks) {
          std::lock_guard lock(s->mutex);
          more = more || !s->drained.empty();
        }
        if (!more) return;
      }
    }
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "many caught-up streams share one read per burst of changes") {
  std::vector<std::shared_ptr<recording_sink>> sinks;
  std::vector<cancel_fn> cancels;
  for (int i = 0; i < 100; ++i) {
    sinks.push_back(std::make_shared<recording_sink>());
    cancels.push_back(open(0, sinks.back()));
  }
  settle(sinks);
  CHECK(feed.stats().live_streams == 100);
  const auto reads_before = feed.stats().hub_reads;
  insert(3);  // three reports while no read has run yet: one read (page of 4) takes all
  settle(sinks);
  CHECK(feed.stats().hub_reads - reads_before == 1);
  insert(6);  // more than a page: the hub reads again at once
  settle(sinks);
  CHECK(feed.stats().hub_reads - reads_before <= 3);
  for (const auto& s : sinks) CHECK(s->revisions() == range(1, 9));
  for (auto& c : cancels) c();
  CHECK(feed.stats().live_streams == 0);
  insert(1);
  settle(sinks);
  for (const auto& s : sinks) CHECK(s->revisions() == range(1, 9));  // nothing after leaving
}

TEST_CASE_METHOD(fixture, "a stream from an old revision catches up page by page, then follows") {
  insert(10);
  auto sink = std::make_shared<recording_sink>();
  auto cancel = open(2, sink);
  CHECK(sink->revisions() == range(3, 6));  // one page, then it waits for the client
  CHECK(feed.stats().catching_up == 1);
  settle({sink});
  CHECK(sink->revisions() == range(3, 10));
  CHECK(feed.stats().live_streams == 1);
  insert(2);
  settle({sink});
  CHECK(sink->revisions() == range(3, 12));
  cancel();
}

TEST_CASE_METHOD(fixture, "a stream that finds the hub behind skips what it already sent") {
  auto first = std::make_shared<recording_sink>();
  auto c1 = open(0, first);
  settle({first});
  insert(3);  // reported; the hub's read is queued but has not run
  auto second = std::make_shared<recording_sink>();
  auto c2 = open(0, second);  // reads 1..3 itself, then joins ahead of the hub
  CHECK(second->revisions() == range(1, 3));
  settle({first, second});
  insert(1);
  settle({first, second});
  CHECK(first->revisions() == range(1, 4));
  CHECK(second->revisions() == range(1, 4));
  c1();
  c2();
}

TEST_CASE_METHOD(fixture, "a pruned or impossible cursor fails the stream before it starts") {
  insert(60);  // retention 50: revisions up to 10 are gone
  auto sink = std::make_shared<recording_sink>();
  storage_error error;
  open(3, sink, &error);
  CHECK(error.code() == errc::stale_cursor);
  open(61, sink, &error);
  CHECK(error.code() == errc::stale_cursor);
  CHECK(feed.stats().catching_up == 0);
  auto cancel = open(10, sink, &error);
  CHECK_FALSE(error);
  cancel();
  sink->drained.clear();  // a session drops these when its stream ends
}

TEST_CASE_METHOD(fixture, "caught-up streams get heartbeats") {
  auto sink = std::make_shared<recording_sink>();
  auto cancel = open(0, sink);
  settle({sink});
  ioc.restart();
  while (sink->received.find(":\n\n") == std::string::npos) ioc.run_one();
  cancel();
  ioc.restart();
  ioc.run();  // with no stream left the heartbeat stops, so run() returns
}

TEST_CASE_METHOD(fixture, "a long poll returns on the next change, or unchanged at its bound") {
  insert(2);
  std::optional<bool> changed;
  feed.wait("home", 2, std::chrono::seconds(30), [&](bool c) { changed = c; });
  CHECK(feed.stats().waiting == 1);
  ioc.restart();
  ioc.poll();
  CHECK_FALSE(changed.has_value());
  insert(1);
  ioc.restart();
  while (!changed) ioc.run_one();
  CHECK(*changed);
  CHECK(feed.stats().waiting == 0);

  changed.reset();
  feed.wait("home", 1, std::chrono::seconds(30), [&](bool c) { changed = c; });
  CHECK(changed == true);  // already past

  changed.reset();
  feed.wait("home", 3, std::chrono::milliseconds(20), [&](bool c) { changed = c; });
  ioc.restart();
  while (!changed) ioc.run_one();
  CHECK(*changed == false);

  changed.reset();
  auto cancel = feed.wait("home", 3, std::chrono::seconds(30), [&](bool c) { changed = c; });
  cancel();
  insert(1);
  ioc.restart();
  ioc.poll();
  CHECK_FALSE(changed.has_value());
  CHECK(feed.stats().waiting == 0);
}

TEST_CASE("a busy hub reads at most once per min_read_interval") {
  memory_storage storage;
  boost::asio::io_context ioc;
  change_feed feed{storage, ioc.get_executor(), {.min_read_interval = std::chrono::seconds(60)}};
  auto sink = std::make_shared<recording_sink>();
  bool started = false;
  auto cancel = feed.open_stream("home", 0, [&](const storage_error& e, auto start) {
    REQUIRE_FALSE(e);
    start(sink);
    started = true;
  });
  REQUIRE(started);
  ioc.poll();  // the join's read: the first read is never held back
  const auto reads = feed.stats().hub_reads;
  for (int i = 0; i < 5; ++i) {
    blocking::put_statuses(storage, {.timeline = "home",
                                     .mode = put_mode::insert,
                                     .statuses = {json{{"id", std::to_string(i)}}}});
    ioc.restart();
    ioc.poll();
  }
  // One read scheduled for all five changes, held back until the interval has passed.
  CHECK(feed.stats().hub_reads - reads == 1);
  CHECK(sink->revisions().empty());
  cancel();
}

TEST_CASE_METHOD(fixture, "a change reported while a batch goes out waits until it has gone out") {
  // On its first event this client's server makes another change, as if a POST landed
  // while the hub was still handing out a batch.
  struct reentrant_sink : recording_sink {
    std::function<void()> on_first;
    bool send(std::shared_ptr<const std::string> bytes) override {
      if (on_first) std::exchange(on_first, {})();
      return recording_sink::send(std::move(bytes));
    }
  };
  auto a = std::make_shared<reentrant_sink>();
  auto b = std::make_shared<recording_sink>();
  auto ca = open(0, a);
  auto cb = open(0, b);
  settle({a, b});
  std::optional<std::uint64_t> reads_during;
  a->on_first = [&] {
    const auto before = feed.stats().hub_reads;
    insert(1);
    reads_during = feed.stats().hub_reads - before;
  };
  insert(1);
  settle({a, b});
  // Marked dirty instead of starting a second read that could overtake this batch.
  CHECK(reads_during == 0u);
  CHECK(a->revisions() == range(1, 2));
  CHECK(b->revisions() == range(1, 2));
  ca();
  cb();
}
