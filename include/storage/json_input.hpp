// Reading JSON and text that come from outside the process (HTTP bodies and queries,
// NDJSON lines, BusyBird rows, store files), with one rule for every way in.
//
// Every way into a store (the Web API, `roost import`, `import-busybird`, `migrate`, the
// memory store's file, put_statuses itself) accepts the same documents: well-formed UTF-8,
// no NUL bytes outside strings, one complete JSON value, and at most max_status_depth
// levels of nesting. So whatever one of them accepted, the others accept too, and a store
// can always be exported and imported again.
//
// Messages that quote outside bytes do so lossily (ill-formed UTF-8 becomes U+FFFD), so
// that writing an error can never fail on the very bytes it reports.
//
// Thread safety: free functions on values; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/utf8.hpp"

namespace roost {

/// The deepest nesting of arrays and objects a status may have (`{}` is 1 level,
/// `{"a":[1]}` is 2). 512 is the limit of the JSON parser BusyBird uses (JSON::XS), so
/// every document a BusyBird store holds fits; it keeps the recursive writers far from the
/// end of any thread's stack.
inline constexpr std::size_t max_status_depth = 512;

/// `text` as a JSON string literal, ill-formed UTF-8 replaced by U+FFFD: for messages that
/// quote outside input. Throws nothing but std::bad_alloc.
std::string quote_lossy(std::string_view text);

/// The deepest nesting of arrays and objects in the JSON text `text` (0 for a scalar),
/// found by one pass over the bytes without parsing. Stops and returns as soon as the
/// depth passes `limit`, so a hostile text costs no more than the bytes before that point.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit) noexcept;

/// Parses one JSON value that came from outside. Throws roost::invalid_request, whose
/// message names `what` ("request body", "the line") and quotes nothing strictly, when
/// the text:
///  - contains a NUL byte (the parser would stop there and ignore what follows),
///  - nests deeper than `max_depth` + `outer_levels` levels (json_nesting_depth);
///    `outer_levels` counts the containers around the documents that `max_depth` limits
///    (the array of a list of statuses, the object of an NDJSON line),
///  - is not one complete JSON value (trailing bytes included), or its strings are not
///    well-formed UTF-8,
///  - holds a number too large for a double (`1e999`).
nlohmann::json parse_json_input(std::string_view text, std::size_t max_depth,
                                std::string_view what = "the JSON text",
                                std::size_t outer_levels = 0);

/// The message of a nlohmann::json exception without its "[json.exception.x.n] " prefix,
/// with ill-formed UTF-8 replaced: the parser quotes the bytes it stopped at.
std::string json_exception_text(const nlohmann::json::exception& e);

}  // namespace roost
