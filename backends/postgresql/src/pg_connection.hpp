// pg_connection: one libpq connection driven without blocking. libpq runs in
// non-blocking mode; Asio watches its socket and the coroutines below resume when it is
// readable or writable, so a statement in flight costs no thread.
//
// One statement at a time per connection (the caller's coroutine awaits each). Each SQL
// text is prepared once per connection, named after its address, and then executed by
// name: the statements are static strings of sql.hpp.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "pg_params.hpp"
#include "pg_result.hpp"

struct pg_conn;

namespace roost::pg {

/// What every connection of a store is set up with.
struct session_settings {
  std::string conninfo;  ///< libpq connection string or URI
  std::string schema;    ///< the search_path
  std::chrono::milliseconds statement_timeout{0};
};

/// `name` as a quoted SQL identifier (the schema's name may hold any character).
std::string quote_identifier(std::string_view name);

/// Opens a blocking connection with `settings` applied, for set-up work done before any
/// executor runs (the schema). Throws pg_error.
class blocking_connection {
public:
  explicit blocking_connection(const session_settings& settings);
  ~blocking_connection();
  blocking_connection(const blocking_connection&) = delete;
  blocking_connection& operator=(const blocking_connection&) = delete;

  /// Runs one statement and waits for it. Throws pg_error when it fails.
  result exec(std::string_view sql, const params& p = {});

  /// Runs several statements without parameters (a schema script). Throws pg_error.
  void run_script(std::string_view sql);

private:
  pg_conn* conn_;
};

/// One statement of a pipeline: a static SQL text of sql.hpp and its parameters.
struct statement {
  std::string_view sql;
  params p;
};

/// A notification that LISTEN asked for: its channel and payload.
struct notification {
  std::string channel, payload;
};

/// A non-blocking connection. Not thread-safe: use it from one strand.
class connection {
public:
  explicit connection(boost::asio::any_io_executor executor);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects and applies `settings`. Throws pg_error (connection_failure) when it cannot.
  boost::asio::awaitable<void> open(const session_settings& settings);

  /// Runs one statement (prepared on first use) and returns its rows. Throws pg_error
  /// when the statement fails; after a failure of the connection itself, broken() is true.
  boost::asio::awaitable<result> exec(std::string_view sql, const params& p);

  /// Runs every statement of `batch` in one round trip (libpq's pipeline mode) and returns
  /// their rows in order. A failed statement throws pg_error; PostgreSQL skipped the ones
  /// after it (and an open transaction is then aborted).
  /// (By reference: GCC 12 destroys by-value temporaries of a co_await expression twice.)
  boost::asio::awaitable<std::vector<result>> exec_all(const std::vector<statement>& batch);

  /// Runs `sql` (no parameters, not prepared): BEGIN, COMMIT, ROLLBACK.
  boost::asio::awaitable<void> command(std::string_view sql);

  /// Waits until notifications have arrived (after LISTEN) and returns them. Throws
  /// pg_error when the connection is lost or the wait is cancelled.
  boost::asio::awaitable<std::vector<notification>> notifications();

  /// Ends a wait on the socket at once: the waiting operation throws. Never throws.
  void cancel() noexcept;

  /// True once the connection failed or was lost; it must then be closed.
  bool broken() const noexcept;
  /// True when no transaction is open, so that the connection can serve the next caller.
  bool idle() const noexcept;

  /// How many statements have completed on this connection: tells whether a failed
  /// operation got anything to the server.
  std::size_t completed() const noexcept { return completed_; }

private:
  boost::asio::awaitable<result> finish(std::string_view what);
  boost::asio::awaitable<void> wait_readable(std::string_view what);
  /// Sends PQsendPrepare for `sql` unless this connection has it; true when it did.
  bool send_prepare(std::string_view sql, const params& p);
  void send_prepared(std::string_view sql, const params& p);
  boost::asio::awaitable<void> flush();
  [[noreturn]] void fail(std::string_view what);
  void watch_socket();

  pg_conn* conn_ = nullptr;
  boost::asio::posix::stream_descriptor socket_;
  bool broken_ = false;
  std::size_t completed_ = 0;
  std::unordered_set<const char*> prepared_;
};

}  // namespace roost::pg
