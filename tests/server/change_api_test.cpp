// The change feed's endpoints and the Atom feed through the api's request handling:
// no sockets, the memory backend, a recording sink standing in for the session.
#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "api.hpp"
#include "change_feed.hpp"
#include "count_watch.hpp"
#include "server_services.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"

using namespace roost;
using namespace roost::web;
using json = nlohmann::json;

namespace {

struct string_sink : event_sink {
  std::string received;
  bool send(std::shared_ptr<const std::string> bytes) override {
    received += *bytes;
    return true;
  }
  void when_drained(std::function<void()> then) override { then(); }
  void close() override {}
};

struct fixture {
  server_config config;
  memory_storage storage{memory_options{.limits = {.change_retention = 5}}};
  boost::asio::io_context ioc;
  count_watch watch{storage, ioc.get_executor(), std::chrono::seconds(1)};
  change_feed feed{storage, ioc.get_executor(), {}};
  std::map<std::string, timeline, std::less<>> timelines;
  server_services services{
      {.config = config, .storage = storage, .timelines = timelines, .watch = watch, .feed = feed}};
  std::unique_ptr<api> handler;

  fixture() {
    config.timelines = {{.name = "home"}};
    config.long_poll_timeout = std::chrono::seconds(2);
    config.public_hosts = {"example.org"};  // the Atom test names it as its Host
    handler = std::make_unique<api>(config, services);
  }

  http_response call(const std::string& target,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::optional<http_response> got;
    const auto has_host = std::any_of(headers.begin(), headers.end(),
                                      [](const auto& h) { return h.first == "Host"; });
    if (!has_host) headers.emplace_back("Host", "127.0.0.1");
    handler->handle({"GET", target, "", std::move(headers)},
                    [&](http_response r) { got = std::move(r); });
    REQUIRE(got.has_value());
    return *got;
  }

  void put(int first, int last) {
    std::vector<status> statuses;
    for (int i = first; i <= last; ++i)
      statuses.push_back({{"id", std::to_string(i)},
                          {"text", "s" + std::to_string(i)},
                          {"created_at", "2013-05-16T12:" + std::to_string(10 + i) + ":00Z"}});
    blocking::put_statuses(storage,
                           {.timeline = "home", .mode = put_mode::insert, .statuses = statuses});
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "changes.json answers the changes after since and the latest revision") {
  put(1, 3);
  blocking::ack_statuses(storage, {.timeline = "home", .ids = std::vector<std::string>{"2"}});
  auto body = json::parse(call("/timelines/home/changes.json?since=1&limit=2").body);
  CHECK(body["error"].is_null());
  CHECK(body["last_rev"] == 4);
  REQUIRE(body["changes"].size() == 2);
  CHECK(body["changes"][0]["rev"] == 2);
  CHECK(body["changes"][0]["op"] == "insert");
  CHECK(body["changes"][0]["status"]["text"] == "s2");
  body = json::parse(call("/timelines/home/changes.json?since=3").body);
  REQUIRE(body["changes"].size() == 1);
  CHECK(body["changes"][0]["op"] == "ack");
  CHECK(body["changes"][0]["id"] == "2");
  CHECK(body["changes"][0]["acked_at"].is_string());
}

TEST_CASE_METHOD(fixture, "changes.json refuses bad parameters and answers 410 for stale cursors") {
  for (const char* target : {"?since=-1", "?since=x", "?since=", "?limit=0", "?limit=10001",
                             "?limit=a", "?wait=-1", "?wait=soon"}) {
    INFO(target);
    const auto r = call(std::string("/timelines/home/changes.json") + target);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"].is_string());
  }
  put(1, 10);  // retention 5: revisions 6..10 remain
  auto r = call("/timelines/home/changes.json?since=2");
  CHECK(r.status == 410);
  CHECK(json::parse(r.body)["error"].is_string());
  CHECK(json::parse(r.body)["last_rev"] == 10);
  CHECK(call("/timelines/home/changes.json?since=11").status == 410);
  CHECK(call("/timelines/home/changes.json?since=5").status == 200);
  CHECK(call("/timelines/nope/changes.json").status == 404);
}

TEST_CASE_METHOD(fixture,
                 "changes.json with wait holds until a change, or answers empty at the bound") {
  put(1, 1);
  std::optional<http_response> got;
  handler->handle(
      {"GET", "/timelines/home/changes.json?since=1&wait=30", "", {{"Host", "127.0.0.1"}}},
      [&](http_response r) { got = std::move(r); });
  CHECK_FALSE(got.has_value());
  CHECK(feed.stats().waiting == 1);
  put(2, 2);
  while (!got) ioc.run_one();
  auto body = json::parse(got->body);
  REQUIRE(body["changes"].size() == 1);
  CHECK(body["changes"][0]["rev"] == 2);

  // wait=30 is cut to the server's long-poll bound (2 s here) and answered empty.
  got.reset();
  const auto start = std::chrono::steady_clock::now();
  handler->handle(
      {"GET", "/timelines/home/changes.json?since=2&wait=30", "", {{"Host", "127.0.0.1"}}},
      [&](http_response r) { got = std::move(r); });
  ioc.restart();
  while (!got) ioc.run_one();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(json::parse(got->body) ==
        json{{"error", nullptr}, {"changes", json::array()}, {"last_rev", 2}});
}

TEST_CASE_METHOD(fixture, "the event stream needs its Accept header and a valid Last-Event-ID") {
  const auto r = call("/timelines/home/changes");
  CHECK(r.status == 406);
  CHECK(json::parse(r.body)["error"].is_string());
  CHECK(call("/timelines/home/changes", {{"Accept", "text/event-stream"}, {"Last-Event-ID", "x"}})
            .status == 400);
  CHECK(call("/timelines/home/changes?since=-2", {{"Accept", "text/event-stream"}}).status == 400);
  put(1, 10);
  CHECK(call("/timelines/home/changes?since=1", {{"Accept", "text/event-stream"}}).status == 410);
}

TEST_CASE_METHOD(fixture, "the event stream starts after Last-Event-ID, which wins over since") {
  put(1, 4);
  const auto r = call("/timelines/home/changes?since=0",
                      {{"accept", "text/event-stream"}, {"last-event-id", "2"}});
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/event-stream");
  REQUIRE(r.start_stream);
  auto sink = std::make_shared<string_sink>();
  r.start_stream(sink);
  REQUIRE(sink->received.rfind("id: 3\ndata: ", 0) == 0);
  const auto line = sink->received.substr(12, sink->received.find('\n', 12) - 12);
  CHECK(json::parse(line) ==
        json::parse(call("/timelines/home/changes.json?since=2&limit=1").body)["changes"][0]);
  CHECK(sink->received.find("id: 4\n") != std::string::npos);
  CHECK(sink->received.find("id: 2\n") == std::string::npos);
}

TEST_CASE_METHOD(fixture, "statuses.atom is an Atom feed of the newest statuses") {
  put(1, 30);
  const auto r = call("/timelines/home/statuses.atom?count=3", {{"Host", "example.org:8080"}});
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/atom+xml; charset=utf-8");
  CHECK(r.body.find("<title type=\"text\">s30</title>") != std::string::npos);
  CHECK(r.body.find("<title type=\"text\">s27</title>") == std::string::npos);
  CHECK(r.body.find("href=\"http://example.org:8080/timelines/home/statuses.atom\"") !=
        std::string::npos);
  // A hostile Host header is refused before it could get into the document.
  const auto hostile = call("/timelines/home/statuses.atom", {{"Host", "evil\"><x>"}});
  CHECK(hostile.status == 421);
  CHECK(hostile.content_type.rfind("application/json", 0) == 0);  // never the feed
  CHECK(call("/timelines/home/statuses.atom?count=0").status == 400);
}
