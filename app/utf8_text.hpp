// Terminal output of text that comes from outside: widths for tables, and messages that
// quote it. The UTF-8 rule itself is the library's (storage/utf8.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/utf8.hpp"

namespace roost::app {

/// Roughly how many terminal columns `text` takes: one per code point, two for East
/// Asian wide characters and emoji. For aligning tables, not for typesetting.
std::size_t display_width(std::string_view text);

/// `text` with every byte that could upset a terminal (control characters, invalid
/// UTF-8) written as \xNN, cut to at most about `max_bytes` (ending with "...").
std::string printable(std::string_view text, std::size_t max_bytes = 300);

}  // namespace roost::app
