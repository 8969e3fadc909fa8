// The change feed of a timeline: what changed, in order, from a cursor.
//
// Every change a timeline undergoes (a status inserted, replaced by an update or upsert,
// acked, deleted, or removed by truncation) gets the timeline's next revision: 1, 2, 3...
// per timeline, never reused, also across restarts of a persistent backend. The backend
// records the change in its change log in the same transaction as the change itself, so
// the log and the statuses never disagree. A reader that replays the log from revision 0
// onto an empty timeline rebuilds the timeline's statuses exactly (as long as nothing
// has been pruned).
//
// The log keeps the newest `storage_limits::change_retention` changes of each timeline.
// Asking for changes after a revision whose successors were pruned fails with
// errc::stale_cursor: the reader must resync (read the timeline afresh), and never gets a
// silent gap. Value types only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/errors.hpp"

namespace roost {

/// What a change did to one status. The values are stored in the SQLite and LMDB change
/// logs: never renumber them.
enum class change_op {
  insert = 1,  ///< the status was new to the timeline (put insert, or upsert of a new id)
  update,      ///< the status replaced one with the same id (put update or upsert)
  ack,         ///< the status went from unacked to acked (ack_statuses)
  remove,      ///< the status left the timeline (delete_statuses or truncation)
};

/// "insert", "update", "ack" or "delete": the names the Web API uses.
std::string_view change_op_name(change_op op) noexcept;

/// The change_op named `name`, nullopt for anything else.
std::optional<change_op> parse_change_op(std::string_view name) noexcept;

/// One entry of a change log.
struct status_change {
  std::uint64_t revision = 0;  ///< the timeline's revision this change created
  change_op op{};
  std::string id;  ///< the status's id text (status.hpp, id_text)
  /// insert and update: the status exactly as stored (compact JSON text); else empty.
  std::string status_json;
  /// ack: the new busybird.acked_at value (Twitter style); else empty.
  std::string acked_at;

  bool operator==(const status_change&) const = default;
};

/// get_changes: the changes of one timeline after a cursor.
struct changes_request {
  std::string timeline;  ///< non-empty UTF-8 name
  /// Return changes with a revision greater than this; 0 means from the beginning.
  std::uint64_t since = 0;
  /// At most this many changes; 0 means the default (100). Larger than 10,000 is a caller
  /// error.
  std::size_t limit = 0;
};

/// The answer to get_changes.
struct change_page {
  /// Oldest first, consecutive revisions starting at since + 1; at most `limit`.
  std::vector<status_change> changes;
  /// The timeline's latest revision (0 for a timeline never changed). When `changes`
  /// is shorter than the limit, the reader is up to date at last_revision.
  std::uint64_t last_revision = 0;
};

/// A validated changes_request with its limit resolved.
struct prepared_changes {
  std::string timeline;
  std::uint64_t since = 0;
  std::size_t limit = 100;
};

/// The default and the largest number of changes one get_changes returns.
inline constexpr std::size_t default_change_limit = 100;
inline constexpr std::size_t max_change_limit = 10000;

/// Completion of get_changes. Besides the usual store failures, the error can be
/// errc::stale_cursor: `since` is older than the oldest retained change minus one, or
/// newer than the timeline's latest revision (a cursor from another store or from before
/// a memory store was restarted). Either way the reader must resync.
using changes_callback = std::function<void(const storage_error&, change_page)>;

}  // namespace roost
