#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using ids = std::vector<std::string>;

std::vector<std::string> range_ids(std::initializer_list<int> numbers) {
  std::vector<std::string> out;
  for (int n : numbers) out.push_back(std::to_string(n));
  return out;
}

// The spec's worked example: 1..10 acked long ago, 11..20 unacked, newest = highest id.
driver worked_example(storage_suite& suite) {
  auto d = open(suite);
  std::vector<status> statuses;
  for (int i = 1; i <= 20; ++i)
    statuses.push_back(make_status({.id = std::to_string(i),
                                    .created_at = created(i),
                                    .acked_at = i <= 10 ? std::optional(acked(0)) : std::nullopt}));
  d.put("home", put_mode::insert, statuses);
  return d;
}

// The ids still unacked after an ack on the worked example, newest first.
ids unacked_after(driver& d) {
  return d.get_ids({.timeline = "home", .state = ack_state::unacked, .count = status_count::all()});
}

const timestamp ack_time = *parse_timestamp("2020-01-02T03:04:05Z");

}  // namespace

std::vector<contract_case> ack_cases() {
  return {
      {"ack worked example: max_id alone",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .max_id = "14"}) == 4);
         CHECK(unacked_after(d) == range_ids({20, 19, 18, 17, 16, 15}));
         d.check_exactly_once();
       }},
      {"ack worked example: ids and max_id together ack their union",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .ids = range_ids({15, 17}), .max_id = "13"}) == 5);
         CHECK(unacked_after(d) == range_ids({20, 19, 18, 16, 14}));
         d.check_exactly_once();
       }},
      {"ack worked example: overlapping ids and max_id count each status once",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .ids = range_ids({4, 14, 18, 20, 24}), .max_id = "18"}) ==
               9);
         CHECK(unacked_after(d) == range_ids({19}));
         d.check_exactly_once();
       }},
      {"ack worked example: an acked max_id acks nothing",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .max_id = "7"}) == 0);
         CHECK(unacked_after(d) == reversed_ids(11, 20));
         d.check_exactly_once();
       }},
      {"ack worked example: ids that are unknown or acked are skipped",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .ids = range_ids({19, 20, 21, 22, 23})}) == 2);
         CHECK(d.ack({.timeline = "home", .ids = range_ids({19, 20, 3})}) == 0);
         CHECK(unacked_after(d) == reversed_ids(11, 18));
         d.check_exactly_once();
       }},
      {"ack worked example: an empty id list acks nothing",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .ids = ids{}}) == 0);
         CHECK(unacked_after(d) == reversed_ids(11, 20));
         d.check_exactly_once();
       }},
      {"ack with an unknown max_id acks nothing by max_id but still acks the ids",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .max_id = "999"}) == 0);
         CHECK(d.ack({.timeline = "home", .ids = range_ids({12}), .max_id = "999"}) == 1);
         CHECK(unacked_after(d) == range_ids({20, 19, 18, 17, 16, 15, 14, 13, 11}));
         d.check_exactly_once();
       }},
      {"ack with duplicate ids counts each status once",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .ids = range_ids({12, 12, 12})}) == 1);
         d.check_exactly_once();
       }},
      {"ack with neither ids nor max_id acks every unacked status",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home"}) == 10);
         CHECK(unacked_after(d).empty());
         CHECK(d.counts("home") == unacked_counts{});
         CHECK(d.ack({.timeline = "home"}) == 0);
         d.check_exactly_once();
       }},
      {"ack writes one Twitter-style acked_at for the whole call and moves statuses",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         CHECK(d.ack({.timeline = "home", .max_id = "15", .at = ack_time}) == 5);
         const auto acked_page =
             d.get({.timeline = "home", .state = ack_state::acked, .count = status_count::all()});
         REQUIRE(acked_page.size() == 15);
         // The new acks are the latest, so they lead the acked part, newest created first.
         for (int k = 0; k < 5; ++k) {
           CHECK(acked_page[k]["id"] == std::to_string(15 - k));
           CHECK(acked_page[k]["busybird"]["acked_at"] == "Thu Jan 02 03:04:05 +0000 2020");
           CHECK(acked_page[k]["text"] == "status " + std::to_string(15 - k));
           CHECK(acked_page[k]["created_at"] == created(15 - k));
         }
         CHECK(acked_page[5]["busybird"]["acked_at"] == acked(0));
         d.check_exactly_once();
       }},
      {"ack without an explicit time records the current time",
       [](storage_suite& suite) {
         auto d = worked_example(suite);
         const auto before = now_in_seconds();
         CHECK(d.ack({.timeline = "home", .ids = range_ids({20})}) == 1);
         const auto after = now_in_seconds();
         const auto page =
             d.get({.timeline = "home", .state = ack_state::acked, .count = status_count::of(1)});
         REQUIRE(page.size() == 1);
         const auto at = parse_timestamp(page[0]["busybird"]["acked_at"].get<std::string>());
         REQUIRE(at.has_value());
         CHECK(*at >= before);
         CHECK(*at <= after);
         d.check_exactly_once();
       }},
      {"ack adds busybird.acked_at to a status without a busybird object, keeping the rest",
       [](storage_suite& suite) {
         auto d = open(suite);
         auto s = nlohmann::json{{"id", "x"}, {"text", "t"}, {"user", {{"name", "n"}}}};
         d.put("home", put_mode::insert, {s});
         CHECK(d.ack({.timeline = "home", .at = ack_time}) == 1);
         s["busybird"] = {{"acked_at", "Thu Jan 02 03:04:05 +0000 2020"}};
         CHECK(d.all("home") == std::vector<status>{s});
         d.check_exactly_once();
       }},
      {"ack of a timeline never written acks nothing",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.ack({.timeline = "nothing here"}) == 0);
         CHECK(d.ack({.timeline = "nothing here", .ids = ids{"1"}, .max_id = "1"}) == 0);
         d.check_exactly_once();
       }},
  };
}

}  // namespace roost::conformance::detail
