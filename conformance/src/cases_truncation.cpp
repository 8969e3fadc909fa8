#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using ids = std::vector<std::string>;

}  // namespace

std::vector<contract_case> truncation_cases() {
  return {
      {"truncation: a put that leaves more than hard_max removes the oldest down to soft_max",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 10, .hard_max = 15});
         CHECK(d.put("home", put_mode::insert, numbered(1, 15)) == 15);
         CHECK(d.all_ids("home") == reversed_ids(1, 15));
         CHECK(d.put("home", put_mode::insert, numbered(16, 16)) == 1);
         CHECK(d.all_ids("home") == reversed_ids(7, 16));
         CHECK(d.counts("home").total == 10);
         d.check_exactly_once();
       },
       true},
      {"truncation: hard_max defaults to soft_max plus 20%",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 10});
         d.put("home", put_mode::insert, numbered(1, 12));
         CHECK(d.all_ids("home").size() == 12);
         d.put("home", put_mode::insert, numbered(13, 13));
         CHECK(d.all_ids("home") == reversed_ids(4, 13));
         d.check_exactly_once();
       },
       true},
      {"truncation: one large put keeps the newest soft_max",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 10});
         CHECK(d.put("home", put_mode::insert, numbered(1, 30)) == 30);
         CHECK(d.all_ids("home") == reversed_ids(21, 30));
         d.check_exactly_once();
       },
       true},
      {"truncation: acked statuses are the oldest and go first, and counts follow",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 4, .hard_max = 5});
         std::vector<status> statuses = numbered(1, 3);
         for (int i = 4; i <= 5; ++i)
           statuses.push_back(make_status({.id = std::to_string(i),
                                           .created_at = created(i),
                                           .level = 2,
                                           .acked_at = acked(i)}));
         d.put("home", put_mode::insert, statuses);
         d.put("home", put_mode::insert,
               {make_status({.id = "6", .created_at = created(0), .level = 1})});
         CHECK(d.all_ids("home") == ids{"3", "2", "1", "6"});
         CHECK(d.counts("home") == unacked_counts{4, {{0, 3}, {1, 1}}});
         d.put("home", put_mode::insert, numbered(7, 8));
         CHECK(d.all_ids("home") == ids{"8", "7", "3", "2"});
         CHECK(d.counts("home").total == 4);
         d.check_exactly_once();
       },
       true},
      {"truncation: soft_max 0 keeps everything",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 0});
         d.put("home", put_mode::insert, numbered(1, 2500));
         CHECK(d.all_ids("home").size() == 2500);
         d.check_exactly_once();
       },
       true},
      {"truncation: a timeline's own capacity overrides the store's",
       [](storage_suite& suite) {
         storage_limits limits{.soft_max = 10, .hard_max = 12};
         limits.per_timeline["small"] = {.soft_max = 2, .hard_max = 3};
         limits.per_timeline["unlimited"] = {.soft_max = 0};
         auto d = open(suite, limits);
         d.put("small", put_mode::insert, numbered(1, 4));
         CHECK(d.all_ids("small") == ids{"4", "3"});
         d.put("unlimited", put_mode::insert, numbered(1, 20));
         CHECK(d.all_ids("unlimited").size() == 20);
         d.put("other", put_mode::insert, numbered(1, 13));
         CHECK(d.all_ids("other") == reversed_ids(4, 13));
         d.check_exactly_once();
       },
       true},
      {"truncation: the default keeps 2000 and allows 2400",
       [](storage_suite& suite) {
         auto d = open(suite, {});
         d.put("home", put_mode::insert, numbered(1, 2400));
         CHECK(d.all_ids("home").size() == 2400);
         d.put("home", put_mode::insert, numbered(2401, 2401));
         const auto kept = d.all_ids("home");
         CHECK(kept.size() == 2000);
         CHECK(kept.front() == "2401");
         CHECK(kept.back() == "402");
         d.check_exactly_once();
       },
       true},
  };
}

}  // namespace roost::conformance::detail
