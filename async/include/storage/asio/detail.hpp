// The machinery behind roost::asio (storage/asio.hpp): one pending operation (handler,
// work guard, error out-parameter), the initiation every async_* function shares, the
// staging that validates a request at the call and starts it when the token launches it,
// and the single starter every public operation goes through. Not part of the public API.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
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

/// True for a completion token, false for the storage_error& out-parameter that may
/// precede it.
template <typename Token>
concept not_error_out = !std::is_same_v<std::decay_t<Token>, storage_error>;

/// The result type a status_storage operation's callback receives.
template <typename Callback>
struct callback_result;
template <typename Result>
struct callback_result<std::function<void(const storage_error&, Result)>> {
  using type = Result;
};

/// The result type of the public status_storage operation `Operation` (a pointer to
/// member taking a request and a callback, or only a callback).
template <typename Operation>
struct operation_result;
template <typename Request, typename Callback>
struct operation_result<void (status_storage::*)(Request, Callback)> : callback_result<Callback> {};
template <typename Callback>
struct operation_result<void (status_storage::*)(Callback)> : callback_result<Callback> {};

/// Stands for the request of an operation that takes none (timeline_names).
struct no_request {};

/// Starts `Operation` with `request` on `storage` as an Asio operation completing on
/// `executor`: staged now (caller mistakes throw here), launched by the token. Every
/// async_* function of basic_async_storage is this.
template <auto Operation, typename Executor, typename Request, typename Token>
auto start_operation(const Executor& executor, status_storage& storage, Request request,
                     storage_error* out, Token&& token) {
  using result = typename operation_result<decltype(Operation)>::type;
  return run<result>(executor, out,
                     stage<result>(storage,
                                   [&](status_storage& s, auto callback) {
                                     if constexpr (std::is_same_v<Request, no_request>)
                                       (s.*Operation)(std::move(callback));
                                     else
                                       (s.*Operation)(std::move(request), std::move(callback));
                                   }),
                     std::forward<Token>(token));
}

}  // namespace detail

}  // namespace roost::asio
