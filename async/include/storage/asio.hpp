// roost::asio: Roost's storage operations and timeline watchers as Asio asynchronous
// operations, usable with any completion token: a plain callback, use_future,
// use_awaitable (C++20 coroutines), deferred, as_tuple(...), bind_executor(...).
//
//   roost::asio::async_storage store(io.get_executor(), backend);
//   auto page = co_await store.async_get_statuses({.timeline = "home"}, asio::use_awaitable);
//
// Completion signature: `void(boost::system::error_code, Result)`. A store failure's code
// is a `roost::errc` (category "roost.storage", carried by Boost.System's interop with
// std::error_code, so `ec == roost::errc::overloaded` works); a Timeline failure's is a
// `roost::timeline_errc`. With use_future and use_awaitable a failure is thrown as
// boost::system::system_error. The store's own message (which engine call failed, the
// engine's code) does not fit an error_code: every operation has an overload taking a
// `roost::storage_error& error_out`, filled in before the completion handler runs, with
// the code and the message (empty on success). It must live until then.
//
// Executors: the completion handler always runs on its associated executor (for a plain
// callback, the executor this object was made with; for use_awaitable, the coroutine's),
// never inside the initiating call and never inside the code that completed the
// operation: it is posted, even when the storage completed synchronously. While an
// operation is pending it holds a work guard on that executor, so io_context::run() does
// not return under it.
//
// Caller mistakes throw roost::invalid_request from the async_* call itself, for every
// token, exactly as the storage's own operations would: the request is validated (and
// prepared, once) at the call and started when the token launches it (at once for a
// callback or use_future, at co_await for use_awaitable, when a deferred operation is
// invoked). So in a coroutine the exception is thrown inside it, where the co_await is,
// and no handler ever runs for a rejected request.
//
// Blocking backends (SQLite, LMDB) complete inside the initiation, on the caller's thread;
// wrap them in an offloading_storage (storage/offloading_storage.hpp) so that an
// io_context thread never waits for the disk.
//
// Watchers support per-operation cancellation: when the completion handler has a
// connected cancellation slot (awaitable operators, bind_cancellation_slot), emitting
// terminal, partial or total cancellation cancels the watch, which then completes with
// roost::errc::cancelled. Other operations are not cancellable once started.
//
// Lifetimes: the storage (and timeline) must outlive the operations started on it, and
// the execution context (io_context) must outlive every storage that may still complete
// into it: destroy an offloading_storage, whose workers complete operations, before the
// io_context its handlers run on (as Asio asks of I/O objects and their context).
//
// Thread safety: an async_storage or async_timeline is a small handle (an executor and a
// reference); any number of operations may be pending on it, from any thread.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/error_code.hpp>

#include "storage/status_storage.hpp"
#include "storage/storage_wrapper.hpp"
#include "storage/timeline.hpp"

namespace roost::asio {

/// The error_code an operation completes with for `error` (zero on success).
inline boost::system::error_code to_error_code(const storage_error& error) noexcept {
  return error.code();
}

namespace detail {

/// Outstanding work on `executor`, for either executor model: a tracked copy of a
/// standard executor, or an executor_work_guard for a legacy (Networking TS) one.
template <typename Executor>
auto track_work(const Executor& executor) {
  if constexpr (boost::asio::execution::is_executor<Executor>::value)
    return boost::asio::prefer(executor, boost::asio::execution::outstanding_work.tracked);
  else
    return boost::asio::executor_work_guard<Executor>(executor);
}

/// The state of one pending operation: the handler, the work guard, the out-parameter.
template <typename Result, typename Handler, typename Executor, bool Cancellable>
class operation {
public:
  operation(Handler handler, const Executor& executor, storage_error* error_out)
      : handler_(std::move(handler)),
        executor_(executor),
        work_(track_work(executor)),
        error_out_(error_out) {}

  /// Called by the storage, on whatever thread it completes on; posts the handler.
  /// A second call (a faulty backend) is ignored.
  void complete(const storage_error& error, Result result) {
    if (completed_.exchange(true, std::memory_order_acq_rel)) return;
    if (error_out_ != nullptr) *error_out_ = error;
    // Everything that refers to the executor leaves this object, which the storage may
    // keep (inside its callback) for a while: the handler and the outstanding work go
    // with the posted function and are released on the executor, after the handler ran.
    Handler handler = std::move(*handler_);
    handler_.reset();
    auto work = std::move(*work_);
    work_.reset();
    Executor executor = std::move(*executor_);
    executor_.reset();
    boost::asio::post(executor, [handler = std::move(handler), work = std::move(work),
                                 ec = to_error_code(error), result = std::move(result)]() mutable {
      if constexpr (Cancellable) boost::asio::get_associated_cancellation_slot(handler).clear();
      std::move(handler)(ec, std::move(result));
    });
  }

private:
  std::optional<Handler> handler_;
  std::optional<Executor> executor_;
  std::optional<decltype(track_work(std::declval<const Executor&>()))> work_;
  storage_error* error_out_;
  std::atomic<bool> completed_{false};
};

/// Lets a cancellation slot cancel a watch that may not have started yet.
class watch_box {
public:
  void set(watch_handle handle) {
    bool cancel_now;
    {
      std::lock_guard lock(mutex_);
      handle_ = handle;
      cancel_now = cancel_requested_;
    }
    if (cancel_now) handle.cancel();
  }

  void cancel() {
    watch_handle handle;
    {
      std::lock_guard lock(mutex_);
      cancel_requested_ = true;
      handle = handle_;
    }
    handle.cancel();
  }

private:
  std::mutex mutex_;
  watch_handle handle_;
  bool cancel_requested_ = false;
};

/// The cancellation handler installed in a watch's slot.
struct watch_canceller {
  std::shared_ptr<watch_box> box;
  void operator()(boost::asio::cancellation_type type) const {
    using boost::asio::cancellation_type;
    if ((type & (cancellation_type::terminal | cancellation_type::partial |
                 cancellation_type::total)) != cancellation_type::none)
      box->cancel();
  }
};

/// The one initiation behind every async_* function. `start(done)` starts the Roost
/// operation with a std::function callback; for a watch it returns the watch_handle.
template <typename Result, bool Cancellable>
struct initiation {
  template <typename Handler, typename Executor, typename Start>
  void operator()(Handler&& handler, const Executor& default_executor, storage_error* error_out,
                  Start start) const {
    using handler_type = std::decay_t<Handler>;
    auto executor = boost::asio::get_associated_executor(handler, default_executor);
    using op_type = operation<Result, handler_type, decltype(executor), Cancellable>;
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    auto op = std::make_shared<op_type>(std::forward<Handler>(handler), executor, error_out);
    std::function<void(const storage_error&, Result)> done =
        [op](const storage_error& error, Result result) { op->complete(error, std::move(result)); };
    // The request was validated when the async_* function was called, so starting it
    // does not throw; should it anyway (out of memory), the handler gets the error, as an
    // initiation must not throw into a coroutine's machinery.
    if constexpr (Cancellable) {
      auto box = std::make_shared<watch_box>();
      if (slot.is_connected()) slot.template emplace<watch_canceller>(watch_canceller{box});
      try {
        box->set(start(done));
      } catch (const std::exception& e) {
        done(storage_error(errc::internal, std::string("starting the operation: ") + e.what()),
             Result{});
      }
    } else {
      try {
        start(done);
      } catch (const std::exception& e) {
        done(storage_error(errc::internal, std::string("starting the operation: ") + e.what()),
             Result{});
      }
    }
  }
};

/// A storage operation validated and prepared now, started later: the public operation
/// of status_storage runs at once on this wrapper of the target storage, which keeps
/// the prepared request instead of passing it on; launch() passes it on. The change
/// notification and the result's post-processing of the public operation come along, so
/// the target sees exactly what a direct call would have given it.
class staged_storage final : public storage_wrapper {
public:
  explicit staged_storage(status_storage& target) : storage_wrapper(target) {}

  /// Starts the kept operation on the target storage. Once.
  void launch() {
    auto start = std::move(start_);
    start();
  }

protected:
  void do_put_statuses(prepared_put r, count_callback done) override {
    keep([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_put_statuses(std::move(r), std::move(done));
    });
  }
  void do_get_statuses(prepared_get r, texts_callback done) override {
    keep([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_get_statuses(std::move(r), std::move(done));
    });
  }
  void do_ack_statuses(prepared_ack r, count_callback done) override {
    keep([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_ack_statuses(std::move(r), std::move(done));
    });
  }
  void do_delete_statuses(delete_request r, count_callback done) override {
    keep([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_delete_statuses(std::move(r), std::move(done));
    });
  }
  void do_get_unacked_counts(std::string t, counts_callback done) override {
    keep([this, t = std::move(t), done = std::move(done)]() mutable {
      storage_wrapper::do_get_unacked_counts(std::move(t), std::move(done));
    });
  }
  void do_contains(std::string t, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override {
    keep([this, t = std::move(t), ids = std::move(ids), done = std::move(done)]() mutable {
      storage_wrapper::do_contains(std::move(t), std::move(ids), std::move(done));
    });
  }
  void do_timeline_names(names_callback done) override {
    keep([this, done = std::move(done)]() mutable {
      storage_wrapper::do_timeline_names(std::move(done));
    });
  }
  void do_get_revision(std::string t, revision_callback done) override {
    keep([this, t = std::move(t), done = std::move(done)]() mutable {
      storage_wrapper::do_get_revision(std::move(t), std::move(done));
    });
  }
  void do_get_changes(prepared_changes r, changes_callback done) override {
    keep([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_get_changes(std::move(r), std::move(done));
    });
  }
  void do_get_setting(std::string k, setting_callback done) override {
    keep([this, k = std::move(k), done = std::move(done)]() mutable {
      storage_wrapper::do_get_setting(std::move(k), std::move(done));
    });
  }
  void do_put_setting(put_setting_request r, revision_callback done) override {
    keep([this, r = std::move(r), done = std::move(done)]() mutable {
      storage_wrapper::do_put_setting(std::move(r), std::move(done));
    });
  }

private:
  template <typename F>
  void keep(F f) {
    start_ = std::move(f);
  }
  std::function<void()> start_;
};

/// Calls `call(storage, callback)` (a public status_storage operation) now, on a staged
/// wrapper of `target`, so that caller mistakes throw here; returns the start function
/// for `run`, which hands the eventual completion to the operation's handler.
template <typename Result, typename Call>
auto stage(status_storage& target, Call&& call) {
  using callback = std::function<void(const storage_error&, Result)>;
  auto staged = std::make_shared<staged_storage>(target);
  auto slot = std::make_shared<callback>();
  std::forward<Call>(call)(
      *staged, callback([slot](const storage_error& e, Result r) { (*slot)(e, std::move(r)); }));
  return [staged = std::move(staged), slot = std::move(slot)](callback done) mutable {
    *slot = std::move(done);
    staged->launch();
  };
}

template <typename Result, bool Cancellable = false, typename Executor, typename Start,
          typename Token>
auto run(const Executor& executor, storage_error* error_out, Start&& start, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, Result)>(
      initiation<Result, Cancellable>{}, token, executor, error_out, std::forward<Start>(start));
}

template <typename Token>
concept not_error_out = !std::is_same_v<std::decay_t<Token>, storage_error>;

}  // namespace detail

/// A storage's operations as Asio operations, completing on `Executor` by default.
template <typename Executor = boost::asio::any_io_executor>
class basic_async_storage {
public:
  using executor_type = Executor;
  template <typename Other>
  struct rebind_executor {
    using other = basic_async_storage<Other>;
  };
  using default_token = boost::asio::default_completion_token_t<executor_type>;

  /// Operations on `storage` (kept by reference: it must outlive every operation) whose
  /// handlers run on `executor` unless they name their own.
  basic_async_storage(const executor_type& executor, status_storage& storage)
      : executor_(executor), storage_(&storage) {}

  template <typename Context>
  requires std::is_convertible_v<Context&, boost::asio::execution_context&> basic_async_storage(
      Context& context, status_storage& storage)
      : executor_(context.get_executor()), storage_(&storage) {}

  executor_type get_executor() const noexcept { return executor_; }
  status_storage& storage() const noexcept { return *storage_; }

  /// status_storage::put_statuses; completes with the number inserted or replaced.
  template <detail::not_error_out Token = default_token>
  auto async_put_statuses(put_request request, Token&& token = default_token()) {
    return put(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_put_statuses(put_request request, storage_error& error_out,
                          Token&& token = default_token()) {
    return put(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::put_status_texts; completes with the number inserted or replaced.
  template <detail::not_error_out Token = default_token>
  auto async_put_status_texts(put_texts_request request, Token&& token = default_token()) {
    return put_texts(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_put_status_texts(put_texts_request request, storage_error& error_out,
                              Token&& token = default_token()) {
    return put_texts(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::get_statuses; completes with the page, newest first.
  template <detail::not_error_out Token = default_token>
  auto async_get_statuses(get_request request, Token&& token = default_token()) {
    return get(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_get_statuses(get_request request, storage_error& error_out,
                          Token&& token = default_token()) {
    return get(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::get_status_texts; completes with each status's JSON text.
  template <detail::not_error_out Token = default_token>
  auto async_get_status_texts(get_request request, Token&& token = default_token()) {
    return get_texts(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_get_status_texts(get_request request, storage_error& error_out,
                              Token&& token = default_token()) {
    return get_texts(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::ack_statuses; completes with the number acked.
  template <detail::not_error_out Token = default_token>
  auto async_ack_statuses(ack_request request, Token&& token = default_token()) {
    return ack(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_ack_statuses(ack_request request, storage_error& error_out,
                          Token&& token = default_token()) {
    return ack(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::delete_statuses; completes with the number deleted.
  template <detail::not_error_out Token = default_token>
  auto async_delete_statuses(delete_request request, Token&& token = default_token()) {
    return erase(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_delete_statuses(delete_request request, storage_error& error_out,
                             Token&& token = default_token()) {
    return erase(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::get_unacked_counts.
  template <detail::not_error_out Token = default_token>
  auto async_get_unacked_counts(std::string timeline, Token&& token = default_token()) {
    return counts(std::move(timeline), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_get_unacked_counts(std::string timeline, storage_error& error_out,
                                Token&& token = default_token()) {
    return counts(std::move(timeline), &error_out, std::forward<Token>(token));
  }

  /// status_storage::contains.
  template <detail::not_error_out Token = default_token>
  auto async_contains(contains_request request, Token&& token = default_token()) {
    return contains(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_contains(contains_request request, storage_error& error_out,
                      Token&& token = default_token()) {
    return contains(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::timeline_names.
  template <detail::not_error_out Token = default_token>
  auto async_timeline_names(Token&& token = default_token()) {
    return names(nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_timeline_names(storage_error& error_out, Token&& token = default_token()) {
    return names(&error_out, std::forward<Token>(token));
  }

  /// status_storage::get_revision.
  template <detail::not_error_out Token = default_token>
  auto async_get_revision(std::string timeline, Token&& token = default_token()) {
    return revision(std::move(timeline), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_get_revision(std::string timeline, storage_error& error_out,
                          Token&& token = default_token()) {
    return revision(std::move(timeline), &error_out, std::forward<Token>(token));
  }

  /// status_storage::get_changes; completes with the changes after request.since,
  /// oldest first, and the latest revision. A cursor whose successors were pruned (or
  /// that is ahead of the timeline) completes with roost::errc::stale_cursor.
  template <detail::not_error_out Token = default_token>
  auto async_get_changes(changes_request request, Token&& token = default_token()) {
    return changes(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_get_changes(changes_request request, storage_error& error_out,
                         Token&& token = default_token()) {
    return changes(std::move(request), &error_out, std::forward<Token>(token));
  }

  /// status_storage::get_setting; completes with the setting (no value and version 0
  /// when absent). A backend that keeps no settings completes with
  /// roost::errc::unsupported.
  template <detail::not_error_out Token = default_token>
  auto async_get_setting(std::string key, Token&& token = default_token()) {
    return read_setting(std::move(key), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_get_setting(std::string key, storage_error& error_out,
                         Token&& token = default_token()) {
    return read_setting(std::move(key), &error_out, std::forward<Token>(token));
  }

  /// status_storage::put_setting; completes with the setting's new version, or with
  /// roost::errc::conflict (nothing changed) when its version is not
  /// request.expected_version.
  template <detail::not_error_out Token = default_token>
  auto async_put_setting(put_setting_request request, Token&& token = default_token()) {
    return write_setting(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_put_setting(put_setting_request request, storage_error& error_out,
                         Token&& token = default_token()) {
    return write_setting(std::move(request), &error_out, std::forward<Token>(token));
  }

private:
  template <typename Token>
  auto put(put_request request, storage_error* out, Token&& token) {
    return detail::run<std::size_t>(
        executor_, out,
        detail::stage<std::size_t>(
            *storage_,
            [&](status_storage& s, auto cb) { s.put_statuses(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto put_texts(put_texts_request request, storage_error* out, Token&& token) {
    return detail::run<std::size_t>(
        executor_, out,
        detail::stage<std::size_t>(*storage_,
                                   [&](status_storage& s, auto cb) {
                                     s.put_status_texts(std::move(request), std::move(cb));
                                   }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto get(get_request request, storage_error* out, Token&& token) {
    return detail::run<std::vector<status>>(
        executor_, out,
        detail::stage<std::vector<status>>(
            *storage_,
            [&](status_storage& s, auto cb) { s.get_statuses(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto get_texts(get_request request, storage_error* out, Token&& token) {
    return detail::run<std::vector<std::string>>(
        executor_, out,
        detail::stage<std::vector<std::string>>(
            *storage_, [&](status_storage& s,
                           auto cb) { s.get_status_texts(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto ack(ack_request request, storage_error* out, Token&& token) {
    return detail::run<std::size_t>(
        executor_, out,
        detail::stage<std::size_t>(
            *storage_,
            [&](status_storage& s, auto cb) { s.ack_statuses(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto erase(delete_request request, storage_error* out, Token&& token) {
    return detail::run<std::size_t>(
        executor_, out,
        detail::stage<std::size_t>(*storage_,
                                   [&](status_storage& s, auto cb) {
                                     s.delete_statuses(std::move(request), std::move(cb));
                                   }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto counts(std::string timeline, storage_error* out, Token&& token) {
    return detail::run<unacked_counts>(
        executor_, out,
        detail::stage<unacked_counts>(*storage_,
                                      [&](status_storage& s, auto cb) {
                                        s.get_unacked_counts(std::move(timeline), std::move(cb));
                                      }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto contains(contains_request request, storage_error* out, Token&& token) {
    return detail::run<contains_result>(
        executor_, out,
        detail::stage<contains_result>(
            *storage_,
            [&](status_storage& s, auto cb) { s.contains(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto names(storage_error* out, Token&& token) {
    return detail::run<std::vector<std::string>>(
        executor_, out,
        detail::stage<std::vector<std::string>>(
            *storage_, [&](status_storage& s, auto cb) { s.timeline_names(std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto revision(std::string timeline, storage_error* out, Token&& token) {
    return detail::run<std::uint64_t>(
        executor_, out,
        detail::stage<std::uint64_t>(*storage_,
                                     [&](status_storage& s, auto cb) {
                                       s.get_revision(std::move(timeline), std::move(cb));
                                     }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto changes(changes_request request, storage_error* out, Token&& token) {
    return detail::run<change_page>(
        executor_, out,
        detail::stage<change_page>(
            *storage_,
            [&](status_storage& s, auto cb) { s.get_changes(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }

  template <typename Token>
  auto read_setting(std::string key, storage_error* out, Token&& token) {
    return detail::run<setting>(
        executor_, out,
        detail::stage<setting>(
            *storage_,
            [&](status_storage& s, auto cb) { s.get_setting(std::move(key), std::move(cb)); }),
        std::forward<Token>(token));
  }
  template <typename Token>
  auto write_setting(put_setting_request request, storage_error* out, Token&& token) {
    return detail::run<std::uint64_t>(
        executor_, out,
        detail::stage<std::uint64_t>(
            *storage_,
            [&](status_storage& s, auto cb) { s.put_setting(std::move(request), std::move(cb)); }),
        std::forward<Token>(token));
  }

  executor_type executor_;
  status_storage* storage_;
};

/// A timeline's operations (add, watch) as Asio operations.
template <typename Executor = boost::asio::any_io_executor>
class basic_async_timeline {
public:
  using executor_type = Executor;
  template <typename Other>
  struct rebind_executor {
    using other = basic_async_timeline<Other>;
  };
  using default_token = boost::asio::default_completion_token_t<executor_type>;

  /// Operations on `tl` (kept by reference: it must outlive every operation started
  /// through this handle) whose handlers run on `executor` unless they name their own.
  basic_async_timeline(const executor_type& executor, const timeline& tl)
      : executor_(executor), timeline_(&tl) {}

  template <typename Context>
  requires std::is_convertible_v<Context&, boost::asio::execution_context&> basic_async_timeline(
      Context& context, const timeline& tl)
      : executor_(context.get_executor()), timeline_(&tl) {}

  executor_type get_executor() const noexcept { return executor_; }
  const timeline& get_timeline() const noexcept { return *timeline_; }

  /// timeline::add_statuses: filters, completes and inserts; completes with the number
  /// inserted. Synchronous filters run inside the initiation.
  template <detail::not_error_out Token = default_token>
  auto async_add_statuses(std::vector<status> statuses, Token&& token = default_token()) {
    return add(std::move(statuses), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_add_statuses(std::vector<status> statuses, storage_error& error_out,
                          Token&& token = default_token()) {
    return add(std::move(statuses), &error_out, std::forward<Token>(token));
  }

  /// timeline::watch_unacked_counts: completes with the counts as soon as they differ
  /// from `assumed`; cancellable through the handler's cancellation slot.
  template <detail::not_error_out Token = default_token>
  auto async_watch_unacked_counts(assumed_counts assumed, Token&& token = default_token()) {
    return watch(std::move(assumed), nullptr, std::forward<Token>(token));
  }
  template <typename Token = default_token>
  auto async_watch_unacked_counts(assumed_counts assumed, storage_error& error_out,
                                  Token&& token = default_token()) {
    return watch(std::move(assumed), &error_out, std::forward<Token>(token));
  }

private:
  template <typename Token>
  auto add(std::vector<status> statuses, storage_error* out, Token&& token) {
    timeline::validate_new_statuses(statuses);  // caller mistakes throw here, not later
    return detail::run<std::size_t>(
        executor_, out,
        [tl = timeline_, statuses = std::move(statuses)](count_callback done) mutable {
          tl->add_statuses(std::move(statuses), std::move(done));
        },
        std::forward<Token>(token));
  }
  template <typename Token>
  auto watch(assumed_counts assumed, storage_error* out, Token&& token) {
    return detail::run<unacked_counts, true>(
        executor_, out,
        [tl = timeline_, assumed = std::move(assumed)](counts_callback done) mutable {
          return tl->watch_unacked_counts(std::move(assumed), std::move(done));
        },
        std::forward<Token>(token));
  }

  executor_type executor_;
  const timeline* timeline_;
};

using async_storage = basic_async_storage<>;
using async_timeline = basic_async_timeline<>;

namespace detail {
inline void check_level_watch(const level_watch& watch) {
  for (const auto& [tl, assumed] : watch.assumed)
    if (tl == nullptr) throw invalid_request("watch_level_counts: no timeline");
}
}  // namespace detail

/// watch_level_counts as an Asio operation: completes, with the full counts of the
/// timelines whose count at `watch.level` differs, on the handler's associated executor
/// (default: `executor`). Cancellable through the handler's cancellation slot.
template <typename Executor, typename Token>
auto async_watch_level_counts(const Executor& executor, level_watch watch, Token&& token) {
  detail::check_level_watch(watch);
  return detail::run<level_counts, true>(
      executor, nullptr,
      [watch = std::move(watch)](level_counts_callback done) {
        return watch_level_counts(watch, std::move(done));
      },
      std::forward<Token>(token));
}

/// As above, with the error's message in `error_out`.
template <typename Executor, typename Token>
auto async_watch_level_counts(const Executor& executor, level_watch watch, storage_error& error_out,
                              Token&& token) {
  detail::check_level_watch(watch);
  return detail::run<level_counts, true>(
      executor, &error_out,
      [watch = std::move(watch)](level_counts_callback done) {
        return watch_level_counts(watch, std::move(done));
      },
      std::forward<Token>(token));
}

}  // namespace roost::asio
