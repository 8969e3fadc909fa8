// One line of `roost import`'s NDJSON: parse_ndjson_line, then check_status and
// prepare_status as the import applies them, then the line `roost export` would write.
//
// Properties, for any bytes:
//  - parse_ndjson_line throws nothing but ndjson_error, and check_status nothing but
//    invalid_request;
//  - an accepted line holds no NUL byte (the parser must not stop early and drop the
//    rest), names a non-empty UTF-8 timeline, and nests at most max_depth levels inside
//    its status;
//  - check_status refuses exactly what prepare_status (put) refuses, so no batch fails
//    in the store for a line that passed;
//  - export then import is the identity: the exported line parses to the same timeline
//    and the same status.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "ndjson.hpp"
#include "storage/errors.hpp"
#include "storage/status_storage.hpp"
#include "utf8_text.hpp"

namespace {

using roost::fuzz::check;
namespace app = roost::app;

constexpr std::size_t max_depth = roost::max_status_depth;  // the import's default

// Containers around the deepest value, the outermost counting 1.
std::size_t depth_of(const nlohmann::json& v) {
  if (!v.is_structured()) return 0;
  std::size_t deepest = 0;
  for (const auto& item : v) deepest = std::max(deepest, depth_of(item));
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    app::ndjson_entry entry;
    try {
      entry = app::parse_ndjson_line(line, max_depth);
    } catch (const app::ndjson_error&) {
      return;
    } catch (const std::exception& e) {
      check(false, "parse_ndjson_line throws only ndjson_error", e.what());
    }
    check(line.find('\0') == std::string_view::npos, "an accepted line holds no NUL byte",
          "[known: NUL] " + std::string(line));
    check(!entry.timeline.empty() && roost::is_valid_utf8(entry.timeline),
          "an accepted line names a non-empty UTF-8 timeline", line);
    check(entry.item.is_object() && depth_of(entry.item) <= max_depth,
          "an accepted status is an object at most max_depth deep", line);

    bool checked = true;
    try {
      app::check_status(entry.item);
    } catch (const roost::invalid_request&) {
      checked = false;
    } catch (const std::exception& e) {
      check(false, "check_status throws only invalid_request", e.what());
    }
    std::optional<roost::prepared_status> prepared;
    try {
      prepared = roost::prepare_status(entry.item);
    } catch (const roost::invalid_request&) {
    }
    check(checked == prepared.has_value(), "check_status refuses exactly what put refuses", line);
    if (!prepared) return;

    std::string exported;
    app::append_ndjson_line(exported, app::ndjson_prefix(entry.timeline), prepared->json);
    check(
        !exported.empty() && exported.back() == '\n' && exported.find('\n') == exported.size() - 1,
        "an exported entry is one line", exported);
    exported.pop_back();
    try {
      const auto again = app::parse_ndjson_line(exported, max_depth);
      check(again.timeline == entry.timeline && again.item == entry.item,
            "export then import gives the same timeline and status", exported);
    } catch (const std::exception& e) {
      check(false, "import reads what export writes", std::string(e.what()) + ": " + exported);
    }
  });
}
