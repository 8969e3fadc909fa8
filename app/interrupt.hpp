// Ctrl-C for long runs: the first SIGINT or SIGTERM asks the run to stop between batches
// (so the target keeps only whole, committed batches); a second one ends the process the
// usual way.
#pragma once

namespace roost::app {

/// Installs the handlers for its lifetime and restores the previous ones on destruction.
/// One at a time per process. The handlers are installed without SA_RESTART, so a read
/// blocked on a terminal or a pipe returns (EINTR) and the reader can notice the request.
class interrupt_guard {
public:
  interrupt_guard();
  ~interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

  /// True once SIGINT or SIGTERM arrived. Async-signal-safe to set, cheap to poll.
  static bool requested() noexcept;

  /// The signal that asked to stop, 0 if none.
  static int signal_number() noexcept;

  /// The exit status a stopped run returns: 128 + the signal (130 for SIGINT).
  static int exit_code() noexcept;
};

}  // namespace roost::app
