// Progress of a long run on stderr: a redrawn bar with rate and ETA on a terminal, a
// plain line every few seconds otherwise (logs, pipes, tests), and the run's messages
// printed so that they never tear the bar.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "run_hooks.hpp"

namespace roost::app {

/// `n` with its digits in groups of three: 12345678 -> "12,345,678". Every count the
/// commands print is written so, on the bar and in the summaries alike.
std::string group_digits(std::size_t n);

class progress_meter {
public:
  using clock = std::chrono::steady_clock;

  /// Reports on `out` for the run named `what` ("import", "migrate", ...). `bar`: redraw
  /// one line in place (for a terminal); otherwise print a line at most every `interval`
  /// (zero: after every update). Not thread-safe: use from the run's thread.
  progress_meter(std::ostream& out, std::string what, bool bar, clock::duration interval);

  /// For stderr: a bar when stderr is a terminal, else lines every `interval`.
  static progress_meter for_stderr(std::string what, clock::duration interval);

  /// Records progress: `statuses` handled so far and the fraction done (negative when
  /// unknown). Prints when due.
  void update(std::size_t statuses, double fraction);

  /// Prints `text` (made printable) on its own line, then redraws the bar.
  void message(const std::string& text);

  /// Clears the bar, or prints a last line when in line mode and a line was shown
  /// since the last finish().
  void finish();

  /// True when drawing a bar (on a terminal), where a fraction and an ETA matter most.
  bool draws_bar() const noexcept { return bar_; }

  /// Hooks whose problem and progress go to this meter; stop_requested is left empty.
  run_hooks hooks();

  /// The line or bar text for the current state (without "\r" or newline); for tests.
  std::string status_text(bool with_bar) const;

private:
  void draw();
  void clear_bar();

  std::ostream& out_;
  std::string what_;
  bool bar_;
  clock::duration interval_;
  clock::time_point start_;
  clock::time_point last_shown_;
  bool shown_ = false;
  bool bar_visible_ = false;
  std::size_t statuses_ = 0;
  double fraction_ = -1;
};

}  // namespace roost::app
