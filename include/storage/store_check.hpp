// store_check_report: what a backend's check() found when it read a whole store.
//
// A check reads everything a store holds and cross-checks it (each backend's header says
// what exactly). It never changes the store. A plain value; not thread-safe to share
// while being filled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roost {

struct store_check_report {
  /// What is wrong, one sentence each, naming the table, record or page; empty when the
  /// store is sound. Outside bytes (ids, names) in them are quoted as JSON strings.
  std::vector<std::string> problems;
  /// Problems found beyond those listed (a badly damaged store would list thousands).
  std::size_t unlisted = 0;

  std::size_t timelines = 0;  ///< timelines read
  std::size_t statuses = 0;   ///< status records read
  std::size_t changes = 0;    ///< change log entries read
  std::uint64_t pages = 0;    ///< pages of the file read (as the engine counts them)

  /// True when nothing is wrong.
  bool ok() const noexcept { return problems.empty() && unlisted == 0; }

  /// Adds a problem, keeping at most `max_listed` in the list.
  void add(std::string problem, std::size_t max_listed = 100) {
    if (problems.size() < max_listed)
      problems.push_back(std::move(problem));
    else
      ++unlisted;
  }
};

/// The fields a backend keeps beside a stored document, to check it against.
struct stored_status_fields {
  std::string_view id;         ///< the id the record is filed under
  std::int64_t level = 0;      ///< the level its counts were kept at
  std::string_view order_key;  ///< the order key it is sorted by
};

/// Checks a stored document the way a status coming in is checked (prepare_status_text:
/// the one input rule, an object with a valid id, level and timestamps) and against the
/// fields kept beside it. Returns what is wrong, one sentence, or an empty string when it
/// is sound. A check() that passed every document this way guarantees that reads and
/// exports hand out only documents import takes back.
std::string stored_document_problem(const std::string& json, const stored_status_fields& kept);

}  // namespace roost
