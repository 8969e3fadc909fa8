#include "raw/pg_client.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <libpq-fe.h>

namespace roost::bench::pg {
namespace {

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_i32(std::string& out, std::size_t v) {
  if (v > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("raw postgresql: a parameter is too large");
  put_be(out, v, 4);
}

std::string message_of(const pg_conn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && m.back() == '\n') m.pop_back();
  return m;
}

// Takes `r`, throwing (and freeing it) unless the statement succeeded.
pg_result* checked(pg_conn* conn, pg_result* r, std::string_view what) {
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  std::string message = r ? PQresultErrorMessage(r) : message_of(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  PQclear(r);
  throw std::runtime_error("raw postgresql: " + std::string(what) + ": " + message);
}

}  // namespace

params& params::add(std::string value) {
  values_.push_back(std::move(value));
  return *this;
}

params& params::int8(std::int64_t value) {
  std::string out;
  put_be(out, static_cast<std::uint64_t>(value), 8);
  return add(std::move(out));
}

// array_send: dimensions, has-nulls, element type, then size and lower bound of the one
// dimension, then each element as its length and bytes.
params& params::array(type element, const std::vector<std::string_view>& items) {
  std::string out;
  std::size_t bytes = 20;
  for (const auto item : items) bytes += 4 + item.size();
  out.reserve(bytes);
  put_i32(out, items.empty() ? 0 : 1);
  put_i32(out, 0);
  put_be(out, static_cast<unsigned>(element), 4);
  if (!items.empty()) {
    put_i32(out, items.size());
    put_i32(out, 1);
  }
  for (const auto item : items) {
    put_i32(out, item.size());
    out.append(item);
  }
  return add(std::move(out));
}

params& params::bytea_array(const std::vector<std::string_view>& items) {
  return array(type::bytea, items);
}

params& params::text_array(const std::vector<std::string_view>& items) {
  return array(type::text, items);
}

params& params::int8_array(const std::vector<std::int64_t>& items) {
  std::vector<std::string> encoded(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    put_be(encoded[i], static_cast<std::uint64_t>(items[i]), 8);
  return array(type::int8, std::vector<std::string_view>(encoded.begin(), encoded.end()));
}

result::~result() { PQclear(r_); }

int result::rows() const noexcept { return PQntuples(r_); }

std::string_view result::value(int row, int column) const noexcept {
  return {PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column))};
}

std::size_t result::affected() const { return std::stoul(PQcmdTuples(r_)); }

client::client(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = message_of(conn_);
    PQfinish(conn_);
    throw std::runtime_error("raw postgresql: connecting: " + message);
  }
  // Notices ("schema ... does not exist, skipping") would only clutter the benchmark's
  // console table.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

client::~client() { PQfinish(conn_); }

void client::run(const std::string& sql) {
  PQclear(checked(conn_, PQexec(conn_, sql.c_str()), sql));
}

result client::exec(const statement& s, const params& p) {
  if (std::find(prepared_.begin(), prepared_.end(), s.name) == prepared_.end()) {
    std::vector<unsigned> types;
    for (const auto t : s.types) types.push_back(static_cast<unsigned>(t));
    PQclear(checked(conn_,
                    PQprepare(conn_, s.name.c_str(), s.sql.c_str(), static_cast<int>(types.size()),
                              types.data()),
                    "preparing " + s.sql));
    prepared_.push_back(s.name);
  }
  std::vector<const char*> values;
  std::vector<int> lengths, formats(p.size(), 1);
  for (std::size_t i = 0; i < p.size(); ++i) {
    values.push_back(p.value(i).data());
    lengths.push_back(static_cast<int>(p.value(i).size()));
  }
  return result(checked(conn_,
                        PQexecPrepared(conn_, s.name.c_str(), static_cast<int>(p.size()),
                                       values.data(), lengths.data(), formats.data(), 1),
                        s.sql));
}

std::string client::server_version() const {
  const int v = PQserverVersion(conn_);
  return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
}

}  // namespace roost::bench::pg
