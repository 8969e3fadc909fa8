#include "memory_timeline.hpp"

#include <algorithm>
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

memory_timeline::order_map::iterator memory_timeline::insert(std::string order_key, std::string id,
                                                             std::int64_t level, shared_text json) {
  if (!order_key_is_acked(order_key)) count_unacked(level, true);
  auto [it, inserted] = by_order_.emplace(std::move(order_key), entry{id, level, std::move(json)});
  by_id_.emplace(std::move(id), it);
  return it;
}

void memory_timeline::remove(order_map::iterator it) {
  if (!order_key_is_acked(it->first)) count_unacked(it->second.level, false);
  by_id_.erase(it->second.id);
  by_order_.erase(it);
}

void memory_timeline::record(change_op op, const std::string& id, shared_text json,
                             std::string acked_at) {
  log_.push_back({++revision_, op, id, std::move(json), std::move(acked_at)});
}

std::size_t memory_timeline::put(put_mode mode, std::vector<prepared_status>& statuses,
                                 const storage_limits& limits) {
  std::size_t changed = 0;
  for (auto& s : statuses) {
    const auto existing = by_id_.find(s.id);
    const bool exists = existing != by_id_.end();
    if ((mode == put_mode::insert && exists) || (mode == put_mode::update && !exists)) continue;
    if (exists) remove(existing->second);
    auto json = std::make_shared<const std::string>(std::move(s.json));
    record(exists ? change_op::update : change_op::insert, s.id, json);
    insert(std::move(s.order_key), std::move(s.id), s.level, std::move(json));
    ++changed;
  }
  if (changed != 0) truncate(limits);
  return changed;
}

void memory_timeline::truncate(const storage_limits& limits) {
  if (!limits.truncates() || by_order_.size() <= limits.hard_limit()) return;
  while (by_order_.size() > limits.soft_max) {
    const auto oldest = std::prev(by_order_.end());
    record(change_op::remove, oldest->second.id);
    remove(oldest);
  }
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
    page.push_back(*it->second.json);
  }
  return page;
}

std::size_t memory_timeline::ack(const prepared_ack& request) {
  // Collect first, change after: re-keying moves statuses within by_order_. Targets are
  // order keys, so iterating them visits the statuses newest first, the order recorded.
  std::set<std::string, std::less<>> targets;
  const bool everything = !request.ids && !request.max_id;
  auto collect_from = [&](order_map::iterator it) {
    for (; it != by_order_.end() && !order_key_is_acked(it->first); ++it) targets.insert(it->first);
  };
  if (everything) collect_from(by_order_.begin());
  if (request.ids) {
    for (const auto& id : *request.ids) {
      const auto found = by_id_.find(id);
      if (found != by_id_.end() && !order_key_is_acked(found->second->first))
        targets.insert(found->second->first);
    }
  }
  if (request.max_id) {
    const auto found = by_id_.find(*request.max_id);
    if (found != by_id_.end() && !order_key_is_acked(found->second->first))
      collect_from(found->second);
  }
  for (const auto& key : targets) {
    const auto it = by_order_.find(key);
    auto id = it->second.id;
    const auto level = it->second.level;
    auto acked_key = order_key_with_acked_at(it->first, request.at);
    auto json =
        std::make_shared<const std::string>(with_acked_at(*it->second.json, request.at_text));
    remove(it);
    record(change_op::ack, id, {}, request.at_text);
    insert(std::move(acked_key), std::move(id), level, std::move(json));
  }
  return targets.size();
}

std::size_t memory_timeline::erase(const delete_selection& selection) {
  if (selection.is_all()) {
    const std::size_t n = by_order_.size();
    for (const auto& [key, e] : by_order_) record(change_op::remove, e.id);
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
    record(change_op::remove, id);
    ++n;
  }
  return n;
}

void memory_timeline::prune_log(std::size_t retention) {
  while (log_.size() > retention) log_.pop_front();
}

void memory_timeline::read_changes(change_page_builder& page) const {
  if (!page.wants_more() || log_.empty()) return;
  // Revisions in the log are consecutive, so the wanted one maps straight to an index;
  // one older than the log starts at its front, which the builder finds stale.
  const auto oldest = log_.front().revision;
  const auto wanted = page.next_revision();
  auto i = wanted > oldest ? static_cast<std::size_t>(wanted - oldest) : std::size_t{0};
  for (; i < log_.size() && page.wants_more(); ++i) {
    const auto& c = log_[i];
    if (!page.accept(c.revision)) return;
    page.add({c.revision, c.op, c.id, c.json ? *c.json : std::string(), c.acked_at});
  }
}

void memory_timeline::restart_log_at(std::uint64_t revision) noexcept {
  log_.clear();
  revision_ = revision;
}

}  // namespace roost::detail
