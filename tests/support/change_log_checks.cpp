#include "change_log_checks.hpp"

#include <map>

#include <catch2/catch.hpp>

#include "storage/blocking.hpp"

namespace roost::testing {

change_page read_changes(status_storage& s, const std::string& timeline, std::uint64_t since,
                         std::size_t limit) {
  change_page out;
  int calls = 0;
  s.get_changes({.timeline = timeline, .since = since, .limit = limit},
                [&](const storage_error& e, change_page page) {
                  ++calls;
                  INFO(e.message());
                  REQUIRE_FALSE(e);
                  out = std::move(page);
                });
  REQUIRE(calls == 1);
  return out;
}

storage_error changes_error(status_storage& s, const std::string& timeline, std::uint64_t since) {
  storage_error out;
  int calls = 0;
  s.get_changes({.timeline = timeline, .since = since}, [&](const storage_error& e, change_page) {
    ++calls;
    out = e;
  });
  REQUIRE(calls == 1);
  return out;
}

std::vector<status_change> all_changes(status_storage& s, const std::string& timeline,
                                       std::uint64_t since) {
  std::vector<status_change> out;
  for (;;) {
    auto page = read_changes(s, timeline, since);
    if (page.changes.empty()) return out;
    since = page.changes.back().revision;
    for (auto& c : page.changes) out.push_back(std::move(c));
  }
}

void require_log_replays_to_statuses(status_storage& s, const std::string& timeline) {
  const auto revision = blocking::get_revision(s, timeline);
  const auto log = all_changes(s, timeline);
  REQUIRE(log.size() == revision);
  std::map<std::string, std::string> replayed;  // id -> text
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& c = log[i];
    INFO("change " << c.revision << " of " << c.id);
    REQUIRE(c.revision == i + 1);
    switch (c.op) {
      case change_op::insert:
      case change_op::update:
        REQUIRE(replayed.contains(c.id) == (c.op == change_op::update));
        replayed[c.id] = c.status_json;
        break;
      case change_op::ack:
        REQUIRE(replayed.contains(c.id));
        replayed[c.id] = with_acked_at(replayed[c.id], c.acked_at);
        break;
      case change_op::remove: REQUIRE(replayed.erase(c.id) == 1); break;
    }
  }
  std::map<std::string, std::string> stored;
  for (auto& text :
       blocking::get_status_texts(s, {.timeline = timeline, .count = status_count::all()}))
    stored[*status_id(nlohmann::json::parse(text))] = std::move(text);
  REQUIRE(replayed == stored);
}

}  // namespace roost::testing
