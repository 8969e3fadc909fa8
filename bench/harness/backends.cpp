// The backends this binary measures. CMake defines ROOST_BENCH_WITH_SQLITE /
// ROOST_BENCH_WITH_LMDB / ROOST_BENCH_WITH_POSTGRESQL when those targets exist, so the
// list grows as backends land. PostgreSQL also needs a server at run time
// (ROOST_BENCH_POSTGRESQL), without which it is left out.
#include <optional>

#include "harness/backend.hpp"
#include "harness/calls.hpp"

#include "storage/memory_storage.hpp"

namespace roost::bench {

#ifdef ROOST_BENCH_WITH_SQLITE
backend sqlite_backend();
#endif
#ifdef ROOST_BENCH_WITH_LMDB
backend lmdb_backend();
#endif
#ifdef ROOST_BENCH_WITH_POSTGRESQL
std::optional<backend> postgresql_backend();
#endif

std::unique_ptr<status_storage> open_store(const backend& b, const storage_limits& limits,
                                           const std::filesystem::path& dir) {
  calls::current_driver() = b.drive;
  return b.open(limits, dir);
}

std::vector<backend> available_backends() {
  std::vector<backend> list;
  list.push_back({.name = "memory",
                  .persistent = false,
                  .open = [](const storage_limits& limits, const std::filesystem::path&) {
                    return make_memory_storage({.limits = limits});
                  }});
#ifdef ROOST_BENCH_WITH_SQLITE
  list.push_back(sqlite_backend());
#endif
#ifdef ROOST_BENCH_WITH_LMDB
  list.push_back(lmdb_backend());
#endif
#ifdef ROOST_BENCH_WITH_POSTGRESQL
  if (auto b = postgresql_backend()) list.push_back(std::move(*b));
#endif
  return list;
}

}  // namespace roost::bench
