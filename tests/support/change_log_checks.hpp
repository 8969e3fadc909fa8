// Checks of a store's change log shared by the backend tests (SQLite, LMDB): reading the
// feed through the callback API, following it page by page, and replaying it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/status_storage.hpp"

namespace roost::testing {

/// get_changes through the callback: REQUIREs success and one call.
change_page read_changes(status_storage& s, const std::string& timeline, std::uint64_t since,
                         std::size_t limit = max_change_limit);

/// The error get_changes reports (empty on success).
storage_error changes_error(status_storage& s, const std::string& timeline, std::uint64_t since);

/// Every retained change after `since`, oldest first, following the cursor page by page.
std::vector<status_change> all_changes(status_storage& s, const std::string& timeline,
                                       std::uint64_t since = 0);

/// REQUIREs that the timeline's whole change log (nothing pruned) has revisions 1..the
/// timeline's revision and, replayed onto an empty timeline, gives exactly the stored
/// texts of its statuses: the log and the statuses were changed together.
void require_log_replays_to_statuses(status_storage& s, const std::string& timeline);

}  // namespace roost::testing
