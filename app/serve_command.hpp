// `roost serve`: reads configuration and flags, opens the store, runs the server.
#pragma once

#include <string>
#include <vector>

namespace roost::app {

/// Runs the server until SIGINT or SIGTERM; returns the process exit code. Throws
/// usage_error for bad flags, config_error for a bad configuration, storage_failure
/// when the store cannot be opened.
int serve_command(const std::vector<std::string>& args);

}  // namespace roost::app
