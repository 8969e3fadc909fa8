// A backend that keeps no settings declares it with capabilities::settings = false: the
// suite then requires get_setting and put_setting to fail with errc::unsupported, as the
// default hooks of status_storage do, instead of running the settings cases.
#include <catch2/catch.hpp>
#include <storage/conformance/suite.hpp>
#include <storage/memory_storage.hpp>
#include <storage/storage_wrapper.hpp>

namespace {

// Forwards everything to a memory store except the settings hooks, which fall back to
// the defaults of status_storage, as in a backend that never overrode them.
class settingless_storage final : public roost::storage_wrapper {
public:
  explicit settingless_storage(const roost::storage_limits& limits)
      : storage_wrapper(inner_), inner_({.limits = limits}) {}

protected:
  void do_get_setting(std::string key, roost::setting_callback done) override {
    status_storage::do_get_setting(std::move(key), std::move(done));
  }
  void do_put_setting(roost::put_setting_request request, roost::revision_callback done) override {
    status_storage::do_put_setting(std::move(request), std::move(done));
  }

private:
  roost::memory_storage inner_;
};

struct settingless_suite : roost::conformance::storage_suite {
  std::unique_ptr<roost::status_storage> make_storage(const roost::storage_limits& l) override {
    return std::make_unique<settingless_storage>(l);
  }
  roost::conformance::capabilities caps() const override { return {.settings = false}; }
};

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(settingless_suite)
