#include "access_control.hpp"

#include <algorithm>
#include <cctype>

#include "api.hpp"
#include "query.hpp"
#include "storage/json_input.hpp"

namespace roost::web {
namespace {

constexpr std::string_view challenge = "Bearer realm=\"roost\"";

http_response unauthorized(const std::string& message, bool invalid_token) {
  auto r = json_error(401, message);
  std::string value(challenge);
  if (invalid_token) value += ", error=\"invalid_token\"";
  r.headers.emplace_back("WWW-Authenticate", std::move(value));
  return r;
}

// The token of "Authorization: Bearer <token>" (scheme without regard to case, RFC 7235),
// nullopt without the header, an empty view for another scheme or a malformed value.
std::optional<std::string_view> bearer_token(const http_request& request) {
  const auto value = request.header("Authorization");
  if (!value) return std::nullopt;
  std::string_view v = *value;
  constexpr std::string_view scheme = "bearer ";
  if (v.size() <= scheme.size()) return std::string_view{};
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(v[i])) != scheme[i]) return std::string_view{};
  v.remove_prefix(scheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

}  // namespace

caller caller::everyone() {
  return {.name = {},
          .session = {},
          .scopes = static_cast<unsigned>(scope::read) | static_cast<unsigned>(scope::write) |
                    static_cast<unsigned>(scope::admin),
          .timelines = std::nullopt};
}

bool caller::may(scope s, std::string_view timeline) const {
  return has_scope(scopes, s) && (!timelines || std::find(timelines->begin(), timelines->end(),
                                                          timeline) != timelines->end());
}

http_response forbidden(const caller& who, scope s, std::string_view timeline) {
  const auto scope_name = format_scopes(static_cast<unsigned>(s));
  if (!who.may(s)) {
    auto r = json_error(
        403, "the token " + quote_lossy(who.name) + " does not have the " + scope_name + " scope");
    std::string value(challenge);
    value += ", error=\"insufficient_scope\", scope=\"";
    value += scope_name;
    value += '"';
    r.headers.emplace_back("WWW-Authenticate", std::move(value));
    return r;
  }
  return json_error(
      403, "the token " + quote_lossy(who.name) + " is not for timeline " + quote_lossy(timeline));
}

std::optional<std::string_view> cookie_value(const http_request& request, std::string_view name) {
  // RFC 6265: "name=value" pairs separated by "; ", possibly over several Cookie fields.
  for (const auto& [field, value] : request.headers) {
    if (field.size() != 6 || !std::equal(field.begin(), field.end(), "cookie", [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        }))
      continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      auto pair = rest.substr(0, semi);
      rest.remove_prefix(semi == rest.npos ? rest.size() : semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const auto eq = pair.find('=');
      if (eq != pair.npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

access_control::access_control(session_limits limits, login_clock clock)
    : sessions_(limits, clock), throttle_({}, clock) {}

void access_control::set_tokens(std::shared_ptr<const token_set> tokens) {
  if (!tokens) tokens = std::make_shared<token_set>();
  std::lock_guard lock(mutex_);
  tokens_ = std::move(tokens);
}

void access_control::set_users(std::shared_ptr<const user_set> users) {
  if (!users) users = std::make_shared<user_set>();
  sessions_.retain_users(*users);
  std::lock_guard lock(mutex_);
  users_ = std::move(users);
}

std::shared_ptr<const token_set> access_control::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

std::shared_ptr<const user_set> access_control::users() const {
  std::lock_guard lock(mutex_);
  return users_;
}

bool access_control::required() const {
  return !tokens()->tokens.empty() || !users()->users.empty();
}

std::variant<caller, http_response> access_control::authenticate(const http_request& request,
                                                                 bool query_token_allowed) const {
  const auto set = tokens();
  const auto people = users();
  if (set->tokens.empty() && people->users.empty()) return caller::everyone();
  std::optional<std::string> secret;
  bool from_query = false;
  if (const auto bearer = bearer_token(request)) {
    if (bearer->empty())
      return unauthorized("the Authorization header is not \"Bearer <token>\"", true);
    secret = std::string(*bearer);
  } else if (const auto cookie = cookie_value(request, session_cookie)) {
    // A session that ended (logout, expiry, user removed) is no credential at all.
    if (const auto user_name = sessions_.user_of(*cookie)) {
      if (const auto* u = people->find(*user_name))
        return caller{.name = u->name,
                      .session = std::string(*cookie),
                      .scopes = u->scopes,
                      .timelines = u->timelines};
    }
    return unauthorized("the session has ended: log in again", false);
  } else if (query_token_allowed) {
    if (auto q = query_params(request.target).get("access_token")) {
      secret = std::move(*q);
      from_query = true;
    }
  }
  if (!secret)
    return unauthorized(
        "this server needs credentials: send \"Authorization: Bearer <token>\" "
        "or log in",
        false);
  const auto* token = set->find_by_secret(*secret);
  if (token == nullptr) return unauthorized("the token is not valid (unknown or revoked)", true);
  // A URL is copied into histories, proxies' logs and Referer headers: only a token that
  // can do nothing but read may travel in one.
  if (from_query && token->scopes != static_cast<unsigned>(scope::read))
    return unauthorized("only a token whose only scope is read may be sent as access_token", true);
  return caller{
      .name = token->name, .session = {}, .scopes = token->scopes, .timelines = token->timelines};
}

}  // namespace roost::web
