#include "change_notice.hpp"

#include <charconv>
#include <cstdio>
#include <random>

namespace roost::pg {
namespace {

// PostgreSQL refuses a payload of 8000 bytes or more.
constexpr std::size_t max_payload = 7999;

std::string hex64(std::uint64_t v) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(v));
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string notice_channel(std::string_view schema) {
  // FNV-1a, 64 bits: the same name in every program and build.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : schema) h = (h ^ c) * 0x100000001b3ULL;
  return "roost_" + hex64(h);
}

std::string new_origin() {
  std::random_device random;
  const std::uint64_t v = (static_cast<std::uint64_t>(random()) << 32) ^ random();
  return hex64(v);
}

std::string encode_notice(std::string_view origin, std::uint64_t revision,
                          std::string_view timeline) {
  std::string out(origin);
  out += ' ';
  out += std::to_string(revision);
  out += ' ';
  if (out.size() + 2 * timeline.size() > max_payload) return out + '*';
  static constexpr char digits[] = "0123456789abcdef";
  for (const unsigned char c : timeline) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

std::optional<change_notice> decode_notice(std::string_view payload) {
  const auto first = payload.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = payload.find(' ', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  change_notice notice;
  notice.origin = payload.substr(0, first);
  const auto rev = payload.substr(first + 1, second - first - 1);
  const auto [end, ec] = std::from_chars(rev.data(), rev.data() + rev.size(), notice.revision);
  if (ec != std::errc() || end != rev.data() + rev.size()) return std::nullopt;
  const auto name = payload.substr(second + 1);
  if (name == "*") return notice;
  if (name.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(name.size() / 2);
  for (std::size_t i = 0; i < name.size(); i += 2) {
    const int hi = hex_digit(name[i]), lo = hex_digit(name[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes += static_cast<char>(hi << 4 | lo);
  }
  notice.timeline = std::move(bytes);
  return notice;
}

}  // namespace roost::pg
