// Raw-PostgreSQL baseline benchmarks (see raw_benchmarks.hpp), on the server that
// ROOST_BENCH_POSTGRESQL names.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "raw/raw_benchmarks.hpp"

namespace roost::bench {

void register_raw_postgresql_benchmarks(std::size_t n);
void add_raw_postgresql_context();
void release_raw_postgresql_store();
std::unique_ptr<raw_inserter> open_raw_postgresql_inserter(const std::filesystem::path& dir);

}  // namespace roost::bench
