// The PostgreSQL backend's schema with plain libpq, as a put baseline (see the .cpp).
#pragma once

#include <filesystem>
#include <memory>

#include "raw/raw_benchmarks.hpp"

namespace roost::bench {

/// A new store for `dir` with the PostgreSQL backend's tables, the nine other timelines
/// filled. REQUIRES: bench_postgresql().
std::unique_ptr<raw_inserter> open_raw_postgresql_schema_inserter(const std::filesystem::path& dir);

}  // namespace roost::bench
