// BusyBird's stored timestamps: a UTC column ("%Y-%m-%dT%H:%M:%S", or
// "9999-99-99T99:99:99" for none) and the zone the original string was written in ("UTC",
// an offset such as "+0900", or a tz database name such as "Asia/Tokyo"). Roost rebuilds
// the string in Twitter style in that zone, the way BusyBird itself gives it back.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace roost::app {

/// The UTC column's text for "no timestamp".
inline constexpr std::string_view busybird_absent_timestamp = "9999-99-99T99:99:99";

/// A column that is neither a timestamp nor the absent marker.
class busybird_time_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Parses a UTC column: nullopt for the absent marker; throws busybird_time_error for
/// anything but a valid "%Y-%m-%dT%H:%M:%S" (a leap second :60 is read as :59).
std::optional<std::chrono::sys_seconds> parse_busybird_utc(std::string_view text);

/// `t` in Twitter style ("Thu May 16 21:56:23 +0900 2013") at a fixed UTC offset.
/// REQUIRES: |offset| < 24h.
std::string format_twitter_at_offset(std::chrono::sys_seconds t, std::chrono::seconds offset);

/// The Twitter-style text of `t` in `zone`: "UTC" (also "Z", "GMT", "floating" or empty),
/// an offset "+hhmm" or "+hh:mm", or a tz database name. A zone it cannot use (unknown,
/// the tz database missing, an offset with seconds) gives the same instant in UTC, with
/// a description of the problem in `*warning` when given.
std::string busybird_timestamp_text(std::chrono::sys_seconds t, std::string_view zone,
                                    std::string* warning = nullptr);

}  // namespace roost::app
