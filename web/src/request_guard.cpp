#include "request_guard.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "api.hpp"
#include "storage/json_input.hpp"

namespace roost::web {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A Host header value or the authority of an Origin, split. `host` is lower-case, without
// the brackets of an IPv6 literal and without a trailing dot; `port` is empty when absent.
struct authority {
  std::string host;
  std::string port;
  bool ipv6 = false;
};

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<authority> parse_authority(std::string_view text) {
  authority out;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == text.npos) return std::nullopt;
    out.host = lower(text.substr(1, close - 1));
    out.ipv6 = true;
    rest = text.substr(close + 1);
  } else {
    const auto colon = text.find(':');
    if (colon != text.rfind(':')) return std::nullopt;  // a bare IPv6 address is not a Host
    out.host = lower(text.substr(0, colon));
    rest = colon == text.npos ? std::string_view() : text.substr(colon);
  }
  if (!rest.empty()) {
    if (rest.front() != ':' || !all_digits(rest.substr(1))) return std::nullopt;
    out.port = std::string(rest.substr(1));
    if (std::stoul(out.port) > 65535) return std::nullopt;
    out.port = std::to_string(std::stoul(out.port));  // "080" is port 80
  }
  if (!out.ipv6 && !out.host.empty() && out.host.back() == '.') out.host.pop_back();
  // Userinfo, paths, spaces and the like are no part of a host name.
  const bool plain = std::all_of(out.host.begin(), out.host.end(), [&](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || (out.ipv6 && c == ':');
  });
  if (out.host.empty() || !plain) return std::nullopt;
  return out;
}

bool is_ip_literal(const authority& a) {
  unsigned char buffer[16];
  return inet_pton(a.ipv6 ? AF_INET6 : AF_INET, a.host.c_str(), buffer) == 1;
}

bool is_localhost(const authority& a) {
  const std::string_view name = a.host;
  return name == "localhost" || (name.size() > 10 && name.ends_with(".localhost"));
}

std::string port_or_default(const authority& a, std::string_view scheme) {
  if (!a.port.empty()) return a.port;
  return scheme == "https" ? "443" : "80";
}

bool changes_state(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

http_response refusal(int status, const std::string& message) {
  return json_error(status, message);
}

}  // namespace

bool is_served_host(std::string_view host, const request_guard_settings& settings,
                    std::string_view scheme) {
  const auto a = parse_authority(host);
  if (!a) return false;
  if (is_ip_literal(*a) || is_localhost(*a)) return true;
  for (const auto& entry : settings.public_hosts) {
    const auto allowed = parse_authority(entry);
    if (!allowed || allowed->host != a->host) continue;
    if (allowed->port.empty() || allowed->port == port_or_default(*a, scheme)) return true;
  }
  return false;
}

bool is_cross_site(const http_request& request, const request_guard_settings&) {
  if (const auto site = request.header("Sec-Fetch-Site")) {
    const auto value = lower(*site);
    return value != "same-origin" && value != "none";
  }
  const auto origin = request.header("Origin");
  if (!origin) return false;  // not sent by a browser
  // The request's own origin is its scheme and Host; "null" (sandboxed frames, file: pages,
  // some redirects) matches nothing.
  const auto scheme_end = origin->find("://");
  if (scheme_end == origin->npos) return true;
  const auto scheme = lower(origin->substr(0, scheme_end));
  const auto theirs = parse_authority(origin->substr(scheme_end + 3));
  const auto host = request.header("Host");
  const auto ours = host ? parse_authority(*host) : std::nullopt;
  if (!theirs || !ours || scheme != request.scheme) return true;
  return theirs->host != ours->host ||
         port_or_default(*theirs, scheme) != port_or_default(*ours, request.scheme);
}

std::optional<http_response> refuse_request(const http_request& request,
                                            const request_guard_settings& settings) {
  const auto host = request.header("Host");
  if (!host && request.version >= 11)
    return refusal(400, "an HTTP/1.1 request needs a Host header");
  if (host && !is_served_host(*host, settings, request.scheme))
    return refusal(421, "this server does not answer for the host " + quote_lossy(*host) +
                            ": add it to \"public_hosts\" in the configuration "
                            "(docs/security.md)");
  if (changes_state(request.method) && is_cross_site(request, settings))
    return refusal(403,
                   "cross-site request refused: a page of another site may not change "
                   "anything here (docs/security.md)");
  return std::nullopt;
}

}  // namespace roost::web
