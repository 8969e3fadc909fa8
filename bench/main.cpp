// roost_bench: the standard workload (docs/spec/workload.md) against every backend
// built in, plus the raw-engine baselines, in one run.
//
//   roost_bench [--roost_sizes=1000,10000,100000] [Google Benchmark flags...]
//
// Names are "<backend>/<operation>/<N>"; raw baselines use the backend "raw-<engine>".
// bench/run.sh runs it the way docs/performance.md reports it.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness/backend.hpp"
#include "harness/fixture.hpp"
#include "harness/storage_benchmarks.hpp"
#include "machine/first_touch.hpp"
#include "raw/paired_put.hpp"
#include "raw/raw_benchmarks.hpp"
#include "workload/workload.hpp"

namespace {

constexpr std::string_view sizes_flag = "--roost_sizes=";

// Takes --roost_sizes=... out of argv (Google Benchmark rejects flags it does not know).
std::vector<std::size_t> take_sizes(int& argc, char** argv) {
  std::vector<std::size_t> sizes = {1'000, 10'000, 100'000};
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.substr(0, sizes_flag.size()) != sizes_flag) {
      argv[out++] = argv[i];
      continue;
    }
    sizes.clear();
    std::stringstream list{std::string(arg.substr(sizes_flag.size()))};
    for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::stoul(item));
  }
  argc = out;
  return sizes;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace roost::bench;
  const auto sizes = take_sizes(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  register_machine_benchmarks();
  const std::size_t largest = *std::max_element(sizes.begin(), sizes.end());
  generate_statuses(std::max(largest, other_timeline_size) + put_one_count);

  // Grouped by (backend, N), each backend's raw engine right after it: the group shares
  // one filled store, and the library and its raw baseline run minutes apart at most, so
  // both see a similar machine (disk and CPU contention change over a run). Minutes are
  // still too far apart for put, whose rate follows the disk's: put-paired runs the two
  // batch by batch in turn (raw/paired_put.hpp).
  static const std::vector<backend> backends = available_backends();
  const auto engines = raw_engines();
  auto has_raw = [&](const std::string& name) {
    return std::find(engines.begin(), engines.end(), name) != engines.end();
  };
  for (const std::size_t n : sizes) {
    for (const auto& b : backends) {
      register_storage_benchmarks(b, n);
      if (has_raw(b.name)) {
        register_raw_benchmarks(b.name, n);
        register_paired_put_benchmark(b, n);
      }
    }
    for (const auto& engine : engines) {
      const bool has_backend = std::any_of(backends.begin(), backends.end(),
                                           [&](const backend& b) { return b.name == engine; });
      if (!has_backend) register_raw_benchmarks(engine, n);
    }
  }

  benchmark::AddCustomContext("roost_build_type", ROOST_BENCH_BUILD_TYPE);
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("hardware_threads",
                              std::to_string(std::thread::hardware_concurrency()));
  benchmark::AddCustomContext("workload_seed", std::to_string(roost::workload::default_seed));
  benchmark::AddCustomContext("timelines", std::to_string(other_timelines + 1) + " (others hold " +
                                               std::to_string(other_timeline_size) + " each)");
  std::string names;
  for (const auto& b : backends) names += (names.empty() ? "" : ",") + b.name;
  benchmark::AddCustomContext("backends", names);
  add_raw_context();

  benchmark::RunSpecifiedBenchmarks();
  release_store();
  release_raw_stores();
  benchmark::Shutdown();
  return 0;
}
