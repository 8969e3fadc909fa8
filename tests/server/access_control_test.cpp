// API tokens and their checks (access_tokens.hpp, access_control.hpp): the stored set read
// as hostile input, the secrets, the 401/403 answers, and the log's redaction.
#include <catch2/catch.hpp>

#include <set>

#include "access_control.hpp"
#include "access_log.hpp"
#include "api.hpp"

using namespace roost::web;

namespace {

token_entry entry(std::string name, scope_set scopes, std::string secret,
                  std::optional<std::vector<std::string>> timelines = std::nullopt) {
  return {.name = std::move(name),
          .sha256 = token_hash(secret),
          .scopes = scopes,
          .timelines = std::move(timelines),
          .created_at = "2026-12-03T15:00:00Z"};
}

constexpr scope_set read_only = static_cast<unsigned>(scope::read);
constexpr scope_set read_write =
    static_cast<unsigned>(scope::read) | static_cast<unsigned>(scope::write);

http_request get(std::string target,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  return {"GET", std::move(target), "", std::move(headers)};
}

std::optional<std::string> header(const http_response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

}  // namespace

TEST_CASE("token secrets are random, well-formed and hashed with SHA-256") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto secret = new_token_secret();
    REQUIRE(secret.size() == 6 + 43);
    CHECK(secret.rfind("roost_", 0) == 0);
    CHECK(secret.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6) ==
          std::string::npos);
    seen.insert(secret);
  }
  CHECK(seen.size() == 100);
  // FIPS 180-2's test vector.
  CHECK(token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a token set survives its text, and a damaged text is refused") {
  token_set set;
  set.tokens.push_back(entry("phone", read_only, "s1", std::vector<std::string>{"home"}));
  set.tokens.push_back(entry("feeder", read_write, "s2"));
  const auto back = parse_token_set(format_token_set(set));
  REQUIRE(back.tokens.size() == 2);
  CHECK(back.tokens[0].name == "phone");
  CHECK(back.tokens[0].scopes == read_only);
  CHECK(back.tokens[0].timelines == std::vector<std::string>{"home"});
  CHECK_FALSE(back.tokens[1].timelines);
  CHECK(back.find_by_secret("s2") == &back.tokens[1]);
  CHECK(back.find_by_secret("s3") == nullptr);
  CHECK(back.tokens[0].covers("home"));
  CHECK_FALSE(back.tokens[0].covers("work"));
  CHECK(back.tokens[1].covers("anything"));

  const std::string h(64, 'a');
  for (const std::string& text : std::vector<std::string>{
           "", "[]", "{}", "{\"tokens\":{}}", "{\"tokens\":[1]}",
           "{\"tokens\":[{\"name\":\"a\",\"sha256\":\"" + h + "\"}]}",
           "{\"tokens\":[{\"name\":\"a\",\"sha256\":\"" + h + "\",\"scopes\":[]}]}",
           "{\"tokens\":[{\"name\":\"a\",\"sha256\":\"" + h + "\",\"scopes\":[\"root\"]}]}",
           "{\"tokens\":[{\"name\":\"a\",\"sha256\":\"ABC\",\"scopes\":[\"read\"]}]}",
           "{\"tokens\":[{\"name\":\"a b\",\"sha256\":\"" + h + "\",\"scopes\":[\"read\"]}]}",
           "{\"tokens\":[{\"name\":\"a\",\"sha256\":\"" + h +
               "\",\"scopes\":[\"read\"],\"timelines\":[\"\"]}]}",
           "{\"tokens\":[{\"name\":\"a\",\"sha256\":\"" + h +
               "\",\"scopes\":[\"read\"]},"
               "{\"name\":\"a\",\"sha256\":\"" +
               h + "\",\"scopes\":[\"read\"]}]}",
           "{\"tokens\":[]}\xff", std::string("{\"tokens\":[]}\0x", 15)}) {
    INFO(text);
    CHECK_THROWS_AS(parse_token_set(text), token_set_error);
  }
  CHECK(parse_token_set("{\"tokens\":[]}").tokens.empty());
}

TEST_CASE("scopes are read, write and admin, each on its own") {
  CHECK(parse_scopes("read") == read_only);
  CHECK(parse_scopes("write,read") == read_write);
  CHECK(format_scopes(parse_scopes("admin,read")) == "read,admin");
  for (const char* bad : {"", "read,", "Read", "root", "read,,write"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_scopes(bad), token_set_error);
  }
}

TEST_CASE("without tokens everyone may do everything; with one, every request needs one") {
  access_control access;
  CHECK_FALSE(access.required());
  auto anyone = access.authenticate(get("/timelines/home/statuses.json"), false);
  REQUIRE(std::holds_alternative<caller>(anyone));
  CHECK(std::get<caller>(anyone).may(scope::write, "home"));
  CHECK(std::get<caller>(anyone).may(scope::admin, "work"));

  auto set = std::make_shared<token_set>();
  set->tokens.push_back(entry("phone", read_only, "secret-1", std::vector<std::string>{"home"}));
  set->tokens.push_back(entry("feeder", read_write, "secret-2"));
  access.set_tokens(set);
  CHECK(access.required());

  const auto refusal = [&](const http_request& r, bool query_allowed = false) {
    auto result = access.authenticate(r, query_allowed);
    REQUIRE(std::holds_alternative<http_response>(result));
    return std::get<http_response>(result);
  };
  SECTION("no credentials: 401 with a challenge") {
    const auto r = refusal(get("/"));
    CHECK(r.status == 401);
    CHECK(header(r, "WWW-Authenticate") == "Bearer realm=\"roost\"");
  }
  SECTION("unknown, malformed or another scheme: 401 invalid_token") {
    for (const char* value :
         {"Bearer nope", "Bearer", "Bearer  ", "Basic c2VjcmV0LTE=", "secret-1"}) {
      INFO(value);
      const auto r = refusal(get("/", {{"authorization", value}}));
      CHECK(r.status == 401);
      CHECK(header(r, "WWW-Authenticate") == "Bearer realm=\"roost\", error=\"invalid_token\"");
    }
  }
  SECTION("a valid token: its name, scopes and timelines") {
    auto ok = access.authenticate(get("/", {{"Authorization", "bearer  secret-1 "}}), false);
    REQUIRE(std::holds_alternative<caller>(ok));
    const auto& who = std::get<caller>(ok);
    CHECK(who.name == "phone");
    CHECK(who.may(scope::read, "home"));
    CHECK_FALSE(who.may(scope::read, "work"));
    CHECK_FALSE(who.may(scope::write, "home"));
    const auto denied = forbidden(who, scope::write, "home");
    CHECK(denied.status == 403);
    CHECK(header(denied, "WWW-Authenticate") ==
          "Bearer realm=\"roost\", error=\"insufficient_scope\", scope=\"write\"");
    CHECK(forbidden(who, scope::read, "work").status == 403);
    CHECK_FALSE(header(forbidden(who, scope::read, "work"), "WWW-Authenticate"));
  }
  SECTION("a token in the query: only where allowed, only a read-only token") {
    CHECK(refusal(get("/feed?access_token=secret-1")).status == 401);
    CHECK(std::holds_alternative<caller>(
        access.authenticate(get("/feed?access_token=secret-1"), true)));
    CHECK(refusal(get("/feed?access_token=secret-2"), true).status == 401);
  }
  SECTION("revoked: refused at once") {
    access.set_tokens(
        std::make_shared<token_set>(token_set{{entry("feeder", read_write, "secret-2")}}));
    CHECK(refusal(get("/", {{"Authorization", "Bearer secret-1"}})).status == 401);
  }
}

TEST_CASE("access_token values never reach the log") {
  CHECK(redacted_target("/a/statuses.atom?access_token=roost_x&count=2") ==
        "/a/statuses.atom?access_token=[redacted]&count=2");
  CHECK(redacted_target("/a?count=2&access%5ftoken=roost_x") ==
        "/a?count=2&access_token=[redacted]");
  CHECK(redacted_target("/a?access_token") == "/a?access_token=[redacted]");
  CHECK(redacted_target("/a?access_tokens=1&x=access_token=2") ==
        "/a?access_tokens=1&x=access_token=2");
  CHECK(redacted_target("/plain") == "/plain");
}
