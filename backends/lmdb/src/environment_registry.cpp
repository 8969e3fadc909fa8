// The process-wide registry of open LMDB environments (see lmdb_environment.hpp for why
// one directory must never be open twice in a process).
#include <condition_variable>
#include <map>
#include <mutex>

#include "lmdb_environment.hpp"

namespace roost::detail::environment_registry {
namespace {

struct registry {
  std::mutex mutex;
  std::condition_variable closed;
  // An entry whose pointer has expired belongs to an environment that is still closing.
  std::map<lmdb_environment::directory_id, std::weak_ptr<lmdb_environment>> open;
};

registry& instance() {
  static registry r;
  return r;
}

}  // namespace

std::shared_ptr<lmdb_environment> find_or_open(
    lmdb_environment::directory_id id,
    const std::function<std::shared_ptr<lmdb_environment>()>& open_new) {
  auto& r = instance();
  std::unique_lock lock(r.mutex);
  for (;;) {
    const auto it = r.open.find(id);
    if (it == r.open.end()) break;
    if (auto env = it->second.lock()) return env;
    r.closed.wait(lock);
  }
  // Reserve the entry first: assigning the pointer afterwards cannot fail, so an
  // environment is never left open without its entry.
  auto [it, inserted] = r.open.try_emplace(id);
  try {
    auto env = open_new();
    it->second = env;
    return env;
  } catch (...) {
    r.open.erase(it);
    throw;
  }
}

void forget(lmdb_environment::directory_id id) noexcept {
  auto& r = instance();
  {
    std::lock_guard lock(r.mutex);
    const auto it = r.open.find(id);
    if (it != r.open.end() && it->second.expired()) r.open.erase(it);
  }
  r.closed.notify_all();
}

}  // namespace roost::detail::environment_registry
