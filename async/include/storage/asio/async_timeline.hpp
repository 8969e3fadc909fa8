// roost::asio::basic_async_timeline and async_watch_level_counts: a timeline's add and
// watchers as Asio asynchronous operations (the rules they follow are in
// storage/asio.hpp). Watches are cancellable through the handler's cancellation slot.
#pragma once

#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>

#include "storage/asio/detail.hpp"
#include "storage/timeline.hpp"

namespace roost::asio {

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
