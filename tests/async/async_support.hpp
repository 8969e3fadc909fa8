// Helpers for the tests of roost::asio: an io_context run by several threads, a
// condition to wait on without sleeping, a storage that blocks until released, and
// `asio_api_storage`, a status_storage that sends every call through the async API.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "storage/asio.hpp"
#include "storage/storage_wrapper.hpp"

namespace roost::testing {

/// An io_context run by `n` threads until destroyed.
class io_threads {
public:
  explicit io_threads(unsigned n) : work_(boost::asio::make_work_guard(context_)) {
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { context_.run(); });
  }
  ~io_threads() {
    work_.reset();
    for (auto& t : threads_) t.join();
  }
  boost::asio::io_context& context() { return context_; }
  boost::asio::any_io_executor executor() { return context_.get_executor(); }
  bool runs_here() const {
    const auto me = std::this_thread::get_id();
    for (const auto& t : threads_)
      if (t.get_id() == me) return true;
    return false;
  }

private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

/// Counts events and lets a thread wait for a condition re-checked after each one.
/// A handler that changes state and then calls notify() may still be inside notify()
/// when the waiter sees the new state and returns: declare the signal (and that state)
/// before whatever owns the handlers' threads, so the threads are joined first.
class event_signal {
public:
  void notify() {
    // Notified under the lock: a waiter that sees the event may destroy this object as
    // soon as it returns, and must not do so while notify_all() is still running.
    std::lock_guard lock(mutex_);
    ++events_;
    changed_.notify_all();
  }
  /// Waits until `done()` holds; done() runs under the signal's mutex.
  void wait_until(const std::function<bool()>& done) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done(); });
  }
  std::size_t events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t events_ = 0;
};

/// A wrapper whose reads (get, counts) block on a gate until it is opened; `entered`
/// counts down as each blocked read begins. For overload and ordering tests.
class gated_storage final : public storage_wrapper {
public:
  explicit gated_storage(status_storage& inner) : storage_wrapper(inner) {}

  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  /// Blocks until `n` reads are waiting at the gate.
  void wait_for_blocked(std::size_t n) {
    std::unique_lock lock(mutex_);
    arrived_.wait(lock, [&] { return blocked_ >= n; });
  }

protected:
  void do_get_statuses(prepared_get r, texts_callback done) override {
    pass();
    storage_wrapper::do_get_statuses(std::move(r), std::move(done));
  }
  void do_get_unacked_counts(std::string t, counts_callback done) override {
    pass();
    storage_wrapper::do_get_unacked_counts(std::move(t), std::move(done));
  }
  void do_get_setting(std::string k, setting_callback done) override {
    pass();
    storage_wrapper::do_get_setting(std::move(k), std::move(done));
  }

private:
  void pass() {
    std::unique_lock lock(mutex_);
    ++blocked_;
    arrived_.notify_all();
    opened_.wait(lock, [&] { return open_; });
  }
  std::mutex mutex_;
  std::condition_variable opened_, arrived_;
  std::size_t blocked_ = 0;
  bool open_ = false;
};

/// A wrapper that fails every operation with `error` (fault injection).
class failing_storage final : public storage_wrapper {
public:
  failing_storage(status_storage& inner, storage_error error)
      : storage_wrapper(inner), error_(std::move(error)) {}

protected:
  void do_put_statuses(prepared_put, count_callback done) override { done(error_, 0); }
  void do_get_statuses(prepared_get, texts_callback done) override { done(error_, {}); }
  void do_ack_statuses(prepared_ack, count_callback done) override { done(error_, 0); }
  void do_delete_statuses(delete_request, count_callback done) override { done(error_, 0); }
  void do_get_unacked_counts(std::string, counts_callback done) override { done(error_, {}); }
  void do_contains(std::string, std::vector<std::string>,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override {
    done(error_, {});
  }
  void do_timeline_names(names_callback done) override { done(error_, {}); }
  void do_get_revision(std::string, revision_callback done) override { done(error_, 0); }
  void do_get_changes(prepared_changes, changes_callback done) override { done(error_, {}); }
  void do_get_setting(std::string, setting_callback done) override { done(error_, {}); }
  void do_put_setting(put_setting_request, revision_callback done) override { done(error_, 0); }

private:
  storage_error error_;
};

/// A status_storage whose every operation goes through roost::asio::async_storage over
/// `inner`, completing with a plain callback on `executor` (an io_context run by several
/// threads). Each completion checks that it runs on one of `io`'s threads and not inside
/// its initiating call, and that the error code matches the error out-parameter; `bad`
/// counts those that did not. `done` is notified after each.
class asio_api_storage final : public status_storage {
public:
  asio_api_storage(io_threads& io, std::unique_ptr<status_storage> inner, event_signal& done,
                   std::atomic<int>& bad)
      : io_(io), inner_(std::move(inner)), api_(io.executor(), *inner_), done_(done), bad_(bad) {}

protected:
  void do_put_statuses(prepared_put r, count_callback done) override {
    put_request request{.timeline = std::move(r.timeline), .mode = r.mode, .statuses = {}};
    for (const auto& s : r.statuses) request.statuses.push_back(nlohmann::json::parse(s.json));
    through<std::size_t>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_put_statuses(std::move(request), out, std::move(handler));
    });
  }
  void do_get_statuses(prepared_get r, texts_callback done) override {
    get_request request{.timeline = std::move(r.timeline),
                        .state = r.state,
                        .max_id = std::move(r.max_id),
                        .count = r.count};
    through<std::vector<std::string>>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_get_status_texts(std::move(request), out, std::move(handler));
    });
  }
  void do_ack_statuses(prepared_ack r, count_callback done) override {
    ack_request request{.timeline = std::move(r.timeline),
                        .ids = std::move(r.ids),
                        .max_id = std::move(r.max_id),
                        .at = r.at};
    through<std::size_t>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_ack_statuses(std::move(request), out, std::move(handler));
    });
  }
  void do_delete_statuses(delete_request r, count_callback done) override {
    through<std::size_t>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_delete_statuses(std::move(r), out, std::move(handler));
    });
  }
  void do_get_unacked_counts(std::string t, counts_callback done) override {
    through<unacked_counts>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_get_unacked_counts(std::move(t), out, std::move(handler));
    });
  }
  void do_contains(std::string t, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override {
    contains_request request{.timeline = std::move(t), .query = {}};
    for (auto& id : ids) request.query.emplace_back(std::move(id));
    auto query = request.query;
    through<contains_result>(
        [query = std::move(query), done = std::move(done)](const storage_error& error,
                                                           contains_result result) {
          // Each item went, in order, to one of the two lists: merge them back to flags.
          std::vector<bool> flags;
          std::size_t in = 0;
          for (const auto& item : query) {
            const bool contained = in < result.contained.size() && result.contained[in] == item;
            if (contained) ++in;
            flags.push_back(contained);
          }
          done(error, error ? std::vector<bool>{} : std::move(flags));
        },
        [&](storage_error& out, auto handler) {
          api_.async_contains(std::move(request), out, std::move(handler));
        });
  }
  void do_timeline_names(names_callback done) override {
    through<std::vector<std::string>>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_timeline_names(out, std::move(handler));
    });
  }
  void do_get_revision(std::string t, revision_callback done) override {
    through<std::uint64_t>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_get_revision(std::move(t), out, std::move(handler));
    });
  }
  void do_get_changes(prepared_changes r, changes_callback done) override {
    changes_request request{.timeline = std::move(r.timeline), .since = r.since, .limit = r.limit};
    through<change_page>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_get_changes(std::move(request), out, std::move(handler));
    });
  }
  void do_get_setting(std::string key, setting_callback done) override {
    through<setting>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_get_setting(std::move(key), out, std::move(handler));
    });
  }
  void do_put_setting(put_setting_request r, revision_callback done) override {
    through<std::uint64_t>(std::move(done), [&](storage_error& out, auto handler) {
      api_.async_put_setting(std::move(r), out, std::move(handler));
    });
  }

private:
  static inline thread_local int initiating_ = 0;

  template <typename Result, typename Start>
  void through(std::function<void(const storage_error&, Result)> done, Start start) {
    auto error = std::make_shared<storage_error>();
    // Only references to objects that outlive this storage: `done` may destroy it.
    auto handler = [&io = io_, &bad = bad_, &signal = done_, error, done = std::move(done)](
                       boost::system::error_code ec, Result result) {
      if (initiating_ != 0 || !io.runs_here()) ++bad;
      if (static_cast<bool>(ec) != static_cast<bool>(*error)) ++bad;
      done(*error, std::move(result));
      signal.notify();
    };
    ++initiating_;
    try {
      start(*error, std::move(handler));
    } catch (...) {
      --initiating_;
      throw;
    }
    --initiating_;
  }

  io_threads& io_;
  std::unique_ptr<status_storage> inner_;
  roost::asio::async_storage api_;
  event_signal& done_;
  std::atomic<int>& bad_;
};

}  // namespace roost::testing
