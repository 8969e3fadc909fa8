// The fields tokens and users share in their store settings (access_tokens.hpp,
// access_users.hpp): reading them from hostile JSON and writing them back.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access_tokens.hpp"

namespace roost::web::credential_fields {

/// The array under `array_key` of the setting text `text` ({"<array_key>": [...]});
/// throws token_set_error naming `what` ("the token set").
nlohmann::json entries(std::string_view text, const char* what, const char* array_key);

/// The string member `key` of `entry`; throws token_set_error naming `where`.
std::string text(const nlohmann::json& entry, const char* key, const std::string& where);

/// The non-empty "scopes" array of `entry`.
scope_set scopes(const nlohmann::json& entry, const std::string& where);

/// The "timelines" array of `entry` (non-empty names), none when absent or null.
std::optional<std::vector<std::string>> timelines(const nlohmann::json& entry,
                                                  const std::string& where);

/// Each entry of `array` read by `parse(entry, index)`, refusing two with the same name
/// (`kind`: "tokens", "users").
template <typename Entry, typename Parse>
std::vector<Entry> unique_entries(const nlohmann::json& array, const char* kind, Parse parse) {
  std::vector<Entry> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto e = parse(array[i], i);
    for (const auto& before : out)
      if (before.name == e.name)
        throw token_set_error(std::string("two ") + kind + " are called \"" + e.name + "\"");
    out.push_back(std::move(e));
  }
  return out;
}

/// Writes "scopes" and, when limited, "timelines" into `entry`.
void write(nlohmann::json& entry, scope_set s, const std::optional<std::vector<std::string>>& tls);

/// `value` as setting text (JSON; invalid UTF-8 replaced, though names are ASCII).
std::string dump(const nlohmann::json& value);

}  // namespace roost::web::credential_fields
