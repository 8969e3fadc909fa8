// timeline: a named timeline of one storage, with input filters and watchers of its
// unacked counts (docs/spec/storage-contract.md, "Timeline layer").
//
// `add_statuses` runs the filters in order, gives every status without `id` a fresh id
// (id_generator.hpp) and every status without `created_at` the current time (Twitter
// style, UTC, one instant per call), then inserts the batch; its callback gets the number
// actually inserted (statuses whose id is already in the timeline are skipped).
//
// `watch_unacked_counts(assumed, done)` calls back as soon as the timeline's counts differ
// from `assumed` (at once if they already do) and can be cancelled. Watchers cost nothing
// while nothing changes: a timeline subscribes to its storage's change listeners
// (status_storage::subscribe_changes), so every change to this timeline made through the
// storage, any wrapper of it or any other `timeline` object on them wakes it; it then
// reads the counts once, whatever the number of watchers, and calls back exactly those
// whose assumption no longer holds. A change made behind the storage's back (another
// process writing the same SQLite file) is not seen until the next change made here.
//
// Threads: callbacks run on the thread that completes the step that decides them: the
// storage's completion thread for an add or a count read (often the thread that made the
// change), or the calling thread when the answer is known at once or when cancelled.
// Keep them short; the Asio layer (storage/asio.hpp) posts them to an executor instead.
//
// Thread safety: every member may be called concurrently from any thread, except that
// add_filter must not race with add_statuses. The storage must outlive the timeline and
// every operation it started; destroying a timeline cancels its pending watchers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/filters.hpp"
#include "storage/status_storage.hpp"

namespace roost {

namespace detail {
struct timeline_state;
struct watch_op;
}  // namespace detail

/// The counts a watcher believes. Only the keys given are compared; a level with no
/// unacked status counts as 0. An assumption that states nothing differs from everything
/// (the watch answers at once).
struct assumed_counts {
  std::optional<std::size_t> total;
  std::map<std::int64_t, std::size_t> levels;

  /// Assumes exactly `counts`: its total and each level it lists.
  static assumed_counts from(const unacked_counts& counts);

  /// True when nothing is stated.
  bool empty() const noexcept { return !total && levels.empty(); }

  /// True when `current` contradicts a stated key (or nothing is stated).
  bool differs_from(const unacked_counts& current) const;
};

/// One count of unacked_counts: the total, or one level's.
class count_level {
public:
  /// The total.
  static count_level total() noexcept { return count_level(true, 0); }
  /// The count at `level` (0 when no status has it).
  static count_level of(std::int64_t level) noexcept { return count_level(false, level); }

  bool is_total() const noexcept { return total_; }
  /// The level; meaningless for total().
  std::int64_t level() const noexcept { return level_; }
  /// This count in `counts`.
  std::size_t in(const unacked_counts& counts) const;

  bool operator==(const count_level&) const = default;

private:
  count_level(bool total, std::int64_t level) : total_(total), level_(level) {}
  bool total_;
  std::int64_t level_;
};

class timeline;

/// One level across several timelines, as the Web API's /updates/unacked_counts.json.
struct level_watch {
  /// The count compared in every timeline.
  count_level level = count_level::total();
  /// The timelines (each must outlive the watch's start) and the count assumed in each.
  std::vector<std::pair<const timeline*, std::size_t>> assumed;
};

/// Full counts of the timelines whose watched count differs, by timeline name.
using level_counts = std::map<std::string, unacked_counts>;
using level_counts_callback = std::function<void(const storage_error&, level_counts)>;

/// A pending watch, to cancel it. Copyable; a default-constructed handle watches nothing.
class watch_handle {
public:
  watch_handle() = default;

  /// Cancels the watch if it is still pending: its callback then runs, on this thread and
  /// before cancel returns, with errc::cancelled. Returns false (and does nothing) when
  /// the watch had already completed or been cancelled.
  bool cancel();

  /// True while the watch has neither completed nor been cancelled.
  bool pending() const;

private:
  friend class timeline;
  friend watch_handle watch_level_counts(const level_watch& watch, level_counts_callback done);
  explicit watch_handle(std::shared_ptr<detail::watch_op> op) : op_(std::move(op)) {}
  std::shared_ptr<detail::watch_op> op_;
};

/// A timeline of a storage: name + storage + filters.
class timeline {
public:
  /// The timeline `name` of `storage` (kept by reference; it must outlive this object).
  /// Throws invalid_request for an empty or non-UTF-8 name.
  timeline(std::string name, status_storage& storage);

  /// Cancels pending watchers (their callbacks run with errc::cancelled).
  ~timeline();

  timeline(timeline&&) noexcept;
  timeline& operator=(timeline&&) noexcept;
  timeline(const timeline&) = delete;
  timeline& operator=(const timeline&) = delete;

  const std::string& name() const noexcept;
  status_storage& storage() const noexcept;

  /// Appends a synchronous filter. REQUIRES: no add_statuses runs concurrently.
  void add_filter(sync_filter filter);
  /// Appends an asynchronous filter. REQUIRES: no add_statuses runs concurrently.
  void add_async_filter(async_filter filter);

  /// Filters, completes and inserts `statuses`; `done` gets the number inserted.
  /// Throws invalid_request, before anything runs, when an item is not an object or has a
  /// field of the wrong type or format (docs/spec/status.md). Otherwise `done` runs exactly once:
  /// with timeline_errc::filter_failed and the filter's message when a filter throws or
  /// reports an error (nothing stored), timeline_errc::invalid_status when a filtered
  /// status cannot be stored, or the storage's own error. Synchronous filters run on the
  /// calling thread until the first asynchronous one; the rest on the thread that
  /// completes it.
  void add_statuses(std::vector<status> statuses, count_callback done) const;

  /// Throws invalid_request exactly when add_statuses would reject `statuses` as a
  /// caller's mistake; for callers that validate before starting an add later.
  static void validate_new_statuses(const std::vector<status>& statuses);

  /// Calls `done` with the current counts as soon as they differ from `assumed` (before
  /// returning when they are known to differ already), with errc::cancelled when the
  /// watch is cancelled or the timeline destroyed, or with the storage's error when the
  /// counts cannot be read.
  watch_handle watch_unacked_counts(assumed_counts assumed, counts_callback done) const;

  /// The number of watches waiting on this timeline (for tests and monitoring).
  std::size_t pending_watches() const;

private:
  friend watch_handle watch_level_counts(const level_watch& watch, level_counts_callback done);
  std::shared_ptr<detail::timeline_state> state_;
};

/// Calls `done` as soon as the count at `watch.level` of any named timeline differs from
/// the one assumed, with the full counts of every named timeline known to differ then (at
/// least one). At once for an empty list (with no counts). Cancellation and threads as for
/// timeline::watch_unacked_counts; destroying any of the timelines cancels the watch.
watch_handle watch_level_counts(const level_watch& watch, level_counts_callback done);

}  // namespace roost
