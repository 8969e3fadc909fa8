// sqlite_storage: connections, retries and error translation around the operations.
#include "storage/sqlite_storage.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "change_log.hpp"
#include "connection_pool.hpp"
#include "settings_table.hpp"
#include "sqlite_error.hpp"
#include "storage/change_poller.hpp"
#include "store_check.hpp"
#include "timeline_reads.hpp"
#include "timeline_writes.hpp"

namespace roost {

using sqlite::prepared_connection;

struct sqlite_storage::impl {
  explicit impl(sqlite_options o)
      : options(std::move(o)), path(options.path.string()), pool(options) {}

  // Runs `body` on a connection until it succeeds, a failure other than a lock timeout
  // happens, or the retries are used up; `result` is only assigned on success. Never
  // throws. The connection (and its lock) is released before this returns, so the caller
  // runs the callback without holding anything.
  template <typename Result, typename Body>
  storage_error run(std::string_view operation, bool write, Result& result, Body&& body) noexcept {
    if (write && options.read_only)
      return failure(errc::io_error, operation, "opened read-only; nothing was changed");
    for (unsigned attempt = 0;; ++attempt) {
      try {
        auto lease = write ? pool.writer() : pool.reader();
        result = body(*lease);
        return {};
      } catch (const sqlite::sqlite_error& e) {
        if (e.kind() == errc::busy && attempt < options.busy_retries) continue;
        return sqlite::to_storage_error(e, operation, path);
      } catch (const nlohmann::json::exception& e) {
        // Only an ack parses a stored document; one that is not JSON is damaged data.
        return failure(errc::corrupt, operation,
                       std::string("a stored status is not JSON: ") + e.what());
      } catch (const std::exception& e) {
        return failure(errc::internal, operation, e.what());
      } catch (...) {
        return failure(errc::internal, operation, "unknown exception");
      }
    }
  }

  // run() for a write of `timeline`; when it changed something, tells the watch which
  // revision this object committed, so that the watch does not report it again.
  template <typename Body>
  storage_error write_timeline(std::string_view operation, const std::string& timeline,
                               std::size_t& changed, Body&& body) noexcept {
    std::uint64_t revision = 0;
    const auto error = run(operation, true, changed, [&](prepared_connection& s) {
      s.committed_revision = 0;
      const std::size_t n = body(s);
      revision = s.committed_revision;
      return n;
    });
    if (!error && changed != 0 && poller) poller->note_own(timeline, revision);
    return error;
  }

  storage_error failure(errc code, std::string_view operation, const std::string& what) const {
    return storage_error(make_error_code(code),
                         std::string(operation) + " on sqlite store " + path + ": " + what);
  }

  // Hears the commits of other connections (other processes, other objects on the
  // file): the writer connection's data_version moves only for those, so this object's
  // own writes, whose listeners were told already, cost no scan.
  void watch_other_writers(status_storage::change_listener heard) {
    change_poller::probes probes{
        .version = [this] { return sqlite::data_version(*pool.writer()); },
        .revisions = [this] { return sqlite::timeline_revisions(*pool.reader()); }};
    poller.emplace(options.watch_interval, std::move(probes), std::move(heard));
  }

  sqlite_options options;
  sqlite::write_settings settings{options.limits, options.reclaim_space};
  std::string path;  // for messages
  sqlite::connection_pool pool;
  std::optional<change_poller> poller;  // last: stopped before the pool closes
};

namespace {

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& problem) {
  throw storage_failure(storage_error(make_error_code(errc::io_error),
                                      "sqlite store " + path.string() + ": " + problem));
}

// SQLite says only "unable to open database file" for these; say which.
void check_location(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  if (path.empty()) refuse(path, "no path given (use \":memory:\" for an in-memory store)");
  std::error_code ec;
  const auto dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const auto dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status)) refuse(path, "directory " + dir.string() + " does not exist");
  if (!fs::is_directory(dir_status)) refuse(path, dir.string() + " is not a directory");
  if (fs::is_directory(fs::status(path, ec))) refuse(path, "is a directory, not a file");
  // Also for an existing file: SQLite creates the -wal and -shm files beside it.
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    refuse(path, "directory " + dir.string() + " is not writable (" + std::strerror(errno) +
                     "); a store creates its file and its -wal and -shm files there");
}

// A read-only open needs a store: SQLite would take a missing or empty file for an empty
// database, and report nothing wrong.
void check_existing(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (!fs::exists(st)) refuse(path, "there is no store here (the file does not exist)");
  if (!fs::is_regular_file(st)) refuse(path, "is not a file");
  if (fs::file_size(path, ec) == 0 && !ec)
    throw storage_failure(storage_error(
        make_error_code(errc::corrupt),
        "sqlite store " + path.string() +
            ": the file is empty (0 bytes), not a store: it was lost or cut short. Restore "
            "it from a backup, or import an export into a new store"));
}

}  // namespace

sqlite_storage::sqlite_storage(sqlite_options options) {
  options.limits.validate();
  if (options.read_only && options.path == in_memory)
    throw invalid_request("sqlite_options.read_only needs a file, not \":memory:\"");
  if (options.read_only)
    check_existing(options.path);
  else if (options.path != in_memory)
    check_location(options.path);
  const std::string path = options.path.string();
  try {
    impl_ = std::make_unique<impl>(std::move(options));
    if (impl_->options.watch_interval.count() > 0 && impl_->path != in_memory)
      impl_->watch_other_writers(changes_elsewhere_notifier());
  } catch (const sqlite::sqlite_error& e) {
    throw storage_failure(storage_error(make_error_code(e.kind()),
                                        "cannot open sqlite store " + path + ": " + e.what()));
  }
}

sqlite_storage::~sqlite_storage() = default;

const sqlite_options& sqlite_storage::options() const noexcept { return impl_->options; }

store_check_report sqlite_storage::check() {
  store_check_report report;
  const auto error = impl_->run("check", false, report,
                                [](prepared_connection& s) { return sqlite::check_store(s.db); });
  if (error) throw storage_failure(error);
  return report;
}

void sqlite_storage::vacuum() {
  int unused = 0;
  const auto error = impl_->run("vacuum", true, unused, [](prepared_connection& s) {
    s.db.exec("VACUUM");
    // Also shrink the -wal file the VACUUM filled; when a reader of another process
    // still needs it this only checkpoints what it can, which is fine.
    s.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return 0;
  });
  if (error) throw storage_failure(error);
}

void sqlite_storage::do_put_statuses(prepared_put request, count_callback done) {
  std::size_t changed = 0;
  const auto error = impl_->write_timeline(
      "put_statuses", request.timeline, changed,
      [&](prepared_connection& s) { return sqlite::put_statuses(s, request, impl_->settings); });
  done(error, changed);
}

void sqlite_storage::do_ack_statuses(prepared_ack request, count_callback done) {
  std::size_t changed = 0;
  const auto error = impl_->write_timeline(
      "ack_statuses", request.timeline, changed,
      [&](prepared_connection& s) { return sqlite::ack_statuses(s, request, impl_->settings); });
  done(error, changed);
}

void sqlite_storage::do_delete_statuses(delete_request request, count_callback done) {
  std::size_t changed = 0;
  const auto error = impl_->write_timeline(
      "delete_statuses", request.timeline, changed,
      [&](prepared_connection& s) { return sqlite::delete_statuses(s, request, impl_->settings); });
  done(error, changed);
}

void sqlite_storage::do_get_statuses(prepared_get request, texts_callback done) {
  std::vector<std::string> page;
  const auto error = impl_->run("get_statuses", false, page, [&](prepared_connection& s) {
    return sqlite::get_statuses(s, request, impl_->options.limits.default_count);
  });
  done(error, std::move(page));
}

void sqlite_storage::do_get_unacked_counts(std::string timeline, counts_callback done) {
  unacked_counts counts;
  const auto error = impl_->run("get_unacked_counts", false, counts, [&](prepared_connection& s) {
    return sqlite::get_unacked_counts(s, timeline);
  });
  done(error, std::move(counts));
}

void sqlite_storage::do_contains(
    std::string timeline, std::vector<std::string> ids,
    std::function<void(const storage_error&, std::vector<bool>)> done) {
  std::vector<bool> present;
  const auto error = impl_->run("contains", false, present, [&](prepared_connection& s) {
    return sqlite::contains(s, timeline, ids);
  });
  done(error, std::move(present));
}

void sqlite_storage::do_timeline_names(names_callback done) {
  std::vector<std::string> names;
  const auto error = impl_->run("timeline_names", false, names,
                                [](prepared_connection& s) { return sqlite::timeline_names(s); });
  done(error, std::move(names));
}

void sqlite_storage::do_get_revision(std::string timeline, revision_callback done) {
  std::uint64_t revision = 0;
  const auto error = impl_->run("get_revision", false, revision, [&](prepared_connection& s) {
    return sqlite::get_revision(s, timeline);
  });
  done(error, revision);
}

void sqlite_storage::do_get_changes(prepared_changes request, changes_callback done) {
  std::optional<change_page_builder> page;
  change_page out;
  auto error = impl_->run("get_changes", false, page,
                          [&](prepared_connection& s) { return sqlite::read_changes(s, request); });
  if (!error)
    error = page->finish("get_changes on sqlite store " + impl_->path + ", timeline " +
                             nlohmann::json(request.timeline).dump(),
                         out);
  done(error, error ? change_page{} : std::move(out));
}

void sqlite_storage::do_get_setting(std::string key, setting_callback done) {
  setting found;
  const auto error = impl_->run("get_setting", false, found, [&](prepared_connection& s) {
    return sqlite::get_setting(s, key);
  });
  if (error) found = {};
  done(error, std::move(found));
}

void sqlite_storage::do_put_setting(put_setting_request request, revision_callback done) {
  sqlite::setting_write outcome;
  auto error = impl_->run("put_setting", true, outcome,
                          [&](prepared_connection& s) { return sqlite::put_setting(s, request); });
  if (!error && !outcome.written)
    error = impl_->failure(errc::conflict, "put_setting",
                           "setting \"" + request.key + "\" is at version " +
                               std::to_string(outcome.version) + ", not " +
                               std::to_string(request.expected_version) + "; nothing was changed");
  done(error, error ? 0 : outcome.version);
}

std::unique_ptr<status_storage> make_sqlite_storage(sqlite_options options) {
  return std::make_unique<sqlite_storage>(std::move(options));
}

}  // namespace roost
