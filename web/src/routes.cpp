#include "routes.hpp"

#include <vector>

#include <boost/url/parse.hpp>

namespace roost::web {
namespace {

// HEAD is answered like GET by the session.
bool is_get(std::string_view method) { return method == "GET" || method == "HEAD"; }

template <typename Route>
route_match expect(std::string_view method, std::string_view wanted, Route r) {
  const bool ok = wanted == "GET" ? is_get(method) : method == wanted;
  if (!ok) return route::wrong_method{wanted == "GET" ? "GET, HEAD" : std::string(wanted)};
  return r;
}

}  // namespace

route_match match_route(std::string_view method, std::string_view target) {
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return route::not_found{};
  std::vector<std::string> segments;
  for (auto segment : parsed->segments()) segments.push_back(std::move(segment));
  const auto n = segments.size();

  if (n == 0 || (n == 1 && segments[0].empty())) return expect(method, "GET", route::index_page{});
  if (n == 2 && segments[0] == "updates" && segments[1] == "unacked_counts.json")
    return expect(method, "GET", route::multi_counts{});
  if (n == 1 && segments[0] == "login") {
    if (method == "POST") return route::login{};
    if (is_get(method)) return route::login_page{};
    return route::wrong_method{"GET, HEAD, POST"};
  }
  if (n == 1 && segments[0] == "logout") return expect(method, "POST", route::logout{});
  if (n == 1 && segments[0] == "healthz") return expect(method, "GET", route::health{});
  if (n == 2 && segments[0] == "static" && !segments[1].empty())
    return expect(method, "GET", route::static_asset{segments[1]});
  if (n == 2 && segments[0] == "timelines" && !segments[1].empty())
    return expect(method, "GET", route::timeline_slash{});
  if (segments[0] != "timelines" || n < 3 || segments[1].empty()) return route::not_found{};

  auto& timeline = segments[1];
  if (n == 3 && segments[2].empty()) return expect(method, "GET", route::timeline_page{timeline});
  if (n == 3 && segments[2] == "statuses.json") {
    if (method == "POST") return route::post_statuses{timeline};
    if (is_get(method)) return route::get_statuses{timeline, false};
    return route::wrong_method{"GET, HEAD, POST"};
  }
  if (n == 3 && segments[2] == "statuses.html")
    return expect(method, "GET", route::get_statuses{timeline, true});
  if (n == 3 && segments[2] == "statuses.atom")
    return expect(method, "GET", route::atom_feed{timeline});
  if (n == 3 && segments[2] == "changes.json")
    return expect(method, "GET", route::changes{timeline, false});
  if (n == 3 && segments[2] == "changes")
    return expect(method, "GET", route::changes{timeline, true});
  if (n == 3 && segments[2] == "ack.json") return expect(method, "POST", route::ack{timeline});
  if (n == 3 && segments[2] == "unack.json") return expect(method, "POST", route::unack{timeline});
  if (n == 4 && segments[2] == "updates" && segments[3] == "unacked_counts.json")
    return expect(method, "GET", route::timeline_counts{timeline});
  return route::not_found{};
}

}  // namespace roost::web
