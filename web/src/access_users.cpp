#include "access_users.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "base64url.hpp"
#include "credential_fields.hpp"
#include "storage/json_input.hpp"
#include "storage/utf8.hpp"

namespace roost::web {
namespace {

// OWASP's scrypt parameters (Password Storage Cheat Sheet): N = 2^15, r = 8, p = 3.
constexpr unsigned log2_n = 15;
constexpr unsigned block_r = 8;
constexpr unsigned parallel_p = 3;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
// Above what the parameters need (128 * r * N * ... bytes, 32 MiB here), and a ceiling for
// parameters read from a store: a damaged hash cannot make a login allocate gigabytes.
constexpr std::uint64_t max_scrypt_memory = 256ull << 20;

struct scrypt_params {
  unsigned log2_n = 0, r = 0, p = 0;
  std::string salt, hash;
};

std::optional<std::string> scrypt(std::string_view password, const scrypt_params& q) {
  std::string out(q.hash.empty() ? hash_bytes : q.hash.size(), '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(q.salt.data()), q.salt.size(),
                     std::uint64_t{1} << q.log2_n, q.r, q.p, max_scrypt_memory,
                     reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1)
    return std::nullopt;
  return out;
}

std::optional<unsigned> small_number(std::string_view text, unsigned max) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v == 0 || v > max)
    return std::nullopt;
  return v;
}

// "scrypt$15$8$3$<salt>$<hash>", or nullopt.
std::optional<scrypt_params> parse_stored(std::string_view stored) {
  std::array<std::string_view, 6> parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto dollar = stored.find('$');
    if ((dollar == stored.npos) != (i + 1 == parts.size())) return std::nullopt;
    parts[i] = stored.substr(0, dollar);
    stored.remove_prefix(dollar == stored.npos ? stored.size() : dollar + 1);
  }
  if (parts[0] != "scrypt") return std::nullopt;
  const auto n = small_number(parts[1], 20), r = small_number(parts[2], 32),
             p = small_number(parts[3], 16);
  auto salt = base64url_decode(parts[4]);
  auto hash = base64url_decode(parts[5]);
  if (!n || !r || !p || !salt || !hash || salt->size() < 8 || hash->size() < 16 ||
      hash->size() > 64)
    return std::nullopt;
  return scrypt_params{*n, *r, *p, std::move(*salt), std::move(*hash)};
}

user_entry parse_entry(const nlohmann::json& j, std::size_t index) {
  namespace fields = credential_fields;
  const std::string where = "user " + std::to_string(index + 1);
  user_entry u;
  u.name = fields::text(j, "name", where);
  validate_user_name(u.name);
  u.password = fields::text(j, "password", where);
  if (!parse_stored(u.password))
    throw token_set_error(where + ": \"password\" is not an scrypt hash this server reads");
  u.scopes = fields::scopes(j, where);
  u.timelines = fields::timelines(j, where);
  return u;
}

}  // namespace

const user_entry* user_set::find(std::string_view name) const {
  const auto it =
      std::find_if(users.begin(), users.end(), [&](const user_entry& u) { return u.name == name; });
  return it == users.end() ? nullptr : &*it;
}

user_set parse_user_set(std::string_view text) {
  return {credential_fields::unique_entries<user_entry>(
      credential_fields::entries(text, "the user set", "users"), "users", parse_entry)};
}

std::string format_user_set(const user_set& set) {
  nlohmann::json users = nlohmann::json::array();
  for (const auto& u : set.users) {
    nlohmann::json j = {{"name", u.name}, {"password", u.password}};
    credential_fields::write(j, u.scopes, u.timelines);
    users.push_back(std::move(j));
  }
  return credential_fields::dump({{"users", users}});
}

void validate_user_name(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-' || c == '@';
      });
  if (!ok)
    throw token_set_error("user name " + quote_lossy(name) +
                          " is not 1 to 64 letters, digits, '.', '_', '-' or '@'");
}

void validate_password(std::string_view password) {
  if (password.size() < 8) throw token_set_error("a password needs at least 8 characters");
  if (password.size() > 1024) throw token_set_error("a password may have at most 1024 bytes");
  if (!is_valid_utf8(password)) throw token_set_error("a password must be valid UTF-8");
}

std::string hash_password(std::string_view password) {
  scrypt_params q{log2_n, block_r, parallel_p, std::string(salt_bytes, '\0'), {}};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(q.salt.data()), static_cast<int>(salt_bytes)) !=
      1)
    throw std::runtime_error("the random number generator failed (RAND_bytes)");
  const auto hash = scrypt(password, q);
  if (!hash) throw std::runtime_error("scrypt failed (EVP_PBE_scrypt)");
  return "scrypt$" + std::to_string(q.log2_n) + "$" + std::to_string(q.r) + "$" +
         std::to_string(q.p) + "$" + base64url_encode(q.salt) + "$" + base64url_encode(*hash);
}

bool verify_password(std::string_view password, std::string_view stored) {
  const auto q = parse_stored(stored);
  if (!q) return false;
  const auto hash = scrypt(password, *q);
  return hash && hash->size() == q->hash.size() &&
         CRYPTO_memcmp(hash->data(), q->hash.data(), hash->size()) == 0;
}

void verify_nothing(std::string_view password) {
  // A fixed salt: the work, not the answer, is what matters here.
  scrypt_params q{log2_n, block_r, parallel_p, std::string(salt_bytes, 's'), {}};
  (void)scrypt(password, q);
}

}  // namespace roost::web
