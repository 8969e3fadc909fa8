// Benchmarks of roost::asio (docs/async.md):
//  - the cost of the async path: get-newest (one status, newest first) on the memory
//    backend called directly, through async_storage on an io_context run by the same
//    thread, and through async_storage over an offloading_storage (a hop to a worker
//    thread and back). Each operation is timed alone; the median and the 99th percentile
//    are reported as counters (median_us, p99_us).
//  - watchers: N waiting watchers on one timeline, one change, the time until every
//    one of them has been called back (notify_all_us), and the heap memory the waiting
//    watchers hold (bytes_per_watcher), for the core callback API and through Asio.
//
// Build: cmake --preset release (ROOST_BUILD_BENCHMARKS=ON) then
//        cmake --build build/release --target roost_async_bench
// Run:   build/release/async/roost_async_bench
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "storage/asio.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/offloading_storage.hpp"
#include "storage/timeline.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// A timeline of 2000 statuses, the workload's typical size.
void fill(roost::status_storage& s) {
  std::vector<roost::status> statuses;
  for (int i = 0; i < 2000; ++i)
    statuses.push_back({{"id", std::to_string(100000 + i)},
                        {"text", std::string(200, 'x')},
                        {"created_at", "2024-01-01T00:00:00Z"},
                        {"busybird", {{"level", i % 3}}}});
  roost::blocking::put_statuses(
      s, {.timeline = "home", .mode = roost::put_mode::insert, .statuses = std::move(statuses)});
}

roost::get_request newest() { return {.timeline = "home", .count = roost::status_count::of(1)}; }

// Reports the median and 99th percentile of per-operation times.
void report(benchmark::State& state, std::vector<double>& samples_ns) {
  if (samples_ns.empty()) return;
  std::sort(samples_ns.begin(), samples_ns.end());
  state.counters["median_us"] = samples_ns[samples_ns.size() / 2] / 1000.0;
  state.counters["p99_us"] = samples_ns[samples_ns.size() * 99 / 100] / 1000.0;
}

double since_ns(clock_type::time_point start) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
}

void BM_get_newest_direct(benchmark::State& state) {
  roost::memory_storage storage({.limits = {.soft_max = 0}});
  fill(storage);
  std::vector<double> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = clock_type::now();
    std::size_t got = 0;
    storage.get_status_texts(newest(), [&](const roost::storage_error&,
                                           std::vector<std::string> texts) { got = texts.size(); });
    samples.push_back(since_ns(start));
    benchmark::DoNotOptimize(got);
  }
  report(state, samples);
}
BENCHMARK(BM_get_newest_direct);

void BM_get_newest_async(benchmark::State& state) {
  roost::memory_storage storage({.limits = {.soft_max = 0}});
  fill(storage);
  boost::asio::io_context io;
  // Without this, io_context stops whenever it runs out of work (after each completion)
  // and run_one() would return at once from then on.
  auto keep_running = boost::asio::make_work_guard(io);
  roost::asio::async_storage api(io, storage);
  std::vector<double> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = clock_type::now();
    std::size_t got = 0;
    api.async_get_status_texts(
        newest(),
        [&](boost::system::error_code, std::vector<std::string> texts) { got = texts.size(); });
    io.run_one();  // the posted completion
    samples.push_back(since_ns(start));
    if (got != 1) state.SkipWithError("the completion did not run");
  }
  report(state, samples);
}
BENCHMARK(BM_get_newest_async);

void BM_get_newest_async_offloaded(benchmark::State& state) {
  roost::memory_storage memory({.limits = {.soft_max = 0}});
  fill(memory);
  roost::offloading_storage storage(memory, {.threads = 1});
  boost::asio::io_context io;
  // Without this, io_context stops whenever it runs out of work (after each completion)
  // and run_one() would return at once from then on.
  auto keep_running = boost::asio::make_work_guard(io);
  roost::asio::async_storage api(io, storage);
  std::vector<double> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = clock_type::now();
    std::size_t got = 0;
    api.async_get_status_texts(
        newest(),
        [&](boost::system::error_code, std::vector<std::string> texts) { got = texts.size(); });
    io.run_one();  // waits for the worker to post the completion
    samples.push_back(since_ns(start));
    if (got != 1) state.SkipWithError("the completion did not run");
  }
  report(state, samples);
}
BENCHMARK(BM_get_newest_async_offloaded);

std::size_t heap_in_use() { return mallinfo2().uordblks; }

void put_one(roost::status_storage& s, int n) {
  roost::blocking::put_statuses(s, {.timeline = "home",
                                    .mode = roost::put_mode::insert,
                                    .statuses = {{{"id", "new-" + std::to_string(n)}}}});
}

// N watchers through the core API; their callbacks run inside the change's completion.
void BM_watchers_core(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  roost::memory_storage storage;
  roost::timeline tl("home", storage);
  std::size_t called = 0;
  double bytes = 0, notify_us = 0;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto counts = roost::blocking::get_unacked_counts(storage, "home");
    called = 0;
    const auto before = heap_in_use();
    for (std::size_t i = 0; i < n; ++i)
      tl.watch_unacked_counts(
          roost::assumed_counts::from(counts),
          [&called](const roost::storage_error&, roost::unacked_counts) { ++called; });
    bytes = static_cast<double>(heap_in_use() - before) / static_cast<double>(n);
    state.ResumeTiming();
    const auto start = clock_type::now();
    put_one(storage, ++round);
    notify_us += since_ns(start) / 1000.0;
    if (called != n) state.SkipWithError("not every watcher was called");
  }
  state.counters["notify_all_us"] = notify_us / static_cast<double>(state.iterations());
  state.counters["bytes_per_watcher"] = bytes;
}
BENCHMARK(BM_watchers_core)->Arg(10000)->Iterations(5)->Unit(benchmark::kMillisecond);

// N watchers through roost::asio on an io_context (run by this thread): the time from the
// change to the last completion handler having run.
void BM_watchers_asio(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  roost::memory_storage storage;
  roost::timeline tl("home", storage);
  boost::asio::io_context io;
  roost::asio::async_timeline watched(io, tl);
  std::size_t called = 0;
  double bytes = 0, notify_us = 0;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto counts = roost::blocking::get_unacked_counts(storage, "home");
    called = 0;
    io.restart();
    const auto before = heap_in_use();
    for (std::size_t i = 0; i < n; ++i)
      watched.async_watch_unacked_counts(
          roost::assumed_counts::from(counts),
          [&called](boost::system::error_code, roost::unacked_counts) { ++called; });
    bytes = static_cast<double>(heap_in_use() - before) / static_cast<double>(n);
    state.ResumeTiming();
    const auto start = clock_type::now();
    put_one(storage, ++round);
    io.run();  // returns once every handler ran (their work guards are gone)
    notify_us += since_ns(start) / 1000.0;
    if (called != n) state.SkipWithError("not every watcher was called");
  }
  state.counters["notify_all_us"] = notify_us / static_cast<double>(state.iterations());
  state.counters["bytes_per_watcher"] = bytes;
}
BENCHMARK(BM_watchers_asio)->Arg(10000)->Iterations(5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
