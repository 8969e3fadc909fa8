// The Web API of docs/spec/web-api.md as request -> response logic.
//
// No sockets and no Beast here: the session hands in an http_request and a respond_fn,
// the api answers through it (at once, or later for a long poll). Everything from the
// client is validated; a client's mistake is a 4xx with a message and changes nothing.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access_control.hpp"
#include "http_message.hpp"
#include "request_guard.hpp"
#include "response_cache.hpp"
#include "routes.hpp"
#include "server_config.hpp"
#include "storage/status_storage.hpp"

namespace roost::web {

/// Unacked counts per timeline name.
using counts_by_timeline = std::map<std::string, unacked_counts>;

/// How a change stream reports its first read: an error (no stream), or the function
/// that starts writing to the client (change_feed::stream_ready).
using change_stream_ready = std::function<void(
    const storage_error& error, std::function<void(std::shared_ptr<event_sink>)> start)>;

/// What the api asks of the server around it. Every request the api does not answer from
/// the store alone goes through one of these members, so a reader can follow a POST to
/// the Timeline layer, a long poll to the count watchers and a stream to the change feed.
/// server_services.hpp implements it over the server's real parts. Members may be called
/// from any I/O thread at once.
class api_services {
public:
  virtual ~api_services() = default;

  /// The store (asynchronous or not; callbacks may come on any thread).
  virtual status_storage& storage() = 0;

  /// The Timeline layer's add: filters, then ids and created_at, then insert.
  virtual void add_statuses(const std::string& timeline, std::vector<status> statuses,
                            count_callback done) = 0;

  /// Calls `done` with the current counts of `timelines` as soon as `differs(counts)`
  /// holds (at once if it already does), or with the unchanged counts after the server's
  /// long-poll bound. Returns a function that abandons the wait.
  virtual cancel_fn watch_counts(
      std::vector<std::string> timelines, std::function<bool(const counts_by_timeline&)> differs,
      std::function<void(const storage_error&, counts_by_timeline)> done) = 0;

  /// Calls `done(true)` once the timeline's revision is above `revision`, or
  /// `done(false)` after `bound` (change_feed::wait). Returns a function that abandons
  /// the wait.
  virtual cancel_fn wait_changes(const std::string& timeline, std::uint64_t revision,
                                 std::chrono::milliseconds bound,
                                 std::function<void(bool)> done) = 0;

  /// Opens a Server-Sent Events stream of the changes after `since`
  /// (change_feed::open_stream). Returns a function that ends it.
  virtual cancel_fn open_change_stream(const std::string& timeline, std::uint64_t since,
                                       change_stream_ready ready) = 0;

  /// Renders one status as the viewer's <li> element (statuses.html).
  virtual std::string render_status_html(const status& s) = 0;

  /// Answers the viewer's page and asset routes (nullopt for API routes), showing only the
  /// timelines the caller may read.
  virtual std::optional<http_response> serve_page(const route_match& match, const caller& who) = 0;

  /// Recent answers of the statuses endpoints (response_cache.hpp); null: none kept.
  virtual response_cache* responses() { return nullptr; }

  /// Who may do what, and the viewer's sessions (access_control.hpp); null: everyone may
  /// do everything, and there is no login.
  virtual access_control* access() { return nullptr; }

  /// Runs `work` off the I/O threads (password hashing takes tens of milliseconds). By
  /// default at once, on the calling thread.
  virtual void run_slow(std::function<void()> work) { work(); }
};

/// Answers Web API requests.
class api {
public:
  /// Answers with `services`, which must outlive this api and every request it holds.
  api(const server_config& config, api_services& services);

  /// Handles one request; responds through `respond` exactly once unless the returned
  /// cancel function is called first. Never throws.
  cancel_fn handle(const http_request& request, respond_fn respond);

private:
  cancel_fn dispatch(const http_request& request, respond_fn& respond);
  void get_statuses(const std::string& timeline, bool html, const http_request& request,
                    respond_fn& respond);
  void post_statuses(const std::string& timeline, const http_request& request, respond_fn& respond);
  void ack(const std::string& timeline, const http_request& request, respond_fn& respond);
  void unack(const std::string& timeline, const http_request& request, respond_fn& respond);
  cancel_fn timeline_counts(const std::string& timeline, const http_request& request,
                            respond_fn& respond);
  cancel_fn multi_counts(const http_request& request, const caller& who, respond_fn& respond);
  // The change feed and the Atom feed (change_api.cpp).
  cancel_fn changes_json(const std::string& timeline, const http_request& request,
                         respond_fn& respond);
  cancel_fn change_stream(const std::string& timeline, const http_request& request,
                          respond_fn& respond);
  void atom_feed(const std::string& timeline, const http_request& request, respond_fn& respond);
  // The viewer's login and logout (login_api.cpp).
  void login(const http_request& request, respond_fn& respond);
  void login_form(const http_request& request, respond_fn& respond);
  /// 303 to the login page, coming back to `request`'s target afterwards.
  http_response to_login(const http_request& request) const;
  void logout(const http_request& request, respond_fn& respond);
  // GET /healthz (health_api.cpp).
  void health(respond_fn& respond);
  std::string base_url(const http_request& request) const;

  const server_config& config_;
  const request_guard_settings guard_;
  api_services& services_;
};

/// A JSON response {"error": message} with `status`.
http_response json_error(int status, const std::string& message);

}  // namespace roost::web
