// The whole conformance suite through the asynchronous layer, on an io_context run by
// four threads:
//  - through roost::asio::async_storage over the memory backend (completions posted);
//  - through async_storage over an offloading_storage over the memory backend (and over
//    SQLite and LMDB when they are built), so operations hop to the worker pool and back;
//  - through an offloading_storage alone, completing on its workers.
#include <catch2/catch.hpp>

#include "async_support.hpp"
#include "storage/conformance/suite.hpp"
#include "storage/memory_storage.hpp"
#include "storage/offloading_storage.hpp"
#ifdef ROOST_TEST_WITH_SQLITE
#include "storage/sqlite_storage.hpp"
#endif
#ifdef ROOST_TEST_WITH_LMDB
#include "../support/temp_dir.hpp"
#include "storage/lmdb_storage.hpp"
#endif

namespace {

using roost::offloading_options;
using roost::offloading_storage;
using roost::testing::asio_api_storage;
using roost::testing::event_signal;
using roost::testing::io_threads;

// Common part: storages made through the async API on four io threads; run_until waits
// for the completions without polling and checks that each ran on an io thread, after
// its initiating call.
struct async_suite_base : roost::conformance::storage_suite {
  event_signal completions;
  std::atomic<int> bad{0};
  io_threads io{4};  // last: its threads are joined before the members above go

  std::unique_ptr<roost::status_storage> through_api(std::unique_ptr<roost::status_storage> inner) {
    return std::make_unique<asio_api_storage>(io, std::move(inner), completions, bad);
  }

  void run_until(const std::function<bool()>& done) override {
    completions.wait_until(done);
    REQUIRE(bad == 0);
  }
};

struct async_memory_suite : async_suite_base {
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    return through_api(roost::make_memory_storage({.limits = limits}));
  }
};

struct async_offloaded_memory_suite : async_suite_base {
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    return through_api(std::make_unique<offloading_storage>(
        roost::make_memory_storage({.limits = limits}),
        offloading_options{.threads = 3, .queue_capacity = 64}));
  }
};

// An offloading_storage used directly: callbacks arrive on its workers. A thin wrapper
// signals after each callback so that run_until can wait without polling.
class signalling_storage final : public roost::storage_wrapper {
public:
  signalling_storage(std::unique_ptr<roost::status_storage> inner, event_signal& signal)
      : storage_wrapper(*inner), owned_(std::move(inner)), signal_(signal) {}

protected:
  void do_put_statuses(roost::prepared_put r, roost::count_callback done) override {
    storage_wrapper::do_put_statuses(std::move(r), wrap(std::move(done)));
  }
  void do_get_statuses(roost::prepared_get r, roost::texts_callback done) override {
    storage_wrapper::do_get_statuses(std::move(r), wrap(std::move(done)));
  }
  void do_ack_statuses(roost::prepared_ack r, roost::count_callback done) override {
    storage_wrapper::do_ack_statuses(std::move(r), wrap(std::move(done)));
  }
  void do_delete_statuses(roost::delete_request r, roost::count_callback done) override {
    storage_wrapper::do_delete_statuses(std::move(r), wrap(std::move(done)));
  }
  void do_get_unacked_counts(std::string t, roost::counts_callback done) override {
    storage_wrapper::do_get_unacked_counts(std::move(t), wrap(std::move(done)));
  }
  void do_contains(
      std::string t, std::vector<std::string> ids,
      std::function<void(const roost::storage_error&, std::vector<bool>)> done) override {
    storage_wrapper::do_contains(std::move(t), std::move(ids), wrap(std::move(done)));
  }
  void do_timeline_names(roost::names_callback done) override {
    storage_wrapper::do_timeline_names(wrap(std::move(done)));
  }
  void do_get_revision(std::string t, roost::revision_callback done) override {
    storage_wrapper::do_get_revision(std::move(t), wrap(std::move(done)));
  }
  void do_get_changes(roost::prepared_changes r, roost::changes_callback done) override {
    storage_wrapper::do_get_changes(std::move(r), wrap(std::move(done)));
  }
  void do_get_setting(std::string k, roost::setting_callback done) override {
    storage_wrapper::do_get_setting(std::move(k), wrap(std::move(done)));
  }
  void do_put_setting(roost::put_setting_request r, roost::revision_callback done) override {
    storage_wrapper::do_put_setting(std::move(r), wrap(std::move(done)));
  }

private:
  template <typename Result>
  std::function<void(const roost::storage_error&, Result)> wrap(
      std::function<void(const roost::storage_error&, Result)> done) {
    return [this, done = std::move(done)](const roost::storage_error& e, Result r) {
      done(e, std::move(r));
      signal_.notify();
    };
  }
  std::unique_ptr<roost::status_storage> owned_;
  event_signal& signal_;
};

struct offloaded_memory_suite : roost::conformance::storage_suite {
  event_signal completions;
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    return std::make_unique<signalling_storage>(
        std::make_unique<offloading_storage>(roost::make_memory_storage({.limits = limits}),
                                             offloading_options{.threads = 2}),
        completions);
  }
  void run_until(const std::function<bool()>& done) override { completions.wait_until(done); }
};

#ifdef ROOST_TEST_WITH_SQLITE
struct async_offloaded_sqlite_suite : async_suite_base {
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    roost::sqlite_options options;
    options.path = roost::sqlite_storage::in_memory;
    options.limits = limits;
    return through_api(std::make_unique<offloading_storage>(
        roost::make_sqlite_storage(std::move(options)), offloading_options{.threads = 3}));
  }
  roost::conformance::capabilities caps() const override { return {.random_operations = 500}; }
};
#endif

#ifdef ROOST_TEST_WITH_LMDB
struct async_offloaded_lmdb_suite : async_suite_base {
  // Removed when the case ends, after the storages the case made.
  std::vector<std::unique_ptr<roost::testing::temp_dir>> dirs;
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    dirs.push_back(std::make_unique<roost::testing::temp_dir>());
    roost::lmdb_options options;
    options.directory = dirs.back()->path();
    options.limits = limits;
    options.initial_map_size = std::size_t{8} << 20;
    options.sync_writes = false;
    return through_api(std::make_unique<offloading_storage>(
        roost::make_lmdb_storage(std::move(options)), offloading_options{.threads = 3}));
  }
  roost::conformance::capabilities caps() const override { return {.random_operations = 500}; }
};
#endif

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(async_memory_suite)
ROOST_CONFORMANCE_TEST_CASES(async_offloaded_memory_suite)
ROOST_CONFORMANCE_TEST_CASES(offloaded_memory_suite)
#ifdef ROOST_TEST_WITH_SQLITE
ROOST_CONFORMANCE_TEST_CASES(async_offloaded_sqlite_suite)
#endif
#ifdef ROOST_TEST_WITH_LMDB
ROOST_CONFORMANCE_TEST_CASES(async_offloaded_lmdb_suite)
#endif
