// X-Forwarded-* from trusted proxies only (forwarded.hpp).
#include <catch2/catch.hpp>

#include "forwarded.hpp"

using namespace roost::web;

namespace {

http_request from(std::string peer, std::vector<std::pair<std::string, std::string>> headers) {
  http_request r{"GET", "/", "", std::move(headers)};
  r.remote_address = std::move(peer);
  return r;
}

}  // namespace

TEST_CASE("trusted proxies are addresses and networks of either family") {
  const trusted_proxies proxies({"127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1"});
  for (const char* a : {"127.0.0.1", "10.1.2.3", "fd12::1", "::1", "::ffff:10.9.9.9"}) {
    INFO(a);
    CHECK(proxies.contains(a));
  }
  for (const char* a : {"127.0.0.2", "11.0.0.1", "fe80::1", "", "10.0.0.1:80", "nonsense"}) {
    INFO(a);
    CHECK_FALSE(proxies.contains(a));
  }
  CHECK(trusted_proxies().empty());
  for (const char* bad : {"10.0.0.0/33", "example.com", "10.0.0.1/8x", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(trusted_proxies({bad}), std::invalid_argument);
  }
}

TEST_CASE("a trusted proxy's headers say who the client is and how it came") {
  const trusted_proxies proxies({"127.0.0.1", "10.0.0.0/8"});
  auto r = from("127.0.0.1", {{"Host", "127.0.0.1:5000"},
                              {"X-Forwarded-For", "203.0.113.9, 198.51.100.7, 10.0.0.2"},
                              {"X-Forwarded-Proto", "https"},
                              {"x-forwarded-host", "roost.example.com, inner.example"}});
  apply_forwarded_headers(r, proxies);
  CHECK(r.remote_address == "198.51.100.7");  // right-most that is not one of ours
  CHECK(r.scheme == "https");
  CHECK(r.header("Host") == "roost.example.com");

  SECTION("a chain of only our proxies: the left-most") {
    auto q = from("127.0.0.1", {{"X-Forwarded-For", "10.0.0.5,10.0.0.6"}});
    apply_forwarded_headers(q, proxies);
    CHECK(q.remote_address == "10.0.0.5");
  }
  SECTION("garbage in the chain: nothing left of it is believed") {
    auto q = from("127.0.0.1", {{"X-Forwarded-For", "203.0.113.9, junk, 10.0.0.2"}});
    apply_forwarded_headers(q, proxies);
    CHECK(q.remote_address == "10.0.0.2");
    auto g = from("127.0.0.1", {{"X-Forwarded-For", "junk"}, {"X-Forwarded-Proto", "gopher"}});
    apply_forwarded_headers(g, proxies);
    CHECK(g.remote_address == "127.0.0.1");
    CHECK(g.scheme == "http");
  }
}

TEST_CASE("anyone else's X-Forwarded-* headers change nothing") {
  for (const auto& proxies : {trusted_proxies(), trusted_proxies({"10.0.0.0/8"})}) {
    auto r = from("192.0.2.1", {{"Host", "127.0.0.1:5000"},
                                {"X-Forwarded-For", "203.0.113.9"},
                                {"X-Forwarded-Proto", "https"},
                                {"X-Forwarded-Host", "roost.example.com"}});
    apply_forwarded_headers(r, proxies);
    CHECK(r.remote_address == "192.0.2.1");
    CHECK(r.scheme == "http");
    CHECK(r.header("Host") == "127.0.0.1:5000");
  }
}
