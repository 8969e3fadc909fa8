#include "storage/conformance/suite.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "cases.hpp"

namespace roost::conformance {

void storage_suite::run_until(const std::function<bool()>& done) {
  // A synchronous backend has called back before the operation returned.
  REQUIRE(done());
}

void wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  // Whatever the backend's threads do reaches done() through its own synchronization;
  // looking again every millisecond only bounds how late the wait notices it.
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(done());
}

std::unique_ptr<status_storage> storage_suite::open_same_store(status_storage&,
                                                               const storage_limits&) {
  FAIL("capabilities::changes_from_elsewhere needs storage_suite::open_same_store");
  return nullptr;
}

void run_contract_cases(storage_suite& suite) {
  using namespace detail;
  std::vector<contract_case> cases;
  for (auto&& list : {put_cases(), get_cases(), order_cases(), ack_cases(),
                      delete_count_contains_cases(), timeline_cases(), caller_error_cases(),
                      truncation_cases(), change_cases(), settings_cases(), elsewhere_cases()})
    cases.insert(cases.end(), list.begin(), list.end());
  const bool truncation = suite.caps().truncation;
  const bool settings = suite.caps().settings;
  const bool elsewhere = suite.caps().changes_from_elsewhere;
  for (const auto& c : cases) {
    if (c.needs_truncation && !truncation) continue;
    if (c.needs_changes_from_elsewhere && !elsewhere) continue;
    if (c.settings == contract_case::settings_use::with_settings && !settings) continue;
    if (c.settings == contract_case::settings_use::without_settings && settings) continue;
    DYNAMIC_SECTION(c.name) { c.run(suite); }
  }
}

}  // namespace roost::conformance
