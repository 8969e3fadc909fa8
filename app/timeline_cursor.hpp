// Reading a whole timeline a page at a time, as stored JSON texts (nothing parsed but the
// last status of each page, whose id starts the next page). Export, migrate, the final
// comparison and stats all read timelines this way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/status_storage.hpp"

namespace roost::app {

class timeline_cursor {
public:
  /// A cursor at the newest status of `timeline`. REQUIRES: page_size > 0; `storage`
  /// outlives the cursor. Notes the timeline's revision, for unchanged().
  timeline_cursor(status_storage& storage, std::string timeline, std::size_t page_size = 1000);

  /// The next page of stored texts in timeline order; empty once the timeline is done.
  /// Throws storage_failure on a store failure, and std::runtime_error when the stored
  /// text is not JSON.
  const std::vector<std::string>& next_page();

  /// True when the timeline has not changed since the cursor was made. Pages read from
  /// a timeline that changed meanwhile may have skipped or repeated statuses.
  bool unchanged() const;

  const std::string& timeline() const noexcept { return timeline_; }

  /// The timeline's revision when the cursor was made.
  std::uint64_t revision() const noexcept { return revision_; }

private:
  status_storage& storage_;
  std::string timeline_;
  std::size_t page_size_;
  std::uint64_t revision_;
  std::optional<std::string> last_id_;
  std::vector<std::string> page_;
  bool done_ = false;
};

/// The id of a stored status text. Throws std::runtime_error when it is not a status.
std::string stored_status_id(const std::string& text);

/// The number of statuses in `timeline`, read page by page.
std::size_t count_statuses(status_storage& storage, const std::string& timeline);

}  // namespace roost::app
