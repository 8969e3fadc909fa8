// The credential settings of a store as the `roost token` and `roost user` commands read
// and change them: read-modify-write on one setting with its version, retried when
// another writer came first, so two commands at once never lose each other's change.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status_storage.hpp"

namespace roost::app {

/// How a credential command opens its store.
enum class credential_opening {
  read,    ///< read-only; the store must exist
  write,   ///< the store must exist
  create,  ///< created when missing (credentials can be set up before the first serve)
};

/// The store at `uri` (or serve's default SQLite file when empty), opened as `how` says.
/// Throws usage_error for memory:, std::runtime_error for a missing store.
std::unique_ptr<status_storage> open_credential_store(const std::optional<std::string>& uri,
                                                      credential_opening how);

/// The text of setting `key` (none when absent). Throws storage_failure.
std::optional<std::string> read_credential_setting(status_storage& storage, std::string_view key);

/// Applies `change` to the setting's text (none when absent) and writes what it returns,
/// retrying from a fresh read when another writer came first. `change` may throw to
/// abandon the write. Throws storage_failure.
void update_credential_setting(
    status_storage& storage, std::string_view key,
    const std::function<std::string(const std::optional<std::string>&)>& change);

/// "home,work", or "all timelines" for a credential not limited to some: for the lists.
std::string timelines_text(const std::optional<std::vector<std::string>>& timelines);

}  // namespace roost::app
