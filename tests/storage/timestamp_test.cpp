#include <catch2/catch.hpp>

#include "storage/timestamp.hpp"

using namespace roost;
using namespace std::chrono;

namespace {

// Microseconds since the epoch of a parsed timestamp; fails the test when unparsable.
std::int64_t us(std::string_view text) {
  const auto t = parse_timestamp(text);
  INFO("timestamp: " << text);
  REQUIRE(t.has_value());
  return t->time_since_epoch().count();
}

constexpr std::int64_t reference = 1368708983LL * 1000000;  // 2013-05-16T12:56:23Z

}  // namespace

TEST_CASE("all three accepted formats denote the same instant") {
  CHECK(us("Thu May 16 12:56:23 +0000 2013") == reference);
  CHECK(us("Thu May 16 21:56:23 +0900 2013") == reference);
  CHECK(us("Thu May 16 05:56:23 -0700 2013") == reference);
  CHECK(us("2013-05-16T12:56:23Z") == reference);
  CHECK(us("2013-05-16t12:56:23z") == reference);
  CHECK(us("2013-05-16 12:56:23Z") == reference);
  CHECK(us("2013-05-16T21:56:23+09:00") == reference);
  CHECK(us("2013-05-16T12:56:23.000000Z") == reference);
  CHECK(us("Thu, 16 May 2013 12:56:23 +0000") == reference);
  CHECK(us("Thu, 16 May 2013 12:56:23 GMT") == reference);
  CHECK(us("Thu, 16 May 2013 12:56:23 UT") == reference);
  CHECK(us("16 May 2013 12:56:23 GMT") == reference);
  CHECK(us("Thu, 16 May 2013 08:56:23 EDT") == reference);
  CHECK(us("Thu, 16 May 13 12:56:23 GMT") == reference);
  CHECK(us("Thu, 16 May 2013 12:56 GMT") == reference - 23 * 1000000);
}

TEST_CASE("fractions of a second are kept to the microsecond") {
  CHECK(us("2013-05-16T12:56:23.5Z") == reference + 500000);
  CHECK(us("2013-05-16T12:56:23.123456789Z") == reference + 123456);
  CHECK(us("2013-05-16T12:56:23.000001+00:00") == reference + 1);
}

TEST_CASE("dates far from the epoch parse") {
  CHECK(us("1970-01-01T00:00:00Z") == 0);
  CHECK(us("1969-12-31T23:59:59Z") == -1000000);
  CHECK(us("Fri Dec 31 23:59:59 +0000 9999") > 0);
  CHECK(us("2016-12-31T23:59:60Z") == us("2016-12-31T23:59:59Z"));
}

TEST_CASE("anything else is rejected") {
  for (const char* bad : {"",
                          "yesterday",
                          "2013-05-16",
                          "2013-05-16T12:56Z",
                          "2013-02-30T00:00:00Z",
                          "2013-13-01T00:00:00Z",
                          "2013-05-16T24:00:00Z",
                          "2013-05-16T12:56:23",
                          "2013-05-16T12:56:23+0900x",
                          "2013-05-16T12:56:23.Z",
                          "Thu May 16 12:56:23 2013",
                          "Xyz May 16 12:56:23 +0000 2013",
                          "Thu Foo 16 12:56:23 +0000 2013",
                          "Thu May 16 12:56:23 +0000 13",
                          "Thu, 16 May 2013 12:56:23",
                          "Thu, 16 May 2013 12:56:23 XYZ",
                          "Thu, 16 May 201 12:56:23 GMT",
                          "Thu May 16 12:56:23 +2500 2013",
                          " 2013-05-16T12:56:23Z",
                          "2013-05-16T12:56:23Z ",
                          "1368708983"}) {
    INFO("input: \"" << bad << "\"");
    CHECK_FALSE(parse_timestamp(bad).has_value());
  }
}

TEST_CASE("format_twitter writes UTC Twitter style that parses back to the same second") {
  const timestamp t{microseconds{reference + 999999}};
  CHECK(format_twitter(t) == "Thu May 16 12:56:23 +0000 2013");
  CHECK(us(format_twitter(t)) == reference);
  CHECK(format_twitter(timestamp{}) == "Thu Jan 01 00:00:00 +0000 1970");
  const auto now = now_in_seconds();
  CHECK(now.time_since_epoch().count() % 1000000 == 0);
  CHECK(*parse_timestamp(format_twitter(now)) == now);
}

TEST_CASE("an instant must have a four-digit year in UTC, where it is written back") {
  CHECK(roost::parse_timestamp("9999-12-31T23:59:59Z").has_value());
  CHECK(roost::parse_timestamp("0000-01-01T00:00:00Z").has_value());
  // The offsets carry these out of the years 0 to 9999: format_twitter could not write them.
  CHECK_FALSE(roost::parse_timestamp("9999-12-31T23:59:59-00:01").has_value());
  CHECK_FALSE(roost::parse_timestamp("0000-01-01T00:00:00+00:01").has_value());
  CHECK_FALSE(roost::parse_timestamp("Fri Dec 31 23:59:59 -0100 9999").has_value());
  const auto last = *roost::parse_timestamp("9999-12-31T23:59:59.999999Z");
  CHECK(roost::parse_timestamp(roost::format_twitter(last)).has_value());
}
