// The LMDB backend against the whole conformance suite (truncation and the randomized
// mode included), each storage in a fresh environment directory.
#include <catch2/catch.hpp>

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

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(lmdb_suite)
