// The PostgreSQL backend in the harness, on the server that ROOST_BENCH_POSTGRESQL names
// (bench/run.sh starts a throw-away one): one PostgreSQL schema per store directory
// (raw/pg_bench_schemas.hpp), default options otherwise (a pool of 4 connections; the
// server's own durability settings).
//
// The storage runs on an io_context that the benchmark's own thread drives while it
// waits for a call (make_postgresql_storage(executor, ...)), as in any event-loop program:
// a call costs its round trips, and no hand-off to a thread of the storage's own and back
// (which the plain constructor, and so `roost serve`, adds). A filled store is vacuumed
// and analyzed before it is measured, as raw-postgresql's table is (pg_bench_schemas.hpp).
#include <boost/asio/io_context.hpp>
#include <optional>

#include "harness/backend.hpp"
#include "raw/pg_bench_schemas.hpp"
#include "storage/postgresql_asio.hpp"

namespace roost::bench {
namespace {

boost::asio::io_context& loop() {
  static boost::asio::io_context context;
  return context;
}

void run_until(const std::function<bool()>& done) {
  auto& context = loop();
  while (!done()) {
    if (context.stopped()) context.restart();
    if (context.run_one() == 0)
      throw std::logic_error("the PostgreSQL storage has no work left, but the call is not done");
  }
}

}  // namespace

std::optional<backend> postgresql_backend() {
  const auto conninfo = bench_postgresql();
  if (!conninfo) return std::nullopt;  // no server: the binary still runs the others
  return backend{.name = "postgresql",
                 .persistent = true,
                 .open = [conninfo = *conninfo](
                             const storage_limits& limits,
                             const std::filesystem::path& dir) -> std::unique_ptr<status_storage> {
                   // A closed store's connections close on the loop: let that happen.
                   loop().restart();
                   loop().poll();
                   return make_postgresql_storage(loop().get_executor(),
                                                  {.connection = conninfo,
                                                   .schema = bench_schema("roost_bench_", dir),
                                                   .limits = limits});
                 },
                 .drive = run_until,
                 .settle =
                     [](const std::filesystem::path& dir) {
                       settle_schema(bench_schema("roost_bench_", dir));
                     }};
}

}  // namespace roost::bench
