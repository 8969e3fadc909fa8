// The NDJSON format of `roost export` and `roost import`: one line per status,
//
//   {"timeline":"home","status":{...the status exactly as stored...}}
//
// in timeline order (newest first) within each timeline. The acked state and the level
// live inside the status (busybird.acked_at, busybird.level), so a line carries all there
// is. Other keys on a line are ignored, so that later versions may add some.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/errors.hpp"
#include "storage/json_input.hpp"
#include "storage/status.hpp"

namespace roost::app {

/// A line that is not a valid entry; the message says why (it may quote the input).
class ndjson_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What every line of `timeline` starts with: {"timeline":NAME,"status":
/// REQUIRES: `timeline` is valid UTF-8.
std::string ndjson_prefix(const std::string& timeline);

/// Appends one line made of `prefix` (from ndjson_prefix), the stored JSON text of a
/// status, copied as is, and the closing "}\n".
void append_ndjson_line(std::string& out, std::string_view prefix, std::string_view status_text);

/// One parsed line.
struct ndjson_entry {
  std::string timeline;
  status item;
};

/// Parses one line: an object with a non-empty UTF-8 string "timeline" and an object
/// "status" (checked as a status later, by check_status), under the one input rule
/// (json_input.hpp): nesting deeper than `max_depth` levels inside the line's object is
/// refused before building anything. Throws ndjson_error with the reason.
ndjson_entry parse_ndjson_line(std::string_view line, std::size_t max_depth = max_status_depth);

/// Checks what put_statuses would refuse in a status whose strings are valid UTF-8 (as
/// every parsed JSON string is): a missing id, an id that is not UTF-8, a level or a
/// timestamp of the wrong type or format. So a bad status is caught with its line or
/// row before its batch is written. Throws invalid_request.
void check_status(const status& s);

}  // namespace roost::app
