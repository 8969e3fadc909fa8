#include "ndjson_import.hpp"

#include "ndjson.hpp"
#include "storage/errors.hpp"

namespace roost::app {
namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

std::string line_name(std::uint64_t n) { return "line " + std::to_string(n); }

}  // namespace

import_result import_ndjson(status_storage& target, line_reader& input,
                            const import_options& options, const run_hooks& hooks) {
  import_result result;
  batch_writer writer(
      target, options.mode, options.batch_size, options.on_error, hooks,
      [](const std::string&, std::uint64_t line, const status&) { return line_name(line); });
  std::uint64_t last_line = 0;
  const auto finish = [&](run_outcome outcome, std::string message) {
    result.outcome = outcome;
    result.message = std::move(message);
    result.lines = last_line;
    result.totals = writer.totals();
    result.committed_through = writer.committed_through();
    return result;
  };
  // Progress after each committed batch: the bytes of the lines read so far are the best
  // measure of the fraction done.
  std::size_t reported = 0;
  const auto advance = [&] {
    if (writer.committed() == reported) return;
    reported = writer.committed();
    hooks.advance(reported, options.input_bytes > 0
                                ? double(input.bytes_consumed()) / double(options.input_bytes)
                                : -1.0);
  };
  try {
    while (const auto line = input.next()) {
      last_line = line->number;
      if (hooks.should_stop()) {
        writer.discard();
        return finish(run_outcome::stopped, "stopped");
      }
      bool go_on = true;
      if (line->too_long) {
        go_on = writer.reject(line_name(line->number) + ": longer than the line limit");
      } else if (is_blank(line->text)) {
        continue;
      } else {
        try {
          auto entry = parse_ndjson_line(line->text, options.max_depth);
          go_on = writer.add(entry.timeline, std::move(entry.item), line->number);
        } catch (const ndjson_error& e) {
          go_on = writer.reject(line_name(line->number) + ": " + e.what());
        }
      }
      if (!go_on) {
        return finish(run_outcome::aborted, "stopped at invalid " + line_name(line->number) +
                                                ", before writing its batch");
      }
      advance();
    }
    if (input.interrupted()) {
      writer.discard();
      return finish(run_outcome::stopped, "stopped");
    }
    if (!writer.flush()) return finish(run_outcome::aborted, "the store refused a batch");
    advance();
  } catch (const storage_failure& e) {
    writer.discard();
    return finish(run_outcome::failed, std::string("the store failed: ") + e.what());
  }
  return finish(run_outcome::completed, {});
}

}  // namespace roost::app
