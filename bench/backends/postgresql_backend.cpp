// The PostgreSQL backend in the harness, on the server that ROOST_BENCH_POSTGRESQL names
// (bench/run.sh starts a throw-away one): one PostgreSQL schema per store directory
// (raw/pg_bench_schemas.hpp), default options otherwise (a pool of 4 connections; the
// server's own durability settings).
#include <optional>

#include "harness/backend.hpp"
#include "raw/pg_bench_schemas.hpp"
#include "storage/postgresql_storage.hpp"

namespace roost::bench {

std::optional<backend> postgresql_backend() {
  const auto conninfo = bench_postgresql();
  if (!conninfo) return std::nullopt;  // no server: the binary still runs the others
  return backend{.name = "postgresql",
                 .persistent = true,
                 .open = [conninfo = *conninfo](const storage_limits& limits,
                                                const std::filesystem::path& dir) {
                   return make_postgresql_storage({.connection = conninfo,
                                                   .schema = bench_schema("roost_bench_", dir),
                                                   .limits = limits});
                 }};
}

}  // namespace roost::bench
