#include "credential_fields.hpp"

#include "storage/errors.hpp"
#include "storage/json_input.hpp"

namespace roost::web::credential_fields {

nlohmann::json entries(std::string_view text, const char* what, const char* array_key) {
  nlohmann::json doc;
  try {
    doc = parse_json_input(text, 8, what);
  } catch (const invalid_request& e) {
    throw token_set_error(e.what());
  }
  const auto it = doc.is_object() ? doc.find(array_key) : doc.end();
  if (it == doc.end() || !it->is_array())
    throw token_set_error(std::string(what) + " is not an object with a \"" + array_key +
                          "\" array");
  for (const auto& entry : *it)
    if (!entry.is_object())
      throw token_set_error(std::string(what) + " has an entry that is not an object");
  return *it;
}

std::string text(const nlohmann::json& entry, const char* key, const std::string& where) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_string())
    throw token_set_error(where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

scope_set scopes(const nlohmann::json& entry, const std::string& where) {
  const auto it = entry.find("scopes");
  if (it == entry.end() || !it->is_array() || it->empty())
    throw token_set_error(where + ": \"scopes\" is not a non-empty array");
  scope_set set = 0;
  for (const auto& s : *it) {
    if (!s.is_string()) throw token_set_error(where + ": a scope is not a string");
    set |= parse_scopes(s.get<std::string>());
  }
  return set;
}

std::optional<std::vector<std::string>> timelines(const nlohmann::json& entry,
                                                  const std::string& where) {
  const auto it = entry.find("timelines");
  if (it == entry.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) throw token_set_error(where + ": \"timelines\" is not an array");
  std::vector<std::string> names;
  for (const auto& t : *it) {
    if (!t.is_string() || t.get<std::string>().empty())
      throw token_set_error(where + ": a timeline is not a non-empty string");
    names.push_back(t.get<std::string>());
  }
  return names;
}

void write(nlohmann::json& entry, scope_set s, const std::optional<std::vector<std::string>>& tls) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto s_bit : {scope::read, scope::write, scope::admin})
    if (has_scope(s, s_bit)) names.push_back(format_scopes(static_cast<unsigned>(s_bit)));
  entry["scopes"] = std::move(names);
  if (tls) entry["timelines"] = *tls;
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace roost::web::credential_fields
