#include "storage/json_input.hpp"

#include "storage/errors.hpp"

namespace roost {

std::string quote_lossy(std::string_view text) {
  // dump() with replacement never throws on the bytes; the strict default would, and a
  // message quoting a client's bad bytes is exactly where they show up.
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::size_t json_nesting_depth(std::string_view text, std::size_t limit) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string json_exception_text(const nlohmann::json::exception& e) {
  std::string_view text = e.what();
  if (const auto end = text.find("] "); text.rfind("[json.exception.", 0) == 0 && end != text.npos)
    text.remove_prefix(end + 2);
  return lossy_utf8(text);
}

nlohmann::json parse_json_input(std::string_view text, std::size_t max_depth, std::string_view what,
                                std::size_t outer_levels) {
  const std::string subject(what);
  // nlohmann's lexer reads a NUL as the end of the input and would silently ignore
  // everything after it; a JSON text has no raw NUL anywhere (strings escape it).
  if (const auto nul = text.find('\0'); nul != text.npos)
    throw invalid_request(subject + " is not valid JSON: a NUL byte at offset " +
                          std::to_string(nul));
  // Counted before parsing: the parser itself is iterative, but the writers and the
  // comparisons that walk the tree later recurse once per level.
  if (json_nesting_depth(text, max_depth + outer_levels) > max_depth + outer_levels)
    throw invalid_request(subject + " nests deeper than " + std::to_string(max_depth) + " levels" +
                          (outer_levels == 0 ? "" : " inside its outer level"));
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error; out_of_range for 1e999
    throw invalid_request(subject + " is not valid JSON: " + json_exception_text(e));
  }
}

}  // namespace roost
