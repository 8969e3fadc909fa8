// The LMDB backend in the harness: one environment directory per store, default options
// (sync_writes on: every commit is flushed, as LMDB does by default).
#include "harness/backend.hpp"
#include "storage/lmdb_storage.hpp"

namespace roost::bench {

backend lmdb_backend() {
  return {.name = "lmdb",
          .persistent = true,
          .open = [](const storage_limits& limits, const std::filesystem::path& dir) {
            return make_lmdb_storage({.directory = dir, .limits = limits});
          }};
}

}  // namespace roost::bench
