// Byte layouts of the LMDB backend's keys (format version 2; docs/lmdb.md draws them).
//
// Every table but `timelines` and `meta` starts its keys with the timeline's 4-byte
// number, so one timeline is one contiguous key range. Integers are big-endian so that
// memcmp order is numeric order. LMDB limits a key to 511 bytes; ids, timeline names
// and order keys may be longer, so a too-long one is replaced by a hash of it followed
// by a probe byte that tells colliding entries apart (the full text stays in the value).
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace roost::detail::lmdb_format {

/// The on-disk format this build writes and the newest it reads. Version 2 added the
/// `changes` table; version 3 logs inserts and updates by reference to their status
/// (records.hpp). Older stores are upgraded when opened (schema.hpp).
constexpr std::uint32_t format_version = 3;

/// The largest key the format writes: LMDB's default MDB_MAXKEYSIZE. An LMDB library
/// built with a smaller limit cannot open the store.
constexpr std::size_t max_key_size = 511;

/// A timeline's compact number, the first 4 bytes of its keys.
using timeline_number = std::uint32_t;
constexpr std::size_t timeline_prefix_size = 4;

/// Marker bytes that keep exact keys and hashed keys in separate key spaces.
constexpr char exact_marker = '\x00';
constexpr char hashed_marker = '\x01';

/// Size of the hash and of the probe byte that follow a hashed key's base.
constexpr std::size_t hash_size = 8;
constexpr std::size_t probe_size = 1;

/// Order keys longer than this are stored truncated to it, plus hash and probe.
constexpr std::size_t order_key_keep = max_key_size - timeline_prefix_size - hash_size - probe_size;

void append_u32(std::string& out, std::uint32_t v);
void append_u64(std::string& out, std::uint64_t v);
/// REQUIRES: at least 4 (8) readable bytes at `p`.
std::uint32_t read_u32(const char* p) noexcept;
std::uint64_t read_u64(const char* p) noexcept;

/// A stable 64-bit hash (FNV-1a with a final avalanche). Not cryptographic: collisions
/// are resolved by the probe byte, never assumed away.
std::uint64_t hash64(std::string_view bytes) noexcept;

/// The 4 bytes that open every key of the timeline.
std::string timeline_prefix(timeline_number n);

/// A key that is either exact (the text itself, after a marker) or the base of a hash
/// chain, to be completed with a probe byte.
struct chain_key {
  std::string bytes;  ///< the whole key when exact; the base without probe when hashed
  bool hashed = false;
};

/// Key of a timeline in the `timelines` table: marker + name, or marker + hash + probe.
chain_key timeline_name_key(std::string_view name);

/// Key of a status in the `statuses` table: prefix + marker + id, or prefix + marker +
/// hash + probe.
chain_key status_key(timeline_number n, std::string_view id);

/// Key of a status in the `order` table: prefix + order key when it fits, otherwise
/// prefix + the order key's first order_key_keep bytes + hash of the whole order key +
/// `probe`. Byte order equals timeline order except between two truncated keys whose
/// first order_key_keep bytes are equal (ids sharing ~480 leading bytes, with equal ack
/// and creation times): those are ordered by hash.
std::string order_table_key(timeline_number n, std::string_view order_key, std::uint8_t probe);

/// True when order_table_key() truncates `order_key` and therefore uses a probe.
bool order_key_is_truncated(std::string_view order_key) noexcept;

/// Key of a level's unacked count: prefix + level, sign bit flipped so that memcmp order
/// is numeric order.
std::string count_key(timeline_number n, std::int64_t level);

/// The level a count_key() holds. REQUIRES: `key` came from count_key().
std::int64_t count_key_level(std::string_view key) noexcept;

/// Key of a change in the `changes` table: prefix + revision (big-endian, so a timeline's
/// changes are in revision order and pruning deletes from the start of its range).
std::string change_key(timeline_number n, std::uint64_t revision);

/// The revision a change_key() holds. REQUIRES: `key` came from change_key().
std::uint64_t change_key_revision(std::string_view key) noexcept;

/// The smallest key of the range after timeline `n` (its prefix plus one), or the empty
/// string when `n` is the largest number and its range runs to the table's end.
std::string timeline_range_end(timeline_number n);

/// True when `key` begins with `prefix`.
inline bool starts_with(std::string_view key, std::string_view prefix) noexcept {
  return key.substr(0, prefix.size()) == prefix;
}

}  // namespace roost::detail::lmdb_format
