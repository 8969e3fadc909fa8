// One open LMDB environment, shared by every lmdb_storage of the process that uses the
// same directory.
//
// LMDB forbids opening one environment twice in a process (closing either would free
// the other's reader slots, which belong to the process id, and drop its POSIX locks, so
// that another process could clear its slots or reset the lock file under it), so environments are
// kept in a process-wide registry keyed by the directory's device and inode: a second storage
// object on the same directory shares the first one's environment.
//
// The environment runs each operation as one transaction and hides LMDB's resizing
// rules from the operations: a write that fills the map is rolled back, the map is
// enlarged (doubled, up to the ceiling) and the write runs again from the start; a
// transaction that finds the map grown by another process adopts the new size and runs
// again. Thread-safe: any number of threads may call read() and write() at once.
#pragma once

#include <sys/types.h>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <lmdb++.h>

#include "function_ref.hpp"
#include "read_txn_pool.hpp"
#include "schema.hpp"
#include "storage/errors.hpp"
#include "storage/lmdb_storage.hpp"
#include "txn_gate.hpp"

namespace roost::detail {

class lmdb_environment {
public:
  /// The environment of `options.directory`: the one already open in this process, or
  /// a newly opened one. Throws storage_failure naming the directory and the problem.
  /// REQUIRES: options were validated.
  static std::shared_ptr<lmdb_environment> open(const lmdb_options& options);

  ~lmdb_environment();
  lmdb_environment(const lmdb_environment&) = delete;
  lmdb_environment& operator=(const lmdb_environment&) = delete;

  const lmdb_tables& tables() const noexcept { return tables_; }

  /// The LMDB handle, for what read() and write() do not cover (the page walk).
  MDB_env* handle() const noexcept { return env_; }

  /// "LMDB store '<directory>'", the opening of every error message.
  const std::string& context() const noexcept { return context_; }

  /// Runs `body` in a write transaction, committing when it returns true and rolling
  /// back when it returns false or throws. `body` may run more than once (after a map
  /// resize), so it must start from scratch each time. Returns the failure, if any
  /// (errc::io_error at once for a read-only environment; a full disk is named so);
  /// never throws. Must not be called from inside another read() or write() body.
  storage_error write(function_ref<bool(MDB_txn*)> body) noexcept;

  /// Runs `body` in a read transaction on the newest committed snapshot. Never waits for
  /// a writer. Same rules as write().
  storage_error read(function_ref<void(MDB_txn*)> body) noexcept;

  /// True when opened with lmdb_options::read_only: write() refuses.
  bool read_only() const noexcept { return read_only_; }

  /// The directory, as the first object to open the environment spelled it.
  const std::filesystem::path& directory() const noexcept { return directory_; }

  /// The current map size in bytes.
  std::size_t map_size() const noexcept { return map_size_.load(); }

  /// Clears reader slots of dead processes; returns how many. Throws storage_failure.
  std::size_t clear_stale_readers();

  /// The id of the snapshot a read transaction begun now sees: that of the newest
  /// committed write transaction of any process. A pooled read transaction renewed for
  /// it takes no system call. Throws storage_failure.
  std::uint64_t snapshot_id();

  /// Identity of a directory: its device and inode.
  struct directory_id {
    dev_t device = 0;
    ino_t inode = 0;
    auto operator<=>(const directory_id&) const = default;
  };

  /// Only open() may construct (through std::make_shared, which needs a public
  /// constructor: a failed construction must not run the destructor's registry update).
  class passkey {
    friend class lmdb_environment;
    passkey() = default;
  };
  lmdb_environment(passkey, const lmdb_options& options, directory_id id);

private:
  // Enlarges the map after MDB_MAP_FULL unless another thread did since `observed` was
  // read; false when it is already at the ceiling.
  bool grow_map(std::size_t observed);
  // Adopts the size another process gave the map (after MDB_MAP_RESIZED).
  void adopt_map_size();
  // Reads the map size LMDB currently uses. REQUIRES: inside exclusively() or the ctor.
  void refresh_map_size();

  directory_id id_;
  std::filesystem::path directory_;
  std::string context_;  // also LMDB's user context, for its assertion callback
  std::size_t max_map_size_;
  bool read_only_;
  lmdb::env env_;
  lmdb_tables tables_;
  std::atomic<std::size_t> map_size_{0};
  txn_gate gate_;
  std::optional<read_txn_pool> readers_;  // set once env_ is open
};

/// The process-wide table of open environments (environment_registry.cpp).
namespace environment_registry {

/// The live environment registered for `id`, or the one `open_new()` returns, which is
/// then registered. Waits while an environment for `id` is being closed, so that two
/// environments for one directory never coexist in the process. `open_new` runs under
/// the registry's lock and may throw (nothing is registered then).
std::shared_ptr<lmdb_environment> find_or_open(
    lmdb_environment::directory_id id,
    const std::function<std::shared_ptr<lmdb_environment>()>& open_new);

/// Called by an environment once it has closed: frees `id` for a new open.
void forget(lmdb_environment::directory_id id) noexcept;

}  // namespace environment_registry

}  // namespace roost::detail
