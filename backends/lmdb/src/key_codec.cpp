#include "key_codec.hpp"

#include <limits>

namespace roost::detail::lmdb_format {

void append_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void append_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

std::uint32_t read_u32(const char* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t read_u64(const char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t hash64(std::string_view bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  // FNV-1a mixes the last bytes poorly into the high bits; a final avalanche spreads
  // every input bit over the whole word.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::string timeline_prefix(timeline_number n) {
  std::string out;
  append_u32(out, n);
  return out;
}

namespace {

// Completes `out` (which holds the key's leading part) with either marker + text or
// marker + hash, whichever the key size allows.
chain_key make_chain_key(std::string out, std::string_view text) {
  if (out.size() + 1 + text.size() <= max_key_size) {
    out.push_back(exact_marker);
    out.append(text);
    return {std::move(out), false};
  }
  out.push_back(hashed_marker);
  append_u64(out, hash64(text));
  return {std::move(out), true};
}

}  // namespace

chain_key timeline_name_key(std::string_view name) { return make_chain_key({}, name); }

chain_key status_key(timeline_number n, std::string_view id) {
  return make_chain_key(timeline_prefix(n), id);
}

bool order_key_is_truncated(std::string_view order_key) noexcept {
  return order_key.size() > order_key_keep;
}

std::string order_table_key(timeline_number n, std::string_view order_key, std::uint8_t probe) {
  std::string out = timeline_prefix(n);
  if (!order_key_is_truncated(order_key)) {
    out.append(order_key);
    return out;
  }
  out.append(order_key.substr(0, order_key_keep));
  append_u64(out, hash64(order_key));
  out.push_back(static_cast<char>(probe));
  return out;
}

std::string count_key(timeline_number n, std::int64_t level) {
  std::string out = timeline_prefix(n);
  append_u64(out, static_cast<std::uint64_t>(level) ^ (1ULL << 63));
  return out;
}

std::string change_key(timeline_number n, std::uint64_t revision) {
  std::string out = timeline_prefix(n);
  append_u64(out, revision);
  return out;
}

std::uint64_t change_key_revision(std::string_view key) noexcept {
  return read_u64(key.data() + timeline_prefix_size);
}

std::int64_t count_key_level(std::string_view key) noexcept {
  return static_cast<std::int64_t>(read_u64(key.data() + timeline_prefix_size) ^ (1ULL << 63));
}

std::string timeline_range_end(timeline_number n) {
  if (n == std::numeric_limits<timeline_number>::max()) return {};
  return timeline_prefix(n + 1);
}

}  // namespace roost::detail::lmdb_format
