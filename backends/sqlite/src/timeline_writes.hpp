// The writing storage operations as SQL (timeline_writes.cpp): put, ack and delete, each
// one transaction on a connection.
//
// These functions hold the semantics (docs/spec/storage-contract.md; the memory backend is
// the executable reference); sqlite_storage around them handles connections, retries and
// errors. Each throws sqlite_error on an engine failure, after which its transaction has
// been rolled back: nothing it did remains.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "prepared_connection.hpp"
#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::sqlite {

/// What writes do beyond the request itself.
struct write_settings {
  storage_limits limits;      ///< truncation after puts and change retention (also per timeline)
  bool reclaim_space = true;  ///< see sqlite_options::reclaim_space
};

// Writes: one IMMEDIATE transaction each, which commits only when something changed (so
// a write that changes nothing creates no timeline and bumps no revision), and then also
// updates the unacked counts, the timeline's size, the change log (one entry and one
// revision per status changed, pruned to the timeline's change_retention) and the
// timeline's revision. Each returns the operation's result: the number inserted or
// replaced, acked, or deleted.

/// put_statuses, in request order, then truncation to the limits.
std::size_t put_statuses(prepared_connection& s, const prepared_put& request,
                         const write_settings& settings);
/// ack_statuses: the union of `ids` and the range from `max_id`, or every unacked status.
std::size_t ack_statuses(prepared_connection& s, const prepared_ack& request,
                         const write_settings& settings);
/// delete_statuses.
std::size_t delete_statuses(prepared_connection& s, const delete_request& request,
                            const write_settings& settings);

}  // namespace roost::sqlite
