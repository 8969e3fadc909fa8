// Opening a postgresql_storage on an executor the caller runs, e.g. the server's
// io_context: its connections' sockets are watched there and its callbacks run there.
// A header of its own so that postgresql_storage.hpp stays free of Boost.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "storage/postgresql_storage.hpp"

namespace roost {

/// Opens a postgresql_storage whose work and callbacks run on `executor`. Connects and
/// sets up the schema before returning, blocking the calling thread meanwhile: call it
/// before `executor` starts serving. Throws as the postgresql_storage constructor does.
std::unique_ptr<postgresql_storage> make_postgresql_storage(boost::asio::any_io_executor executor,
                                                            postgresql_options options);

}  // namespace roost
