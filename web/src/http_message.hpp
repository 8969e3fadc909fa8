// Plain HTTP request and response values: what request handling sees, so that the
// handlers and the router need no Beast and can be tested without sockets.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roost::web {

/// One request as the session read it.
struct http_request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< origin-form: path and query, still percent-encoded
  std::string body;
  /// The header fields as received (name, value); names in any case.
  std::vector<std::pair<std::string, std::string>> headers;
  unsigned version = 11;  ///< HTTP version times ten: 10 or 11
  /// The client's address (IP literal, no port), for per-client limits; empty when unknown.
  std::string remote_address;
  /// How the client reached the server: "http" or "https" (TLS here, or at a trusted
  /// proxy, forwarded.hpp).
  std::string scheme = "http";

  /// The value of the first header field called `name` (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
};

/// The client side of a streamed response body (Server-Sent Events), implemented by the
/// session. Thread-safe: the change feed calls it from any thread.
class event_sink {
public:
  virtual ~event_sink() = default;

  /// Queues `bytes` to be written after everything queued before. Returns false, and
  /// queues nothing, when the stream has ended; ends the stream (and returns false) when
  /// the bytes queued but not yet written would exceed the server's per-client buffer:
  /// a client that does not read is dropped instead of growing server memory.
  virtual bool send(std::shared_ptr<const std::string> bytes) = 0;

  /// Calls `then` once everything queued so far has been written (at once, posted, when
  /// nothing is queued). Never called when the stream ends first.
  virtual void when_drained(std::function<void()> then) = 0;

  /// Ends the stream: the connection is closed after nothing more is written.
  virtual void close() = 0;
};

/// One response to send.
struct http_response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
  /// When set, the body is a stream: the session sends the header (no Content-Length;
  /// the connection closes at the end of the stream), then hands this function the sink
  /// the body goes to, on the session's strand. The request's cancel function is called
  /// when the stream ends for any reason (client gone, overflow, close, shutdown).
  std::function<void(std::shared_ptr<event_sink>)> start_stream;
};

/// Hands a response to the session; may be called from any thread, exactly once.
using respond_fn = std::function<void(http_response)>;

/// Returned by a handler that keeps a request open (a long poll): calling it abandons
/// the request (its client went away); the handler then never responds. Empty when the
/// handler has nothing to cancel.
using cancel_fn = std::function<void()>;

}  // namespace roost::web
