// The settings operations (settings_table.hpp): one row per key in the settings table.
#include <memory>
#include <stdexcept>

#include "settings_table.hpp"
#include "sql.hpp"

namespace roost::sqlite {
namespace {

// Prepares the settings statements once the table exists; false while it does not.
// Absence is not remembered: another program may create the table at any time.
bool prepare_settings(prepared_connection& s) {
  if (s.find_setting) return true;
  if (s.db.query_int(sql::settings_table_exists) == 0) return false;
  s.find_setting = std::make_unique<statement>(s.db, sql::find_setting);
  if (!s.db.is_read_only()) s.write_setting = std::make_unique<statement>(s.db, sql::write_setting);
  return true;
}

setting read_setting(prepared_connection& s, const std::string& key) {
  setting found;
  auto q = s.find_setting->start();
  q.bind_text(1, key);
  if (q.step()) {
    if (!q.column_is_null(0)) found.value = std::string(q.column_text(0));
    found.version = static_cast<std::uint64_t>(q.column_int64(1));
  }
  return found;
}

}  // namespace

setting get_setting(prepared_connection& s, const std::string& key) {
  if (!prepare_settings(s)) return {};
  return read_setting(s, key);
}

setting_write put_setting(prepared_connection& s, const put_setting_request& request) {
  // The writer's setup created the table (ensure_schema); a store opened read-only never
  // gets here (sqlite_storage refuses writes first).
  transaction tx(s.tx, transaction::mode::immediate);
  if (!prepare_settings(s) || !s.write_setting)
    throw std::logic_error("put_setting: the store has no settings table");
  const auto current = read_setting(s, request.key).version;
  if (current != request.expected_version) return {false, current};
  const auto next = current + 1;
  {
    auto q = s.write_setting->start();
    q.bind_text(1, request.key);
    if (request.value) q.bind_text(2, *request.value);
    q.bind_int64(3, static_cast<std::int64_t>(next));
    q.run();
  }
  tx.commit();
  return {true, next};
}

}  // namespace roost::sqlite
