// How a long data-moving run (export, import, migrate) talks to whoever started it:
// problems to report, progress after each batch, and a request to stop between batches.
// The command-line tools wire these to stderr and to Ctrl-C; tests wire them to vectors
// and counters, so the same functions run in both without a process or a terminal.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace roost::app {

/// Callbacks of one run. Every member may be left empty; all run on the calling thread.
struct run_hooks {
  /// Something the user should read (an invalid line, a warning). The text may quote
  /// hostile input; whoever prints it makes it printable.
  std::function<void(const std::string& message)> problem;

  /// After each committed batch: statuses handled so far, and the fraction of the whole
  /// run done (0..1), or a negative number when the total is unknown.
  std::function<void(std::size_t statuses, double fraction)> progress;

  /// Polled between batches (and while waiting for input); true ends the run early,
  /// with every batch written so far committed and nothing of the next one written.
  std::function<bool()> stop_requested;

  void report(const std::string& message) const {
    if (problem) problem(message);
  }
  void advance(std::size_t statuses, double fraction) const {
    if (progress) progress(statuses, fraction);
  }
  bool should_stop() const { return stop_requested && stop_requested(); }
};

}  // namespace roost::app
