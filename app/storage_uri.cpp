#include "storage_uri.hpp"

#include <filesystem>

#include "storage/lmdb_storage.hpp"
#include "storage/memory_storage.hpp"
#include "storage/postgresql_storage.hpp"
#include "storage/sqlite_storage.hpp"

namespace roost::app {
namespace {

// roost_schema=NAME is Roost's, and libpq refuses parameters it does not know: it is
// taken out of the connection string, from a URI's query (?roost_schema=x&...) or from a
// keyword string (one of its space-separated words).
void take_schema_parameter(postgresql_options& options) {
  static constexpr std::string_view key = "roost_schema=";
  auto& c = options.connection;
  const bool uri = c.starts_with("postgres");
  for (std::size_t at = c.find(key); at != std::string::npos; at = c.find(key, at + 1)) {
    const char before = at == 0 ? ' ' : c[at - 1];
    if (uri ? (before != '?' && before != '&') : before != ' ') continue;
    const char separator = uri ? '&' : ' ';
    const auto end = std::min(c.find(separator, at), c.size());
    options.schema = c.substr(at + key.size(), end - at - key.size());
    // The parameter and one separator next to it.
    if (end < c.size())
      c.erase(at, end + 1 - at);
    else
      c.erase(at == 0 ? 0 : at - 1);
    return;
  }
}

}  // namespace

std::optional<postgresql_options> postgresql_location(std::string_view uri) {
  postgresql_options options;
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    options.connection = std::string(uri);
  } else if (uri.starts_with("postgresql:")) {
    options.connection = std::string(uri.substr(std::string_view("postgresql:").size()));
  } else {
    return std::nullopt;
  }
  take_schema_parameter(options);
  if (options.schema.empty())
    throw invalid_request("storage \"" + std::string(uri) + "\": roost_schema is empty");
  return options;
}

std::unique_ptr<status_storage> open_storage(std::string_view uri, const storage_limits& limits,
                                             other_writers others) {
  const bool hear = others == other_writers::hear;
  if (auto pg = postgresql_location(uri)) {
    pg->limits = limits;
    pg->listen_for_changes = hear;
    return make_postgresql_storage(std::move(*pg));
  }
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos)
    throw invalid_request("storage \"" + std::string(uri) +
                          "\" must look like sqlite:PATH, lmdb:DIR, postgresql://... or memory:");
  const auto scheme = uri.substr(0, colon);
  const std::filesystem::path path(std::string(uri.substr(colon + 1)));
  if (scheme == "memory") return make_memory_storage({.limits = limits});
  if (path.empty()) throw invalid_request("storage \"" + std::string(uri) + "\" needs a path");
  const auto watch = hear ? server_watch_interval : std::chrono::milliseconds(0);
  // A store the server or an import is to use must be sound: SQLite would find damage
  // only as requests read it, and then fail them one by one.
  if (scheme == "sqlite")
    return make_sqlite_storage(
        {.path = path, .limits = limits, .verify_at_open = true, .watch_interval = watch});
  if (scheme == "lmdb") {
    // An LMDB store is a directory; creating it is what a user asking for one expects.
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    return std::make_unique<lmdb_storage>(
        lmdb_options{.directory = path, .limits = limits, .watch_interval = watch});
  }
  throw invalid_request("storage scheme \"" + std::string(scheme) +
                        "\" is unknown: use sqlite:PATH, lmdb:DIR, postgresql://... or memory:");
}

}  // namespace roost::app
