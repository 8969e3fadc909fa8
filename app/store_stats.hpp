// What `roost stats` reports about a store: its timelines, how many statuses each holds,
// the unacked counts per level, and the bytes the store takes on disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_hooks.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

struct timeline_stats {
  std::string name;
  std::size_t statuses = 0;
  unacked_counts unacked;
};

struct store_stats {
  std::vector<timeline_stats> timelines;  ///< sorted by name
  std::size_t statuses = 0;               ///< in all timelines
  std::size_t unacked = 0;                ///< in all timelines
  std::optional<std::uintmax_t> bytes;    ///< on disk; nullopt for a memory store
};

/// Reads every timeline of `storage` (statuses counted page by page). Throws
/// storage_failure on a store failure.
store_stats collect_stats(status_storage& storage, const run_hooks& hooks = {});

/// A table for people: one row per timeline, then the totals and the size.
std::string stats_text(const store_stats& stats);

/// The same as JSON: {"bytes": N|null, "statuses": N, "unacked": N, "timelines":
/// [{"name", "statuses", "acked", "unacked": {"total": N, "<level>": n, ...}}]}.
nlohmann::json stats_json(const store_stats& stats);

}  // namespace roost::app
