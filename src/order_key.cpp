#include "storage/order_key.hpp"

#include <cstdint>

namespace roost {
namespace {

// Appends `value` so that a larger value gives a *smaller* byte string: the sign bit is
// flipped (two's complement to offset binary, so memcmp order = numeric order) and all
// bits are inverted (ascending bytes = descending values), big-endian.
void append_descending(std::string& out, std::int64_t value) {
  const std::uint64_t ordered = ~(static_cast<std::uint64_t>(value) ^ (1ULL << 63));
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((ordered >> shift) & 0xFF));
}

// The flag byte and the 8 bytes of acked_at that open every key.
constexpr std::size_t ack_part_size = 9;

}  // namespace

// Layout: [0x00 unacked | 0x01 acked] [acked_at, 8 bytes descending; zeros if unacked]
//         [0x00 no created_at | 0x01 created_at] [created_at, 8 bytes descending or zeros]
//         [id bytes inverted, 0xFF escaped as FF 00] [FF FF terminator]
// Inverting the id bytes makes larger ids sort first. The terminator is larger than any
// id byte, so a longer id sorts before its own prefix ("ab" > "a" descending); an id
// byte 0x00 (inverted 0xFF) is escaped so that it still sorts below the terminator.
std::string encode_order_key(const order_fields& fields) {
  std::string key;
  key.reserve(20 + fields.id.size());
  key.push_back(fields.acked_at ? '\x01' : '\x00');
  if (fields.acked_at)
    append_descending(key, fields.acked_at->time_since_epoch().count());
  else
    key.append(8, '\0');
  key.push_back(fields.created_at ? '\x01' : '\x00');
  if (fields.created_at)
    append_descending(key, fields.created_at->time_since_epoch().count());
  else
    key.append(8, '\0');
  for (const char c : fields.id) {
    const auto inverted = static_cast<unsigned char>(~static_cast<unsigned char>(c));
    key.push_back(static_cast<char>(inverted));
    if (inverted == 0xFF) key.push_back('\x00');
  }
  key.append("\xFF\xFF", 2);
  return key;
}

std::string order_key_with_acked_at(std::string_view key, timestamp acked_at) {
  std::string out;
  out.reserve(key.size());
  out.push_back('\x01');
  append_descending(out, acked_at.time_since_epoch().count());
  out.append(key.substr(ack_part_size));
  return out;
}

std::string_view acked_key_floor() noexcept { return std::string_view("\x01", 1); }

bool order_key_is_acked(std::string_view key) noexcept { return !key.empty() && key[0] != '\0'; }

}  // namespace roost
