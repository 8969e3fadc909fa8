// Behind a reverse proxy: what X-Forwarded-For, -Proto and -Host say about the client,
// believed only from the proxies listed in `trusted_proxies` (docs/security.md).
//
// From anyone else these headers are ignored: a client could otherwise claim any address
// (and so escape the login throttle), claim https (and get Secure cookies over http), or
// name a Host the check would not otherwise pass. From a trusted proxy:
//   - the client is the right-most X-Forwarded-For address that is not itself a trusted
//     proxy (each proxy appends the address it saw);
//   - X-Forwarded-Proto "https" or "http" becomes the request's scheme;
//   - X-Forwarded-Host replaces Host, for the Host check and Origin comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include "http_message.hpp"

namespace roost::web {

/// Addresses and networks ("10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8").
class trusted_proxies {
public:
  /// Parses each entry; throws std::invalid_argument naming one that is not an address
  /// or network.
  explicit trusted_proxies(const std::vector<std::string>& entries = {});

  /// True when `address` (an IP literal) is one of them.
  bool contains(std::string_view address) const;

  bool empty() const noexcept { return v4_.empty() && v6_.empty(); }

private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

/// Applies a trusted proxy's X-Forwarded-* headers to `request` (whose remote_address is
/// the connection's peer); does nothing for anyone else.
void apply_forwarded_headers(http_request& request, const trusted_proxies& proxies);

}  // namespace roost::web
