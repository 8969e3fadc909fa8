#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using ids = std::vector<std::string>;

// 1..10 unacked, 11..20 acked (each acked later than the previous), created_at = number.
driver mixed(storage_suite& suite) {
  auto d = open(suite);
  auto statuses = numbered(1, 10);
  for (int i = 11; i <= 20; ++i)
    statuses.push_back(
        make_status({.id = std::to_string(i), .created_at = created(i), .acked_at = acked(i)}));
  d.put("home", put_mode::insert, statuses);
  return d;
}

}  // namespace

std::vector<contract_case> get_cases() {
  return {
      {"get returns the newest first, 20 by default",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 30));
         CHECK(d.get_ids({.timeline = "home"}) == reversed_ids(11, 30));
         d.check_exactly_once();
       }},
      {"get default count follows the configured default",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 0, .default_count = 5});
         d.put("home", put_mode::insert, numbered(1, 30));
         CHECK(d.get_ids({.timeline = "home"}) == reversed_ids(26, 30));
         d.check_exactly_once();
       }},
      {"get count limits the page and count all returns everything",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 30));
         CHECK(d.get_ids({.timeline = "home", .count = status_count::of(3)}) ==
               ids{"30", "29", "28"});
         CHECK(d.get_ids({.timeline = "home", .count = status_count::all()}) ==
               reversed_ids(1, 30));
         CHECK(d.get_ids({.timeline = "home", .count = status_count::of(100)}) ==
               reversed_ids(1, 30));
         d.check_exactly_once();
       }},
      {"get with max_id starts at that status, inclusive, and goes older",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 30));
         CHECK(d.get_ids({.timeline = "home", .max_id = "12", .count = status_count::of(4)}) ==
               ids{"12", "11", "10", "9"});
         CHECK(d.get_ids({.timeline = "home", .max_id = "2"}) == ids{"2", "1"});
         CHECK(d.get_ids({.timeline = "home", .max_id = "1"}) == ids{"1"});
         d.check_exactly_once();
       }},
      {"get with an unknown max_id is empty",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 5));
         CHECK(d.get_ids({.timeline = "home", .max_id = "nope"}).empty());
         CHECK(d.get_ids({.timeline = "home", .state = ack_state::unacked, .max_id = "nope"})
                   .empty());
         d.check_exactly_once();
       }},
      {"get filters by ack state",
       [](storage_suite& suite) {
         auto d = mixed(suite);
         CHECK(d.get_ids({.timeline = "home",
                          .state = ack_state::unacked,
                          .count = status_count::all()}) == reversed_ids(1, 10));
         CHECK(d.get_ids(
                   {.timeline = "home", .state = ack_state::acked, .count = status_count::all()}) ==
               reversed_ids(11, 20));
         CHECK(d.get_ids(
                   {.timeline = "home", .state = ack_state::acked, .count = status_count::of(2)}) ==
               ids{"20", "19"});
         auto any = reversed_ids(1, 10);
         const auto acked_part = reversed_ids(11, 20);
         any.insert(any.end(), acked_part.begin(), acked_part.end());
         CHECK(d.get_ids({.timeline = "home", .count = status_count::all()}) == any);
         d.check_exactly_once();
       }},
      {"get with max_id answers only when that status is in the chosen ack state",
       [](storage_suite& suite) {
         auto d = mixed(suite);
         CHECK(
             d.get_ids({.timeline = "home", .state = ack_state::unacked, .max_id = "15"}).empty());
         CHECK(d.get_ids({.timeline = "home", .state = ack_state::acked, .max_id = "5"}).empty());
         CHECK(d.get_ids({.timeline = "home",
                          .state = ack_state::acked,
                          .max_id = "15",
                          .count = status_count::all()}) == reversed_ids(11, 15));
         CHECK(d.get_ids({.timeline = "home", .state = ack_state::unacked, .max_id = "3"}) ==
               ids{"3", "2", "1"});
         // In state any, a page that starts among the unacked continues into the acked.
         CHECK(d.get_ids({.timeline = "home", .max_id = "2", .count = status_count::of(4)}) ==
               ids{"2", "1", "20", "19"});
         d.check_exactly_once();
       }},
      {"get of a timeline never written is empty, not an error",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.all("never written").empty());
         CHECK(d.get_ids({.timeline = "never written", .state = ack_state::acked}).empty());
         CHECK(d.get_ids({.timeline = "never written", .max_id = "1"}).empty());
         d.check_exactly_once();
       }},
  };
}

std::vector<contract_case> order_cases() {
  return {
      {"order: unacked statuses come before every acked one",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put(
             "home", put_mode::insert,
             {make_status({.id = "old-unacked", .created_at = created(1)}),
              make_status({.id = "new-acked", .created_at = created(100), .acked_at = acked(1)})});
         CHECK(d.all_ids("home") == ids{"old-unacked", "new-acked"});
         d.check_exactly_once();
       }},
      {"order: later acks first among acked statuses",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert,
               {make_status({.id = "a", .created_at = created(100), .acked_at = acked(1)}),
                make_status({.id = "b", .created_at = created(1), .acked_at = acked(2)}),
                make_status({.id = "c", .created_at = created(50), .acked_at = acked(3)})});
         CHECK(d.all_ids("home") == ids{"c", "b", "a"});
         d.check_exactly_once();
       }},
      {"order: created_at descending, and a status without created_at is newest",
       [](storage_suite& suite) {
         auto d = open(suite);
         auto null_created = make_status({.id = "null-created"});
         null_created["created_at"] = nullptr;
         d.put(
             "home", put_mode::insert,
             {make_status({.id = "b", .created_at = created(1)}), make_status({.id = "no-created"}),
              null_created, make_status({.id = "a", .created_at = created(2)}),
              make_status({.id = "acked-no-created", .acked_at = acked(1)}),
              make_status(
                  {.id = "acked-created", .created_at = created(9), .acked_at = acked(1)})});
         CHECK(d.all_ids("home") ==
               ids{"null-created", "no-created", "a", "b", "acked-no-created", "acked-created"});
         d.check_exactly_once();
       }},
      {"order: ties are broken by id, descending by UTF-8 bytes",
       [](storage_suite& suite) {
         auto d = open(suite);
         std::vector<status> statuses;
         for (const char* id :
              {"a", "b", "B", "ab", "\xc3\xa9", "a b", "10", "9", "\xf0\x9f\x90\xa6"})
           statuses.push_back(make_status({.id = id, .created_at = created(5)}));
         d.put("home", put_mode::insert, statuses);
         CHECK(d.all_ids("home") ==
               ids{"\xf0\x9f\x90\xa6", "\xc3\xa9", "b", "ab", "a b", "a", "B", "9", "10"});
         d.check_exactly_once();
       }},
      {"order: timestamps in every accepted format compare by the instant they denote",
       [](storage_suite& suite) {
         auto d = open(suite);
         // Listed oldest first; each is one second after the previous.
         d.put("home", put_mode::insert,
               {make_status({.id = "1", .created_at = "Thu May 16 12:56:20 +0000 2013"}),
                make_status({.id = "2", .created_at = "2013-05-16T21:56:21+09:00"}),
                make_status({.id = "3", .created_at = "Thu, 16 May 2013 12:56:22 GMT"}),
                make_status({.id = "4", .created_at = "2013-05-16T12:56:22.5Z"}),
                make_status({.id = "5", .created_at = "Thu May 16 05:56:23 -0700 2013"}),
                make_status({.id = "6", .created_at = "Thu, 16 May 2013 14:56:24 +0200"}),
                make_status({.id = "7", .created_at = "2013-05-16T12:56:25Z"})});
         CHECK(d.all_ids("home") == ids{"7", "6", "5", "4", "3", "2", "1"});
         d.check_exactly_once();
       }},
  };
}

}  // namespace roost::conformance::detail
