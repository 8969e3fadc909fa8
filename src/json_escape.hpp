// How dump() escapes a string, shared by the writer of the stored form (compact_json) and its
// reader (stored_form): both must agree byte for byte.
#pragma once

#include <array>
#include <cstdint>

namespace roost::detail {

/// For each byte, the character after the backslash of its escape sequence, 'u' for a \u00XX
/// escape, or 0 when the byte is copied as is. dump() escapes only '"', '\\' and control characters
/// when it keeps non-ASCII text as UTF-8.
inline constexpr std::array<char, 256> escape_table = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

/// True when one of the eight bytes in `word` needs escaping: below 0x20, '"' or '\\'. (Bit tricks:
/// a byte b is below n when (b - n) borrows into bit 7 while b's own bit 7 is clear; a byte equals
/// c when b ^ c is zero, i.e. below 1.)
constexpr bool word_needs_escape(std::uint64_t word) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const auto below = [&](std::uint64_t w, std::uint64_t n) { return (w - ones * n) & ~w & highs; };
  return (below(word, 0x20) | below(word ^ (ones * '"'), 1) | below(word ^ (ones * '\\'), 1)) != 0;
}

}  // namespace roost::detail
