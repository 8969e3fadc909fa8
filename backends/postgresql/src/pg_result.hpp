// pg_result: one statement's answer, owned, read in PostgreSQL's binary format (the
// connection asks for binary results), so a column is its bytes and an integer its
// network-order value.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

struct pg_result;

namespace roost::pg {

/// The rows of one successful statement. Columns are read by index; a read of the wrong
/// type or size throws pg_error (a schema that is not Roost's).
class result {
public:
  result() = default;
  explicit result(pg_result* r) noexcept : r_(r) {}

  int rows() const noexcept;
  bool is_null(int row, int column) const noexcept;
  /// The raw bytes of a bytea or text column (empty for NULL).
  std::string_view bytes(int row, int column) const noexcept;
  /// An int8, int4 or int2 column.
  std::int64_t integer(int row, int column) const;
  /// The number of rows an INSERT, UPDATE or DELETE without RETURNING changed.
  std::int64_t affected() const;

private:
  struct free_result {
    void operator()(pg_result* r) const noexcept;
  };
  std::unique_ptr<pg_result, free_result> r_;
};

}  // namespace roost::pg
