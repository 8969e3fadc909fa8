// Raw-LMDB baseline benchmarks (see raw_benchmarks.hpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "raw/raw_benchmarks.hpp"

namespace roost::bench {

void register_raw_lmdb_benchmarks(std::size_t n);
void add_raw_lmdb_context();
void release_raw_lmdb_store();
std::unique_ptr<raw_inserter> open_raw_lmdb_inserter(const std::filesystem::path& dir);

}  // namespace roost::bench
