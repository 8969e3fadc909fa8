// Filters: what a timeline does to statuses on their way in (timeline::add_statuses).
//
// A filter receives the whole batch and returns the batch to store: it may change
// statuses, drop them or add new ones. A synchronous filter returns the new batch (or
// throws to fail the add); an asynchronous one calls `done` exactly once, later or before
// it returns, with an error or the new batch. Filters run in the order they were added;
// the first that fails ends the add with its message and nothing is stored.
//
// The ready-made filters below cover the common cases; each is a synchronous filter.
// Filters run on whichever thread runs the add (see timeline.hpp); a filter shared by
// several timelines must be safe to call concurrently. Every filter here is, as long as
// the functions given to it are.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <system_error>
#include <vector>

#include "storage/errors.hpp"
#include "storage/status.hpp"

namespace roost {

/// Returns the batch to store. Throwing (any std::exception) fails the add with what().
using sync_filter = std::function<std::vector<status>(std::vector<status> batch)>;

/// How an asynchronous filter finishes: an error (non-empty: fails the add with its
/// message), or no error and the batch to store.
using filter_done = std::function<void(const storage_error& error, std::vector<status> batch)>;

/// Starts filtering `batch`; calls `done` exactly once (a second call is ignored).
/// Throwing instead of calling `done` also fails the add.
using async_filter = std::function<void(std::vector<status> batch, filter_done done)>;

/// Failures of the Timeline layer, as values of `timeline_category()` ("roost.timeline").
enum class timeline_errc {
  filter_failed = 1,  ///< a filter threw or reported an error
  invalid_status,     ///< a status the filters returned cannot be stored (no object, bad field)
};

/// The category of `timeline_errc`.
const std::error_category& timeline_category() noexcept;

/// Makes `timeline_errc` usable wherever a std::error_code is expected.
std::error_code make_error_code(timeline_errc e) noexcept;

/// A storage_error an asynchronous filter can hand to `done` to fail the add.
storage_error filter_error(std::string message);

namespace filters {

/// Changes each status in place: `change(s)`.
sync_filter map(std::function<void(status&)> change);

/// Keeps only the statuses for which `keep(s)` is true, in their order.
sync_filter grep(std::function<bool(const status&)> keep);

/// Sets `busybird.level` to `rule(s)` for each status where the rule gives a level; a
/// status for which it gives nullopt keeps the level it has.
sync_filter set_level(std::function<std::optional<std::int64_t>(const status&)> rule);

/// Runs a synchronous function as an asynchronous filter that completes before it
/// returns; mostly for tests and for composing with asynchronous filters.
async_filter as_async(sync_filter filter);

}  // namespace filters
}  // namespace roost

template <>
struct std::is_error_code_enum<roost::timeline_errc> : std::true_type {};
