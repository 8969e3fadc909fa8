// The read operations, each one statement (one snapshot) on a connection. Reads never
// create anything: an unknown timeline is empty.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "pg_connection.hpp"
#include "storage/change_page_builder.hpp"
#include "storage/settings.hpp"
#include "storage/status_storage.hpp"

namespace roost::pg {

boost::asio::awaitable<std::vector<std::string>> get_statuses(connection& c,
                                                              const prepared_get& request,
                                                              std::size_t default_count);
boost::asio::awaitable<unacked_counts> get_unacked_counts(connection& c,
                                                          const std::string& timeline);
boost::asio::awaitable<std::vector<bool>> contains(connection& c, const std::string& timeline,
                                                   const std::vector<std::string>& ids);
boost::asio::awaitable<std::vector<std::string>> timeline_names(connection& c);
boost::asio::awaitable<std::uint64_t> get_revision(connection& c, const std::string& timeline);
/// The page, for the caller to finish (change_page_builder::finish).
boost::asio::awaitable<change_page_builder> read_changes(connection& c,
                                                         const prepared_changes& request);
boost::asio::awaitable<setting> get_setting(connection& c, const std::string& key);

}  // namespace roost::pg
