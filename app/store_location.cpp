#include "store_location.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "storage/errors.hpp"
#include "storage/lmdb_storage.hpp"
#include "storage/sqlite_storage.hpp"
#include "storage_uri.hpp"

namespace roost::app {

namespace fs = std::filesystem;

store_location store_location::parse(std::string_view uri) {
  store_location out;
  out.uri = std::string(uri);
  if (postgresql_location(uri)) {
    out.scheme = "postgresql";
    return out;
  }
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos)
    throw invalid_request("storage \"" + out.uri +
                          "\" must look like sqlite:PATH, lmdb:DIR, postgresql://... or memory:");
  out.scheme = std::string(uri.substr(0, colon));
  out.path = fs::path(std::string(uri.substr(colon + 1)));
  if (out.scheme != "sqlite" && out.scheme != "lmdb" && out.scheme != "memory")
    throw invalid_request("storage scheme \"" + out.scheme +
                          "\" is unknown: use sqlite:PATH, lmdb:DIR, postgresql://... or memory:");
  if (out.scheme != "memory" && out.path.empty())
    throw invalid_request("storage \"" + out.uri + "\" needs a path");
  return out;
}

bool store_location::exists() const {
  // A database is always there; whether it holds Roost's schema the open finds out.
  if (scheme == "postgresql") return true;
  std::error_code ec;
  if (scheme == "sqlite") return fs::is_regular_file(path, ec);
  if (scheme == "lmdb") return fs::is_regular_file(path / "data.mdb", ec);
  return false;
}

std::optional<std::uintmax_t> store_location::bytes_on_disk() const {
  if (scheme == "postgresql" || !exists()) return std::nullopt;
  std::error_code ec;
  std::uintmax_t total = 0;
  const auto add = [&](const fs::path& p) {
    if (fs::is_regular_file(p, ec)) {
      const auto n = fs::file_size(p, ec);
      if (!ec) total += n;
    }
  };
  if (scheme == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm"}) add(fs::path(path.native() + suffix));
  } else {
    for (const auto& entry : fs::directory_iterator(path, ec)) add(entry.path());
  }
  return total;
}

bool store_location::same_as(const store_location& other) const {
  if (scheme == "memory" || other.scheme == "memory") return false;
  if (scheme == "postgresql" || other.scheme == "postgresql") {
    if (scheme != other.scheme) return false;
    // The same connection string and schema; other spellings of one database are not
    // recognized.
    const auto a = postgresql_location(uri), b = postgresql_location(other.uri);
    return a->connection == b->connection && a->schema == b->schema;
  }
  std::error_code ec;
  const auto a = fs::weakly_canonical(path, ec);
  const auto b = fs::weakly_canonical(other.path, ec);
  return a == b;
}

std::unique_ptr<status_storage> open_store_for_moving(const store_location& where,
                                                      bool must_exist) {
  if (must_exist && where.scheme != "memory" && !where.exists())
    throw std::runtime_error("no store at \"" + where.uri + "\"");
  storage_limits limits;
  limits.soft_max = 0;  // truncation off: moving data must not lose any
  if (where.scheme == "postgresql") {
    auto options = *postgresql_location(where.uri);
    options.limits = limits;
    // The side a command reads must already hold Roost's schema: nothing is created.
    options.create_schema = !must_exist;
    // A command moving data has nobody to tell of other writers' changes; its own writes
    // still tell the servers on the schema.
    options.listen_for_changes = false;
    return make_postgresql_storage(std::move(options));
  }
  if (must_exist && where.scheme == "lmdb")
    return make_lmdb_storage({.directory = where.path, .limits = limits, .read_only = true});
  // A damaged store is refused before anything is read or created (a migration's
  // target): LMDB walks its pages at open anyway, SQLite gets PRAGMA quick_check.
  if (must_exist && where.scheme == "sqlite")
    return make_sqlite_storage(
        {.path = where.path, .limits = limits, .read_only = true, .verify_at_open = true});
  if (where.scheme == "lmdb") {
    // Bulk writes: no fsync per batch (a killed process still loses nothing, and LMDB is
    // never corrupted); sync_to_disk() flushes once at the end.
    std::error_code ec;
    fs::create_directories(where.path, ec);
    return make_lmdb_storage({.directory = where.path, .limits = limits, .sync_writes = false});
  }
  return open_storage(where.uri, limits, other_writers::ignore);
}

void sync_to_disk(const store_location& where) {
  if (where.scheme != "lmdb") return;  // SQLite commits are durable as configured
  const auto data = where.path / "data.mdb";
  const int fd = ::open(data.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    throw std::system_error(e, std::generic_category(), "flushing " + data.string());
  }
  ::close(fd);
}

store_check_report check_store(const store_location& where) {
  if (where.scheme == "lmdb") {
    lmdb_storage store({.directory = where.path, .read_only = true});
    return store.check();
  }
  if (where.scheme == "sqlite") {
    sqlite_storage store({.path = where.path, .read_only = true});
    return store.check();
  }
  throw std::invalid_argument("only SQLite and LMDB stores can be checked, not " + where.scheme);
}

}  // namespace roost::app
