// The viewer's login sessions, kept in the server's memory, and the throttle on login
// attempts (login_api.cpp).
//
// A session is a random 256-bit id in the cookie `roost_session`. The server keeps only
// the id's SHA-256, so a memory dump does not hand out live cookies. A session ends:
// - idle: after `idle` without a request;
// - absolute: after `absolute` since login, however busy;
// - at logout;
// - when its user is removed or their password changes (retain_users, run on every change
//   of the store's users, from any process).
// A restart ends every session: they are not written to the store, which keeps durable
// things only, and logging in again is cheap.
//
// Thread-safe. Times come from an injected clock, so tests move time without sleeping.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "access_users.hpp"

namespace roost::web {

/// The clock sessions and the throttle read.
using login_clock = std::function<std::chrono::steady_clock::time_point()>;

/// The steady clock.
login_clock real_login_clock();

/// How long sessions last.
struct session_limits {
  std::chrono::seconds idle{std::chrono::hours(12)};
  std::chrono::seconds absolute{std::chrono::hours(24 * 7)};
  std::size_t max_sessions = 100000;  ///< beyond this the oldest-used session ends
};

class session_store {
public:
  explicit session_store(session_limits limits = {}, login_clock clock = real_login_clock());

  /// Starts a session for `user` (whose stored password text is `password_hash`);
  /// returns the cookie value.
  std::string create(const std::string& user, const std::string& password_hash);

  /// The user of the session whose cookie value is `id`, or none when there is no such
  /// live session. Counts as use (resets the idle bound).
  std::optional<std::string> user_of(std::string_view id);

  /// Ends the session `id` (logout); nothing when there is none.
  void end(std::string_view id);

  /// Ends every session whose user is no longer in `users` or whose password changed.
  void retain_users(const user_set& users);

  /// Live sessions (for tests and the log).
  std::size_t size() const;

  const session_limits& limits() const noexcept { return limits_; }

private:
  struct session {
    std::string user;
    std::string password_hash;
    std::chrono::steady_clock::time_point started, last_used;
  };
  void drop_expired(std::chrono::steady_clock::time_point now);

  session_limits limits_;
  login_clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, session, std::less<>> sessions_;  // by the id's SHA-256
};

/// Failed logins allowed per user name and per client address within a window: after as
/// many failures within `window`, further attempts (right or wrong) are refused until the
/// oldest of them leaves the window. The address allows more, since many people may
/// share one (a NAT). A success clears the user name's failures, not the address's: one
/// right password must not unlock guessing at every other account.
struct throttle_limits {
  std::size_t per_user = 5;
  std::size_t per_address = 20;
  std::chrono::seconds window{std::chrono::minutes(15)};
};

class login_throttle {
public:
  explicit login_throttle(throttle_limits limits = {}, login_clock clock = real_login_clock());

  /// Seconds until an attempt from `address` for `user` is allowed; 0 when it is now.
  std::chrono::seconds wait_for(std::string_view address, std::string_view user);

  /// Records a failed attempt.
  void failed(std::string_view address, std::string_view user);

  /// Records a successful attempt.
  void succeeded(std::string_view user);

private:
  using times = std::vector<std::chrono::steady_clock::time_point>;
  std::chrono::seconds wait_in(times& t, std::size_t max,
                               std::chrono::steady_clock::time_point now) const;
  void forget_old(std::chrono::steady_clock::time_point now);

  throttle_limits limits_;
  login_clock clock_;
  std::mutex mutex_;
  std::map<std::string, times, std::less<>> by_address_, by_user_;
};

}  // namespace roost::web
