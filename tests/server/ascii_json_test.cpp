// The ASCII escaping of JSON answers (ascii_json.hpp): the same bytes as nlohmann's
// ensure_ascii serializer, which writes what BusyBird's encoder writes.
#include <catch2/catch.hpp>

#include <random>

#include "ascii_json.hpp"

using roost::web::ascii_json;
using json = nlohmann::json;

TEST_CASE("ascii_json escapes exactly the non-ASCII characters, surrogate pairs above U+FFFF") {
  CHECK(ascii_json(R"({"id":"plain","n":[1,2.5,null]})") == R"({"id":"plain","n":[1,2.5,null]})");
  CHECK(ascii_json("{\"id\":\"\xe5\xbc\x90\"}") == R"({"id":"\u5f10"})");  // 弐
  CHECK(ascii_json("\"\xf0\x9f\x90\xa6\"") == R"("\ud83d\udc26")");        // 🐦
  CHECK(ascii_json("\"e\xcc\x81\"") == R"("e\u0301")");                    // combining
  CHECK(ascii_json("\"\xc2\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\"") == R"("\u0080\uffff\udbff\udfff")");
  CHECK(ascii_json("\"a\xff"
                   "b\"") == R"("a\ufffdb")");          // never stored, but never passed on
  CHECK(ascii_json("\"del \x7f\"") == "\"del \x7f\"");  // ASCII: JSON::XS leaves it, as here
}

TEST_CASE("ascii_json of a stored text equals the ensure_ascii serialization of its value") {
  std::mt19937 rng(4242);
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           " ",
                                           "\\",
                                           "\"",
                                           "\n",
                                           "\xc3\xa9",
                                           "\xe5\xbc\x90",
                                           "\xe3\x82\xbf",
                                           "\xf0\x9f\x90\xa6",
                                           "\xf0\x9f\x98\x80",
                                           "e\xcc\x81",
                                           "\xe2\x80\xa8",
                                           "0123456789abcdef"};
  const auto text = [&] {
    std::string s;
    for (int k = std::uniform_int_distribution<int>(0, 40)(rng); k > 0; --k)
      s += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    json status = {{"id", text()}, {"text", text()}, {text(), {{"nested", text()}, {"n", i}}}};
    const auto stored = status.dump();  // stored form: UTF-8 as it is
    INFO(stored);
    const auto answered = ascii_json(stored);
    CHECK(answered == status.dump(-1, ' ', true));
    CHECK(json::parse(answered) == status);
  }
}
