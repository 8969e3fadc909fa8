#include "change_format.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "storage/json_input.hpp"

namespace roost::web {
namespace {

// Stored statuses are compact JSON, which never holds a raw line break; one would split
// an SSE data line, so such a text (from a foreign store) is re-serialized.
std::string one_line(const std::string& json_text) {
  if (json_text.empty()) return "null";
  if (json_text.find_first_of("\r\n") == std::string::npos) return json_text;
  return nlohmann::json::parse(json_text).dump();
}

}  // namespace

std::string change_json(const status_change& change) {
  std::string out;
  out.reserve(64 + change.id.size() + change.status_json.size() + change.acked_at.size());
  out += "{\"rev\":";
  out += std::to_string(change.revision);
  out += ",\"op\":\"";
  out += change_op_name(change.op);
  out += "\",\"id\":";
  out += quote_lossy(change.id);
  if (change.op == change_op::insert || change.op == change_op::update) {
    out += ",\"status\":";
    out += one_line(change.status_json);
  } else if (change.op == change_op::ack) {
    out += ",\"acked_at\":";
    out += quote_lossy(change.acked_at);
  }
  out += '}';
  return out;
}

std::string changes_body(const std::vector<status_change>& changes, std::uint64_t last_revision) {
  std::string out = "{\"error\":null,\"changes\":[";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i != 0) out += ',';
    out += change_json(changes[i]);
  }
  out += "],\"last_rev\":";
  out += std::to_string(last_revision);
  out += '}';
  return out;
}

std::string sse_event(const status_change& change) {
  return "id: " + std::to_string(change.revision) + "\ndata: " + change_json(change) + "\n\n";
}

std::optional<std::uint64_t> parse_revision(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool accepts_event_stream(std::string_view accept) {
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    auto range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    range = range.substr(0, range.find(';'));  // parameters (q=...) do not matter here
    const auto first = range.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    range = range.substr(first, range.find_last_not_of(" \t") - first + 1);
    constexpr std::string_view wanted = "text/event-stream";
    if (std::equal(range.begin(), range.end(), wanted.begin(), wanted.end(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return true;
  }
  return false;
}

}  // namespace roost::web
