#include "harness/fixture.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include "harness/calls.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

std::vector<status>& status_pool() {
  static std::vector<status> pool;
  return pool;
}

std::vector<std::string>& text_pool() {
  static std::vector<std::string> pool;
  return pool;
}

std::unique_ptr<store_fixture>& current() {
  static std::unique_ptr<store_fixture> fixture;
  return fixture;
}

void fill_others(status_storage& store) {
  for (std::size_t t = 1; t <= other_timelines; ++t)
    put_range(store, "other-" + std::to_string(t), 0, other_timeline_size, put_mode::insert,
              restore_batch);
}

void fill(status_storage& store, std::size_t n) {
  fill_others(store);
  put_range(store, measured_timeline, 0, n, put_mode::insert, restore_batch);
  const auto counts = calls::counts(store, measured_timeline);
  if (counts.total != n)
    throw std::runtime_error("filled store has " + std::to_string(counts.total) +
                             " unacked statuses instead of " + std::to_string(n));
}

}  // namespace

storage_limits benchmark_limits() {
  storage_limits limits;
  limits.soft_max = 0;
  return limits;
}

void generate_statuses(std::size_t count) {
  auto& pool = status_pool();
  auto& texts = text_pool();
  if (pool.size() >= count) return;
  const std::size_t first = pool.size();
  auto more = workload::make_statuses(first, count - first);
  pool.reserve(count);
  texts.reserve(count);
  for (auto& s : more) {
    texts.push_back(s.dump());
    pool.push_back(std::move(s));
  }
}

const std::vector<status>& statuses() { return status_pool(); }

const std::vector<std::string>& texts() { return text_pool(); }

temp_dir::temp_dir() {
  const char* base = std::getenv("ROOST_BENCH_DIR");
  std::string pattern =
      (base ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
      "roost-bench-XXXXXX";
  if (!::mkdtemp(pattern.data()))
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<status_storage> open_unfilled_store(const backend& b,
                                                    const std::filesystem::path& dir) {
  auto store = open_store(b, benchmark_limits(), dir);
  fill_others(*store);
  if (b.persistent) {
    // Start the timed puts from the other timelines as they rest on disk, not in the
    // middle of the fill's write-ahead log: the raw baselines start from a fresh file,
    // and a checkpoint of the fill's pages is no part of putting N statuses.
    store.reset();
    store = open_store(b, benchmark_limits(), dir);
  }
  return store;
}

store_fixture& unfilled_store(const backend& b, std::size_t n) {
  release_store();
  auto next = std::make_unique<store_fixture>();
  next->source = &b;
  next->n = n;
  next->dir = std::make_unique<temp_dir>();
  next->store = open_unfilled_store(b, next->dir->path());
  auto& fixture = current();
  fixture = std::move(next);
  return *fixture;
}

store_fixture& filled_store(const backend& b, std::size_t n) {
  auto& fixture = current();
  if (fixture && fixture->source == &b && fixture->n == n && fixture->store) return *fixture;
  release_store();
  auto next = std::make_unique<store_fixture>();
  next->source = &b;
  next->n = n;
  next->dir = std::make_unique<temp_dir>();
  next->store = open_store(b, benchmark_limits(), next->dir->path());
  fill(*next->store, n);
  if (b.settle) b.settle(next->dir->path());
  fixture = std::move(next);
  return *fixture;
}

void release_store() {
  auto& fixture = current();
  if (!fixture) return;
  fixture->store.reset();  // close before the directory goes
  fixture.reset();
}

void put_range(status_storage& store, const std::string& timeline, std::size_t first,
               std::size_t count, put_mode mode, std::size_t batch) {
  const auto& pool = statuses();
  if (first + count > pool.size()) throw std::logic_error("put_range beyond generated statuses");
  for (std::size_t i = first; i < first + count; i += batch) {
    const std::size_t end = std::min(first + count, i + batch);
    calls::put(store, {.timeline = timeline,
                       .mode = mode,
                       .statuses = std::vector<status>(pool.begin() + i, pool.begin() + end)});
  }
}

std::vector<std::size_t> spread_indices(std::size_t n, std::size_t count) {
  std::vector<std::size_t> indices;
  indices.reserve(count);
  for (std::size_t k = 0; k < count; ++k) indices.push_back(k * n / count + n / (2 * count));
  return indices;
}

std::vector<std::string> spread_ids(std::size_t n, std::size_t count) {
  std::vector<std::string> ids;
  for (const std::size_t i : spread_indices(n, count)) ids.push_back(workload::id_of(i));
  return ids;
}

}  // namespace roost::bench
