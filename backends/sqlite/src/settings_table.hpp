// The settings operations as SQL (settings_table.cpp): one row per key in the file's
// `settings` table, with its value and version. Each throws sqlite_error on an engine
// failure, after which its transaction has been rolled back.
#pragma once

#include <cstdint>
#include <string>

#include "prepared_connection.hpp"
#include "storage/settings.hpp"

namespace roost::sqlite {

/// The setting `key`; absent at version 0 when the store has no settings table yet.
setting get_setting(prepared_connection& s, const std::string& key);

/// What put_setting found: the version it wrote, or on a conflict the current one.
struct setting_write {
  bool written = false;
  std::uint64_t version = 0;
};

/// put_setting in one IMMEDIATE transaction: compares the current version with
/// request.expected_version and writes only when they are equal.
setting_write put_setting(prepared_connection& s, const put_setting_request& request);

}  // namespace roost::sqlite
