#include "ndjson.hpp"

#include "storage/errors.hpp"
#include "storage/json_input.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

std::string ndjson_prefix(const std::string& timeline) {
  return "{\"timeline\":" + nlohmann::json(timeline).dump() + ",\"status\":";
}

void append_ndjson_line(std::string& out, std::string_view prefix, std::string_view status_text) {
  out.append(prefix);
  out.append(status_text);
  out.append("}\n");
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

ndjson_entry parse_ndjson_line(std::string_view line, std::size_t max_depth) {
  nlohmann::json doc;
  try {
    // The line is one level above its status; the one input rule of every way in.
    doc = parse_json_input(line, max_depth, "the line", 1);
  } catch (const invalid_request& e) {
    // A line of NDJSON is always the JSON text's line 1.
    std::string message = e.what();
    if (const auto at = message.find("at line 1, column "); at != std::string::npos)
      message.replace(at, 18, "at column ");
    throw ndjson_error(message);
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
