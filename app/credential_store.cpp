#include "credential_store.hpp"

#include <filesystem>

#include "command_line.hpp"
#include "server_config.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"
#include "store_location.hpp"

namespace roost::app {
namespace {

// Writes `value` based on `version`; false when another writer came first.
bool write_setting(status_storage& storage, std::string_view key, std::string value,
                   std::uint64_t version) {
  try {
    blocking::put_setting(
        storage, {.key = std::string(key), .value = std::move(value), .expected_version = version});
    return true;
  } catch (const storage_failure& e) {
    if (e.code() == make_error_code(errc::conflict)) return false;
    throw;
  }
}

}  // namespace

std::unique_ptr<status_storage> open_credential_store(const std::optional<std::string>& uri,
                                                      credential_opening how) {
  // As roost serve's default, so that `roost token add` needs no flag for the README setup.
  const auto where =
      store_location::parse(uri.value_or("sqlite:" + web::default_data_path().string()));
  if (where.scheme == "memory")
    throw usage_error("a memory: store holds nothing between runs: it keeps no credentials");
  if (how != credential_opening::create && !where.exists())
    throw std::runtime_error("no store at \"" + where.uri + "\"");
  if (how == credential_opening::create && where.scheme == "sqlite")
    std::filesystem::create_directories(std::filesystem::absolute(where.path).parent_path());
  // Reading opens the store read-only: listing credentials never writes.
  return open_store_for_moving(where, how == credential_opening::read);
}

std::optional<std::string> read_credential_setting(status_storage& storage, std::string_view key) {
  return blocking::get_setting(storage, std::string(key)).value;
}

void update_credential_setting(
    status_storage& storage, std::string_view key,
    const std::function<std::string(const std::optional<std::string>&)>& change) {
  for (;;) {
    const auto current = blocking::get_setting(storage, std::string(key));
    if (write_setting(storage, key, change(current.value), current.version)) return;
  }
}

std::string timelines_text(const std::optional<std::vector<std::string>>& timelines) {
  if (!timelines) return "all timelines";
  std::string text;
  for (const auto& name : *timelines) text += (text.empty() ? "" : ",") + name;
  return text;
}

}  // namespace roost::app
