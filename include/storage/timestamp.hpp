// Timestamps as statuses carry them (`created_at`, `busybird.acked_at`).
//
// Accepted on input: Twitter style ("Thu May 16 12:56:23 +0000 2013"), RFC 3339 /
// ISO 8601 ("2013-05-16T12:56:23Z", "2013-05-16T21:56:23.5+09:00") and RFC 822/1123
// ("Thu, 16 May 2013 12:56:23 +0000", zone also GMT, UT, UTC, Z or a US zone name).
// Stored statuses keep the string they were given; only the instant it denotes is used
// for ordering. Timestamps Roost writes itself are Twitter style in UTC.
//
// All functions are pure and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace roost {

/// An instant with microsecond resolution; finer fractions of a second are truncated.
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// Parses a timestamp in any accepted format; nullopt when `text` is none of them or
/// names an impossible date or time.
std::optional<timestamp> parse_timestamp(std::string_view text);

/// Formats `t` in Twitter style, UTC, whole seconds: "Thu May 16 12:56:23 +0000 2013".
std::string format_twitter(timestamp t);

/// The current time, truncated to whole seconds so that it round-trips through
/// format_twitter() without changing the order it implies.
timestamp now_in_seconds();

}  // namespace roost
