// Byte layouts of the LMDB backend's values (format version 3; docs/lmdb.md draws them).
//
// Decoders return views into the value LMDB handed out, so they are valid only while
// the transaction that read them is open. A value too short for its layout throws
// corrupt_record.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "key_codec.hpp"

namespace roost::detail::lmdb_format {

/// A timeline in the `timelines` table.
struct timeline_record {
  timeline_number number = 0;
  std::uint64_t revision = 0;  ///< grows with every change, never reset
  std::uint64_t size = 0;      ///< statuses in the timeline, for truncation
  std::string name;            ///< the full name (the key may be a hash of it)
};

std::string encode_timeline_record(const timeline_record& r);
timeline_record decode_timeline_record(std::string_view value);

/// The name alone, without copying the rest of the record.
std::string_view timeline_record_name(std::string_view value);

/// A status in the `statuses` table.
struct status_record_view {
  std::int64_t level = 0;
  std::uint8_t order_probe = 0;  ///< completes the order table key when it is truncated
  std::string_view order_key;    ///< the full encode_order_key() of the status
  std::string_view id;
  std::string_view json;
  /// The revision of the change that logged this text by reference, or 0 (format 3).
  std::uint64_t change_rev = 0;
};

/// `change_rev` 0 writes the format 2 layout; otherwise a tag byte 0x01 and the revision
/// go before the JSON (which always starts with '{', so a reader tells the two apart).
std::string encode_status_record(std::int64_t level, std::uint8_t order_probe,
                                 std::string_view order_key, std::string_view id,
                                 std::string_view json, std::uint64_t change_rev = 0);
status_record_view decode_status_record(std::string_view value);

/// A status in the `order` table: enough to find its record and to keep unacked counts
/// without reading the record (truncation and ack by range).
struct order_value_view {
  std::int64_t level = 0;
  std::string_view status_key_suffix;  ///< its `statuses` key without the timeline prefix
};

std::string encode_order_value(std::int64_t level, std::string_view status_key_suffix);
order_value_view decode_order_value(std::string_view value);

/// A change in the `changes` table (its revision is in the key).
struct change_record_view {
  std::uint8_t op = 0;  ///< roost::change_op's value
  std::string_view id;
  /// insert, update: the status's JSON as stored (empty when by_reference); ack: the
  /// acked_at written; remove: empty.
  std::string_view text;
  /// An insert or update whose text is its status's, unchanged since (format 3; the op
  /// byte's high bit).
  bool by_reference = false;
};

std::string encode_change_record(std::uint8_t op, std::string_view id, std::string_view text,
                                 bool by_reference = false);
/// Throws corrupt_record also for an op that is not a change_op.
change_record_view decode_change_record(std::string_view value);

/// A setting in the `settings` table (its key is the setting's key).
struct setting_record_view {
  std::uint64_t version = 0;
  bool present = false;    ///< false for a removed setting, kept for its version
  std::string_view value;  ///< empty when !present
};

/// Layout: [version u64][present u8: 0 or 1][value ...].
std::string encode_setting_record(std::uint64_t version, const std::string* value);
/// Throws corrupt_record also for a presence byte other than 0 or 1, or a removed
/// setting with a value.
setting_record_view decode_setting_record(std::string_view value);

}  // namespace roost::detail::lmdb_format
