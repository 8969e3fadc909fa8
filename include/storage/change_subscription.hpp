// A change listener registered for as long as an object lives.
#pragma once

#include <cstdint>
#include <utility>

#include "storage/status_storage.hpp"

namespace roost {

/// Registers a listener with status_storage::subscribe_changes on construction and
/// removes it on destruction (or at cancel(), whichever comes first), so that an owner
/// declares it after the state its listener touches and cannot forget to unsubscribe.
/// The storage must outlive it. Neither copyable nor movable.
class change_subscription {
public:
  /// Starts listening to the changes made through `storage`.
  change_subscription(status_storage& storage, status_storage::change_listener listener)
      : storage_(storage), token_(storage.subscribe_changes(std::move(listener))) {}

  ~change_subscription() { cancel(); }

  change_subscription(const change_subscription&) = delete;
  change_subscription& operator=(const change_subscription&) = delete;

  /// Stops listening now; after it returns the listener is not called again, unless a
  /// notification was already running on another thread. Idempotent.
  void cancel() noexcept {
    if (active_) storage_.unsubscribe_changes(token_);
    active_ = false;
  }

private:
  status_storage& storage_;
  std::uint64_t token_;
  bool active_ = true;
};

}  // namespace roost
