#include "storage/change_poller.hpp"

#include <algorithm>
#include <stdexcept>

namespace roost {

change_poller::change_poller(std::chrono::milliseconds interval, probes probes,
                             std::function<void(const std::string&)> heard)
    : interval_(interval), probes_(std::move(probes)), heard_(std::move(heard)) {
  if (interval_.count() <= 0) throw std::invalid_argument("change_poller: interval must be > 0");
  // The baseline is read before the thread starts, so that a change committed right
  // after the constructor returns is heard, not taken for the starting state.
  try {
    version_ = probes_.version();
    for (auto& [name, revision] : probes_.revisions())
      revisions_.emplace(std::move(name), revision);
    primed_ = true;
  } catch (...) {
    // The first tick primes it; what changes before then is missed, as it would be by
    // a storage opened a moment later.
  }
  thread_ = std::thread([this] { run(); });
}

change_poller::~change_poller() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void change_poller::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    look();
    lock.lock();
  }
}

void change_poller::look() {
  std::uint64_t version = 0;
  std::vector<std::pair<std::string, std::uint64_t>> now;
  try {
    version = probes_.version();
    if (primed_ && version == version_) return;
    now = probes_.revisions();
  } catch (...) {
    return;
  }
  std::vector<std::string> changed;
  std::unique_lock lock(revisions_mutex_);
  for (auto& [name, revision] : now) {
    const auto seen = revisions_.find(name);
    if (seen == revisions_.end()) {
      if (primed_ && revision != 0) changed.push_back(name);
      revisions_.emplace(std::move(name), revision);
    } else if (seen->second != revision) {
      seen->second = revision;
      changed.push_back(name);
    }
  }
  lock.unlock();
  version_ = version;
  primed_ = true;
  for (const auto& name : changed) heard_(name);
}

void change_poller::note_own(const std::string& timeline, std::uint64_t revision) noexcept {
  try {
    std::lock_guard lock(revisions_mutex_);
    // The larger one: a scan may already have seen a later change made elsewhere.
    auto& seen = revisions_[timeline];
    seen = std::max(seen, revision);
  } catch (...) {
  }
}

}  // namespace roost
