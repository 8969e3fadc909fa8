// Runs the Roost HTTP server: the Web API and the viewer over one store.
#pragma once

#include <functional>

#include "server_config.hpp"
#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost::web {

/// The storage limits a configuration asks for.
storage_limits limits_of(const server_config& config);

/// Serves `storage` as `config` says until SIGINT or SIGTERM, then shuts down
/// gracefully: stops accepting, answers waiting long polls, finishes responses in flight,
/// and returns 0. Prints "roost: listening on http://HOST:PORT/" to stderr once bound
/// (with the real port when the configured one was 0). Throws when it cannot listen.
int run_server(const server_config& config, status_storage& storage);

}  // namespace roost::web
