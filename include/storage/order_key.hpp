// The timeline order of docs/spec/status.md as one byte string.
//
// Newest first: unacked before acked, then acked_at descending, then created_at
// descending (a status without created_at counts as newer than any with one), then id
// descending by UTF-8 bytes. `encode_order_key` turns those fields into a byte string
// whose plain lexicographic (memcmp) order *is* the timeline order, so every backend can
// keep statuses in an ordinary ordered index (std::map, an SQLite BLOB index, an LMDB
// B+tree) and serve "start at max_id and go older" as a range scan. All unacked keys
// sort before `acked_key_floor()`, so each ack state is one contiguous range.
//
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/timestamp.hpp"

namespace roost {

/// The fields that place a status in its timeline.
struct order_fields {
  std::optional<timestamp> acked_at;    ///< nullopt: unacked
  std::optional<timestamp> created_at;  ///< nullopt: no created_at
  std::string_view id;                  ///< the id's text
};

/// The byte string whose ascending order is the timeline order (newest first).
std::string encode_order_key(const order_fields& fields);

/// The smallest key an acked status can have: unacked keys are below it, acked at or above.
std::string_view acked_key_floor() noexcept;

/// The key of the same status once acked at `acked_at`: `key` with its ack part
/// replaced, so backends can re-key an ack without re-reading the document.
/// REQUIRES: `key` came from encode_order_key.
std::string order_key_with_acked_at(std::string_view key, timestamp acked_at);

/// True when `key` (from encode_order_key) belongs to an acked status.
bool order_key_is_acked(std::string_view key) noexcept;

}  // namespace roost
