// The parts of a request that web/ reads before any handler: the target's path (routes)
// and query string (query_params, parse_integer), and the Last-Event-ID and Accept
// headers of the change stream (parse_revision, accepts_event_stream).
//
// Input: the request target, then a line feed, then a header value used as both
// Last-Event-ID and Accept.
//
// Properties:
//  - nothing throws; parse_ack_state and parse_count throw only bad_request, and an error
//    message can quote every value (quote_lossy), whatever its bytes;
//  - every decoded key and value, percent-encoded again, parses back to the same
//    parameters; a timeline name from a path, encoded again, routes to the same name;
//  - parse_integer and parse_revision agree with a plain reference reading of decimals.
#include "query.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include "api_support.hpp"
#include "change_format.hpp"
#include "fuzz_check.hpp"
#include "routes.hpp"

namespace {

using roost::fuzz::check;
namespace web = roost::web;

// Every byte but RFC 3986's unreserved characters as %XX.
std::string percent_encoded(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

// Decimal digits (after an optional '-' when `sign`) that fit [min, max], read by hand.
std::optional<__int128> reference_decimal(std::string_view text, bool sign, __int128 min,
                                          __int128 max) {
  bool negative = false;
  if (sign && !text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  __int128 value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > max + 1) return std::nullopt;  // beyond both bounds; stops growth
  }
  if (negative) value = -value;
  if (value < min || value > max) return std::nullopt;
  return value;
}

void check_numbers(std::string_view text) {
  const auto integer = web::parse_integer(text);
  const auto want_integer = reference_decimal(text, true, INT64_MIN, INT64_MAX);
  check(integer.has_value() == want_integer.has_value() &&
            (!integer || __int128{*integer} == *want_integer),
        "parse_integer reads exactly an optional '-' and decimal digits within int64", text);
  const auto revision = web::parse_revision(text);
  const auto want_revision = reference_decimal(text, false, 0, UINT64_MAX);
  check(revision.has_value() == want_revision.has_value() &&
            (!revision || __int128{*revision} == *want_revision),
        "parse_revision reads exactly decimal digits within uint64", text);
}

// What a handler does with a value it refuses: quote it in the message.
void check_quotable(const std::string& value) {
  try {
    roost::quote_lossy(value);
  } catch (const std::exception& e) {
    check(false, "an error message can quote any client value (quote_lossy never throws)",
          std::string(e.what()) + " for " + value);
  }
}

template <typename F>
void check_bad_request_only(const char* property, F&& f) {
  try {
    f();
  } catch (const web::bad_request&) {
  } catch (const std::exception& e) {
    check(false, property, e.what());
  }
}

void check_query(std::string_view target) {
  const web::query_params query(target);
  std::string again = "/p?";
  for (const auto& [key, value] : query.all()) {
    check_numbers(value);
    check_quotable(key);
    check_quotable(value);
    if (again.back() != '?') again += '&';
    again += percent_encoded(key) + "=" + percent_encoded(value);
  }
  check(query.all().empty() || web::query_params(again).all() == query.all(),
        "decoded query parameters, encoded again, parse to the same parameters", again);
  check_bad_request_only("parse_ack_state throws only bad_request",
                         [&] { web::parse_ack_state(query.get("ack_state")); });
  check_bad_request_only("parse_count throws only bad_request",
                         [&] { web::parse_count(query.get("count"), 20); });
}

void check_route(std::string_view target) {
  for (const char* method : {"GET", "POST", "HEAD", "DELETE"}) {
    const auto match = web::match_route(method, target);
    const auto* got = std::get_if<web::route::get_statuses>(&match);
    if (!got || got->html) continue;
    const auto rebuilt = "/timelines/" + percent_encoded(got->timeline) + "/statuses.json";
    const auto again = web::match_route(method, rebuilt);
    const auto* same = std::get_if<web::route::get_statuses>(&again);
    check(same && same->timeline == got->timeline,
          "a timeline name from a path, percent-encoded again, routes to the same name", rebuilt);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    const auto newline = input.find('\n');
    const auto target = input.substr(0, newline);
    const auto header =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    check_query(target);
    check_route(target);
    check_numbers(header);
    check_quotable(std::string(header));
    if (web::accepts_event_stream(header)) {
      std::string lower(header);
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      check(lower.find("text/event-stream") != std::string::npos,
            "accepts_event_stream is true only when the value names text/event-stream", header);
    }
  });
}
