#include "server.hpp"

#include <csignal>
#include <iostream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "access_log.hpp"
#include "api.hpp"
#include "change_feed.hpp"
#include "count_watch.hpp"
#include "listener.hpp"
#include "pages.hpp"
#include "status_html.hpp"
#include "storage/timeline.hpp"

namespace roost::web {

namespace net = boost::asio;

storage_limits limits_of(const server_config& config) {
  storage_limits limits{.soft_max = config.soft_max, .hard_max = config.hard_max,
                        .default_count = config.page_size,
                        .change_retention = config.change_retention};
  for (const auto& t : config.timelines)
    if (t.soft_max || t.hard_max)
      limits.per_timeline[t.name] = {.soft_max = t.soft_max.value_or(config.soft_max),
                                     .hard_max = t.hard_max.value_or(t.soft_max ? 0 : config.hard_max),
                                     .change_retention = config.change_retention};
  return limits;
}

namespace {

// Waits (on the io_context, without blocking it) until every session has closed or the
// bound passes, then stops the io_context.
void stop_when_drained(net::io_context& ioc, session_context& sessions,
                       std::shared_ptr<net::steady_timer> timer,
                       std::chrono::steady_clock::time_point deadline) {
  if (sessions.open_sessions.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    ioc.stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([&ioc, &sessions, timer, deadline](const boost::system::error_code&) {
    stop_when_drained(ioc, sessions, timer, deadline);
  });
}

}  // namespace

int run_server(const server_config& config, status_storage& storage) {
  net::io_context ioc(static_cast<int>(config.io_threads));

  std::map<std::string, timeline, std::less<>> timelines;
  for (const auto& t : config.timelines) timelines.emplace(t.name, timeline(t.name, storage));

  count_watch watch(storage, ioc.get_executor(), config.long_poll_timeout);
  // Reads of a busy timeline's changes are at least 20 ms apart: 1,000 streams then get
  // one write per 20 ms each instead of one per change; 5 ms ran the 1,000-subscriber
  // benchmark at a fifth of the rate (docs/performance.md, "Change feed fan-out").
  change_feed feed(storage, ioc.get_executor(),
                   {.heartbeat = std::chrono::duration_cast<std::chrono::milliseconds>(config.sse_heartbeat),
                    .min_read_interval = std::chrono::milliseconds(20)});
  access_log log(config.access_log);
  response_cache responses(storage, {.ttl = config.response_cache,
                                     .max_bytes = config.response_cache_bytes});
  api handler(config,
              {.storage = storage,
               .add_statuses =
                   [&timelines](const std::string& name, std::vector<status> statuses,
                                count_callback done) {
                     timelines.at(name).add_statuses(std::move(statuses), std::move(done));
                   },
               .watch_counts =
                   [&watch](std::vector<std::string> names,
                            std::function<bool(const counts_by_timeline&)> differs,
                            std::function<void(const storage_error&, counts_by_timeline)> done) {
                     return watch.watch(std::move(names), std::move(differs), std::move(done));
                   },
               .wait_changes =
                   [&feed](const std::string& name, std::uint64_t revision,
                           std::chrono::milliseconds bound, std::function<void(bool)> done) {
                     return feed.wait(name, revision, bound, std::move(done));
                   },
               .open_change_stream =
                   [&feed](const std::string& name, std::uint64_t since, change_stream_ready ready) {
                     return feed.open_stream(name, since, std::move(ready));
                   },
               .render_status_html = render_status_html,
               .serve_page = [&config](const route_match& m) { return serve_page(config, m); },
               .responses = config.response_cache.count() > 0 ? &responses : nullptr});

  session_context sessions{config,
                           [&handler](const http_request& r, respond_fn respond) {
                             return handler.handle(r, std::move(respond));
                           },
                           log};
  const net::ip::tcp::endpoint endpoint(net::ip::make_address(config.listen_address),
                                        config.listen_port);
  auto server_listener = std::make_shared<listener>(ioc, endpoint, sessions);
  server_listener->start();
  std::cerr << "roost: listening on http://" << config.listen_address << ":"
            << server_listener->port() << "/ (storage " << config.storage << ")" << std::endl;

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cerr << "roost: shutting down" << std::endl;
    sessions.stopping = true;
    server_listener->stop();
    watch.answer_all();
    feed.answer_all();
    sessions.sessions.close_all();
    stop_when_drained(ioc, sessions, std::make_shared<net::steady_timer>(ioc),
                      std::chrono::steady_clock::now() + std::chrono::seconds(10));
  });

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < config.io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  std::cerr << "roost: stopped" << std::endl;
  return 0;
}

}  // namespace roost::web
