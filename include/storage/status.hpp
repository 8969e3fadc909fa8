// The status object: one JSON object, kept field for field as given.
//
// Roost interprets only a few fields (see docs/spec/status.md): `id`,
// `created_at`, `busybird.level` and `busybird.acked_at`. The helpers here read them
// with the spec's rules (an integer id is compared by its decimal text, a missing level
// is 0, a missing or null acked_at means unacked) and throw `invalid_request` when a
// field has a type or value the spec does not allow.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/timestamp.hpp"

namespace roost {

/// A status is a JSON object.
using status = nlohmann::json;

/// The text of an id given as JSON: a string as is, an integer as its decimal text.
/// Throws invalid_request for any other type (null, float, bool, object, array).
std::string id_text(const nlohmann::json& id);

/// The status's id as text, or nullopt when it has none (absent or null).
/// Throws invalid_request when `s` is not an object or the id has a wrong type.
std::optional<std::string> status_id(const status& s);

/// `busybird.level`, 0 when absent or null. Throws invalid_request unless it is an integer.
std::int64_t status_level(const status& s);

/// The parsed `created_at`, nullopt when absent or null. Throws invalid_request when it
/// is not a string in an accepted format.
std::optional<timestamp> status_created_at(const status& s);

/// The parsed `busybird.acked_at`, nullopt (unacked) when absent or null. Throws
/// invalid_request when it is not a string in an accepted format.
std::optional<timestamp> status_acked_at(const status& s);

/// True when the status carries a non-null `busybird.acked_at`.
bool is_acked(const status& s);

/// Sets `busybird.acked_at` to `acked_at`, creating the `busybird` object if needed.
void set_acked_at(status& s, const std::string& acked_at);

}  // namespace roost
