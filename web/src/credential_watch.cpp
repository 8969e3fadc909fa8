#include "credential_watch.hpp"

#include <array>
#include <iostream>
#include <mutex>

#include <boost/asio/post.hpp>

#include "storage/blocking.hpp"

namespace roost::web {

namespace {

setting read_now(status_storage& storage, std::string_view key, bool& supported) {
  try {
    return blocking::get_setting(storage, std::string(key));
  } catch (const storage_failure& e) {
    if (e.code() != make_error_code(errc::unsupported))
      throw std::runtime_error(std::string("reading the store's credentials: ") + e.what());
    supported = false;
    return {};
  }
}

}  // namespace

loaded_credentials load_credentials(status_storage& storage) {
  bool supported = true;
  const auto tokens = read_now(storage, tokens_setting_key, supported);
  const auto users = supported ? read_now(storage, users_setting_key, supported) : setting{};
  return {
      .tokens =
          std::make_shared<token_set>(tokens.value ? parse_token_set(*tokens.value) : token_set{}),
      .users = std::make_shared<user_set>(users.value ? parse_user_set(*users.value) : user_set{}),
      .tokens_version = tokens.version,
      .users_version = users.version,
      .store_keeps_settings = supported};
}

// What the store's callbacks may touch: they can come on a worker thread after the watch
// is gone (a read in flight at shutdown), so they check `alive` under the mutex first.
struct credential_watch::shared {
  // One watched setting: its key, the version in force, and how to apply a new text.
  struct watched {
    std::string_view key;
    std::uint64_t version;
    std::uint64_t reported_version = 0;  // a damaged setting is logged once per version
    void (*apply)(access_control&, const std::optional<std::string>&);
  };

  std::mutex mutex;
  bool alive = true;
  credential_watch* owner;
  status_storage& storage;
  access_control& target;
  boost::asio::any_io_executor executor;
  std::array<watched, 2> settings;

  // Reads settings[i], then the next, then re-arms the timer.
  static void read(const std::shared_ptr<shared>& s, std::size_t i) {
    if (i == s->settings.size()) {
      boost::asio::post(s->executor, [s] {
        std::lock_guard l(s->mutex);
        if (s->alive) s->owner->arm();
      });
      return;
    }
    s->storage.get_setting(std::string(s->settings[i].key),
                           [s, i](const storage_error& error, setting value) {
                             {
                               std::lock_guard lock(s->mutex);
                               if (!s->alive) return;
                               s->update(s->settings[i], error, value);
                             }
                             read(s, i + 1);
                           });
  }

  void update(watched& w, const storage_error& error, const setting& value) {
    if (error) {
      // Keep serving with the credentials known: a store that cannot be read now fails
      // its requests anyway, and forgetting the credentials would open it to everyone.
      std::cerr << "roost: reading the store's " << w.key << " failed: " << error.message()
                << std::endl;
      return;
    }
    if (value.version == w.version) return;
    try {
      w.apply(target, value.value);
      w.version = value.version;
    } catch (const token_set_error& e) {
      if (w.reported_version != value.version)
        std::cerr << "roost: the store's " << w.key
                  << " are damaged, the previous ones stay in force: " << e.what() << std::endl;
      w.reported_version = value.version;
    }
  }
};

credential_watch::credential_watch(status_storage& storage, boost::asio::any_io_executor executor,
                                   access_control& target, const loaded_credentials& loaded,
                                   std::chrono::milliseconds interval)
    : timer_(executor), interval_(interval) {
  // Built in place: the mutex neither copies nor moves.
  shared_ = std::shared_ptr<shared>(new shared{
      .owner = this,
      .storage = storage,
      .target = target,
      .executor = executor,
      .settings = {{{.key = tokens_setting_key,
                     .version = loaded.tokens_version,
                     .apply =
                         [](access_control& a, const std::optional<std::string>& text) {
                           a.set_tokens(std::make_shared<token_set>(text ? parse_token_set(*text)
                                                                         : token_set{}));
                         }},
                    {.key = users_setting_key,
                     .version = loaded.users_version,
                     .apply = [](access_control& a, const std::optional<std::string>& text) {
                       a.set_users(
                           std::make_shared<user_set>(text ? parse_user_set(*text) : user_set{}));
                     }}}}});
  arm();
}

credential_watch::~credential_watch() { stop(); }

void credential_watch::stop() {
  // The timer is not cancelled here: stop() may run on another thread than its handler.
  // A pending wait ends within one interval and does nothing; the destructor (after the
  // I/O threads) destroys the timer.
  std::lock_guard lock(shared_->mutex);
  shared_->alive = false;
}

void credential_watch::arm() {
  timer_.expires_after(interval_);
  timer_.async_wait([s = shared_](const boost::system::error_code& ec) {
    if (ec) return;
    {
      std::lock_guard lock(s->mutex);
      if (!s->alive) return;
    }
    shared::read(s, 0);
  });
}

}  // namespace roost::web
