// A compact JSON writer for stored statuses, byte for byte the output of
// nlohmann::json::dump() (no indentation, non-ASCII kept as UTF-8), only faster.
//
// Why: serializing each status is most of the cost of a put (and of an ack, which
// re-serializes the stored document). nlohmann's serializer decodes every byte of every
// string through a UTF-8 state machine; this writer copies runs of ordinary bytes at once
// and validates UTF-8 separately, which is several times faster on typical statuses.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace roost::detail {

/// Thrown when a string or key of the document is not valid UTF-8 (dump() would throw
/// nlohmann::json::type_error 316 there).
class invalid_utf8_in_json : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Thrown when the document nests deeper than max_status_depth: the writer recurses once per
/// level, and a tree built in memory (not parsed from a checked text) can be of any depth.
class json_too_deep : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Appends `value`, serialized exactly as value.dump() would, to `out`. Throws
/// invalid_utf8_in_json or json_too_deep.
void append_compact_json(std::string& out, const nlohmann::json& value);

/// value.dump(), faster. Throws invalid_utf8_in_json or json_too_deep.
std::string compact_json(const nlohmann::json& value);

}  // namespace roost::detail
