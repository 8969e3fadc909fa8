// The LMDB backend against the whole conformance suite (truncation and the randomized
// mode included), each storage in a fresh environment directory; and the contract cases
// again with storages that hear each other's changes.
#include <catch2/catch.hpp>

#include "../support/hearing_suite.hpp"
#include "lmdb_support.hpp"
#include "storage/conformance/suite.hpp"

namespace {

struct lmdb_suite : roost::conformance::storage_suite {
  // Removed when the case ends, after the storages the case made.
  std::vector<std::unique_ptr<roost::testing::temp_dir>> dirs;

  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    dirs.push_back(std::make_unique<roost::testing::temp_dir>());
    return roost::make_lmdb_storage(roost::testing::small_options(dirs.back()->path(), limits));
  }
};

// Storages that watch their environment for other writers, so that those opened by
// open_same_store hear each other.
struct lmdb_watching_suite : roost::testing::hearing_suite<lmdb_suite> {
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    dirs.push_back(std::make_unique<roost::testing::temp_dir>());
    auto options = roost::testing::small_options(dirs.back()->path(), limits);
    options.watch_interval = roost::testing::test_watch_interval;
    return roost::make_lmdb_storage(std::move(options));
  }

  std::unique_ptr<roost::status_storage> open_same_store(
      roost::status_storage& first, const roost::storage_limits& limits) override {
    auto options = roost::testing::small_options(
        dynamic_cast<roost::lmdb_storage&>(first).directory(), limits);
    options.watch_interval = roost::testing::test_watch_interval;
    return roost::make_lmdb_storage(std::move(options));
  }
};

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(lmdb_suite)
// The contract cases only: the randomized mode adds nothing the watch changes.
TEST_CASE_METHOD(lmdb_watching_suite, "lmdb_watching_suite conforms to the storage contract",
                 "[conformance]") {
  roost::conformance::run_contract_cases(*this);
}
