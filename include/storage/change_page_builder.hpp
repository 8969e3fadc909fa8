// change_page_builder: one get_changes answer, built from a backend's change log.
//
// Every check the contract asks of a page lives here, so that a backend only reads its
// log: a cursor ahead of the timeline, changes pruned before the cursor, a hole in the
// log, and a short page that does not end at the timeline's revision are all
// errc::stale_cursor, with one wording for every backend (docs/spec/storage-contract.md,
// "get_changes").
//
// A backend makes one builder per request, inside the same read snapshot it reads the
// revision and the log in, and then:
//
//   change_page_builder page(request, revision);
//   for (row = seek(log, page.next_revision()); row && page.wants_more(); row = next(row)) {
//     if (!page.accept(row.revision)) break;
//     page.add({row.revision, row.op, row.id, row.status_json, row.acked_at});
//   }
//   change_page out;
//   const storage_error error = page.finish("get_changes on my store", out);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/changes.hpp"
#include "storage/errors.hpp"

namespace roost {

/// Collects the changes of one get_changes page and decides whether the cursor can be
/// followed. Not thread-safe; one per request.
class change_page_builder {
public:
  /// For `request` on a timeline whose latest revision is `last_revision` (0 for a
  /// timeline that does not exist). A cursor ahead of it is stale at once.
  change_page_builder(const prepared_changes& request, std::uint64_t last_revision);

  /// True while the page wants the log's next entry: false once it is full, reaches the
  /// timeline's revision, or is known to be stale. Read no entry when it is false.
  bool wants_more() const noexcept;

  /// The revision the next entry must have: where a backend starts reading its log.
  std::uint64_t next_revision() const noexcept { return since_ + 1 + page_.changes.size(); }

  /// Offers the revision of the log's next entry (the first one at or after
  /// next_revision(), in revision order). True when it is the one the page needs: then
  /// add() it. False when the changes between were pruned or are missing: the page is
  /// stale and reading stops.
  bool accept(std::uint64_t revision);

  /// Appends the change whose revision accept() just took.
  void add(status_change change);

  /// Ends the page once the backend stopped reading (wants_more() false, accept() false,
  /// or its log ran out). Moves the page into `out` and returns no error when the cursor
  /// could be followed; otherwise leaves `out` empty and returns errc::stale_cursor whose
  /// message begins with `where` (what the backend calls itself) and says why.
  storage_error finish(std::string_view where, change_page& out);

private:
  std::uint64_t since_;
  std::size_t limit_;
  std::uint64_t last_;
  change_page page_;
  std::string stale_;  // why the cursor cannot be followed; empty while it can
};

}  // namespace roost
