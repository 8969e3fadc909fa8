// The six operations called through their callback API and waited for, with as little
// machinery of our own as possible, so that what is measured is the library.
//
// storage/blocking.hpp does the same job with a std::promise/std::future pair per call;
// that costs about a microsecond (a heap allocation and a call_once), which is a large
// share of a memory-backend `counts`. Here the callback writes into a slot on the
// caller's stack (the lambda fits std::function's small buffer: no allocation), and a
// condition variable is only waited on when the backend completes later on another
// thread; a backend that completes on an event loop of the calling thread is driven by
// its loop_driver instead. Store failures throw storage_failure, like the blocking
// helpers.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/status_storage.hpp"

namespace roost::bench::calls {

/// Runs the event loop a backend completes on, on the calling thread, until `done` holds.
using loop_driver = std::function<void(const std::function<bool()>& done)>;

/// The driver of the backend whose store is in use (harness/backend.hpp sets it when it
/// opens one); empty: the backend completes on threads of its own.
inline loop_driver& current_driver() {
  static loop_driver driver;
  return driver;
}

namespace detail {

template <typename Result, typename Start>
Result complete(Start&& start) {
  struct slot {
    std::mutex mutex;
    std::condition_variable done;
    storage_error error;
    std::optional<Result> value;
  } s;
  start([&s](const storage_error& error, Result value) {
    std::lock_guard lock(s.mutex);
    s.error = error;
    s.value.emplace(std::move(value));
    s.done.notify_one();
  });
  if (const auto& drive = current_driver()) {
    drive([&] { return s.value.has_value(); });  // completes on this thread
  } else {
    std::unique_lock lock(s.mutex);
    s.done.wait(lock, [&] { return s.value.has_value(); });
  }
  if (s.error) throw storage_failure(s.error);
  return std::move(*s.value);
}

}  // namespace detail

inline std::size_t put(status_storage& store, put_request request) {
  return detail::complete<std::size_t>(
      [&](auto done) { store.put_statuses(std::move(request), std::move(done)); });
}

inline std::size_t put_texts(status_storage& store, put_texts_request request) {
  return detail::complete<std::size_t>(
      [&](auto done) { store.put_status_texts(std::move(request), std::move(done)); });
}

inline std::vector<status> get(status_storage& store, get_request request) {
  return detail::complete<std::vector<status>>(
      [&](auto done) { store.get_statuses(std::move(request), std::move(done)); });
}

inline std::vector<std::string> get_texts(status_storage& store, get_request request) {
  return detail::complete<std::vector<std::string>>(
      [&](auto done) { store.get_status_texts(std::move(request), std::move(done)); });
}

inline std::size_t ack(status_storage& store, ack_request request) {
  return detail::complete<std::size_t>(
      [&](auto done) { store.ack_statuses(std::move(request), std::move(done)); });
}

inline std::size_t erase(status_storage& store, delete_request request) {
  return detail::complete<std::size_t>(
      [&](auto done) { store.delete_statuses(std::move(request), std::move(done)); });
}

inline unacked_counts counts(status_storage& store, std::string timeline) {
  return detail::complete<unacked_counts>(
      [&](auto done) { store.get_unacked_counts(std::move(timeline), std::move(done)); });
}

inline contains_result contains(status_storage& store, contains_request request) {
  return detail::complete<contains_result>(
      [&](auto done) { store.contains(std::move(request), std::move(done)); });
}

}  // namespace roost::bench::calls
