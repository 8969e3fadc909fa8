// The raw-engine benchmarks, written once for every engine. An engine is a class that
// opens (or creates) its store in a directory and offers the few operations below on the
// workload's statuses; register_raw_engine_benchmarks<Engine>("raw-sqlite", n) registers
// its put, get-newest, get-middle, contains, put-one, delete-all and reopen benchmarks,
// timed and restored exactly as the library's benchmarks of the same names.
//
//   explicit Engine(const std::filesystem::path& dir);
//   void insert(std::size_t first, std::size_t count, std::size_t batch);  // statuses first..
//   void delete_ids(std::size_t first, std::size_t count);
//   std::vector<std::string> page(const std::string* max_id);  // 20 documents, newest first
//   std::size_t contains(const std::vector<std::string>& ids);  // how many exist
//   std::size_t delete_all();
//   void settle();  // optional: run (untimed) once a store is filled, as the library's
//                   // backend of the same engine does (harness/backend.hpp)
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness/fixture.hpp"
#include "harness/timing.hpp"
#include "raw/raw_benchmarks.hpp"
#include "workload/workload.hpp"

namespace roost::bench::raw {

inline constexpr std::size_t page_size = 20;
inline constexpr std::size_t contains_count = 100;

/// The store of one engine at one N, kept between the benchmarks of that N.
template <typename Engine>
struct engine_store {
  std::size_t n = 0;
  temp_dir dir;
  std::unique_ptr<Engine> engine;

  /// The engine's current store (one at a time: a new N replaces it).
  static std::unique_ptr<engine_store>& current() {
    static std::unique_ptr<engine_store> store;
    return store;
  }

  /// A new, empty store made the current one for `n`; the caller fills it.
  static engine_store& unfilled(std::size_t n) {
    auto& store = current();
    store.reset();
    auto next = std::make_unique<engine_store>();
    next->n = n;
    next->engine = std::make_unique<Engine>(next->dir.path());
    store = std::move(next);
    return *store;
  }

  /// The current store if it holds `n` statuses, else a new one filled with them.
  static engine_store& filled(std::size_t n) {
    auto& store = current();
    if (store && store->n == n && store->engine) return *store;
    auto& fresh = unfilled(n);
    fresh.engine->insert(0, n, restore_batch);
    if constexpr (requires { fresh.engine->settle(); }) fresh.engine->settle();
    return fresh;
  }
};

// put: N statuses into a new, empty store, 100 per transaction (as the library's put).
template <typename Engine>
void bm_put(benchmark::State& state, std::size_t n) {
  stopwatch watch;
  for (auto _ : state) {
    auto& s = engine_store<Engine>::unfilled(n);
    state.SetIterationTime(watch.time([&] { s.engine->insert(0, n, put_batch); }));
  }
  report_rates(state, watch, static_cast<double>((n + put_batch - 1) / put_batch),
               static_cast<double>(n));
}

template <typename Engine>
void bm_put_one(benchmark::State& state, std::size_t n) {
  auto& s = engine_store<Engine>::filled(n);
  stopwatch watch;
  for (auto _ : state) {
    state.SetIterationTime(watch.time([&] { s.engine->insert(n, put_one_count, 1); }));
    s.engine->delete_ids(n, put_one_count);
  }
  report_rates(state, watch, put_one_count, put_one_count);
}

template <typename Engine>
void bm_get(benchmark::State& state, std::size_t n, bool from_middle) {
  auto& s = engine_store<Engine>::filled(n);
  stopwatch watch(stopwatch::cpu_scope::whole_loop);
  const std::string middle = workload::id_of(n / 2);
  for (auto _ : state) {
    std::vector<std::string> docs;
    state.SetIterationTime(
        watch.time([&] { docs = s.engine->page(from_middle ? &middle : nullptr); }));
    if (!check(state, docs.size() == page_size, "raw get returned " + std::to_string(docs.size())))
      break;
  }
  report_rates(state, watch, 1);
}

template <typename Engine>
void bm_contains(benchmark::State& state, std::size_t n) {
  auto& s = engine_store<Engine>::filled(n);
  stopwatch watch(stopwatch::cpu_scope::whole_loop);
  std::vector<std::string> ids;
  const auto present = spread_ids(n, contains_count / 2);
  for (std::size_t k = 0; k < contains_count / 2; ++k) {
    ids.push_back(present[k]);
    ids.push_back(workload::id_of(90'000'000 + k));
  }
  for (auto _ : state) {
    std::size_t found = 0;
    state.SetIterationTime(watch.time([&] { found = s.engine->contains(ids); }));
    if (!check(state, found == contains_count / 2, "raw contains found " + std::to_string(found)))
      break;
  }
  report_rates(state, watch, 1, contains_count);
}

template <typename Engine>
void bm_delete_all(benchmark::State& state, std::size_t n) {
  auto& s = engine_store<Engine>::filled(n);
  stopwatch watch;
  for (auto _ : state) {
    std::size_t deleted = 0;
    state.SetIterationTime(watch.time([&] { deleted = s.engine->delete_all(); }));
    s.engine->insert(0, n, restore_batch);
    if (!check(state, deleted == n, "raw delete-all deleted " + std::to_string(deleted))) break;
  }
  report_rates(state, watch, 1, static_cast<double>(n));
}

template <typename Engine>
void bm_reopen(benchmark::State& state, std::size_t n) {
  auto& s = engine_store<Engine>::filled(n);
  stopwatch watch;
  for (auto _ : state) {
    s.engine.reset();
    std::vector<std::string> docs;
    state.SetIterationTime(watch.time([&] {
      s.engine = std::make_unique<Engine>(s.dir.path());
      docs = s.engine->page(nullptr);
    }));
    if (!check(state, docs.size() == page_size, "raw reopen got " + std::to_string(docs.size())))
      break;
  }
  report_rates(state, watch, 1);
}

/// Registers "<prefix>/<operation>/<n>" for every raw benchmark of `Engine`.
template <typename Engine>
void register_raw_engine_benchmarks(const std::string& prefix, std::size_t n) {
  const auto add = [&](const char* operation, auto f, auto... args) {
    std::string name = prefix;
    name.append("/").append(operation).append("/").append(std::to_string(n));
    benchmark::RegisterBenchmark(name.c_str(), f, n, args...)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  };
  add("put", bm_put<Engine>);
  add("get-newest", bm_get<Engine>, false);
  add("get-middle", bm_get<Engine>, true);
  add("contains", bm_contains<Engine>);
  add("put-one", bm_put_one<Engine>);
  add("delete-all", bm_delete_all<Engine>);
  add("reopen", bm_reopen<Engine>);
}

/// An engine's store as the paired put benchmark's raw half.
template <typename Engine>
class engine_inserter final : public raw_inserter {
public:
  explicit engine_inserter(const std::filesystem::path& dir) : engine_(dir) {}
  void insert(std::size_t first, std::size_t count) override {
    engine_.insert(first, count, count);
  }

private:
  Engine engine_;
};

/// Closes and removes the engine's current store.
template <typename Engine>
void release_raw_engine_store() {
  engine_store<Engine>::current().reset();
}

}  // namespace roost::bench::raw
