// Raw-engine baselines: the same bytes stored and read with plain SQLite statements,
// plain LMDB puts/gets and plain libpq statements, in the same run, so the library's
// overhead shows as a ratio. Each engine is present only when this binary was built with
// it (PostgreSQL also only when ROOST_BENCH_POSTGRESQL names a server).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace roost::bench {

/// The engines with a baseline in this binary, named as their backends ("sqlite", "lmdb",
/// "postgresql").
std::vector<std::string> raw_engines();

/// Registers "raw-<engine>/<operation>/<n>". REQUIRES: `engine` is in raw_engines().
void register_raw_benchmarks(const std::string& engine, std::size_t n);

/// A raw store that takes workload statuses a batch at a time: the raw half of the paired
/// put benchmark (paired_put.hpp), which alternates its batches with the library's.
class raw_inserter {
public:
  virtual ~raw_inserter() = default;
  /// Inserts workload statuses first .. first + count - 1 in one transaction.
  virtual void insert(std::size_t first, std::size_t count) = 0;
};

/// A new raw store of `engine` in the empty directory `dir`, which must outlive it.
/// REQUIRES: `engine` is in raw_engines().
std::unique_ptr<raw_inserter> open_raw_inserter(const std::string& engine,
                                                const std::filesystem::path& dir);

/// A new store in `dir` with the backend's own schema written with plain statements, for
/// the engines that have such a baseline ("sqlite", "postgresql"); nullptr for the others.
std::unique_ptr<raw_inserter> open_schema_inserter(const std::string& engine,
                                                   const std::filesystem::path& dir);

/// Adds the engines' versions and settings to the benchmark context.
void add_raw_context();

/// Closes and removes the raw stores still open.
void release_raw_stores();

}  // namespace roost::bench
