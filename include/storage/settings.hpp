// Store-wide settings: small named documents a store keeps beside its timelines, so that
// every process and every server on one store sees the same ones (the credentials of
// access control are one). Read with get_setting, written with put_setting
// (status_storage.hpp).
//
// Each setting has a version: 0 while it is absent, then a number that grows with every
// write (also with a removal, which leaves the setting absent at a new version). A write
// names the version it was based on and fails with errc::conflict when another write
// came first, so two processes that read, change and write the same setting never lose
// each other's change silently: the loser reads again and retries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "storage/errors.hpp"

namespace roost {

/// Longest setting key, in bytes.
inline constexpr std::size_t max_setting_key_size = 64;
/// Largest setting value, in bytes.
inline constexpr std::size_t max_setting_value_size = 1024 * 1024;

/// A setting as read: its value (none when absent) and its version (0 when it was never
/// written).
struct setting {
  std::optional<std::string> value;
  std::uint64_t version = 0;
};

/// A write of one setting.
struct put_setting_request {
  /// 1 to max_setting_key_size bytes of ASCII lower-case letters, digits, '.', '_', '-'.
  std::string key;
  /// The new value, valid UTF-8 of at most max_setting_value_size bytes (NUL bytes are
  /// valid UTF-8 and allowed), kept and returned byte for byte; none removes the setting.
  std::optional<std::string> value;
  /// The version the write is based on (0: the setting is absent and never written, or
  /// the version get_setting last returned). A different current version fails the write
  /// with errc::conflict and changes nothing.
  std::uint64_t expected_version = 0;
};

/// Completes get_setting.
using setting_callback = std::function<void(const storage_error&, setting)>;

/// Throws invalid_request when `key` is not a valid setting key (see put_setting_request).
void validate_setting_key(const std::string& key);

/// Throws invalid_request when `request` is not a valid write (key, value size, UTF-8).
void validate_put_setting(const put_setting_request& request);

}  // namespace roost
