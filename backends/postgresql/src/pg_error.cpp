#include "pg_error.hpp"

namespace roost::pg {

errc classify(std::string_view sqlstate) noexcept {
  // https://www.postgresql.org/docs/15/errcodes-appendix.html, by class.
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("58") ||
      sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return errc::io_error;  // connection, disk full / resources, system I/O, shutdown
  if (sqlstate == "57014" || sqlstate == "55P03" || sqlstate.starts_with("40"))
    return errc::busy;  // statement_timeout, lock_not_available, rollbacks
  if (sqlstate == "XX001" || sqlstate == "XX002") return errc::corrupt;
  return errc::internal;
}

storage_error to_storage_error(const pg_error& e, std::string_view operation,
                               std::string_view store) {
  return storage_error(make_error_code(classify(e.sqlstate())),
                       std::string(operation) + " on postgresql store " + std::string(store) +
                           ": " + e.what() + " (SQLSTATE " + e.sqlstate() + ")");
}

}  // namespace roost::pg
