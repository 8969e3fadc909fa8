// The shared state of a memory_storage: its timelines and settings behind one
// reader/writer lock.
#pragma once

#include <map>
#include <shared_mutex>
#include <string>

#include "memory_timeline.hpp"
#include "storage/memory_storage.hpp"

namespace roost {

struct memory_storage::state {
  mutable std::shared_mutex mutex;
  // std::map: timeline_names() answers in sorted order without sorting.
  std::map<std::string, detail::memory_timeline, std::less<>> timelines;
  // Every setting ever written, removed ones too (no value): a removal keeps the version,
  // so the next write still gets a larger one.
  std::map<std::string, setting, std::less<>> settings;

  /// The timeline, or nullptr when it was never changed. REQUIRES: mutex held.
  const detail::memory_timeline* find(const std::string& name) const {
    const auto it = timelines.find(name);
    return it == timelines.end() ? nullptr : &it->second;
  }
};

}  // namespace roost
