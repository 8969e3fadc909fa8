// Who sent a request and what they may do: authentication by API token or by the viewer's
// session cookie, and the scope and timeline checks every endpoint makes
// (docs/security.md).
//
// With no credentials in the store, everyone may do everything (the local BusyBird mode);
// the request guard (request_guard.hpp) still refuses foreign hosts and cross-site writes.
// Once one credential (token or user) exists, every request needs one:
//   - none sent: 401 with `WWW-Authenticate: Bearer realm="roost"` (the viewer's pages
//     send people to the login page instead, api.cpp);
//   - unknown or malformed: 401, `error="invalid_token"` (RFC 6750);
//   - valid but without the scope: 403, `error="insufficient_scope"`;
//   - valid but not for the timeline: 403.
// Thread-safe: the credentials are replaced as a whole while requests read them.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "access_tokens.hpp"
#include "access_users.hpp"
#include "http_message.hpp"
#include "login_sessions.hpp"

namespace roost::web {

/// Who a request comes from, once authenticated.
struct caller {
  /// The token's or user's name; empty for everyone (no credentials configured).
  std::string name;
  /// The cookie value of the session the request came with (viewer users), else empty.
  std::string session;
  scope_set scopes = 0;
  std::optional<std::vector<std::string>> timelines;  ///< none: every timeline

  /// The caller of a server without credentials: every scope, every timeline.
  static caller everyone();

  /// True when the caller may use `s` on `timeline`.
  bool may(scope s, std::string_view timeline) const;
  /// True when the caller may use `s` on some timeline (for routes without one).
  bool may(scope s) const { return has_scope(scopes, s); }
};

/// The 403 for a caller that may not use `s` on `timeline` (empty: no timeline named).
http_response forbidden(const caller& who, scope s, std::string_view timeline = {});

/// The name of the viewer's session cookie.
inline constexpr std::string_view session_cookie = "roost_session";

/// The value of cookie `name` in `request`'s Cookie headers, if any.
std::optional<std::string_view> cookie_value(const http_request& request, std::string_view name);

/// The current credentials, the viewer's sessions and the login throttle, and the
/// authentication of requests against them.
class access_control {
public:
  explicit access_control(session_limits limits = {}, login_clock clock = real_login_clock());

  /// Replaces the tokens (null or empty: none).
  void set_tokens(std::shared_ptr<const token_set> tokens);
  /// Replaces the users (null or empty: none); sessions of users gone or whose password
  /// changed end at once.
  void set_users(std::shared_ptr<const user_set> users);

  /// The current tokens and users (never null).
  std::shared_ptr<const token_set> tokens() const;
  std::shared_ptr<const user_set> users() const;

  /// True when any credential exists, so that every request needs one.
  bool required() const;

  /// The caller of `request`, or the 401 answer. A bearer token comes first, then the
  /// session cookie. A token in the query (`access_token`) counts only when
  /// `query_token_allowed` (the Atom feed, for readers that cannot send headers), and
  /// only for a token whose only scope is read.
  std::variant<caller, http_response> authenticate(const http_request& request,
                                                   bool query_token_allowed) const;

  /// The viewer's sessions.
  session_store& sessions() noexcept { return sessions_; }
  /// The throttle on login attempts.
  login_throttle& throttle() noexcept { return throttle_; }

private:
  mutable std::mutex mutex_;
  std::shared_ptr<const token_set> tokens_ = std::make_shared<token_set>();
  std::shared_ptr<const user_set> users_ = std::make_shared<user_set>();
  mutable session_store sessions_;
  login_throttle throttle_;
};

}  // namespace roost::web
