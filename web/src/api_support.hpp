// What the Web API's handler files share: client-mistake and store-failure answers, and
// the parsing of common query parameters. Internal to web/.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_message.hpp"
#include "storage/json_input.hpp"
#include "storage/requests.hpp"

namespace roost::web {

/// A client mistake found while reading a request: becomes a 400 with its message.
struct bad_request : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses a request body as JSON under the one input rule (json_input.hpp). `max_depth`
/// counts the levels of a status: an array of statuses is one level more. Throws
/// invalid_request.
nlohmann::json parse_body(const std::string& body, std::size_t max_depth);

/// True for a body of nothing but whitespace.
bool blank(const std::string& text);

/// An id from a JSON body: a string or an integer; throws bad_request naming `what`.
std::string body_id(const nlohmann::json& v, const char* what);

/// One id or an array of them (`"ids"` of ack.json and unack.json); throws bad_request.
std::vector<std::string> body_ids(const nlohmann::json& v, const char* what);

/// A store failure: 503 when the store's work queue is full (the client may retry), 500
/// for anything else.
http_response storage_failure(const storage_error& error);

/// A 200 JSON response with `body`.
inline http_response json_ok(std::string body) {
  http_response r;
  r.body = std::move(body);
  return r;
}

/// ack_state from the query (absent: any); throws bad_request.
ack_state parse_ack_state(const std::optional<std::string>& text);

/// count from the query (absent: `page_size`); throws bad_request.
status_count parse_count(const std::optional<std::string>& text, std::size_t page_size);

/// A cancel function for a wait that starts later (after a first read): whichever of
/// cancel() and set() comes second runs the wait's own cancel function.
class deferred_cancel {
public:
  /// Stores the wait's cancel function, or runs it at once when already cancelled.
  void set(cancel_fn cancel) {
    std::unique_lock lock(mutex_);
    if (cancelled_) {
      lock.unlock();
      if (cancel) cancel();
      return;
    }
    cancel_ = std::move(cancel);
  }
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }
  /// The handler's cancel function for `holder`.
  static cancel_fn of(const std::shared_ptr<deferred_cancel>& holder) {
    return [holder] {
      cancel_fn cancel;
      {
        std::lock_guard lock(holder->mutex_);
        holder->cancelled_ = true;
        cancel = std::move(holder->cancel_);
      }
      if (cancel) cancel();
    };
  }

private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  cancel_fn cancel_;
};

}  // namespace roost::web
