#include "change_log.hpp"

#include <sqlite3.h>

#include <limits>

#include "sqlite_error.hpp"

namespace roost::sqlite {

void change_batch::store(prepared_connection& s, timeline_row& timeline, std::size_t retention) {
  const auto keep = static_cast<std::int64_t>(
      std::min<std::size_t>(retention, std::numeric_limits<std::int64_t>::max()));
  if (timeline.revision != base_)
    throw sqlite_error(SQLITE_INTERNAL, "logging changes", "the timeline's revision moved");
  const auto first = timeline.revision + 1;
  timeline.revision += static_cast<std::int64_t>(changes_.size());
  const auto oldest_kept = timeline.revision - keep + 1;
  for (std::size_t i = 0; i < changes_.size(); ++i) {
    const auto revision = first + static_cast<std::int64_t>(i);
    if (revision < oldest_kept) continue;  // would be pruned at once
    const auto& c = changes_[i];
    auto q = s.record_change.start();
    q.bind_int64(1, timeline.id)
        .bind_int64(2, revision)
        .bind_int64(3, static_cast<std::int64_t>(c.op))
        .bind_blob(4, c.id);
    // Unbound parameters are NULL: a remove, and an insert or update by reference,
    // store no text at all.
    if ((c.op == change_op::insert || c.op == change_op::update) && !c.by_reference)
      q.bind_text(5, c.text);
    if (c.op == change_op::ack) q.bind_text(6, c.text);
    q.run();
  }
  // Changes stored by earlier writes that fall out of the window: none while the window
  // is not full, nor when there were no earlier ones.
  if (oldest_kept <= 1 || first == 1) return;
  auto q = s.prune_changes.start();
  q.bind_int64(1, timeline.id).bind_int64(2, oldest_kept - 1);
  q.run();
}

change_page_builder read_changes(prepared_connection& s, const prepared_changes& request) {
  // One snapshot for the revision and the page: a write committed in between cannot
  // make them disagree.
  transaction tx(s.tx, transaction::mode::deferred);
  const auto timeline = find_timeline(s, request.timeline);
  change_page_builder page(request, timeline ? static_cast<std::uint64_t>(timeline->revision) : 0);
  if (!page.wants_more()) return page;

  auto q = s.change_page.start();
  q.bind_int64(1, timeline->id)
      .bind_int64(2, static_cast<std::int64_t>(request.since))
      .bind_int64(3, static_cast<std::int64_t>(request.limit));
  while (page.wants_more() && q.step()) {
    status_change c;
    c.revision = static_cast<std::uint64_t>(q.column_int64(0));
    // A hole may also come from a program of schema version 1 still writing to the file.
    if (!page.accept(c.revision)) break;
    const auto op = q.column_int64(1);
    if (op < static_cast<int>(change_op::insert) || op > static_cast<int>(change_op::remove))
      throw sqlite_error(SQLITE_CORRUPT, "reading the change log",
                         "a change has the unknown op " + std::to_string(op));
    c.op = static_cast<change_op>(op);
    c.id = q.column_blob(2);
    if ((c.op == change_op::insert || c.op == change_op::update) && q.column_is_null(3))
      throw sqlite_error(SQLITE_CORRUPT, "reading the change log",
                         "the status of change " + std::to_string(c.revision) + " is missing");
    c.status_json = q.column_text(3);
    c.acked_at = q.column_text(4);
    page.add(std::move(c));
  }
  tx.commit();
  return page;
}

}  // namespace roost::sqlite
