// Who may ask: the checks every request passes before it is routed, with or without
// authentication. Pure functions of the request and the settings; no I/O.
//
// - Host (DNS rebinding). A page on evil.example whose name an attacker re-points at
//   127.0.0.1 talks to the server with "Host: evil.example". Only hosts the server serves
//   are answered: IP literals, `localhost` and names under `.localhost` (no DNS can point
//   those elsewhere, the rule of Vite's dev server), and the names in `public_hosts`.
//   Others get 421 with a message naming the setting.
// - Cross-site writes (CSRF). A state-changing request (anything but GET, HEAD, OPTIONS)
//   that a browser marks as coming from another site is refused with 403 before anything
//   changes: by Sec-Fetch-Site when the browser sends it (only `same-origin` and `none`
//   pass; `same-site` is refused, since every other web application on this machine is
//   "same site" as a server on localhost), else by Origin against the request's own
//   origin. A request with neither header is not from a browser (curl, scripts, BusyBird
//   clients) and passes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http_message.hpp"

namespace roost::web {

/// What the checks need to know of the server.
struct request_guard_settings {
  /// Host names besides IP literals and localhost that requests may name, each "name" (any
  /// port) or "name:port"; matched without regard to case.
  std::vector<std::string> public_hosts;
};

/// The refusal of `request` (421, 403 or 400, with a JSON error), or nullopt when it may
/// be routed.
std::optional<http_response> refuse_request(const http_request& request,
                                            const request_guard_settings& settings);

/// True when `host` (a Host header value: name or IP literal, optional ":port") is one the
/// server answers under `settings`, for a request by `scheme` (its default port).
bool is_served_host(std::string_view host, const request_guard_settings& settings,
                    std::string_view scheme = "http");

/// True when a browser marked `request` as coming from another site (Sec-Fetch-Site or
/// Origin against the request's scheme and Host, as above). Requests without either header are not
/// cross-site.
bool is_cross_site(const http_request& request, const request_guard_settings& settings);

}  // namespace roost::web
