// Test data for the conformance cases: status builders and fixed timestamps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/status.hpp"

namespace roost::conformance::detail {

/// Fields of a test status; absent optionals are left out of the JSON.
struct status_spec {
  nlohmann::json id;
  std::optional<std::string> created_at;
  std::optional<std::int64_t> level;
  std::optional<std::string> acked_at;
  std::optional<std::string> text;
};

/// Builds the JSON object of `spec`.
status make_status(const status_spec& spec);

/// A Twitter-style created_at `seconds` after a fixed instant in 2013.
std::string created(int seconds);

/// A Twitter-style acked_at `seconds` after a fixed instant in 2014.
std::string acked(int seconds);

/// The ids "1".."n" with created_at increasing with the number (so "n" is the newest).
std::vector<status> numbered(int from, int to);

/// Reverses a list (the order of `numbered` is oldest first; timelines are newest first).
std::vector<std::string> reversed_ids(int from, int to);

}  // namespace roost::conformance::detail
