// Private state of roost::timeline, shared by timeline.cpp (adding) and
// timeline_watch.cpp (watchers).
//
// A timeline's state lives in a shared_ptr so that operations in flight (an add waiting
// for an asynchronous filter, a count read) keep it alive after the timeline object is
// gone; they hold the storage by reference, which the caller keeps alive.
//
// Watchers. Each pending watch is a `watch_op`, registered in the `watchers` map of every
// timeline it watches (one, or several for watch_level_counts). A change notification for
// this timeline starts one count read; its result is checked against every watcher
// registered before the read began. At most one read runs at a time: a notification
// during a read marks the state dirty, and the read is repeated when it ends, so results
// arrive in order and never go backwards. `fresh` holds the last counts while no change
// has been notified since the read that produced them began, so a new watcher they do
// not trigger needs no read. (They may trail a change that is committed but not yet
// notified, so a watcher they would trigger is read for: it must not fire on stale counts.)
//
// Locks: a watch_op's mutex may be held while taking a timeline_state's mutex, never the
// other way round. No callback, listener or storage call runs under either.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/timeline.hpp"

namespace roost::detail {

struct timeline_state;

/// One pending watch.
struct watch_op : std::enable_shared_from_this<watch_op> {
  virtual ~watch_op() = default;

  /// True when `counts` (read from `tl`) make this watch complete.
  virtual bool triggered_by(const timeline_state& tl, const unacked_counts& counts) const = 0;
  /// Completes with `counts` just read from `tl`. Called once, after claim() succeeded.
  virtual void fire(const timeline_state& tl, const unacked_counts& counts) = 0;
  /// Completes with an error. Called once, after claim() succeeded.
  virtual void fail(const storage_error& error) = 0;

  enum class attach_result { added, closed, finished };

  /// Registers `self` (this op) in `tl`, starting a count read unless `tl` knows current
  /// counts that do not trigger the op. Not registered when the op has finished or `tl`
  /// is closed.
  attach_result attach(const std::shared_ptr<watch_op>& self,
                       const std::shared_ptr<timeline_state>& tl);

  /// Marks the watch finished and removes it from every timeline it is registered in.
  /// Returns false when it had already finished (somebody else completes it).
  bool claim();

  bool finished() const { return finished_.load(std::memory_order_acquire); }

private:
  std::mutex mutex_;
  std::atomic<bool> finished_{false};
  std::vector<std::pair<std::weak_ptr<timeline_state>, std::uint64_t>> registrations_;
};

/// A filter of the timeline.
using any_filter = std::variant<sync_filter, async_filter>;

struct timeline_state : std::enable_shared_from_this<timeline_state> {
  timeline_state(std::string name, status_storage& storage)
      : name(std::move(name)), storage(storage) {}

  const std::string name;
  status_storage& storage;
  std::uint64_t listener_token = 0;

  // Replaced whole by add_filter; an add works on the snapshot it took.
  std::shared_ptr<const std::vector<any_filter>> filters =
      std::make_shared<const std::vector<any_filter>>();

  struct watcher {
    std::shared_ptr<watch_op> op;
    std::uint64_t min_read;  ///< the first read whose result may complete it
  };

  mutable std::mutex mutex;  // guards everything below
  std::map<std::uint64_t, watcher> watchers;
  std::uint64_t next_watcher = 1;
  std::uint64_t next_read = 1;          ///< the number the next count read will get
  bool reading = false;                 ///< a count read is in flight
  bool dirty = false;                   ///< a change was notified during that read
  bool closed = false;                  ///< the timeline object is gone
  std::optional<unacked_counts> fresh;  ///< counts known current (see above)

  /// Change listener: this timeline changed.
  void on_change();
  /// Cancels every watcher and refuses new ones.
  void close();
  /// The fresh counts if known, for watch_level_counts' answer.
  std::optional<unacked_counts> fresh_counts() const;
  /// Removes watcher `id` (after its op was claimed elsewhere).
  void remove(std::uint64_t id);

  /// Under `mutex`: adds a watcher; returns the read to start, if any (none when
  /// `trust_fresh` and fresh counts are known, or when a read will follow anyway).
  std::optional<std::uint64_t> add_locked(std::uint64_t id, std::shared_ptr<watch_op> op,
                                          bool trust_fresh);
  /// Starts count read number `seq`.
  void start_read(std::uint64_t seq);
  void on_read(std::uint64_t seq, const storage_error& error, const unacked_counts& counts);
};

}  // namespace roost::detail
