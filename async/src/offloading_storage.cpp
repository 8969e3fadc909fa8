// offloading_storage: a bounded queue in front of a fixed set of worker threads.
#include "storage/offloading_storage.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

namespace roost {
namespace {

// One queued operation: runs the wrapped storage's hook, or fails without running it.
class job {
public:
  virtual ~job() = default;
  virtual void run() noexcept = 0;
  virtual void fail(const storage_error& error) noexcept = 0;
  std::uint64_t seq = 0;
};

// Runs a caller's callback on a worker thread. Callbacks must not throw (errors.hpp); one
// that does anyway is reported on stderr and the worker goes on serving the others.
template <typename Callback, typename Result>
void deliver(const Callback& done, const storage_error& error, Result result) noexcept {
  try {
    done(error, std::move(result));
  } catch (const std::exception& e) {
    std::cerr << "roost: a storage callback threw on a worker thread: " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "roost: a storage callback threw on a worker thread" << std::endl;
  }
}

template <typename Result, typename Run>
class job_impl final : public job {
public:
  using callback = std::function<void(const storage_error&, Result)>;

  job_impl(callback done, Run run) : done_(std::move(done)), run_(std::move(run)) {}

  void run() noexcept override {
    // The hook must call back exactly once and not throw; if it throws anyway, its
    // callback gets errc::internal unless it already ran.
    struct state {
      std::atomic<bool> called{false};
      callback done;
    };
    auto shared = std::make_shared<state>();
    shared->done = std::move(done_);
    callback once = [shared](const storage_error& error, Result result) {
      if (!shared->called.exchange(true)) deliver(shared->done, error, std::move(result));
    };
    try {
      run_(once);
    } catch (const std::exception& e) {
      once(storage_error(errc::internal, std::string("backend threw: ") + e.what()), Result{});
    } catch (...) {
      once(storage_error(errc::internal, "backend threw an unknown exception"), Result{});
    }
  }

  void fail(const storage_error& error) noexcept override { deliver(done_, error, Result{}); }

private:
  callback done_;
  Run run_;
};

}  // namespace

class offloading_storage::pool {
public:
  pool(std::size_t threads, std::size_t capacity) : capacity_(capacity) {
    threads_.reserve(threads);
    try {
      for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
    } catch (const std::system_error& e) {
      // The threads already started are joinable: destroying them unjoined would end the
      // process, so stop and join them before reporting the failure.
      stop_and_join();
      throw storage_failure(storage_error(errc::io_error, "offloading_storage could not start " +
                                                              std::to_string(threads) +
                                                              " worker threads: " + e.what()));
    }
  }

  ~pool() { stop_and_join(); }

  void stop_and_join() {
    std::deque<std::unique_ptr<job>> left;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      left.swap(reads_);
      for (auto& j : writes_) left.push_back(std::move(j));
      writes_.clear();
    }
    wake_.notify_all();
    for (auto& j : left)
      j->fail(storage_error(errc::cancelled,
                            "offloading_storage was destroyed before the operation started"));
    for (auto& t : threads_) t.join();
  }

  void push(kind k, std::unique_ptr<job> j) {
    std::size_t waiting = 0;
    enum { accepted, stopped, full } outcome = accepted;
    {
      std::lock_guard lock(mutex_);
      waiting = reads_.size() + writes_.size();
      if (stopping_) {
        outcome = stopped;
      } else if (waiting >= capacity_) {
        outcome = full;
      } else {
        j->seq = next_seq_++;
        (k == kind::write ? writes_ : reads_).push_back(std::move(j));
      }
    }
    switch (outcome) {
      case accepted: wake_.notify_one(); return;
      case stopped:
        j->fail(storage_error(errc::cancelled, "offloading_storage is shutting down"));
        return;
      case full:
        j->fail(storage_error(errc::overloaded,
                              "offloading_storage: the queue is full (" + std::to_string(waiting) +
                                  " operations waiting for a worker); try again later"));
        return;
    }
  }

  std::size_t queued() const {
    std::lock_guard lock(mutex_);
    return reads_.size() + writes_.size();
  }

private:
  bool runnable() const { return !reads_.empty() || (!writes_.empty() && !write_running_); }

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || runnable(); });
      if (stopping_) return;
      // The oldest runnable operation: a write only while no other write runs.
      const bool write = !writes_.empty() && !write_running_ &&
                         (reads_.empty() || writes_.front()->seq < reads_.front()->seq);
      auto& queue = write ? writes_ : reads_;
      std::unique_ptr<job> j = std::move(queue.front());
      queue.pop_front();
      if (write) write_running_ = true;
      lock.unlock();
      j->run();
      j.reset();
      lock.lock();
      if (write) {
        write_running_ = false;
        // This worker takes the next write itself unless a read is older; make sure
        // some worker looks at the queues again.
        if (!writes_.empty()) wake_.notify_one();
      }
    }
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<job>> reads_, writes_;
  std::uint64_t next_seq_ = 0;
  bool write_running_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

namespace {

const offloading_options& checked(const offloading_options& options) {
  if (options.threads == 0) throw invalid_request("offloading_storage needs at least one thread");
  if (options.queue_capacity == 0)
    throw invalid_request("offloading_storage needs a queue capacity of at least 1");
  return options;
}

}  // namespace

offloading_storage::offloading_storage(status_storage& inner, offloading_options options)
    : storage_wrapper(inner),
      options_(checked(options)),
      pool_(std::make_unique<pool>(options_.threads, options_.queue_capacity)) {}

offloading_storage::offloading_storage(std::unique_ptr<status_storage> inner,
                                       offloading_options options)
    : storage_wrapper(*inner),
      owned_(std::move(inner)),
      options_(checked(options)),
      pool_(std::make_unique<pool>(options_.threads, options_.queue_capacity)) {}

offloading_storage::~offloading_storage() {
  pool_.reset();  // before owned_ goes: workers may still be using it
}

std::size_t offloading_storage::queued() const { return pool_->queued(); }

template <typename Result, typename Run>
void offloading_storage::submit(kind k, std::function<void(const storage_error&, Result)> done,
                                Run run) {
  pool_->push(k, std::make_unique<job_impl<Result, Run>>(std::move(done), std::move(run)));
}

void offloading_storage::do_put_statuses(prepared_put request, count_callback done) {
  submit<std::size_t>(kind::write, std::move(done),
                      [this, request = std::move(request)](count_callback cb) mutable {
                        storage_wrapper::do_put_statuses(std::move(request), std::move(cb));
                      });
}

void offloading_storage::do_get_statuses(prepared_get request, texts_callback done) {
  submit<std::vector<std::string>>(
      kind::read, std::move(done), [this, request = std::move(request)](texts_callback cb) mutable {
        storage_wrapper::do_get_statuses(std::move(request), std::move(cb));
      });
}

void offloading_storage::do_ack_statuses(prepared_ack request, count_callback done) {
  submit<std::size_t>(kind::write, std::move(done),
                      [this, request = std::move(request)](count_callback cb) mutable {
                        storage_wrapper::do_ack_statuses(std::move(request), std::move(cb));
                      });
}

void offloading_storage::do_delete_statuses(delete_request request, count_callback done) {
  submit<std::size_t>(kind::write, std::move(done),
                      [this, request = std::move(request)](count_callback cb) mutable {
                        storage_wrapper::do_delete_statuses(std::move(request), std::move(cb));
                      });
}

void offloading_storage::do_get_unacked_counts(std::string timeline, counts_callback done) {
  submit<unacked_counts>(kind::read, std::move(done),
                         [this, timeline = std::move(timeline)](counts_callback cb) mutable {
                           storage_wrapper::do_get_unacked_counts(std::move(timeline),
                                                                  std::move(cb));
                         });
}

void offloading_storage::do_contains(
    std::string timeline, std::vector<std::string> ids,
    std::function<void(const storage_error&, std::vector<bool>)> done) {
  using callback = std::function<void(const storage_error&, std::vector<bool>)>;
  submit<std::vector<bool>>(
      kind::read, std::move(done),
      [this, timeline = std::move(timeline), ids = std::move(ids)](callback cb) mutable {
        storage_wrapper::do_contains(std::move(timeline), std::move(ids), std::move(cb));
      });
}

void offloading_storage::do_timeline_names(names_callback done) {
  submit<std::vector<std::string>>(kind::read, std::move(done), [this](names_callback cb) {
    storage_wrapper::do_timeline_names(std::move(cb));
  });
}

void offloading_storage::do_get_revision(std::string timeline, revision_callback done) {
  submit<std::uint64_t>(kind::read, std::move(done),
                        [this, timeline = std::move(timeline)](revision_callback cb) mutable {
                          storage_wrapper::do_get_revision(std::move(timeline), std::move(cb));
                        });
}

void offloading_storage::do_get_changes(prepared_changes request, changes_callback done) {
  submit<change_page>(kind::read, std::move(done),
                      [this, request = std::move(request)](changes_callback cb) mutable {
                        storage_wrapper::do_get_changes(std::move(request), std::move(cb));
                      });
}

void offloading_storage::do_get_setting(std::string key, setting_callback done) {
  submit<setting>(kind::read, std::move(done),
                  [this, key = std::move(key)](setting_callback cb) mutable {
                    storage_wrapper::do_get_setting(std::move(key), std::move(cb));
                  });
}

void offloading_storage::do_put_setting(put_setting_request request, revision_callback done) {
  submit<std::uint64_t>(kind::write, std::move(done),
                        [this, request = std::move(request)](revision_callback cb) mutable {
                          storage_wrapper::do_put_setting(std::move(request), std::move(cb));
                        });
}

}  // namespace roost
