// delaying_storage: runs every operation of the wrapped storage later, on its own
// worker thread, so the callback never runs inside the initiating call. Used to prove
// that the conformance suite (and callers) cope with asynchronous backends.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/storage_wrapper.hpp"

namespace roost::testing {

class delaying_storage final : public storage_wrapper {
public:
  explicit delaying_storage(std::unique_ptr<status_storage> inner)
      : storage_wrapper(*inner), owned_(std::move(inner)), worker_([this] { work(); }) {}

  ~delaying_storage() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
  }

  /// Blocks until `done()` holds; `done` is re-checked after every completed operation.
  void wait_until(const std::function<bool()>& done) {
    std::unique_lock lock(mutex_);
    for (;;) {
      // done() runs without the lock (it may call the storage), so an operation can
      // finish meanwhile: wait only if none did, or its notification would be lost.
      const std::uint64_t seen = completed_;
      lock.unlock();
      const bool ok = done();
      lock.lock();
      if (ok) return;
      finished_.wait(lock, [&] { return completed_ != seen; });
    }
  }

  /// The id of the worker thread that runs every operation and callback.
  std::thread::id worker_id() const { return worker_.get_id(); }

protected:
  void do_put_statuses(prepared_put r, count_callback done) override {
    later([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_put_statuses(std::move(r), std::move(done));
    });
  }
  void do_get_statuses(prepared_get r, texts_callback done) override {
    later([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_get_statuses(std::move(r), std::move(done));
    });
  }
  void do_ack_statuses(prepared_ack r, count_callback done) override {
    later([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_ack_statuses(std::move(r), std::move(done));
    });
  }
  void do_delete_statuses(delete_request r, count_callback done) override {
    later([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_delete_statuses(std::move(r), std::move(done));
    });
  }
  void do_get_unacked_counts(std::string t, counts_callback done) override {
    later([this, t = std::move(t), done = std::move(done)]() mutable {
      storage_wrapper::do_get_unacked_counts(std::move(t), std::move(done));
    });
  }
  void do_contains(std::string t, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override {
    later([this, t = std::move(t), ids = std::move(ids), done = std::move(done)]() mutable {
      storage_wrapper::do_contains(std::move(t), std::move(ids), std::move(done));
    });
  }
  void do_timeline_names(names_callback done) override {
    later([this, done = std::move(done)]() mutable {
      storage_wrapper::do_timeline_names(std::move(done));
    });
  }
  void do_get_revision(std::string t, revision_callback done) override {
    later([this, t = std::move(t), done = std::move(done)]() mutable {
      storage_wrapper::do_get_revision(std::move(t), std::move(done));
    });
  }
  void do_get_changes(prepared_changes r, changes_callback done) override {
    later([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_get_changes(std::move(r), std::move(done));
    });
  }
  void do_get_setting(std::string k, setting_callback done) override {
    later([this, k = std::move(k), done = std::move(done)]() mutable {
      storage_wrapper::do_get_setting(std::move(k), std::move(done));
    });
  }
  void do_put_setting(put_setting_request r, revision_callback done) override {
    later([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_put_setting(std::move(r), std::move(done));
    });
  }

private:
  void later(std::function<void()> op) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(op));
    }
    wake_.notify_one();
  }

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      auto op = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      op();
      lock.lock();
      ++completed_;
      finished_.notify_all();
    }
  }

  std::unique_ptr<status_storage> owned_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::uint64_t completed_ = 0;  // operations run, for wait_until
  std::thread worker_;           // last: starts after everything it uses exists
};

}  // namespace roost::testing
