// Runs storage operations for the conformance cases: starts one, drives the backend
// through storage_suite::run_until until its callback ran, and checks that it ran
// exactly once and reported no error. Caller-mistake checks go through expect_rejected.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/conformance/suite.hpp"

namespace roost::conformance::detail {

class driver {
public:
  driver(storage_suite& suite, std::unique_ptr<status_storage> storage);
  ~driver();
  driver(driver&&) = default;

  status_storage& storage() { return *storage_; }

  std::size_t put(const std::string& timeline, put_mode mode, std::vector<status> statuses);
  std::vector<status> get(get_request request);
  /// The ids of get(request), in order.
  std::vector<std::string> get_ids(get_request request);
  /// Every status of the timeline, newest first.
  std::vector<status> all(const std::string& timeline);
  std::vector<std::string> all_ids(const std::string& timeline);
  std::vector<std::string> get_texts(get_request request);
  std::size_t ack(ack_request request);
  std::size_t erase(delete_request request);
  unacked_counts counts(const std::string& timeline);
  contains_result contains(const std::string& timeline, std::vector<nlohmann::json> query);
  std::vector<std::string> names();
  std::uint64_t revision(const std::string& timeline);
  /// get_changes; requires success.
  change_page changes(const std::string& timeline, std::uint64_t since, std::size_t limit = 0);
  /// get_changes that must fail; returns its error (requires exactly one callback).
  storage_error changes_error(const std::string& timeline, std::uint64_t since,
                              std::size_t limit = 0);

  /// get_setting; requires success.
  setting get_setting(const std::string& key);
  /// put_setting; requires success and returns the new version.
  std::uint64_t put_setting(const std::string& key, std::optional<std::string> value,
                            std::uint64_t expected_version);
  /// put_setting that must fail; returns its error.
  storage_error put_setting_error(const std::string& key, std::optional<std::string> value,
                                  std::uint64_t expected_version);
  /// get_setting that must fail; returns its error.
  storage_error get_setting_error(const std::string& key);

  /// A callback for an operation that must be rejected: it counts if it ever runs.
  struct rejected_callback {
    std::shared_ptr<std::atomic<int>> calls;
    template <typename... Args>
    void operator()(Args&&...) const {
      ++*calls;
    }
  };

  /// Requires `start` (an operation on storage() given the callback) to throw
  /// std::invalid_argument and never call the callback.
  void expect_rejected(const std::function<void(rejected_callback)>& start);

  /// Requires that every callback given so far ran exactly once (late duplicates included).
  void check_exactly_once();

private:
  struct call_state;
  /// Starts an operation and drives the backend until its callback ran; returns the
  /// callback's error and result. Requires exactly one call.
  template <typename Result, typename Start>
  std::pair<storage_error, Result> run_any(const char* what, Start&& start);
  /// run_any that also requires success.
  template <typename Result, typename Start>
  Result run(const char* what, Start&& start);
  std::shared_ptr<call_state> begin_call();

  storage_suite& suite_;
  std::unique_ptr<status_storage> storage_;
  std::vector<std::shared_ptr<call_state>> calls_;
};

/// Shared by a pending call and its callback; the callback may run on any thread.
struct driver::call_state {
  std::mutex mutex;
  int calls = 0;
};

}  // namespace roost::conformance::detail
