#include "memory_timeline.hpp"

#include <set>

#include "storage/order_key.hpp"

namespace roost::detail {

void memory_timeline::count_unacked(std::int64_t level, bool add) {
  if (add) {
    ++counts_.total;
    ++counts_.by_level[level];
    return;
  }
  --counts_.total;
  const auto it = counts_.by_level.find(level);
  if (--it->second == 0) counts_.by_level.erase(it);
}

void memory_timeline::insert(prepared_status&& s) {
  if (!s.acked) count_unacked(s.level, true);
  auto [it, inserted] =
      by_order_.emplace(std::move(s.order_key), entry{s.id, s.level, std::move(s.json)});
  by_id_.emplace(std::move(s.id), it);
}

void memory_timeline::remove(order_map::iterator it) {
  if (!order_key_is_acked(it->first)) count_unacked(it->second.level, false);
  by_id_.erase(it->second.id);
  by_order_.erase(it);
}

std::size_t memory_timeline::put(put_mode mode, std::vector<prepared_status>& statuses,
                                 const storage_limits& limits) {
  std::size_t changed = 0;
  for (auto& s : statuses) {
    const auto existing = by_id_.find(s.id);
    const bool exists = existing != by_id_.end();
    if ((mode == put_mode::insert && exists) || (mode == put_mode::update && !exists)) continue;
    if (exists) remove(existing->second);
    insert(std::move(s));
    ++changed;
  }
  if (changed != 0) truncate(limits);
  return changed;
}

void memory_timeline::truncate(const storage_limits& limits) {
  if (!limits.truncates() || by_order_.size() <= limits.hard_limit()) return;
  while (by_order_.size() > limits.soft_max) remove(std::prev(by_order_.end()));
}

std::vector<std::string> memory_timeline::get(const prepared_get& request,
                                              std::size_t default_count) const {
  std::vector<std::string> page;
  auto it = by_order_.begin();
  if (request.max_id) {
    const auto found = by_id_.find(*request.max_id);
    if (found == by_id_.end()) return page;
    it = found->second;
    const bool acked = order_key_is_acked(it->first);
    if ((request.state == ack_state::unacked && acked) ||
        (request.state == ack_state::acked && !acked))
      return page;
  } else if (request.state == ack_state::acked) {
    it = by_order_.lower_bound(acked_key_floor());
  }
  const std::size_t limit = request.count.resolve(default_count);
  for (; it != by_order_.end() && page.size() < limit; ++it) {
    if (request.state == ack_state::unacked && order_key_is_acked(it->first)) break;
    page.push_back(it->second.json);
  }
  return page;
}

std::size_t memory_timeline::ack(const prepared_ack& request) {
  // Collect first, change after: re-keying moves statuses within by_order_.
  std::set<std::string> targets;
  const bool everything = !request.ids && !request.max_id;
  auto collect_from = [&](order_map::iterator it) {
    for (; it != by_order_.end() && !order_key_is_acked(it->first); ++it)
      targets.insert(it->second.id);
  };
  if (everything) collect_from(by_order_.begin());
  if (request.ids) {
    for (const auto& id : *request.ids) {
      const auto found = by_id_.find(id);
      if (found != by_id_.end() && !order_key_is_acked(found->second->first)) targets.insert(id);
    }
  }
  if (request.max_id) {
    const auto found = by_id_.find(*request.max_id);
    if (found != by_id_.end() && !order_key_is_acked(found->second->first))
      collect_from(found->second);
  }
  for (const auto& id : targets) {
    const auto it = by_id_.at(id);
    prepared_status acked;
    acked.id = id;
    acked.level = it->second.level;
    acked.acked = true;
    acked.order_key = order_key_with_acked_at(it->first, request.at);
    acked.json = with_acked_at(it->second.json, request.at_text);
    remove(it);
    insert(std::move(acked));
  }
  return targets.size();
}

std::size_t memory_timeline::erase(const delete_selection& selection) {
  if (selection.is_all()) {
    const std::size_t n = by_order_.size();
    by_order_.clear();
    by_id_.clear();
    counts_ = {};
    return n;
  }
  std::size_t n = 0;
  for (const auto& id : selection.id_list()) {
    const auto found = by_id_.find(id);
    if (found == by_id_.end()) continue;
    remove(found->second);
    ++n;
  }
  return n;
}

}  // namespace roost::detail
