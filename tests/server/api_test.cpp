// The Web API's request handling, driven directly: no sockets, the memory backend.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "api.hpp"
#include "change_feed.hpp"
#include "count_watch.hpp"
#include "server_services.hpp"
#include "status_html.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/timeline.hpp"

using namespace roost;
using namespace roost::web;
using json = nlohmann::json;

namespace {

struct fixture {
  server_config config;
  memory_storage storage;
  boost::asio::io_context ioc;
  std::unique_ptr<count_watch> watch;
  std::unique_ptr<change_feed> feed;
  std::map<std::string, timeline, std::less<>> timelines;
  std::unique_ptr<server_services> services;
  std::unique_ptr<api> handler;

  fixture() {
    config.timelines = {
        {.name = "home"}, {.name = "a/b \xf0\x9f\x90\xa6"}, {.name = "secret", .hidden = true}};
    config.long_poll_timeout = std::chrono::seconds(1);
    watch = std::make_unique<count_watch>(storage, ioc.get_executor(), config.long_poll_timeout);
    feed = std::make_unique<change_feed>(storage, ioc.get_executor(), change_feed::options{});
    for (const auto& t : config.timelines) timelines.emplace(t.name, timeline(t.name, storage));
    services = std::make_unique<server_services>(server_parts{.config = config,
                                                              .storage = storage,
                                                              .timelines = timelines,
                                                              .watch = *watch,
                                                              .feed = *feed});
    handler = std::make_unique<api>(config, *services);
  }

  // A request answered at once (the memory backend is synchronous), with extra headers.
  http_response call(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::optional<http_response> got;
    headers.emplace_back("Host", "127.0.0.1");
    handler->handle({method, target, body, std::move(headers)},
                    [&](http_response r) { got = std::move(r); });
    REQUIRE(got.has_value());
    return *got;
  }

  json call_json(const std::string& method, const std::string& target,
                 const std::string& body = "") {
    return json::parse(call(method, target, body).body);
  }

  void put(const std::string& timeline, json statuses) {
    blocking::put_statuses(storage, {.timeline = timeline,
                                     .mode = put_mode::insert,
                                     .statuses = statuses.get<std::vector<status>>()});
  }
};

std::vector<std::string> ids_of(const json& statuses) {
  std::vector<std::string> out;
  for (const auto& s : statuses) out.push_back(id_text(s["id"]));
  return out;
}

json numbered(int from, int to) {
  json out = json::array();
  for (int i = from; i <= to; ++i)
    out.push_back({{"id", std::to_string(i)},
                   {"created_at",
                    "2013-05-16T12:56:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "Z"},
                   {"busybird", {{"level", i % 3}}}});
  return out;
}

}  // namespace

TEST_CASE_METHOD(fixture, "GET statuses answers newest first with paging and ack_state") {
  put("home", numbered(1, 30));
  auto r = call_json("GET", "/timelines/home/statuses.json");
  CHECK(r["error"].is_null());
  CHECK(r["statuses"].size() == 20);
  CHECK(ids_of(call_json("GET", "/timelines/home/statuses.json?count=3&max_id=10")["statuses"]) ==
        std::vector<std::string>{"10", "9", "8"});
  CHECK(call_json("GET", "/timelines/home/statuses.json?ack_state=acked")["statuses"].empty());
  CHECK(call("GET", "/timelines/home/statuses.json?only_statuses=1&count=2").body.front() == '[');
  const auto html = call("GET", "/timelines/home/statuses.html?count=2");
  CHECK(html.content_type == "text/html; charset=utf-8");
  // The viewer's renderer, newest first.
  const auto newest =
      blocking::get_statuses(storage, {.timeline = "home", .count = status_count::of(2)});
  REQUIRE(newest.size() == 2);
  CHECK(id_text(newest[0]["id"]) == "30");
  CHECK(html.body == render_status_html(newest[0]) + render_status_html(newest[1]));
}

TEST_CASE_METHOD(fixture, "GET statuses rejects bad parameters with 400 and a message") {
  for (const char* target :
       {"/timelines/home/statuses.json?ack_state=maybe", "/timelines/home/statuses.json?count=0",
        "/timelines/home/statuses.json?count=ten", "/timelines/home/statuses.json?count=-1"}) {
    INFO(target);
    const auto r = call("GET", target);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"].is_string());
  }
  const auto bare = call("GET", "/timelines/home/statuses.json?only_statuses=1&count=x");
  CHECK(bare.status == 400);
  CHECK(bare.body == "[]");
}

TEST_CASE_METHOD(fixture, "healthz answers ok while the store answers, never from a cache") {
  const auto r = call("GET", "/healthz");
  CHECK(r.status == 200);
  CHECK(json::parse(r.body) == json{{"status", "ok"}});
  bool no_store = false;
  for (const auto& [name, value] : r.headers)
    no_store = no_store || (name == "Cache-Control" && value == "no-store");
  CHECK(no_store);
}

TEST_CASE_METHOD(fixture, "unknown timelines and paths are 404, wrong methods 405") {
  CHECK(call("GET", "/timelines/nope/statuses.json").status == 404);
  CHECK(call("POST", "/timelines/nope/ack.json").status == 404);
  CHECK(call("GET", "/what").status == 404);
  const auto r = call("PUT", "/timelines/home/statuses.json");
  CHECK(r.status == 405);
  CHECK(r.headers.at(0) == std::pair<std::string, std::string>{"Allow", "GET, HEAD, POST"});
}

TEST_CASE_METHOD(fixture, "a timeline page asked for without its slash is redirected to it") {
  const auto r = call("GET", "/timelines/home?x=1");
  CHECK(r.status == 301);
  CHECK(std::find(r.headers.begin(), r.headers.end(),
                  std::pair<std::string, std::string>{"Location", "/timelines/home/?x=1"}) !=
        r.headers.end());
  const auto odd = call("GET", "/timelines/a%2Fb%20%F0%9F%90%A6");
  CHECK(std::find(odd.headers.begin(), odd.headers.end(),
                  std::pair<std::string, std::string>{
                      "Location", "/timelines/a%2Fb%20%F0%9F%90%A6/"}) != odd.headers.end());
  CHECK(call("POST", "/timelines/home").status == 405);
}

TEST_CASE_METHOD(fixture, "an unknown timeline's page: HTML listing the others, or JSON") {
  const auto page = call("GET", "/timelines/nope/", "",
                         {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  CHECK(page.status == 404);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("\"missing\":\"nope\"") != std::string::npos);
  CHECK(page.body.find("\"name\":\"home\"") != std::string::npos);
  CHECK(page.body.find("secret") == std::string::npos);  // hidden timelines stay hidden
  const auto api = call("GET", "/timelines/nope/", "", {{"Accept", "*/*"}});
  CHECK(api.status == 404);
  CHECK(json::parse(api.body)["error"] == "unknown timeline \"nope\"");
}

TEST_CASE_METHOD(fixture, "POST statuses adds one or many, giving ids and created_at") {
  auto r = call_json("POST", "/timelines/home/statuses.json", R"({"text": "no id"})");
  CHECK(r == json{{"error", nullptr}, {"count", 1}});
  r = call_json("POST", "/timelines/home/statuses.json",
                R"([{"id": "x"}, {"id": "y"}, {"id": "x"}])");
  CHECK(r["count"] == 2);
  const auto all = call_json("GET", "/timelines/home/statuses.json")["statuses"];
  REQUIRE(all.size() == 3);
  for (const auto& s : all) {
    CHECK(s["id"].is_string());
    CHECK(s["created_at"].is_string());
  }
}

TEST_CASE_METHOD(fixture, "POST statuses refuses bad bodies and stores nothing") {
  for (const char* body :
       {"", "   ", "{", "[1, 2]", "\"text\"", "42", R"([{"id": "ok"}, "bad"])",
        R"({"id": "x", "created_at": "whenever"})", R"({"id": "x", "busybird": {"level": "high"}})",
        R"([{"id": "ok"}, {"id": {"nested": 1}}])"}) {
    INFO(body);
    const auto r = call("POST", "/timelines/home/statuses.json", body);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"].is_string());
  }
  std::string deep(200, '[');
  deep += std::string(200, ']');
  CHECK(call("POST", "/timelines/home/statuses.json", deep).status == 400);
  CHECK(call_json("GET", "/timelines/home/statuses.json")["statuses"].empty());
}

TEST_CASE_METHOD(fixture, "ack takes ids, max_id, both or nothing") {
  put("home", numbered(1, 10));
  CHECK(call_json("POST", "/timelines/home/ack.json", R"({"ids": "10"})")["count"] == 1);
  CHECK(call_json("POST", "/timelines/home/ack.json",
                  R"({"ids": ["9", 8], "max_id": null})")["count"] == 2);
  CHECK(call_json("POST", "/timelines/home/ack.json", R"({"max_id": "3"})")["count"] == 3);
  CHECK(call_json("POST", "/timelines/home/ack.json", "")["count"] == 4);
  CHECK(call_json("POST", "/timelines/home/ack.json", "{}")["count"] == 0);
  for (const char* body :
       {"[]", R"({"ids": [null]})", R"({"ids": {"a": 1}})", R"({"max_id": 1.5})", "{"}) {
    INFO(body);
    CHECK(call("POST", "/timelines/home/ack.json", body).status == 400);
  }
}

TEST_CASE_METHOD(fixture, "unack takes ids and makes acked statuses unacked again") {
  put("home", numbered(1, 5));
  CHECK(call_json("POST", "/timelines/home/ack.json", R"({"ids": ["2", "4"]})")["count"] == 2);
  const auto before = call_json("GET", "/timelines/home/statuses.json?ack_state=acked");
  REQUIRE(before["statuses"].size() == 2);
  // Unknown ids and ids that are not acked are left out of the count.
  CHECK(call_json("POST", "/timelines/home/unack.json", R"({"ids": ["2", "nope", "3"]})") ==
        json{{"error", nullptr}, {"count", 1}});
  const auto acked = call_json("GET", "/timelines/home/statuses.json?ack_state=acked");
  REQUIRE(acked["statuses"].size() == 1);
  CHECK(acked["statuses"][0]["id"] == "4");
  const auto two =
      call_json("GET", "/timelines/home/statuses.json?ack_state=unacked&max_id=2&count=1");
  REQUIRE(two["statuses"].size() == 1);
  CHECK(two["statuses"][0]["id"] == "2");
  CHECK_FALSE(two["statuses"][0]["busybird"].contains("acked_at"));
  CHECK(call_json("GET",
                  "/timelines/home/updates/unacked_counts.json")["unacked_counts"]["total"] == 4);
  CHECK(call_json("POST", "/timelines/home/unack.json", R"({"ids": 4})")["count"] == 1);
  std::string many = "{\"ids\": [";
  for (int i = 0; i < 1001; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  many += "]}";
  for (const std::string& body :
       {std::string(""), std::string("{}"), std::string("[]"), std::string(R"({"ids": [null]})"),
        std::string(R"({"max_id": "1"})"), many}) {
    INFO(body.substr(0, 40));
    CHECK(call("POST", "/timelines/home/unack.json", body).status == 400);
  }
  CHECK(call("POST", "/timelines/nope/unack.json", R"({"ids": "1"})").status == 404);
  CHECK(call("GET", "/timelines/home/unack.json").status == 405);
}

TEST_CASE_METHOD(fixture, "the counts long poll answers at once when the stated counts differ") {
  put("home", numbered(1, 4));  // levels 1, 2, 0, 1
  const auto r = call_json("GET", "/timelines/home/updates/unacked_counts.json?total=0");
  CHECK(r ==
        json{{"error", nullptr}, {"unacked_counts", {{"total", 4}, {"0", 1}, {"1", 2}, {"2", 1}}}});
  CHECK(call_json("GET",
                  "/timelines/home/updates/unacked_counts.json")["unacked_counts"]["total"] == 4);
  CHECK(call_json(
            "GET",
            "/timelines/home/updates/unacked_counts.json?total=4&5=1")["unacked_counts"]["total"] ==
        4);
  CHECK(call("GET", "/timelines/home/updates/unacked_counts.json?total=x").status == 400);
}

TEST_CASE_METHOD(fixture, "the counts long poll waits for a change made through another request") {
  put("home", numbered(1, 2));
  std::optional<http_response> got;
  handler->handle({"GET",
                   "/timelines/home/updates/unacked_counts.json?total=2&_=123",
                   "",
                   {{"Host", "127.0.0.1"}}},
                  [&](http_response r) { got = std::move(r); });
  CHECK_FALSE(got.has_value());
  CHECK(watch->waiting() == 1);
  call("POST", "/timelines/home/ack.json", R"({"ids": "1"})");
  REQUIRE(got.has_value());
  CHECK(json::parse(got->body)["unacked_counts"]["total"] == 1);
  CHECK(watch->waiting() == 0);
}

TEST_CASE_METHOD(fixture, "a cancelled long poll never answers; an idle one answers unchanged") {
  put("home", numbered(1, 2));
  int answers = 0;
  auto cancel = handler->handle(
      {"GET", "/timelines/home/updates/unacked_counts.json?total=2", "", {{"Host", "127.0.0.1"}}},
      [&](http_response) { ++answers; });
  REQUIRE(cancel);
  cancel();
  CHECK(watch->waiting() == 0);
  call("POST", "/timelines/home/ack.json", "");
  CHECK(answers == 0);

  std::optional<http_response> idle;
  handler->handle(
      {"GET", "/timelines/home/updates/unacked_counts.json?total=0", "", {{"Host", "127.0.0.1"}}},
      [&](http_response r) { idle = std::move(r); });
  CHECK_FALSE(idle.has_value());
  // Run handlers (the cancelled poll's aborted timer, then the idle bound's) until answered.
  while (!idle && ioc.run_one() != 0) {
  }
  REQUIRE(idle.has_value());
  CHECK(json::parse(idle->body)["unacked_counts"]["total"] == 0);
}

TEST_CASE_METHOD(fixture, "the multi-timeline long poll compares one level across timelines") {
  put("home", numbered(1, 3));
  const std::string other_name = "tl_a%2Fb%20%F0%9F%90%A6";
  auto r = call_json(
      "GET", "/updates/unacked_counts.json?level=1&tl_home=2&" + other_name + "=0&tl_unknown=5");
  // Levels of 1..3 are 1, 2, 0: home has one at level 1 (stated 2: differs), the other
  // timeline none (stated 0: same), so only home is in the answer.
  REQUIRE(r["unacked_counts"].size() == 1);
  CHECK(r["unacked_counts"]["home"] == json{{"total", 3}, {"0", 1}, {"1", 1}, {"2", 1}});
  std::optional<http_response> got;
  handler->handle({"GET",
                   "/updates/unacked_counts.json?tl_home=3&" + other_name + "=0",
                   "",
                   {{"Host", "127.0.0.1"}}},
                  [&](http_response resp) { got = std::move(resp); });
  CHECK_FALSE(got.has_value());
  put("a/b \xf0\x9f\x90\xa6", numbered(1, 1));
  REQUIRE(got.has_value());
  const auto counts = json::parse(got->body)["unacked_counts"];
  CHECK(counts.size() == 1);
  CHECK(counts["a/b \xf0\x9f\x90\xa6"]["total"] == 1);
  CHECK(call("GET", "/updates/unacked_counts.json?tl_unknown=1").status == 400);
  CHECK(call("GET", "/updates/unacked_counts.json?level=high&tl_home=1").status == 400);
}
