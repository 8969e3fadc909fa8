#include "pg_result.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

#include "pg_error.hpp"

namespace roost::pg {

void result::free_result::operator()(pg_result* r) const noexcept { PQclear(r); }

int result::rows() const noexcept { return r_ ? PQntuples(r_.get()) : 0; }

bool result::is_null(int row, int column) const noexcept {
  return PQgetisnull(r_.get(), row, column) != 0;
}

std::string_view result::bytes(int row, int column) const noexcept {
  if (is_null(row, column)) return {};
  return {PQgetvalue(r_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
}

std::int64_t result::integer(int row, int column) const {
  const auto raw = bytes(row, column);
  if (raw.size() != 2 && raw.size() != 4 && raw.size() != 8)
    throw pg_error("XX000", "column " + std::to_string(column) + " is not an integer");
  std::uint64_t v = 0;
  for (const char c : raw) v = (v << 8) | static_cast<unsigned char>(c);
  // Sign-extend the narrower types.
  const int shift = 64 - 8 * static_cast<int>(raw.size());
  return static_cast<std::int64_t>(v << shift) >> shift;
}

std::int64_t result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

}  // namespace roost::pg
