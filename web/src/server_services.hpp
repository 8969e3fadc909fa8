// server_services: the api's services (api.hpp) over the server's real parts: the
// Timeline layer for adds, the count watchers for long polls, the change feed for
// waits and streams, the viewer's renderer and pages, the response cache, access control
// and a pool for slow work. The server builds one; tests and the fuzz harness build one
// over the same parts, so they exercise what the server runs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "api.hpp"
#include "change_feed.hpp"
#include "count_watch.hpp"
#include "storage/timeline.hpp"

namespace roost::web {

/// The parts a server_services forwards to. Every reference must outlive it.
struct server_parts {
  const server_config& config;
  status_storage& storage;
  /// The served timelines by name; adds go to these (their filters, ids, created_at).
  std::map<std::string, timeline, std::less<>>& timelines;
  count_watch& watch;
  change_feed& feed;
  response_cache* responses = nullptr;
  access_control* access = nullptr;
  /// Where slow work (password hashing) runs; none: on the calling thread.
  std::optional<boost::asio::any_io_executor> slow_work;
};

/// api_services that forward to `parts`.
class server_services final : public api_services {
public:
  explicit server_services(server_parts parts) : parts_(std::move(parts)) {}

  status_storage& storage() override { return parts_.storage; }
  void add_statuses(const std::string& timeline, std::vector<status> statuses,
                    count_callback done) override;
  cancel_fn watch_counts(
      std::vector<std::string> timelines, std::function<bool(const counts_by_timeline&)> differs,
      std::function<void(const storage_error&, counts_by_timeline)> done) override;
  cancel_fn wait_changes(const std::string& timeline, std::uint64_t revision,
                         std::chrono::milliseconds bound, std::function<void(bool)> done) override;
  cancel_fn open_change_stream(const std::string& timeline, std::uint64_t since,
                               change_stream_ready ready) override;
  std::string render_status_html(const status& s) override;
  std::optional<http_response> serve_page(const route_match& match, const caller& who) override;
  response_cache* responses() override { return parts_.responses; }
  access_control* access() override { return parts_.access; }
  void run_slow(std::function<void()> work) override;

private:
  server_parts parts_;
};

}  // namespace roost::web
