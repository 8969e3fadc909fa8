#include "change_replay.hpp"

#include <catch2/catch.hpp>

#include "storage/status_storage.hpp"

namespace roost::conformance::detail {

void change_replay::apply(const status_change& c) {
  INFO("replaying change " << c.revision << " (" << change_op_name(c.op) << " " << c.id << ")");
  REQUIRE(c.revision == revision_ + 1);
  revision_ = c.revision;
  const auto found = statuses_.find(c.id);
  switch (c.op) {
    case change_op::insert:
    case change_op::update: {
      REQUIRE((found == statuses_.end()) == (c.op == change_op::insert));
      REQUIRE(c.acked_at.empty());
      const auto doc = nlohmann::json::parse(c.status_json);
      REQUIRE(status_id(doc) == c.id);
      statuses_[c.id] = {c.status_json, false};
      break;
    }
    case change_op::ack:
      REQUIRE(found != statuses_.end());
      REQUIRE(c.status_json.empty());
      REQUIRE_FALSE(c.acked_at.empty());
      REQUIRE_FALSE(is_acked(nlohmann::json::parse(found->second.json)));
      found->second = {with_acked_at(found->second.json, c.acked_at), true};
      break;
    case change_op::remove:
      REQUIRE(found != statuses_.end());
      REQUIRE(c.status_json.empty());
      REQUIRE(c.acked_at.empty());
      statuses_.erase(found);
      break;
    default: FAIL("unknown change op " << static_cast<int>(c.op));
  }
}

void require_same_statuses(const change_replay& replay,
                           const std::vector<std::string>& stored_texts) {
  std::map<std::string, std::string> stored;
  for (const auto& text : stored_texts) stored[*status_id(nlohmann::json::parse(text))] = text;
  std::vector<std::string> stored_ids, replayed_ids;
  for (const auto& [id, text] : stored) stored_ids.push_back(id);
  for (const auto& [id, r] : replay.statuses()) replayed_ids.push_back(id);
  REQUIRE(replayed_ids == stored_ids);
  for (const auto& [id, r] : replay.statuses()) {
    INFO("status " << id);
    if (r.from_ack)
      CHECK(nlohmann::json::parse(r.json) == nlohmann::json::parse(stored[id]));
    else
      CHECK(r.json == stored[id]);
  }
}

}  // namespace roost::conformance::detail
