#include "change_feed.hpp"

#include <map>
#include <mutex>
#include <set>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "change_format.hpp"

namespace roost::web {

namespace net = boost::asio;

namespace {

// One hub read's changes, formatted once for every stream.
struct change_batch {
  std::uint64_t first = 0;  // revision of the first change
  std::uint64_t last = 0;   // revision of the last change
  std::shared_ptr<const std::string> events;
  std::vector<std::size_t> offsets;  // where each change's event starts in *events
};

std::shared_ptr<const change_batch> make_batch(const std::vector<status_change>& changes) {
  auto batch = std::make_shared<change_batch>();
  batch->first = changes.front().revision;
  batch->last = changes.back().revision;
  auto events = std::make_shared<std::string>();
  for (const auto& change : changes) {
    batch->offsets.push_back(events->size());
    *events += sse_event(change);
  }
  batch->events = std::move(events);
  return batch;
}

std::shared_ptr<const std::string> page_events(const std::vector<status_change>& changes) {
  auto events = std::make_shared<std::string>();
  for (const auto& change : changes) *events += sse_event(change);
  return events;
}

struct waiter {
  std::string timeline;
  std::uint64_t revision = 0;
  std::function<void(bool)> done;
  std::unique_ptr<net::steady_timer> timer;
  bool finished = false;  // guarded by the feed's mutex
};

enum class phase { catching_up, live, ended };

}  // namespace

struct change_feed::state : std::enable_shared_from_this<change_feed::state> {
  struct stream;

  struct hub {
    std::uint64_t head = 0;   // every change up to here has been delivered to `live`
    bool head_valid = false;  // false while nobody listened and the timeline changed
    bool fetching = false;    // a read is queued, running or delivering (implies head_valid)
    bool reading = false;     // ...and has asked the store: later changes may be missed
    bool dirty = false;       // the timeline changed while reading or delivering
    std::chrono::steady_clock::time_point last_read{};
    std::unique_ptr<net::steady_timer> delay;  // holds back a read (min_read_interval)
    std::set<std::shared_ptr<stream>> live;
    std::set<std::shared_ptr<waiter>> waiters;
  };

  status_storage& storage;
  net::any_io_executor executor;
  options opts;
  const std::shared_ptr<const std::string> heartbeat_bytes =
      std::make_shared<const std::string>(sse_heartbeat);

  mutable std::mutex mutex;
  std::map<std::string, hub, std::less<>> hubs;
  net::steady_timer heartbeat_timer;
  bool heartbeat_armed = false;
  statistics counters;

  state(status_storage& s, net::any_io_executor e, options o)
      : storage(s), executor(e), opts(o), heartbeat_timer(e) {}

  // The storage reported a change of `timeline` (any thread; must be quick).
  void on_changed(const std::string& timeline) {
    std::lock_guard lock(mutex);
    const auto it = hubs.find(timeline);
    if (it == hubs.end()) return;
    auto& h = it->second;
    if (h.fetching) {
      // A change reported before the queued read asks the store is in its answer.
      if (h.reading) h.dirty = true;
    } else if (h.live.empty() && h.waiters.empty()) {
      h.head_valid = false;  // nobody follows: forget where the timeline is
    } else {
      start_fetch(it->first, h);
    }
  }

  // REQUIRES: mutex held, !h.fetching, h.head_valid.
  void start_fetch(const std::string& timeline, hub& h) {
    h.fetching = true;
    h.dirty = false;
    ++counters.hub_reads;
    schedule_fetch(timeline, h);
  }

  // REQUIRES: mutex held, h.fetching. The read runs on the executor, so the storage's
  // listener (and a synchronous store's callback chain) stays short; and no sooner than
  // min_read_interval after the previous one, so that under a stream of changes each
  // read (and each client write) carries several events instead of one.
  void schedule_fetch(const std::string& timeline, hub& h) {
    const auto due = h.last_read + opts.min_read_interval;
    if (opts.min_read_interval.count() == 0 || due <= std::chrono::steady_clock::now()) {
      net::post(executor, [self = shared_from_this(), timeline] { self->fetch(timeline); });
      return;
    }
    if (!h.delay) h.delay = std::make_unique<net::steady_timer>(executor);
    h.delay->expires_at(due);
    h.delay->async_wait([self = shared_from_this(), timeline](const boost::system::error_code& ec) {
      if (!ec) self->fetch(timeline);
    });
  }

  void fetch(const std::string& timeline) {
    std::uint64_t since;
    {
      std::lock_guard lock(mutex);
      auto& h = hubs[timeline];
      h.reading = true;
      h.last_read = std::chrono::steady_clock::now();
      since = h.head;
    }
    try {
      storage.get_changes(
          {.timeline = timeline, .since = since, .limit = opts.page_size},
          [self = shared_from_this(), timeline](const storage_error& error, change_page page) {
            self->on_fetched(timeline, error, std::move(page));
          });
    } catch (const std::exception& e) {
      on_fetched(timeline, storage_error(make_error_code(errc::internal), e.what()), {});
    }
  }

  void on_fetched(const std::string& timeline, const storage_error& error, change_page page) {
    std::shared_ptr<const change_batch> batch;
    if (!error && !page.changes.empty()) batch = make_batch(page.changes);
    std::vector<std::shared_ptr<stream>> deliver_to, to_close;
    std::vector<std::shared_ptr<waiter>> to_wake;
    const bool full = page.changes.size() == opts.page_size;
    {
      std::lock_guard lock(mutex);
      auto& h = hubs[timeline];
      if (error) {
        // The hub lost its place: its streams end (their clients reconnect from their
        // last event and learn why), its long polls read for themselves.
        h.fetching = false;
        h.reading = false;
        h.head_valid = false;
        to_close.assign(h.live.begin(), h.live.end());
        for (const auto& s : to_close) end_locked(*s);
        h.live.clear();
        to_wake.assign(h.waiters.begin(), h.waiters.end());
      } else {
        if (batch) h.head = batch->last;
        if (batch) deliver_to.assign(h.live.begin(), h.live.end());
        for (const auto& w : h.waiters)
          if (h.head > w->revision) to_wake.push_back(w);
      }
      for (const auto& w : to_wake) detach(w);
    }
    // `fetching` (and `reading`: later reports mark the hub dirty) stay set while the
    // batch goes out, so that no other read can deliver a newer batch meanwhile: every
    // stream gets the batches in revision order.
    for (const auto& s : deliver_to) s->deliver(*batch);
    for (const auto& s : to_close) s->close_sink();
    for (const auto& w : to_wake) w->done(true);
    if (error) return;
    std::lock_guard lock(mutex);
    auto& h = hubs[timeline];
    const bool more = h.dirty || full;
    h.dirty = false;
    h.reading = false;
    if (more && (!h.live.empty() || !h.waiters.empty())) {
      ++counters.hub_reads;
      schedule_fetch(timeline, h);
    } else {
      h.fetching = false;
      if (more) h.head_valid = false;  // nobody follows any more: the head is unknown
    }
  }

  // REQUIRES: mutex held.
  void detach(const std::shared_ptr<waiter>& w) {
    if (w->finished) return;
    w->finished = true;
    --counters.waiting;
    hubs[w->timeline].waiters.erase(w);
    w->timer->cancel();
  }

  // REQUIRES: mutex held.
  void arm_heartbeat() {
    if (heartbeat_armed) return;
    heartbeat_armed = true;
    heartbeat_timer.expires_after(opts.heartbeat);
    heartbeat_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (const auto self = weak.lock()) self->beat();
    });
  }

  void beat() {
    std::vector<std::shared_ptr<stream>> all;
    {
      std::lock_guard lock(mutex);
      heartbeat_armed = false;
      for (const auto& [name, h] : hubs) all.insert(all.end(), h.live.begin(), h.live.end());
      if (!all.empty()) arm_heartbeat();
    }
    // Streams still catching up are busy writing; they need no heartbeat.
    for (const auto& s : all) s->sink->send(heartbeat_bytes);
  }

  // REQUIRES: mutex held. Takes `s` out of the counts and the hub.
  void end_locked(stream& s) {
    if (s.phase_ == phase::catching_up) --counters.catching_up;
    if (s.phase_ == phase::live) --counters.live_streams;
    s.phase_ = phase::ended;
  }

  // A stream that has read up to s->position offers to follow the hub. False: the hub
  // is ahead, the stream reads on its own again.
  bool join(const std::shared_ptr<stream>& s) {
    std::lock_guard lock(mutex);
    if (s->phase_ != phase::catching_up) return true;  // ended meanwhile
    auto& h = hubs[s->timeline];
    const bool was_valid = h.head_valid;
    if (!h.head_valid) {
      h.head = s->position;
      h.head_valid = true;
    } else if (s->position < h.head) {
      return false;
    }
    // Batches the hub reads up to s->position were already sent by the stream's own reads.
    s->skip_until = s->position;
    const bool hub_behind = s->position > h.head;
    h.live.insert(s);
    s->phase_ = phase::live;
    --counters.catching_up;
    ++counters.live_streams;
    // A change made just before the join may have been reported while nobody listened:
    // one read closes that gap.
    if (!h.fetching && (!was_valid || hub_behind)) start_fetch(s->timeline, h);
    arm_heartbeat();
    return true;
  }

  void leave(const std::shared_ptr<stream>& s) {
    std::lock_guard lock(mutex);
    if (s->phase_ == phase::live) hubs[s->timeline].live.erase(s);
    end_locked(*s);
  }

  // One SSE client. Reads on its own while catching up, then follows the hub.
  struct stream : std::enable_shared_from_this<stream> {
    std::weak_ptr<state> feed;
    std::string timeline;
    std::shared_ptr<event_sink> sink;   // set once the header is on its way
    std::uint64_t position = 0;         // the revision its client has been sent up to
    std::uint64_t skip_until = 0;       // live: hub batches up to here are already sent
    phase phase_ = phase::catching_up;  // guarded by the feed's mutex

    stream(std::weak_ptr<state> f, std::string t, std::uint64_t since)
        : feed(std::move(f)), timeline(std::move(t)), position(since) {}

    bool ended() const {
      const auto self = feed.lock();
      if (!self) return true;
      std::lock_guard lock(self->mutex);
      return phase_ == phase::ended;
    }

    void read(std::function<void(const storage_error&, change_page)> then) {
      const auto self = feed.lock();
      if (!self) return;
      try {
        self->storage.get_changes(
            {.timeline = timeline, .since = position, .limit = self->opts.page_size},
            std::move(then));
      } catch (const std::exception& e) {
        then(storage_error(make_error_code(errc::internal), e.what()), {});
      }
    }

    // The first page is read; the header is on its way.
    void begin(std::shared_ptr<event_sink> s, change_page page) {
      sink = std::move(s);
      if (ended()) return sink->close();
      sent(page);
    }

    // Sends `page`, then either reads the next one (once the client has taken this
    // one: back-pressure instead of buffering a whole log) or joins the hub.
    void sent(const change_page& page) {
      if (!page.changes.empty()) {
        if (!sink->send(page_events(page.changes))) return;  // the stream ended
        position = page.changes.back().revision;
      }
      const auto self = feed.lock();
      if (!self) return sink->close();
      const bool full = page.changes.size() == self->opts.page_size;
      if (!full && self->join(shared_from_this())) return;
      sink->when_drained([me = shared_from_this()] { me->read_next(); });
    }

    void read_next() {
      if (ended()) return;
      read([me = shared_from_this()](const storage_error& error, change_page page) {
        if (me->ended()) return;
        // Pruned past its position or a store failure: close; the client reconnects
        // with Last-Event-ID and gets the error (410 for a pruned position).
        if (error) return me->close_sink();
        me->sent(page);
      });
    }

    void deliver(const change_batch& batch) {
      if (batch.last <= skip_until) return;
      if (batch.first > skip_until) {
        sink->send(batch.events);
        return;
      }
      const auto from = batch.offsets[skip_until + 1 - batch.first];
      sink->send(std::make_shared<const std::string>(batch.events->substr(from)));
    }

    void close_sink() {
      if (sink) sink->close();
    }
  };
};

change_feed::change_feed(status_storage& storage, net::any_io_executor executor, options opts)
    : state_(std::make_shared<state>(storage, std::move(executor), opts)),
      subscription_(storage, [weak = std::weak_ptr<state>(state_)](const std::string& timeline) {
        if (const auto self = weak.lock()) self->on_changed(timeline);
      }) {}

change_feed::~change_feed() {
  subscription_.cancel();  // no new hub reads while the timer goes
  std::lock_guard lock(state_->mutex);
  state_->heartbeat_timer.cancel();
}

cancel_fn change_feed::wait(const std::string& timeline, std::uint64_t revision,
                            std::chrono::milliseconds bound, std::function<void(bool)> done) {
  auto w = std::make_shared<waiter>();
  w->timeline = timeline;
  w->revision = revision;
  w->done = std::move(done);
  w->timer = std::make_unique<net::steady_timer>(state_->executor, bound);
  {
    std::lock_guard lock(state_->mutex);
    auto& h = state_->hubs[timeline];
    const bool was_valid = h.head_valid;
    if (!h.head_valid) {
      h.head = revision;
      h.head_valid = true;
    }
    if (h.head <= revision) {
      h.waiters.insert(w);
      ++state_->counters.waiting;
      if (!h.fetching && (!was_valid || revision > h.head)) state_->start_fetch(timeline, h);
    } else {
      w->finished = true;
    }
  }
  if (w->finished) {
    w->done(true);
    return {};
  }
  std::weak_ptr<state> weak = state_;
  w->timer->async_wait([weak, w](const boost::system::error_code& ec) {
    if (ec) return;
    const auto self = weak.lock();
    if (!self) return;
    {
      std::lock_guard lock(self->mutex);
      if (w->finished) return;
      self->detach(w);
    }
    w->done(false);
  });
  return [weak, w] {
    if (const auto self = weak.lock()) {
      std::lock_guard lock(self->mutex);
      self->detach(w);
    }
  };
}

cancel_fn change_feed::open_stream(const std::string& timeline, std::uint64_t since,
                                   stream_ready ready) {
  auto s = std::make_shared<state::stream>(state_, timeline, since);
  {
    std::lock_guard lock(state_->mutex);
    ++state_->counters.catching_up;
  }
  s->read([s, ready = std::move(ready)](const storage_error& error, change_page page) {
    if (s->ended()) return;
    if (error) {
      if (const auto self = s->feed.lock()) self->leave(s);
      return ready(error, {});
    }
    ready({}, [s, page = std::move(page)](std::shared_ptr<event_sink> sink) mutable {
      s->begin(std::move(sink), std::move(page));
    });
  });
  std::weak_ptr<state> weak = state_;
  return [weak, s] {
    if (const auto self = weak.lock()) self->leave(s);
  };
}

void change_feed::answer_all() {
  std::vector<std::shared_ptr<waiter>> all;
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [name, h] : state_->hubs) all.insert(all.end(), h.waiters.begin(), h.waiters.end());
    for (const auto& w : all) state_->detach(w);
  }
  for (const auto& w : all) w->done(false);
}

change_feed::statistics change_feed::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

}  // namespace roost::web
