#include "progress.hpp"

#include "utf8_text.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace roost::app {
namespace {

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

}  // namespace

std::string group_digits(std::size_t n) {
  const auto digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

progress_meter::progress_meter(std::ostream& out, std::string what, bool bar,
                               clock::duration interval)
    : out_(out),
      what_(std::move(what)),
      bar_(bar),
      interval_(interval),
      start_(clock::now()),
      last_shown_(start_) {}

progress_meter progress_meter::for_stderr(std::string what, clock::duration interval) {
  return progress_meter(std::cerr, std::move(what), ::isatty(STDERR_FILENO) == 1, interval);
}

std::string progress_meter::status_text(bool with_bar) const {
  const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
  const double rate = elapsed > 0 ? statuses_ / elapsed : 0;
  const bool known = fraction_ >= 0;
  const double f = known ? std::min(fraction_, 1.0) : 0;
  // Appends only: GCC 12 warns wrongly (-Wstringop-overflow) about "literal" + string.
  std::string text = what_;
  if (with_bar && known) {
    constexpr std::size_t width = 30;
    const auto filled = static_cast<std::size_t>(f * width);
    text.append(" [").append(filled, '#').append(width - filled, '-').append("]");
  }
  char pct[16];
  std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(f * 100));
  if (known) text.append(pct);
  text.append(" ").append(group_digits(statuses_)).append(" statuses");
  text.append(" ").append(group_digits(static_cast<std::size_t>(rate))).append("/s");
  if (known && f > 0 && f < 1) text.append(" ETA ").append(duration_text(elapsed * (1 - f) / f));
  text.append(" elapsed ").append(duration_text(elapsed));
  return text;
}

void progress_meter::update(std::size_t statuses, double fraction) {
  statuses_ = statuses;
  fraction_ = fraction;
  const auto now = clock::now();
  // A terminal is redrawn at most ten times a second; a log gets a line per interval.
  const auto due = bar_ ? std::chrono::milliseconds(100) : interval_;
  if (shown_ && now - last_shown_ < due) return;
  if (!shown_ && !bar_ && interval_ > clock::duration::zero() && now - start_ < interval_) return;
  last_shown_ = now;
  shown_ = true;
  draw();
}

void progress_meter::draw() {
  if (bar_) {
    out_ << "\r\033[K" << status_text(true) << std::flush;
    bar_visible_ = true;
  } else {
    out_ << "roost " << status_text(false) << '\n' << std::flush;
  }
}

void progress_meter::clear_bar() {
  if (bar_visible_) {
    out_ << "\r\033[K";
    bar_visible_ = false;
  }
}

void progress_meter::message(const std::string& text) {
  out_.clear();  // a write interrupted by Ctrl-C must not silence the closing message
  clear_bar();
  out_ << "roost " << what_ << ": " << printable(text) << '\n';
  if (bar_ && shown_) draw();
  out_ << std::flush;
}

void progress_meter::finish() {
  out_.clear();
  if (bar_) {
    clear_bar();
  } else if (shown_) {
    out_ << "roost " << status_text(false) << '\n';
  }
  shown_ = false;  // once: later messages print alone
  out_ << std::flush;
}

run_hooks progress_meter::hooks() {
  run_hooks h;
  h.problem = [this](const std::string& m) { message(m); };
  h.progress = [this](std::size_t n, double f) { update(n, f); };
  return h;
}

}  // namespace roost::app
