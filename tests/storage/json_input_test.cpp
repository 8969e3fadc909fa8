// The one rule for input from outside (storage/json_input.hpp, storage/utf8.hpp): the
// parser, the depth scan, lossy quoting, and the UTF-8 validator every way in shares.
#include <catch2/catch.hpp>

#include <string>

#include "storage/blocking.hpp"
#include "storage/errors.hpp"
#include "storage/json_input.hpp"
#include "storage/memory_storage.hpp"
#include "storage/status_storage.hpp"
#include "storage/utf8.hpp"

using namespace std::string_literals;
using json = nlohmann::json;

namespace {

// A status whose "t" member nests `levels` arrays: the status is levels + 1 deep.
std::string nested_status(std::size_t levels) {
  return R"({"id":"x","t":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
}

std::string message_of(std::string_view text, std::size_t max_depth = 8) {
  try {
    roost::parse_json_input(text, max_depth, "the body");
    return "accepted";
  } catch (const roost::invalid_request& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("json_nesting_depth counts containers, skips strings, stops past the limit") {
  CHECK(roost::json_nesting_depth("1", 10) == 0);
  CHECK(roost::json_nesting_depth("{}", 10) == 1);
  CHECK(roost::json_nesting_depth(R"({"a":[1,{"b":2}]})", 10) == 3);
  CHECK(roost::json_nesting_depth(R"("[[[[")", 10) == 0);
  CHECK(roost::json_nesting_depth(R"("\"[[")", 10) == 0);
  CHECK(roost::json_nesting_depth(std::string(1000000, '['), 64) == 65);
}

TEST_CASE("parse_json_input refuses what the parser would silently misread") {
  CHECK(message_of(R"({"id":"a"})") == "accepted");
  // nlohmann's lexer takes a NUL for the end: the second document would be dropped.
  CHECK_THAT(message_of("{\"id\":\"a\"}\0{\"id\":\"b\"}"s),
             Catch::Contains("NUL byte at offset 10"));
  CHECK_THAT(message_of("{\"id\":\"a\0b\"}"s), Catch::Contains("NUL byte"));
  CHECK_THAT(message_of(R"({"id":"a"} {"id":"b"})"), Catch::Contains("not valid JSON"));
  CHECK_THAT(message_of("{\"id\":\"o5\"} \xff"), Catch::Contains("not valid JSON"));
  CHECK_THAT(message_of(R"({"level":1e999})"), Catch::Contains("not valid JSON"));
  CHECK_THAT(message_of(R"({"id":"\ud800"})"), Catch::Contains("not valid JSON"));
}

TEST_CASE("parse_json_input: ill-formed UTF-8 is refused with a message that is UTF-8") {
  for (const std::string& bad : {"\xff\xfe"s, "\xed\xa0\x80"s /* CESU-8 surrogate */,
                                 "\xc0\xaf"s /* overlong */, "caf\xe9"s /* Latin-1 */}) {
    for (const auto& text : {R"({"text":")" + bad + R"("})", R"({")" + bad + R"(":1})"}) {
      const auto message = message_of(text);
      INFO(roost::lossy_utf8(text));
      CHECK_THAT(message, Catch::Contains("not valid JSON"));
      CHECK(roost::is_valid_utf8(message));
      // Quoting the message strictly, as a JSON error body does, must not throw.
      CHECK_NOTHROW(json(message).dump());
    }
  }
}

TEST_CASE("parse_json_input: the depth limit is exact, and outer levels are counted apart") {
  CHECK(message_of(std::string(8, '[') + std::string(8, ']')) == "accepted");
  CHECK_THAT(message_of(std::string(9, '[') + std::string(9, ']')),
             Catch::Contains("the body nests deeper than 8 levels"));
  const auto list = "[" + std::string(8, '[') + std::string(8, ']') + "]";
  CHECK_NOTHROW(roost::parse_json_input(list, 8, "the body", 1));
  CHECK_THROWS_WITH(roost::parse_json_input("[" + list + "]", 8, "the body", 1),
                    Catch::Contains("deeper than 8 levels inside its outer level"));
  // A hostile depth costs only the bytes up to the limit.
  CHECK_THROWS_AS(roost::parse_json_input(std::string(50'000'000, '['), 8), roost::invalid_request);
}

TEST_CASE("quote_lossy and lossy_utf8 replace each ill-formed byte by U+FFFD") {
  CHECK(roost::lossy_utf8("a\xff"
                          "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(roost::lossy_utf8("\xed\xa0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(roost::lossy_utf8("\xf0\x9f\x90\xa6 ok") == "\xf0\x9f\x90\xa6 ok");
  CHECK(roost::quote_lossy("tl_\xff") == "\"tl_\xEF\xBF\xBD\"");
  CHECK(roost::quote_lossy("a\"b\n") == R"("a\"b\n")");
}

TEST_CASE("is_valid_utf8 follows the standard's table of well-formed sequences") {
  CHECK(roost::is_valid_utf8(""));
  CHECK(roost::is_valid_utf8("plain ASCII that is longer than eight bytes"));
  CHECK(
      roost::is_valid_utf8("\xc2\x80 \xe0\xa0\x80 \xed\x9f\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"));
  for (const std::string& bad :
       {"\x80"s, "\xc1\xbf"s, "\xe0\x9f\xbf"s, "\xed\xa0\x80"s, "\xf0\x8f\xbf\xbf"s,
        "\xf4\x90\x80\x80"s, "\xf5\x80\x80\x80"s, "\xe2\x82"s, "long ascii run \xff"s}) {
    INFO(roost::lossy_utf8(bad));
    CHECK_FALSE(roost::is_valid_utf8(bad));
  }
}

TEST_CASE("every way into a store shares max_status_depth: trees, texts, NUL bytes") {
  roost::memory_storage storage;
  // A status text exactly at the limit is stored; one level more is refused.
  CHECK(roost::prepare_status_text(nested_status(roost::max_status_depth - 1)).id == "x");
  CHECK_THROWS_WITH(roost::prepare_status_text(nested_status(roost::max_status_depth)),
                    Catch::Contains("nests deeper than 512"));
  // A tree built in memory, never parsed, is held to the same limit by the writer.
  json deep = json::array();
  // 511 levels of arrays inside the status object: 512 in all.
  for (std::size_t i = 2; i < roost::max_status_depth; ++i) deep = json::array({deep});
  CHECK_NOTHROW(roost::prepare_status({{"id", "at-limit"}, {"t", deep}}));
  CHECK_THROWS_WITH(roost::prepare_status({{"id", "past"}, {"t", json::array({deep})}}),
                    Catch::Contains("nests deeper than 512"));
  CHECK_THROWS_AS(
      roost::blocking::put_statuses(
          storage, {.timeline = "t", .statuses = {{{"id", "p"}, {"t", json::array({deep})}}}}),
      roost::invalid_request);
  CHECK_THROWS_WITH(roost::prepare_status_text("{\"id\":\"a\"}\0{\"id\":\"b\"}"s),
                    Catch::Contains("NUL"));
}
