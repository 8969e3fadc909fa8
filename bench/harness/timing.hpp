// Manual timing for benchmarks whose iterations also do untimed work (building a request,
// restoring the timeline after an ack). Every Roost benchmark is registered with
// UseManualTime() and times its measured calls with a stopwatch, so setup never counts.
//
// Besides wall-clock time (what the figures are), the stopwatch adds up the calling
// thread's CPU time in the same regions. On a machine shared with other jobs the wall
// figure includes waiting for a core; the CPU figure does not, so the report can tell
// contention from cost. (Every backend here completes on the calling thread; time spent
// waiting for the disk shows only in the wall figure.)
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <utility>

#include <benchmark/benchmark.h>

namespace roost::bench {

inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Times measured regions: returns each region's wall seconds (for SetIterationTime)
/// and keeps the thread CPU seconds.
///
/// Reading the thread CPU clock is a system call (about 3 us on a paravirtualized VM), so
/// a benchmark whose regions last only microseconds uses `cpu_scope::whole_loop`: the CPU
/// figure then covers the whole benchmark loop, i.e. also the loop's own small untimed
/// work (copying a request), instead of adding two clock reads to every region.
class stopwatch {
public:
  enum class cpu_scope { per_region, whole_loop };

  explicit stopwatch(cpu_scope scope = cpu_scope::per_region)
      : scope_(scope), loop_start_(scope == cpu_scope::whole_loop ? thread_cpu_seconds() : 0) {}

  template <typename F>
  double time(F&& f) {
    const bool per_region = scope_ == cpu_scope::per_region;
    const double cpu_start = per_region ? thread_cpu_seconds() : 0;
    const auto start = std::chrono::steady_clock::now();
    std::forward<F>(f)();
    const auto wall = std::chrono::steady_clock::now() - start;
    if (per_region) cpu_seconds_ += thread_cpu_seconds() - cpu_start;
    return std::chrono::duration<double>(wall).count();
  }

  /// The CPU seconds so far (for whole_loop: since construction).
  double cpu_seconds() const {
    return scope_ == cpu_scope::whole_loop ? thread_cpu_seconds() - loop_start_ : cpu_seconds_;
  }

private:
  cpu_scope scope_;
  double loop_start_;
  double cpu_seconds_ = 0;
};

/// Reports operations (calls of the measured operation) per second and, when
/// `items_per_iteration` is non-zero, statuses per second: over wall time
/// (ops_per_second, items_per_second) and over the thread's CPU time (cpu_ops_per_second,
/// cpu_items_per_second).
inline void report_rates(benchmark::State& state, const stopwatch& watch, double ops_per_iteration,
                         double items_per_iteration = 0) {
  const auto iterations = static_cast<double>(state.iterations());
  const double cpu = watch.cpu_seconds() > 0 ? watch.cpu_seconds() : 1e-12;
  state.counters["ops_per_second"] =
      benchmark::Counter(ops_per_iteration * iterations, benchmark::Counter::kIsRate);
  state.counters["cpu_ops_per_second"] = ops_per_iteration * iterations / cpu;
  if (items_per_iteration != 0) {
    state.counters["items_per_second"] =
        benchmark::Counter(items_per_iteration * iterations, benchmark::Counter::kIsRate);
    state.counters["cpu_items_per_second"] = items_per_iteration * iterations / cpu;
  }
}

/// Stops the benchmark with a message when an answer is not what the workload implies.
inline bool check(benchmark::State& state, bool ok, const std::string& what) {
  if (!ok) state.SkipWithError(what.c_str());
  return ok;
}

}  // namespace roost::bench
