// The change feed's wire forms: JSON objects, the changes.json body, SSE framing, and
// the parsing of revisions and Accept headers from clients.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "change_format.hpp"

using namespace roost;
using namespace roost::web;
using json = nlohmann::json;

TEST_CASE("each kind of change becomes one JSON object on one line") {
  const status_change insert{.revision = 7,
                             .op = change_op::insert,
                             .id = "a\"b",
                             .status_json = R"({"id":"a\"b","text":"x\ny"})"};
  const auto text = change_json(insert);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(json::parse(text) == json{{"rev", 7},
                                  {"op", "insert"},
                                  {"id", "a\"b"},
                                  {"status", {{"id", "a\"b"}, {"text", "x\ny"}}}});
  // The stored text is embedded byte for byte, not re-serialized.
  CHECK(text.find(R"("status":{"id":"a\"b","text":"x\ny"})") != std::string::npos);

  CHECK(
      json::parse(change_json({.revision = 8,
                               .op = change_op::ack,
                               .id = "1",
                               .acked_at = "Thu May 16 12:56:23 +0000 2013"})) ==
      json{{"rev", 8}, {"op", "ack"}, {"id", "1"}, {"acked_at", "Thu May 16 12:56:23 +0000 2013"}});
  CHECK(json::parse(change_json({.revision = 9, .op = change_op::remove, .id = "1"})) ==
        json{{"rev", 9}, {"op", "delete"}, {"id", "1"}});
  CHECK(json::parse(change_json({.revision = 10,
                                 .op = change_op::update,
                                 .id = "2",
                                 .status_json = "{\n\"id\": \"2\"\n}"})) ==
        json{{"rev", 10}, {"op", "update"}, {"id", "2"}, {"status", {{"id", "2"}}}});
  CHECK(change_json({.revision = 10,
                     .op = change_op::update,
                     .id = "2",
                     .status_json = "{\n\"id\": \"2\"\n}"})
            .find('\n') == std::string::npos);
}

TEST_CASE("changes.json and SSE events carry the same objects") {
  const std::vector<status_change> changes{
      {.revision = 1, .op = change_op::insert, .id = "1", .status_json = R"({"id":"1"})"},
      {.revision = 2, .op = change_op::remove, .id = "1"}};
  const auto body = json::parse(changes_body(changes, 5));
  CHECK(body["error"].is_null());
  CHECK(body["last_rev"] == 5);
  REQUIRE(body["changes"].size() == 2);
  CHECK(body["changes"][1] == json::parse(change_json(changes[1])));
  CHECK(json::parse(changes_body({}, 0)) ==
        json{{"error", nullptr}, {"changes", json::array()}, {"last_rev", 0}});
  CHECK(sse_event(changes[1]) == "id: 2\ndata: " + change_json(changes[1]) + "\n\n");
}

TEST_CASE("revisions from clients are plain decimal numbers") {
  CHECK(parse_revision("0") == 0u);
  CHECK(parse_revision("18446744073709551615") == UINT64_MAX);
  for (const char* bad :
       {"", "-1", "+1", " 1", "1 ", "1.0", "0x10", "18446744073709551616", "abc"}) {
    INFO(bad);
    CHECK_FALSE(parse_revision(bad).has_value());
  }
}

TEST_CASE("an Accept header names the event stream among its media ranges") {
  CHECK(accepts_event_stream("text/event-stream"));
  CHECK(accepts_event_stream("application/json, Text/Event-Stream;q=0.9"));
  CHECK(accepts_event_stream(" text/event-stream ; charset=utf-8"));
  CHECK_FALSE(accepts_event_stream(""));
  CHECK_FALSE(accepts_event_stream("*/*"));
  CHECK_FALSE(accepts_event_stream("text/event-streams, text/html"));
  CHECK_FALSE(accepts_event_stream(","));
}
