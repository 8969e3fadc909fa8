// Timestamps from statuses (created_at, busybird.acked_at): parse_timestamp on any bytes.
//
// Properties, for every text parse_timestamp accepts:
//  - format_twitter of the instant parses back to the same instant (whole seconds), and
//    formatting that again gives the same text: what Roost writes it can read;
//  - the instant written as RFC 3339 with its microseconds, and as RFC 1123, parses back
//    to exactly that instant: the three accepted layouts agree.
#include "storage/timestamp.hpp"

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"

namespace {

using roost::fuzz::check;
using std::chrono::seconds;

std::string shown(std::string_view input, const std::string& written) {
  return std::string(input) + " -> " + written;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    const auto t = roost::parse_timestamp(text);
    if (!t) return;
    const auto whole = std::chrono::floor<seconds>(*t);

    // Years before 0000 or after 9999 (an offset past either end) have no 4-digit form.
    const auto year = int(date::year_month_day(date::floor<date::days>(*t)).year());
    const std::string range = year < 0 || year > 9999 ? "[known: year range] " : "";
    const auto twitter = roost::format_twitter(*t);
    const auto back = roost::parse_timestamp(twitter);
    check(back.has_value(), "format_twitter writes a timestamp parse_timestamp reads",
          range + shown(text, twitter));
    check(*back == whole, "format_twitter then parse_timestamp keeps the instant (seconds)",
          shown(text, twitter));
    check(roost::format_twitter(*back) == twitter, "format_twitter is stable",
          shown(text, twitter));

    const auto rfc3339 = date::format("%FT%TZ", *t);  // microseconds kept
    check(roost::parse_timestamp(rfc3339) == *t, "RFC 3339 of the instant parses to it",
          range + shown(text, rfc3339));
    const auto rfc1123 = date::format("%a, %d %b %Y %T +0000", whole);
    check(roost::parse_timestamp(rfc1123) == whole, "RFC 1123 of the instant parses to it",
          range + shown(text, rfc1123));
  });
}
