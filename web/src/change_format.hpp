// The wire forms of the change feed (issue 8): one change as a JSON object, a page of
// them as the changes.json body, and Server-Sent Events framing. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/changes.hpp"

namespace roost::web {

/// One change as the Web API's JSON object, on one line, e.g.
/// {"rev":7,"op":"insert","id":"42","status":{...}} or
/// {"rev":8,"op":"ack","id":"42","acked_at":"..."}. The stored status text is embedded
/// as it is, not re-parsed (unless it held a raw line break, which compact JSON never does).
std::string change_json(const status_change& change);

/// The body of GET changes.json: {"error":null,"changes":[...],"last_rev":N}.
std::string changes_body(const std::vector<status_change>& changes, std::uint64_t last_revision);

/// One Server-Sent Event for a change: "id: REV\ndata: JSON\n\n".
std::string sse_event(const status_change& change);

/// A comment line that keeps idle streams (and the proxies between) from timing out.
inline constexpr std::string_view sse_heartbeat = ":\n\n";

/// A revision from a client (?since=, Last-Event-ID): plain decimal digits, at most
/// UINT64_MAX; nullopt for anything else (signs, spaces, empty).
std::optional<std::uint64_t> parse_revision(std::string_view text);

/// True when an Accept header value names text/event-stream among its media ranges.
bool accepts_event_stream(std::string_view accept);

}  // namespace roost::web
