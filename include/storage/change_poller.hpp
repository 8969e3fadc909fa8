// change_poller: how a backend whose store other processes write without telling it (an
// embedded database file several processes open) still hears their changes.
//
// Every `interval` it asks the backend for a cheap version of the store: a number that
// changes at least whenever a writer other than this storage object committed (SQLite's
// PRAGMA data_version on its writer connection, which ignores that connection's own
// commits; the transaction id of LMDB's newest snapshot, which does not). When the number
// moved, it reads every timeline's revision, compares them with the revisions it saw
// last, and calls `heard` with each timeline whose revision differs (or that is new). So
// a change made elsewhere is heard at most about one interval (plus one scan of the
// revisions) after it committed, and a burst of changes is heard once per timeline per
// interval, never once per status.
//
// The storage tells the poller of its own commits (note_own), whose listeners it has told
// already, so that a scan does not report them again. A timeline it changed may still be
// reported when its own write commits while a scan runs; listeners treat a report as "look
// again", never as "exactly one change".
//
// Runs one thread of its own, started by the constructor and joined by the destructor.
// The probes run on that thread, one at a time; an exception from one is swallowed and the
// probe is tried again an interval later (a store that is briefly locked, or gone, must
// not stop the watching). Thread-safe: the object has no operations besides its lifetime.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace roost {

/// Watches a store for changes other writers commit; see the top of this header.
class change_poller {
public:
  /// What the poller asks the backend. Both may throw; both run on the poller's thread.
  struct probes {
    /// A number that differs from its previous value after a commit made elsewhere. It
    /// may also differ after no such commit (a needless scan then), never stay the same
    /// after one, and must not move before `revisions` can see the commit that moved it:
    /// the scan it prompts would find nothing, and the commit would never be reported.
    std::function<std::uint64_t()> version;
    /// Every timeline's name with its current revision.
    std::function<std::vector<std::pair<std::string, std::uint64_t>>()> revisions;
  };

  /// Reads the version and the revisions once (failures are retried on the first tick),
  /// then starts watching. `heard` is called on the poller's thread with each timeline
  /// whose revision changed; it must not throw. REQUIRES: interval > 0.
  change_poller(std::chrono::milliseconds interval, probes probes,
                std::function<void(const std::string&)> heard);

  /// Stops the thread and waits for it; `heard` is not called after this returns.
  ~change_poller();

  /// Records that the storage itself committed a change of `timeline` that left it at
  /// `revision` (and told its own listeners): a scan reports the timeline only once its
  /// revision differs from that. Thread-safe; call it after the commit. Never throws (a
  /// note that cannot be kept only costs a second report).
  void note_own(const std::string& timeline, std::uint64_t revision) noexcept;

  change_poller(const change_poller&) = delete;
  change_poller& operator=(const change_poller&) = delete;

private:
  void run();
  // One look at the store: probe, and scan when the version moved. When a probe throws
  // nothing is updated, so the next tick tries again from the same state.
  void look();

  const std::chrono::milliseconds interval_;
  const probes probes_;
  const std::function<void(const std::string&)> heard_;

  // Touched only by the poller's thread after construction.
  bool primed_ = false;  // the baseline below was read
  std::uint64_t version_ = 0;

  std::mutex revisions_mutex_;  // note_own comes from the storage's callers' threads
  std::map<std::string, std::uint64_t, std::less<>> revisions_;  // as last scanned or noted

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace roost
