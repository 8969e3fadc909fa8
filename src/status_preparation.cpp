// prepare_status, prepare_status_text and with_acked_at: the one place a status is
// checked and serialized on its way into a backend, and re-serialized when a backend acks
// a stored document.
#include "status_preparation.hpp"
#include "compact_json.hpp"
#include "storage/json_input.hpp"
#include "storage/order_key.hpp"
#include "storage/status_storage.hpp"
#include "storage/utf8.hpp"
#include "stored_form.hpp"

namespace roost {

void validate_id(const std::string& id, const char* what) {
  if (!is_valid_utf8(id)) throw invalid_request(std::string(what) + " is not valid UTF-8");
}

namespace {

// Everything of a prepared status but its text, from the fields the order reads.
prepared_status prepare_order(const status& s) {
  if (!s.is_object()) throw invalid_request("a status must be a JSON object");
  auto id = status_id(s);
  if (!id) throw invalid_request("a status must have an id");
  validate_id(*id, "status id");
  prepared_status out;
  out.level = status_level(s);
  const auto acked_at = status_acked_at(s);
  const auto created_at = status_created_at(s);
  out.acked = acked_at.has_value();
  out.order_key = encode_order_key({acked_at, created_at, *id});
  out.id = std::move(*id);
  return out;
}

}  // namespace

prepared_status prepare_status(const status& s) {
  auto out = prepare_order(s);
  try {
    out.json = detail::compact_json(s);
  } catch (const detail::invalid_utf8_in_json& e) {
    // Strings that are not UTF-8 cannot be stored as JSON; that is the caller's data.
    throw invalid_request(std::string("status is not valid UTF-8 JSON: ") + e.what());
  } catch (const detail::json_too_deep& e) {
    throw invalid_request(std::string("status ") + e.what());
  }
  return out;
}

prepared_status prepare_status_text(std::string text) {
  nlohmann::json fields;
  if (detail::read_stored_form(text, fields)) {
    // Already in stored form: what dump() would write is the text itself.
    auto out = prepare_order(fields);
    out.json = std::move(text);
    return out;
  }
  // Texts may come from anywhere: the one rule of every way in (json_input.hpp).
  const auto document = parse_json_input(text, max_status_depth, "a status text");
  return prepare_status(document);
}

std::string with_acked_at(const std::string& json_text, const std::string& acked_at) {
  // A stored text is in stored form: the member is spliced in, no parse.
  std::string spliced;
  if (detail::set_acked_at_in_stored_form(json_text, acked_at, spliced)) return spliced;
  auto doc = nlohmann::json::parse(json_text);
  set_acked_at(doc, acked_at);
  return detail::compact_json(doc);
}

}  // namespace roost
