// Runs the Roost HTTP server: the Web API and the viewer over one store.
//
// Containment: no exception raised while handling a request, a stream, a long poll or a
// timer ends the process. The api answers what it throws with 500 (api.hpp); what escapes
// a handler on an I/O thread is caught around the event loop, logged, and the loop goes
// on; a request whose answer was dropped by such an exception is answered 500 by its
// connection (http_connection.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "server_config.hpp"
#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::web {

/// The storage limits a configuration asks for.
storage_limits limits_of(const server_config& config);

/// One server over one store. Listening from construction; serving while run() runs.
/// `config` and `storage` must outlive it.
class server {
public:
  /// Binds the configured address; throws boost::system::system_error when it cannot.
  server(const server_config& config, status_storage& storage);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port (the real one when the configured port was 0).
  std::uint16_t port() const;

  /// Serves on config.io_threads threads (this one included) until stop() has drained
  /// every session (or 10 s have passed). Throws only when its threads cannot start.
  void run();

  /// Shuts down gracefully: stops accepting, answers waiting long polls, lets responses in
  /// flight finish. Thread-safe; returns at once.
  void stop();

  /// Runs `work` on one of the server's I/O threads (for tests that inject faults).
  void post(std::function<void()> work);

  /// True when the server speaks HTTPS (config.tls_cert is set).
  bool uses_tls() const;

  /// Re-reads the TLS certificate and key for new connections; open ones keep theirs.
  /// Throws std::runtime_error, keeping the previous ones, when the files cannot be used.
  /// Nothing for a plain HTTP server. Thread-safe.
  void reload_tls();

private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Serves `storage` as `config` says until SIGINT or SIGTERM, then shuts down
/// gracefully and returns 0; SIGHUP re-reads the TLS certificate. Prints "roost: listening on
/// http://HOST:PORT/" to stderr once bound (with the real port when the configured one was 0).
/// Throws when it cannot listen.
int run_server(const server_config& config, status_storage& storage);

}  // namespace roost::web
