// heard_revisions: what a storage's change listeners heard, for the tests of storages that
// hear other processes' writes. On each report it reads the timeline's revision through
// the storage, so a test can wait until the newest change made elsewhere was heard.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "storage/blocking.hpp"
#include "storage/status_storage.hpp"

namespace roost::testing {

class heard_revisions {
public:
  explicit heard_revisions(status_storage& storage)
      : storage_(storage), token_(storage.subscribe_changes([this](const std::string& t) {
          const auto revision = blocking::get_revision(storage_, t);
          std::lock_guard lock(mutex_);
          ++reports_[t];
          newest_[t] = std::max(newest_[t], revision);
          heard_.notify_all();
        })) {}
  ~heard_revisions() { storage_.unsubscribe_changes(token_); }
  heard_revisions(const heard_revisions&) = delete;
  heard_revisions& operator=(const heard_revisions&) = delete;

  /// Waits (up to 30 s) until a report of `timeline` found it at `revision` or later.
  bool wait_for(const std::string& timeline, std::uint64_t revision) {
    std::unique_lock lock(mutex_);
    return heard_.wait_for(lock, std::chrono::seconds(30),
                           [&] { return newest_[timeline] >= revision; });
  }

  /// How many reports of `timeline` there were.
  std::size_t reports(const std::string& timeline) {
    std::lock_guard lock(mutex_);
    return reports_[timeline];
  }

private:
  status_storage& storage_;
  std::mutex mutex_;
  std::condition_variable heard_;
  std::map<std::string, std::uint64_t> newest_;
  std::map<std::string, std::size_t> reports_;
  std::uint64_t token_;
};

}  // namespace roost::testing
