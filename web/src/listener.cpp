#include "listener.hpp"

#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

namespace roost::web {

namespace net = boost::asio;
using tcp = net::ip::tcp;

listener::listener(net::io_context& ioc, const tcp::endpoint& endpoint, connection_context& context)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      context_(context),
      retry_(acceptor_.get_executor()) {
  // Errors say which address failed and what to do, not where in Asio it happened.
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) return;
  const auto where =
      endpoint.address().is_v6()
          ? "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port())
          : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  std::string advice;
  if (ec == net::error::address_in_use)
    advice =
        ": another program (or another roost) listens there; stop it or choose another "
        "port (--listen HOST:PORT, port 0 picks a free one)";
  else if (ec == net::error::access_denied)
    advice = ": ports below 1024 need privileges; choose a port above 1023";
  else if (ec == boost::system::errc::address_not_available)
    advice = ": no interface of this machine has that address; use 127.0.0.1, ::1 or 0.0.0.0";
  throw listen_error("cannot listen on " + where + ": " + ec.message() + advice);
}

void listener::start() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void listener::stop() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

std::uint16_t listener::port() const { return acceptor_.local_endpoint().port(); }

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(
      net::make_strand(ioc_),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors (EMFILE, ENFILE) or memory. The connection stays queued, so
    // accepting again at once would fail at once, in a loop that burns a core; wait,
    // longer while it lasts (10 ms doubling to 1 s), until connections give descriptors back.
    using std::chrono::milliseconds;
    backoff_ =
        std::min(backoff_ == milliseconds(0) ? milliseconds(10) : backoff_ * 2, milliseconds(1000));
    retry_.expires_after(backoff_);
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
    });
    return;
  }
  backoff_ = std::chrono::milliseconds(0);
  if (context_.open_connections.load() >= context_.config.max_connections) {
    // Over the cap: refuse by closing at once rather than queueing without bound.
    socket.close(ec);
  } else {
    start_connection(std::move(socket), context_);
  }
  do_accept();
}

}  // namespace roost::web
