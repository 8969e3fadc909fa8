// UTF-8 validation for names that reach storage engines as raw bytes.
#pragma once

#include <string_view>

namespace roost::detail {

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace roost::detail
