#include "connection.hpp"

#include <sqlite3.h>

#include "sqlite_error.hpp"
#include "statement.hpp"

namespace roost::sqlite {

namespace {

// A file: URI for `path` (https://sqlite.org/uri.html): only '%', '?' and '#' must be
// escaped; control and non-ASCII bytes are too, so that nothing is read as a delimiter.
std::string file_uri(const std::string& path, std::string_view query) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out = "file:";
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '%' || c == '?' || c == '#' || u < 0x21 || u >= 0x7F) {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 15];
    } else {
      out += c;
    }
  }
  out += query;
  return out;
}

}  // namespace

connection::connection(const std::string& path, open_mode mode, const std::string& vfs) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  std::string name = path;
  switch (mode) {
    case open_mode::create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case open_mode::existing: flags |= SQLITE_OPEN_READWRITE; break;
    case open_mode::read_only:
      flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      name = file_uri(path, "?mode=ro");
      break;
    case open_mode::immutable:
      flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      name = file_uri(path, "?mode=ro&immutable=1");
      break;
  }
  const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    // The handle is allocated even on failure (unless out of memory) and carries the
    // message; take it, then release the handle before throwing.
    try {
      throw_error(db_, rc, "sqlite3_open_v2");
    } catch (...) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
  // sqlite3_close_v2 never fails for pending statements (it defers the close instead),
  // and a destructor has nobody to report to anyway.
  sqlite3_close_v2(db_);
}

void connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is still available from sqlite3_errmsg
  if (rc != SQLITE_OK) throw_error(db_, rc, "sqlite3_exec(" + text + ")");
}

std::int64_t connection::query_int(std::string_view sql, std::int64_t fallback) {
  statement stmt(*this, sql, statement::lifetime::once);
  auto q = stmt.start();
  return q.step() ? q.column_int64(0) : fallback;
}

std::string connection::query_text(std::string_view sql) {
  statement stmt(*this, sql, statement::lifetime::once);
  auto q = stmt.start();
  return q.step() ? std::string(q.column_text(0)) : std::string();
}

void connection::set_busy_timeout(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count() > INT32_MAX ? INT32_MAX : static_cast<int>(timeout.count());
  const int rc = sqlite3_busy_timeout(db_, ms < 0 ? 0 : ms);
  if (rc != SQLITE_OK) throw_error(db_, rc, "sqlite3_busy_timeout");
}

bool connection::is_read_only() const noexcept { return sqlite3_db_readonly(db_, "main") == 1; }

bool connection::in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

std::int64_t connection::changes() const noexcept { return sqlite3_changes64(db_); }

std::int64_t connection::last_insert_rowid() const noexcept {
  return sqlite3_last_insert_rowid(db_);
}

}  // namespace roost::sqlite
