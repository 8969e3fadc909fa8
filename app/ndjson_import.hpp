// Import: NDJSON lines (see ndjson.hpp) into a store, in batches of one transaction each.
// Resumable: with put_mode::insert, running it again over the same input after an
// interruption writes what is missing and duplicates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "batch_writer.hpp"
#include "line_reader.hpp"
#include "run_hooks.hpp"
#include "storage/json_input.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

struct import_options {
  put_mode mode = put_mode::insert;
  error_policy on_error = error_policy::abort;
  std::size_t batch_size = 1000;             ///< statuses per transaction; REQUIRES > 0
  std::size_t max_depth = max_status_depth;  ///< deepest nesting accepted in a status
  /// Size of the input in bytes when known (a regular file), for the progress fraction.
  std::uint64_t input_bytes = 0;
};

/// How a run ended.
enum class run_outcome {
  completed,  ///< everything read (invalid inputs skipped under error_policy::skip)
  aborted,    ///< an invalid input under error_policy::abort; its batch not written
  stopped,    ///< hooks.should_stop() or an interrupted read; whole batches written
  failed,     ///< the store failed; `message` says how
};

struct import_result {
  run_outcome outcome = run_outcome::completed;
  std::string message;      ///< why it did not complete; empty when it did
  std::uint64_t lines = 0;  ///< lines read, blank ones included
  write_totals totals;
  /// Every line up to this one is in the store (or was reported invalid and skipped);
  /// nothing after it was written by this run.
  std::uint64_t committed_through = 0;
};

/// Reads `input` to its end and writes each line's status to its timeline. Blank lines
/// are ignored. Invalid lines (not JSON, not an entry, too long, too deep, a status put
/// would refuse) are reported through `hooks` as "line N: reason" and treated as
/// options.on_error says. Never throws for bad input; a read error of the input throws
/// std::system_error.
import_result import_ndjson(status_storage& target, line_reader& input,
                            const import_options& options, const run_hooks& hooks);

}  // namespace roost::app
