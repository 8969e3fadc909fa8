#include "ndjson.hpp"

#include "storage/errors.hpp"
#include "storage/status_storage.hpp"
#include "utf8_text.hpp"

namespace roost::app {

std::string ndjson_prefix(const std::string& timeline) {
  return "{\"timeline\":" + nlohmann::json(timeline).dump() + ",\"status\":";
}

void append_ndjson_line(std::string& out, std::string_view prefix, std::string_view status_text) {
  out.append(prefix);
  out.append(status_text);
  out.append("}\n");
}

std::size_t json_depth(std::string_view json, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
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

void check_status(const status& s) {
  if (!s.is_object()) throw invalid_request("a status must be a JSON object");
  const auto id = status_id(s);
  if (!id) throw invalid_request("a status must have an id");
  if (!is_valid_utf8(*id)) throw invalid_request("the status id is not valid UTF-8");
  status_level(s);
  status_created_at(s);
  status_acked_at(s);
}

std::string json_error_text(const nlohmann::json::exception& e) {
  // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> "parse
  // error at column 5: ...": a line of NDJSON is always the JSON text's line 1.
  std::string text = e.what();
  if (const auto end = text.find("] "); text.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
    text.erase(0, end + 2);
  if (const auto at = text.find("at line 1, column "); at != std::string::npos)
    text.replace(at, 18, "at column ");
  return text;
}

ndjson_entry parse_ndjson_line(std::string_view line, std::size_t max_depth) {
  // The line is one level above its status.
  if (json_depth(line, max_depth + 1) > max_depth + 1)
    throw ndjson_error("the status nests deeper than " + std::to_string(max_depth) + " levels");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (overflow)
    throw ndjson_error("not JSON: " + json_error_text(e));
  }
  if (!doc.is_object()) throw ndjson_error("not a JSON object");
  const auto timeline = doc.find("timeline");
  if (timeline == doc.end() || !timeline->is_string())
    throw ndjson_error("\"timeline\" is missing or not a string");
  auto entry = doc.find("status");
  if (entry == doc.end() || !entry->is_object())
    throw ndjson_error("\"status\" is missing or not an object");
  ndjson_entry out{timeline->get<std::string>(), std::move(*entry)};
  try {
    validate_timeline_name(out.timeline);
  } catch (const invalid_request& e) {
    throw ndjson_error(e.what());
  }
  return out;
}

}  // namespace roost::app
