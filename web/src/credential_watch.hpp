// Keeps a server's access_control in step with the credentials kept in its store, so
// that a token or user added, changed or removed by `roost token` / `roost user` (another
// process, or another server on the same store) counts within a second.
//
// The store's settings have no change notification (other processes' writes would not
// reach one anyway), so each credential setting's version is read every `interval`: one
// small read per setting, parsed again only when its version moved. Never blocks the
// executor.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "access_control.hpp"
#include "storage/status_storage.hpp"

namespace roost::web {

/// The credentials of a store at one version of their settings.
struct loaded_credentials {
  std::shared_ptr<const token_set> tokens;  ///< never null
  std::shared_ptr<const user_set> users;    ///< never null
  std::uint64_t tokens_version = 0;
  std::uint64_t users_version = 0;
  bool store_keeps_settings = true;  ///< false: the backend has none (errc::unsupported)

  /// True when there is at least one token or user.
  bool any() const { return !tokens->tokens.empty() || !users->users.empty(); }
};

/// Reads the credentials of `storage` now, blocking (for start-up, before listening).
/// None when the store keeps no settings; throws std::runtime_error naming the store's
/// problem, or token_set_error for a damaged setting.
loaded_credentials load_credentials(status_storage& storage);

class credential_watch {
public:
  /// Watches `storage` for `target`, starting from the versions already loaded; both must
  /// outlive this object, and the executor's context must outlive it too.
  credential_watch(status_storage& storage, boost::asio::any_io_executor executor,
                   access_control& target, const loaded_credentials& loaded,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~credential_watch();
  credential_watch(const credential_watch&) = delete;
  credential_watch& operator=(const credential_watch&) = delete;

  /// Stops reading (server shutdown). Thread-safe.
  void stop();

private:
  struct shared;
  void arm();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<shared> shared_;
};

}  // namespace roost::web
