// The stored form of a status: prepare_status must serialize exactly as nlohmann's
// dump() does (stores written before the faster writer hold dump()'s bytes, and the
// change feed and exports compare texts), and must refuse text that is not UTF-8.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "random_json.hpp"
#include "storage/errors.hpp"
#include "storage/status_storage.hpp"

using roost::test::random_text;
using roost::test::random_value;

TEST_CASE("a prepared status is serialized exactly as dump() serializes it") {
  std::mt19937 rng(20261123);
  for (int i = 0; i < 2000; ++i) {
    auto s = nlohmann::json::object();
    s["id"] = "status " + std::to_string(i);
    for (int n = 0; n < 6; ++n) s[random_text(rng)] = random_value(rng, 0);
    s["id"] = "status " + std::to_string(i);  // a random key may have replaced it
    s.erase("busybird");
    s.erase("created_at");
    INFO(s.dump());
    REQUIRE(roost::prepare_status(s).json == s.dump());
  }
}

TEST_CASE("special numbers serialize as dump() does") {
  for (const auto& value : {nlohmann::json(0.0), nlohmann::json(-0.0), nlohmann::json(100.0),
                            nlohmann::json(1e300), nlohmann::json(0.1), nlohmann::json(INT64_MIN),
                            nlohmann::json(UINT64_MAX), nlohmann::json(-1)}) {
    const nlohmann::json s = {{"id", "x"}, {"n", value}, {"list", {value, value}}};
    CHECK(roost::prepare_status(s).json == s.dump());
  }
}

TEST_CASE("acking a stored text rewrites it as dump() would") {
  const nlohmann::json s = {{"id", "a"}, {"text", "tab\there \xe2\x9c\x93"}, {"n", 1.5}};
  const auto acked = roost::with_acked_at(s.dump(), "Mon Nov 23 00:00:00 +0000 2026");
  auto expected = s;
  expected["busybird"]["acked_at"] = "Mon Nov 23 00:00:00 +0000 2026";
  CHECK(acked == expected.dump());
}

TEST_CASE("a status whose strings or keys are not UTF-8 is refused") {
  const std::string bad[] = {"\xff",
                             "\xc3",
                             "\xe6\x97",
                             "\xed\xa0\x80" /* surrogate */,
                             "\xc0\xaf" /* overlong */,
                             "abcdefgh\x80ijklmnop"};
  for (const auto& text : bad) {
    INFO(nlohmann::json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
    CHECK_THROWS_AS(roost::prepare_status({{"id", "x"}, {"text", text}}), roost::invalid_request);
    CHECK_THROWS_AS(roost::prepare_status({{"id", "x"}, {"nested", {{text, 1}}}}),
                    roost::invalid_request);
  }
}
