// Export: every status of the chosen timelines as NDJSON (see ndjson.hpp), copying each
// stored JSON text into its line without parsing it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "run_hooks.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

struct export_result {
  std::size_t timelines = 0;  ///< timelines written completely
  std::size_t statuses = 0;   ///< lines written
  bool stopped = false;       ///< hooks.should_stop() ended the run early
};

/// Writes the statuses of `timelines` (every timeline of `source` when empty), each
/// timeline in timeline order, to `sink` in chunks of whole lines. Progress goes to
/// `hooks` after each page, with the fraction done when `expected_total` (statuses) is
/// non-zero. Throws storage_failure on a store failure and std::runtime_error when a
/// timeline changed while it was read (the output would not be one consistent state;
/// export from a store nothing writes to, or retry). Whatever `sink` throws propagates.
export_result export_ndjson(status_storage& source, std::vector<std::string> timelines,
                            const std::function<void(std::string_view)>& sink,
                            const run_hooks& hooks, std::size_t expected_total = 0,
                            std::size_t page_size = 1000);

/// The whole export of `source` as one string; for tests and small stores.
std::string export_ndjson_string(status_storage& source,
                                 const std::vector<std::string>& timelines = {});

/// The number of statuses in `timelines` (every timeline when empty), for progress.
std::size_t count_all_statuses(status_storage& source, const std::vector<std::string>& timelines);

}  // namespace roost::app
