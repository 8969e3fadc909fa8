// JSON answers in BusyBird's bytes: every non-ASCII character escaped as \uXXXX.
//
// BusyBird's JSON encoder escapes all non-ASCII characters (surrogate pairs above U+FFFF),
// and clients written against it decode the body as bytes, which only works because the
// bytes are ASCII. The BusyBird endpoints therefore answer ASCII; the stored texts stay
// as they are, and only their non-ASCII runs are rewritten on the way out.
#pragma once

#include <string>
#include <string_view>

namespace roost::web {

/// Appends `json_text` to `out` with every non-ASCII UTF-8 sequence written as a \uXXXX
/// escape (a surrogate pair above U+FFFF). Valid JSON has non-ASCII bytes only inside
/// strings, so the result is the same JSON value. Runs of ASCII are copied as they are; a
/// text without non-ASCII bytes is copied unchanged. A byte that starts no well-formed
/// sequence becomes \ufffd.
void append_ascii_json(std::string& out, std::string_view json_text);

/// `json_text` as append_ascii_json writes it.
std::string ascii_json(std::string_view json_text);

}  // namespace roost::web
