// Rebuilds a timeline from its change log alone: what a feed reader does. The suite
// replays get_changes from revision 0 and requires the result to match the timeline.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/changes.hpp"

namespace roost::conformance::detail {

class change_replay {
public:
  /// What the replay knows of one status.
  struct replayed {
    std::string json;       ///< its text: status_json, with acked_at applied after an ack
    bool from_ack = false;  ///< true when the last change was an ack (text re-serialized here)
  };

  /// Applies one change. Requires (Catch2) that it follows the previous one (revision + 1)
  /// and makes sense: no insert of a present id, no update, ack or delete of an absent one,
  /// and the payload fields of its op set, the others empty.
  void apply(const status_change& change);

  /// Applies a page's changes in order.
  void apply(const std::vector<status_change>& changes) {
    for (const auto& c : changes) apply(c);
  }

  /// The revision of the last change applied; 0 before any.
  std::uint64_t revision() const noexcept { return revision_; }

  /// The statuses, by id.
  const std::map<std::string, replayed>& statuses() const noexcept { return statuses_; }

private:
  std::uint64_t revision_ = 0;
  std::map<std::string, replayed> statuses_;
};

/// Requires (Catch2) that `replay` holds exactly the statuses `stored_texts` (a whole
/// timeline from get_status_texts): the same ids, and for each the same text — byte for
/// byte unless the replay re-serialized it after an ack, then the same JSON.
void require_same_statuses(const change_replay& replay,
                           const std::vector<std::string>& stored_texts);

}  // namespace roost::conformance::detail
