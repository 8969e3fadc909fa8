// How a third party runs the conformance suite against its own backend: this is the
// whole file (docs/conformance.md walks through it). The "third-party backend" here is
// a forwarding wrapper around the memory backend, standing in for your own class.
#include <catch2/catch.hpp>
#include <storage/conformance/suite.hpp>
#include <storage/memory_storage.hpp>
#include <storage/storage_wrapper.hpp>

namespace {

// Your backend: any class derived from roost::status_storage.
class my_storage final : public roost::storage_wrapper {
public:
  // The base only stores the reference; inner_ is built before any call can use it.
  explicit my_storage(const roost::storage_limits& limits)
      : storage_wrapper(inner_), inner_({.limits = limits}) {}

private:
  roost::memory_storage inner_;
};

struct my_storage_suite : roost::conformance::storage_suite {
  std::unique_ptr<roost::status_storage> make_storage(const roost::storage_limits& l) override {
    return std::make_unique<my_storage>(l);
  }
};

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(my_storage_suite)
