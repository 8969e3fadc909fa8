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
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
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
