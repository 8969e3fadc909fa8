// How a backend plugs into the benchmark harness: a name and a factory.
//
// The factory receives the limits to use (the harness passes soft_max = 0: truncation
// off, as docs/spec/workload.md requires) and a directory that the harness created empty for this
// store and removes afterwards. A persistent backend keeps its files there; "reopen"
// destroys the store and calls the factory again with the same directory, so it must
// open what is there rather than start afresh. A backend without files ignores it.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::bench {

using storage_factory = std::function<std::unique_ptr<status_storage>(
    const storage_limits& limits, const std::filesystem::path& dir)>;

struct backend {
  std::string name;         ///< as it appears in benchmark names and reports
  bool persistent = false;  ///< true: also measure "reopen"
  storage_factory open;
  /// For a backend whose stores complete on an event loop the caller runs: runs it until
  /// a call is done (calls.hpp). Empty for backends with threads of their own.
  std::function<void(const std::function<bool()>& done)> drive;
  /// Run (untimed) after a store of `dir` is filled, for a backend whose server would
  /// otherwise tidy up after the fill during the measurements (PostgreSQL's autovacuum);
  /// empty when nothing needs it.
  std::function<void(const std::filesystem::path& dir)> settle;
};

/// b.open(limits, dir), after making b's driver the one the calls wait with.
std::unique_ptr<status_storage> open_store(const backend& b, const storage_limits& limits,
                                           const std::filesystem::path& dir);

/// Every backend this binary was built with (memory, and SQLite / LMDB / PostgreSQL when
/// their targets existed at configure time; PostgreSQL only with ROOST_BENCH_POSTGRESQL).
std::vector<backend> available_backends();

}  // namespace roost::bench
