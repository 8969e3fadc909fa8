#include "serve_command.hpp"

#include <filesystem>
#include <iostream>

#include "command_line.hpp"
#include "server.hpp"
#include "storage/offloading_storage.hpp"
#include "storage_uri.hpp"

namespace roost::app {

int serve_command(const std::vector<std::string>& args) {
  const flags f(args, {"config", "listen", "storage", "timeline", "tls-cert", "tls-key"},
                {"timeline"}, {.switches = {"allow-anonymous"}});
  web::server_config config;
  if (const auto path = f.get("config")) config = web::load_server_config(*path);
  if (const auto listen = f.get("listen")) web::set_listen(config, *listen);
  if (const auto storage = f.get("storage")) config.storage = *storage;
  if (f.has("allow-anonymous")) config.allow_anonymous = true;
  if (const auto cert = f.get("tls-cert")) config.tls_cert = *cert;
  if (const auto key = f.get("tls-key")) config.tls_key = *key;
  if (const auto names = f.all("timeline"); !names.empty()) {
    config.timelines.clear();
    for (const auto& name : names) config.timelines.push_back({.name = name});
  }
  const bool default_location = config.storage.empty();
  web::finish_config(config);
  web::resolve_listen_address(config);
  if (default_location) {
    // The default data directory is ours to create; an explicit path's is not.
    std::filesystem::create_directories(web::default_data_path().parent_path());
  }
  auto storage = open_storage(config.storage, web::limits_of(config), other_writers::hear);
  // Memory never waits, PostgreSQL waits without a thread (its own executor completes).
  if (config.storage.rfind("memory:", 0) == 0 || postgresql_location(config.storage))
    return web::run_server(config, *storage);
  // SQLite and LMDB block on disk: their work runs on a bounded pool, never on I/O threads.
  offloading_storage offloaded(
      *storage, {.threads = config.worker_threads, .queue_capacity = config.worker_queue});
  return web::run_server(config, offloaded);
}

}  // namespace roost::app
