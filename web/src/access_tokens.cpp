#include "access_tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "base64url.hpp"
#include "credential_fields.hpp"
#include "storage/errors.hpp"
#include "storage/json_input.hpp"

namespace roost::web {
namespace {

constexpr std::array<std::pair<std::string_view, scope>, 3> scope_names = {
    {{"read", scope::read}, {"write", scope::write}, {"admin", scope::admin}}};

constexpr std::string_view token_prefix = "roost_";
constexpr std::size_t token_random_bytes = 32;

bool is_hex_digest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

token_entry parse_entry(const nlohmann::json& j, std::size_t index) {
  namespace fields = credential_fields;
  const std::string where = "token " + std::to_string(index + 1);
  token_entry e;
  e.name = fields::text(j, "name", where);
  validate_token_name(e.name);
  e.sha256 = fields::text(j, "sha256", where);
  if (!is_hex_digest(e.sha256))
    throw token_set_error(where + ": \"sha256\" is not 64 lower-case hex digits");
  e.scopes = fields::scopes(j, where);
  e.timelines = fields::timelines(j, where);
  if (const auto at = j.find("created_at"); at != j.end() && at->is_string())
    e.created_at = at->get<std::string>();
  return e;
}

}  // namespace

scope_set parse_scopes(std::string_view text) {
  scope_set set = 0;
  while (true) {
    const auto comma = text.find(',');
    const auto name = text.substr(0, comma);
    const auto it = std::find_if(scope_names.begin(), scope_names.end(),
                                 [&](const auto& p) { return p.first == name; });
    if (it == scope_names.end())
      throw token_set_error("unknown scope " + quote_lossy(name) +
                            " (the scopes are read, write and admin)");
    set |= static_cast<unsigned>(it->second);
    if (comma == text.npos) return set;
    text.remove_prefix(comma + 1);
  }
}

std::string format_scopes(scope_set set) {
  std::string out;
  for (const auto& [name, s] : scope_names)
    if (has_scope(set, s)) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

bool token_entry::covers(std::string_view timeline) const {
  return !timelines ||
         std::find(timelines->begin(), timelines->end(), timeline) != timelines->end();
}

const token_entry* token_set::find_by_secret(std::string_view secret) const {
  const auto hash = token_hash(secret);
  const token_entry* found = nullptr;
  // Every entry compared, in constant time each: the answer's timing says nothing of how
  // close a guess came to a stored hash.
  for (const auto& t : tokens)
    if (CRYPTO_memcmp(t.sha256.data(), hash.data(), hash.size()) == 0) found = &t;
  return found;
}

const token_entry* token_set::find_by_name(std::string_view name) const {
  const auto it = std::find_if(tokens.begin(), tokens.end(),
                               [&](const token_entry& t) { return t.name == name; });
  return it == tokens.end() ? nullptr : &*it;
}

void validate_token_name(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
      });
  if (!ok)
    throw token_set_error("token name " + quote_lossy(name) +
                          " is not 1 to 64 letters, digits, '.', '_' or '-'");
}

token_set parse_token_set(std::string_view text) {
  return {credential_fields::unique_entries<token_entry>(
      credential_fields::entries(text, "the token set", "tokens"), "tokens", parse_entry)};
}

std::string format_token_set(const token_set& set) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : set.tokens) {
    nlohmann::json j = {{"name", t.name}, {"sha256", t.sha256}};
    credential_fields::write(j, t.scopes, t.timelines);
    if (!t.created_at.empty()) j["created_at"] = t.created_at;
    tokens.push_back(std::move(j));
  }
  return credential_fields::dump({{"tokens", tokens}});
}

std::string new_token_secret() {
  std::array<unsigned char, token_random_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the random number generator failed (RAND_bytes)");
  return std::string(token_prefix) +
         base64url_encode({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

std::string token_hash(std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed (EVP_Digest)");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace roost::web
