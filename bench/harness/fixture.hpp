// Shared state of a benchmark run: the generated statuses, temporary directories, and the
// one filled store currently in use.
//
// Filling a store of 100,000 statuses takes far longer than most measured operations, so
// the harness fills one store per (backend, N), keeps it while the benchmarks of that
// pair run (Google Benchmark runs them one after another, repetitions included), and
// replaces it when the next pair starts. Benchmarks that change the measured timeline
// restore it outside the timed region, so every benchmark starts from the same state:
// `measured_timeline` holds statuses 0 .. N-1 of the workload, all unacked, and each of
// the other timelines holds `other_timeline_size` statuses.
//
// Not thread-safe: benchmarks run on one thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/backend.hpp"
#include "storage/status.hpp"
#include "storage/status_storage.hpp"

namespace roost::bench {

inline constexpr const char* measured_timeline = "home";
/// Ten timelines exist; one is measured. The others are filled with this many statuses.
inline constexpr std::size_t other_timelines = 9;
inline constexpr std::size_t other_timeline_size = 1000;
/// Statuses per call (per transaction for the raw engines) in the put benchmarks.
inline constexpr std::size_t put_batch = 100;
/// Statuses per call when filling or restoring a timeline (untimed): large, so that
/// backends that flush every commit (LMDB) do not spend the run waiting for the disk.
inline constexpr std::size_t restore_batch = 5000;
/// Statuses put one per call by the put-one benchmark, after the N already there.
inline constexpr std::size_t put_one_count = 100;

/// The limits every benchmarked store gets: truncation off.
storage_limits benchmark_limits();

/// Makes at least `count` workload statuses available through statuses()/texts().
/// Call before running the benchmarks: it invalidates earlier references.
void generate_statuses(std::size_t count);

/// Workload statuses 0 .. (generated count - 1), oldest first.
const std::vector<status>& statuses();

/// The same statuses serialized as the library stores them (status::dump()), for the
/// raw-engine baselines that store the same bytes.
const std::vector<std::string>& texts();

/// A fresh empty directory, removed with everything in it on destruction.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

/// A store of `backend` filled as described above, with its directory.
struct store_fixture {
  const backend* source = nullptr;
  std::size_t n = 0;
  std::unique_ptr<temp_dir> dir;
  std::unique_ptr<status_storage> store;
};

/// The filled store for (b, n): the cached one when it matches, otherwise a new one
/// (destroying the previous). Throws std::runtime_error when filling fails.
store_fixture& filled_store(const backend& b, std::size_t n);

/// A new store for (b, n) whose other timelines are filled and whose measured timeline is
/// still empty; it replaces the cached store. The caller fills the measured timeline with
/// statuses 0 .. n-1 (the put benchmark does, timed) or calls release_store() on failure.
store_fixture& unfilled_store(const backend& b, std::size_t n);

/// A store of `b` in `dir` as unfilled_store makes it (other timelines filled, measured
/// timeline empty), not cached: for a benchmark that needs a second one beside it.
std::unique_ptr<status_storage> open_unfilled_store(const backend& b,
                                                    const std::filesystem::path& dir);

/// Drops the cached store (and its files).
void release_store();

/// Puts statuses first .. first + count - 1 into `timeline` with `mode`, `batch` per call.
void put_range(status_storage& store, const std::string& timeline, std::size_t first,
               std::size_t count, put_mode mode, std::size_t batch);

/// Indices of `count` statuses spread evenly over 0 .. n-1.
std::vector<std::size_t> spread_indices(std::size_t n, std::size_t count);

/// The ids of spread_indices(n, count).
std::vector<std::string> spread_ids(std::size_t n, std::size_t count);

}  // namespace roost::bench
