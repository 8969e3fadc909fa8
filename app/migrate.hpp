// Migration from one store to another (any backends), and the check that two stores
// hold the same statuses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "batch_writer.hpp"
#include "ndjson_import.hpp"
#include "run_hooks.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

struct migrate_options {
  put_mode mode = put_mode::insert;  ///< insert: re-running after an interruption resumes
  std::size_t batch_size = 1000;     ///< statuses per transaction in the target
  std::size_t expected_total = 0;    ///< statuses in the source, when known (progress)
};

/// A fingerprint of a timeline's stored texts, in order: how many, and a 64-bit hash of
/// them. Equal digests mean equal texts but for a 2^-64 chance: a check against bugs and
/// concurrent writers, not against an adversary.
struct text_digest {
  std::size_t count = 0;
  std::uint64_t hash = 0xcbf29ce484222325;

  void add(std::string_view text) noexcept;
  bool operator==(const text_digest&) const = default;
};

/// What a migration read from one source timeline.
struct copied_timeline {
  std::uint64_t revision = 0;  ///< the source timeline's revision while it was read
  text_digest digest;          ///< of the texts read
};

struct migrate_result {
  run_outcome outcome = run_outcome::completed;
  std::string message;
  std::size_t timelines = 0;  ///< timelines copied completely
  std::size_t read = 0;       ///< statuses read from the source
  write_totals totals;
  std::map<std::string, copied_timeline> copied;  ///< by timeline, those copied completely
};

/// Copies every timeline of `from` into `to`, page by page, each page one batch written
/// as it is read (no temporary file). A second thread reads the source while the
/// calling thread writes; stored texts pass from store to store without being parsed
/// into JSON trees (put_status_texts). A store failure ends the run with run_outcome::failed.
/// Throws std::runtime_error when a source timeline changed while it was copied (the
/// copy is then not one consistent state: run it again once nothing writes to the
/// source) or a stored status is damaged.
migrate_result migrate_statuses(status_storage& from, status_storage& to,
                                const migrate_options& options, const run_hooks& hooks);

/// The outcome of compare_stores.
struct comparison {
  std::size_t timelines = 0;  ///< timelines compared (those of either store)
  std::size_t statuses = 0;   ///< statuses of the first store
  /// One line per difference found (a few per timeline); empty when the stores
  /// hold the same timelines, each with the same statuses (count and ids, in the same
  /// order) and the same unacked counts.
  std::vector<std::string> differences;
  bool same() const noexcept { return differences.empty(); }
};

/// How compare_stores names the two stores in its reports.
struct store_names {
  std::string first = "the first store";
  std::string second = "the second store";
};

/// Compares `a` and `b` timeline by timeline. A timeline whose stored texts are equal,
/// page by page, is the same without parsing anything; for one that differs, the report
/// says how many statuses each store has, which ids only one of them holds and which
/// differ in content (equal ids, different documents). Unacked counts are compared too.
/// Throws storage_failure on a store failure.
comparison compare_stores(status_storage& a, status_storage& b, const run_hooks& hooks = {},
                          const store_names& names = {});

/// The check after migrate_statuses: the same answer as compare_stores(from, to), but a
/// source timeline whose revision is still the one `copied` records is not read again:
/// the target's texts are compared with the digest taken while copying. Any other
/// timeline, and any that differs, is compared in full (and explained).
comparison verify_migration(status_storage& from, status_storage& to, const migrate_result& copied,
                            const run_hooks& hooks = {},
                            const store_names& names = {"the source", "the target"});

}  // namespace roost::app
