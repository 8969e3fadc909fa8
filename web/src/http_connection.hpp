// One HTTP/1.1 connection, plain or over TLS: reads requests, hands them to the api, writes
// responses, keeps the connection alive between requests. Beast lives here and in
// listener.cpp only.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>

#include "access_log.hpp"
#include "api.hpp"
#include "forwarded.hpp"
#include "server_config.hpp"
#include "tls_context.hpp"

namespace roost::web {

/// The open connections, so that shutdown can close idle keep-alive connections.
class connection_registry {
public:
  /// Registers a connection's close function; returns its key.
  std::uint64_t add(std::function<void()> close);
  void remove(std::uint64_t key);
  /// Calls every registered close function (each posts to its connection's strand).
  void close_all();

private:
  std::mutex mutex_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::function<void()>> connections_;
};

/// What every connection of one server shares.
struct connection_context {
  const server_config& config;
  /// Answers one request (the api, plus pages and static assets).
  std::function<cancel_fn(const http_request&, respond_fn)> handle;
  access_log& log;
  /// Whose X-Forwarded-* headers are believed (forwarded.hpp).
  trusted_proxies proxies;
  /// HTTPS settings; null: plain HTTP.
  const tls_context* tls = nullptr;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> stopping{false};
  connection_registry registry;
};

/// Starts serving `socket` (already on its own strand) until the client leaves, a limit
/// or timeout is hit, or the server stops. The connection keeps itself alive.
void start_connection(boost::asio::ip::tcp::socket socket, connection_context& context);

}  // namespace roost::web
