#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

status with_text(const std::string& id, const std::string& text, int created_seconds) {
  return make_status({.id = id, .created_at = created(created_seconds), .text = text});
}

const status* find_id(const std::vector<status>& statuses, const std::string& id) {
  for (const auto& s : statuses)
    if (status_id(s) == id) return &s;
  return nullptr;
}

}  // namespace

std::vector<contract_case> put_cases() {
  return {
      {"put insert adds new ids and skips ids already in the timeline",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.put("home", put_mode::insert, numbered(1, 3)) == 3);
         CHECK(d.put("home", put_mode::insert,
                     {with_text("2", "changed", 2), with_text("4", "new", 4)}) == 1);
         const auto all = d.all("home");
         CHECK(d.all_ids("home") == std::vector<std::string>{"4", "3", "2", "1"});
         CHECK(find_id(all, "2")->at("text") == "status 2");
         d.check_exactly_once();
       }},
      {"put update replaces existing statuses whole and skips unknown ids",
       [](storage_suite& suite) {
         auto d = open(suite);
         auto first = make_status({.id = "1", .created_at = created(1), .level = 3});
         first["extra"] = "to be dropped";
         d.put("home", put_mode::insert, {first});
         CHECK(d.put("home", put_mode::update,
                     {with_text("1", "replaced", 1), with_text("2", "unknown", 2)}) == 1);
         const auto all = d.all("home");
         REQUIRE(all.size() == 1);
         CHECK(all[0] == with_text("1", "replaced", 1));
         CHECK(d.counts("home").by_level == std::map<std::int64_t, std::size_t>{{0, 1}});
         d.check_exactly_once();
       }},
      {"put upsert replaces existing statuses and inserts new ones",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 2));
         CHECK(d.put("home", put_mode::upsert,
                     {with_text("2", "replaced", 2), with_text("3", "inserted", 3)}) == 2);
         const auto all = d.all("home");
         CHECK(d.all_ids("home") == std::vector<std::string>{"3", "2", "1"});
         CHECK(find_id(all, "2")->at("text") == "replaced");
         CHECK(find_id(all, "3")->at("text") == "inserted");
         d.check_exactly_once();
       }},
      {"put with a duplicate id in one call acts as if the later came after the earlier",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.put("home", put_mode::insert,
                     {with_text("a", "v1", 1), with_text("a", "v2", 1)}) == 1);
         CHECK(d.all("home").at(0).at("text") == "v1");
         CHECK(d.put("home", put_mode::upsert,
                     {with_text("b", "v1", 2), with_text("b", "v2", 2)}) == 2);
         CHECK(find_id(d.all("home"), "b")->at("text") == "v2");
         CHECK(d.put("home", put_mode::update,
                     {with_text("a", "v3", 1), with_text("a", "v4", 1)}) == 2);
         CHECK(find_id(d.all("home"), "a")->at("text") == "v4");
         CHECK(d.all("home").size() == 2);
         d.check_exactly_once();
       }},
      {"put of an empty list changes nothing",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.put("home", put_mode::upsert, {}) == 0);
         CHECK(d.all("home").empty());
         CHECK(d.revision("home") == 0);
         CHECK(d.names().empty());
         d.check_exactly_once();
       }},
      {"stored statuses keep every field as given, timestamps untouched",
       [](storage_suite& suite) {
         auto d = open(suite);
         auto s = nlohmann::json::parse(R"({
           "id": "rich", "created_at": "2013-05-16T21:56:23.123456+09:00",
           "text": "caf\u00e9 \ud83d\udc26 <b>&amp;</b> \"quoted\"\n\t",
           "user": {"screen_name": "alice", "name": "Alice", "profile_image_url": null},
           "entities": {"urls": [{"url": "https://x.example/a?b=c&d", "indices": [0, 5]}],
                        "hashtags": [], "user_mentions": []},
           "numbers": [0, -1, 9007199254740993, 1.5, 1e300, true, false, null],
           "busybird": {"level": -2, "acked_at": "Thu, 16 May 2013 12:56:23 GMT",
                        "status_permalink": "https://x.example/s/1",
                        "original": {"id": "source-1"}},
           "retweeted_status": {"id": "inner", "text": "inner text"},
           "empty": {}, "nested": {"a": {"b": {"c": [[], {}]}}}
         })");
         d.put("home", put_mode::insert, {s});
         const auto all = d.all("home");
         REQUIRE(all.size() == 1);
         CHECK(all[0] == s);
         CHECK(all[0]["created_at"] == "2013-05-16T21:56:23.123456+09:00");
         CHECK(all[0]["busybird"]["acked_at"] == "Thu, 16 May 2013 12:56:23 GMT");
         const auto texts = d.get_texts({.timeline = "home"});
         REQUIRE(texts.size() == 1);
         CHECK(nlohmann::json::parse(texts[0]) == s);
         d.check_exactly_once();
       }},
      {"an integer id is the same id as its decimal text",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, {make_status({.id = 42, .created_at = created(1)})});
         CHECK(d.put("home", put_mode::insert,
                     {make_status({.id = "42", .created_at = created(1)})}) == 0);
         const auto all = d.all("home");
         REQUIRE(all.size() == 1);
         CHECK(all[0]["id"] == 42);  // kept as given
         CHECK(d.get_ids({.timeline = "home", .max_id = "42"}) == std::vector<std::string>{"42"});
         CHECK(d.contains("home", {42, "42", 43}).contained ==
               std::vector<nlohmann::json>{42, "42"});
         CHECK(d.ack({.timeline = "home", .ids = std::vector<std::string>{"42"}}) == 1);
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::ids({"42"})}) == 1);
         d.check_exactly_once();
       }},
      {"statuses handed in are copied and statuses handed out belong to the caller",
       [](storage_suite& suite) {
         auto d = open(suite);
         std::vector<status> mine = numbered(1, 2);
         d.put("home", put_mode::insert, mine);
         mine[0]["text"] = "changed by caller after put";
         auto out = d.all("home");
         out[0]["text"] = "changed by caller after get";
         const auto again = d.all("home");
         CHECK(again[0]["text"] == "status 2");
         CHECK(again[1]["text"] == "status 1");
         d.check_exactly_once();
       }},
  };
}

}  // namespace roost::conformance::detail
