#include "access_log.hpp"

#include <nlohmann/json.hpp>

#include "storage/timestamp.hpp"

namespace roost::web {

void access_log::write(const access_entry& entry) {
  if (!enabled_) return;
  using namespace std::chrono;
  const nlohmann::json line = {
      {"time", format_twitter(floor<microseconds>(system_clock::now()))},
      {"remote", entry.remote},
      {"method", entry.method},
      {"path", entry.target},
      {"status", entry.status},
      {"bytes", entry.bytes},
      {"duration_ms", duration<double, std::milli>(entry.duration).count()}};
  // dump() with replacement: a target is raw client bytes and may not be UTF-8.
  const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace roost::web
