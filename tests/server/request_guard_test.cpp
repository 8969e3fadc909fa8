// The checks before routing (request_guard.hpp): served hosts and cross-site writes, with
// the pitfalls of parsing Host and Origin.
#include <catch2/catch.hpp>

#include "request_guard.hpp"

using namespace roost::web;

namespace {

const request_guard_settings settings{.public_hosts = {"roost.example.com", "pinned.example:8443"}};

http_request post(std::vector<std::pair<std::string, std::string>> headers) {
  return {"POST", "/timelines/home/ack.json", "", std::move(headers)};
}

}  // namespace

TEST_CASE("served hosts: IP literals, localhost and public_hosts, nothing a DNS name can rebind") {
  for (const char* host : {"127.0.0.1", "127.0.0.1:5000", "[::1]:5000", "[::1]", "10.1.2.3:80",
                           "localhost", "LOCALHOST:5000", "localhost.", "app.localhost:8080",
                           "roost.example.com", "Roost.Example.COM:443", "roost.example.com.",
                           "pinned.example:8443", "pinned.example:08443"}) {
    INFO(host);
    CHECK(is_served_host(host, settings));
  }
  for (const char* host : {"evil.example", "evil.example:5000", "localhost.evil.example",
                           "evillocalhost", "pinned.example", "pinned.example:8080", "", ":5000",
                           "::1", "[::1", "127.0.0.1:99999", "127.0.0.1:5000x", "user@127.0.0.1",
                           "127.0.0.1/x", "roost.example.com:5000:1", "roost example.com"}) {
    INFO(host);
    CHECK_FALSE(is_served_host(host, settings));
  }
}

TEST_CASE("cross-site: Sec-Fetch-Site decides when present, else Origin against Host") {
  const auto cross = [](std::vector<std::pair<std::string, std::string>> h) {
    return is_cross_site(post(std::move(h)), settings);
  };
  CHECK_FALSE(cross({}));  // curl, scripts, BusyBird clients
  CHECK_FALSE(cross({{"Sec-Fetch-Site", "same-origin"}}));
  CHECK_FALSE(cross({{"Sec-Fetch-Site", "none"}}));  // typed into the address bar
  CHECK(cross({{"Sec-Fetch-Site", "cross-site"}}));
  CHECK(
      cross({{"Sec-Fetch-Site", "same-site"}}));  // any other app on this host or a sibling domain
  CHECK(cross({{"Sec-Fetch-Site", "bogus"}}));
  // Sec-Fetch-Site wins over an Origin that would match.
  CHECK(cross({{"Host", "127.0.0.1:5000"},
               {"Origin", "http://127.0.0.1:5000"},
               {"Sec-Fetch-Site", "cross-site"}}));

  CHECK_FALSE(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "http://127.0.0.1:5000"}}));
  CHECK_FALSE(cross({{"Host", "LocalHost:5000"}, {"Origin", "HTTP://localhost:5000"}}));  // case
  CHECK_FALSE(cross({{"Host", "localhost"}, {"Origin", "http://localhost:80"}}));  // default port
  CHECK_FALSE(cross({{"Host", "[::1]:5000"}, {"Origin", "http://[::1]:5000"}}));
  CHECK(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "http://evil.example"}}));
  CHECK(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "http://127.0.0.1:5001"}}));  // another port
  CHECK(
      cross({{"Host", "127.0.0.1:5000"}, {"Origin", "https://127.0.0.1:5000"}}));  // another scheme
  CHECK(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "null"}}));
  CHECK(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "http://evil@127.0.0.1:5000"}}));  // userinfo
  CHECK(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "http://127.0.0.1:5000/path"}}));
  CHECK(cross({{"Host", "127.0.0.1:5000"}, {"Origin", "127.0.0.1:5000"}}));
  CHECK(cross({{"Origin", "http://127.0.0.1:5000"}}));  // nothing to compare with
}

TEST_CASE("refuse_request: 421 for a foreign Host on any method, 403 for cross-site writes only") {
  const auto refused = [](http_request r) {
    const auto answer = refuse_request(r, settings);
    return answer ? answer->status : 0;
  };
  CHECK(refused({"GET", "/", "", {{"Host", "evil.example:5000"}}}) == 421);
  CHECK(refused({"POST", "/x", "", {{"Host", "evil.example"}}}) == 421);
  CHECK(refused({"GET", "/", "", {{"Host", "127.0.0.1:5000"}}}) == 0);
  // Reads are never refused for their origin: a page may link to the viewer.
  CHECK(refused({"GET", "/", "", {{"Host", "127.0.0.1"}, {"Sec-Fetch-Site", "cross-site"}}}) == 0);
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"})
    CHECK(refused({method, "/", "", {{"Host", "127.0.0.1"}, {"Origin", "http://evil.example"}}}) ==
          403);
  // HTTP/1.0 may omit Host; HTTP/1.1 may not.
  CHECK(refused({"GET", "/", "", {}, 10}) == 0);
  CHECK(refused({"POST", "/", "", {}, 10}) == 0);
  CHECK(refused({"GET", "/", "", {}, 11}) == 400);
}
