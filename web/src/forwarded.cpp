#include "forwarded.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

namespace roost::web {
namespace {

namespace ip = boost::asio::ip;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<ip::address> address_of(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(trim(text)), ec);
  if (ec) return std::nullopt;
  // An IPv4 client seen through an IPv6 socket is the IPv4 address.
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

void set_header(http_request& request, std::string_view name, std::string value) {
  for (auto& [field, v] : request.headers)
    if (field.size() == name.size() &&
        std::equal(field.begin(), field.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      v = std::move(value);
      return;
    }
  request.headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace

trusted_proxies::trusted_proxies(const std::vector<std::string>& entries) {
  for (const auto& entry : entries) {
    boost::system::error_code ec;
    if (entry.find('/') == std::string::npos) {
      const auto a = address_of(entry);
      if (!a) throw std::invalid_argument("\"" + entry + "\" is not an IP address or network");
      if (a->is_v4())
        v4_.emplace_back(a->to_v4(), 32);
      else
        v6_.emplace_back(a->to_v6(), 128);
    } else if (auto n4 = ip::make_network_v4(entry, ec); !ec) {
      v4_.push_back(n4);
    } else if (auto n6 = ip::make_network_v6(entry, ec); !ec) {
      v6_.push_back(n6);
    } else {
      throw std::invalid_argument("\"" + entry + "\" is not an IP address or network");
    }
  }
}

bool trusted_proxies::contains(std::string_view address) const {
  const auto a = address_of(address);
  if (!a) return false;
  if (a->is_v4()) {
    for (const auto& n : v4_)
      if (n.canonical() == ip::network_v4(a->to_v4(), n.prefix_length()).canonical()) return true;
  } else {
    for (const auto& n : v6_)
      if (n.canonical() == ip::network_v6(a->to_v6(), n.prefix_length()).canonical()) return true;
  }
  return false;
}

void apply_forwarded_headers(http_request& request, const trusted_proxies& proxies) {
  if (proxies.empty() || !proxies.contains(request.remote_address)) return;
  if (const auto chain = request.header("X-Forwarded-For")) {
    // Right to left: the first address that is not one of our proxies is the client.
    std::string_view rest = *chain;
    std::optional<std::string> client;
    while (!rest.empty()) {
      const auto comma = rest.rfind(',');
      const auto entry = trim(comma == rest.npos ? rest : rest.substr(comma + 1));
      rest = comma == rest.npos ? std::string_view{} : rest.substr(0, comma);
      const auto a = address_of(entry);
      if (!a) break;  // garbage: believe nothing further left
      client = a->to_string();
      if (!proxies.contains(*client)) break;
    }
    if (client) request.remote_address = *client;
  }
  if (const auto proto = request.header("X-Forwarded-Proto")) {
    const auto p = trim(*proto);
    if (p == "https" || p == "http") request.scheme = std::string(p);
  }
  if (const auto host = request.header("X-Forwarded-Host")) {
    // The first one: the host the client asked the outermost proxy for.
    std::string_view h = *host;
    h = trim(h.substr(0, h.find(',')));
    if (!h.empty()) set_header(request, "Host", std::string(h));
  }
}

}  // namespace roost::web
