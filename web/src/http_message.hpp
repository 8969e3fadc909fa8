// Plain HTTP request and response values: what request handling sees, so that the
// handlers and the router need no Beast and can be tested without sockets.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace roost::web {

/// One request as the session read it.
struct http_request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< origin-form: path and query, still percent-encoded
  std::string body;
};

/// One response to send.
struct http_response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
};

/// Hands a response to the session; may be called from any thread, exactly once.
using respond_fn = std::function<void(http_response)>;

/// Returned by a handler that keeps a request open (a long poll): calling it abandons
/// the request (its client went away); the handler then never responds. Empty when the
/// handler has nothing to cancel.
using cancel_fn = std::function<void()>;

}  // namespace roost::web
