// Viewer users, sessions and the login throttle (access_users.hpp, login_sessions.hpp),
// with an injected clock: expiry and throttling are tested without sleeping.
#include <catch2/catch.hpp>

#include "access_control.hpp"
#include "access_users.hpp"
#include "base64url.hpp"
#include "login_sessions.hpp"

using namespace roost::web;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct fake_clock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  login_clock fn() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::seconds d) const { *now += d; }
};

user_set one_user(std::string name, std::string hash) {
  return {{{.name = std::move(name),
            .password = std::move(hash),
            .scopes = static_cast<unsigned>(scope::read),
            .timelines = std::nullopt}}};
}

}  // namespace

TEST_CASE("base64url round-trips every byte string and refuses other texts") {
  for (const std::string& bytes : {std::string(), std::string("f"), std::string("fo"),
                                   std::string("foo"), std::string("\0\xff\x10", 3)}) {
    const auto text = base64url_encode(bytes);
    CHECK(text.find_first_of("+/=") == std::string::npos);
    CHECK(base64url_decode(text) == bytes);
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  for (const char* bad : {"a", "ab=c", "a+bc", "-_9"}) {  // "-_9": bits left over
    INFO(bad);
    CHECK_FALSE(base64url_decode(bad));
  }
}

TEST_CASE("passwords: scrypt with a salt per hash, verified in constant time") {
  const auto a = hash_password("correct horse");
  const auto b = hash_password("correct horse");
  CHECK(a.rfind("scrypt$15$8$3$", 0) == 0);
  CHECK(a != b);  // the salt
  CHECK(verify_password("correct horse", a));
  CHECK(verify_password("correct horse", b));
  CHECK_FALSE(verify_password("correct horsf", a));
  CHECK_FALSE(verify_password("", a));
  // Stored texts from a damaged store: refused, never a crash or a giant allocation.
  for (const std::string& stored :
       std::vector<std::string>{std::string(), "scrypt$15$8$3$", "scrypt$40$8$3$" + a.substr(14),
                                "scrypt$15$8$3$!!$!!", "bcrypt$15$8$3$" + a.substr(14), a + "$x"}) {
    INFO(stored);
    CHECK_FALSE(verify_password("correct horse", stored));
  }
  verify_nothing("anything");  // spends the time, changes nothing
  CHECK_THROWS_AS(validate_password("short"), token_set_error);
  CHECK_THROWS_AS(validate_password("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"), token_set_error);
  validate_password("long enough");
}

TEST_CASE("a user set survives its text; a damaged one is refused") {
  const auto set = one_user("alice@example", hash_password("password 1"));
  const auto back = parse_user_set(format_user_set(set));
  REQUIRE(back.users.size() == 1);
  CHECK(back.users[0].name == "alice@example");
  CHECK(back.find("alice@example") != nullptr);
  CHECK(back.find("bob") == nullptr);
  CHECK(verify_password("password 1", back.users[0].password));
  for (const char* bad :
       {"{\"users\":[{\"name\":\"a\",\"password\":\"plain\",\"scopes\":[\"read\"]}]}",
        "{\"users\":[{\"name\":\"a b\",\"password\":\"x\",\"scopes\":[\"read\"]}]}",
        "{\"users\":7}"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_user_set(bad), token_set_error);
  }
}

TEST_CASE("sessions end when idle, at their absolute age, at logout and with their user") {
  fake_clock clock;
  session_store sessions({.idle = 600s, .absolute = 3600s}, clock.fn());
  const auto id = sessions.create("alice", "hash-1");
  CHECK(id.size() == 43);
  CHECK(sessions.user_of(id) == "alice");
  CHECK_FALSE(sessions.user_of(id + "x"));
  CHECK_FALSE(sessions.user_of(""));

  SECTION("idle") {
    clock.advance(599s);
    CHECK(sessions.user_of(id) == "alice");  // use resets the idle bound...
    clock.advance(599s);
    CHECK(sessions.user_of(id) == "alice");
    clock.advance(600s);
    CHECK_FALSE(sessions.user_of(id));  // ...and idleness ends it
    CHECK(sessions.size() == 0);
  }
  SECTION("absolute") {
    for (int i = 0; i < 6; ++i) {
      clock.advance(590s);
      CHECK(sessions.user_of(id) == "alice");
    }
    clock.advance(60s);  // 3600 s since login, never idle
    CHECK_FALSE(sessions.user_of(id));
  }
  SECTION("logout") {
    const auto other = sessions.create("alice", "hash-1");
    sessions.end(id);
    CHECK_FALSE(sessions.user_of(id));
    CHECK(sessions.user_of(other) == "alice");  // only that session
  }
  SECTION("the user removed, or the password changed") {
    const auto bob = sessions.create("bob", "hash-2");
    user_set users = one_user("alice", "hash-1");
    users.users.push_back({.name = "bob", .password = "hash-2", .scopes = 1, .timelines = {}});
    sessions.retain_users(users);
    CHECK(sessions.user_of(id) == "alice");
    CHECK(sessions.user_of(bob) == "bob");
    users.users[0].password = "hash-3";  // alice's password changed
    users.users.pop_back();              // bob removed
    sessions.retain_users(users);
    CHECK_FALSE(sessions.user_of(id));
    CHECK_FALSE(sessions.user_of(bob));
  }
}

TEST_CASE("the session store keeps at most max_sessions, dropping the least recently used") {
  fake_clock clock;
  session_store sessions({.idle = 600s, .absolute = 3600s, .max_sessions = 2}, clock.fn());
  const auto a = sessions.create("a", "h");
  clock.advance(1s);
  const auto b = sessions.create("b", "h");
  clock.advance(1s);
  CHECK(sessions.user_of(a) == "a");  // a is now used more recently than b
  sessions.create("c", "h");
  CHECK(sessions.size() == 2);
  CHECK(sessions.user_of(a) == "a");
  CHECK_FALSE(sessions.user_of(b));
}

TEST_CASE("login attempts are throttled per user name and per address") {
  fake_clock clock;
  login_throttle throttle({.per_user = 3, .per_address = 5, .window = 900s}, clock.fn());
  CHECK(throttle.wait_for("10.0.0.1", "alice") == 0s);
  for (int i = 0; i < 3; ++i) throttle.failed("10.0.0.1", "alice");
  // The name is throttled from every address...
  CHECK(throttle.wait_for("10.0.0.1", "alice") == 900s);
  CHECK(throttle.wait_for("10.0.0.2", "alice") == 900s);
  // ...the address not yet, for other names.
  CHECK(throttle.wait_for("10.0.0.1", "bob") == 0s);
  throttle.failed("10.0.0.1", "bob");
  throttle.failed("10.0.0.1", "carol");
  CHECK(throttle.wait_for("10.0.0.1", "dave") == 900s);  // 5 failures from the address
  CHECK(throttle.wait_for("10.0.0.3", "dave") == 0s);
  clock.advance(600s);
  CHECK(throttle.wait_for("10.0.0.2", "alice") == 300s);
  clock.advance(300s);
  CHECK(throttle.wait_for("10.0.0.2", "alice") == 0s);  // the window moved on
  // A success clears the name's failures, not the address's.
  throttle.failed("10.0.0.4", "erin");
  throttle.failed("10.0.0.4", "erin");
  throttle.succeeded("erin");
  throttle.failed("10.0.0.4", "erin");
  throttle.failed("10.0.0.4", "erin");
  CHECK(throttle.wait_for("10.0.0.5", "erin") == 0s);
  throttle.failed("10.0.0.4", "frank");
  CHECK(throttle.wait_for("10.0.0.4", "zed") == 900s);
}

TEST_CASE("a session cookie authenticates its user with the user's scopes and timelines") {
  fake_clock clock;
  access_control access({.idle = 600s, .absolute = 3600s}, clock.fn());
  const auto hash = hash_password("password 1");
  user_set users;
  users.users.push_back({.name = "alice",
                         .password = hash,
                         .scopes = static_cast<unsigned>(scope::read),
                         .timelines = std::vector<std::string>{"home"}});
  access.set_users(std::make_shared<user_set>(users));
  CHECK(access.required());
  const auto id = access.sessions().create("alice", hash);
  const http_request with_cookie{"GET", "/", "", {{"Cookie", "theme=dark; roost_session=" + id}}};
  auto who = access.authenticate(with_cookie, false);
  REQUIRE(std::holds_alternative<caller>(who));
  CHECK(std::get<caller>(who).name == "alice");
  CHECK(std::get<caller>(who).session == id);
  CHECK(std::get<caller>(who).may(scope::read, "home"));
  CHECK_FALSE(std::get<caller>(who).may(scope::read, "work"));
  CHECK_FALSE(std::get<caller>(who).may(scope::write, "home"));
  clock.advance(600s);
  auto expired = access.authenticate(with_cookie, false);
  REQUIRE(std::holds_alternative<http_response>(expired));
  CHECK(std::get<http_response>(expired).status == 401);
  // Removing the user ends the session at once.
  const auto again = access.sessions().create("alice", hash);
  access.set_users(std::make_shared<user_set>());
  access.set_users(std::make_shared<user_set>(one_user("bob", hash)));
  const http_request later{"GET", "/", "", {{"cookie", "roost_session=" + again}}};
  CHECK(std::holds_alternative<http_response>(access.authenticate(later, false)));
}
