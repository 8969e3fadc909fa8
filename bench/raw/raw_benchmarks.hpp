// Raw-engine baselines: the same bytes stored and read with plain SQLite statements and
// plain LMDB puts/gets, in the same run, so the library's overhead shows as a ratio.
// Each engine is present only when this binary was built with it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace roost::bench {

/// The engines with a baseline in this binary, named as their backends ("sqlite", "lmdb").
std::vector<std::string> raw_engines();

/// Registers "raw-<engine>/<operation>/<n>". REQUIRES: `engine` is in raw_engines().
void register_raw_benchmarks(const std::string& engine, std::size_t n);

/// Adds the engines' versions and settings to the benchmark context.
void add_raw_context();

/// Closes and removes the raw stores still open.
void release_raw_stores();

}  // namespace roost::bench
