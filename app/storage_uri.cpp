#include "storage_uri.hpp"

#include <filesystem>

#include "storage/lmdb_storage.hpp"
#include "storage/memory_storage.hpp"
#include "storage/sqlite_storage.hpp"

namespace roost::app {

std::unique_ptr<status_storage> open_storage(std::string_view uri, const storage_limits& limits) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos)
    throw invalid_request("storage \"" + std::string(uri) +
                          "\" must look like sqlite:PATH, lmdb:DIR or memory:");
  const auto scheme = uri.substr(0, colon);
  const std::filesystem::path path(std::string(uri.substr(colon + 1)));
  if (scheme == "memory") return make_memory_storage({.limits = limits});
  if (path.empty()) throw invalid_request("storage \"" + std::string(uri) + "\" needs a path");
  // A store the server or an import is to use must be sound: SQLite would find damage
  // only as requests read it, and then fail them one by one.
  if (scheme == "sqlite")
    return make_sqlite_storage({.path = path, .limits = limits, .verify_at_open = true});
  if (scheme == "lmdb") {
    // An LMDB store is a directory; creating it is what a user asking for one expects.
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    return std::make_unique<lmdb_storage>(lmdb_options{.directory = path, .limits = limits});
  }
  throw invalid_request("storage scheme \"" + std::string(scheme) +
                        "\" is unknown: use sqlite:PATH, lmdb:DIR or memory:");
}

}  // namespace roost::app
