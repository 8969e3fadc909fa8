// The SQLite backend against the whole conformance suite (contract cases, truncation and
// the randomized mode against the reference model): on a file (with its storages hearing
// each other's changes), on ":memory:", and called from another thread with completions
// arriving later, as an asynchronous adapter would use it.
#include <catch2/catch.hpp>

#include "../support/delaying_storage.hpp"
#include "../support/hearing_suite.hpp"
#include "sqlite_support.hpp"
#include "storage/conformance/suite.hpp"

namespace {

using roost::testing::temp_dir;

// Each storage gets its own new file in the fixture's directory, and watches it for the
// writes of other connections (which only open_same_store's storages make).
struct sqlite_file_suite : roost::testing::hearing_suite<roost::conformance::storage_suite> {
  temp_dir dir;
  int made = 0;

  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    roost::sqlite_options options;
    options.path = dir / ("store-" + std::to_string(++made) + ".db");
    options.limits = limits;
    options.watch_interval = roost::testing::test_watch_interval;
    return roost::make_sqlite_storage(std::move(options));
  }

  // A second storage on the file of `first`, as another process would open it.
  std::unique_ptr<roost::status_storage> open_same_store(
      roost::status_storage& first, const roost::storage_limits& limits) override {
    auto options = dynamic_cast<roost::sqlite_storage&>(first).options();
    options.limits = limits;
    return roost::make_sqlite_storage(std::move(options));
  }
};

struct sqlite_memory_suite : roost::conformance::storage_suite {
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    roost::sqlite_options options;
    options.path = roost::sqlite_storage::in_memory;
    options.limits = limits;
    return roost::make_sqlite_storage(std::move(options));
  }
};

// Every storage of a case is wrapped; run_until waits on the wrapper the case is using.
struct delayed_sqlite_suite : roost::conformance::storage_suite {
  std::vector<roost::testing::delaying_storage*> made;

  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    roost::sqlite_options options;
    options.path = roost::sqlite_storage::in_memory;
    options.limits = limits;
    auto s = std::make_unique<roost::testing::delaying_storage>(
        roost::make_sqlite_storage(std::move(options)));
    made.push_back(s.get());
    return s;
  }

  void run_until(const std::function<bool()>& done) override {
    // Only the newest storage can have pending work: a case drives one at a time.
    REQUIRE_FALSE(made.empty());
    made.back()->wait_until(done);
  }
};

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(sqlite_file_suite)
ROOST_CONFORMANCE_TEST_CASES(sqlite_memory_suite)
// The contract cases only: the randomized mode would add time, not coverage, over the
// direct runs above.
TEST_CASE_METHOD(delayed_sqlite_suite, "delayed_sqlite_suite conforms to the storage contract",
                 "[conformance]") {
  roost::conformance::run_contract_cases(*this);
}
