#include "ascii_json.hpp"

#include <cstdint>

#include "storage/utf8.hpp"

namespace roost::web {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_escape(std::string& out, std::uint32_t unit) {
  const char escape[6] = {'\\',
                          'u',
                          hex_digits[(unit >> 12) & 0xF],
                          hex_digits[(unit >> 8) & 0xF],
                          hex_digits[(unit >> 4) & 0xF],
                          hex_digits[unit & 0xF]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_ascii_json(std::string& out, std::string_view text) {
  const std::size_t n = text.size();
  std::size_t copied = 0;
  // Runs of ASCII are skipped eight bytes at a time and copied at once: most of a status
  // is ASCII even in Japanese timelines (keys, numbers, URLs).
  for (std::size_t i = ascii_prefix_length(text); i < n; i += ascii_prefix_length(text.substr(i))) {
    out.append(text.data() + copied, i - copied);
    const auto length = utf8_sequence_length(text, i);
    if (length == 0) {
      append_escape(out, 0xFFFD);
      ++i;
    } else {
      const std::uint32_t code = utf8_code_point(text, i, length);
      if (code >= 0x10000) {
        append_escape(out, 0xD800 + ((code - 0x10000) >> 10));
        append_escape(out, 0xDC00 + ((code - 0x10000) & 0x3FF));
      } else {
        append_escape(out, code);
      }
      i += length;
    }
    copied = i;
  }
  out.append(text.data() + copied, n - copied);
}

std::string ascii_json(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size());
  append_ascii_json(out, json_text);
  return out;
}

}  // namespace roost::web
