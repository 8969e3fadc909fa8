// Accepts connections and starts a connection for each, up to the connection cap.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http_connection.hpp"

namespace roost::web {

/// The listening socket could not be set up; the message names the address, the reason
/// and what to do.
class listen_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Listens on one endpoint. Create with make_shared, then start(); stop() closes it.
class listener : public std::enable_shared_from_this<listener> {
public:
  /// Binds and listens; throws listen_error when it cannot.
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
           connection_context& context);

  /// Starts accepting.
  void start();

  /// Stops accepting; open connections are not touched.
  void stop();

  /// The bound port (useful when the configured port was 0).
  std::uint16_t port() const;

private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  connection_context& context_;
  /// Waits before accepting again after a failed accept (out of descriptors).
  boost::asio::steady_timer retry_;
  std::chrono::milliseconds backoff_{0};
};

}  // namespace roost::web
