// A third party's conformance test, built against the installed roost::conformance.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <storage/conformance/suite.hpp>
#include <storage/memory_storage.hpp>

struct installed_memory_suite : roost::conformance::storage_suite {
  std::unique_ptr<roost::status_storage> make_storage(const roost::storage_limits& l) override {
    return roost::make_memory_storage({.limits = l});
  }
};

ROOST_CONFORMANCE_TEST_CASES(installed_memory_suite)
