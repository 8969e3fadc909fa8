// The server's JSON config file: apply_config_json (what load_server_config does with
// the file's text), finish_config, and the storage limits the server derives from it.
//
// Properties, for any bytes:
//  - apply_config_json and finish_config throw nothing but config_error;
//  - applying an accepted text again changes nothing (each key sets, never adds);
//  - an accepted config keeps every documented lower bound, names each timeline once,
//    and its storage limits are accepted by a store (the server opens one with them).
#include "server_config.hpp"

#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "server.hpp"
#include "storage/errors.hpp"
#include "storage/memory_storage.hpp"

namespace {

using roost::fuzz::check;
namespace web = roost::web;

// Every field, for comparing two configs.
std::string described(const web::server_config& c) {
  std::string out =
      c.listen_address + ":" + std::to_string(c.listen_port) + " " + c.storage + " " + c.time_zone;
  for (const auto& t : c.timelines)
    out += " [" + t.name + " " + std::to_string(t.hidden) + " " +
           std::to_string(t.level_threshold) + " " +
           (t.soft_max ? std::to_string(*t.soft_max) : "-") + " " +
           (t.hard_max ? std::to_string(*t.hard_max) : "-") + "]";
  for (const auto n : {c.io_threads, c.worker_threads, c.worker_queue, c.page_size, c.soft_max,
                       c.hard_max, c.max_body_bytes, c.max_connections, c.max_json_depth,
                       c.change_retention, c.sse_buffer_bytes, c.response_cache_bytes})
    out += " " + std::to_string(n);
  for (const auto s : {c.read_timeout, c.idle_timeout, c.long_poll_timeout, c.sse_heartbeat})
    out += " " + std::to_string(s.count());
  return out + " " + std::to_string(c.response_cache.count()) + " " + std::to_string(c.access_log);
}

// Runs `f`; true when it returned, false for a config_error; any other exception traps.
template <typename F>
bool accepted(const char* property, F&& f) {
  try {
    f();
    return true;
  } catch (const web::config_error&) {
    return false;
  } catch (const std::exception& e) {
    check(false, property, e.what());
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    web::server_config config;
    if (!accepted("apply_config_json throws only config_error",
                  [&] { web::apply_config_json(config, text, "fuzz"); }))
      return;
    auto twice = config;
    check(accepted("apply_config_json accepts an accepted text again",
                   [&] { web::apply_config_json(twice, text, "fuzz"); }) &&
              described(twice) == described(config),
          "applying an accepted config text again changes nothing", text);
    for (const auto n :
         {config.io_threads, config.worker_threads, config.worker_queue, config.page_size,
          config.max_body_bytes, config.max_connections, config.max_json_depth})
      check(n >= 1, "counts the config documents as at least 1 are at least 1", text);
    check(config.sse_buffer_bytes >= 1024 && config.response_cache_bytes >= 1024 &&
              config.response_cache.count() <= 600'000,
          "the config's byte and cache bounds hold", text);
    for (const auto s :
         {config.read_timeout, config.idle_timeout, config.long_poll_timeout, config.sse_heartbeat})
      check(s.count() >= 1, "timeouts are at least one second", text);
    for (const auto& t : config.timelines)
      check(!t.name.empty(), "timeline names are not empty", text);

    if (!accepted("finish_config throws only config_error", [&] { web::finish_config(config); }))
      return;
    check(!config.timelines.empty() && !config.storage.empty(),
          "a finished config has a timeline and a storage", text);
    for (std::size_t i = 0; i < config.timelines.size(); ++i)
      for (std::size_t k = i + 1; k < config.timelines.size(); ++k)
        check(config.timelines[i].name != config.timelines[k].name,
              "a finished config names each timeline once", text);
    try {
      roost::memory_storage store({.limits = web::limits_of(config)});
    } catch (const std::exception& e) {
      const std::string why = e.what();
      check(false, "a store accepts the limits of an accepted config",
            (why.find("of timeline") != std::string::npos ? "[known: timeline limits] " : "") +
                why + " for " + text);
    }
  });
}
