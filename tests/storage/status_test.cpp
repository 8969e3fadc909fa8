#include <catch2/catch.hpp>

#include "storage/order_key.hpp"
#include "storage/status_storage.hpp"

using namespace roost;
using json = nlohmann::json;

TEST_CASE("ids are strings, or integers compared by their decimal text") {
  CHECK(id_text("abc") == "abc");
  CHECK(id_text(42) == "42");
  CHECK(id_text(-7) == "-7");
  CHECK(id_text(json(18446744073709551615ULL)) == "18446744073709551615");
  CHECK_THROWS_AS(id_text(1.5), invalid_request);
  CHECK_THROWS_AS(id_text(nullptr), invalid_request);
  CHECK_THROWS_AS(id_text(true), invalid_request);
  CHECK(status_id({{"id", 5}}) == "5");
  CHECK_FALSE(status_id({{"text", "x"}}).has_value());
  CHECK_FALSE(status_id({{"id", nullptr}}).has_value());
  CHECK_THROWS_AS(status_id(json::array()), invalid_request);
}

TEST_CASE("level defaults to 0 and must be an integer") {
  CHECK(status_level({{"id", 1}}) == 0);
  CHECK(status_level({{"busybird", nullptr}}) == 0);
  CHECK(status_level({{"busybird", {{"level", nullptr}}}}) == 0);
  CHECK(status_level({{"busybird", {{"level", -3}}}}) == -3);
  CHECK_THROWS_AS(status_level({{"busybird", {{"level", "3"}}}}), invalid_request);
  CHECK_THROWS_AS(status_level({{"busybird", {{"level", 18446744073709551615ULL}}}}),
                  invalid_request);
  CHECK_THROWS_AS(status_level({{"busybird", 3}}), invalid_request);
}

TEST_CASE("acked state and timestamps follow the spec's null rules") {
  CHECK_FALSE(is_acked({{"id", 1}}));
  CHECK_FALSE(is_acked({{"busybird", {{"acked_at", nullptr}}}}));
  CHECK(is_acked({{"busybird", {{"acked_at", "2013-05-16T12:56:23Z"}}}}));
  CHECK(status_acked_at({{"busybird", {{"acked_at", "2013-05-16T12:56:23Z"}}}}).has_value());
  CHECK_FALSE(status_created_at({{"created_at", nullptr}}).has_value());
  CHECK_THROWS_AS(status_created_at({{"created_at", "soon"}}), invalid_request);
  status s = {{"id", 1}, {"busybird", nullptr}};
  set_acked_at(s, "Thu May 16 12:56:23 +0000 2013");
  CHECK(s["busybird"]["acked_at"] == "Thu May 16 12:56:23 +0000 2013");
}

TEST_CASE("prepare_status serializes once and computes the order key") {
  const status s = {
      {"id", 7}, {"created_at", "2013-05-16T12:56:23Z"}, {"busybird", {{"level", 2}}}};
  const auto p = prepare_status(s);
  CHECK(p.id == "7");
  CHECK(p.level == 2);
  CHECK_FALSE(p.acked);
  CHECK(json::parse(p.json) == s);
  CHECK(p.order_key ==
        encode_order_key({std::nullopt, parse_timestamp("2013-05-16T12:56:23Z"), "7"}));
  CHECK_THROWS_AS(prepare_status({{"id", std::string("bad \xff")}}), invalid_request);
}

TEST_CASE("with_acked_at rewrites only busybird.acked_at") {
  const auto out = with_acked_at(R"({"id":"1","busybird":{"level":3},"text":"t"})", "X");
  CHECK(json::parse(out) ==
        json{{"id", "1"}, {"busybird", {{"level", 3}, {"acked_at", "X"}}}, {"text", "t"}});
}

TEST_CASE("with_acked_at replaces an acked_at that is not a string, never adds a second") {
  for (const char* stored : {R"({"busybird":{"acked_at":1},"id":"1"})",
                             R"({"busybird":{"acked_at":-2.5e3,"level":1},"id":"1"})"}) {
    INFO(stored);
    const auto out = with_acked_at(stored, "X");
    CHECK(out.find("acked_at") == out.rfind("acked_at"));  // one member, not two
    CHECK(json::parse(out)["busybird"]["acked_at"] == "X");
  }
}

TEST_CASE("timeline names must be non-empty UTF-8") {
  CHECK_NOTHROW(validate_timeline_name("home"));
  CHECK_NOTHROW(validate_timeline_name("\xf0\x9f\x90\xa6 / & ?"));
  CHECK_THROWS_AS(validate_timeline_name(""), invalid_request);
  for (const char* bad :
       {"\xff", "\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xe2\x82"}) {
    INFO("bytes: " << bad);
    CHECK_THROWS_AS(validate_timeline_name(bad), invalid_request);
  }
}
