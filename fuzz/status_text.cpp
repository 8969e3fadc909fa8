// A status given as JSON text (request bodies, import lines, texts copied between
// stores): prepare_status_text, the stored-form reader (src/stored_form.hpp) and a put
// and a get through the memory backend.
//
// Properties, for any bytes:
//  - prepare_status_text throws nothing but invalid_request, and accepts exactly what
//    prepare_status(parse(text)) accepts (same depth limit), with the same id, order key,
//    level, acked flag and stored text;
//  - an accepted text has no NUL byte (JSON cannot hold a raw one: a parser that stops
//    there has dropped the rest), and its stored text is canonical: parse(json).dump();
//  - put_status_texts then get_status_texts gives back the stored text byte for byte, and
//    an ack of it gives what the general path (parse, set acked_at, dump) would write;
//  - the stored-form reader claims a text only when it is parse(text).dump(), and then
//    gives exactly parse()'s values and types; parse_stored_text behaves as parse.
#include <cstdint>
#include <optional>
#include <string>
#include <typeinfo>

#include "fuzz_check.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"
#include "storage/json_input.hpp"
#include "storage/memory_storage.hpp"
#include "storage/status_storage.hpp"
#include "stored_form.hpp"

namespace {

using json = nlohmann::json;
using roost::fuzz::check;

// The general path's parse under the one input rule (json_input.hpp), nullopt where it
// refuses: what the stored-form reader must agree with.
std::optional<json> parse_limited(const std::string& text) {
  try {
    return roost::parse_json_input(text, roost::max_status_depth);
  } catch (const roost::invalid_request&) {
  }
  return std::nullopt;
}

// Same value and the same JSON types all the way down (signed and unsigned integers
// compare equal with ==, but are written differently).
bool same_types(const json& a, const json& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_types(a[i], b[i])) return false;
  } else if (a.is_object()) {
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
      if (ia.key() != ib.key() || !same_types(*ia, *ib)) return false;
  }
  return a == b;
}

bool same(const roost::prepared_status& a, const roost::prepared_status& b) {
  return a.id == b.id && a.order_key == b.order_key && a.level == b.level && a.acked == b.acked &&
         a.json == b.json;
}

void check_stored_form_reader(const std::string& text, const std::optional<json>& parsed) {
  json fields;
  if (roost::detail::read_stored_form(text, fields)) {
    check(parsed && parsed->dump() == text,
          "read_stored_form claims only texts equal to parse(text).dump()", text);
    for (const char* key : {"id", "created_at"})
      if (fields.contains(key))
        check(same_types(fields[key], (*parsed)[key]),
              "read_stored_form reads top-level fields as parse()", text);
    if (fields.contains("busybird"))
      for (const auto& [key, value] : fields["busybird"].items())
        check(same_types(value, (*parsed)["busybird"][key]),
              "read_stored_form reads busybird fields as parse()", text);
  }
  json built;
  if (roost::detail::build_stored_form(text, built))
    check(parsed && same_types(built, *parsed), "build_stored_form builds exactly parse(text)",
          text);
  std::string spliced;
  constexpr std::string_view at = "Thu May 16 12:56:23 +0000 2013";
  if (roost::detail::set_acked_at_in_stored_form(text, at, spliced)) {
    check(parsed.has_value(), "set_acked_at_in_stored_form takes only JSON", text);
    auto doc = *parsed;
    roost::set_acked_at(doc, std::string(at));
    check(spliced == doc.dump(), "set_acked_at_in_stored_form writes what the general path writes",
          text + " -> " + spliced);
  }
  if (parsed) {
    try {
      check(same_types(roost::detail::parse_stored_text(text), *parsed),
            "parse_stored_text gives parse(text)", text);
    } catch (const std::exception& e) {
      check(false, "parse_stored_text accepts what parse() accepts", e.what());
    }
  }
}

// The store gives back what it was given, and acks as the general path would.
void check_round_trip(const roost::prepared_status& prepared, const std::string& text) {
  roost::memory_storage storage;
  namespace blocking = roost::blocking;
  const auto put = blocking::put_status_texts(
      storage, {.timeline = "t", .mode = roost::put_mode::insert, .texts = {text}});
  check(put == 1, "put_status_texts stores a text prepare_status_text accepts", text);
  const auto texts =
      blocking::get_status_texts(storage, {.timeline = "t", .count = roost::status_count::all()});
  check(texts.size() == 1 && texts[0] == prepared.json,
        "get_status_texts returns the stored text byte for byte", text);
  if (prepared.acked) return;
  const auto acked =
      blocking::ack_statuses(storage, {.timeline = "t", .ids = std::vector{prepared.id}});
  check(acked == 1, "an unacked status is acked by its id", text);
  const auto after =
      blocking::get_status_texts(storage, {.timeline = "t", .count = roost::status_count::all()});
  check(after.size() == 1, "an ack keeps the status", text);
  auto doc = json::parse(prepared.json);
  const auto stored = json::parse(after[0]);
  roost::set_acked_at(doc, stored["busybird"]["acked_at"].get<std::string>());
  check(after[0] == doc.dump(), "an ack writes what parse, set acked_at, dump writes",
        prepared.json + " -> " + after[0]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    const auto parsed = parse_limited(text);
    check_stored_form_reader(text, parsed);

    std::optional<roost::prepared_status> fast, general;
    try {
      fast = roost::prepare_status_text(text);
    } catch (const roost::invalid_request&) {
    } catch (const std::exception& e) {
      check(false, "prepare_status_text throws only invalid_request", e.what());
    }
    if (parsed) {
      try {
        general = roost::prepare_status(*parsed);
      } catch (const roost::invalid_request&) {
      }
    }
    check(fast.has_value() == general.has_value(),
          "prepare_status_text accepts what prepare_status(parse(text)) accepts", text);
    if (!fast) return;
    check(text.find('\0') == std::string::npos, "an accepted status text holds no NUL byte",
          "[known: NUL] " + text);
    check(same(*fast, *general), "prepare_status_text agrees with prepare_status(parse(text))",
          text);
    const auto canonical = json::parse(fast->json);
    check(canonical.dump() == fast->json && canonical == *parsed,
          "the stored text is parse(text).dump()", text + " -> " + fast->json);
    check_round_trip(*fast, text);
  });
}
