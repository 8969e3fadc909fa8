// Raw-SQLite baseline benchmarks (see raw_benchmarks.hpp).
#pragma once

#include <cstddef>

namespace roost::bench {

void register_raw_sqlite_benchmarks(std::size_t n);
void add_raw_sqlite_context();
void release_raw_sqlite_store();

}  // namespace roost::bench
