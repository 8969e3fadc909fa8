// The PostgreSQL backend against the whole conformance suite (contract cases, truncation
// and the randomized mode against the reference model, ten seeds) on an executor the test
// runs, so that every completion arrives later than its call, as an asynchronous backend's
// do. (postgresql_storage_test covers the storage's own thread.)
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "postgresql_support.hpp"
#include "storage/conformance/suite.hpp"
#include "storage/postgresql_asio.hpp"

namespace {

using namespace roost;

// The storages complete on the fixture's io_context, which run_until drives.
struct postgresql_suite : conformance::storage_suite {
  boost::asio::io_context context;

  std::unique_ptr<status_storage> make_storage(const storage_limits& limits) override {
    return make_postgresql_storage(context.get_executor(), testing::fresh_options(limits));
  }

  void run_until(const std::function<bool()>& done) override { testing::run_until(context, done); }

  // A second storage on the schema of `first`, as another process would open it.
  std::unique_ptr<status_storage> open_same_store(status_storage& first,
                                                  const storage_limits& limits) override {
    auto options = dynamic_cast<postgresql_storage&>(first).options();
    options.limits = limits;
    return make_postgresql_storage(context.get_executor(), options);
  }

  conformance::capabilities caps() const override {
    conformance::capabilities c;
    c.random_operations = 500;  // each operation is a round trip or several
    c.changes_from_elsewhere = true;
    return c;
  }
};

}  // namespace

ROOST_CONFORMANCE_TEST_CASES(postgresql_suite)
