#include "busybird_time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>

namespace roost::app {
namespace {

using namespace std::chrono;

// The digits at text[pos, pos + n) as a number, or -1.
int digits(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// "+0900", "-05:30" -> the offset; nullopt when `zone` is not an offset.
std::optional<seconds> parse_offset(std::string_view zone) {
  if (zone.size() < 5 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  const int h = digits(zone, 1, 2);
  int m = -1;
  if (zone.size() == 5)
    m = digits(zone, 3, 2);
  else if (zone.size() == 6 && zone[3] == ':')
    m = digits(zone, 4, 2);
  if (h < 0 || m < 0 || h > 23 || m > 59) return std::nullopt;
  const seconds offset = hours(h) + minutes(m);
  return zone[0] == '-' ? -offset : offset;
}

constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::optional<sys_seconds> parse_busybird_utc(std::string_view text) {
  if (text == busybird_absent_timestamp) return std::nullopt;
  const auto bad = [&] {
    return busybird_time_error("\"" + std::string(text.substr(0, 40)) +
                               "\" is not a BusyBird timestamp (%Y-%m-%dT%H:%M:%S)");
  };
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':')
    throw bad();
  const int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const int h = digits(text, 11, 2), mi = digits(text, 14, 2);
  int s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) throw bad();
  if (s == 60) s = 59;
  const date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(mo)),
                                 date::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) throw bad();
  return date::sys_days(ymd) + hours(h) + minutes(mi) + seconds(s);
}

std::string format_twitter_at_offset(sys_seconds t, seconds offset) {
  const auto local = t + offset;
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<seconds> time(local - day);
  const date::weekday wd(day);
  const auto off_minutes = duration_cast<minutes>(offset).count();
  const auto abs_minutes = off_minutes < 0 ? -off_minutes : off_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %s %02u %02d:%02d:%02d %c%02d%02d %04d",
                weekdays[wd.c_encoding()], months[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                off_minutes < 0 ? '-' : '+', static_cast<int>(abs_minutes / 60),
                static_cast<int>(abs_minutes % 60), static_cast<int>(ymd.year()));
  return buf;
}

std::string busybird_timestamp_text(sys_seconds t, std::string_view zone, std::string* warning) {
  const auto utc = [&](std::string why) {
    if (warning) *warning = std::move(why);
    return format_twitter_at_offset(t, seconds(0));
  };
  if (zone.empty() || zone == "UTC" || zone == "Z" || zone == "GMT" || zone == "floating")
    return format_twitter_at_offset(t, seconds(0));
  // The local time must keep a four-digit year, as every timestamp format reads it:
  // 9999-12-31T23:00:00 at +0900 would be in the year 10000.
  const auto at = [&](seconds offset) {
    const int year =
        static_cast<int>(date::year_month_day(date::floor<date::days>(t + offset)).year());
    if (year < 0 || year > 9999)
      return utc("the time in zone \"" + std::string(zone) + "\" is outside the years 0 to 9999");
    return format_twitter_at_offset(t, offset);
  };
  if (const auto offset = parse_offset(zone)) return at(*offset);
  try {
    const auto* tz = date::locate_zone(std::string(zone));
    const auto offset = tz->get_info(t).offset;
    // Twitter style has no seconds in its offset (old local mean times have them).
    if (offset % minutes(1) != seconds(0))
      return utc("time zone \"" + std::string(zone) + "\" has an offset with seconds at that date");
    return at(offset);
  } catch (const std::exception& e) {
    return utc("time zone \"" + std::string(zone) + "\" is unknown here (" + e.what() + ")");
  }
}

}  // namespace roost::app
