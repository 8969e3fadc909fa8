// Import from BusyBird (the Perl original): its SQLite status database, read-only.
//
// The format: table timelines(timeline_id, name) and table statuses(timeline_id,
// status_id, utc_acked_at, utc_created_at, timezone_acked_at, timezone_created_at, level,
// content). `content` is the status as JSON, but BusyBird updates only the columns when
// it acks a status or changes its level, so the columns win: the id is status_id, the
// timestamps are rebuilt from the utc_* and timezone_* columns (busybird_time.hpp), and
// the level is the level column. See docs/data-moving.md for the mapping.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ndjson_import.hpp"
#include "run_hooks.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

/// One row of BusyBird's statuses table with its timeline's name.
struct busybird_row {
  std::string timeline;
  std::string status_id;
  std::string utc_acked_at;
  std::string utc_created_at;
  std::string timezone_acked_at;
  std::string timezone_created_at;
  std::int64_t level = 0;
  std::string content;
};

/// A row that cannot become a status; the message says why.
class busybird_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The status BusyBird would give back for `row`: `content` parsed, with id, created_at,
/// busybird.acked_at and busybird.level taken from the columns (an absent timestamp
/// removes the field; busybird.level is set when the column is not 0 or the content had
/// a level). Warnings about time zones go to `warnings`. Throws busybird_error.
status busybird_status(const busybird_row& row, std::vector<std::string>* warnings = nullptr);

/// A row whose columns have the wrong types; reading can go on with the next row.
class busybird_row_error : public busybird_error {
public:
  using busybird_error::busybird_error;
};

/// Reads a BusyBird database, opened read-only, in one read transaction.
class busybird_reader {
public:
  /// Opens `path` read-only. Throws busybird_error when it cannot be opened or is not a
  /// BusyBird database (missing tables or columns).
  explicit busybird_reader(const std::filesystem::path& path);
  ~busybird_reader();
  busybird_reader(const busybird_reader&) = delete;
  busybird_reader& operator=(const busybird_reader&) = delete;

  /// Rows in the statuses table.
  std::uint64_t status_count();

  /// Rows whose timeline_id has no timeline (they cannot be imported).
  std::uint64_t orphan_count();

  /// The next row, by timeline then status_id; false at the end. A row whose columns
  /// have the wrong types throws busybird_row_error (the reader can go on after it);
  /// a failure of SQLite throws busybird_error.
  bool next(busybird_row& row);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct busybird_import_result {
  import_result run;          ///< lines in `run` count rows read
  std::uint64_t orphans = 0;  ///< rows without a timeline, not imported
  std::size_t warnings = 0;   ///< time zones that fell back to UTC
};

/// Imports every timeline of the BusyBird database at `path` into `target`, in batches
/// (options.batch_size, mode, on_error as for NDJSON; rows stand in for lines). Throws
/// busybird_error when the database cannot be opened or read.
busybird_import_result import_busybird(const std::filesystem::path& path, status_storage& target,
                                       const import_options& options, const run_hooks& hooks);

}  // namespace roost::app
