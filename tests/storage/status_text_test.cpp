// prepare_status_text and put_status_texts: a status given as JSON text must come out exactly as
// prepare_status(parse(text)) would make it (same id, order key, level, acked state and stored
// bytes, or the same refusal), whatever form the text is in: the stored form (read without a tree),
// or indented, reordered, with repeated keys or \u escapes (the general path).
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "random_json.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"
#include "storage/json_input.hpp"
#include "storage/memory_storage.hpp"
#include "storage/status_storage.hpp"
#include "stored_form.hpp"  // white-box: which texts take the fast path

namespace {

using nlohmann::json;
using roost::test::random_text;
using roost::test::random_value;

// A value for one of the fields the order reads: mostly valid, sometimes of a wrong type or format,
// so that both the accepted and the refused cases are compared.
json random_field(std::mt19937& rng, const char* field) {
  const auto pick = std::uniform_int_distribution<int>(0, 9)(rng);
  if (pick == 9) return random_value(rng, 2);  // anything, often invalid
  if (std::string(field) == "level") return std::uniform_int_distribution<int>(-3, 5)(rng);
  if (std::string(field) == "id")
    return pick < 6 ? json("s" + std::to_string(pick) + random_text(rng)) : json(pick * 1000);
  static const char* const times[] = {"Mon Nov 23 01:02:03 +0000 2026", "2026-11-23T01:02:03+09:00",
                                      "Mon, 23 Nov 2026 01:02:03 GMT", "not a time"};
  return times[pick % 4];
}

// A key without characters dump() escapes, so that a status built of them can be in stored form
// (the reader leaves escaped keys to the general path).
std::string plain_key(std::mt19937& rng) {
  static const char* const parts[] = {"a", "b", "Z",           "_",
                                      " ", "0", "caf\xc3\xa9", "\xf0\x9f\x90\xa6"};
  std::string out;
  for (int n = std::uniform_int_distribution<int>(0, 3)(rng); n > 0; --n)
    out += parts[std::uniform_int_distribution<std::size_t>(0, std::size(parts) - 1)(rng)];
  return out;
}

// Any value but a float (a float is never read in stored form); strings hold every escape.
json value_without_floats(std::mt19937& rng, int depth) {
  switch (std::uniform_int_distribution<int>(0, depth > 2 ? 3 : 5)(rng)) {
    case 0: return std::uniform_int_distribution<int>(0, 2)(rng) ? json(nullptr) : json(true);
    case 1: return std::uniform_int_distribution<std::int64_t>(INT64_MIN, INT64_MAX)(rng);
    case 2: return std::uniform_int_distribution<std::uint64_t>(0, UINT64_MAX)(rng);
    case 3: return random_text(rng);
    case 4: {
      auto array = json::array();
      for (int n = std::uniform_int_distribution<int>(0, 3)(rng); n > 0; --n)
        array.push_back(value_without_floats(rng, depth + 1));
      return array;
    }
    default: {
      auto object = json::object();
      for (int n = std::uniform_int_distribution<int>(0, 4)(rng); n > 0; --n)
        object[plain_key(rng)] = value_without_floats(rng, depth + 1);
      return object;
    }
  }
}

// Half of the statuses can be in stored form (plain keys, no floats); the others have any keys and
// values.
json random_status(std::mt19937& rng) {
  const bool plain = std::uniform_int_distribution<int>(0, 1)(rng);
  auto s = json::object();
  for (int n = std::uniform_int_distribution<int>(0, 5)(rng); n > 0; --n) {
    if (plain)
      s[plain_key(rng)] = value_without_floats(rng, 1);
    else
      s[random_text(rng)] = random_value(rng, 1);
  }
  if (std::uniform_int_distribution<int>(0, 19)(rng) != 0) s["id"] = random_field(rng, "id");
  if (std::uniform_int_distribution<int>(0, 1)(rng))
    s["created_at"] = random_field(rng, "created_at");
  if (std::uniform_int_distribution<int>(0, 2)(rng)) {
    auto b = json::object();
    if (std::uniform_int_distribution<int>(0, 1)(rng)) b["level"] = random_field(rng, "level");
    if (std::uniform_int_distribution<int>(0, 1)(rng))
      b["acked_at"] = random_field(rng, "acked_at");
    if (std::uniform_int_distribution<int>(0, 1)(rng))
      b[plain ? plain_key(rng) : random_text(rng)] =
          plain ? value_without_floats(rng, 2) : random_value(rng, 2);
    s["busybird"] = std::uniform_int_distribution<int>(0, 15)(rng) ? b : random_value(rng, 3);
  }
  return s;
}

// `value` as JSON text in a form chosen by `style`: 0 the stored form, 1 indented, 2 non-ASCII as
// \u escapes, 3 object members in random order, 4 a member repeated (an earlier, different value
// that parse() discards), 5 spaces around every token.
std::string render(const json& value, int style, std::mt19937& rng) {
  if (style == 0) return value.dump();
  if (style == 1) return value.dump(2);
  if (style == 2) return value.dump(-1, ' ', true);
  const std::string gap = style == 5 ? " \n\t" : "";
  if (value.is_array()) {
    std::string out = "[" + gap;
    for (std::size_t i = 0; i < value.size(); ++i)
      out += (i ? "," + gap : "") + render(value[i], style, rng) + gap;
    return out + "]";
  }
  if (!value.is_object()) return value.dump();
  std::vector<std::pair<std::string, const json*>> members;
  for (const auto& [key, member] : value.items()) members.emplace_back(key, &member);
  if (style == 3) std::shuffle(members.begin(), members.end(), rng);
  std::string out = "{" + gap;
  bool first = true;
  const auto add = [&](const std::string& key, const std::string& text) {
    out += (first ? "" : "," + gap) + json(key).dump() + gap + ":" + gap + text + gap;
    first = false;
  };
  for (const auto& [key, member] : members) {
    if (style == 4 && std::uniform_int_distribution<int>(0, 2)(rng) == 0) add(key, "\"earlier\"");
    add(key, render(*member, style, rng));
  }
  return out + "}";
}

// What preparing gave: the prepared status, or the refusal's message.
struct outcome {
  std::optional<roost::prepared_status> status;
  std::string refusal;
};

template <typename Prepare>
outcome attempt(Prepare prepare) {
  try {
    return {prepare(), {}};
  } catch (const roost::invalid_request& e) {
    return {std::nullopt, e.what()};
  }
}

void require_same(const outcome& from_text, const outcome& from_tree) {
  REQUIRE(from_text.status.has_value() == from_tree.status.has_value());
  if (!from_tree.status) {
    CHECK(from_text.refusal == from_tree.refusal);
    return;
  }
  CHECK(from_text.status->id == from_tree.status->id);
  CHECK(from_text.status->order_key == from_tree.status->order_key);
  CHECK(from_text.status->level == from_tree.status->level);
  CHECK(from_text.status->acked == from_tree.status->acked);
  CHECK(from_text.status->json == from_tree.status->json);
}

}  // namespace

TEST_CASE("a status text prepares exactly as its parsed document, in every form") {
  std::mt19937 rng(20261123);
  for (int i = 0; i < 3000; ++i) {
    const auto document = random_status(rng);
    for (int style = 0; style < 6; ++style) {
      const auto text = render(document, style, rng);
      INFO("text: " << json(text).dump());
      const auto expected = attempt([&] { return roost::prepare_status(json::parse(text)); });
      require_same(attempt([&] { return roost::prepare_status_text(text); }), expected);
    }
  }
}

TEST_CASE("a status text in stored form is stored byte for byte") {
  const json s = {{"id", "a"},
                  {"text", "caf\xc3\xa9 \"q\" \\ \x01"},
                  {"n", 1.5},
                  {"i", -3},
                  {"busybird", {{"level", 2}, {"acked_at", "Mon Nov 23 01:02:03 +0000 2026"}}}};
  const auto prepared = roost::prepare_status_text(s.dump());
  CHECK(prepared.json == s.dump());
  CHECK(prepared.id == "a");
  CHECK(prepared.level == 2);
  CHECK(prepared.acked);
}

TEST_CASE("a status text that is not a JSON status is refused") {
  const std::string bad[] = {"",
                             "{",
                             "{\"id\":\"a\"} x",
                             "[1]",
                             "42",
                             "\"id\"",
                             "null",
                             "{\"id\":\"a\",}",
                             "{\"id\":\"\xff\"}",
                             "{\"id\":\"a\",\"t\":\"\xed\xa0\x80\"}",
                             "{\"id\":\"\\ud800\"}",
                             "{\"a\":1}",
                             "{\"id\":[1]}",
                             "{\"id\":\"a\",\"busybird\":[]}",
                             "{\"id\":\"a\",\"busybird\":{\"level\":{}}}"};
  for (const auto& text : bad) {
    INFO("text: " << json(text).dump(-1, ' ', false, json::error_handler_t::replace));
    CHECK_THROWS_AS(roost::prepare_status_text(text), roost::invalid_request);
  }
}

TEST_CASE("put_status_texts stores what put_statuses stores, or refuses and changes nothing") {
  std::mt19937 rng(7);
  std::vector<json> statuses;
  std::vector<std::string> texts;
  for (int i = 0; i < 50; ++i) {
    json s = {{"id", "s" + std::to_string(i)},
              {"text", random_text(rng)},
              {"created_at", "Mon Nov 23 01:02:03 +0000 2026"},
              {"busybird", {{"level", i % 3}}}};
    statuses.push_back(s);
    texts.push_back(render(s, i % 6, rng));
  }
  auto by_tree = roost::make_memory_storage();
  auto by_text = roost::make_memory_storage();
  using roost::put_mode;
  CHECK(roost::blocking::put_statuses(*by_tree, {"home", put_mode::insert, statuses}) == 50);
  CHECK(roost::blocking::put_status_texts(*by_text, {"home", put_mode::insert, texts}) == 50);
  const roost::get_request all{.timeline = "home", .count = roost::status_count::all()};
  CHECK(roost::blocking::get_status_texts(*by_text, all) ==
        roost::blocking::get_status_texts(*by_tree, all));
  CHECK(roost::blocking::get_unacked_counts(*by_text, "home") ==
        roost::blocking::get_unacked_counts(*by_tree, "home"));

  SECTION("a bad text is named by its position and nothing of the request is stored") {
    texts[7] = "{\"id\": \"late\",";
    texts[0] = R"({"id":"new"})";
    CHECK_THROWS_WITH(
        roost::blocking::put_status_texts(*by_text, {"home", put_mode::upsert, texts}),
        Catch::Contains("status text 7 of the request") && Catch::Contains("not valid JSON"));
    CHECK(roost::blocking::get_status_texts(*by_text, all) ==
          roost::blocking::get_status_texts(*by_tree, all));
  }
  SECTION("the timeline and the mode are checked as put_statuses checks them") {
    CHECK_THROWS_AS(roost::blocking::put_status_texts(*by_text, {"", put_mode::insert, texts}),
                    roost::invalid_request);
    CHECK_THROWS_AS(roost::blocking::put_status_texts(*by_text, {"home", put_mode{}, texts}),
                    roost::invalid_request);
  }
}

TEST_CASE("the stored-form reader takes exactly dump()'s output") {
  const json s = {
      {"id", "s1"},
      {"created_at", "Mon Nov 23 01:02:03 +0000 2026"},
      {"text", "caf\xc3\xa9 \"q\" \\ \x01\x1f\b\t\n\f\r / \x7f \xf0\x9f\x90\xa6"},
      {"n", {-9223372036854775807LL - 1, 0, 18446744073709551615ULL, -1}},
      {"flags", {true, false, nullptr, json::object(), json::array()}},
      {"user", {{"name", "x"}, {"entities", {{"a", {1, 2}}}}}},
      {"busybird", {{"level", -2}, {"acked_at", "Tue Nov 24 01:02:03 +0000 2026"}, {"x", 1}}}};
  const auto text = s.dump();
  json fields;
  REQUIRE(roost::detail::read_stored_form(text, fields));
  CHECK(fields ==
        json{{"id", "s1"},
             {"created_at", "Mon Nov 23 01:02:03 +0000 2026"},
             {"busybird", {{"level", -2}, {"acked_at", "Tue Nov 24 01:02:03 +0000 2026"}}}});
  CHECK(fields["busybird"]["level"].is_number_integer());
  CHECK(roost::detail::read_stored_form("{}", fields));
  CHECK(fields == json::object());

  // The same document in other forms, and texts that are not JSON: all left to parse().
  const auto replaced = [&](const std::string& from, const std::string& to) {
    auto out = text;
    const auto at = out.find(from);
    INFO("replacing: " << from);
    REQUIRE(at != std::string::npos);
    return out.replace(at, from.size(), to);
  };
  const std::string others[] = {
      s.dump(1),
      replaced("\"id\":", "\"id\" :"),
      replaced("{\"busybird\"", "{ \"busybird\""),
      text + " ",
      replaced("\"name\":\"x\"", "\"name\":\"x\",\"name\":\"y\""),  // a repeated key
      replaced("\"entities\":{\"a\":[1,2]},\"name\":\"x\"",
               "\"name\":\"x\",\"entities\":{\"a\":[1,2]}"),
      replaced(" / ", " \\/ "),
      replaced("caf\xc3\xa9", "caf\\u00e9"),
      replaced("\\u001f", "\\u001F"),
      replaced("\\t", "\\u0009"),
      replaced("\\\"q", "\\u0022q"),
      replaced("\"level\":-2", "\"level\":-2.0"),
      replaced("\"level\":-2", "\"level\":-2e0"),
      replaced("[1,2]", "[01,2]"),
      replaced("[1,2]", "[-0,2]"),
      replaced("[1,2]", "[+1,2]"),
      replaced("18446744073709551615", "18446744073709551616"),
      replaced("-9223372036854775808", "-9223372036854775809"),
      replaced("[1,2]", "[1,2,]"),
      replaced("true", "True"),
      replaced("\\u0001", "\x01"),
      replaced("caf\xc3\xa9", "caf\xc3"),
      replaced("\"id\":\"s1\"", "\"id\":\"s\\u00311\""),  // a field the order reads, escaped
      text.substr(0, text.size() - 1),
      text + "{}",
      "[" + text + "]",
      "\"s1\"",
      "",
  };
  for (const auto& other : others) {
    INFO("text: " << json(other).dump(-1, ' ', false, json::error_handler_t::replace));
    CHECK_FALSE(roost::detail::read_stored_form(other, fields));
  }
}

TEST_CASE("deep nesting: read on the general path, refused beyond the limit, never a crash") {
  json deep = json::array();
  for (int i = 0; i < 40; ++i) deep = json::array({deep});
  const json s = {{"id", "deep"}, {"tree", deep}};
  json fields;
  CHECK_FALSE(roost::detail::read_stored_form(s.dump(), fields));  // past the reader's stack
  CHECK(roost::prepare_status_text(s.dump()).json == s.dump());

  const auto depth = roost::max_status_depth;
  const auto nested = [](std::size_t levels) {
    return R"({"id":"x","t":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  CHECK(roost::prepare_status_text(nested(depth - 1)).id == "x");
  CHECK_THROWS_WITH(roost::prepare_status_text(nested(depth)), Catch::Contains("nests deeper"));
  CHECK_THROWS_AS(roost::prepare_status_text(nested(200000)), roost::invalid_request);
}

TEST_CASE("acking a stored text splices acked_at in exactly where dump() puts it") {
  std::mt19937 rng(1123);
  const std::string at = "Mon Nov 23 01:02:03 +0000 2026";
  int spliced = 0;
  for (int i = 0; i < 3000; ++i) {
    // Busybird missing, empty, with other members around where acked_at goes, or with
    // acked_at set already; top-level members before and after "busybird".
    auto s = json::object();
    for (int n = std::uniform_int_distribution<int>(0, 4)(rng); n > 0; --n)
      s[plain_key(rng) + (n % 2 ? "~" : "")] = value_without_floats(rng, 2);
    s["id"] = "s" + std::to_string(i);
    const int shape = std::uniform_int_distribution<int>(0, 3)(rng);
    if (shape > 0) {
      auto b = json::object();
      for (int n = std::uniform_int_distribution<int>(0, 3)(rng); n > 0; --n)
        b[std::string(1, "aby_"[std::uniform_int_distribution<int>(0, 3)(rng)]) + plain_key(rng)] =
            value_without_floats(rng, 3);
      if (shape == 3) b["acked_at"] = "Sun Nov 22 01:02:03 +0000 2026";
      s["busybird"] = b;
    }
    auto expected = s;
    roost::set_acked_at(expected, at);
    INFO("stored: " << s.dump());
    std::string out;
    if (roost::detail::set_acked_at_in_stored_form(s.dump(), at, out)) {
      ++spliced;
      REQUIRE(out == expected.dump());
    }
    REQUIRE(roost::with_acked_at(s.dump(), at) == expected.dump());
  }
  CHECK(spliced == 3000);  // every status above is in stored form: the splice was tested
}

namespace {

// True when both trees are equal with the same types throughout (json's == treats 1 and
// 1u as equal; parse() types non-negative integers unsigned).
bool same_tree(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y)
      if (x.key() != y.key() || !same_tree(*x, *y)) return false;
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_tree(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

}  // namespace

TEST_CASE("a stored text is read into the very tree parse() builds") {
  std::mt19937 rng(2311);
  int built = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto document = random_status(rng);
    for (int style = 0; style < 6; ++style) {
      const auto text = render(document, style, rng);
      INFO("text: " << json(text).dump());
      const auto expected = json::parse(text);
      json tree;
      if (roost::detail::build_stored_form(text, tree)) {
        ++built;
        REQUIRE(text == expected.dump());  // only the stored form is read this way
        REQUIRE(same_tree(tree, expected));
      }
      REQUIRE(same_tree(roost::detail::parse_stored_text(text), expected));
    }
  }
  CHECK(built > 1000);  // the plain half of the statuses, in stored form
  CHECK_THROWS_AS(roost::detail::parse_stored_text("{\"a\":"), json::parse_error);
}
