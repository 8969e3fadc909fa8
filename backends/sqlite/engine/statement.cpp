#include "statement.hpp"

#include <sqlite3.h>

#include "connection.hpp"
#include "sqlite_error.hpp"

namespace roost::sqlite {
namespace {

// SQLite takes lengths as int; documents beyond 2 GiB are far past SQLITE_MAX_LENGTH
// anyway, so report them as SQLite would rather than truncating.
int length_of(std::string_view bytes) {
  return bytes.size() > static_cast<std::size_t>(INT32_MAX) ? -1 : static_cast<int>(bytes.size());
}

}  // namespace

statement::statement(connection& db, std::string_view sql, lifetime how) : db_(db), sql_(sql) {
  const unsigned flags = how == lifetime::persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  const int rc = sqlite3_prepare_v3(db.get(), sql_.data(), length_of(sql_), flags, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(rc, "sqlite3_prepare_v3");
}

statement::~statement() { sqlite3_finalize(stmt_); }

void statement::fail(int rc, const char* call) const {
  throw_error(db_.get(), rc, std::string(call) + "(" + sql_ + ")");
}

statement::active::~active() {
  // sqlite3_reset repeats the last step's error code, which was already reported.
  sqlite3_reset(s_->stmt_);
  sqlite3_clear_bindings(s_->stmt_);
}

statement::active& statement::active::bind_int64(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(s_->stmt_, index, value);
  if (rc != SQLITE_OK) s_->fail(rc, "sqlite3_bind_int64");
  return *this;
}

statement::active& statement::active::bind_blob(int index, std::string_view value) {
  const int len = length_of(value);
  if (len < 0) s_->fail(SQLITE_TOOBIG, "sqlite3_bind_blob");
  // A null pointer would bind NULL, not an empty blob.
  const char* data = value.data() != nullptr ? value.data() : "";
  const int rc = sqlite3_bind_blob(s_->stmt_, index, data, len, SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) s_->fail(rc, "sqlite3_bind_blob");
  return *this;
}

statement::active& statement::active::bind_text(int index, std::string_view value) {
  const int len = length_of(value);
  if (len < 0) s_->fail(SQLITE_TOOBIG, "sqlite3_bind_text");
  const char* data = value.data() != nullptr ? value.data() : "";
  const int rc = sqlite3_bind_text(s_->stmt_, index, data, len, SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) s_->fail(rc, "sqlite3_bind_text");
  return *this;
}

bool statement::active::step() {
  const int rc = sqlite3_step(s_->stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  s_->fail(rc, "sqlite3_step");
}

void statement::active::run() {
  while (step()) {
  }
}

std::int64_t statement::active::column_int64(int index) const noexcept {
  return sqlite3_column_int64(s_->stmt_, index);
}

std::string_view statement::active::column_blob(int index) const noexcept {
  const void* data = sqlite3_column_blob(s_->stmt_, index);
  const int size = sqlite3_column_bytes(s_->stmt_, index);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string_view statement::active::column_text(int index) const noexcept {
  const unsigned char* data = sqlite3_column_text(s_->stmt_, index);
  const int size = sqlite3_column_bytes(s_->stmt_, index);
  if (data == nullptr || size <= 0) return {};
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

bool statement::active::column_is_null(int index) const noexcept {
  return sqlite3_column_type(s_->stmt_, index) == SQLITE_NULL;
}

bool statement::active::column_is_integer(int index) const noexcept {
  return sqlite3_column_type(s_->stmt_, index) == SQLITE_INTEGER;
}

}  // namespace roost::sqlite
