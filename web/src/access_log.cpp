#include "access_log.hpp"

#include <nlohmann/json.hpp>

#include "storage/timestamp.hpp"

namespace roost::web {

namespace {

// A query key as the query parser reads it (percent-escapes and '+' decoded), so that a
// token under "access%5Ftoken" is redacted as well as under "access_token".
std::string decoded_key(std::string_view key) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '%' && i + 2 < key.size() && hex(key[i + 1]) >= 0 && hex(key[i + 2]) >= 0) {
      out += static_cast<char>(hex(key[i + 1]) * 16 + hex(key[i + 2]));
      i += 2;
    } else {
      out += key[i] == '+' ? ' ' : key[i];
    }
  }
  return out;
}

}  // namespace

std::string redacted_target(std::string_view target) {
  const auto query = target.find('?');
  if (query == target.npos) return std::string(target);
  std::string out(target.substr(0, query + 1));
  std::string_view rest = target.substr(query + 1);
  bool first = true;
  while (true) {
    const auto amp = rest.find('&');
    const auto param = rest.substr(0, amp);
    if (!first) out += '&';
    first = false;
    if (decoded_key(param.substr(0, param.find('='))) == "access_token")
      out += "access_token=[redacted]";
    else
      out += param;
    if (amp == rest.npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

void access_log::write(const access_entry& entry) {
  if (!enabled_) return;
  using namespace std::chrono;
  const nlohmann::json line = {
      {"time", format_twitter(floor<microseconds>(system_clock::now()))},
      {"remote", entry.remote},
      {"method", entry.method},
      {"path", redacted_target(entry.target)},
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
