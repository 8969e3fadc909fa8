// One timeline of the memory backend: statuses in timeline order with an id index,
// incrementally kept unacked counts, and the change log (changes.hpp). Not thread-safe;
// memory_storage locks around it.
//
// Each write records its changes as it applies them, one revision per status changed, in
// the order docs/design.md ("Change feed") fixes. A stored text is shared, not copied,
// between the status and the log entries that recorded it: both hold the same immutable
// string, so a log of 10,000 inserts costs pointers, not 10,000 more documents.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/change_page_builder.hpp"
#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::detail {

class memory_timeline {
public:
  /// Applies a put in request order, then truncates; returns the number inserted or
  /// replaced. Records an insert or update per status changed, then a remove per status
  /// truncated (oldest first).
  std::size_t put(put_mode mode, std::vector<prepared_status>& statuses,
                  const storage_limits& limits);

  /// The page a get asks for, as stored JSON texts.
  std::vector<std::string> get(const prepared_get& request, std::size_t default_count) const;

  /// Acks as the contract says; returns how many changed. Records an ack per status
  /// acked, newest first.
  std::size_t ack(const prepared_ack& request);

  /// Deletes; returns how many were removed. Records a remove per status removed: in the
  /// order of the ids, or newest first when deleting all.
  std::size_t erase(const delete_selection& selection);

  /// Drops the oldest log entries beyond the newest `retention`.
  void prune_log(std::size_t retention);

  /// Feeds `page` (made with this timeline's revision()) the log entries it wants.
  void read_changes(change_page_builder& page) const;

  /// Sets the revision and empties the log, as after loading a saved store: the changes
  /// before `revision` are unknown, so only a cursor at `revision` can follow on.
  void restart_log_at(std::uint64_t revision) noexcept;

  const unacked_counts& counts() const noexcept { return counts_; }
  bool contains(const std::string& id) const { return by_id_.count(id) != 0; }
  std::size_t size() const noexcept { return by_order_.size(); }

  /// The revision of the latest change; 0 when never changed.
  std::uint64_t revision() const noexcept { return revision_; }

  /// Calls `f(json_text)` for every status, newest first.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, e] : by_order_) f(*e.json);
  }

private:
  using shared_text = std::shared_ptr<const std::string>;

  struct entry {
    std::string id;
    std::int64_t level = 0;
    shared_text json;
  };
  using order_map = std::map<std::string, entry, std::less<>>;

  /// One change as the log keeps it; status_change without the copied text.
  struct logged_change {
    std::uint64_t revision;
    change_op op;
    std::string id;
    shared_text json;      // insert and update
    std::string acked_at;  // ack
  };

  order_map::iterator insert(std::string order_key, std::string id, std::int64_t level,
                             shared_text json);
  void remove(order_map::iterator it);
  void truncate(const storage_limits& limits);
  void count_unacked(std::int64_t level, bool add);
  void record(change_op op, const std::string& id, shared_text json = {},
              std::string acked_at = {});

  order_map by_order_;  // order key -> status; begin() is the newest
  std::unordered_map<std::string, order_map::iterator> by_id_;
  unacked_counts counts_;
  std::uint64_t revision_ = 0;
  std::deque<logged_change> log_;  // consecutive revisions, oldest first, ending at revision_
};

}  // namespace roost::detail
