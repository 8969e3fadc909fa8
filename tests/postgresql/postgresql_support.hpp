// What the PostgreSQL tests share: the test cluster's connection string and fresh schemas.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "storage/postgresql_storage.hpp"

namespace roost::testing {

/// The connection string of the cluster the CTest fixture started (ROOST_TEST_POSTGRESQL).
/// Fails the test when it is not set.
std::string postgresql_connection();

/// A schema name no other storage of this run uses.
std::string fresh_schema();

/// Options for a new, empty store in a fresh schema of the test cluster.
postgresql_options fresh_options(const storage_limits& limits = {});

/// Runs `context` until `done()` holds; fails the test when it runs out of work first, or
/// when nothing happens for 30 s.
void run_until(boost::asio::io_context& context, const std::function<bool()>& done);

}  // namespace roost::testing
