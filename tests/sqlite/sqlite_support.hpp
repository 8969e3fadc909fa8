// Helpers of the SQLite backend's tests: a raw connection to look at a store from the
// outside, a consistency check, status builders and child processes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../support/change_log_checks.hpp"
#include "../support/child_process.hpp"
#include "../support/temp_dir.hpp"
#include "storage/sqlite_storage.hpp"

struct sqlite3;

namespace roost::testing {

/// A plain SQLite connection to a file, independent of the backend under test.
class raw_db {
public:
  explicit raw_db(const std::filesystem::path& path);
  ~raw_db();
  raw_db(const raw_db&) = delete;
  raw_db& operator=(const raw_db&) = delete;

  /// Runs SQL; REQUIREs success.
  void exec(const std::string& sql);
  /// Runs SQL and returns the engine's result code (for statements expected to fail).
  int try_exec(const std::string& sql);
  /// The first column of the first row as an integer (REQUIREs a row).
  std::int64_t integer(const std::string& sql);
  /// Every row, each column as text ("NULL" for NULL), columns joined by '|'.
  std::vector<std::string> rows(const std::string& sql);

  sqlite3* get() const { return db_; }

private:
  sqlite3* db_ = nullptr;
};

/// Checks the file at `path` from outside: PRAGMA integrity_check is "ok", every
/// timeline's unacked counts equal a recount of its statuses (and no empty count row is
/// kept), every timeline's size equals its number of statuses, and every timeline's change
/// log is one run of consecutive revisions ending at the timeline's revision (or empty).
/// Uses Catch2 REQUIREs.
void require_consistent(const std::filesystem::path& path);

/// A status with the given id, level and created_at (seconds after a fixed instant);
/// acked (at a fixed instant) when `acked`. `padding` characters of text make it bigger.
nlohmann::json make_status(const std::string& id, std::int64_t level = 0, int created = 0,
                           bool acked = false, std::size_t padding = 0);

/// `n` statuses with ids prefix+first .. prefix+(first+n-1), increasing created_at,
/// levels cycling 0, 1, 2, -1.
std::vector<nlohmann::json> make_statuses(const std::string& prefix, int first, int n,
                                          std::size_t padding = 0);

/// Options of a file store in `dir`.
sqlite_options file_options(const temp_dir& dir, const std::string& name = "store.db");

/// The whole content of a file (to prove that a refused file was not changed).
std::string read_file(const std::filesystem::path& path);

/// The SQLite test helper program as a child process.
class helper_process : public child_process {
public:
  explicit helper_process(const std::vector<std::string>& args,
                          std::optional<uid_t> as_uid = std::nullopt)
      : child_process(ROOST_SQLITE_TEST_HELPER, args, as_uid) {}
};

}  // namespace roost::testing
