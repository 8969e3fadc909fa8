// Registers the operations of docs/spec/workload.md for one backend with Google Benchmark.
#pragma once

#include <cstddef>

#include "harness/backend.hpp"

namespace roost::bench {

/// Registers every operation of docs/spec/workload.md for `b` at timeline size `n`, named
/// "<backend>/<operation>/<N>", in an order that lets them share one filled store.
/// `b` must outlive the benchmark run.
void register_storage_benchmarks(const backend& b, std::size_t n);

}  // namespace roost::bench
