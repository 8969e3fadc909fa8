// Watchers of unacked counts: timeline::watch_unacked_counts and watch_level_counts.
// The scheme is described in timeline_state.hpp.
#include <utility>

#include "storage/timeline.hpp"
#include "timeline_state.hpp"

namespace roost {
namespace detail {
namespace {

storage_error cancelled(const char* why) { return storage_error(errc::cancelled, why); }

// watch_unacked_counts: one timeline, any keys.
class counts_watch final : public watch_op {
public:
  counts_watch(assumed_counts assumed, counts_callback done)
      : assumed_(std::move(assumed)), done_(std::move(done)) {}

  bool triggered_by(const timeline_state&, const unacked_counts& counts) const override {
    return assumed_.differs_from(counts);
  }
  void fire(const timeline_state&, const unacked_counts& counts) override { take()({}, counts); }
  void fail(const storage_error& error) override { take()(error, {}); }

private:
  // The callback is called once; releasing it frees what it captured right away.
  counts_callback take() { return std::move(done_); }

  const assumed_counts assumed_;
  counts_callback done_;
};

// watch_level_counts: one level across several timelines.
class level_watch_op final : public watch_op {
public:
  struct target {
    std::weak_ptr<timeline_state> state;
    const timeline_state* key;
    std::size_t assumed;
  };

  level_watch_op(count_level level, std::vector<target> targets, level_counts_callback done)
      : level_(level), targets_(std::move(targets)), done_(std::move(done)) {}

  bool triggered_by(const timeline_state& tl, const unacked_counts& counts) const override {
    const std::size_t now = level_.in(counts);
    for (const auto& t : targets_)
      if (t.key == &tl && t.assumed != now) return true;
    return false;
  }

  void fire(const timeline_state& tl, const unacked_counts& counts) override {
    // Answer with every named timeline whose count differs, read now.
    struct gather {
      std::mutex mutex;
      level_counts result;
      std::size_t waiting = 1;  // the loop below holds one until it has started all reads
    };
    auto g = std::make_shared<gather>();
    g->result.emplace(tl.name, counts);
    auto self = std::static_pointer_cast<level_watch_op>(shared_from_this());
    auto finish_one = [self, g] {
      bool last;
      {
        std::lock_guard lock(g->mutex);
        last = --g->waiting == 0;
      }
      // The last one alone touches the result from here on.
      if (last) self->answer(std::move(g->result));
    };
    for (const auto& t : targets_) {
      if (t.key == &tl) continue;
      auto state = t.state.lock();
      if (!state) continue;
      const std::size_t assumed = t.assumed;
      // Fresh counts that agree with the assumption need no read; fresh counts that
      // differ may trail a committed change, so those are read again (see attach()).
      if (auto known = state->fresh_counts(); known && level_.in(*known) == assumed) continue;
      {
        std::lock_guard lock(g->mutex);
        ++g->waiting;
      }
      auto on_read = [self, g, finish_one, name = state->name, assumed](const storage_error& error,
                                                                        unacked_counts now) {
        if (!error && self->level_.in(now) != assumed) {
          std::lock_guard lock(g->mutex);
          g->result.emplace(name, std::move(now));
        }
        finish_one();
      };
      try {
        state->storage.get_unacked_counts(state->name, on_read);
      } catch (const std::exception&) {
        finish_one();  // leave this timeline out; the answer has at least one
      }
    }
    finish_one();
  }

  void fail(const storage_error& error) override { take()(error, {}); }

  /// The answer to a watch of no timeline: at once, with no counts.
  void answer_empty() { take()({}, {}); }

private:
  level_counts_callback take() { return std::move(done_); }

  // Called once, by whichever thread completes the last read of fire().
  void answer(level_counts result) { take()({}, std::move(result)); }

  const count_level level_;
  const std::vector<target> targets_;
  level_counts_callback done_;
};

}  // namespace

bool watch_op::claim() {
  std::vector<std::pair<std::weak_ptr<timeline_state>, std::uint64_t>> registrations;
  {
    std::lock_guard lock(mutex_);
    if (finished_.load(std::memory_order_relaxed)) return false;
    finished_.store(true, std::memory_order_release);
    registrations.swap(registrations_);
  }
  for (const auto& [weak, id] : registrations)
    if (auto state = weak.lock()) state->remove(id);
  return true;
}

watch_op::attach_result watch_op::attach(const std::shared_ptr<watch_op>& self,
                                         const std::shared_ptr<timeline_state>& tl) {
  std::optional<std::uint64_t> read;
  {
    std::lock_guard op_lock(mutex_);
    if (finished()) return attach_result::finished;
    std::lock_guard lock(tl->mutex);
    if (tl->closed) return attach_result::closed;
    // Fresh counts that do not trigger the op can be trusted: a change committed but not
    // yet notified will be notified, and its read checks this op. Fresh counts that do
    // trigger it may be exactly such a stale view; only a new read may fire the op.
    const bool trust_fresh = tl->fresh && !triggered_by(*tl, *tl->fresh);
    const std::uint64_t id = tl->next_watcher++;
    read = tl->add_locked(id, self, trust_fresh);
    registrations_.emplace_back(tl, id);
  }
  // Outside the locks: a synchronous storage completes the read (and maybe this op) here.
  if (read) tl->start_read(*read);
  return attach_result::added;
}

std::optional<std::uint64_t> timeline_state::add_locked(std::uint64_t id,
                                                        std::shared_ptr<watch_op> op,
                                                        bool trust_fresh) {
  if (fresh && trust_fresh) {
    // Current counts are known and do not trigger it: the next change starts a read.
    watchers.emplace(id, watcher{std::move(op), next_read});
    return std::nullopt;
  }
  if (reading) {
    // The read in flight may predate the caller's view: wait for the next one.
    watchers.emplace(id, watcher{std::move(op), next_read});
    dirty = true;
    return std::nullopt;
  }
  const std::uint64_t seq = next_read++;
  reading = true;
  watchers.emplace(id, watcher{std::move(op), seq});
  return seq;
}

void timeline_state::on_change() {
  std::uint64_t seq;
  {
    std::lock_guard lock(mutex);
    fresh.reset();
    if (watchers.empty()) return;
    if (reading) {
      dirty = true;
      return;
    }
    reading = true;
    seq = next_read++;
  }
  start_read(seq);
}

void timeline_state::start_read(std::uint64_t seq) {
  auto self = shared_from_this();
  try {
    storage.get_unacked_counts(name,
                               [self, seq](const storage_error& error, unacked_counts counts) {
                                 self->on_read(seq, error, counts);
                               });
  } catch (const std::exception& e) {
    on_read(seq, storage_error(errc::internal, std::string("reading unacked counts: ") + e.what()),
            {});
  }
}

void timeline_state::on_read(std::uint64_t seq, const storage_error& error,
                             const unacked_counts& counts) {
  std::vector<std::shared_ptr<watch_op>> complete;
  std::optional<std::uint64_t> again;
  {
    std::lock_guard lock(mutex);
    reading = false;
    if (!error && !dirty && !closed) fresh = counts;
    for (auto it = watchers.begin(); it != watchers.end();) {
      const auto& w = it->second;
      if (w.op->finished()) {
        it = watchers.erase(it);
      } else if (w.min_read <= seq && (error || w.op->triggered_by(*this, counts))) {
        complete.push_back(w.op);
        it = watchers.erase(it);
      } else {
        ++it;
      }
    }
    if (dirty && !watchers.empty()) {
      reading = true;
      again = next_read++;
    }
    dirty = false;
  }
  for (const auto& op : complete) {
    if (!op->claim()) continue;  // cancelled meanwhile, or completed by another timeline
    if (error)
      op->fail(error);
    else
      op->fire(*this, counts);
  }
  if (again) start_read(*again);
}

void timeline_state::close() {
  std::map<std::uint64_t, watcher> gone;
  {
    std::lock_guard lock(mutex);
    closed = true;
    fresh.reset();
    gone.swap(watchers);
  }
  for (auto& [id, w] : gone)
    if (w.op->claim()) w.op->fail(cancelled("the timeline was destroyed"));
}

std::optional<unacked_counts> timeline_state::fresh_counts() const {
  std::lock_guard lock(mutex);
  return fresh;
}

void timeline_state::remove(std::uint64_t id) {
  std::lock_guard lock(mutex);
  watchers.erase(id);
}

}  // namespace detail

// --- public API -------------------------------------------------------------------

assumed_counts assumed_counts::from(const unacked_counts& counts) {
  return {counts.total, counts.by_level};
}

bool assumed_counts::differs_from(const unacked_counts& current) const {
  if (empty()) return true;
  if (total && *total != current.total) return true;
  for (const auto& [level, n] : levels)
    if (current.at_level(level) != n) return true;
  return false;
}

std::size_t count_level::in(const unacked_counts& counts) const {
  return total_ ? counts.total : counts.at_level(level_);
}

bool watch_handle::cancel() {
  if (!op_ || !op_->claim()) return false;
  op_->fail(detail::cancelled("the watch was cancelled"));
  return true;
}

bool watch_handle::pending() const { return op_ && !op_->finished(); }

std::size_t timeline::pending_watches() const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& [id, w] : state_->watchers)
    if (!w.op->finished()) ++n;
  return n;
}

watch_handle timeline::watch_unacked_counts(assumed_counts assumed, counts_callback done) const {
  if (!done) throw invalid_request("watch_unacked_counts needs a callback");
  auto op = std::make_shared<detail::counts_watch>(std::move(assumed), std::move(done));
  if (op->attach(op, state_) == detail::watch_op::attach_result::closed && op->claim())
    op->fail(detail::cancelled("the timeline was destroyed"));
  return watch_handle(std::move(op));
}

watch_handle watch_level_counts(const level_watch& watch, level_counts_callback done) {
  if (!done) throw invalid_request("watch_level_counts needs a callback");
  std::vector<detail::level_watch_op::target> targets;
  std::vector<std::shared_ptr<detail::timeline_state>> states;
  for (const auto& [tl, assumed] : watch.assumed) {
    if (tl == nullptr || !tl->state_) throw invalid_request("watch_level_counts: no timeline");
    targets.push_back({tl->state_, tl->state_.get(), assumed});
    states.push_back(tl->state_);
  }
  auto op =
      std::make_shared<detail::level_watch_op>(watch.level, std::move(targets), std::move(done));
  if (states.empty()) {
    if (op->claim()) op->answer_empty();
    return watch_handle(std::move(op));
  }
  for (const auto& state : states) {
    const auto result = op->attach(op, state);
    if (result == detail::watch_op::attach_result::closed) {
      if (op->claim()) op->fail(detail::cancelled("a watched timeline was destroyed"));
      break;
    }
    if (result == detail::watch_op::attach_result::finished) break;
  }
  return watch_handle(std::move(op));
}

}  // namespace roost
