// The data-moving subcommands of `roost`: export, import, migrate, import-busybird, stats
// and check (docs/data-moving.md). Each reads its flags, runs, reports on stderr and returns
// the process exit code: 0 done, 1 failed (invalid input under --on-error abort, a store
// failure, stores that differ after a migration), 128 + signal when Ctrl-C (SIGINT) or
// SIGTERM stopped it between batches. Bad flags throw usage_error (exit code 2).
#pragma once

#include <string>
#include <vector>

namespace roost::app {

int export_command(const std::vector<std::string>& args);
int import_command(const std::vector<std::string>& args);
int migrate_command(const std::vector<std::string>& args);
int import_busybird_command(const std::vector<std::string>& args);
int stats_command(const std::vector<std::string>& args);
/// `roost check`: 0 when the store is sound, 1 when it is damaged or cannot be read.
int check_command(const std::vector<std::string>& args);
/// `roost token add|list|revoke`: the API tokens kept in a store (token_command.cpp).
int token_command(const std::vector<std::string>& args);
/// `roost user add|passwd|remove|list`: the viewer's users kept in a store (user_command.cpp).
int user_command(const std::vector<std::string>& args);

}  // namespace roost::app
