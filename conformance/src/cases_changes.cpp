// The change feed (changes.hpp): one revision per status changed, in the order the
// operation applies them, the texts recorded, retention and stale cursors.
//
// The order this suite fixes where the issue left a choice (docs/design.md, "Change feed"):
// - put: request order; then truncation's removals, oldest first;
// - ack: newest first, in timeline order;
// - delete by ids: request order (unknown and repeated ids record nothing);
// - delete all: newest first, in timeline order.
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "change_replay.hpp"
#include "storage/timestamp.hpp"

namespace roost::conformance::detail {
namespace {

using lines = std::vector<std::string>;

// "<revision> <op> <id>" per change: readable when a comparison fails.
lines describe(const std::vector<status_change>& changes) {
  lines out;
  for (const auto& c : changes)
    out.push_back(std::to_string(c.revision) + ' ' + std::string(change_op_name(c.op)) + ' ' +
                  c.id);
  return out;
}

// The stored text of one status, as get_status_texts returns it.
std::string stored_text(driver& d, const std::string& timeline, const std::string& id) {
  const auto texts =
      d.get_texts({.timeline = timeline, .max_id = id, .count = status_count::of(1)});
  REQUIRE(texts.size() == 1);
  return texts.front();
}

// Requires the fields that do not belong to a change's op to be empty.
void check_payload_shape(const status_change& c) {
  INFO("change " << c.revision << " of " << c.id);
  if (c.op == change_op::insert || c.op == change_op::update) {
    CHECK_FALSE(c.status_json.empty());
    CHECK(c.acked_at.empty());
  } else if (c.op == change_op::ack) {
    CHECK(c.status_json.empty());
    CHECK_FALSE(c.acked_at.empty());
  } else {
    CHECK(c.op == change_op::remove);
    CHECK(c.status_json.empty());
    CHECK(c.acked_at.empty());
  }
}

bool is_stale(const storage_error& e) { return e.code() == make_error_code(errc::stale_cursor); }

const timestamp ack_time = *parse_timestamp("2021-03-04T05:06:07Z");

std::vector<contract_case> feed_cases() {
  return {
      {"changes: a timeline never changed has an empty feed at revision 0",
       [](storage_suite& suite) {
         auto d = open(suite);
         const auto page = d.changes("nowhere", 0);
         CHECK(page.changes.empty());
         CHECK(page.last_revision == 0);
         CHECK(is_stale(d.changes_error("nowhere", 1)));
         d.put("other", put_mode::insert, numbered(1, 2));
         CHECK(d.changes("nowhere", 0).changes.empty());
         CHECK(d.names() == lines{"other"});  // reading the feed creates no timeline
         d.check_exactly_once();
       }},
      {"changes: insert records one insert per new status, in request order, with the stored text",
       [](storage_suite& suite) {
         auto d = open(suite);
         std::vector<status> statuses = {numbered(3, 3)[0], numbered(1, 1)[0], numbered(2, 2)[0]};
         CHECK(d.put("home", put_mode::insert, statuses) == 3);
         const auto page = d.changes("home", 0);
         CHECK(describe(page.changes) == lines{"1 insert 3", "2 insert 1", "3 insert 2"});
         CHECK(page.last_revision == 3);
         CHECK(d.revision("home") == 3);
         for (const auto& c : page.changes) {
           check_payload_shape(c);
           CHECK(c.status_json == stored_text(d, "home", c.id));
         }
         d.check_exactly_once();
       }},
      {"changes: statuses a put skips record nothing, and a put that changes nothing keeps the "
       "revision",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 2));
         CHECK(d.put("home", put_mode::insert, numbered(1, 2)) == 0);
         CHECK(d.put("home", put_mode::update, numbered(5, 6)) == 0);
         CHECK(d.revision("home") == 2);
         CHECK(d.changes("home", 2).changes.empty());
         // Mixed: only the statuses that changed are recorded.
         CHECK(d.put("home", put_mode::insert, numbered(2, 3)) == 1);
         CHECK(d.put("home", put_mode::update,
                     {make_status({.id = "9"}), make_status({.id = "1", .text = "new"})}) == 1);
         CHECK(describe(d.changes("home", 2).changes) == lines{"3 insert 3", "4 update 1"});
         CHECK(d.revision("home") == 4);
         d.check_exactly_once();
       }},
      {"changes: update and upsert record update for a replaced status and insert for a new one",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 3));
         CHECK(d.put("home", put_mode::upsert,
                     {make_status({.id = "2", .created_at = created(2), .text = "second"}),
                      make_status({.id = "7", .created_at = created(7)})}) == 2);
         CHECK(d.put("home", put_mode::update,
                     {make_status({.id = "3", .created_at = created(3), .level = 4})}) == 1);
         // Replacing a status with an identical one is still a replacement.
         CHECK(d.put("home", put_mode::upsert, numbered(1, 1)) == 1);
         const auto page = d.changes("home", 3);
         CHECK(describe(page.changes) ==
               lines{"4 update 2", "5 insert 7", "6 update 3", "7 update 1"});
         for (const auto& c : page.changes) {
           check_payload_shape(c);
           CHECK(c.status_json == stored_text(d, "home", c.id));
         }
         CHECK(nlohmann::json::parse(page.changes[0].status_json)["text"] == "second");
         d.check_exactly_once();
       }},
      {"changes: a repeated id in one put records one change per occurrence that changed something",
       [](storage_suite& suite) {
         auto d = open(suite);
         const auto first = make_status({.id = "a", .text = "first"});
         const auto second = make_status({.id = "a", .text = "second"});
         CHECK(d.put("home", put_mode::upsert, {first, second}) == 2);
         // insert [b, b']: the second occurrence finds b already there and is skipped.
         CHECK(d.put("home", put_mode::insert,
                     {make_status({.id = "b", .text = "kept"}),
                      make_status({.id = "b", .text = "skipped"})}) == 1);
         const auto page = d.changes("home", 0);
         REQUIRE(describe(page.changes) == lines{"1 insert a", "2 update a", "3 insert b"});
         CHECK(nlohmann::json::parse(page.changes[0].status_json) == first);
         CHECK(nlohmann::json::parse(page.changes[1].status_json) == second);
         CHECK(page.changes[1].status_json == stored_text(d, "home", "a"));
         CHECK(page.changes[2].status_json == stored_text(d, "home", "b"));
         d.check_exactly_once();
       }},
      {"changes: an integer id is recorded as its text",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, {make_status({.id = 42})});
         d.ack({.timeline = "home", .at = ack_time});
         d.erase({.timeline = "home", .selection = delete_selection::ids({"42"})});
         CHECK(describe(d.changes("home", 0).changes) ==
               lines{"1 insert 42", "2 ack 42", "3 delete 42"});
         d.check_exactly_once();
       }},
  };
}

std::vector<contract_case> ack_delete_cases() {
  return {
      {"changes: ack records one ack per status that became acked, newest first, with the acked_at "
       "written",
       [](storage_suite& suite) {
         auto d = open(suite);
         auto statuses = numbered(1, 4);
         statuses.push_back(
             make_status({.id = "5", .created_at = created(5), .acked_at = acked(0)}));
         d.put("home", put_mode::insert, statuses);
         CHECK(d.ack({.timeline = "home", .at = ack_time}) == 4);
         const auto page = d.changes("home", 5);
         CHECK(describe(page.changes) == lines{"6 ack 4", "7 ack 3", "8 ack 2", "9 ack 1"});
         for (const auto& c : page.changes) {
           check_payload_shape(c);
           CHECK(c.acked_at == format_twitter(ack_time));
           CHECK(nlohmann::json::parse(stored_text(d, "home", c.id))["busybird"]["acked_at"] ==
                 c.acked_at);
         }
         // Nothing left to ack: no change, no revision.
         CHECK(d.ack({.timeline = "home", .at = ack_time}) == 0);
         CHECK(d.revision("home") == 9);
         CHECK(d.changes("home", 9).changes.empty());
         d.check_exactly_once();
       }},
      {"changes: ack by ids and max_id records their union in timeline order, each once",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 8));
         // ids in a scrambled order, one repeated, one unknown; max_id 3 adds 3, 2, 1.
         CHECK(d.ack({.timeline = "home",
                      .ids = lines{"2", "7", "nope", "5", "7"},
                      .max_id = "3",
                      .at = ack_time}) == 5);
         CHECK(describe(d.changes("home", 8).changes) ==
               lines{"9 ack 7", "10 ack 5", "11 ack 3", "12 ack 2", "13 ack 1"});
         d.check_exactly_once();
       }},
      {"changes: delete by ids records one delete per removed status, in request order",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 5));
         CHECK(d.erase({.timeline = "home",
                        .selection = delete_selection::ids({"2", "nope", "4", "2", "1"})}) == 3);
         const auto page = d.changes("home", 5);
         CHECK(describe(page.changes) == lines{"6 delete 2", "7 delete 4", "8 delete 1"});
         for (const auto& c : page.changes) check_payload_shape(c);
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::ids({"nope"})}) == 0);
         CHECK(d.revision("home") == 8);
         d.check_exactly_once();
       }},
      {"changes: delete all records one delete per status, newest first, and keeps the revision",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 3));
         d.ack({.timeline = "home", .ids = lines{"2"}, .at = ack_time});  // 2 becomes the oldest
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::all()}) == 3);
         CHECK(describe(d.changes("home", 4).changes) ==
               lines{"5 delete 3", "6 delete 1", "7 delete 2"});
         // The emptied timeline keeps its counter: no reset, the next change is 8.
         CHECK(d.revision("home") == 7);
         CHECK(d.erase({.timeline = "home", .selection = delete_selection::all()}) == 0);
         CHECK(d.revision("home") == 7);
         d.put("home", put_mode::insert, numbered(1, 1));
         CHECK(describe(d.changes("home", 7).changes) == lines{"8 insert 1"});
         CHECK(d.changes("home", 7).last_revision == 8);
         d.check_exactly_once();
       }},
      {"changes: truncation records deletes after the put's own changes, oldest first",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 3, .hard_max = 4});
         d.put("home", put_mode::insert, numbered(1, 4));
         CHECK(d.put("home", put_mode::insert, numbered(5, 5)) == 1);
         CHECK(describe(d.changes("home", 4).changes) ==
               lines{"5 insert 5", "6 delete 1", "7 delete 2"});
         // One large put: every insert first, even of statuses truncation then removes.
         CHECK(d.put("home", put_mode::insert, numbered(6, 9)) == 4);
         CHECK(describe(d.changes("home", 7).changes) ==
               lines{"8 insert 6", "9 insert 7", "10 insert 8", "11 insert 9", "12 delete 3",
                     "13 delete 4", "14 delete 5", "15 delete 6"});
         CHECK(d.all_ids("home") == reversed_ids(7, 9));
         CHECK(d.revision("home") == 15);
         d.check_exactly_once();
       },
       true},
  };
}

std::vector<contract_case> cursor_cases() {
  return {
      {"changes: the revision is the last change's, and reads change neither it nor the log",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 3));
         d.ack({.timeline = "home", .ids = lines{"1"}, .at = ack_time});
         d.get({.timeline = "home"});
         d.counts("home");
         d.contains("home", {"1"});
         d.changes("home", 0);
         const auto page = d.changes("home", 0);
         REQUIRE(page.changes.size() == 4);
         CHECK(page.changes.back().revision == 4);
         CHECK(page.last_revision == 4);
         CHECK(d.revision("home") == 4);
         d.check_exactly_once();
       }},
      {"changes: timelines have their own revisions and logs",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("a", put_mode::insert, numbered(1, 3));
         d.put("b", put_mode::insert, numbered(7, 7));
         d.erase({.timeline = "a", .selection = delete_selection::ids({"1"})});
         CHECK(describe(d.changes("a", 0).changes) ==
               lines{"1 insert 1", "2 insert 2", "3 insert 3", "4 delete 1"});
         CHECK(describe(d.changes("b", 0).changes) == lines{"1 insert 7"});
         CHECK(d.changes("b", 0).last_revision == 1);
         d.check_exactly_once();
       }},
      {"changes: limit caps a page, and following the cursor reads each change once",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 25));
         std::uint64_t cursor = 0;
         std::vector<std::size_t> sizes;
         for (;;) {
           const auto page = d.changes("home", cursor, 10);
           CHECK(page.last_revision == 25);
           for (const auto& c : page.changes) CHECK(c.revision == ++cursor);
           sizes.push_back(page.changes.size());
           if (page.changes.size() < 10) break;
         }
         CHECK(sizes == std::vector<std::size_t>{10, 10, 5});
         CHECK(cursor == 25);
         CHECK(describe(d.changes("home", 24, 1).changes) == lines{"25 insert 25"});
         const auto caught_up = d.changes("home", 25, 1);
         CHECK(caught_up.changes.empty());
         CHECK(caught_up.last_revision == 25);
         d.check_exactly_once();
       }},
      {"changes: a limit of 0 means 100, and 10000 is allowed",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 150));
         CHECK(d.changes("home", 0).changes.size() == default_change_limit);
         CHECK(d.changes("home", 0, 0).changes.size() == 100);
         CHECK(d.changes("home", 0, max_change_limit).changes.size() == 150);
         CHECK(d.changes("home", 140, 0).changes.size() == 10);
         d.check_exactly_once();
       }},
      {"changes: a cursor ahead of the timeline is stale",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 3));
         CHECK(is_stale(d.changes_error("home", 4)));
         CHECK(is_stale(d.changes_error("home", 1000)));
         CHECK(is_stale(d.changes_error("unknown", 3)));
         // The error carries the category's message: readers show it.
         CHECK(d.changes_error("home", 4).code().category().name() == std::string("roost.storage"));
         CHECK(d.changes("home", 3).changes.empty());
         d.check_exactly_once();
       }},
      {"changes: a limit above 10000 and an empty timeline name are caller errors",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.expect_rejected([&](auto cb) {
           d.storage().get_changes({.timeline = "home", .limit = max_change_limit + 1}, cb);
         });
         d.expect_rejected([&](auto cb) { d.storage().get_changes({.timeline = ""}, cb); });
         d.expect_rejected([&](auto cb) {
           d.storage().get_changes({.timeline = std::string("bad \xff utf-8")}, cb);
         });
         d.check_exactly_once();
       }},
  };
}

std::vector<contract_case> retention_cases() {
  return {
      {"changes: the log keeps the newest change_retention changes; an older cursor is stale",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 0, .change_retention = 5});
         d.put("home", put_mode::insert, numbered(1, 8));  // pruned in the same put
         CHECK(describe(d.changes("home", 3).changes) ==
               lines{"4 insert 4", "5 insert 5", "6 insert 6", "7 insert 7", "8 insert 8"});
         CHECK(is_stale(d.changes_error("home", 2)));
         CHECK(is_stale(d.changes_error("home", 0)));
         CHECK(d.changes("home", 8).changes.empty());
         d.ack({.timeline = "home", .ids = lines{"1", "2"}, .at = ack_time});
         CHECK(is_stale(d.changes_error("home", 4)));
         CHECK(describe(d.changes("home", 5).changes) ==
               lines{"6 insert 6", "7 insert 7", "8 insert 8", "9 ack 2", "10 ack 1"});
         d.check_exactly_once();
       }},
      {"changes: change_retention 0 keeps no log; only an up-to-date cursor is answered",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 0, .change_retention = 0});
         CHECK(d.changes("home", 0).changes.empty());  // never changed: 0 is up to date
         d.put("home", put_mode::insert, numbered(1, 3));
         CHECK(d.revision("home") == 3);
         const auto page = d.changes("home", 3);
         CHECK(page.changes.empty());
         CHECK(page.last_revision == 3);
         CHECK(is_stale(d.changes_error("home", 2)));
         CHECK(is_stale(d.changes_error("home", 0)));
         CHECK(is_stale(d.changes_error("home", 4)));
         d.check_exactly_once();
       }},
      {"changes: a timeline's own change_retention overrides the store's",
       [](storage_suite& suite) {
         storage_limits limits{.soft_max = 0, .change_retention = 3};
         limits.per_timeline["long"] = {.soft_max = 0, .change_retention = 100};
         limits.per_timeline["none"] = {.soft_max = 0, .change_retention = 0};
         auto d = open(suite, limits);
         for (const auto* name : {"long", "none", "default"})
           d.put(name, put_mode::insert, numbered(1, 10));
         CHECK(d.changes("long", 0).changes.size() == 10);
         CHECK(is_stale(d.changes_error("none", 9)));
         CHECK(d.changes("none", 10).changes.empty());
         CHECK(is_stale(d.changes_error("default", 6)));
         CHECK(d.changes("default", 7).changes.size() == 3);
         d.check_exactly_once();
       }},
      {"changes: retention and truncation together keep the newest changes across operations",
       [](storage_suite& suite) {
         auto d = open(suite, {.soft_max = 2, .hard_max = 2, .change_retention = 4});
         d.put("home", put_mode::insert, numbered(1, 2));
         d.put("home", put_mode::insert, numbered(3, 3));  // insert 3, delete 1
         d.put("home", put_mode::insert, numbered(4, 4));  // insert 4, delete 2
         CHECK(d.revision("home") == 6);
         CHECK(describe(d.changes("home", 2).changes) ==
               lines{"3 insert 3", "4 delete 1", "5 insert 4", "6 delete 2"});
         CHECK(is_stale(d.changes_error("home", 1)));
         d.check_exactly_once();
       },
       true},
  };
}

std::vector<contract_case> replay_cases() {
  return {
      {"changes: replaying the log from 0 onto an empty timeline rebuilds it",
       [](storage_suite& suite) {
         auto d = open(suite);
         d.put("home", put_mode::insert, numbered(1, 6));
         d.put("home", put_mode::upsert,
               {make_status({.id = "2", .created_at = created(2), .text = "edited"}),
                make_status({.id = "9", .created_at = created(9), .level = 3})});
         d.ack({.timeline = "home", .max_id = "4", .at = ack_time});
         d.erase({.timeline = "home", .selection = delete_selection::ids({"3", "6"})});
         d.put("home", put_mode::update, {make_status({.id = "1", .text = "unacked again"})});
         change_replay replay;
         for (;;) {
           const auto page = d.changes("home", replay.revision(), 3);
           replay.apply(page.changes);
           if (page.changes.empty()) break;
         }
         CHECK(replay.revision() == d.revision("home"));
         CHECK(replay.statuses().size() == 5);
         require_same_statuses(replay,
                               d.get_texts({.timeline = "home", .count = status_count::all()}));
         d.check_exactly_once();
       }},
  };
}

}  // namespace

std::vector<contract_case> change_cases() {
  std::vector<contract_case> out;
  for (auto&& list :
       {feed_cases(), ack_delete_cases(), cursor_cases(), retention_cases(), replay_cases()})
    out.insert(out.end(), list.begin(), list.end());
  return out;
}

}  // namespace roost::conformance::detail
