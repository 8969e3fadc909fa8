#include "storage/status.hpp"

#include "storage/errors.hpp"

namespace roost {
namespace {

// The `busybird` member, or nullptr when absent or null.
const nlohmann::json* busybird_of(const status& s) {
  const auto it = s.find("busybird");
  if (it == s.end() || it->is_null()) return nullptr;
  if (!it->is_object()) throw invalid_request("status field \"busybird\" must be an object");
  return &*it;
}

std::optional<timestamp> timestamp_field(const nlohmann::json* object, const char* key,
                                         const char* name) {
  if (object == nullptr) return std::nullopt;
  const auto it = object->find(key);
  if (it == object->end() || it->is_null()) return std::nullopt;
  if (!it->is_string())
    throw invalid_request(std::string("status field \"") + name + "\" must be a string");
  const auto& text = it->get_ref<const std::string&>();
  auto parsed = parse_timestamp(text);
  if (!parsed)
    throw invalid_request(std::string("status field \"") + name +
                          "\" is not a timestamp in a known format: \"" + text + "\"");
  return parsed;
}

void require_object(const status& s) {
  if (!s.is_object()) throw invalid_request("a status must be a JSON object");
}

}  // namespace

std::string id_text(const nlohmann::json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return id.dump();  // signed and unsigned alike
  throw invalid_request("an id must be a string or an integer, not " + std::string(id.type_name()));
}

std::optional<std::string> status_id(const status& s) {
  require_object(s);
  const auto it = s.find("id");
  if (it == s.end() || it->is_null()) return std::nullopt;
  return id_text(*it);
}

std::int64_t status_level(const status& s) {
  require_object(s);
  const auto* bb = busybird_of(s);
  if (bb == nullptr) return 0;
  const auto it = bb->find("level");
  if (it == bb->end() || it->is_null()) return 0;
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT64_MAX))
      throw invalid_request("status field \"busybird.level\" is out of range");
    return static_cast<std::int64_t>(v);
  }
  if (!it->is_number_integer())
    throw invalid_request("status field \"busybird.level\" must be an integer");
  return it->get<std::int64_t>();
}

std::optional<timestamp> status_created_at(const status& s) {
  require_object(s);
  return timestamp_field(&s, "created_at", "created_at");
}

std::optional<timestamp> status_acked_at(const status& s) {
  require_object(s);
  return timestamp_field(busybird_of(s), "acked_at", "busybird.acked_at");
}

bool is_acked(const status& s) {
  if (!s.is_object()) return false;
  const auto bb = s.find("busybird");
  if (bb == s.end() || !bb->is_object()) return false;
  const auto it = bb->find("acked_at");
  return it != bb->end() && !it->is_null();
}

void set_acked_at(status& s, const std::string& acked_at) {
  auto& bb = s["busybird"];
  if (!bb.is_object()) bb = nlohmann::json::object();
  bb["acked_at"] = acked_at;
}

}  // namespace roost
