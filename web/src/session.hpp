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
#include "tls_context.hpp"
#include "server_config.hpp"

namespace roost::web {

/// The open sessions, so that shutdown can close idle keep-alive connections.
class session_registry {
public:
  /// Registers a session's close function; returns its key.
  std::uint64_t add(std::function<void()> close);
  void remove(std::uint64_t key);
  /// Calls every registered close function (each posts to its session's strand).
  void close_all();

private:
  std::mutex mutex_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::function<void()>> sessions_;
};

/// What every session of one server shares.
struct session_context {
  const server_config& config;
  /// Answers one request (the api, plus pages and static assets).
  std::function<cancel_fn(const http_request&, respond_fn)> handle;
  access_log& log;
  /// Whose X-Forwarded-* headers are believed (forwarded.hpp).
  trusted_proxies proxies;
  /// HTTPS settings; null: plain HTTP.
  const tls_context* tls = nullptr;
  std::atomic<std::size_t> open_sessions{0};
  std::atomic<bool> stopping{false};
  session_registry sessions;
};

/// Starts serving `socket` (already on its own strand) until the client leaves, a limit
/// or timeout is hit, or the server stops. The session keeps itself alive.
void start_session(boost::asio::ip::tcp::socket socket, session_context& context);

}  // namespace roost::web
