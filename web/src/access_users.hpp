// Viewer users: people who log in with a name and a password (login_api.cpp).
//
// Kept in the store setting "access.users" (settings.hpp) as JSON:
//
//   {"users": [{"name": "alice", "password": "scrypt$15$8$3$<salt>$<hash>",
//               "scopes": ["read", "write"], "timelines": ["home"]}]}
//
// Passwords are hashed with scrypt (OpenSSL's EVP_PBE_scrypt): memory-hard, and OpenSSL is
// there anyway for the token hashes and TLS, where argon2id would need libsodium as well.
// The parameters are OWASP's (N = 2^15, r = 8, p = 3: 32 MiB per hash) and are stored in
// each hash, so that stronger ones later leave existing passwords valid. Salt 16 bytes,
// hash 32 bytes, both base64url. The text is read from a store and so is hostile:
// parse_user_set checks everything and throws token_set_error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access_tokens.hpp"

namespace roost::web {

/// The store setting that holds the users.
inline constexpr std::string_view users_setting_key = "access.users";

/// One user.
struct user_entry {
  std::string name;      ///< unique; 1..64 of [A-Za-z0-9._-@]
  std::string password;  ///< hash_password()'s text
  scope_set scopes = 0;
  std::optional<std::vector<std::string>> timelines;  ///< none: every timeline
};

/// All users of a store.
struct user_set {
  std::vector<user_entry> users;

  /// The user called `name`, or nullptr.
  const user_entry* find(std::string_view name) const;
};

/// Reads the setting's text; throws token_set_error saying what is wrong.
user_set parse_user_set(std::string_view text);

/// The setting's text for `set`.
std::string format_user_set(const user_set& set);

/// Throws token_set_error unless `name` is a valid user name.
void validate_user_name(std::string_view name);

/// Throws token_set_error unless `password` is acceptable: 8 to 1024 bytes of UTF-8.
void validate_password(std::string_view password);

/// The stored text for `password`, with a new random salt. Takes tens of milliseconds
/// and 32 MiB on purpose: never call it on an I/O thread.
std::string hash_password(std::string_view password);

/// True when `password` matches `stored` (hash_password's text); false also for a stored
/// text that is not one. As slow as hash_password.
bool verify_password(std::string_view password, std::string_view stored);

/// Spends the time verify_password spends, for a user name that does not exist, so that
/// the answer's timing does not tell a wrong name from a wrong password.
void verify_nothing(std::string_view password);

}  // namespace roost::web
