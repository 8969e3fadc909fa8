// Capacity and paging limits shared by every backend (docs/spec/storage-contract.md, "Capacity
// and truncation"). A value type; thread-safe to copy.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace roost {

/// Truncation settings of one timeline, overriding the store's.
struct timeline_capacity {
  std::size_t soft_max = 2000;  ///< 0 turns truncation off for this timeline
  std::size_t hard_max = 0;     ///< 0 means soft_max + 20%
  /// How many of this timeline's newest changes the change log keeps (changes.hpp).
  std::size_t change_retention = 10000;
};

/// How many statuses a timeline keeps and how many a get returns by default.
struct storage_limits {
  /// Truncation keeps at least this many statuses per timeline; 0 turns truncation off.
  std::size_t soft_max = 2000;
  /// A put that would leave more than this many removes the oldest down to soft_max;
  /// 0 means soft_max + 20%.
  std::size_t hard_max = 0;
  /// The number of statuses get_statuses returns when the request leaves count unset.
  std::size_t default_count = 20;
  /// How many of each timeline's newest changes the change log keeps; older ones are
  /// pruned in the transaction that adds new ones. 0 keeps none (get_changes then only
  /// answers a reader that is up to date).
  std::size_t change_retention = 10000;

  /// True when truncation is on.
  bool truncates() const noexcept { return soft_max != 0; }

  /// The effective hard maximum (hard_max, or soft_max + 20% when hard_max is 0).
  std::size_t hard_limit() const noexcept {
    return hard_max != 0 ? hard_max : soft_max + soft_max / 5;
  }

  /// Timelines whose truncation differs from soft_max/hard_max above.
  std::map<std::string, timeline_capacity, std::less<>> per_timeline;

  /// The limits that apply to `timeline`: these, with its own capacity if it has one.
  /// Backends call this wherever they truncate.
  storage_limits for_timeline(std::string_view timeline) const;

  /// Throws invalid_request when the limits contradict each other (hard_max below
  /// soft_max, a zero default_count), here or in a per-timeline capacity.
  void validate() const;
};

}  // namespace roost
