// Where the PostgreSQL benchmarks keep their stores: one PostgreSQL schema per store
// directory of the harness, on the server that ROOST_BENCH_POSTGRESQL names.
//
// The harness gives every store a fresh directory and removes it afterwards; "reopen"
// opens the same directory again. A PostgreSQL store has no files there, so the
// directory only names its schema (a hash of its path: the same name for every open).
// Removing the directory cannot remove the schema, so the schemas are dropped here: a
// directory seen for the first time gets its schema dropped first (a new store starts
// empty), the schemas of directories gone by then are dropped with it, and at exit every
// schema this process named is dropped. A server shared with other work keeps nothing.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace roost::bench {

/// The libpq connection string in ROOST_BENCH_POSTGRESQL, or nullopt when it is unset or
/// empty (the PostgreSQL benchmarks are then not registered).
std::optional<std::string> bench_postgresql();

/// The schema name ("<prefix><16 hex digits>", a plain lower-case identifier) of the
/// store in `dir`; see the top of this file for what it drops. Throws std::runtime_error
/// when the server cannot be reached. REQUIRES: bench_postgresql().
std::string bench_schema(std::string_view prefix, const std::filesystem::path& dir);

/// VACUUM (ANALYZE) of every table in `schema`, run once a store is filled: so that
/// autovacuum does not do it in the middle of the measurements that follow, and the
/// planner knows how big the tables are.
void settle_schema(const std::string& schema);

}  // namespace roost::bench
