#include "reference_model.hpp"

#include <algorithm>
#include <set>

namespace roost::conformance::detail {
namespace {

// True when `a` comes before `b` in timeline order (docs/spec/status.md, "The timeline order").
bool newer(const status& a, const status& b) {
  const auto a_acked = status_acked_at(a), b_acked = status_acked_at(b);
  if (a_acked.has_value() != b_acked.has_value()) return !a_acked.has_value();
  if (a_acked && *a_acked != *b_acked) return *a_acked > *b_acked;
  const auto a_created = status_created_at(a), b_created = status_created_at(b);
  if (a_created.has_value() != b_created.has_value()) return !a_created.has_value();
  if (a_created && *a_created != *b_created) return *a_created > *b_created;
  // Descending by UTF-8 bytes: compare as unsigned chars.
  const auto a_id = *status_id(a), b_id = *status_id(b);
  return std::lexicographical_compare(
      b_id.begin(), b_id.end(), a_id.begin(), a_id.end(),
      [](char x, char y) { return static_cast<unsigned char>(x) < static_cast<unsigned char>(y); });
}

}  // namespace

void reference_model::sort(timeline& statuses) {
  std::stable_sort(statuses.begin(), statuses.end(), newer);
}

std::ptrdiff_t reference_model::index_of(const timeline& statuses, const std::string& id) {
  for (std::size_t i = 0; i < statuses.size(); ++i)
    if (status_id(statuses[i]) == id) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

const reference_model::timeline* reference_model::find(const std::string& name) const {
  const auto it = timelines_.find(name);
  return it == timelines_.end() ? nullptr : &it->second;
}

std::size_t reference_model::put(const std::string& name, put_mode mode,
                                 const std::vector<status>& statuses) {
  const bool existed = timelines_.count(name) != 0;
  auto& tl = timelines_[name];
  auto& log = logs_[name];
  std::size_t changed = 0;
  for (const auto& s : statuses) {
    const auto at = index_of(tl, *status_id(s));
    if (at >= 0 && mode != put_mode::insert) {
      tl[static_cast<std::size_t>(at)] = s;
      log.push_back({change_op::update, *status_id(s), s, {}});
      ++changed;
    } else if (at < 0 && mode != put_mode::update) {
      tl.push_back(s);
      log.push_back({change_op::insert, *status_id(s), s, {}});
      ++changed;
    }
  }
  if (limits_.truncates() && tl.size() > limits_.hard_limit()) {
    sort(tl);
    // Truncation removes the oldest first: from the end of the timeline order.
    for (auto i = tl.size(); i-- > limits_.soft_max;)
      log.push_back({change_op::remove, *status_id(tl[i]), std::nullopt, {}});
    tl.resize(limits_.soft_max);
  }
  if (log.empty()) logs_.erase(name);
  if (!existed && changed == 0) timelines_.erase(name);
  return changed;
}

std::vector<status> reference_model::get(const get_request& request) const {
  const auto* found = find(request.timeline);
  if (found == nullptr) return {};
  auto sorted = *found;
  sort(sorted);
  auto in_state = [&](const status& s) {
    return request.state == ack_state::any || (request.state == ack_state::acked) == is_acked(s);
  };
  std::vector<status> page;
  bool started = !request.max_id.has_value();
  const std::size_t limit = request.count.resolve(limits_.default_count);
  for (const auto& s : sorted) {
    if (!started && status_id(s) == *request.max_id) {
      if (!in_state(s)) return {};
      started = true;
    }
    if (started && in_state(s) && page.size() < limit) page.push_back(s);
  }
  return page;
}

std::size_t reference_model::ack(const ack_request& request) {
  const auto it = timelines_.find(request.timeline);
  if (it == timelines_.end()) return 0;
  auto& tl = it->second;
  sort(tl);
  std::set<std::size_t> targets;
  const bool everything = !request.ids && !request.max_id;
  for (std::size_t i = 0; i < tl.size(); ++i)
    if (everything && !is_acked(tl[i])) targets.insert(i);
  if (request.ids)
    for (const auto& id : *request.ids) {
      const auto at = index_of(tl, id);
      if (at >= 0 && !is_acked(tl[static_cast<std::size_t>(at)]))
        targets.insert(static_cast<std::size_t>(at));
    }
  if (request.max_id) {
    const auto at = index_of(tl, *request.max_id);
    if (at >= 0 && !is_acked(tl[static_cast<std::size_t>(at)]))
      for (auto i = static_cast<std::size_t>(at); i < tl.size() && !is_acked(tl[i]); ++i)
        targets.insert(i);
  }
  const auto text = format_twitter(*request.at);
  // Indices into the sorted timeline, ascending: newest first, the order recorded.
  for (const auto i : targets) {
    set_acked_at(tl[i], text);
    logs_[request.timeline].push_back({change_op::ack, *status_id(tl[i]), std::nullopt, text});
  }
  return targets.size();
}

std::size_t reference_model::erase(const delete_request& request) {
  const auto it = timelines_.find(request.timeline);
  if (it == timelines_.end()) return 0;
  auto& tl = it->second;
  auto& log = logs_[request.timeline];
  if (request.selection.is_all()) {
    sort(tl);  // deleting everything records the statuses newest first
    for (const auto& s : tl) log.push_back({change_op::remove, *status_id(s), std::nullopt, {}});
    const auto n = tl.size();
    tl.clear();
    return n;
  }
  std::size_t n = 0;
  for (const auto& id : request.selection.id_list()) {
    const auto at = index_of(tl, id);
    if (at < 0) continue;
    tl.erase(tl.begin() + at);
    log.push_back({change_op::remove, id, std::nullopt, {}});
    ++n;
  }
  return n;
}

unacked_counts reference_model::counts(const std::string& name) const {
  unacked_counts out;
  if (const auto* tl = find(name))
    for (const auto& s : *tl)
      if (!is_acked(s)) {
        ++out.total;
        ++out.by_level[status_level(s)];
      }
  return out;
}

contains_result reference_model::contains(const std::string& name,
                                          const std::vector<nlohmann::json>& query) const {
  contains_result out;
  const auto* tl = find(name);
  for (const auto& item : query) {
    const auto id = item.is_object() ? status_id(item) : std::optional(id_text(item));
    const bool in = tl != nullptr && id && index_of(*tl, *id) >= 0;
    (in ? out.contained : out.not_contained).push_back(item);
  }
  return out;
}

std::uint64_t reference_model::revision(const std::string& timeline) const {
  return changes(timeline).size();
}

const std::vector<model_change>& reference_model::changes(const std::string& timeline) const {
  static const std::vector<model_change> none;
  const auto it = logs_.find(timeline);
  return it == logs_.end() ? none : it->second;
}

std::vector<std::string> reference_model::names() const {
  std::vector<std::string> out;
  for (const auto& [name, tl] : timelines_) out.push_back(name);
  return out;
}

}  // namespace roost::conformance::detail
