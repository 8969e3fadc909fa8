// UTF-8 checks for text that comes from outside: one rule for every way in (json_input.hpp).
//
// Thread safety: free functions on values; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace roost {

/// True when `text` is well-formed UTF-8: no overlong forms, no surrogates (CESU-8), no
/// values past U+10FFFF, no truncated sequence.
bool is_valid_utf8(std::string_view text) noexcept;

/// The length of the well-formed UTF-8 sequence that starts at text[i] (1 for ASCII), or 0
/// when the bytes there are not one. REQUIRES: i < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept;

/// The code point of the well-formed sequence of `length` bytes at text[i], where
/// `length` is what utf8_sequence_length(text, i) returned. REQUIRES: length is 1 to 4.
char32_t utf8_code_point(std::string_view text, std::size_t i, std::size_t length) noexcept;

/// The length of the run of ASCII bytes at the start of `text`, read eight bytes at a
/// time: the fast path of every scan over mostly-ASCII statuses.
std::size_t ascii_prefix_length(std::string_view text) noexcept;

/// `text` with every byte that is not part of a well-formed sequence replaced by U+FFFD.
std::string lossy_utf8(std::string_view text);

}  // namespace roost
