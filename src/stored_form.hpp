// Reading a status text that is already in stored form (the exact bytes dump() writes: no
// whitespace, members in ascending key order, dump()'s escapes and integer digits) without building
// a JSON tree. Every Roost store holds its statuses in that form, so a status copied from one store
// to another is checked and read here at memory speed instead of being parsed and serialized again.
//
// The reader accepts only what it fully understands; anything else (other spacing or order, a
// float, an escape dump() would not write, a repeated key, text that is not JSON at all) sends the
// caller to the general path, nlohmann's parse() and dump(), which stays the one authority on what
// a text means.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace roost::detail {

/// True when `text` is a JSON object in stored form, i.e. exactly
/// nlohmann::json::parse(text).dump(). Then `fields` is set to an object holding those of `id`,
/// `created_at` and `busybird` {`level`, `acked_at`} the text has, with the values parse() would
/// give them. False (and `fields` unspecified) otherwise, and also when one of those fields holds a
/// value this reader leaves to the general path (an escaped string, a literal, an array, an object
/// other than busybird's).
bool read_stored_form(std::string_view text, nlohmann::json& fields);

/// When `text` is in stored form (read_stored_form would return true), sets `out` to
/// the document, exactly as nlohmann::json::parse(text) would make it (the same types,
/// signed or unsigned integers included), and returns true. False otherwise (`out`
/// unspecified), also for a document nesting deeper than this reader's stack.
bool build_stored_form(std::string_view text, nlohmann::json& out);

/// nlohmann::json::parse(text), faster for a text in stored form. Throws what parse() throws.
nlohmann::json parse_stored_text(std::string_view text);

/// When `text` is in stored form (read_stored_form would return true), writes to `out`
/// the stored form of the same document with busybird.acked_at set to `acked_at` (busybird
/// created when missing), by splicing, and returns true. False otherwise (`out`
/// unspecified): the caller takes the general path.
bool set_acked_at_in_stored_form(std::string_view text, std::string_view acked_at,
                                 std::string& out);

}  // namespace roost::detail
