#include "login_sessions.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "base64url.hpp"

namespace roost::web {

login_clock real_login_clock() {
  return [] { return std::chrono::steady_clock::now(); };
}

session_store::session_store(session_limits limits, login_clock clock)
    : limits_(limits), clock_(std::move(clock)) {}

std::string session_store::create(const std::string& user, const std::string& password_hash) {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the random number generator failed (RAND_bytes)");
  auto id = base64url_encode({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (sessions_.size() >= limits_.max_sessions) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
    sessions_.erase(oldest);
  }
  sessions_[token_hash(id)] = {user, password_hash, now, now};
  return id;
}

std::optional<std::string> session_store::user_of(std::string_view id) {
  const auto key = token_hash(id);
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  auto& s = it->second;
  if (now - s.last_used >= limits_.idle || now - s.started >= limits_.absolute) {
    sessions_.erase(it);
    return std::nullopt;
  }
  s.last_used = now;
  return s.user;
}

void session_store::end(std::string_view id) {
  const auto key = token_hash(id);
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

void session_store::retain_users(const user_set& users) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) {
    const auto* u = users.find(entry.second.user);
    return u == nullptr || u->password != entry.second.password_hash;
  });
}

std::size_t session_store::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void session_store::drop_expired(std::chrono::steady_clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& entry) {
    return now - entry.second.last_used >= limits_.idle ||
           now - entry.second.started >= limits_.absolute;
  });
}

login_throttle::login_throttle(throttle_limits limits, login_clock clock)
    : limits_(limits), clock_(std::move(clock)) {}

std::chrono::seconds login_throttle::wait_in(times& t, std::size_t max,
                                             std::chrono::steady_clock::time_point now) const {
  std::erase_if(t, [&](auto at) { return now - at >= limits_.window; });
  if (t.size() < max) return std::chrono::seconds(0);
  // Allowed again once the oldest counted failure leaves the window; rounded up to a second.
  const auto left = limits_.window - (now - t[t.size() - max]);
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(left));
}

std::chrono::seconds login_throttle::wait_for(std::string_view address, std::string_view user) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  forget_old(now);
  auto wait = std::chrono::seconds(0);
  if (const auto it = by_address_.find(address); it != by_address_.end())
    wait = std::max(wait, wait_in(it->second, limits_.per_address, now));
  if (const auto it = by_user_.find(user); it != by_user_.end())
    wait = std::max(wait, wait_in(it->second, limits_.per_user, now));
  return wait;
}

void login_throttle::failed(std::string_view address, std::string_view user) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  by_address_[std::string(address)].push_back(now);
  by_user_[std::string(user)].push_back(now);
}

void login_throttle::succeeded(std::string_view user) {
  std::lock_guard lock(mutex_);
  if (const auto it = by_user_.find(user); it != by_user_.end()) by_user_.erase(it);
}

void login_throttle::forget_old(std::chrono::steady_clock::time_point now) {
  // Bounded memory under a flood of names and addresses: entries whose every failure
  // left the window go.
  for (auto* table : {&by_address_, &by_user_})
    std::erase_if(*table, [&](auto& entry) {
      return entry.second.empty() || now - entry.second.back() >= limits_.window;
    });
}

}  // namespace roost::web
