#include "lmdb_environment.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "key_codec.hpp"
#include "lmdb_errors.hpp"
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

lmdb::env open_env(const lmdb_options& options) {
  lmdb::env env = lmdb::env::create();
  env.set_max_dbs(table_count);
  env.set_mapsize(round_up(options.initial_map_size, page_size()));
  env.set_max_readers(options.max_readers);
  // MDB_NOTLS: read transactions are not tied to a thread, so pooled threads can share
  // them and one thread can serve several storages.
  const unsigned flags = MDB_NOTLS | (options.sync_writes ? 0u : unsigned{MDB_NOSYNC});
  env.open(options.directory.c_str(), flags, 0644);
  return env;
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
  return environment_registry::find_or_open(
      id, [&] { return std::make_shared<lmdb_environment>(passkey{}, options, id); });
}

lmdb_environment::lmdb_environment(passkey, const lmdb_options& options, directory_id id)
    : id_(id),
      context_(store_name(options.directory)),
      max_map_size_(options.max_map_size),
      env_(nullptr) {
  try {
    env_ = open_env(options);
    if (::mdb_env_get_maxkeysize(env_) < static_cast<int>(lmdb_format::max_key_size))
      throw lmdb_backend_error(errc::unsupported,
                               "the LMDB library was built with keys shorter than " +
                                   std::to_string(lmdb_format::max_key_size) + " bytes");
    // A process that died with a read transaction open leaves its reader slot taken,
    // which pins old pages (the file grows) and can fill the reader table.
    int dead = 0;
    if (const int rc = ::mdb_reader_check(env_, &dead); rc != MDB_SUCCESS)
      lmdb::error::raise("mdb_reader_check", rc);
    tables_ = open_tables(env_);
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
                                 " bytes (MDB_MAP_FULL); nothing was changed");
      }
    }
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

}  // namespace roost::detail
