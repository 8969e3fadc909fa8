// A blocking libpq connection for the benchmark's own statements: the raw PostgreSQL
// baselines and the clean-up of benchmark schemas. Parameters and results travel in
// binary format, as the backend sends them, so both put the same bytes on the wire.
// Written apart from the backend's code on purpose: a baseline must not share it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace roost::bench::pg {

/// PostgreSQL type OIDs (pg_type.dat) of the parameters the baselines send.
enum class type : unsigned {
  bytea = 17,
  int8 = 20,
  text = 25,
  bytea_array = 1001,
  text_array = 1009,
  int8_array = 1016,
};

/// The parameters $1, $2, ... of one statement, binary-encoded (their types are the
/// statement's).
class params {
public:
  params& bytea(std::string_view bytes) { return add(std::string(bytes)); }
  params& text(std::string_view text) { return add(std::string(text)); }
  params& int8(std::int64_t value);
  /// One-dimensional arrays (PostgreSQL's array_send format).
  params& bytea_array(const std::vector<std::string_view>& items);
  params& text_array(const std::vector<std::string_view>& items);
  params& int8_array(const std::vector<std::int64_t>& items);

  std::size_t size() const noexcept { return values_.size(); }
  const std::string& value(std::size_t i) const { return values_[i]; }

private:
  params& add(std::string value);
  params& array(type element, const std::vector<std::string_view>& items);

  std::vector<std::string> values_;
};

/// The rows of one statement; owns its PGresult.
class result {
public:
  explicit result(pg_result* r) noexcept : r_(r) {}
  ~result();
  result(result&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
  result(const result&) = delete;
  result& operator=(const result&) = delete;
  result& operator=(result&&) = delete;

  int rows() const noexcept;
  /// The value's bytes (binary format: a text or bytea column as stored).
  std::string_view value(int row, int column) const noexcept;
  /// Rows an INSERT, UPDATE or DELETE changed.
  std::size_t affected() const;

private:
  pg_result* r_;
};

/// A statement prepared on a connection's first use of it, then executed by name.
struct statement {
  std::string name;
  std::string sql;
  std::vector<type> types;  ///< of $1, $2, ...
};

/// One blocking connection. Every failure throws std::runtime_error with libpq's message.
class client {
public:
  explicit client(const std::string& conninfo);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Runs SQL without parameters (one or several statements: BEGIN, a schema script).
  void run(const std::string& sql);
  /// Runs `s` (preparing it first if this connection has not yet) with `p`.
  result exec(const statement& s, const params& p = {});
  /// The server's version, as "15.4".
  std::string server_version() const;

private:
  pg_conn* conn_;
  std::vector<std::string> prepared_;
};

}  // namespace roost::bench::pg
