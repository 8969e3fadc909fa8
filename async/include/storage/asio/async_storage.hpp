// roost::asio::basic_async_storage: a status_storage's operations as Asio asynchronous
// operations (the rules every one of them follows are in storage/asio.hpp).
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>

#include "storage/asio/detail.hpp"
#include "storage/status_storage.hpp"

namespace roost::asio {

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

  // Every operation takes, after its request, `args`: an optional `storage_error&
  // error_out` (filled in with the failure's message before the handler runs, and kept
  // alive until then), then the completion token (default: default_token).

  /// status_storage::put_statuses; completes with the number inserted or replaced.
  template <typename... Args>
  auto async_put_statuses(put_request request, Args&&... args) {
    return start<&status_storage::put_statuses>(std::move(request), std::forward<Args>(args)...);
  }

  /// status_storage::put_status_texts; completes with the number inserted or replaced.
  template <typename... Args>
  auto async_put_status_texts(put_texts_request request, Args&&... args) {
    return start<&status_storage::put_status_texts>(std::move(request),
                                                    std::forward<Args>(args)...);
  }

  /// status_storage::get_statuses; completes with the page, newest first.
  template <typename... Args>
  auto async_get_statuses(get_request request, Args&&... args) {
    return start<&status_storage::get_statuses>(std::move(request), std::forward<Args>(args)...);
  }

  /// status_storage::get_status_texts; completes with each status's JSON text.
  template <typename... Args>
  auto async_get_status_texts(get_request request, Args&&... args) {
    return start<&status_storage::get_status_texts>(std::move(request),
                                                    std::forward<Args>(args)...);
  }

  /// status_storage::ack_statuses; completes with the number acked.
  template <typename... Args>
  auto async_ack_statuses(ack_request request, Args&&... args) {
    return start<&status_storage::ack_statuses>(std::move(request), std::forward<Args>(args)...);
  }

  /// status_storage::delete_statuses; completes with the number deleted.
  template <typename... Args>
  auto async_delete_statuses(delete_request request, Args&&... args) {
    return start<&status_storage::delete_statuses>(std::move(request), std::forward<Args>(args)...);
  }

  /// status_storage::get_unacked_counts.
  template <typename... Args>
  auto async_get_unacked_counts(std::string timeline, Args&&... args) {
    return start<&status_storage::get_unacked_counts>(std::move(timeline),
                                                      std::forward<Args>(args)...);
  }

  /// status_storage::contains.
  template <typename... Args>
  auto async_contains(contains_request request, Args&&... args) {
    return start<&status_storage::contains>(std::move(request), std::forward<Args>(args)...);
  }

  /// status_storage::timeline_names.
  template <typename... Args>
  auto async_timeline_names(Args&&... args) {
    return start<&status_storage::timeline_names>(detail::no_request{},
                                                  std::forward<Args>(args)...);
  }

  /// status_storage::get_revision.
  template <typename... Args>
  auto async_get_revision(std::string timeline, Args&&... args) {
    return start<&status_storage::get_revision>(std::move(timeline), std::forward<Args>(args)...);
  }

  /// status_storage::get_changes; completes with the changes after request.since, oldest
  /// first, and the latest revision. A cursor whose successors were pruned (or that is
  /// ahead of the timeline) completes with roost::errc::stale_cursor.
  template <typename... Args>
  auto async_get_changes(changes_request request, Args&&... args) {
    return start<&status_storage::get_changes>(std::move(request), std::forward<Args>(args)...);
  }

  /// status_storage::get_setting; completes with the setting (no value and version 0 when
  /// absent). A backend that keeps no settings completes with roost::errc::unsupported.
  template <typename... Args>
  auto async_get_setting(std::string key, Args&&... args) {
    return start<&status_storage::get_setting>(std::move(key), std::forward<Args>(args)...);
  }

  /// status_storage::put_setting; completes with the setting's new version, or with
  /// roost::errc::conflict (nothing changed) when its version is not
  /// request.expected_version.
  template <typename... Args>
  auto async_put_setting(put_setting_request request, Args&&... args) {
    return start<&status_storage::put_setting>(std::move(request), std::forward<Args>(args)...);
  }

private:
  // The four forms of the arguments after the request.
  template <auto Operation, typename Request>
  auto start(Request request) {
    return start<Operation>(std::move(request), nullptr, default_token());
  }
  template <auto Operation, typename Request, detail::not_error_out Token>
  auto start(Request request, Token&& token) {
    return start<Operation>(std::move(request), nullptr, std::forward<Token>(token));
  }
  template <auto Operation, typename Request>
  auto start(Request request, storage_error& error_out) {
    return start<Operation>(std::move(request), &error_out, default_token());
  }
  template <auto Operation, typename Request, typename Token>
  auto start(Request request, storage_error& error_out, Token&& token) {
    return start<Operation>(std::move(request), &error_out, std::forward<Token>(token));
  }
  template <auto Operation, typename Request, typename Token>
  auto start(Request request, storage_error* out, Token&& token) {
    return detail::start_operation<Operation>(executor_, *storage_, std::move(request), out,
                                              std::forward<Token>(token));
  }

  executor_type executor_;
  status_storage* storage_;
};

using async_storage = basic_async_storage<>;

}  // namespace roost::asio
