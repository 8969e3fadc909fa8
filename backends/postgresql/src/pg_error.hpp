// pg_error: a failure reported by PostgreSQL or libpq, with its SQLSTATE, and its
// translation into the storage_error a callback receives.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/errors.hpp"

namespace roost::pg {

/// SQLSTATE of a connection that failed or was lost (class 08, libpq's own failures).
inline constexpr std::string_view connection_failure = "08006";

/// A failed libpq call or statement. `sqlstate` is PostgreSQL's five-character code.
class pg_error : public std::runtime_error {
public:
  pg_error(std::string sqlstate, const std::string& what)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}

  const std::string& sqlstate() const noexcept { return sqlstate_; }

  /// True for failures of the connection itself: the connection must not be reused.
  bool connection_lost() const noexcept { return sqlstate_.starts_with("08"); }

  /// True when PostgreSQL rolled the transaction back so that it can simply be run
  /// again: a serialization failure or a deadlock.
  bool retryable() const noexcept { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

private:
  std::string sqlstate_;
};

/// The errc a SQLSTATE stands for: connection, disk and resource failures are
/// io_error, timeouts, lock waits and serialization failures busy, damaged data corrupt,
/// anything else internal.
errc classify(std::string_view sqlstate) noexcept;

/// The storage_error for `e` during `operation` on `store` (how messages name the store).
storage_error to_storage_error(const pg_error& e, std::string_view operation,
                               std::string_view store);

}  // namespace roost::pg
