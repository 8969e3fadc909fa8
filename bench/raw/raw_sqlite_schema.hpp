// The SQLite backend's schema with plain statements, as a put baseline (see the .cpp).
#pragma once

#include <filesystem>
#include <memory>

#include "raw/raw_benchmarks.hpp"

namespace roost::bench {

/// A new store in `dir` with the SQLite backend's tables, the nine other timelines filled.
std::unique_ptr<raw_inserter> open_raw_sqlite_schema_inserter(const std::filesystem::path& dir);

}  // namespace roost::bench
