// The write operations, each one transaction on a connection. Each keeps four things in
// step with the statuses: the unacked counts per level, the timeline's size, the change
// log and the revision of its newest change. The first statement locks the timeline's
// row, so writers of one timeline take turns and commit in revision order; the last
// before COMMIT tells the schema's other storages of the change (change_notice.hpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "pg_connection.hpp"
#include "storage/limits.hpp"
#include "storage/settings.hpp"
#include "storage/status_storage.hpp"

namespace roost::pg {

/// How a write announces its change before it commits (change_notice.hpp): the schema's
/// channel and the writing storage's origin.
struct notice_source {
  std::string channel, origin;
};

boost::asio::awaitable<std::size_t> put_statuses(connection& c, const prepared_put& request,
                                                 const storage_limits& limits,
                                                 const notice_source& notice);
boost::asio::awaitable<std::size_t> ack_statuses(connection& c, const prepared_ack& request,
                                                 const storage_limits& limits,
                                                 const notice_source& notice);
boost::asio::awaitable<std::size_t> delete_statuses(connection& c, const delete_request& request,
                                                    const storage_limits& limits,
                                                    const notice_source& notice);

/// What put_setting did: written at `version`, or not (a conflict) with the current one.
struct setting_write {
  bool written = false;
  std::uint64_t version = 0;
};
boost::asio::awaitable<setting_write> put_setting(connection& c,
                                                  const put_setting_request& request);

}  // namespace roost::pg
