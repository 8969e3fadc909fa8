#include "postgresql_support.hpp"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>

namespace roost::testing {

std::string postgresql_connection() {
  const char* c = std::getenv("ROOST_TEST_POSTGRESQL");
  if (!c)
    FAIL(
        "ROOST_TEST_POSTGRESQL is not set: run the test through ctest (its fixture starts the "
        "cluster)");
  return c;
}

std::string fresh_schema() {
  static std::atomic<int> made{0};
  return "test_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
}

postgresql_options fresh_options(const storage_limits& limits) {
  postgresql_options o;
  o.connection = postgresql_connection();
  o.schema = fresh_schema();
  o.limits = limits;
  o.pool_size = 2;
  return o;
}

void run_until(boost::asio::io_context& context, const std::function<bool()>& done) {
  while (!done()) {
    if (context.stopped()) context.restart();
    // Bounded: a notice that never comes fails the test instead of hanging it.
    if (context.run_one_for(std::chrono::seconds(30)) == 0)
      FAIL(
          "the storage has no work left, or did nothing for 30 s, and the operation has not "
          "completed");
  }
}

}  // namespace roost::testing
