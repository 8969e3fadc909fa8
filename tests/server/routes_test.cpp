#include <catch2/catch.hpp>

#include "query.hpp"
#include "routes.hpp"

using namespace roost::web;

TEST_CASE("API paths route to their handlers with decoded timeline names") {
  auto m = match_route("GET", "/timelines/home/statuses.json?count=5");
  REQUIRE(std::holds_alternative<route::get_statuses>(m));
  CHECK(std::get<route::get_statuses>(m).timeline == "home");
  CHECK_FALSE(std::get<route::get_statuses>(m).html);
  CHECK(std::get<route::get_statuses>(match_route("HEAD", "/timelines/home/statuses.html")).html);
  CHECK(std::get<route::post_statuses>(match_route("POST", "/timelines/a%2Fb%20c/statuses.json"))
            .timeline == "a/b c");
  CHECK(std::get<route::ack>(match_route("POST", "/timelines/%F0%9F%90%A6/ack.json")).timeline ==
        "\xf0\x9f\x90\xa6");
  CHECK(std::get<route::timeline_counts>(
            match_route("GET", "/timelines/a+b/updates/unacked_counts.json?total=1"))
            .timeline == "a+b");
  CHECK(std::holds_alternative<route::multi_counts>(
      match_route("GET", "/updates/unacked_counts.json")));
  CHECK(std::holds_alternative<route::index_page>(match_route("GET", "/")));
  CHECK(std::get<route::timeline_page>(match_route("GET", "/timelines/q%3F%26%22/")).timeline ==
        "q?&\"");
  CHECK(std::get<route::static_asset>(match_route("GET", "/static/viewer.js")).name == "viewer.js");
  CHECK(std::holds_alternative<route::health>(match_route("GET", "/healthz")));
  CHECK(std::holds_alternative<route::health>(match_route("HEAD", "/healthz?x=1")));
  CHECK(std::get<route::wrong_method>(match_route("POST", "/healthz")).allow == "GET, HEAD");
}

TEST_CASE("wrong methods and unknown paths are told apart") {
  CHECK(
      std::get<route::wrong_method>(match_route("DELETE", "/timelines/home/statuses.json")).allow ==
      "GET, HEAD, POST");
  CHECK(std::get<route::wrong_method>(match_route("GET", "/timelines/home/ack.json")).allow ==
        "POST");
  CHECK(std::holds_alternative<route::wrong_method>(match_route("POST", "/")));
  for (const char* path : {"/nope", "/timelines/home/statuses.xml", "/timelines//statuses.json",
                           "/timelines/home/updates/other.json", "/static/", "not a path",
                           "/timelines/home/statuses.json/extra"}) {
    INFO(path);
    CHECK(std::holds_alternative<route::not_found>(match_route("GET", path)));
  }
  // A timeline's page without its slash is known: it is redirected (api.cpp).
  CHECK(std::holds_alternative<route::timeline_slash>(match_route("GET", "/timelines/home")));
}

TEST_CASE("query parameters are percent-decoded with + as a space") {
  const query_params q("/x?max_id=a%2Fb+c&count=5&count=6&empty=&%F0%9F%90%A6=1");
  CHECK(q.get("max_id") == "a/b c");
  CHECK(q.get("count") == "5");
  CHECK(q.get("empty") == "");
  CHECK(q.get("\xf0\x9f\x90\xa6") == "1");
  CHECK_FALSE(q.get("missing").has_value());
  CHECK(query_params("/x").all().empty());
}

TEST_CASE("integers parse strictly") {
  CHECK(parse_integer("42") == 42);
  CHECK(parse_integer("-3") == -3);
  for (const char* bad : {"", "4x", " 4", "4 ", "1.5", "+4", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_integer(bad).has_value());
  }
}

TEST_CASE("change feed and Atom paths") {
  CHECK(std::get<route::atom_feed>(match_route("GET", "/timelines/a%2Fb/statuses.atom?count=3"))
            .timeline == "a/b");
  const auto json_feed =
      std::get<route::changes>(match_route("GET", "/timelines/home/changes.json?since=1"));
  CHECK(json_feed.timeline == "home");
  CHECK_FALSE(json_feed.stream);
  CHECK(std::get<route::changes>(match_route("HEAD", "/timelines/home/changes")).stream);
  CHECK(std::get<route::wrong_method>(match_route("POST", "/timelines/home/changes")).allow ==
        "GET, HEAD");
  CHECK(std::holds_alternative<route::not_found>(match_route("GET", "/timelines/home/changes/x")));
}
