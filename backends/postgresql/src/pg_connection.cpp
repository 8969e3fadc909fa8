#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "pg_error.hpp"

namespace roost::pg {
namespace {

namespace asio = boost::asio;
using wait = asio::posix::stream_descriptor::wait_type;

std::string trimmed(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? "no message" : out;
}

std::string connection_message(pg_conn* conn) { return trimmed(PQerrorMessage(conn)); }

// The error of a failed result: PostgreSQL's SQLSTATE and primary message, or for a
// failure libpq found itself (no SQLSTATE), the connection's message.
pg_error result_error(pg_conn* conn, const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  if (!state) return pg_error(std::string(connection_failure), connection_message(conn));
  std::string message = trimmed(primary ? primary : PQresultErrorMessage(r));
  if (const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL))
    message += " (" + trimmed(detail) + ")";
  return pg_error(state, message);
}

// Applied on every new connection: Roost's schema first, its statement timeout, and
// UTF-8 on the wire whatever the database's default, so that texts arrive as stored.
// enable_bitmapscan off: a timeline filled faster than autovacuum analyzes it looks a few
// rows big to the planner, which then chose a bitmap scan of the whole timeline and a
// sort for a page of 20 (O(N), 5 ms at 10,000 statuses) over the index range scan that
// reads 20 entries in order. Every statement of sql.hpp is served by a btree index scan.
// plan_cache_mode force_generic_plan: each statement is prepared once per connection and
// is to be planned once too. Left to choose, PostgreSQL kept planning the page statement
// afresh for its parameters at every call (its CASE makes the generic plan look dearer),
// which cost as much as running it; the generic plan is the same index range scan.
constexpr std::string_view apply_settings =
    "SELECT set_config('search_path', $1, false), set_config('statement_timeout', $2, false), "
    "set_config('client_encoding', 'UTF8', false), "
    "set_config('client_min_messages', 'warning', false), "
    "set_config('enable_bitmapscan', 'off', false), "
    "set_config('plan_cache_mode', 'force_generic_plan', false)";

params settings_params(const session_settings& s) {
  params p;
  p.text(quote_identifier(s.schema)).text(std::to_string(s.statement_timeout.count()));
  return p;
}

void ignore_notice(void*, const char*) {}

}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

blocking_connection::blocking_connection(const session_settings& settings)
    : conn_(PQconnectdb(settings.conninfo.c_str())) {
  if (!conn_) throw pg_error(std::string(connection_failure), "libpq is out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const auto message = connection_message(conn_);
    PQfinish(conn_);
    throw pg_error(std::string(connection_failure), message);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  try {
    exec(apply_settings, settings_params(settings));
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

blocking_connection::~blocking_connection() { PQfinish(conn_); }

result blocking_connection::exec(std::string_view sql, const params& p) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  p.views(values, lengths);
  const std::vector<int> formats(p.size(), 1);
  PGresult* raw = PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(p.size()),
                               reinterpret_cast<const Oid*>(p.types().data()), values.data(),
                               lengths.data(), formats.data(), 1);
  if (!raw) throw pg_error(std::string(connection_failure), connection_message(conn_));
  result r(raw);
  const auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw result_error(conn_, raw);
  return r;
}

void blocking_connection::run_script(std::string_view sql) {
  PGresult* raw = PQexec(conn_, std::string(sql).c_str());
  if (!raw) throw pg_error(std::string(connection_failure), connection_message(conn_));
  const result r(raw);
  const auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw result_error(conn_, raw);
}

connection::connection(asio::any_io_executor executor) : socket_(std::move(executor)) {}

connection::~connection() {
  // libpq owns the socket: Asio must forget it before PQfinish closes it.
  if (socket_.is_open()) socket_.release();
  if (conn_) PQfinish(conn_);
}

bool connection::broken() const noexcept {
  return broken_ || !conn_ || PQstatus(conn_) != CONNECTION_OK;
}

bool connection::idle() const noexcept {
  return conn_ && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void connection::fail(std::string_view what) {
  broken_ = true;
  throw pg_error(std::string(connection_failure),
                 std::string(what) + ": " + (conn_ ? connection_message(conn_) : "no connection"));
}

void connection::watch_socket() {
  const int fd = PQsocket(conn_);
  if (socket_.is_open() && socket_.native_handle() == fd) return;
  if (socket_.is_open()) socket_.release();
  if (fd < 0) fail("connecting");
  boost::system::error_code ec;
  socket_.assign(fd, ec);
  if (ec) fail("watching the connection's socket");
}

asio::awaitable<void> connection::open(const session_settings& settings) {
  conn_ = PQconnectStart(settings.conninfo.c_str());
  if (!conn_) throw pg_error(std::string(connection_failure), "libpq is out of memory");
  if (PQstatus(conn_) == CONNECTION_BAD) fail("connecting");
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  // libpq's connection state machine: wait for what PQconnectPoll asks, then poll again
  // (the socket may change between attempts at several hosts).
  auto status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) fail("connecting");
    watch_socket();
    boost::system::error_code ec;
    co_await socket_.async_wait(
        status == PGRES_POLLING_READING ? wait::wait_read : wait::wait_write,
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) fail("connecting");
    status = PQconnectPoll(conn_);
  }
  watch_socket();
  if (PQsetnonblocking(conn_, 1) != 0) fail("connecting");
  // Named, not a temporary of the co_await expression (see exec_all in the header).
  const auto applied = settings_params(settings);
  co_await exec(apply_settings, applied);
}

asio::awaitable<void> connection::flush() {
  for (;;) {
    const int r = PQflush(conn_);
    if (r == 0) co_return;
    if (r < 0) fail("sending a statement");
    boost::system::error_code ec;
    co_await socket_.async_wait(wait::wait_write, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) fail("sending a statement");
  }
}

asio::awaitable<result> connection::finish(std::string_view what) {
  result last;
  std::optional<pg_error> error;
  for (;;) {
    co_await wait_readable(what);
    PGresult* raw = PQgetResult(conn_);
    if (!raw) break;
    result r(raw);
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      last = std::move(r);
    else if (!error)
      error = result_error(conn_, raw);
  }
  if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  ++completed_;
  if (error) throw *error;
  co_return last;
}

namespace {

std::string statement_name(std::string_view sql) {
  return "roost_" + std::to_string(reinterpret_cast<std::uintptr_t>(sql.data()));
}

}  // namespace

bool connection::send_prepare(std::string_view sql, const params& p) {
  if (prepared_.contains(sql.data())) return false;
  if (!PQsendPrepare(conn_, statement_name(sql).c_str(), std::string(sql).c_str(),
                     static_cast<int>(p.size()), reinterpret_cast<const Oid*>(p.types().data())))
    fail("preparing a statement");
  return true;
}

void connection::send_prepared(std::string_view sql, const params& p) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  p.views(values, lengths);
  const std::vector<int> formats(p.size(), 1);
  if (!PQsendQueryPrepared(conn_, statement_name(sql).c_str(), static_cast<int>(p.size()),
                           values.data(), lengths.data(), formats.data(), 1))
    fail("sending a statement");
}

asio::awaitable<void> connection::wait_readable(std::string_view what) {
  bool woken = false;
  while (PQisBusy(conn_)) {
    if (woken) {
      // libpq reads no more than its buffer's free space at a time (16 KB at first), so
      // a page of statuses often lies half in the socket still: read on before going
      // back to the reactor, which would only report it readable again.
      woken = false;
      if (!PQconsumeInput(conn_)) fail(what);
      continue;
    }
    boost::system::error_code ec;
    co_await socket_.async_wait(wait::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !PQconsumeInput(conn_)) fail(what);
    woken = true;
  }
}

asio::awaitable<result> connection::exec(std::string_view sql, const params& p) {
  if (broken()) fail("running a statement");
  if (send_prepare(sql, p)) {
    co_await flush();
    co_await finish("preparing a statement");
    prepared_.insert(sql.data());
  }
  send_prepared(sql, p);
  co_await flush();
  co_return co_await finish("running a statement");
}

asio::awaitable<std::vector<result>> connection::exec_all(const std::vector<statement>& batch) {
  if (broken()) fail("running statements");
  if (!PQenterPipelineMode(conn_)) fail("entering pipeline mode");
  // What was sent, in order: a preparation (whose result only matters when it fails) or
  // a statement (whose rows the caller gets).
  std::vector<bool> is_statement;
  for (const auto& s : batch) {
    if (send_prepare(s.sql, s.p)) {
      is_statement.push_back(false);
      prepared_.insert(s.sql.data());  // a second use in this batch must not prepare again
    }
    send_prepared(s.sql, s.p);
    is_statement.push_back(true);
  }
  if (!PQpipelineSync(conn_)) fail("sending statements");
  co_await flush();
  std::vector<result> rows;
  std::optional<pg_error> error;
  for (const bool statement : is_statement) {
    result last;
    for (;;) {  // each sent item's results end with NULL
      co_await wait_readable("running statements");
      PGresult* raw = PQgetResult(conn_);
      if (!raw) break;
      result r(raw);
      const auto status = PQresultStatus(raw);
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        last = std::move(r);
      else if (status != PGRES_PIPELINE_ABORTED && !error)
        error = result_error(conn_, raw);
    }
    if (statement) rows.push_back(std::move(last));
  }
  for (;;) {  // then the sync point, after which the connection leaves pipeline mode
    co_await wait_readable("running statements");
    PGresult* raw = PQgetResult(conn_);
    if (!raw) continue;
    const bool sync = PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
    PQclear(raw);
    if (sync) break;
  }
  if (!PQexitPipelineMode(conn_)) fail("leaving pipeline mode");
  completed_ += batch.size();
  // After a failure PostgreSQL skipped the rest, preparations included: which of them
  // exist is unknown, so the connection is not reused.
  if (error) {
    broken_ = true;
    throw *error;
  }
  co_return rows;
}

asio::awaitable<std::vector<notification>> connection::notifications() {
  for (;;) {
    std::vector<notification> arrived;
    while (PGnotify* n = PQnotifies(conn_)) {
      arrived.push_back({n->relname, n->extra});
      PQfreemem(n);
    }
    if (!arrived.empty()) co_return arrived;
    boost::system::error_code ec;
    co_await socket_.async_wait(wait::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !PQconsumeInput(conn_)) fail("listening");
  }
}

void connection::cancel() noexcept {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

asio::awaitable<void> connection::command(std::string_view sql) {
  if (broken()) fail("running a statement");
  if (!PQsendQuery(conn_, std::string(sql).c_str())) fail("sending a statement");
  co_await flush();
  co_await finish("running a statement");
}

}  // namespace roost::pg
