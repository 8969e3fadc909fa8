// UTF-8 checks for text that comes from outside (input lines, BusyBird columns) and for
// messages that quote it on a terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace roost::app {

/// The length of the valid UTF-8 sequence starting at text[i] (1 for ASCII), or 0 when
/// the bytes there are not one (overlong forms and surrogates included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

/// True when the whole of `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

/// Roughly how many terminal columns `text` takes: one per code point, two for East
/// Asian wide characters and emoji. For aligning tables, not for typesetting.
std::size_t display_width(std::string_view text);

/// `text` with every byte that could upset a terminal (control characters, invalid
/// UTF-8) written as \xNN, cut to at most about `max_bytes` (ending with "...").
std::string printable(std::string_view text, std::size_t max_bytes = 300);

}  // namespace roost::app
