// What the data-moving subcommands share: reading their common flags, and the terminal
// side of a long run (progress on stderr, Ctrl-C between batches, the closing message).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "batch_writer.hpp"
#include "command_line.hpp"
#include "interrupt.hpp"
#include "ndjson_import.hpp"
#include "progress.hpp"
#include "run_hooks.hpp"

namespace roost::app {

/// The value of a mandatory flag; throws usage_error when it is missing.
std::string required_flag(const flags& f, const std::string& name);

/// --mode insert|upsert (default insert).
put_mode mode_flag(const flags& f);

/// --on-error abort|skip (default abort).
error_policy on_error_flag(const flags& f);

/// A positive integer flag, `fallback` when absent; throws usage_error otherwise.
std::size_t count_flag(const flags& f, const std::string& name, std::size_t fallback);

/// The flags every long run takes, for the flags() list of known names.
inline const char* const progress_interval_flag = "progress-interval";

/// A long run's terminal: progress on stderr (a bar on a terminal, else a line every
/// --progress-interval seconds, 5 by default, 0 meaning after every batch) and Ctrl-C.
class terminal_run {
public:
  terminal_run(std::string what, const flags& f);

  /// Hooks for the run: problems and progress to stderr, stop on Ctrl-C.
  const run_hooks& hooks() const noexcept { return hooks_; }

  /// True when progress is a bar on a terminal: worth counting the work first (one more
  /// read of the source) to show a fraction and an ETA.
  bool worth_counting() const noexcept { return meter_.draws_bar(); }

  /// Clears the progress display and prints `text` as "roost WHAT: text".
  void say(const std::string& text);

  /// The exit code and closing message of an import-like run.
  int conclude(const import_result& result, const std::string& unit,
               const std::string& resume_hint);

  /// The exit code for a run stopped by a signal.
  static int stopped_exit_code() { return interrupt_guard::exit_code(); }

private:
  interrupt_guard guard_;
  progress_meter meter_;
  run_hooks hooks_;
};

}  // namespace roost::app
