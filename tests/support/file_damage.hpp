// Damage for store files in tests: deterministic garbage, and bytes written over a file in
// place. Header-only; for Catch2 test files.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

namespace roost::testing {

/// `n` bytes of deterministic garbage (a linear congruential generator from `seed`).
inline std::string garbage(std::size_t n, std::uint32_t seed) {
  std::string out(n, '\0');
  for (auto& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

/// Writes `bytes` over `file` at `offset`, in place (the file keeps its other bytes).
inline void write_at(const std::filesystem::path& file, std::uint64_t offset,
                     const std::string& bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) ==
          static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

}  // namespace roost::testing
