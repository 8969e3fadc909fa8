#include "connection_pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "pg_error.hpp"

namespace roost::pg {

namespace asio = boost::asio;

connection_pool::connection_pool(strand executor, session_settings settings, std::size_t size,
                                 std::string store)
    : strand_(std::move(executor)),
      settings_(std::move(settings)),
      size_(size),
      store_(std::move(store)) {}

asio::awaitable<std::unique_ptr<connection>> connection_pool::acquire() {
  for (;;) {
    if (closed_) throw std::system_error(make_error_code(errc::cancelled), "the store is closing");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      co_return c;
    }
    if (open_ < size_) {
      ++open_;
      auto c = std::make_unique<connection>(strand_);
      std::exception_ptr failure;
      try {
        co_await c->open(settings_);
      } catch (...) {
        failure = std::current_exception();
      }
      if (!failure) co_return c;
      --open_;
      wake_one();  // a waiter may try for itself
      std::rethrow_exception(failure);
    }
    // All in use: wait until one is released (the timer is cancelled then).
    auto timer =
        std::make_shared<asio::steady_timer>(strand_, asio::steady_timer::time_point::max());
    waiters_.push_back(timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void connection_pool::release(std::unique_ptr<connection> c) {
  // One that failed, or whose transaction an exception left open, is closed (PostgreSQL
  // rolls the transaction back); the next acquire opens a fresh one in its place.
  if (c->broken() || !c->idle() || closed_)
    --open_;
  else
    idle_.push_back(std::move(c));
  wake_one();
}

void connection_pool::wake_one() {
  if (waiters_.empty()) return;
  waiters_.front()->cancel();
  waiters_.pop_front();
}

void connection_pool::close() {
  closed_ = true;
  open_ -= idle_.size();
  idle_.clear();
  while (!waiters_.empty()) wake_one();
}

connection_pool::verdict connection_pool::judge(std::string_view operation, bool write,
                                                std::exception_ptr failure,
                                                bool sent_nothing) const {
  const auto fail = [&](errc code, const std::string& what) {
    return storage_error(make_error_code(code),
                         std::string(operation) + " on postgresql store " + store_ + ": " + what);
  };
  try {
    std::rethrow_exception(failure);
  } catch (const pg_error& e) {
    const bool retry = e.retryable() || (e.connection_lost() && (!write || sent_nothing));
    return {to_storage_error(e, operation, store_), retry};
  } catch (const std::system_error& e) {
    if (e.code() == make_error_code(errc::cancelled)) return {fail(errc::cancelled, e.what())};
    return {fail(errc::internal, e.what())};
  } catch (const nlohmann::json::exception& e) {
    // Only an ack parses a stored document; one that is not JSON is damaged data.
    return {fail(errc::corrupt, std::string("a stored status is not JSON: ") + e.what())};
  } catch (const std::exception& e) {
    return {fail(errc::internal, e.what())};
  } catch (...) {
    return {fail(errc::internal, "unknown exception")};
  }
}

}  // namespace roost::pg
