// POST /login and POST /logout: the viewer's sessions (login_sessions.hpp).
//
// The cookie is `roost_session=<id>; Path=/; HttpOnly; SameSite=Strict`, and `Secure` when
// the server is reached by https. SameSite=Strict rather than Lax with a CSRF token: the
// viewer has no page another site needs to link into while logged in, a Strict cookie is
// never sent on a request another site starts, and every write is refused cross-site
// anyway (request_guard.hpp) — two independent defences, no token to get wrong. The cost:
// following a link from another site to a viewer page shows the login page once.
#include <cctype>
#include <chrono>

#include "api.hpp"
#include "pages.hpp"
#include "query.hpp"

namespace roost::web {
namespace {

// Where to go after login: a path of this server, never another site ("//evil.example"
// and "/\evil.example" are other sites to a browser).
std::string safe_next(const std::optional<std::string>& next) {
  if (!next || next->empty() || (*next)[0] != '/' || next->size() > 2000) return "/";
  if (next->size() > 1 && ((*next)[1] == '/' || (*next)[1] == '\\')) return "/";
  for (const char c : *next)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "/";
  return *next;
}

http_response see_other(const std::string& location) {
  http_response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "See " + location + "\n";
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

std::string cookie(std::string_view value, std::chrono::seconds max_age, bool secure) {
  return std::string(session_cookie) + "=" + std::string(value) +
         "; Path=/; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

// Checks the password (slow, off the I/O threads) and answers the login form.
void answer_login(access_control& access, const respond_fn& respond, const std::string& user,
                  const std::string& password, const std::string& next, const std::string& address,
                  bool secure) {
  const auto users = access.users();
  const auto* u = users->find(user);
  // A wrong name costs what a wrong password costs, and gets the same answer.
  const bool ok =
      u != nullptr ? verify_password(password, u->password) : (verify_nothing(password), false);
  if (!ok) {
    access.throttle().failed(address, user);
    return respond(login_page(401, "Wrong user name or password.", user, next));
  }
  access.throttle().succeeded(user);
  const auto id = access.sessions().create(u->name, u->password);
  auto r = see_other(next);
  r.headers.emplace_back("Set-Cookie", cookie(id, access.sessions().limits().absolute, secure));
  respond(std::move(r));
}

}  // namespace

void api::login(const http_request& request, respond_fn& respond) {
  // The form's fields, as application/x-www-form-urlencoded (a query without the "?").
  const query_params form("/?" + request.body);
  const auto user = form.get("user").value_or("");
  auto password = form.get("password").value_or("");
  const auto next = safe_next(form.get("next"));
  if (services_.access() == nullptr) return respond(see_other(next));  // nothing to log in to
  auto& access = *services_.access();
  if (const auto wait = access.throttle().wait_for(request.remote_address, user);
      wait.count() > 0) {
    auto r = login_page(
        429, "Too many failed attempts. Try again in " + std::to_string(wait.count()) + " seconds.",
        user, next);
    r.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return respond(std::move(r));
  }
  const bool secure = request.scheme == "https";
  auto work = [&access, respond, user, password = std::move(password), next,
               address = request.remote_address, secure] {
    try {
      answer_login(access, respond, user, password, next, address, secure);
    } catch (const std::exception& e) {  // off the I/O threads: nothing else would catch it
      respond(json_error(500, std::string("internal error: ") + e.what()));
    }
  };
  services_.run_slow(std::move(work));
}

void api::login_form(const http_request& request, respond_fn& respond) {
  const query_params query(request.target);
  respond(login_page(200, "", "", safe_next(query.get("next"))));
}

http_response api::to_login(const http_request& request) const {
  // The page to come back to, percent-encoded into the query.
  std::string next;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const unsigned char c : request.target) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      next += static_cast<char>(c);
    } else {
      next += '%';
      next += hex[c >> 4];
      next += hex[c & 15];
    }
  }
  return see_other("/login?next=" + next);
}

void api::logout(const http_request& request, respond_fn& respond) {
  if (auto* access = services_.access())
    if (const auto id = cookie_value(request, session_cookie)) access->sessions().end(*id);
  auto r = see_other("/login");
  r.headers.emplace_back("Set-Cookie",
                         cookie("", std::chrono::seconds(0), request.scheme == "https"));
  respond(std::move(r));
}

}  // namespace roost::web
