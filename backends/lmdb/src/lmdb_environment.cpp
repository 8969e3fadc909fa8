#include "lmdb_environment.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "key_codec.hpp"
#include "lmdb_errors.hpp"
#include "page_walk.hpp"
#include "transaction.hpp"

namespace roost::detail {
namespace {

// Retries after MDB_MAP_RESIZED or MDB_READERS_FULL, which another process can cause
// again and again; past this many the operation reports the error.
constexpr int max_attempts = 16;

std::string store_name(const std::filesystem::path& dir) {
  return "LMDB store '" + dir.string() + "'";
}

[[noreturn]] void fail_open(errc code, const std::filesystem::path& dir, const std::string& what) {
  throw storage_failure(storage_error(code, "cannot open " + store_name(dir) + ": " + what));
}

std::size_t page_size() {
  const long n = ::sysconf(_SC_PAGESIZE);
  return n > 0 ? static_cast<std::size_t>(n) : 4096;
}

std::size_t round_up(std::size_t n, std::size_t unit) {
  return n % unit == 0 ? n : n + (unit - n % unit);
}

// The error of a failed open, with a hint for the cases a user can fix.
storage_failure open_failure(const std::filesystem::path& dir) {
  const storage_error e = current_exception_error("cannot open " + store_name(dir));
  std::string message = e.message();
  try {
    throw;
  } catch (const lmdb::error& le) {
    if (le.code() == EACCES || le.code() == EROFS || le.code() == EPERM)
      message += " (the directory or its files are not writable)";
    else if (le.code() == MDB_INVALID)
      message += " (the directory holds a data.mdb that is not an LMDB environment)";
    else if (le.code() == MDB_VERSION_MISMATCH)
      message += " (the environment was made by an incompatible LMDB version)";
  } catch (...) {
  }
  return storage_failure(storage_error(e.code(), std::move(message)));
}

// LMDB calls this before abort() when one of its assertions fails, which a store
// damaged after it was opened can cause: at least say which store and what to do.
void report_assertion(MDB_env* env, const char* message) {
  const auto* context = static_cast<const std::string*>(::mdb_env_get_userctx(env));
  std::fprintf(stderr,
               "roost: %s is damaged: LMDB failed its internal check (%s) and stops the "
               "process. Run roost check on the store; restore it from a backup or an export.\n",
               context != nullptr ? context->c_str() : "an LMDB store", message);
}

lmdb::env open_env(const lmdb_options& options, const std::string* context) {
  lmdb::env env = lmdb::env::create();
  env.set_max_dbs(table_count);
  env.set_mapsize(round_up(options.initial_map_size, page_size()));
  env.set_max_readers(options.max_readers);
  ::mdb_env_set_userctx(env, const_cast<std::string*>(context));
  ::mdb_env_set_assert(env, report_assertion);
  // MDB_NOTLS: read transactions are not tied to a thread, so pooled threads can share
  // them and one thread can serve several storages.
  const unsigned flags = MDB_NOTLS | (options.sync_writes ? 0u : unsigned{MDB_NOSYNC}) |
                         (options.read_only ? unsigned{MDB_RDONLY} : 0u);
  env.open(options.directory.c_str(), flags, 0644);
  return env;
}

// The meta pages are read before LMDB reads them: it trusts their page size enough to
// divide by it.
void check_meta_pages(const lmdb_options& options, const std::filesystem::path& data,
                      std::uint64_t bytes) {
  const int fd = ::open(data.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // LMDB's own open reports it
  const auto problem = meta_pages_problem(fd, bytes);
  ::close(fd);
  if (!problem.empty())
    fail_open(errc::corrupt, options.directory,
              data.string() + " is damaged: " + problem +
                  ". Nothing was changed. Restore the store from a backup or import an export "
                  "into a new one");
}

// LMDB starts a new environment in a data file it finds empty, and so would silently
// replace a store cut to zero bytes by an empty one. Only LMDB itself may see the file
// empty, between creating it and writing its meta pages (a few microseconds, under its
// lock): a file that stays empty is refused. A read-only open also needs the file.
void check_data_file(const lmdb_options& options) {
  const auto data = options.directory / "data.mdb";
  for (int attempt = 0;; ++attempt) {
    struct ::stat st {};
    if (::stat(data.c_str(), &st) != 0) {
      if (errno == ENOENT && !options.read_only) return;  // a new store
      const int err = errno;
      fail_open(errc::io_error, options.directory,
                err == ENOENT ? "there is no store here (no data.mdb; a read-only open creates "
                                "none)"
                              : "cannot examine " + data.string() + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode))
      fail_open(errc::corrupt, options.directory, data.string() + " is not a file");
    if (st.st_size > 0)
      return check_meta_pages(options, data, static_cast<std::uint64_t>(st.st_size));
    if (attempt == 20)
      fail_open(errc::corrupt, options.directory,
                data.string() +
                    " is empty (0 bytes): the store was lost or cut short. Restore the "
                    "directory from a backup or import an export into a new one; delete the "
                    "empty data.mdb to start an empty store here");
    ::usleep(25000);
  }
}

// Refuses a data file LMDB cannot read safely (page_walk.hpp), before anything reads a
// page through the map.
void check_pages(MDB_env* env, const lmdb_options& options) {
  for (int attempt = 1;; ++attempt) {
    transaction txn(env, MDB_RDONLY);
    const page_walk_result walk =
        walk_pages(env, txn.get(), options.verify_pages ? walk_depth::full : walk_depth::tail);
    if (walk.snapshot_moved && attempt < 8) continue;
    if (walk.ok()) return;
    std::string what = (options.directory / "data.mdb").string() + " is damaged: ";
    if (walk.snapshot_moved) what += "the store changed under the check; try again";
    for (std::size_t i = 0; i < walk.problems.size() && i < 3; ++i)
      what += (i == 0 ? "" : "; ") + walk.problems[i];
    const std::size_t more =
        walk.problems.size() + walk.unlisted - std::min<std::size_t>(walk.problems.size(), 3);
    if (more > 0) what += "; and " + std::to_string(more) + " more problems";
    what +=
        ". Nothing was changed. Run roost check for the whole report; restore the store "
        "from a backup or an export";
    throw lmdb_backend_error(errc::corrupt, what);
  }
}

// LMDB reports a write cut short by a full disk as EIO ("Input/output error"): a short
// pwrite has no errno. Tell the two apart by asking the file system how much room is left.
std::optional<std::string> disk_full(const std::filesystem::path& dir, int rc) {
  if (rc != EIO && rc != ENOSPC) return std::nullopt;
  struct ::statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) {
    if (rc == ENOSPC) return std::string("no space left on device");
    return std::nullopt;
  }
  const auto free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  // A failed commit stops at most one batch of pages (MDB_COMMIT_PAGES, 256 KiB) short.
  if (rc != ENOSPC && free_bytes >= (std::uint64_t{1} << 20)) return std::nullopt;
  return "no space left on device (the file system holding " + dir.string() + " has " +
         std::to_string(free_bytes) + " bytes free)";
}

}  // namespace

std::shared_ptr<lmdb_environment> lmdb_environment::open(const lmdb_options& options) {
  const auto& dir = options.directory;
  struct ::stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) fail_open(errc::io_error, dir, "the directory does not exist");
    fail_open(errc::io_error, dir, std::string("cannot examine the path: ") + std::strerror(err));
  }
  if (!S_ISDIR(st.st_mode))
    fail_open(errc::corrupt, dir, "not a directory (an LMDB store is a directory)");
  const directory_id id{st.st_dev, st.st_ino};
  auto env = environment_registry::find_or_open(
      id, [&] { return std::make_shared<lmdb_environment>(passkey{}, options, id); });
  if (env->read_only_ && !options.read_only)
    fail_open(errc::internal, dir,
              "this process has it open read-only already (LMDB allows one environment per "
              "directory and process); close that first");
  return env;
}

lmdb_environment::lmdb_environment(passkey, const lmdb_options& options, directory_id id)
    : id_(id),
      directory_(options.directory),
      context_(store_name(options.directory)),
      max_map_size_(options.max_map_size),
      read_only_(options.read_only),
      env_(nullptr) {
  check_data_file(options);
  try {
    env_ = open_env(options, &context_);
    if (::mdb_env_get_maxkeysize(env_) < static_cast<int>(lmdb_format::max_key_size))
      throw lmdb_backend_error(errc::unsupported,
                               "the LMDB library was built with keys shorter than " +
                                   std::to_string(lmdb_format::max_key_size) + " bytes");
    // A process that died with a read transaction open leaves its reader slot taken,
    // which pins old pages (the file grows) and can fill the reader table.
    int dead = 0;
    if (const int rc = ::mdb_reader_check(env_, &dead); rc != MDB_SUCCESS)
      lmdb::error::raise("mdb_reader_check", rc);
    check_pages(env_, options);
    tables_ = open_tables(env_, options.read_only);
    refresh_map_size();
  } catch (...) {
    throw open_failure(options.directory);
  }
  // About a quarter of the reader table, so that several processes can pool slots too.
  readers_.emplace(env_, std::clamp<std::size_t>(options.max_readers / 4, 1, 32));
}

lmdb_environment::~lmdb_environment() {
  readers_.reset();  // aborts the pooled read transactions before the environment closes
  env_.close();
  environment_registry::forget(id_);
}

void lmdb_environment::refresh_map_size() {
  MDB_envinfo info{};
  lmdb::env_info(env_, &info);
  map_size_.store(info.me_mapsize);
}

bool lmdb_environment::grow_map(std::size_t observed) {
  bool grown = true;
  gate_.exclusively([&] {
    refresh_map_size();
    const std::size_t current = map_size_.load();
    if (current > observed) return;  // another thread (or an adoption) enlarged it already
    if (current >= max_map_size_) {
      grown = false;
      return;
    }
    const std::size_t doubled = current > max_map_size_ / 2 ? max_map_size_ : current * 2;
    lmdb::env_set_mapsize(env_, std::min(max_map_size_, std::max(doubled, current + page_size())));
    refresh_map_size();
  });
  return grown;
}

void lmdb_environment::adopt_map_size() {
  gate_.exclusively([&] {
    // Size 0 takes the size another process recorded in the environment.
    lmdb::env_set_mapsize(env_, 0);
    refresh_map_size();
  });
}

storage_error lmdb_environment::write(function_ref<bool(MDB_txn*)> body) noexcept {
  if (read_only_)
    return storage_error(errc::io_error, context_ + ": opened read-only; nothing was changed");
  try {
    for (int attempt = 1;; ++attempt) {
      int retry = 0;
      std::size_t observed = 0;
      {
        txn_gate::pass pass(gate_);
        observed = map_size_.load();
        try {
          transaction txn(env_, 0);
          if (body(txn.get())) txn.commit();
          return {};
        } catch (const lmdb::error& e) {
          // The transaction is rolled back by now; these two are cured by resizing.
          if (e.code() != MDB_MAP_FULL && e.code() != MDB_MAP_RESIZED) throw;
          if (e.code() == MDB_MAP_RESIZED && attempt >= max_attempts) throw;
          retry = e.code();
        }
      }
      if (retry == MDB_MAP_RESIZED) {
        adopt_map_size();
      } else if (!grow_map(observed)) {
        return storage_error(errc::io_error,
                             context_ + ": the write needs more than the map size ceiling of " +
                                 std::to_string(max_map_size_) +
                                 " bytes (MDB_MAP_FULL); nothing was changed. Raise "
                                 "max_map_size, or delete statuses");
      }
    }
  } catch (const lmdb::error& e) {
    try {
      if (const auto full = disk_full(directory_, e.code()))
        return storage_error(errc::io_error,
                             context_ + ": " + *full + "; " + e.origin() + " failed (" +
                                 ::mdb_strerror(e.code()) + ", code " + std::to_string(e.code()) +
                                 "). Nothing was changed; free some space and retry.");
    } catch (...) {
    }
    return current_exception_error(context_);
  } catch (...) {
    return current_exception_error(context_);
  }
}

storage_error lmdb_environment::read(function_ref<void(MDB_txn*)> body) noexcept {
  try {
    for (int attempt = 1;; ++attempt) {
      int retry = 0;
      {
        txn_gate::pass pass(gate_);
        try {
          pooled_read_txn txn(*readers_);
          body(txn.get());
          return {};
        } catch (const lmdb::error& e) {
          if (e.code() != MDB_MAP_RESIZED && e.code() != MDB_READERS_FULL) throw;
          if (attempt >= max_attempts || (e.code() == MDB_READERS_FULL && attempt > 1)) throw;
          retry = e.code();
        }
      }
      if (retry == MDB_MAP_RESIZED) {
        adopt_map_size();
      } else {
        // The table may be full of slots of dead processes: clear them and try once more.
        int dead = 0;
        ::mdb_reader_check(env_, &dead);
      }
    }
  } catch (...) {
    return current_exception_error(context_);
  }
}

std::size_t lmdb_environment::clear_stale_readers() {
  int dead = 0;
  if (const int rc = ::mdb_reader_check(env_, &dead); rc != MDB_SUCCESS)
    throw storage_failure(engine_error(context_, "mdb_reader_check", rc));
  return static_cast<std::size_t>(dead);
}

std::uint64_t lmdb_environment::snapshot_id() {
  // Not mdb_env_info's last transaction id: a committing writer updates the meta page
  // before the reader table's newest id, so in between that number is ahead of every
  // snapshot a read can take, and a scan prompted by it would find nothing new.
  std::uint64_t id = 0;
  const auto error = read([&](MDB_txn* txn) { id = ::mdb_txn_id(txn); });
  if (error) throw storage_failure(error);
  return id;
}

}  // namespace roost::detail
