#include "count_watch.hpp"

#include <map>
#include <mutex>
#include <set>

#include <boost/asio/steady_timer.hpp>

namespace roost::web {

namespace net = boost::asio;

namespace {

struct waiter {
  std::vector<std::string> timelines;
  std::function<bool(const counts_by_timeline&)> differs;
  std::function<void(const storage_error&, counts_by_timeline)> done;
  std::unique_ptr<net::steady_timer> timer;
  bool finished = false;
  bool expired = false;  // answer as soon as its counts are known, changed or not
  // Per timeline, the newest read started before this waiter came: its answer must come
  // from that read or a later one. A change notified before the waiter came (a POST the
  // same client just got its answer to) started such a read, and the cache may not hold
  // its result yet; with a store whose reads complete out of order (PostgreSQL's pool)
  // the older counts would otherwise be answered as current.
  std::map<std::string, std::uint64_t> fresh_from;
};

}  // namespace

struct count_watch::state : std::enable_shared_from_this<count_watch::state> {
  status_storage& storage;
  net::any_io_executor executor;
  std::chrono::seconds idle_bound;

  mutable std::mutex mutex;
  struct cached {
    unacked_counts counts;
    std::uint64_t read_sequence = 0;  // of the read that produced `counts`; 0: none yet
    std::uint64_t reads_started = 0;
  };
  std::map<std::string, cached> cache;
  std::map<std::string, std::set<std::shared_ptr<waiter>>> by_timeline;
  std::size_t waiting = 0;

  state(status_storage& s, net::any_io_executor e, std::chrono::seconds bound)
      : storage(s), executor(std::move(e)), idle_bound(bound) {}

  // Starts a fresh read of `timeline`'s counts; only the newest read's answer is kept.
  void refresh(const std::string& timeline) {
    std::uint64_t sequence;
    {
      std::lock_guard lock(mutex);
      sequence = ++cache[timeline].reads_started;
    }
    storage.get_unacked_counts(timeline, [self = shared_from_this(), timeline, sequence](
                                             const storage_error& error, unacked_counts counts) {
      self->on_counts(timeline, sequence, error, std::move(counts));
    });
  }

  void on_counts(const std::string& timeline, std::uint64_t sequence, const storage_error& error,
                 unacked_counts counts) {
    std::vector<std::pair<std::shared_ptr<waiter>, counts_by_timeline>> ready;
    {
      std::lock_guard lock(mutex);
      auto& entry = cache[timeline];
      if (!error && sequence > entry.read_sequence) {
        entry.counts = std::move(counts);
        entry.read_sequence = sequence;
      }
      if (auto it = by_timeline.find(timeline); it != by_timeline.end())
        for (const auto& w : it->second) {
          if (error) {
            ready.emplace_back(w, counts_by_timeline{});
            continue;
          }
          auto snapshot = complete_snapshot(*w, w->expired);
          if (!snapshot) continue;  // a timeline of this waiter is still being read
          if (w->expired || w->differs(*snapshot)) ready.emplace_back(w, std::move(*snapshot));
        }
      for (auto& [w, snapshot] : ready) detach(w);
    }
    for (auto& [w, snapshot] : ready) w->done(error, std::move(snapshot));
  }

  // The cached counts of every timeline of `w`, or nullopt while one is still unknown
  // or (unless `any_age`) older than the waiter (waiter::fresh_from).
  // REQUIRES: mutex held.
  std::optional<counts_by_timeline> complete_snapshot(const waiter& w, bool any_age = false) const {
    counts_by_timeline out;
    for (const auto& t : w.timelines) {
      const auto it = cache.find(t);
      if (it == cache.end() || it->second.read_sequence == 0) return std::nullopt;
      if (!any_age) {
        const auto fresh = w.fresh_from.find(t);
        if (fresh != w.fresh_from.end() && it->second.read_sequence < fresh->second)
          return std::nullopt;
      }
      out[t] = it->second.counts;
    }
    return out;
  }

  // REQUIRES: mutex held.
  void detach(const std::shared_ptr<waiter>& w) {
    if (w->finished) return;
    w->finished = true;
    --waiting;
    for (const auto& t : w->timelines) by_timeline[t].erase(w);
    if (w->timer) w->timer->cancel();
  }

  // Answers `w` with what is cached now, changed or not (idle bound, shutdown).
  void answer_now(const std::shared_ptr<waiter>& w) {
    std::optional<counts_by_timeline> snapshot;
    {
      std::lock_guard lock(mutex);
      if (w->finished) return;
      snapshot = complete_snapshot(*w, true);
      if (!snapshot) {
        w->expired = true;  // its first read is still running and answers it
        return;
      }
      detach(w);
    }
    w->done({}, std::move(*snapshot));
  }
};

count_watch::count_watch(status_storage& storage, net::any_io_executor executor,
                         std::chrono::seconds idle_bound)
    : state_(std::make_shared<state>(storage, std::move(executor), idle_bound)),
      subscription_(storage, [weak = std::weak_ptr<state>(state_)](const std::string& timeline) {
        const auto self = weak.lock();
        if (!self) return;
        bool watched;
        {
          std::lock_guard lock(self->mutex);
          watched = self->cache.count(timeline) != 0;
        }
        // Only timelines somebody has waited on are kept fresh.
        if (watched) self->refresh(timeline);
      }) {}

count_watch::~count_watch() = default;

cancel_fn count_watch::watch(std::vector<std::string> timelines,
                             std::function<bool(const counts_by_timeline&)> differs,
                             std::function<void(const storage_error&, counts_by_timeline)> done) {
  auto w = std::make_shared<waiter>();
  w->timelines = std::move(timelines);
  w->differs = std::move(differs);
  w->done = std::move(done);
  w->timer = std::make_unique<net::steady_timer>(state_->executor, state_->idle_bound);
  std::vector<std::string> to_read;
  std::optional<counts_by_timeline> snapshot;
  {
    std::lock_guard lock(state_->mutex);
    ++state_->waiting;
    for (const auto& t : w->timelines) {
      state_->by_timeline[t].insert(w);
      if (const auto it = state_->cache.find(t); it == state_->cache.end())
        to_read.push_back(t);
      else
        w->fresh_from[t] = it->second.reads_started;
    }
    snapshot = state_->complete_snapshot(*w);
    if (snapshot && w->differs(*snapshot))
      state_->detach(w);
    else
      snapshot.reset();
  }
  if (snapshot) {
    w->done({}, std::move(*snapshot));
    return {};
  }
  std::weak_ptr<state> weak = state_;
  w->timer->async_wait([weak, w](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->answer_now(w);
  });
  for (const auto& t : to_read) state_->refresh(t);
  return [weak, w] {
    if (auto self = weak.lock()) {
      std::lock_guard lock(self->mutex);
      self->detach(w);
    }
  };
}

void count_watch::answer_all() {
  std::vector<std::shared_ptr<waiter>> all;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& [t, waiters] : state_->by_timeline)
      all.insert(all.end(), waiters.begin(), waiters.end());
  }
  for (const auto& w : all) state_->answer_now(w);
}

std::size_t count_watch::waiting() const {
  std::lock_guard lock(state_->mutex);
  return state_->waiting;
}

}  // namespace roost::web
