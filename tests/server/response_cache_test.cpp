// The cache of GET statuses answers: kept until the timeline changes or the entry
// expires, never kept when read across a change, bounded in bytes; and through the api,
// a write is visible to the very next read.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "api.hpp"
#include "response_cache.hpp"
#include "server_services.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"

using namespace roost;
using namespace roost::web;
using json = nlohmann::json;

namespace {

http_response answer(std::string body) {
  http_response r;
  r.body = std::move(body);
  return r;
}

status status_numbered(int i) {
  return {{"id", "s" + std::to_string(i)},
          {"created_at",
           "2013-05-16T12:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "Z"}};
}

void put(status_storage& storage, const std::string& timeline, int i) {
  blocking::put_statuses(
      storage, {.timeline = timeline, .mode = put_mode::insert, .statuses = {status_numbered(i)}});
}

struct fake_clock {
  std::chrono::steady_clock::time_point t{std::chrono::hours(1)};
  std::function<std::chrono::steady_clock::time_point()> function() {
    return [this] { return t; };
  }
};

}  // namespace

TEST_CASE("a kept answer is found until its timeline changes", "[server][cache]") {
  memory_storage storage;
  fake_clock clock;
  response_cache cache(storage, {.ttl = std::chrono::milliseconds(200), .now = clock.function()});
  const auto g = cache.generation("home");
  cache.store("home", "/timelines/home/statuses.json", g, answer("page 1"));
  cache.store("other", "/timelines/other/statuses.json", cache.generation("other"), answer("x"));
  REQUIRE(cache.find("home", "/timelines/home/statuses.json"));
  CHECK(cache.find("home", "/timelines/home/statuses.json")->body == "page 1");
  CHECK_FALSE(cache.find("home", "/timelines/home/statuses.json?count=2"));  // per target

  put(storage, "home", 1);
  CHECK_FALSE(cache.find("home", "/timelines/home/statuses.json"));
  CHECK(cache.generation("home") != g);
  CHECK(cache.find("other", "/timelines/other/statuses.json"));  // other timelines keep theirs
  CHECK(cache.kept_bytes() == 1);
}

TEST_CASE("an answer read across a change is not kept", "[server][cache]") {
  memory_storage storage;
  response_cache cache(storage, {});
  const auto before = cache.generation("home");
  put(storage, "home", 1);  // lands while the (old) answer was being read
  cache.store("home", "/t", before, answer("stale"));
  CHECK_FALSE(cache.find("home", "/t"));
  CHECK(cache.kept_bytes() == 0);
}

TEST_CASE("a kept answer expires after the ttl", "[server][cache]") {
  memory_storage storage;
  fake_clock clock;
  response_cache cache(storage, {.ttl = std::chrono::milliseconds(200), .now = clock.function()});
  cache.store("home", "/t", cache.generation("home"), answer("page"));
  clock.t += std::chrono::milliseconds(199);
  CHECK(cache.find("home", "/t"));
  clock.t += std::chrono::milliseconds(1);
  CHECK_FALSE(cache.find("home", "/t"));
}

TEST_CASE("only whole 200 answers that fit the bound are kept", "[server][cache]") {
  memory_storage storage;
  fake_clock clock;
  response_cache cache(
      storage, {.ttl = std::chrono::milliseconds(200), .max_bytes = 4000, .now = clock.function()});
  auto not_found = answer("{}");
  not_found.status = 404;
  cache.store("home", "/404", cache.generation("home"), not_found);
  CHECK_FALSE(cache.find("home", "/404"));
  cache.store("home", "/big", cache.generation("home"), answer(std::string(1001, 'x')));
  CHECK_FALSE(cache.find("home", "/big"));  // over a quarter of the bound

  for (int i = 0; i < 40; ++i) {
    cache.store("home", "/p" + std::to_string(i), cache.generation("home"),
                answer(std::string(1000, 'a')));
    CHECK(cache.kept_bytes() <= 4000);
    CHECK(cache.find("home", "/p" + std::to_string(i)));  // the newest is always kept
  }
  // Replacing an entry does not count it twice.
  cache.store("home", "/p39", cache.generation("home"), answer(std::string(10, 'b')));
  CHECK(cache.find("home", "/p39")->body.size() == 10);
  CHECK(cache.kept_bytes() <= 4000);
}

TEST_CASE("through the api a write is visible to the next read, and repeats are kept",
          "[server][cache]") {
  server_config config;
  config.timelines = {{.name = "home"}};
  memory_storage storage;
  response_cache cache(storage, {});
  boost::asio::io_context ioc;
  count_watch watch(storage, ioc.get_executor(), std::chrono::seconds(1));
  change_feed feed(storage, ioc.get_executor(), {});
  std::map<std::string, timeline, std::less<>> timelines;
  timelines.emplace("home", timeline("home", storage));
  server_services services({.config = config,
                            .storage = storage,
                            .timelines = timelines,
                            .watch = watch,
                            .feed = feed,
                            .responses = &cache});
  api handler(config, services);
  const auto call = [&](const std::string& method, const std::string& target,
                        const std::string& body = "") {
    std::optional<http_response> got;
    handler.handle({method, target, body, {{"Host", "127.0.0.1"}}},
                   [&](http_response r) { got = std::move(r); });
    REQUIRE(got.has_value());
    return *got;
  };
  const std::string page = "/timelines/home/statuses.json?count=5";
  put(storage, "home", 1);
  CHECK(json::parse(call("GET", page).body)["statuses"].size() == 1);
  CHECK(cache.find("home", page));  // kept for the next reader
  CHECK(call("GET", page).body == cache.find("home", page)->body);

  CHECK(call("POST", "/timelines/home/statuses.json", status_numbered(2).dump()).status == 200);
  CHECK(json::parse(call("GET", page).body)["statuses"].size() == 2);
  CHECK(call("POST", "/timelines/home/ack.json", "{}").status == 200);
  const auto after_ack = json::parse(call("GET", page + "&ack_state=unacked").body);
  CHECK(after_ack["statuses"].empty());
  CHECK(json::parse(call("GET", page).body)["statuses"][0]["busybird"].contains("acked_at"));
  // An error is never kept.
  CHECK(call("GET", "/timelines/home/statuses.json?count=x").status == 400);
  CHECK_FALSE(cache.find("home", "/timelines/home/statuses.json?count=x"));
}
