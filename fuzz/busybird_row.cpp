// One row of a BusyBird database as `roost import-busybird` converts it: busybird_status.
//
// Input: seven lines (timeline, status_id, utc_acked_at, utc_created_at,
// timezone_acked_at, timezone_created_at, level), then the content column's text.
//
// Properties, for any bytes:
//  - busybird_status throws nothing but busybird_error;
//  - the status it makes has the row's id, its level when the column is not 0, and a
//    created_at (busybird.acked_at) exactly when the UTC column holds a time, whose text
//    parse_timestamp reads as that very instant, whatever the zone column says;
//  - the store accepts it (prepare_status), and so does `roost import` (one depth rule
//    and one UTF-8 rule for every way in): the NDJSON line export would write for it
//    parses and passes check_status.
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "busybird_import.hpp"
#include "busybird_time.hpp"
#include "fuzz_check.hpp"
#include "ndjson.hpp"
#include "storage/errors.hpp"
#include "storage/status.hpp"
#include "storage/status_storage.hpp"

namespace {

using roost::fuzz::check;
namespace app = roost::app;

// The row in the input, false when it has fewer than seven lines or a level that is no
// integer.
bool read_row(std::string_view input, app::busybird_row& row) {
  std::string* columns[] = {&row.timeline,       &row.status_id,         &row.utc_acked_at,
                            &row.utc_created_at, &row.timezone_acked_at, &row.timezone_created_at};
  for (auto* column : columns) {
    const auto newline = input.find('\n');
    if (newline == std::string_view::npos) return false;
    *column = std::string(input.substr(0, newline));
    input.remove_prefix(newline + 1);
  }
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return false;
  const auto level = input.substr(0, newline);
  const auto [end, ec] = std::from_chars(level.data(), level.data() + level.size(), row.level);
  if (ec != std::errc() || end != level.data() + level.size()) return false;
  row.content = std::string(input.substr(newline + 1));
  return true;
}

// A timestamp field against its UTC column.
void check_time(const nlohmann::json* field, const std::string& utc, const char* what,
                const std::string& shown) {
  const auto column = app::parse_busybird_utc(utc);  // busybird_status accepted it
  check((field != nullptr) == column.has_value(), what, shown);
  if (!column) return;
  check(field->is_string(), what, shown);
  const auto& text = field->get<std::string>();
  const auto parsed = roost::parse_timestamp(text);
  // A year of other than four digits: the UTC column's year 0000 or 9999 moved by the zone.
  const bool odd_year = text.size() < 5 || text.find_last_not_of("0123456789") != text.size() - 5;
  check(parsed && *parsed == roost::timestamp(*column),
        "a rebuilt timestamp's text denotes the instant of its UTC column",
        (odd_year ? "[known: year range] " : "") + text + " for " + shown);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    app::busybird_row row;
    if (!read_row(input, row)) return;
    roost::status s;
    std::vector<std::string> warnings;
    try {
      s = app::busybird_status(row, &warnings);
    } catch (const app::busybird_error&) {
      return;
    } catch (const std::exception& e) {
      check(false, "busybird_status throws only busybird_error", e.what());
    }
    const std::string shown(input);
    check(s.is_object() && s.value("id", nlohmann::json()) == row.status_id,
          "the status has the row's status_id as its id", shown);
    const auto bb = s.find("busybird");
    const nlohmann::json* busybird = bb != s.end() && bb->is_object() ? &*bb : nullptr;
    if (row.level != 0)
      check(busybird && busybird->value("level", nlohmann::json()) == row.level,
            "a level column other than 0 is the status's level", shown);
    const auto created = s.find("created_at");
    check_time(created != s.end() ? &*created : nullptr, row.utc_created_at,
               "created_at is there exactly when utc_created_at holds a time", shown);
    const nlohmann::json* acked = nullptr;
    if (busybird)
      if (const auto a = busybird->find("acked_at"); a != busybird->end()) acked = &*a;
    check_time(acked, row.utc_acked_at,
               "busybird.acked_at is there exactly when utc_acked_at holds a time", shown);

    roost::prepared_status prepared;
    try {
      prepared = roost::prepare_status(s);
    } catch (const std::exception& e) {
      check(false, "the store accepts a status busybird_status made",
            std::string(e.what()) + " for " + shown);
    }
    std::string line;
    app::append_ndjson_line(line, app::ndjson_prefix("home"), prepared.json);
    line.pop_back();
    try {
      app::check_status(app::parse_ndjson_line(line).item);
    } catch (const std::exception& e) {
      const std::string why = e.what();
      check(false, "roost import accepts what import-busybird accepts",
            (why.find("deeper") != std::string::npos ? "[known: depth] " : "") + why + " for " +
                shown);
    }
  });
}
