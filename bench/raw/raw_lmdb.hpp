// Raw-LMDB baseline benchmarks (see raw_benchmarks.hpp).
#pragma once

#include <cstddef>

namespace roost::bench {

void register_raw_lmdb_benchmarks(std::size_t n);
void add_raw_lmdb_context();
void release_raw_lmdb_store();

}  // namespace roost::bench
