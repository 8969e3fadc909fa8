// machine/first-touch: what this machine charges for memory a process touches for the
// first time (one page fault per 4 KiB page), the cost that dominates a memory-backend
// put into a large timeline (docs/performance.md, "Memory backend"). Reported as
// page_fault_us, the microseconds per 4 KiB page, so the report can say how the machine
// compares with typical hardware (well under 1 us).
#include "machine/first_touch.hpp"

#include <sys/mman.h>

#include <cstddef>

#include <benchmark/benchmark.h>

#include "harness/timing.hpp"

namespace roost::bench {
namespace {

constexpr std::size_t page = 4096;
constexpr std::size_t region = std::size_t{64} << 20;  // 16,384 pages per iteration

void bm_first_touch(benchmark::State& state) {
  stopwatch watch;
  double seconds = 0;
  for (auto _ : state) {
    void* mapped =
        mmap(nullptr, region, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!check(state, mapped != MAP_FAILED, "mmap failed")) return;
    auto* bytes = static_cast<volatile char*>(mapped);
    const double elapsed = watch.time([&] {
      for (std::size_t i = 0; i < region; i += page) bytes[i] = 1;
    });
    state.SetIterationTime(elapsed);
    seconds += elapsed;
    munmap(mapped, region);
  }
  const double pages = static_cast<double>(region / page) * static_cast<double>(state.iterations());
  state.counters["page_fault_us"] = seconds / pages * 1e6;
}

}  // namespace

void register_machine_benchmarks() {
  benchmark::RegisterBenchmark("machine/first-touch/0", bm_first_touch)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace roost::bench
