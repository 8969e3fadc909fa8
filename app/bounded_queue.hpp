// A small blocking queue between two threads of one run (a reader that parses and a
// writer that stores), bounded so that a fast reader cannot fill memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace roost::app {

template <class T>
class bounded_queue {
public:
  /// REQUIRES: capacity > 0.
  explicit bounded_queue(std::size_t capacity) : capacity_(capacity) {}

  /// Waits for room, then adds `item`. Returns false (dropping it) once closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    ready_.notify_one();
    return true;
  }

  /// Waits for an item; nullopt once the queue is closed and empty.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return item;
  }

  /// No more pushes; pop() drains what is there, then returns nullopt. Either side may
  /// close; closing twice is harmless.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

private:
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

}  // namespace roost::app
