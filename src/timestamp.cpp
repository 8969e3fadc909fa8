// Parsing is hand-written over fixed layouts rather than date::parse with format strings:
// it runs once per stored status on the put path, where istream-based parsing would cost
// more than the rest of the put, and it must be strict (date::parse accepts partial input
// and is locale-dependent). Calendar arithmetic and validity checks come from date.
#include "storage/timestamp.hpp"

#include <array>
#include <cstdint>

#include <date/date.h>

namespace roost {
namespace {

using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<std::string_view, 7> weekday_names = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A cursor over the input; every reader returns false on mismatch.
class scanner {
public:
  explicit scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }

  bool literal(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  bool spaces() {  // one or more
    if (peek() != ' ') return false;
    while (peek() == ' ') ++pos_;
    return true;
  }

  // Exactly `min..max` decimal digits.
  bool digits(int min, int max, int& out) {
    int n = 0;
    out = 0;
    while (n < max && peek() >= '0' && peek() <= '9') {
      out = out * 10 + (text_[pos_++] - '0');
      ++n;
    }
    return n >= min;
  }

  // One of `names` (case-insensitive, three letters); returns its index.
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, int& index) {
    if (text_.size() - pos_ < 3) return false;
    for (std::size_t i = 0; i < N; ++i) {
      bool same = true;
      for (std::size_t k = 0; k < 3; ++k) {
        char a = text_[pos_ + k], b = names[i][k];
        if ((a | 0x20) != (b | 0x20)) same = false;
      }
      if (same) {
        pos_ += 3;
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  // An optional fraction of a second: '.' then 1+ digits; keeps microseconds.
  bool fraction(microseconds& out) {
    out = microseconds{0};
    if (!literal('.')) return true;
    std::int64_t us = 0;
    int n = 0;
    while (peek() >= '0' && peek() <= '9') {
      if (n < 6) us = us * 10 + (text_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (n == 0) return false;
    for (int k = n; k < 6; ++k) us *= 10;
    out = microseconds{us};
    return true;
  }

  // "+hhmm" / "-hhmm", or with a colon when `colon` is allowed.
  bool numeric_offset(bool colon, minutes& out) {
    char sign = peek();
    if (sign != '+' && sign != '-') return false;
    ++pos_;
    int hh = 0, mm = 0;
    if (!digits(2, 2, hh)) return false;
    if (colon) literal(':');
    if (!digits(2, 2, mm)) return false;
    if (hh > 23 || mm > 59) return false;
    out = minutes{hh * 60 + mm};
    if (sign == '-') out = -out;
    return true;
  }

  std::string_view rest() const { return text_.substr(pos_); }
  void skip(std::size_t n) { pos_ += n; }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  microseconds fraction{0};
  minutes offset{0};
};

std::optional<timestamp> to_timestamp(const fields& f) {
  const date::year_month_day ymd{date::year{f.year}, date::month{static_cast<unsigned>(f.month)},
                                 date::day{static_cast<unsigned>(f.day)}};
  // A leap second (":60") is accepted as the last second of its minute.
  if (!ymd.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  const int second = f.second == 60 ? 59 : f.second;
  const auto local =
      date::sys_days{ymd} + std::chrono::hours{f.hour} + minutes{f.minute} + seconds{second};
  const timestamp instant{std::chrono::duration_cast<microseconds>(local.time_since_epoch()) +
                          f.fraction - f.offset};
  // Every instant must have a four-digit year in UTC too, where format_twitter writes it:
  // "9999-12-31T23:59:59-00:01" is in the year 10000, which no format here can write back.
  static const timestamp first{date::sys_days{date::year{0} / 1 / 1}.time_since_epoch()};
  static const timestamp last{date::sys_days{date::year{10000} / 1 / 1}.time_since_epoch() -
                              microseconds{1}};
  if (instant < first || instant > last) return std::nullopt;
  return instant;
}

bool time_of_day(scanner& s, fields& f, bool seconds_optional) {
  if (!s.digits(2, 2, f.hour) || !s.literal(':') || !s.digits(2, 2, f.minute)) return false;
  if (s.literal(':')) return s.digits(2, 2, f.second);
  return seconds_optional;
}

// "Thu May 16 12:56:23 +0000 2013"
std::optional<timestamp> parse_twitter(std::string_view text) {
  scanner s(text);
  fields f;
  int weekday = 0;
  if (!s.name(weekday_names, weekday) || !s.spaces()) return std::nullopt;
  if (!s.name(month_names, f.month) || !s.spaces()) return std::nullopt;
  f.month += 1;
  if (!s.digits(1, 2, f.day) || !s.spaces() || !time_of_day(s, f, false) || !s.spaces())
    return std::nullopt;
  if (!s.numeric_offset(false, f.offset) || !s.spaces() || !s.digits(4, 4, f.year) || !s.done())
    return std::nullopt;
  return to_timestamp(f);
}

// "2013-05-16T21:56:23.25+09:00", "2013-05-16 12:56:23Z"
std::optional<timestamp> parse_rfc3339(std::string_view text) {
  scanner s(text);
  fields f;
  if (!s.digits(4, 4, f.year) || !s.literal('-') || !s.digits(2, 2, f.month) || !s.literal('-') ||
      !s.digits(2, 2, f.day))
    return std::nullopt;
  if (!(s.literal('T') || s.literal('t') || s.literal(' '))) return std::nullopt;
  if (!time_of_day(s, f, false) || !s.fraction(f.fraction)) return std::nullopt;
  if (!(s.literal('Z') || s.literal('z') || s.numeric_offset(true, f.offset)) || !s.done())
    return std::nullopt;
  return to_timestamp(f);
}

// RFC 822 zone names beside numeric offsets.
bool rfc822_zone(scanner& s, minutes& offset) {
  if (s.numeric_offset(false, offset)) return true;
  struct zone {
    std::string_view name;
    int hours;
  };
  static constexpr std::array<zone, 12> zones = {{{"GMT", 0},
                                                  {"UTC", 0},
                                                  {"UT", 0},
                                                  {"Z", 0},
                                                  {"EST", -5},
                                                  {"EDT", -4},
                                                  {"CST", -6},
                                                  {"CDT", -5},
                                                  {"MST", -7},
                                                  {"MDT", -6},
                                                  {"PST", -8},
                                                  {"PDT", -7}}};
  for (const auto& z : zones) {
    if (s.rest() == z.name) {
      s.skip(z.name.size());
      offset = std::chrono::hours{z.hours};
      return true;
    }
  }
  return false;
}

// "Thu, 16 May 2013 12:56:23 +0000", weekday and seconds optional, 2-digit years allowed.
std::optional<timestamp> parse_rfc822(std::string_view text) {
  scanner s(text);
  fields f;
  int weekday = 0;
  if (s.name(weekday_names, weekday)) {
    if (!s.literal(',')) return std::nullopt;
    s.spaces();
  }
  if (!s.digits(1, 2, f.day) || !s.spaces() || !s.name(month_names, f.month) || !s.spaces())
    return std::nullopt;
  f.month += 1;
  int year = 0;
  const std::size_t before = s.rest().size();
  if (!s.digits(2, 4, year)) return std::nullopt;
  const std::size_t year_digits = before - s.rest().size();
  if (year_digits == 3) return std::nullopt;
  // RFC 2822's rule for obsolete two-digit years.
  f.year = year_digits == 4 ? year : (year < 50 ? 2000 + year : 1900 + year);
  if (!s.spaces() || !time_of_day(s, f, true) || !s.spaces()) return std::nullopt;
  if (!rfc822_zone(s, f.offset) || !s.done()) return std::nullopt;
  return to_timestamp(f);
}

}  // namespace

std::optional<timestamp> parse_timestamp(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] >= '0' && text[0] <= '9') {
    if (text.size() >= 5 && text[4] == '-') return parse_rfc3339(text);
    return parse_rfc822(text);  // "16 May 2013 ..." without weekday
  }
  if (text.size() > 3 && text[3] == ',') return parse_rfc822(text);
  return parse_twitter(text);
}

std::string format_twitter(timestamp t) {
  return date::format("%a %b %d %H:%M:%S +0000 %Y", std::chrono::floor<seconds>(t));
}

timestamp now_in_seconds() { return std::chrono::floor<seconds>(std::chrono::system_clock::now()); }

}  // namespace roost
