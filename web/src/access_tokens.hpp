// API tokens: the credentials programs send as "Authorization: Bearer <token>".
//
// A token is 32 random bytes (256 bits) written as "roost_" and 43 base64url characters.
// The store keeps only its SHA-256 (a token is as random as a key, so a slow password
// hash would add nothing but cost per request), with a name, its scopes and the timelines
// it covers, in the store setting "access.tokens" (settings.hpp), as JSON:
//
//   {"tokens": [{"name": "phone", "sha256": "<64 hex digits>", "scopes": ["read"],
//                "timelines": ["home"], "created_at": "2026-12-03T15:00:00Z"}]}
//
// "timelines" absent means every timeline. The text is read from a store and so is
// hostile: parse_token_set checks everything and throws token_set_error.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace roost::web {

/// The store setting that holds the tokens.
inline constexpr std::string_view tokens_setting_key = "access.tokens";

/// What a credential may do. Scopes are independent: a token that posts and reads needs
/// both `write` and `read`.
enum class scope : unsigned {
  read = 1,   ///< GET statuses, long polls, the change feed, the Atom feed, the viewer
  write = 2,  ///< POST statuses, ack
  admin = 4,  ///< deleting and managing credentials (reserved for those endpoints)
};

/// A set of scopes, as bits of `scope`.
using scope_set = unsigned;

/// True when `set` holds `s`.
constexpr bool has_scope(scope_set set, scope s) { return (set & static_cast<unsigned>(s)) != 0; }

/// Parses "read,write" (names separated by commas); throws token_set_error naming an
/// unknown or missing scope.
scope_set parse_scopes(std::string_view text);

/// "read,write": the names of `set` in a fixed order.
std::string format_scopes(scope_set set);

/// One stored token.
struct token_entry {
  std::string name;    ///< unique; 1..64 of [A-Za-z0-9._-]
  std::string sha256;  ///< 64 lower-case hex digits of the token's SHA-256
  scope_set scopes = 0;
  std::optional<std::vector<std::string>> timelines;  ///< none: every timeline
  std::string created_at;                             ///< ISO 8601 UTC, for `roost token list`

  /// True when the token may act on `timeline`.
  bool covers(std::string_view timeline) const;
};

/// All tokens of a store.
struct token_set {
  std::vector<token_entry> tokens;

  /// The token whose secret is `secret`, compared by hash in constant time per entry, or
  /// nullptr.
  const token_entry* find_by_secret(std::string_view secret) const;
  /// The token called `name`, or nullptr.
  const token_entry* find_by_name(std::string_view name) const;
};

/// A token set text that is not what this file describes.
class token_set_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Reads the setting's text; throws token_set_error saying what is wrong.
token_set parse_token_set(std::string_view text);

/// The setting's text for `set`.
std::string format_token_set(const token_set& set);

/// Throws token_set_error unless `name` is a valid token name.
void validate_token_name(std::string_view name);

/// A new random token secret ("roost_" + 43 base64url characters), from OpenSSL's CSPRNG.
/// Throws std::runtime_error when the generator fails.
std::string new_token_secret();

/// The lower-case hex SHA-256 of `secret`.
std::string token_hash(std::string_view secret);

}  // namespace roost::web
