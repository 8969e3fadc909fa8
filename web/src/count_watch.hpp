// Long-poll support: holds requests until the unacked counts they care about change.
//
// One change listener on the storage; per timeline, the latest counts are cached and
// re-read once per change, then every waiter on that timeline is checked against them.
// So 10,000 waiting clients cost one storage read per change, and nothing at all while
// nothing changes. Thread-safe; completions run on whatever thread finished the read.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "api.hpp"
#include "storage/change_subscription.hpp"

namespace roost::web {

class count_watch {
public:
  /// Watches `storage` (which must outlive this object); timers run on `executor`.
  count_watch(status_storage& storage, boost::asio::any_io_executor executor,
              std::chrono::seconds idle_bound);
  ~count_watch();
  count_watch(const count_watch&) = delete;
  count_watch& operator=(const count_watch&) = delete;

  /// As api_services::watch_counts: `done` gets the counts of `timelines` once
  /// `differs` holds for them, or unchanged after the idle bound.
  cancel_fn watch(std::vector<std::string> timelines,
                  std::function<bool(const counts_by_timeline&)> differs,
                  std::function<void(const storage_error&, counts_by_timeline)> done);

  /// Answers every waiting request now with the current counts (server shutdown).
  void answer_all();

  /// How many requests are waiting.
  std::size_t waiting() const;

private:
  struct state;
  std::shared_ptr<state> state_;
  change_subscription subscription_;  // after state_: it stops before state_ goes
};

}  // namespace roost::web
