// The connection handling of the Beast async server examples: one connection object per
// connection, kept alive by the handler in flight, on its own strand; do_x() starts an
// operation, on_x() continues it. No mutexes in the request/response path; a streamed
// response (Server-Sent Events) takes its events from other threads through a small
// locked queue.
#include "http_connection.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <iostream>
#include <optional>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "storage/utf8.hpp"

namespace roost::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::uint64_t connection_registry::add(std::function<void()> close) {
  std::lock_guard lock(mutex_);
  connections_.emplace(next_, std::move(close));
  return next_++;
}

void connection_registry::remove(std::uint64_t key) {
  std::lock_guard lock(mutex_);
  connections_.erase(key);
}

void connection_registry::close_all() {
  std::map<std::uint64_t, std::function<void()>> all;
  {
    std::lock_guard lock(mutex_);
    all = connections_;
  }
  for (auto& [key, close] : all) close();
}

namespace {

// The one answer a request gets. Every copy of the request's respond function shares it;
// when the last copy goes away without having answered, which only happens when an
// exception unwound the work that held it, the request is answered 500 instead of
// waiting forever. (A long poll abandoned by its client drops it too; the connection then
// ignores the answer, as it ignores any answer to a request nobody waits for.)
template <class Owner>
class pending_answer {
public:
  /// `request`: the method and target, for the log line of a dropped answer.
  pending_answer(std::shared_ptr<Owner> owner, std::string request)
      : owner_(std::move(owner)), request_(std::move(request)) {}
  pending_answer(const pending_answer&) = delete;
  pending_answer& operator=(const pending_answer&) = delete;
  ~pending_answer();

  /// Hands `response` to the connection's strand; only the first call counts.
  void send(http_response response);

private:
  std::shared_ptr<Owner> owner_;
  std::string request_;
  std::atomic<bool> answered_{false};
};

// Stream: beast::tcp_stream (plain HTTP) or beast::ssl_stream<beast::tcp_stream> (HTTPS).
template <class Stream>
class http_connection : public std::enable_shared_from_this<http_connection<Stream>>,
                        public event_sink {
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

public:
  /// `tls_context`: the TLS settings this connection keeps (null for plain HTTP).
  http_connection(tcp::socket&& socket, std::shared_ptr<ssl::context> tls_context,
                  connection_context& context)
      : tls_context_(std::move(tls_context)),
        stream_(make_stream(std::move(socket), tls_context_.get())),
        context_(context) {
    boost::system::error_code ec;
    const auto endpoint = socket_().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = endpoint.address().to_string();
      remote_ = remote_address_ + ":" + std::to_string(endpoint.port());
    }
    ++context_.open_connections;
  }

  ~http_connection() {
    context_.registry.remove(registry_key_);
    --context_.open_connections;
  }

  void start() {
    std::weak_ptr<http_connection> weak = this->shared_from_this();
    registry_key_ = context_.registry.add([weak] {
      if (auto self = weak.lock())
        net::post(self->stream_.get_executor(), [self] { self->close_if_idle(); });
    });
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  /// The strand this connection's handlers run on.
  net::any_io_executor executor() { return stream_.get_executor(); }

private:
  static Stream make_stream(tcp::socket&& socket, ssl::context* tls_context) {
    if constexpr (tls)
      return Stream(std::move(socket), *tls_context);
    else
      return Stream(std::move(socket));
  }

  tcp::socket& socket_() { return beast::get_lowest_layer(stream_).socket(); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // HTTPS: the handshake first, within the read timeout, under the same limits as a request.
  void begin() {
    if constexpr (tls) {
      lowest().expires_after(context_.config.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->do_close();  // not TLS, or too old a TLS
                                self->do_read();
                              });
    } else {
      do_read();
    }
  }

  void do_read() {
    if (context_.stopping) return do_close();
    parser_.emplace();
    parser_->body_limit(context_.config.max_body_bytes);
    reading_ = true;
    // The whole header must arrive within the idle timeout, the body within the read timeout.
    lowest().expires_after(context_.config.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&http_connection::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    lowest().expires_after(context_.config.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&http_connection::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec) return on_read_error(ec);
    auto request = parser_->release();
    started_ = std::chrono::steady_clock::now();
    keep_alive_ = request.keep_alive();
    head_ = request.method() == http::verb::head;
    current_ = {std::string(request.method_string()),
                std::string(request.target()),
                std::move(request.body()),
                {},
                request.version(),
                remote_address_};
    for (const auto& field : request)
      current_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    current_.scheme = tls ? "https" : "http";
    apply_forwarded_headers(current_, context_.proxies);
    lowest().expires_never();  // a long poll may wait; its own bound answers it
    waiting_ = true;
    auto self = this->shared_from_this();
    // Responses may come from any thread; they continue on this connection's strand. An
    // answer dropped unsent (an exception unwound the work that held it) becomes a 500.
    // Client bytes, cut and made printable for the log.
    auto answer = std::make_shared<pending_answer<http_connection>>(
        self, lossy_utf8(current_.method + " " + redacted_target(current_.target).substr(0, 200)));
    respond_fn respond = [answer](http_response response) { answer->send(std::move(response)); };
    cancel_ = context_.handle(current_, std::move(respond));
    // Queued behind an immediate answer, this finds waiting_ false and does nothing; only
    // a request that is really held (a long poll) watches for its client leaving.
    net::post(stream_.get_executor(), [self] {
      if (self->waiting_) self->watch_disconnect();
    });
  }

  void on_read_error(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof)
      return do_close();
    // A request Beast refused to parse: answer it, then close the connection, after
    // draining what the client still sends (lingering_close).
    keep_alive_ = false;
    linger_ = true;
    head_ = false;
    current_ = {"?", "?", {}};
    started_ = std::chrono::steady_clock::now();
    if (ec == http::error::body_limit)
      return on_response(json_error(413, "request body exceeds the limit of " +
                                             std::to_string(context_.config.max_body_bytes) +
                                             " bytes"));
    if (ec == http::error::header_limit)
      return on_response(json_error(431, "request header fields are too large"));
    on_response(json_error(400, "malformed HTTP request: " + ec.message()));
  }

  // While a request waits for its answer, a readable socket means the client either sent
  // more (pipelining: left in the kernel buffer until this answer is written) or left.
  void watch_disconnect() {
    socket_().async_wait(
        tcp::socket::wait_read, [self = this->shared_from_this()](beast::error_code ec) {
          if (ec || !self->waiting_) return;
          char byte;
          const auto n = ::recv(self->socket_().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
          if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            self->abandon();
          }
          // n > 0: a pipelined request is waiting; it is read once this answer is written.
        });
  }

  // The client left while its request was held: free it and stop.
  void abandon() {
    waiting_ = false;
    if (cancel_) std::exchange(cancel_, {})();
    do_close();
  }

public:
  /// Writes the answer to the current request (on the strand).
  void on_response(http_response r) {
    if (!waiting_ && current_.method != "?") return;  // abandoned: nobody to answer
    waiting_ = false;
    if (r.start_stream) return start_stream(std::move(r));
    cancel_ = {};
    const bool keep = keep_alive_ && !context_.stopping;
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::server, "roost");
    res.set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.keep_alive(keep);
    const auto bytes = r.body.size();
    res.body() = std::move(r.body);
    res.prepare_payload();
    if (head_) res.body().clear();  // HEAD: same headers, Content-Length included, no body
    context_.log.write({remote_, current_.method, current_.target, r.status, bytes,
                        std::chrono::steady_clock::now() - started_});
    response_ = std::move(res);
    lowest().expires_after(context_.config.read_timeout);  // slow readers are cut off too
    http::async_write(
        stream_, *response_,
        beast::bind_front_handler(&http_connection::on_write, this->shared_from_this(), keep));
  }

private:
  void on_write(bool keep, beast::error_code ec, std::size_t) {
    response_.reset();
    if (!ec && linger_) return lingering_close();
    if (ec || !keep) return do_close();
    do_read();
  }

  // Closing a socket whose receive queue still holds bytes makes the kernel send a reset,
  // and a client still sending its (too large) body then sees a broken pipe and never
  // reads the error answer already written. So, as web servers do after an early answer,
  // stop sending, then read and discard until the client stops: at most lingering_bytes,
  // within the read timeout, before closing anyway.
  static constexpr std::size_t lingering_bytes = 64u << 20;

  void lingering_close() {
    beast::error_code ignored;
    socket_().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(context_.config.read_timeout);
    discard_rest(0);
  }

  void discard_rest(std::size_t discarded) {
    if (discarded > lingering_bytes || context_.stopping) return do_close();
    // Into the request buffer, which holds nothing more that matters.
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16384), [self = this->shared_from_this(), discarded](
                                                        beast::error_code ec, std::size_t n) {
      if (ec) return self->do_close();  // end of stream, timeout, reset
      self->discard_rest(discarded + n);
    });
  }

  void close_if_idle() {
    if (reading_) do_close();      // between requests: nothing in flight to finish
    if (streaming_) end_stream();  // an event stream never finishes on its own
  }

  // --- streamed responses (Server-Sent Events) ---------------------------------------
  //
  // The header goes out without a Content-Length, with "Connection: close": the body is
  // everything until the server closes. Events come from any thread through send();
  // they queue under stream_mutex_ and one write at a time takes all that is queued.
  // Bytes queued but not yet written are bounded by sse_buffer_bytes: beyond that the
  // client is not reading and is dropped. The request's cancel function (cancel_) is
  // called once the stream ends, however it ends.

  void start_stream(http_response r) {
    auto header =
        std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), 11);
    header->set(http::field::server, "roost");
    header->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) header->set(name, value);
    header->keep_alive(false);
    context_.log.write({remote_, current_.method, current_.target, r.status, 0,
                        std::chrono::steady_clock::now() - started_});
    lowest().expires_after(context_.config.read_timeout);
    http::async_write(stream_, *header,
                      [self = this->shared_from_this(), header, start = std::move(r.start_stream)](
                          beast::error_code ec, std::size_t) {
                        // A stream that would start during shutdown ends at once.
                        if (ec || self->context_.stopping) return self->end_stream();
                        self->streaming_ = true;
                        self->lowest().expires_never();
                        self->read_while_streaming();
                        start(self);
                      });
  }

  // The client has nothing to say on an event stream; reading only notices it leaving.
  void read_while_streaming() {
    socket_().async_read_some(net::buffer(discard_),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->end_stream();
                                self->read_while_streaming();
                              });
  }

public:
  bool send(std::shared_ptr<const std::string> bytes) override {
    std::lock_guard lock(stream_mutex_);
    if (stream_ended_ || closing_) return false;
    if (queued_ > 0 && queued_ + bytes->size() > context_.config.sse_buffer_bytes) {
      stream_ended_ = true;  // a client that does not read: drop it
      net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->end_stream(); });
      return false;
    }
    queued_ += bytes->size();
    pending_.push_back(std::move(bytes));
    if (!flush_posted_ && !writing_stream_) {
      flush_posted_ = true;
      net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->flush(); });
    }
    return true;
  }

  void when_drained(std::function<void()> then) override {
    std::lock_guard lock(stream_mutex_);
    if (stream_ended_) return;
    if (queued_ == 0) {
      net::post(stream_.get_executor(), std::move(then));
      return;
    }
    drained_.push_back(std::move(then));
  }

  void close() override {
    std::lock_guard lock(stream_mutex_);
    if (stream_ended_ || closing_) return;
    closing_ = true;
    if (queued_ == 0)
      net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->end_stream(); });
  }

private:
  void flush() {
    {
      std::lock_guard lock(stream_mutex_);
      flush_posted_ = false;
      if (stream_ended_ || pending_.empty()) return;
      in_flight_.swap(pending_);
      writing_stream_ = true;
    }
    std::vector<net::const_buffer> buffers;
    buffers.reserve(in_flight_.size());
    for (const auto& b : in_flight_) buffers.emplace_back(b->data(), b->size());
    lowest().expires_after(context_.config.read_timeout);  // a stalled client is cut off
    net::async_write(stream_, buffers,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_stream_write(ec);
                     });
  }

  void on_stream_write(beast::error_code ec) {
    if (ec) return end_stream();
    std::vector<std::function<void()>> drained;
    bool more = false;
    bool close_now = false;
    {
      std::lock_guard lock(stream_mutex_);
      for (const auto& b : in_flight_) queued_ -= b->size();
      in_flight_.clear();
      writing_stream_ = false;
      if (!pending_.empty()) {
        more = true;
        flush_posted_ = true;  // flush() below takes it; send() need not post another
      } else {
        drained.swap(drained_);
        close_now = closing_;
      }
    }
    if (more) return flush();
    for (auto& then : drained) then();
    if (close_now) end_stream();
  }

  void end_stream() {
    if (stream_closed_) return;
    stream_closed_ = true;
    streaming_ = false;
    {
      std::lock_guard lock(stream_mutex_);
      stream_ended_ = true;
      pending_.clear();
      drained_.clear();  // they hold the feed's stream object, which holds this connection
    }
    do_close();
    if (cancel_) std::exchange(cancel_, {})();
  }

  void do_close() {
    beast::error_code ec;
    socket_().shutdown(tcp::socket::shutdown_send, ec);
    socket_().close(ec);
  }

  std::shared_ptr<ssl::context> tls_context_;  // before stream_, which refers to it
  Stream stream_;
  beast::flat_buffer buffer_;
  connection_context& context_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  http_request current_;
  cancel_fn cancel_;
  std::string remote_;          // address:port, for the log
  std::string remote_address_;  // address alone, for per-client limits
  std::chrono::steady_clock::time_point started_;
  std::uint64_t registry_key_ = 0;
  bool keep_alive_ = false;
  bool head_ = false;
  bool waiting_ = false;
  bool reading_ = false;
  bool linger_ = false;  // drain the client's bytes before closing (lingering_close)

  // Streamed response. The flags without a lock are touched on the strand only.
  bool streaming_ = false;
  bool stream_closed_ = false;
  std::array<char, 512> discard_{};
  std::mutex stream_mutex_;
  bool stream_ended_ = false;  // no more sends accepted
  bool closing_ = false;       // close() was called: end once the queue is written
  bool flush_posted_ = false;
  bool writing_stream_ = false;
  std::size_t queued_ = 0;  // bytes in pending_ and in_flight_
  std::vector<std::shared_ptr<const std::string>> pending_;
  std::vector<std::shared_ptr<const std::string>> in_flight_;  // being written
  std::vector<std::function<void()>> drained_;
};

template <class Owner>
void pending_answer<Owner>::send(http_response response) {
  if (answered_.exchange(true)) return;
  net::post(owner_->executor(), [self = owner_, response = std::move(response)]() mutable {
    self->on_response(std::move(response));
  });
}

template <class Owner>
pending_answer<Owner>::~pending_answer() {
  if (answered_) return;
  try {
    std::cerr << "roost: " << request_
              << " was dropped without an answer (an exception on another thread?): answering 500"
              << std::endl;
    send(json_error(500, "internal error: the request's handling failed before it could answer"));
  } catch (...) {
    // Out of memory while reporting: the connection times out instead.
  }
}

}  // namespace

void start_connection(tcp::socket socket, connection_context& context) {
  if (context.tls != nullptr)
    std::make_shared<http_connection<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(socket), context.tls->current(), context)
        ->start();
  else
    std::make_shared<http_connection<beast::tcp_stream>>(std::move(socket), nullptr, context)
        ->start();
}

}  // namespace roost::web
