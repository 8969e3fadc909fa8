#include "server.hpp"

#include <csignal>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "access_log.hpp"
#include "api.hpp"
#include "change_feed.hpp"
#include "count_watch.hpp"
#include "credential_watch.hpp"
#include "listener.hpp"
#include "server_services.hpp"
#include "storage/timeline.hpp"

namespace roost::web {

namespace net = boost::asio;

storage_limits limits_of(const server_config& config) {
  storage_limits limits{.soft_max = config.soft_max,
                        .hard_max = config.hard_max,
                        .default_count = config.page_size,
                        .change_retention = config.change_retention};
  for (const auto& t : config.timelines)
    if (t.soft_max || t.hard_max)
      limits.per_timeline[t.name] = {
          .soft_max = t.soft_max.value_or(config.soft_max),
          .hard_max = t.hard_max.value_or(t.soft_max ? 0 : config.hard_max),
          .change_retention = config.change_retention};
  return limits;
}

namespace {

// Waits (on the io_context, without blocking it) until every connection has closed or the
// bound passes, then stops the io_context.
void stop_when_drained(net::io_context& ioc, connection_context& connections,
                       std::shared_ptr<net::steady_timer> timer,
                       std::chrono::steady_clock::time_point deadline) {
  if (connections.open_connections.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    ioc.stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([&ioc, &connections, timer, deadline](const boost::system::error_code&) {
    stop_when_drained(ioc, connections, timer, deadline);
  });
}

// One I/O thread: runs handlers until the io_context stops. A handler that throws is
// reported and the thread goes on with the next one; its own work (a request's answer) is
// dropped with it, and the connection answers that request with 500 (http_connection.cpp).
void run_io_thread(net::io_context& ioc) noexcept {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      std::cerr << "roost: a handler on an I/O thread threw (the server goes on): " << e.what()
                << std::endl;
    } catch (...) {
      std::cerr << "roost: a handler on an I/O thread threw (the server goes on)" << std::endl;
    }
  }
}

bool is_loopback_address(const std::string& address) {
  boost::system::error_code ec;
  const auto a = net::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

// The credentials at start, and the refusal to serve a network without any.
loaded_credentials credentials_at_start(const server_config& config, status_storage& storage) {
  auto loaded = load_credentials(storage);
  if (loaded.any() || is_loopback_address(config.listen_address)) return loaded;
  if (!config.allow_anonymous)
    throw config_error(
        "refusing to serve " + config.listen_address +
        " without credentials: anyone who can reach it could read, post and ack. Add a "
        "user or a token first (roost user add --storage URI --name NAME, or roost token add "
        "--storage URI --name NAME --scope read,write), listen "
        "on 127.0.0.1, or pass --allow-anonymous when an authenticating proxy stands in front "
        "(docs/security.md)");
  std::cerr << "roost: WARNING: --allow-anonymous: serving " << config.listen_address
            << " with no credentials; anyone who can reach it may read, post and ack. Only "
               "safe behind a proxy that authenticates every request."
            << std::endl;
  return loaded;
}

}  // namespace

struct server::state {
  state(const server_config& config, status_storage& storage, loaded_credentials initial)
      : config(config),
        ioc(static_cast<int>(config.io_threads)),
        access({.idle = config.session_idle, .absolute = config.session_max_age}),
        tls(config.tls_cert.empty()
                ? std::nullopt
                : std::make_optional<tls_context>(config.tls_cert, config.tls_key)),
        watch(storage, ioc.get_executor(), config.long_poll_timeout),
        // Reads of a busy timeline's changes are at least 20 ms apart: 1,000 streams then
        // get one write per 20 ms each instead of one per change; 5 ms ran the
        // 1,000-subscriber benchmark at a fifth of the rate (docs/performance.md,
        // "Change feed fan-out").
        feed(storage, ioc.get_executor(),
             {.heartbeat =
                  std::chrono::duration_cast<std::chrono::milliseconds>(config.sse_heartbeat),
              .min_read_interval = std::chrono::milliseconds(20)}),
        log(config.access_log),
        responses(storage,
                  {.ttl = config.response_cache, .max_bytes = config.response_cache_bytes}),
        services({.config = config,
                  .storage = storage,
                  .timelines = timelines,
                  .watch = watch,
                  .feed = feed,
                  .responses = config.response_cache.count() > 0 ? &responses : nullptr,
                  .access = &access,
                  .slow_work = slow_work.get_executor()}),
        handler(config, services),
        connections{config,
                    [this](const http_request& r, respond_fn respond) {
                      return handler.handle(r, std::move(respond));
                    },
                    log, trusted_proxies(config.trusted_proxies), tls ? &*tls : nullptr},
        server_listener(std::make_shared<listener>(
            ioc,
            net::ip::tcp::endpoint(net::ip::make_address(config.listen_address),
                                   config.listen_port),
            connections)) {
    for (const auto& t : config.timelines) timelines.emplace(t.name, timeline(t.name, storage));
    access.set_tokens(initial.tokens);
    access.set_users(initial.users);
    if (initial.store_keeps_settings)
      credentials.emplace(storage, ioc.get_executor(), access, initial);
    server_listener->start();
  }

  // On an I/O thread.
  void shut_down() {
    if (connections.stopping.exchange(true)) return;
    server_listener->stop();
    if (credentials) credentials->stop();
    watch.answer_all();
    feed.answer_all();
    connections.registry.close_all();
    stop_when_drained(ioc, connections, std::make_shared<net::steady_timer>(ioc),
                      std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }

  const server_config& config;
  net::io_context ioc;
  access_control access;
  // Password hashing (login): one thread, so that a flood of logins takes one core at
  // most, and never an I/O thread.
  net::thread_pool slow_work{1};
  std::optional<tls_context> tls;               // none: plain HTTP
  std::optional<credential_watch> credentials;  // none: the store keeps no settings
  std::map<std::string, timeline, std::less<>> timelines;
  count_watch watch;
  change_feed feed;
  access_log log;
  response_cache responses;
  server_services services;
  api handler;
  connection_context connections;
  std::shared_ptr<listener> server_listener;
};

server::server(const server_config& config, status_storage& storage)
    : state_(std::make_unique<state>(config, storage, credentials_at_start(config, storage))) {}

server::~server() = default;

std::uint16_t server::port() const { return state_->server_listener->port(); }

void server::stop() {
  net::post(state_->ioc, [s = state_.get()] { s->shut_down(); });
}

void server::post(std::function<void()> work) { net::post(state_->ioc, std::move(work)); }

bool server::uses_tls() const { return state_->tls.has_value(); }

void server::reload_tls() {
  if (state_->tls) state_->tls->reload();
}

void server::run() {
  std::vector<std::thread> threads;
  try {
    for (std::size_t i = 1; i < state_->config.io_threads; ++i)
      threads.emplace_back([this] { run_io_thread(state_->ioc); });
  } catch (const std::system_error&) {
    // Threads already started are joinable; leaving them so would end the process.
    state_->ioc.stop();
    for (auto& t : threads) t.join();
    throw;
  }
  run_io_thread(state_->ioc);
  for (auto& t : threads) t.join();
}

int run_server(const server_config& config, status_storage& storage) {
  server s(config, storage);
  const bool v6 = config.listen_address.find(':') != std::string::npos;
  std::cerr << "roost: listening on " << (s.uses_tls() ? "https" : "http") << "://"
            << (v6 ? "[" : "") << config.listen_address << (v6 ? "]" : "") << ":" << s.port()
            << "/ (storage " << config.storage << ")" << std::endl;
  boost::asio::io_context signal_context;
  net::signal_set signals(signal_context, SIGINT, SIGTERM, SIGHUP);
  std::function<void()> wait_for_signal = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int number) {
      if (ec) return;
      if (number == SIGHUP) {
        // Re-read the certificate: new connections get it, open ones are left alone.
        try {
          s.reload_tls();
          if (s.uses_tls()) std::cerr << "roost: reloaded the TLS certificate" << std::endl;
        } catch (const std::exception& e) {
          std::cerr << "roost: " << e.what() << "; the previous certificate stays in use"
                    << std::endl;
        }
        return wait_for_signal();
      }
      std::cerr << "roost: shutting down" << std::endl;
      s.stop();
    });
  };
  wait_for_signal();
  // Signals are waited for on a thread of their own, so that the server's I/O threads only
  // ever run the server's handlers.
  std::thread signal_thread([&signal_context] { signal_context.run(); });
  const auto stop_waiting_for_signals = [&] {
    net::post(signal_context, [&signals] { signals.cancel(); });
    signal_thread.join();
  };
  try {
    s.run();
  } catch (...) {
    stop_waiting_for_signals();
    throw;
  }
  stop_waiting_for_signals();
  std::cerr << "roost: stopped" << std::endl;
  return 0;
}

}  // namespace roost::web
