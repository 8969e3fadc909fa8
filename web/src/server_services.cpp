#include "server_services.hpp"

#include <boost/asio/post.hpp>

#include "pages.hpp"
#include "status_html.hpp"

namespace roost::web {

void server_services::add_statuses(const std::string& timeline, std::vector<status> statuses,
                                   count_callback done) {
  // The api only calls this for a served timeline, and every served one is in the map.
  parts_.timelines.at(timeline).add_statuses(std::move(statuses), std::move(done));
}

cancel_fn server_services::watch_counts(
    std::vector<std::string> timelines, std::function<bool(const counts_by_timeline&)> differs,
    std::function<void(const storage_error&, counts_by_timeline)> done) {
  return parts_.watch.watch(std::move(timelines), std::move(differs), std::move(done));
}

cancel_fn server_services::wait_changes(const std::string& timeline, std::uint64_t revision,
                                        std::chrono::milliseconds bound,
                                        std::function<void(bool)> done) {
  return parts_.feed.wait(timeline, revision, bound, std::move(done));
}

cancel_fn server_services::open_change_stream(const std::string& timeline, std::uint64_t since,
                                              change_stream_ready ready) {
  return parts_.feed.open_stream(timeline, since, std::move(ready));
}

std::string server_services::render_status_html(const status& s) {
  return web::render_status_html(s);
}

std::optional<http_response> server_services::serve_page(const route_match& match,
                                                         const caller& who) {
  return web::serve_page(parts_.config, match, who);
}

void server_services::run_slow(std::function<void()> work) {
  if (parts_.slow_work)
    boost::asio::post(*parts_.slow_work, std::move(work));
  else
    work();
}

}  // namespace roost::web
