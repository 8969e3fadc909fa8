// Maps a request's method and path to what it asks for: a pure function, so every
// path of the Web API is tested without a server.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace roost::web {

namespace route {
/// GET /timelines/{timeline}/statuses.{json|html}
struct get_statuses {
  std::string timeline;
  bool html = false;
};
/// POST /timelines/{timeline}/statuses.json
struct post_statuses {
  std::string timeline;
};
/// POST /timelines/{timeline}/ack.json
struct ack {
  std::string timeline;
};
/// POST /timelines/{timeline}/unack.json
struct unack {
  std::string timeline;
};
/// GET /timelines/{timeline}/statuses.atom
struct atom_feed {
  std::string timeline;
};
/// GET /timelines/{timeline}/changes.json (`stream` false) and .../changes (Server-Sent
/// Events, `stream` true)
struct changes {
  std::string timeline;
  bool stream = false;
};
/// GET /timelines/{timeline}/updates/unacked_counts.json
struct timeline_counts {
  std::string timeline;
};
/// GET /updates/unacked_counts.json
struct multi_counts {};
/// GET /
struct index_page {};
/// GET /timelines/{timeline}/
struct timeline_page {
  std::string timeline;
};
/// GET /timelines/{timeline} without the slash: answered with a redirect to the page.
struct timeline_slash {};
/// GET /static/{name}
struct static_asset {
  std::string name;
};
/// GET /login: the login form
struct login_page {};
/// POST /login: a form with user, password and next
struct login {};
/// POST /logout
struct logout {};
/// GET /healthz: whether the server can reach its store
struct health {};
/// A known path with the wrong method; `allow` lists the right one.
struct wrong_method {
  std::string allow;
};
/// Anything else.
struct not_found {};
}  // namespace route

using route_match =
    std::variant<route::get_statuses, route::post_statuses, route::ack, route::unack,
                 route::atom_feed, route::changes, route::timeline_counts, route::multi_counts,
                 route::index_page, route::timeline_page, route::timeline_slash,
                 route::static_asset, route::login_page, route::login, route::logout, route::health,
                 route::wrong_method, route::not_found>;

/// Matches `target` (origin-form, percent-encoded; the query is ignored here) for
/// `method`. Path segments are percent-decoded, so a timeline name may contain "/"
/// as %2F; "+" in a path is a plus sign.
route_match match_route(std::string_view method, std::string_view target);

}  // namespace roost::web
