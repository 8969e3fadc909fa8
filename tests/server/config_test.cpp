#include <catch2/catch.hpp>

#include "server.hpp"
#include "server_config.hpp"

using namespace roost::web;

namespace {

std::string error_of(const std::string& json) {
  server_config c;
  try {
    apply_config_json(c, json, "test");
    finish_config(c);
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a config file sets every option and timelines with their own settings") {
  server_config c;
  apply_config_json(c, R"({
    "listen": "0.0.0.0:8080", "storage": "lmdb:/tmp/x", "io_threads": 4,
    "timelines": ["home", {"name": "alerts", "hidden": true, "level_threshold": 2, "soft_max": 50}],
    "time_zone": "Asia/Tokyo", "long_poll_timeout_seconds": 30, "access_log": false
  })",
                    "test");
  finish_config(c);
  CHECK(c.listen_address == "0.0.0.0");
  CHECK(c.listen_port == 8080);
  CHECK(c.storage == "lmdb:/tmp/x");
  CHECK(c.io_threads == 4);
  REQUIRE(c.timelines.size() == 2);
  CHECK(c.find_timeline("alerts")->hidden);
  CHECK(c.find_timeline("alerts")->level_threshold == 2);
  CHECK(c.find_timeline("alerts")->soft_max == 50u);
  CHECK(c.find_timeline("nope") == nullptr);
  CHECK(c.long_poll_timeout == std::chrono::seconds(30));
  CHECK_FALSE(c.access_log);
}

TEST_CASE("defaults serve timeline home from the default SQLite file") {
  server_config c;
  finish_config(c);
  REQUIRE(c.timelines.size() == 1);
  CHECK(c.timelines[0].name == "home");
  CHECK(c.storage.rfind("sqlite:", 0) == 0);
  CHECK(c.listen_port == 5000);
}

TEST_CASE("bad configurations name the key and what was expected") {
  CHECK(error_of("{\"io_threads\": 0}").find("\"io_threads\": expected an integer from 1 to 256") !=
        std::string::npos);
  CHECK(error_of("{\"listen\": \"nohost\"}").find("\"listen\"") != std::string::npos);
  CHECK(error_of("{\"listen\": \"h:70000\"}").find("port") != std::string::npos);
  CHECK(error_of("{\"timelines\": [{\"name\": \"a\", \"hiden\": true}]}")
            .find("timelines[0].hiden") != std::string::npos);
  CHECK(error_of("{\"timelines\": [\"a\", \"a\"]}").find("listed twice") != std::string::npos);
  CHECK(error_of("{\"timelines\": [\"\"]}").find("timelines[0].name") != std::string::npos);
  CHECK(error_of("{\"typo\": 1}").find("\"typo\" is unknown") != std::string::npos);
  CHECK(error_of("[1]").find("must be a JSON object") != std::string::npos);
  CHECK(error_of("{").find("not valid JSON") != std::string::npos);
  CHECK(error_of("{\"soft_max\": 10, \"hard_max\": 5}").find("hard_max") != std::string::npos);
  // A time zone the tz database does not hold stops the server, as does one that tries
  // to name a file outside it.
  CHECK(error_of("{\"time_zone\": \"Mars/Base\"}").find("\"Mars/Base\" is not a time zone") !=
        std::string::npos);
  CHECK(error_of("{\"time_zone\": \"../../etc/passwd\"}").find("is not a time zone") !=
        std::string::npos);
  CHECK(error_of("{\"time_zone\": \"UTC\"}").empty());
  CHECK(error_of("{\"time_zone\": \"America/Argentina/Buenos_Aires\"}").empty());
}

TEST_CASE("a listen host name becomes the address it names") {
  server_config c;
  set_listen(c, "localhost:0");
  finish_config(c);
  resolve_listen_address(c);
  CHECK(c.listen_address == "127.0.0.1");
  server_config unknown;
  set_listen(unknown, "no-such-host.invalid:80");
  CHECK_THROWS_WITH(resolve_listen_address(unknown), Catch::Contains("cannot resolve the host"));
}

TEST_CASE("per-timeline truncation settings become the storage's per-timeline limits") {
  server_config c;
  apply_config_json(c, R"({"soft_max": 100, "page_size": 7,
    "timelines": ["home", {"name": "small", "soft_max": 5}, {"name": "tight", "soft_max": 5, "hard_max": 6}]})",
                    "test");
  finish_config(c);
  const auto limits = limits_of(c);
  CHECK(limits.soft_max == 100);
  CHECK(limits.default_count == 7);
  CHECK(limits.for_timeline("home").soft_max == 100);
  CHECK(limits.for_timeline("small").soft_max == 5);
  CHECK(limits.for_timeline("small").hard_limit() == 6);
  CHECK(limits.for_timeline("tight").hard_limit() == 6);
  CHECK_NOTHROW(limits.validate());
}

TEST_CASE("change feed settings: retention reaches every timeline's limits, stream bounds") {
  server_config c;
  CHECK(c.sse_heartbeat == std::chrono::seconds(15));
  CHECK(c.sse_buffer_bytes == 1024u * 1024u);
  apply_config_json(c,
                    R"({"change_retention": 7, "sse_heartbeat_seconds": 2, "sse_buffer_bytes": 4096,
    "timelines": ["home", {"name": "small", "soft_max": 5}]})",
                    "test");
  finish_config(c);
  CHECK(c.sse_heartbeat == std::chrono::seconds(2));
  CHECK(c.sse_buffer_bytes == 4096u);
  const auto limits = limits_of(c);
  CHECK(limits.for_timeline("home").change_retention == 7);
  CHECK(limits.for_timeline("small").change_retention == 7);
  CHECK(error_of("{\"sse_heartbeat_seconds\": 0}").find("sse_heartbeat_seconds") !=
        std::string::npos);
  CHECK(error_of("{\"sse_buffer_bytes\": 10}").find("from 1024 to") != std::string::npos);
  CHECK(error_of("{\"change_retention\": -1}").find("change_retention") != std::string::npos);
}

TEST_CASE("response cache settings: on by default, 0 turns it off, bounded") {
  server_config c;
  CHECK(c.response_cache == std::chrono::milliseconds(200));
  apply_config_json(c, R"({"response_cache_ms": 0, "response_cache_bytes": 2048})", "test");
  CHECK(c.response_cache == std::chrono::milliseconds(0));
  CHECK(c.response_cache_bytes == 2048u);
  CHECK(error_of("{\"response_cache_ms\": 600001}").find("response_cache_ms") != std::string::npos);
  CHECK(error_of("{\"response_cache_bytes\": 10}").find("from 1024 to") != std::string::npos);
}

TEST_CASE("a timeline's limits must agree with the global ones they fall back to") {
  CHECK_THAT(error_of(R"({"timelines": [{"name": "a", "soft_max": 10, "hard_max": 5}]})"),
             Catch::Contains("timeline \"a\""));
  // hard_max alone falls back to the global soft_max (2000).
  CHECK_THAT(error_of(R"({"timelines": [{"name": "a", "hard_max": 100}]})"),
             Catch::Contains("timelines"));
  CHECK(error_of(R"({"timelines": [{"name": "a", "hard_max": 3000}]})").empty());
}
