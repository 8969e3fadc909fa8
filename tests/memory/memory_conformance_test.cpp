// The memory backend against the whole conformance suite: directly, and through a
// wrapper that completes every call later on another thread.
#include <catch2/catch.hpp>

#include "../support/delaying_storage.hpp"
#include "storage/conformance/suite.hpp"
#include "storage/memory_storage.hpp"

namespace {

struct memory_suite : roost::conformance::storage_suite {
  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    return roost::make_memory_storage({.limits = limits});
  }
};

// Every storage of a case is wrapped; run_until waits on the wrapper the case is using.
struct delayed_memory_suite : roost::conformance::storage_suite {
  std::vector<roost::testing::delaying_storage*> made;

  std::unique_ptr<roost::status_storage> make_storage(
      const roost::storage_limits& limits) override {
    auto s = std::make_unique<roost::testing::delaying_storage>(
        roost::make_memory_storage({.limits = limits}));
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

ROOST_CONFORMANCE_TEST_CASES(memory_suite)
ROOST_CONFORMANCE_TEST_CASES(delayed_memory_suite)
