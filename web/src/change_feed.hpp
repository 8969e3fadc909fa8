// The change feed's live half (issue 8): long polls on changes.json and Server-Sent
// Event streams, over status_storage::get_changes.
//
// Per timeline, one hub follows the change log. When the storage reports that the
// timeline changed, the hub reads the new changes once, formats them once as SSE events
// and hands the same bytes to every stream that is caught up; while a read is in flight
// further reports only mark the hub dirty. So 1,000 streams cost one read per burst of
// changes, not one read per change per stream. A stream that starts from an old revision
// (Last-Event-ID), or finds the hub ahead of it, reads on its own, a page at a time and
// no faster than its client takes them, until it reaches the hub's revision; then it
// joins the broadcast. Long polls wait for the hub's revision to pass theirs. A hub
// follows its timeline only while somebody listens.
//
// Thread-safe. Storage callbacks, deliveries and completions run on whatever thread
// finished the read, or on the executor; every callback given here must be quick.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "http_message.hpp"
#include "storage/change_subscription.hpp"
#include "storage/status_storage.hpp"

namespace roost::web {

class change_feed {
public:
  struct options {
    /// A comment line goes to every caught-up stream this often, so that idle
    /// connections (and proxies) stay open and dead clients are noticed.
    std::chrono::milliseconds heartbeat{15000};
    /// Changes per read, for the hubs and for streams catching up.
    std::size_t page_size = 1000;
    /// A hub reads at most once per this interval: under a steady stream of changes,
    /// each read then carries several, and so does each write to each client (a few
    /// milliseconds of latency for far fewer system calls). 0: read at once.
    std::chrono::milliseconds min_read_interval{0};
  };

  /// Follows `storage` (which must outlive this object); timers and the hubs' reads
  /// run on `executor`.
  change_feed(status_storage& storage, boost::asio::any_io_executor executor, options opts);
  ~change_feed();
  change_feed(const change_feed&) = delete;
  change_feed& operator=(const change_feed&) = delete;

  /// Calls `done(true)` once `timeline`'s revision is above `revision` (at once if it
  /// already is known to be), or `done(false)` after `bound`. A failed read of the hub
  /// also completes with true: the caller reads again and meets the error itself.
  cancel_fn wait(const std::string& timeline, std::uint64_t revision,
                 std::chrono::milliseconds bound, std::function<void(bool changed)> done);

  /// What open_stream reports once its first read is done: the read's error (such as
  /// errc::stale_cursor; no stream then), or the function that starts writing events
  /// to the client's sink (call it once the response header is on its way).
  using stream_ready = std::function<void(const storage_error& error,
                                          std::function<void(std::shared_ptr<event_sink>)> start)>;

  /// Opens a stream of `timeline`'s changes after `since`. The returned function ends it
  /// (the client left); call it whatever happened. A stream whose own read fails later
  /// (its position was pruned, the store failed) closes its sink: the client reconnects
  /// with Last-Event-ID and is told why.
  cancel_fn open_stream(const std::string& timeline, std::uint64_t since, stream_ready ready);

  /// Answers every waiting long poll now, unchanged (server shutdown).
  void answer_all();

  /// Counters for tests and diagnostics.
  struct statistics {
    std::size_t live_streams = 0;  ///< following a hub's broadcast
    std::size_t catching_up = 0;   ///< reading on their own
    std::size_t waiting = 0;       ///< long polls held
    std::uint64_t hub_reads = 0;   ///< get_changes calls made by hubs
  };
  statistics stats() const;

private:
  struct state;
  std::shared_ptr<state> state_;
  change_subscription subscription_;  // after state_: it stops before state_ goes
};

}  // namespace roost::web
