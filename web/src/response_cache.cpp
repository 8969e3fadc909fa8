#include "response_cache.hpp"

#include <mutex>
#include <unordered_map>

namespace roost::web {

namespace {

using clock = std::chrono::steady_clock;

struct entry {
  std::uint64_t generation;
  clock::time_point expires;
  std::shared_ptr<const http_response> response;
};

struct timeline_entries {
  std::uint64_t generation = 0;
  std::unordered_map<std::string, entry> by_target;
};

}  // namespace

struct response_cache::state {
  options limits;

  clock::time_point now() const { return limits.now ? limits.now() : clock::now(); }

  mutable std::mutex mutex;
  std::unordered_map<std::string, timeline_entries> timelines;
  std::size_t bytes = 0;

  void drop(timeline_entries& t) {
    for (const auto& [target, e] : t.by_target) bytes -= e.response->body.size();
    t.by_target.clear();
  }

  // Makes room for `needed` bytes: expired entries first, then everything (a full cache
  // is rare and refills with the pages asked for; no LRU bookkeeping on every hit).
  void make_room(std::size_t needed, clock::time_point now) {
    for (auto& [name, t] : timelines) {
      for (auto it = t.by_target.begin(); it != t.by_target.end();) {
        if (it->second.expires <= now) {
          bytes -= it->second.response->body.size();
          it = t.by_target.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (bytes + needed > limits.max_bytes)
      for (auto& [name, t] : timelines) drop(t);
  }
};

response_cache::response_cache(status_storage& storage, options o)
    : state_(std::make_shared<state>()),
      // Shared, not borrowed: a notification already under way when this object goes
      // still finds the state alive.
      subscription_(storage, [s = state_](const std::string& timeline) {
        std::lock_guard lock(s->mutex);
        auto& t = s->timelines[timeline];
        ++t.generation;
        s->drop(t);
      }) {
  state_->limits = std::move(o);
}

response_cache::~response_cache() = default;

std::uint64_t response_cache::generation(const std::string& timeline) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->timelines.find(timeline);
  return it == state_->timelines.end() ? 0 : it->second.generation;
}

std::optional<http_response> response_cache::find(const std::string& timeline,
                                                  const std::string& target) const {
  std::shared_ptr<const http_response> hit;
  {
    std::lock_guard lock(state_->mutex);
    const auto t = state_->timelines.find(timeline);
    if (t == state_->timelines.end()) return std::nullopt;
    const auto e = t->second.by_target.find(target);
    if (e == t->second.by_target.end() || e->second.generation != t->second.generation ||
        e->second.expires <= state_->now())
      return std::nullopt;
    hit = e->second.response;
  }
  return *hit;  // copied outside the lock
}

void response_cache::store(const std::string& timeline, const std::string& target,
                           std::uint64_t generation, const http_response& response) {
  if (response.status != 200 || response.start_stream) return;
  const auto size = response.body.size();
  if (state_->limits.ttl.count() <= 0 || size > state_->limits.max_bytes / 4) return;
  auto kept = std::make_shared<const http_response>(response);
  const auto now = state_->now();
  std::lock_guard lock(state_->mutex);
  auto& t = state_->timelines[timeline];
  if (t.generation != generation) return;  // changed while it was read
  if (const auto old = t.by_target.find(target); old != t.by_target.end()) {
    state_->bytes -= old->second.response->body.size();
    t.by_target.erase(old);
  }
  if (state_->bytes + size > state_->limits.max_bytes) state_->make_room(size, now);
  state_->bytes += size;
  t.by_target.insert_or_assign(target,
                               entry{generation, now + state_->limits.ttl, std::move(kept)});
}

std::size_t response_cache::kept_bytes() const {
  std::lock_guard lock(state_->mutex);
  return state_->bytes;
}

}  // namespace roost::web
