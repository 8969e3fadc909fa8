#include "compact_json.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "json_escape.hpp"
#include "storage/json_input.hpp"
#include "storage/utf8.hpp"

namespace roost::detail {
namespace {

void append_string(std::string& out, const std::string& text) {
  if (!is_valid_utf8(text))
    throw invalid_utf8_in_json("a string of the document is not valid UTF-8");
  out.push_back('"');
  const char* const data = text.data();
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, data + i, 8);
      if (!word_needs_escape(word)) {
        i += 7;
        continue;
      }
    }
    const char escape = escape_table[static_cast<unsigned char>(text[i])];
    if (escape == 0) continue;
    out.append(data + copied, i - copied);
    copied = i + 1;
    out.push_back('\\');
    out.push_back(escape);
    if (escape == 'u') {
      constexpr const char* hex = "0123456789abcdef";
      const auto c = static_cast<unsigned char>(text[i]);
      out.append("00");
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
  }
  out.append(data + copied, text.size() - copied);
  out.push_back('"');
}

[[noreturn]] void throw_too_deep() {
  throw json_too_deep("nests deeper than " + std::to_string(max_status_depth) + " levels");
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out.append(buffer, end);
}

// `depth`: the containers around `value`.
void append_value(std::string& out, const nlohmann::json& value, std::size_t depth) {
  using type = nlohmann::json::value_t;
  switch (value.type()) {
    case type::object: {
      if (depth >= max_status_depth) throw_too_deep();
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_string(out, key);
        out.push_back(':');
        append_value(out, member, depth + 1);
      }
      out.push_back('}');
      return;
    }
    case type::array: {
      if (depth >= max_status_depth) throw_too_deep();
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_value(out, element, depth + 1);
      }
      out.push_back(']');
      return;
    }
    case type::string: append_string(out, value.get_ref<const std::string&>()); return;
    case type::boolean: out.append(value.get<bool>() ? "true" : "false"); return;
    case type::null: out.append("null"); return;
    case type::number_integer: append_integer(out, value.get<std::int64_t>()); return;
    case type::number_unsigned: append_integer(out, value.get<std::uint64_t>()); return;
    default:
      // Floats (rare in statuses: dump()'s shortest round-trip format is kept exactly),
      // binary and discarded values.
      out.append(value.dump());
      return;
  }
}

}  // namespace

void append_compact_json(std::string& out, const nlohmann::json& value) {
  append_value(out, value, 0);
}

std::string compact_json(const nlohmann::json& value) {
  // Written into a per-thread buffer that keeps its capacity, then copied once at the
  // exact size: one allocation per document instead of a chain of growing ones. Each of
  // those is a "large" request to glibc's malloc, which first consolidates the small
  // chunks the caller's JSON trees just freed, and that dominated a put of many statuses.
  thread_local std::string scratch;
  constexpr std::size_t kept_capacity = std::size_t{1} << 20;
  scratch.clear();
  append_compact_json(scratch, value);
  std::string out(scratch);
  if (scratch.capacity() > kept_capacity) std::string().swap(scratch);  // one huge document
  return out;
}

}  // namespace roost::detail
