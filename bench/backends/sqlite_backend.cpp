// The SQLite backend in the harness: one database file per store, default options
// (WAL, synchronous=NORMAL: what the server uses).
#include "harness/backend.hpp"
#include "storage/sqlite_storage.hpp"

namespace roost::bench {

backend sqlite_backend() {
  return {.name = "sqlite",
          .persistent = true,
          .open = [](const storage_limits& limits, const std::filesystem::path& dir) {
            return make_sqlite_storage({.path = dir / "roost.sqlite3", .limits = limits});
          }};
}

}  // namespace roost::bench
