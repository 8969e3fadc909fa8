// One timeline of the memory backend: statuses in timeline order with an id index and
// incrementally kept unacked counts. Not thread-safe; memory_storage locks around it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::detail {

class memory_timeline {
public:
  /// Applies a put in request order, then truncates; returns the number inserted or replaced.
  std::size_t put(put_mode mode, std::vector<prepared_status>& statuses,
                  const storage_limits& limits);

  /// The page a get asks for, as stored JSON texts.
  std::vector<std::string> get(const prepared_get& request, std::size_t default_count) const;

  /// Acks as the contract says; returns how many changed.
  std::size_t ack(const prepared_ack& request);

  /// Deletes; returns how many were removed.
  std::size_t erase(const delete_selection& selection);

  const unacked_counts& counts() const noexcept { return counts_; }
  bool contains(const std::string& id) const { return by_id_.count(id) != 0; }
  std::size_t size() const noexcept { return by_order_.size(); }

  std::uint64_t revision() const noexcept { return revision_; }
  void set_revision(std::uint64_t revision) noexcept { revision_ = revision; }
  void bump_revision() noexcept { ++revision_; }

  /// Calls `f(json_text)` for every status, newest first.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, e] : by_order_) f(e.json);
  }

private:
  struct entry {
    std::string id;
    std::int64_t level = 0;
    std::string json;
  };
  using order_map = std::map<std::string, entry, std::less<>>;

  void insert(prepared_status&& s);
  void remove(order_map::iterator it);
  void truncate(const storage_limits& limits);
  void count_unacked(std::int64_t level, bool add);

  order_map by_order_;  // order key -> status; begin() is the newest
  std::unordered_map<std::string, order_map::iterator> by_id_;
  unacked_counts counts_;
  std::uint64_t revision_ = 0;
};

}  // namespace roost::detail
