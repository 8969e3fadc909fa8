#include "raw/raw_benchmarks.hpp"

#ifdef ROOST_BENCH_RAW_SQLITE
#include "raw/raw_sqlite.hpp"
#include "raw/raw_sqlite_schema.hpp"
#endif
#ifdef ROOST_BENCH_RAW_LMDB
#include "raw/raw_lmdb.hpp"
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
#include "raw/pg_bench_schemas.hpp"
#include "raw/raw_postgresql.hpp"
#include "raw/raw_postgresql_schema.hpp"
#endif

namespace roost::bench {

std::vector<std::string> raw_engines() {
  std::vector<std::string> engines;
#ifdef ROOST_BENCH_RAW_SQLITE
  engines.push_back("sqlite");
#endif
#ifdef ROOST_BENCH_RAW_LMDB
  engines.push_back("lmdb");
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
  if (bench_postgresql()) engines.push_back("postgresql");  // needs a server at run time
#endif
  return engines;
}

void register_raw_benchmarks([[maybe_unused]] const std::string& engine,
                             [[maybe_unused]] std::size_t n) {
#ifdef ROOST_BENCH_RAW_SQLITE
  if (engine == "sqlite") register_raw_sqlite_benchmarks(n);
#endif
#ifdef ROOST_BENCH_RAW_LMDB
  if (engine == "lmdb") register_raw_lmdb_benchmarks(n);
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
  if (engine == "postgresql") register_raw_postgresql_benchmarks(n);
#endif
}

std::unique_ptr<raw_inserter> open_raw_inserter([[maybe_unused]] const std::string& engine,
                                                [[maybe_unused]] const std::filesystem::path& dir) {
#ifdef ROOST_BENCH_RAW_SQLITE
  if (engine == "sqlite") return open_raw_sqlite_inserter(dir);
#endif
#ifdef ROOST_BENCH_RAW_LMDB
  if (engine == "lmdb") return open_raw_lmdb_inserter(dir);
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
  if (engine == "postgresql") return open_raw_postgresql_inserter(dir);
#endif
  return nullptr;
}

std::unique_ptr<raw_inserter> open_schema_inserter(
    [[maybe_unused]] const std::string& engine, [[maybe_unused]] const std::filesystem::path& dir) {
#ifdef ROOST_BENCH_RAW_SQLITE
  if (engine == "sqlite") return open_raw_sqlite_schema_inserter(dir);
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
  if (engine == "postgresql") return open_raw_postgresql_schema_inserter(dir);
#endif
  return nullptr;
}

void add_raw_context() {
#ifdef ROOST_BENCH_RAW_SQLITE
  add_raw_sqlite_context();
#endif
#ifdef ROOST_BENCH_RAW_LMDB
  add_raw_lmdb_context();
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
  if (bench_postgresql()) add_raw_postgresql_context();
#endif
}

void release_raw_stores() {
#ifdef ROOST_BENCH_RAW_SQLITE
  release_raw_sqlite_store();
#endif
#ifdef ROOST_BENCH_RAW_LMDB
  release_raw_lmdb_store();
#endif
#ifdef ROOST_BENCH_RAW_POSTGRESQL
  release_raw_postgresql_store();
#endif
}

}  // namespace roost::bench
