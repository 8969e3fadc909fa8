#include <algorithm>

#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using ids = std::vector<std::string>;

}  // namespace

std::vector<contract_case> timeline_cases() {
  return {
      {"timelines are independent",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("a", put_mode::insert, numbered(1, 3));
         d.put("b", put_mode::insert, numbered(1, 3));
         CHECK(d.ack({.timeline = "a"}) == 3);
         CHECK(d.counts("b").total == 3);
         CHECK(d.erase({.timeline = "b", .selection = delete_selection::ids({"1"})}) == 1);
         CHECK(d.all_ids("a") == ids{"3", "2", "1"});
         CHECK(d.put("a", put_mode::update, {make_status({.id = "2", .text = "only in a"})}) == 1);
         CHECK(d.get({.timeline = "b", .max_id = "2", .count = status_count::of(1)})[0]["text"] ==
               "status 2");
         CHECK(d.revision("a") != 0);
         d.check_exactly_once();
       }},
      {"any timeline name and any id work: slashes, spaces, quotes, ampersands, emoji",
       [](storage_suite& suite) {
         auto d = open(suite);
         const std::vector<std::string> odd = {"a/b",
                                               "/leading/slash/",
                                               "with space",
                                               "quote\"d'",
                                               "a&b=c?d#e",
                                               "%2F%20",
                                               "\xf0\x9f\x90\xa6 bird",
                                               "\xe6\x97\xa5\xe6\x9c\xac",
                                               "back\\slash",
                                               "new\nline",
                                               "https://example.com/statuses/1?x=1&y=2",
                                               std::string(200, 'L'),
                                               "."};
         for (const auto& name : odd) {
           INFO("name/id: " << name);
           std::vector<status> statuses = {make_status({.id = name, .created_at = created(2)}),
                                           make_status({.id = "plain", .created_at = created(1)})};
           CHECK(d.put(name, put_mode::insert, statuses) == 2);
           CHECK(d.all_ids(name) == ids{name, "plain"});
           CHECK(d.get_ids({.timeline = name, .max_id = name, .count = status_count::of(1)}) ==
                 ids{name});
           CHECK(d.contains(name, {name}).contained.size() == 1);
           CHECK(d.ack({.timeline = name, .ids = ids{name}}) == 1);
           CHECK(d.get_ids({.timeline = name, .state = ack_state::acked}) == ids{name});
           CHECK(d.erase({.timeline = name, .selection = delete_selection::ids({name})}) == 1);
           CHECK(d.all_ids(name) == ids{"plain"});
         }
         auto names = d.names();
         auto expected = odd;
         std::sort(expected.begin(), expected.end());
         CHECK(names == expected);
         d.check_exactly_once();
       }},
      {"timeline_names lists the timelines that were changed, sorted",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.names().empty());
         d.put("zeta", put_mode::insert, numbered(1, 1));
         d.put("alpha", put_mode::insert, numbered(1, 1));
         d.put("nothing", put_mode::update, numbered(1, 1));  // changes nothing
         d.get({.timeline = "read only"});
         CHECK(d.names() == ids{"alpha", "zeta"});
         d.check_exactly_once();
       }},
      {"the revision grows with every change and stays with reads and no-ops",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.revision("home") == 0);
         d.put("home", put_mode::insert, numbered(1, 3));
         auto last = d.revision("home");
         CHECK(last > 0);
         auto expect_growth = [&](bool grows) {
           const auto now = d.revision("home");
           if (grows)
             CHECK(now > last);
           else
             CHECK(now == last);
           last = now;
         };
         d.put("home", put_mode::insert, numbered(1, 3));
         expect_growth(false);
         d.put("home", put_mode::upsert, numbered(2, 2));
         expect_growth(true);
         d.get({.timeline = "home"});
         d.counts("home");
         d.contains("home", {"1"});
         expect_growth(false);
         d.ack({.timeline = "home", .ids = ids{"1"}});
         expect_growth(true);
         d.ack({.timeline = "home", .ids = ids{"1"}});
         expect_growth(false);
         d.erase({.timeline = "home", .selection = delete_selection::ids({"nope"})});
         expect_growth(false);
         d.erase({.timeline = "home", .selection = delete_selection::ids({"1"})});
         expect_growth(true);
         d.erase({.timeline = "home", .selection = delete_selection::all()});
         expect_growth(true);
         d.put("other", put_mode::insert, numbered(1, 3));
         expect_growth(false);
         d.check_exactly_once();
       }},
  };
}

}  // namespace roost::conformance::detail
