// The standard workload of docs/spec/workload.md: seeded, ~1 KB statuses shaped like
// posts of a social network.
//
// Status number `index` depends only on (seed, index): the same pair always gives the
// same document, whatever else was generated before, so a benchmark can regenerate any
// slice of a timeline (to restore it after an ack) and a test can compare two runs.
// Ids are "s%08d" of the index, so id order = insertion order = created_at order
// (created_at is one second per index after a fixed instant).
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/status.hpp"

namespace roost::workload {

/// The seed every published figure uses.
inline constexpr std::uint64_t default_seed = 20130516;

/// The id of status number `index`: "s" and eight zero-padded digits ("s00000042").
std::string id_of(std::size_t index);

/// Status number `index` of the workload with `seed`: id, created_at (Twitter style),
/// ~140 characters of text of which about a third non-ASCII, user, entities with
/// indices, and busybird.level (0: 50%, 1: 25%, 2: 15%, -1: 5%, 5: 5%). Never acked.
status make_status(std::size_t index, std::uint64_t seed = default_seed);

/// Statuses number first .. first + count - 1, in that order (oldest first).
std::vector<status> make_statuses(std::size_t first, std::size_t count,
                                  std::uint64_t seed = default_seed);

}  // namespace roost::workload
