#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using ids = std::vector<std::string>;
using levels = std::map<std::int64_t, std::size_t>;

}  // namespace

std::vector<contract_case> delete_count_contains_cases() {
  return {
      {"delete removes the given ids and skips unknown ones",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 5));
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::ids({"2", "4", "9"})}) ==
               2);
         CHECK(d.all_ids("home") == ids{"5", "3", "1"});
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::ids({})}) == 0);
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::ids({"2", "2"})}) == 0);
         CHECK(d.counts("home").total == 3);
         d.check_exactly_once();
       }},
      {"delete all empties the timeline and only that timeline",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 5));
         d.put("other", put_mode::insert, numbered(1, 2));
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::all()}) == 5);
         CHECK(d.all("home").empty());
         CHECK(d.counts("home") == unacked_counts{});
         CHECK(d.all_ids("other") == ids{"2", "1"});
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::all()}) == 0);
         CHECK(d.erase({.timeline = "never", .selection = delete_selection::all()}) == 0);
         // The timeline can be written again afterwards.
         CHECK(d.put("home", put_mode::insert, numbered(3, 3)) == 1);
         CHECK(d.all_ids("home") == ids{"3"});
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::all()}) == 1);
         CHECK(d.all("home").empty());
         d.check_exactly_once();
       }},
      {"unacked counts have a total and a key for every level with an unacked status",
       [](storage_suite& suite) {
         auto d = open(suite);
         auto null_level = make_status({.id = "null-level", .created_at = created(1)});
         null_level["busybird"]["level"] = nullptr;
         d.put("home", put_mode::insert,
               {make_status({.id = "a", .created_at = created(1)}), null_level,
                make_status({.id = "b", .created_at = created(1), .level = -1}),
                make_status({.id = "c", .created_at = created(1), .level = 2}),
                make_status({.id = "d", .created_at = created(1), .level = 2}),
                make_status(
                    {.id = "e", .created_at = created(1), .level = 7, .acked_at = acked(1)})});
         const auto counts = d.counts("home");
         CHECK(counts.total == 5);
         CHECK(counts.by_level == levels{{-1, 1}, {0, 2}, {2, 2}});
         CHECK(counts.to_json() == nlohmann::json{{"total", 5}, {"-1", 1}, {"0", 2}, {"2", 2}});
         CHECK(d.counts("unknown") == unacked_counts{});
         CHECK(d.counts("unknown").to_json() == nlohmann::json{{"total", 0}});
         d.check_exactly_once();
       }},
      {"unacked counts follow puts, updates, acks and deletes",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert,
               {make_status({.id = "a", .created_at = created(1), .level = 1}),
                make_status({.id = "b", .created_at = created(2), .level = 1}),
                make_status({.id = "c", .created_at = created(3), .level = 3})});
         CHECK(d.counts("home").by_level == levels{{1, 2}, {3, 1}});
         d.put("home", put_mode::update,
               {make_status({.id = "a", .created_at = created(1), .level = 3})});
         CHECK(d.counts("home").by_level == levels{{1, 1}, {3, 2}});
         d.put("home", put_mode::upsert,
               {make_status(
                   {.id = "b", .created_at = created(2), .level = 1, .acked_at = acked(1)})});
         CHECK(d.counts("home").by_level == levels{{3, 2}});
         d.ack({.timeline = "home", .ids = ids{"c"}});
         CHECK(d.counts("home") == unacked_counts{1, {{3, 1}}});
         d.put("home", put_mode::update,
               {make_status({.id = "b", .created_at = created(2), .level = 4})});
         CHECK(d.counts("home") == unacked_counts{2, {{3, 1}, {4, 1}}});
         d.erase({.timeline = "home", .selection = delete_selection::ids({"a"})});
         CHECK(d.counts("home") == unacked_counts{1, {{4, 1}}});
         d.check_exactly_once();
       }},
      {"contains splits a mixed query, keeping each item unchanged and in order",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 3));
         const auto in_status = make_status({.id = "2", .text = "a different body"});
         const auto out_status = make_status({.id = "9"});
         const nlohmann::json no_id = {{"text", "no id"}};
         const nlohmann::json null_id = {{"id", nullptr}};
         const auto result =
             d.contains("home", {"1", out_status, 3, no_id, in_status, "x", "1", null_id});
         CHECK(result.contained == std::vector<nlohmann::json>{"1", 3, in_status, "1"});
         CHECK(result.not_contained ==
               std::vector<nlohmann::json>{out_status, no_id, "x", null_id});
         const auto empty = d.contains("home", {});
         CHECK(empty.contained.empty());
         CHECK(empty.not_contained.empty());
         CHECK(d.contains("unknown", {"1", 2}).not_contained ==
               std::vector<nlohmann::json>{"1", 2});
         d.check_exactly_once();
       }},
  };
}

}  // namespace roost::conformance::detail
