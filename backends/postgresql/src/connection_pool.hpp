// connection_pool: the bounded set of connections a store's operations take turns on,
// and the retry rules around one operation. Lives on one strand: every member runs there.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "pg_connection.hpp"
#include "storage/errors.hpp"

namespace roost::pg {

class connection_pool {
public:
  using strand = boost::asio::strand<boost::asio::any_io_executor>;

  /// At most `size` connections, each opened with `settings` when first needed; `store`
  /// names the store in messages.
  connection_pool(strand executor, session_settings settings, std::size_t size, std::string store);

  /// Runs `body(connection&)` (an awaitable) on a connection, once more on another when
  /// that is safe (the connection was lost before the operation sent anything, or, for
  /// reads, at any point; PostgreSQL rolled it back for a serialization failure or a
  /// deadlock). Returns the error of the last attempt; never throws.
  template <typename Body>
  boost::asio::awaitable<storage_error> run(std::string_view operation, bool write, Body& body);

  /// Fails every waiting operation with errc::cancelled, closes the idle connections and
  /// refuses new operations. Call on the strand.
  void close();

  const strand& executor() const noexcept { return strand_; }

private:
  boost::asio::awaitable<std::unique_ptr<connection>> acquire();
  void release(std::unique_ptr<connection> c);
  void wake_one();
  // What one failed attempt leaves: the error, and whether another attempt may follow.
  struct verdict {
    storage_error error;
    bool retry = false;
  };
  verdict judge(std::string_view operation, bool write, std::exception_ptr failure,
                bool sent_nothing) const;

  strand strand_;
  session_settings settings_;
  std::size_t size_;
  std::string store_;
  std::size_t open_ = 0;  // connections that exist: idle ones and those in use
  std::vector<std::unique_ptr<connection>> idle_;
  std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters_;
  bool closed_ = false;
};

template <typename Body>
boost::asio::awaitable<storage_error> connection_pool::run(std::string_view operation, bool write,
                                                           Body& body) {
  for (int attempt = 0;; ++attempt) {
    std::exception_ptr failure;
    bool sent_nothing = true;
    std::unique_ptr<connection> c;
    try {
      c = co_await acquire();
      const auto before = c->completed();
      try {
        co_await body(*c);
      } catch (...) {
        sent_nothing = c->completed() == before;
        throw;
      }
    } catch (...) {
      failure = std::current_exception();
    }
    if (c) release(std::move(c));
    if (!failure) co_return storage_error{};
    auto v = judge(operation, write, failure, sent_nothing);
    if (!v.retry || attempt >= 1) co_return v.error;
  }
}

}  // namespace roost::pg
