// Blocking calls over any status_storage, for programs without an event loop (command
// line tools, examples, tests).
//
// Each function starts the operation and waits for its callback, so it works with
// synchronous backends and with asynchronous ones that complete on another thread.
// REQUIRES: the backend does not need the calling thread to run its completions (do not
// call these from the only thread of an event loop that the backend completes on).
//
// Caller mistakes throw invalid_request; store failures throw storage_failure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/status_storage.hpp"

namespace roost::blocking {

/// put_statuses; returns the number inserted or replaced.
std::size_t put_statuses(status_storage& s, put_request request);
/// put_status_texts; returns the number inserted or replaced.
std::size_t put_status_texts(status_storage& s, put_texts_request request);
/// get_statuses; returns the page, newest first.
std::vector<status> get_statuses(status_storage& s, get_request request);
/// get_status_texts; returns each status's JSON text, newest first.
std::vector<std::string> get_status_texts(status_storage& s, get_request request);
/// ack_statuses; returns the number acked.
std::size_t ack_statuses(status_storage& s, ack_request request);
/// delete_statuses; returns the number deleted.
std::size_t delete_statuses(status_storage& s, delete_request request);
/// get_unacked_counts.
unacked_counts get_unacked_counts(status_storage& s, std::string timeline);
/// contains.
contains_result contains(status_storage& s, contains_request request);
/// timeline_names.
std::vector<std::string> timeline_names(status_storage& s);
/// get_revision.
std::uint64_t get_revision(status_storage& s, std::string timeline);
/// get_changes; a stale cursor throws storage_failure with code errc::stale_cursor.
change_page get_changes(status_storage& s, changes_request request);
/// get_setting; a backend without settings throws storage_failure with errc::unsupported.
setting get_setting(status_storage& s, std::string key);
/// put_setting; returns the new version. A stale expected_version throws storage_failure
/// with code errc::conflict.
std::uint64_t put_setting(status_storage& s, put_setting_request request);

}  // namespace roost::blocking
