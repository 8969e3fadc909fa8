// Helpers of the LMDB backend's tests: small stores, status builders, checks that look
// at a store from outside the backend, and child processes running lmdb_test_helper.
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
#include "storage/lmdb_storage.hpp"

namespace roost::testing {

/// Options of a test store in `dir`: a 1 MiB map that may grow to 64 MiB, no fsync
/// (a process crash still loses nothing), truncation off unless `limits` says otherwise.
lmdb_options small_options(const std::filesystem::path& dir,
                           storage_limits limits = {.soft_max = 0});

/// A status with the given id, level and created_at (seconds after a fixed instant);
/// acked at a fixed instant when `acked`. `padding` characters of text make it bigger.
status make_status(const std::string& id, std::int64_t level = 0, int created = 0,
                   bool acked = false, std::size_t padding = 0);

/// `n` statuses with ids prefix+first .. prefix+(first+n-1), increasing created_at,
/// levels cycling 0, 1, 2, -1.
std::vector<status> make_statuses(const std::string& prefix, int first, int n,
                                  std::size_t padding = 0);

/// The ids of statuses, in order.
std::vector<std::string> ids_of(const std::vector<status>& statuses);

/// Every status of the timeline, newest first.
std::vector<status> all_statuses(status_storage& s, const std::string& timeline);

/// REQUIREs that the timeline's unacked counts equal a recount of its statuses.
void require_counts_match_recount(status_storage& s, const std::string& timeline);

/// Opens the environment in `dir` with plain LMDB (no storage of this process may have
/// it open) and REQUIREs that every timeline is consistent: each order entry points to
/// its status and back, the tables hold the same number of entries, the recorded size
/// equals it, the stored unacked counts equal a recount, and the change log is one run of
/// consecutive revisions ending at the timeline's revision (or empty), each decodable.
void require_consistent(const std::filesystem::path& dir);

/// The whole content of a file (to prove that a refused store was not changed).
std::string read_file(const std::filesystem::path& path);

/// The LMDB test helper program as a child process.
class helper_process : public child_process {
public:
  explicit helper_process(const std::vector<std::string>& args,
                          std::optional<uid_t> as_uid = std::nullopt)
      : child_process(ROOST_LMDB_TEST_HELPER, args, as_uid) {}
};

}  // namespace roost::testing
